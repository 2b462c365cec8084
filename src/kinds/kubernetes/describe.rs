//! What `check` says about a Kubernetes architecture: its line, one per
//! node pool (with the allocatable room it computed), the DaemonSets, and
//! one per deployment.

use crate::kinds::kubernetes::spec::KubernetesSpec;
use crate::kinds::kubernetes::spec::cluster::NodeScaler;
use crate::kinds::servers::describe::concurrency_note;
use crate::scenario::Scenario;
use crate::scenario::describe::{Describe, spelled};
use std::fmt::Write as _;

impl Describe for KubernetesSpec {
    fn describe(&self, s: &mut String, name: &str, sc: &Scenario) {
        let c = &self.cluster;
        let nodes = match &c.autoscaler {
            Some(a) if matches!(a.scaler, NodeScaler::Karpenter { .. }) => format!(
                "karpenter (batches of pending pods, 1s idle / 10s at most; consolidates {} after {}, checked every {})",
                if a.scaler == (NodeScaler::Karpenter { empty_only: true }) {
                    "empty nodes"
                } else {
                    "nodes whose pods fit elsewhere"
                },
                a.unneeded_time,
                a.scan_interval
            ),
            Some(a) => format!(
                "cluster-autoscaler (scan {}, scale down after {} under {} %, not within {} of a scale up)",
                a.scan_interval,
                a.unneeded_time,
                crate::numbers::percent(a.utilization_threshold),
                a.delay_after_add
            ),
            None => "fixed nodes".into(),
        };
        let _ = writeln!(
            s,
            "  {:<12} kubernetes, {} control plane ${}/h, hop {}, {}, {}",
            name,
            self.control_plane.name,
            self.control_plane.per_hour,
            self.deployments.hop_latency,
            c.scoring.name(),
            nodes
        );
        let initial = self.layout.nodes_per_pool(c.node_pools.len());
        for (p, n) in c.node_pools.iter().zip(initial) {
            let _ = writeln!(
                s,
                "    node pool {:<10} {} × {} ({}..{}), each {} and {} pods allocatable{}, ready after {}",
                p.name,
                n,
                p.instance.name,
                p.min,
                p.max,
                p.allocatable.describe(),
                p.max_pods,
                if p.reserved_given {
                    " (reserved as given)"
                } else {
                    " (EKS formula)"
                },
                p.provisioning.describe()
            );
        }
        let _ = writeln!(
            s,
            "    daemonsets {} pods, {} on every node",
            c.daemonset_pods,
            c.daemonsets.describe()
        );
        for ((svc, f), pod) in sc
            .services
            .iter()
            .zip(&self.deployments.fleets)
            .zip(&self.pods)
        {
            let x = match f {
                crate::kinds::microservices::spec::ServiceFleet::Autoscaled(x) => x,
                crate::kinds::microservices::spec::ServiceFleet::Fixed(_) => {
                    unreachable!("deployments are pooled")
                }
            };
            let scaling = if pod.fixed {
                format!("{} pods", x.scaling.min)
            } else {
                // The target as written: the model's is over the limit.
                let target = match x.scaling.metric {
                    crate::scenario::values::Metric::Cpu => {
                        let of = pod.cpu_limit_m as f64 / pod.requests.cpu_m as f64;
                        format!(
                            "{} of requests",
                            crate::numbers::trimmed(x.scaling.target * of, 4)
                        )
                    }
                    _ => crate::numbers::trimmed(x.scaling.target, 4),
                };
                format!(
                    "HPA {}..{} pods (from {}), {} target {target}",
                    x.scaling.min,
                    x.scaling.max,
                    x.fleet.servers,
                    spelled(x.scaling.metric),
                )
            };
            let _ = writeln!(
                s,
                "    {:<10} {scaling}, requests {}, CPU limit {} vCPU, start {}{}",
                svc.name,
                pod.requests.describe(),
                crate::numbers::trimmed(pod.cpu_limit_m as f64 / 1000.0, 3),
                x.scaling.boot_time.describe(),
                concurrency_note(&x.fleet)
            );
        }
    }
}
