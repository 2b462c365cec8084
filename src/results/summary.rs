//! The result of a run: one serializable record per architecture. Field
//! names carry their unit where one is not implied (`latency_ms`,
//! `cost_usd`; rates such as `arrival_rate` are per second, shares such as
//! `utilization` are fractions); the names are a documented contract.
//! Writers (JSON, CSV, tables, charts) read only this.

use crate::kinds::autoscaled::results::AutoscaledResult;
use crate::kinds::microservices::results::MicroservicesResult;
use crate::kinds::serverless::results::ServerlessResult;
pub use crate::kinds::servers::results::SpotResult;
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

/// One architecture's results. Serialised by its derived impls (called
/// through `remote = "Self"`), except that its kind's results are read
/// back by its `kind`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(remote = "Self")]
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
    #[serde(flatten, skip_deserializing, default = "KindResult::unread")]
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

impl Serialize for ArchitectureResult {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ArchitectureResult::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for ArchitectureResult {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let value = serde_json::Value::deserialize(d)?;
        let mut r = ArchitectureResult::deserialize(&value).map_err(D::Error::custom)?;
        r.details = KindResult::from_json(&r.kind, value).map_err(D::Error::custom)?;
        Ok(r)
    }
}

impl KindResult {
    /// A placeholder while the shared keys are read, replaced by the
    /// kind's own results at once.
    fn unread() -> KindResult {
        KindResult::Fleet(Default::default())
    }
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

    /// What a Kubernetes architecture adds, if this is one.
    pub fn kubernetes(&self) -> Option<&crate::kinds::kubernetes::results::KubernetesResult> {
        match &self.details {
            KindResult::Kubernetes(r) => Some(r),
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

/// What each kind of architecture adds to the results every kind shares,
/// from the one list of kinds ([`crate::with_kinds!`]). Serialised flat
/// into the architecture's object, so that each kind's keys sit beside
/// the shared ones; a fixed fleet adds none. Read back by the
/// architecture's `kind` ([`ArchitectureResult`]'s `Deserialize`).
macro_rules! kind_result {
    (() $($variant:ident $module:ident $name:literal,)*) => {
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum KindResult {
            $($variant(crate::kinds::$module::results::Details),)*
        }

        impl KindResult {
            /// The results of a `kind` architecture from its JSON object
            /// (which holds the shared keys too: each kind's type reads its
            /// own and leaves the rest).
            fn from_json(kind: &str, value: serde_json::Value) -> Result<KindResult, String> {
                match kind {
                    $($name => serde_json::from_value(value)
                        .map(KindResult::$variant)
                        .map_err(|e| e.to_string()),)*
                    other => Err(format!("an architecture of no known kind {other:?}")),
                }
            }
        }
    };
}
crate::with_kinds!(kind_result!());

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
