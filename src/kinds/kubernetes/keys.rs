//! The keys of a `kind = "kubernetes"` architecture as written: the
//! `cluster` table with its node pools, `control_plane`, and the pod
//! `requests` and `limits` of each deployment, spelled as Kubernetes
//! spells them (`cpu` in cores, `memory` as a size).

use crate::scenario::instance::InstanceSpec;
use crate::scenario::values::{DistSpec, Dur};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use toml::Spanned;

/// `requests` or `limits` of a pod, or a node's `reserved` or the
/// `daemonsets`' requests: `{ cpu = 0.5, memory = "512MiB" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResources {
    /// Cores (`0.25` is Kubernetes' `250m`).
    pub cpu: Option<Spanned<f64>>,
    pub memory: Option<Spanned<String>>,
}

/// `[architectures.cluster]`: the nodes and what adds and removes them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCluster {
    pub node_pools: Spanned<Vec<Spanned<RawNodePool>>>,
    /// `"least-allocated"` (the default scheduler's) or `"most-allocated"`.
    pub scheduling: Option<Spanned<Scoring>>,
    /// `"cluster-autoscaler"` (default) or `"none"`.
    pub autoscaler: Option<Spanned<NodeAutoscaler>>,
    pub scan_interval: Option<Spanned<Dur>>,
    pub scale_down_unneeded_time: Option<Spanned<Dur>>,
    pub scale_down_delay_after_add: Option<Spanned<Dur>>,
    pub scale_down_utilization_threshold: Option<Spanned<f64>>,
    /// Karpenter: how long a node must be consolidatable before it goes.
    pub consolidate_after: Option<Spanned<Dur>>,
    /// Karpenter: which nodes it consolidates.
    pub consolidation: Option<Spanned<Consolidation>>,
    /// What the DaemonSets run and request on every node.
    pub daemonsets: Option<Spanned<RawDaemonSets>>,
}

/// `daemonsets = { pods = 2, cpu = 0.125, memory = "0MiB" }`: the pods
/// every node runs whatever is scheduled (CNI, kube-proxy, log and metric
/// agents) and what they request together.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDaemonSets {
    pub pods: Option<Spanned<i64>>,
    pub cpu: Option<Spanned<f64>>,
    pub memory: Option<Spanned<String>>,
}

/// `[[architectures.cluster.node_pools]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNodePool {
    pub name: Option<Spanned<String>>,
    pub instance: Option<Spanned<InstanceSpec>>,
    pub min: Option<Spanned<i64>>,
    pub max: Option<Spanned<i64>>,
    /// Nodes up at the start.
    pub nodes: Option<Spanned<i64>>,
    /// From the autoscaler's request to a Ready node.
    pub provisioning: Option<Spanned<DistSpec>>,
    pub max_pods: Option<Spanned<i64>>,
    /// Kept from pods: kube-reserved, system-reserved and the eviction
    /// threshold together, instead of EKS's formula.
    pub reserved: Option<Spanned<RawResources>>,
}

/// How the scheduler scores the nodes a pod fits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scoring {
    /// Spread: the node with the most room left (kube-scheduler's default).
    LeastAllocated,
    /// Bin-packing: the fullest node the pod fits on.
    MostAllocated,
}

/// Karpenter's `consolidationPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Consolidation {
    /// Only nodes with no pod but DaemonSets'.
    WhenEmpty,
    /// Also nodes whose pods fit on the other nodes (the default).
    WhenEmptyOrUnderutilized,
}

/// What adds and removes nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeAutoscaler {
    ClusterAutoscaler,
    /// Batches pending pods and launches the cheapest node pool's nodes
    /// that hold them; consolidates nodes whose pods fit elsewhere.
    Karpenter,
    /// The node pools stay at their `nodes`.
    None,
}

/// `control_plane`: a managed offering's name, or its price per hour.
#[derive(Debug, Clone, PartialEq)]
pub enum RawControlPlane {
    Named(String),
    PerHour(f64),
}

impl<'de> Deserialize<'de> for RawControlPlane {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawControlPlane;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "a control plane such as \"eks\", \"gke\" or \"aks-free\", or its price in USD per hour"
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawControlPlane, E> {
                Ok(RawControlPlane::Named(s.to_string()))
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> Result<RawControlPlane, E> {
                Ok(RawControlPlane::PerHour(x))
            }
            fn visit_i64<E: de::Error>(self, x: i64) -> Result<RawControlPlane, E> {
                Ok(RawControlPlane::PerHour(x as f64))
            }
        }
        d.deserialize_any(V)
    }
}
