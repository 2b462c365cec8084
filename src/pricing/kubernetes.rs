//! The fee of a managed Kubernetes control plane, per cluster and hour,
//! with where each figure comes from. Worker nodes are priced as the EC2
//! instances they are ([`super::catalog`]).

/// A control plane's hourly fee and its source.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlPlane {
    /// As a scenario names it ("eks"), or "custom".
    pub name: &'static str,
    pub per_hour: f64,
    pub source: &'static str,
    pub date: &'static str,
}

/// The offerings a scenario may name, in the order `check` lists them.
pub const CONTROL_PLANES: &[ControlPlane] = &[
    ControlPlane {
        name: "eks",
        per_hour: 0.10,
        source: "Amazon EKS pricing, standard support (AWS Containers Blog, EKS extended support pricing)",
        date: "2024-04",
    },
    ControlPlane {
        name: "eks-extended",
        per_hour: 0.60,
        source: "Amazon EKS pricing, extended support (AWS Containers Blog, EKS extended support pricing)",
        date: "2024-04",
    },
    ControlPlane {
        name: "gke",
        per_hour: 0.10,
        source: "cloud.google.com/kubernetes-engine/pricing (cluster management fee; the free tier's $74.40 monthly credit is not applied)",
        date: "2026-12",
    },
    ControlPlane {
        name: "aks-free",
        per_hour: 0.0,
        source: "Azure AKS Free tier: no management fee (MS Learn, free-standard-pricing-tiers)",
        date: "2026-12",
    },
    ControlPlane {
        name: "aks-standard",
        per_hour: 0.10,
        source: "Azure AKS Standard tier (price from memory, not confirmed on the provider's page: override with a number)",
        date: "2026-12",
    },
    ControlPlane {
        name: "none",
        per_hour: 0.0,
        source: "self-managed control plane (its own nodes are not modelled)",
        date: "",
    },
];

/// The offering `name`, if it is one.
pub fn control_plane(name: &str) -> Option<&'static ControlPlane> {
    CONTROL_PLANES.iter().find(|c| c.name == name)
}
