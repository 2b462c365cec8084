//! What fleets of servers add to the results: an autoscaled fleet's
//! scaling actions (an autoscaled architecture's, or a microservices
//! service's), and a fleet on spot's interruptions.

use crate::results::aggregate::{Aggregate, aggregate_fields};
use serde::{Deserialize, Serialize};

/// Scaling actions taken in the measured period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScalingActions {
    pub out: u64,
    #[serde(rename = "in")]
    pub r#in: u64,
}

aggregate_fields!(ScalingActions { out, r#in });

/// What a fleet on spot capacity adds to its results (the requests its
/// interruptions failed are `requests.interrupted`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SpotResult {
    /// Interruption notices in the measured period.
    pub interruptions: u64,
    /// Servers launched to replace interrupted ones.
    pub replacements: u64,
    /// Billed server-hours at the spot price in the measured period.
    pub server_hours: f64,
}

aggregate_fields!(SpotResult {
    interruptions,
    replacements,
    server_hours
});
