//! What a Kubernetes architecture adds to the results: its deployments
//! (pods per service, as a microservices architecture reports its fleets)
//! and its cluster (nodes per pool, pending pods, requested against used
//! and allocatable CPU and memory: the waste of requests set above use
//! and of half-empty nodes).

use crate::kinds::microservices::results::ServiceFleetResult;
use crate::results::aggregate::{Aggregate, aggregate_fields};
use crate::results::stats::LevelSummary;
use serde::{Deserialize, Serialize};

pub type Details = KubernetesResult;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KubernetesResult {
    /// One per service: its pods (`servers` the peak), and the share of
    /// the nodes' bill its CPU requests take (`cost_usd`).
    pub services: Vec<ServiceFleetResult>,
    pub cluster: ClusterResult,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterResult {
    pub node_pools: Vec<NodePoolResult>,
    /// The control plane offering ("eks", "gke", … or "custom").
    pub control_plane: String,
    pub control_plane_usd: f64,
    /// Pods waiting for a node with room.
    pub pending_pods: LevelSummary,
    /// Pods that waited for room in the measured period, and their mean
    /// wait in seconds.
    pub pods_waited: u64,
    pub mean_pod_wait_s: f64,
    /// Mean pods bound to nodes (DaemonSets' not counted), and per node.
    pub mean_pods: f64,
    pub pods_per_node: f64,
    /// Mean cores: requested by pods and DaemonSets, used by the work,
    /// allocatable on the launched nodes.
    pub requested_cpu: f64,
    pub used_cpu: f64,
    pub allocatable_cpu: f64,
    /// Mean GiB requested and allocatable.
    pub requested_memory_gib: f64,
    pub allocatable_memory_gib: f64,
    /// The nodes' bill beyond every service's share: capacity no pod
    /// requested.
    pub unrequested_usd: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodePoolResult {
    pub name: String,
    pub instance: String,
    /// Launched nodes (provisioning, ready or draining).
    pub nodes: LevelSummary,
    pub node_hours: f64,
    pub cost_usd: f64,
    /// What pods may request on one node (cores, GiB) and its pod places.
    pub allocatable_cpu: f64,
    pub allocatable_memory_gib: f64,
    pub max_pods: u32,
    /// Nodes added and removed by the Cluster Autoscaler in the measured
    /// period.
    pub scale_ups: u64,
    pub scale_downs: u64,
}

aggregate_fields!(KubernetesResult { services, cluster });
aggregate_fields!(ClusterResult {
    node_pools,
    control_plane,
    control_plane_usd,
    pending_pods,
    pods_waited,
    mean_pod_wait_s,
    mean_pods,
    pods_per_node,
    requested_cpu,
    used_cpu,
    allocatable_cpu,
    requested_memory_gib,
    allocatable_memory_gib,
    unrequested_usd
});
aggregate_fields!(NodePoolResult {
    name,
    instance,
    nodes,
    node_hours,
    cost_usd,
    allocatable_cpu,
    allocatable_memory_gib,
    max_pods,
    scale_ups,
    scale_downs
});
