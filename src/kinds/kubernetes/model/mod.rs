//! A Kubernetes architecture runs as the microservices model (one pool of
//! pods per deployment, each scaled by its HPA) on a [`Cluster`] that
//! places the pods on nodes, adds and removes the nodes, and bills them;
//! this file closes a run into the kind's outcome.

mod cluster;

use crate::architectures::{Kind, Outcome, Simulate, simulate};
use crate::engine::Queues;
use crate::kinds::kubernetes::results::{ClusterResult, KubernetesResult, NodePoolResult};
use crate::kinds::kubernetes::spec::KubernetesSpec;
use crate::kinds::microservices::model::MicroservicesModel;
use crate::kinds::microservices::results::ServiceFleetResult;
use crate::kinds::servers::bill::instance_price;
use crate::pricing::cost::CostBreakdown;
use crate::results::summary::{KindResult, PriceNote};
use crate::scenario::Scenario;
pub use cluster::{Cluster, ClusterRun};

impl Kind for KubernetesSpec {
    type Model = MicroservicesModel<Cluster>;

    fn build(&self, scenario: &Scenario, replication: u32) -> Self::Model {
        let cluster = Cluster::new(self, scenario.warmup, scenario.seed, replication);
        MicroservicesModel::placed(scenario, &self.deployments, replication, cluster)
    }

    fn finish(&self, scenario: &Scenario, model: Self::Model) -> Outcome {
        let end = scenario.duration;
        let (stats, runs, mut cluster) = model.finish(end);
        let run = cluster.finish(end);
        let nodes_usd: f64 = run.pools.iter().map(|p| p.cost_usd).sum();
        let mut used_cpu = 0.0;
        let mut services = Vec::with_capacity(runs.len());
        let mut requested_share = 0.0;
        for ((((svc, fleet), pod), r), bound) in scenario
            .services
            .iter()
            .zip(&self.deployments.fleets)
            .zip(&self.pods)
            .zip(&runs)
            .zip(&run.bound_pods)
        {
            let inst = &fleet.fleet().instance;
            // Busy vCPUs of a pod run at its limit's share of a core.
            used_cpu += r.mean_busy * inst.speed;
            let pool = r.pool.as_ref().expect("every deployment is pooled");
            // Pods bound to a node: a pending one requests nothing there.
            let cores = bound * pod.requests.cpu_m as f64 / 1000.0;
            let share = if run.allocatable_cpu > 0.0 {
                cores / run.allocatable_cpu
            } else {
                0.0
            };
            requested_share += share;
            services.push(ServiceFleetResult {
                name: svc.name.clone(),
                kind: if pod.fixed { "fixed" } else { "hpa" }.into(),
                servers: pool.servers.peak,
                instance: inst.name.clone(),
                utilization: if r.mean_slots > 0.0 {
                    r.mean_busy / r.mean_slots
                } else {
                    0.0
                },
                mean_queue: r.mean_queue,
                cost_usd: nodes_usd * share,
                autoscaled: (!pod.fixed).then(|| pool.result()),
                spot: None,
            });
        }
        let utilization = if run.node_vcpus > 0.0 {
            used_cpu / run.node_vcpus
        } else {
            0.0
        };
        let mut cost = CostBreakdown::fleet(nodes_usd, utilization);
        cost.control_plane_usd = Some(run.control_plane_usd);
        let mut prices: Vec<PriceNote> = Vec::new();
        for p in &self.cluster.node_pools {
            let note = instance_price(&p.instance);
            if !prices.iter().any(|q| q.item == note.item) {
                prices.push(note);
            }
        }
        let cp = &self.control_plane;
        prices.push(PriceNote {
            item: format!("{} control plane", cp.name),
            price_usd: cp.per_hour,
            unit: "cluster-hour".into(),
            source: cp.source.into(),
            date: cp.date.into(),
        });
        let node_pools: Vec<NodePoolResult> = self
            .cluster
            .node_pools
            .iter()
            .zip(&run.pools)
            .map(|(spec, r)| NodePoolResult {
                name: spec.name.clone(),
                instance: spec.instance.name.clone(),
                nodes: r.nodes,
                node_hours: r.node_seconds / 3600.0,
                cost_usd: r.cost_usd,
                allocatable_cpu: spec.allocatable.cpu_m as f64 / 1000.0,
                allocatable_memory_gib: spec.allocatable.memory_mib as f64 / 1024.0,
                max_pods: spec.max_pods,
                scale_ups: r.scale_ups,
                scale_downs: r.scale_downs,
            })
            .collect();
        let mean_nodes: f64 = node_pools.iter().map(|p| p.nodes.mean).sum();
        let peak_nodes: u64 = node_pools.iter().map(|p| p.nodes.peak).sum();
        let instance = match node_pools.as_slice() {
            [one] => format!("{} nodes", one.instance),
            many => format!("{} node pools", many.len()),
        };
        let ClusterRun {
            control_plane_usd,
            pending,
            pods_waited,
            mean_wait_s,
            mean_pods,
            requested_cpu,
            allocatable_cpu,
            requested_memory_gib,
            allocatable_memory_gib,
            ..
        } = run;
        Outcome {
            stats,
            servers: peak_nodes.min(u64::from(u32::MAX)) as u32,
            instance,
            utilization,
            cost,
            prices,
            spot: None,
            details: KindResult::Kubernetes(KubernetesResult {
                services,
                cluster: ClusterResult {
                    node_pools,
                    control_plane: cp.name.into(),
                    control_plane_usd,
                    pending_pods: pending,
                    pods_waited,
                    mean_pod_wait_s: mean_wait_s,
                    mean_pods,
                    pods_per_node: if mean_nodes > 0.0 {
                        mean_pods / mean_nodes
                    } else {
                        0.0
                    },
                    requested_cpu,
                    used_cpu,
                    allocatable_cpu,
                    requested_memory_gib,
                    allocatable_memory_gib,
                    unrequested_usd: nodes_usd * (1.0 - requested_share).max(0.0),
                },
            }),
        }
    }
}

impl Simulate for KubernetesSpec {
    fn simulate(&self, scenario: &Scenario, replication: u32, queues: Queues) -> (Outcome, u64) {
        simulate(self, scenario, replication, queues)
    }
}
