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

impl ServerlessResult {
    /// The share of the GB-seconds billed per invocation (Lambda's
    /// functions; Cloud Run bills instance time) that are waits on I/O,
    /// or None when nothing of it waits.
    pub fn waiting_share(&self) -> Option<f64> {
        let (waiting, billed) = self.lambda_gb_seconds();
        (waiting > 0.0 && billed > 0.0).then(|| waiting / billed)
    }

    /// Over the functions billed per invocation (Lambda's): GB-seconds
    /// spent waiting on I/O, and all GB-seconds billed.
    pub fn lambda_gb_seconds(&self) -> (f64, f64) {
        let lambda = self.functions.iter().filter(|f| f.autoscaler.is_none());
        lambda.fold((0.0, 0.0), |(w, b), f| {
            (w + f.waiting_gb_seconds, b + f.billed_gb_seconds)
        })
    }
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

/// A limit that refuses a serverless invocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// The account's concurrent executions (`concurrency_limit`).
    ConcurrencyLimit,
    /// The function's own cap (`reserved_concurrency`).
    ReservedConcurrency,
    /// The function's instances (`max_instances`).
    MaxInstances,
    /// New instances per period (`scale_rate`).
    ScaleRate,
}

impl Limit {
    pub const ALL: [Limit; 4] = [
        Limit::ConcurrencyLimit,
        Limit::ReservedConcurrency,
        Limit::MaxInstances,
        Limit::ScaleRate,
    ];

    /// The scenario key that sets it.
    pub fn key(self) -> &'static str {
        match self {
            Limit::ConcurrencyLimit => "concurrency_limit",
            Limit::ReservedConcurrency => "reserved_concurrency",
            Limit::MaxInstances => "max_instances",
            Limit::ScaleRate => "scale_rate",
        }
    }
}

/// The invocations one limit refused in the measured period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Refusals {
    /// Synchronous ones: failed, and their requests with them (HTTP 429).
    pub throttled: u64,
    /// Asynchronous ones: waited in the event queue.
    pub async_throttled: u64,
    /// Simulated seconds of the first and the last refusal (with
    /// replications, replication 0's; absent if it had none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span_s: Option<[f64; 2]>,
}

impl Refusals {
    /// One more refusal at `at_s`.
    fn add(&mut self, sync: bool, at_s: f64) {
        if sync {
            self.throttled += 1;
        } else {
            self.async_throttled += 1;
        }
        let [first, _] = self.span_s.unwrap_or([at_s; 2]);
        self.span_s = Some([first, at_s]);
    }
}

/// A function's refused invocations by the limit that refused them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RefusedBy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency_limit: Option<Refusals>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved_concurrency: Option<Refusals>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_instances: Option<Refusals>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_rate: Option<Refusals>,
}

impl RefusedBy {
    pub fn get(&self, limit: Limit) -> Option<&Refusals> {
        match limit {
            Limit::ConcurrencyLimit => self.concurrency_limit.as_ref(),
            Limit::ReservedConcurrency => self.reserved_concurrency.as_ref(),
            Limit::MaxInstances => self.max_instances.as_ref(),
            Limit::ScaleRate => self.scale_rate.as_ref(),
        }
    }

    fn slot(&mut self, limit: Limit) -> &mut Option<Refusals> {
        match limit {
            Limit::ConcurrencyLimit => &mut self.concurrency_limit,
            Limit::ReservedConcurrency => &mut self.reserved_concurrency,
            Limit::MaxInstances => &mut self.max_instances,
            Limit::ScaleRate => &mut self.scale_rate,
        }
    }

    /// Counts one invocation `limit` refused at `at_s`, synchronous or not.
    pub fn add(&mut self, limit: Limit, sync: bool, at_s: f64) {
        self.slot(limit).get_or_insert_default().add(sync, at_s);
    }

    pub fn is_empty(&self) -> bool {
        *self == RefusedBy::default()
    }

    /// Whether every refusal was a synchronous one by the account's
    /// `concurrency_limit` (or there was none): what the totals already tell.
    pub fn told_by_totals(&self) -> bool {
        Limit::ALL.iter().all(|&l| match self.get(l) {
            None => true,
            Some(r) => l == Limit::ConcurrencyLimit && r.async_throttled == 0,
        })
    }
}

/// Over replications: counts are means (a replication without the
/// limit's refusals counting zero), the span is replication 0's.
impl Aggregate for RefusedBy {
    fn mean_of(items: &[&Self]) -> Self {
        let mut out = RefusedBy::default();
        for limit in Limit::ALL {
            if items.iter().all(|r| r.get(limit).is_none()) {
                continue;
            }
            let zero = Refusals::default();
            let each: Vec<&Refusals> = items
                .iter()
                .map(|r| r.get(limit).unwrap_or(&zero))
                .collect();
            let count = |f: fn(&Refusals) -> u64| {
                let v: Vec<u64> = each.iter().map(|r| f(r)).collect();
                u64::mean_of(&v.iter().collect::<Vec<_>>())
            };
            *out.slot(limit) = Some(Refusals {
                throttled: count(|r| r.throttled),
                async_throttled: count(|r| r.async_throttled),
                span_s: each[0].span_s,
            });
        }
        out
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
    /// Which limit refused its throttled invocations. Empty (and absent
    /// from the JSON) when none was refused, and when every invocation
    /// the architecture refused was synchronous and refused by the
    /// account's `concurrency_limit`: then `throttled` and the time
    /// series say it all.
    #[serde(default, skip_serializing_if = "RefusedBy::is_empty")]
    pub refused_by: RefusedBy,
    pub instances: LevelSummary,
    pub provisioned: u32,
    pub idle_gb_seconds: f64,
    /// Billed duration, GB × seconds.
    pub billed_gb_seconds: f64,
    /// Of `billed_gb_seconds`, the invocations' own waits on I/O (of those
    /// that ended in the measured period): what the bill pays for waiting,
    /// which no memory size shortens. Absent when no service waits.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub waiting_gb_seconds: f64,
    /// Invocations billed in the measured period (counted when they end).
    pub billed_invocations: u64,
    pub cost: crate::pricing::cost::CostBreakdown,
    /// Cloud Run's autoscaler; absent on Lambda.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaler: Option<AutoscalerResult>,
}

/// What Cloud Run's autoscaler did for one service.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AutoscalerResult {
    /// Instances in rotation or starting: those it wanted (at least its
    /// recommendation, more while requests overflowed them). The
    /// `instances` beside it also count idle ones kept warm.
    pub in_rotation: LevelSummary,
    /// Instances it started ahead of requests (requests that start one
    /// themselves count as cold starts).
    pub started: u64,
}

aggregate_fields!(AutoscalerResult {
    in_rotation,
    started
});

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
    refused_by,
    instances,
    provisioned,
    idle_gb_seconds,
    billed_gb_seconds,
    waiting_gb_seconds,
    billed_invocations,
    cost,
    autoscaler,
});

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}
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
