//! What an autoscaled architecture adds to the results: its servers over
//! time, its scaling actions and its server-hours.

use crate::kinds::servers::results::ScalingActions;
use crate::results::aggregate::{Aggregate, aggregate_fields};
use crate::results::stats::LevelSummary;
use serde::{Deserialize, Serialize};

pub type Details = AutoscaledResult;

/// What an autoscaled fleet adds to its results.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AutoscaledResult {
    /// Launched servers (booting, serving, draining) over the measured
    /// period; `servers` holds the peak.
    pub server_stats: LevelSummary,
    pub scaling_actions: ScalingActions,
    /// Billed server-hours in the measured period.
    pub server_hours: f64,
}

aggregate_fields!(AutoscaledResult {
    server_stats,
    scaling_actions,
    server_hours
});
