//! What a serverless architecture adds to the results: its cold starts,
//! throttles and instances, and the same per function.

use crate::results::aggregate::{Aggregate, aggregate_fields};
use crate::results::stats::LevelSummary;
use serde::{Deserialize, Serialize};

pub type Details = ServerlessResult;

/// What a serverless architecture adds to its results.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerlessResult {
    /// Instances started cold (initialised) in the measured period.
    pub cold_starts: u64,
    /// Completed requests whose path met at least one cold start.
    pub cold_start_fraction: f64,
    /// Invocations refused by a limit: the synchronous ones failed their
    /// request; the asynchronous ones waited in the event queue.
    pub throttled: u64,
    pub async_throttled: u64,
    /// Warm or initialising instances, provisioned ones included.
    pub instances: LevelSummary,
    /// Memory held by idle warm instances, GB × seconds.
    pub idle_gb_seconds: f64,
    /// Present when a function recycles its instances.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cold_starts_by_cause: Option<ColdStartCauses>,
    pub functions: Vec<FunctionResult>,
}

/// Why instances started cold. A cold start replaces, first, an instance
/// recycled within the last keep-alive (it would still be warm without
/// recycling), then one that keep-alive reclaimed (it would still be warm
/// with an endless keep-alive); otherwise the pool grew past what it has
/// held: new demand.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ColdStartCauses {
    pub new_demand: u64,
    pub keep_alive_expiry: u64,
    pub recycling: u64,
}

impl std::ops::AddAssign for ColdStartCauses {
    fn add_assign(&mut self, o: Self) {
        self.new_demand += o.new_demand;
        self.keep_alive_expiry += o.keep_alive_expiry;
        self.recycling += o.recycling;
    }
}

/// One function of a serverless architecture.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionResult {
    pub name: String,
    pub memory_mb: f64,
    pub invocations: u64,
    pub cold_starts: u64,
    pub throttled: u64,
    pub async_throttled: u64,
    /// Present when this function recycles its instances.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cold_starts_by_cause: Option<ColdStartCauses>,
    pub instances: LevelSummary,
    pub provisioned: u32,
    pub idle_gb_seconds: f64,
    /// Billed duration, GB × seconds.
    pub billed_gb_seconds: f64,
    /// Invocations billed in the measured period (counted when they end).
    pub billed_invocations: u64,
    pub cost: crate::pricing::cost::CostBreakdown,
}

aggregate_fields!(ColdStartCauses {
    new_demand,
    keep_alive_expiry,
    recycling
});
aggregate_fields!(FunctionResult {
    name,
    memory_mb,
    invocations,
    cold_starts,
    throttled,
    async_throttled,
    cold_starts_by_cause,
    instances,
    provisioned,
    idle_gb_seconds,
    billed_gb_seconds,
    billed_invocations,
    cost,
});
aggregate_fields!(ServerlessResult {
    cold_starts,
    cold_start_fraction,
    throttled,
    async_throttled,
    instances,
    idle_gb_seconds,
    cold_starts_by_cause,
    functions,
});
