//! `kind = "kubernetes"`: one cluster of node pools, every service a
//! deployment whose pods the scheduler binds to nodes by their requests,
//! nodes added and removed by the Cluster Autoscaler, and the nodes and
//! control plane billed.

pub mod describe;
pub mod estimate;
pub mod keys;
pub mod model;
pub mod plan;
pub mod results;
pub mod spec;
