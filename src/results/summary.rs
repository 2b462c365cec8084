//! The result of a run: one serializable record per architecture. Field
//! names carry their unit where one is not implied (`latency_ms`,
//! `cost_usd`; rates such as `arrival_rate` are per second, shares such as
//! `utilization` are fractions); the names are a documented contract.
//! Writers (JSON, CSV, tables, charts) read only this.

use crate::pricing::cost::CostSummary;
use crate::results::metrics::Histogram;
pub use crate::results::stats::LevelSummary;
use crate::results::stats::{RequestCounts, WindowRow};
use serde::{Deserialize, Serialize};

/// Latency percentiles, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
}

impl LatencySummary {
    pub fn from_histogram(h: &Histogram) -> Self {
        let q = |p: f64| h.quantile(p).as_millis_f64();
        LatencySummary {
            mean: h.mean_secs() * 1e3,
            p50: q(0.50),
            p90: q(0.90),
            p95: q(0.95),
            p99: q(0.99),
            p999: q(0.999),
            max: h.max().as_millis_f64(),
        }
    }
}

/// Time from arrival until the request's first work starts, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WaitSummary {
    pub mean: f64,
    pub p99: f64,
    /// Fraction of started requests that waited at all (Erlang C's P_W for M/M/c).
    pub fraction_waited: f64,
}

impl WaitSummary {
    pub fn from_histogram(h: &Histogram) -> Self {
        WaitSummary {
            mean: h.mean_secs() * 1e3,
            p99: h.quantile(0.99).as_millis_f64(),
            fraction_waited: h.fraction_above(crate::time::SimTime::ZERO),
        }
    }
}

/// A price the result depends on, with where it came from, for reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriceNote {
    /// What is priced ("m5.large", "Lambda x86 duration").
    pub item: String,
    pub price_usd: f64,
    /// Per what ("hour", "GB-second", "million requests").
    pub unit: String,
    pub source: String,
    pub date: String,
}

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

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScalingActions {
    pub out: u64,
    #[serde(rename = "in")]
    pub r#in: u64,
}

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

/// One architecture's results.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ArchitectureResult {
    pub name: String,
    pub kind: String,
    pub servers: u32,
    pub instance: String,
    pub requests: RequestCounts,
    pub latency_ms: LatencySummary,
    pub wait_ms: WaitSummary,
    /// Busy slot-time over available slot-time in the measured period.
    pub utilization: f64,
    /// Time-average number of requests in the system (for Little's law).
    pub mean_in_system: f64,
    /// Arrivals per second in the measured period.
    pub arrival_rate: f64,
    /// Rejected + timed out, as a fraction of arrivals.
    pub error_rate: f64,
    pub cost: CostSummary,
    /// The prices behind `cost`, with source and date.
    pub prices: Vec<PriceNote>,
    /// What the architecture's kind adds (nothing for a fixed fleet).
    #[serde(flatten)]
    pub details: KindResult,
    /// A fleet on spot: its interruptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot: Option<SpotResult>,
    /// Number of simulation events handled.
    pub events: u64,
    /// With replications: the 95 % confidence interval of every number
    /// above, as `[low, high]`, in the same nesting (prices excepted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95: Option<serde_json::Value>,
    /// With replications: each replication's result, in order, without
    /// time series or histograms (for `replications.csv` and paired
    /// comparisons).
    #[serde(skip)]
    pub replicas: Vec<ArchitectureResult>,
    #[serde(skip)]
    pub timeseries: Vec<WindowRow>,
    /// The end-to-end latency histogram, for CDF charts.
    #[serde(skip, default = "Histogram::unallocated")]
    pub latency: Histogram,
}

impl ArchitectureResult {
    /// What a serverless architecture adds, if this is one.
    pub fn serverless(&self) -> Option<&ServerlessResult> {
        match &self.details {
            KindResult::Serverless(r) => Some(r),
            _ => None,
        }
    }

    /// What an autoscaled fleet adds, if this is one.
    pub fn autoscaled(&self) -> Option<&AutoscaledResult> {
        match &self.details {
            KindResult::Autoscaled(r) => Some(r),
            _ => None,
        }
    }

    /// What a microservices architecture adds, if this is one.
    pub fn microservices(&self) -> Option<&MicroservicesResult> {
        match &self.details {
            KindResult::Microservices(r) => Some(r),
            _ => None,
        }
    }
}

/// What one kind of architecture adds to the results every kind shares.
/// Serialised flat into the architecture's object, so that each kind's
/// keys sit beside the shared ones; a fixed fleet adds none.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum KindResult {
    Fleet,
    Autoscaled(AutoscaledResult),
    Microservices(MicroservicesResult),
    Serverless(ServerlessResult),
}

/// Read back (from a shard's partial result) by which keys the kind
/// added: untagged and flattened, the variant is not named in the JSON,
/// and each kind has a key no other has.
impl<'de> Deserialize<'de> for KindResult {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let empty = map.is_empty();
        let [functions, services, server_stats] =
            ["functions", "services", "server_stats"].map(|k| map.contains_key(k));
        let value = serde_json::Value::Object(map);
        let kind = if empty {
            return Ok(KindResult::Fleet);
        } else if functions {
            serde_json::from_value(value).map(KindResult::Serverless)
        } else if services {
            serde_json::from_value(value).map(KindResult::Microservices)
        } else if server_stats {
            serde_json::from_value(value).map(KindResult::Autoscaled)
        } else {
            return Err(D::Error::custom("an architecture of no known kind"));
        };
        kind.map_err(D::Error::custom)
    }
}

/// The results of every architecture of one scenario run, in file order.
#[derive(Clone, Debug, Serialize)]
pub struct RunSummary {
    pub scenario: String,
    pub description: String,
    pub seed: u64,
    pub duration_s: f64,
    pub warmup_s: f64,
    pub window_s: f64,
    /// Independent replications behind every number (1: a single run,
    /// and the key is left out).
    #[serde(skip_serializing_if = "is_one")]
    pub replications: u32,
    pub architectures: Vec<ArchitectureResult>,
    /// With replications: each architecture against the reference one,
    /// as paired differences.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comparisons: Vec<Comparison>,
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// One architecture against the reference (the cheapest meeting the SLO
/// with confidence, or the first): mean differences over paired
/// replications (this one minus the reference) with 95 % intervals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub architecture: String,
    pub reference: String,
    pub cost_per_month_usd: crate::results::estimate::Estimate,
    /// At the SLO percentile (p99 without an SLO), in milliseconds.
    pub latency_ms: crate::results::estimate::Estimate,
    pub error_rate: crate::results::estimate::Estimate,
    /// Whether each interval leaves out zero.
    pub cost_significant: bool,
    pub latency_significant: bool,
}
