//! What a microservices architecture adds to the results: its fleet per
//! service.

use crate::kinds::autoscaled::results::AutoscaledResult;
use crate::kinds::servers::results::SpotResult;
use crate::results::aggregate::{Aggregate, aggregate_fields};
use serde::{Deserialize, Serialize};

pub type Details = MicroservicesResult;

/// One service's fleet in a microservices architecture.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceFleetResult {
    pub name: String,
    pub kind: String,
    /// Fixed count, or the peak launched.
    pub servers: u64,
    pub instance: String,
    /// Busy slots over serving slots.
    pub utilization: f64,
    /// Mean invocations waiting in the service's queue.
    pub mean_queue: f64,
    pub cost_usd: f64,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub autoscaled: Option<AutoscaledResult>,
    /// A service on spot: its interruptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot: Option<SpotResult>,
}

/// What a microservices architecture adds: its fleet per service.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MicroservicesResult {
    pub services: Vec<ServiceFleetResult>,
}

aggregate_fields!(ServiceFleetResult {
    name,
    kind,
    servers,
    instance,
    utilization,
    mean_queue,
    cost_usd,
    autoscaled,
    spot
});
aggregate_fields!(MicroservicesResult { services });
