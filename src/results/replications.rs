//! Statistics across replications: the mean of a number over independent
//! replications with its Student-t 95 % confidence interval, paired
//! differences between architectures (common random numbers make them far
//! tighter than the separate intervals), and the mean of a whole result,
//! field by field.
//!
//! Replications are independent (every random stream is drawn from
//! (seed, replication, purpose)), so per-replication values, including
//! percentiles, are independent samples and the t interval over them is
//! valid; with fewer than about 5 replications it is wide, as it should
//! be.

use crate::results::cost::{CostBreakdown, CostSummary};
use crate::results::metrics::QUANTILE_RELATIVE_ERROR;
use crate::results::stats::{LevelSummary, RequestCounts};
use crate::results::summary::{
    AutoscaledResult, ColdStartCauses, FunctionResult, KindResult, LatencySummary,
    MicroservicesResult, ScalingActions, ServerlessResult, ServiceFleetResult, SpotResult,
    WaitSummary,
};
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The confidence level of every interval scalesim reports.
pub const CONFIDENCE: f64 = 0.95;

/// A mean over replications and its 95 % confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

impl Estimate {
    /// Half the width of the interval.
    pub fn half_width(&self) -> f64 {
        (self.high - self.low) / 2.0
    }

    /// Whether the interval leaves out zero (a difference is significant).
    pub fn excludes_zero(&self) -> bool {
        self.low > 0.0 || self.high < 0.0
    }
}

/// The Student-t quantile for a two-sided 95 % interval with `df` degrees
/// of freedom.
pub fn t_quantile(df: usize) -> f64 {
    let t = StudentsT::new(0.0, 1.0, df as f64).expect("df >= 1 is a valid t distribution");
    t.inverse_cdf(0.5 + CONFIDENCE / 2.0)
}

/// The mean of `xs` and its Student-t interval (mean ± t · s / √n). With
/// one value the interval is that value: there is no spread to measure.
pub fn estimate(xs: &[f64]) -> Estimate {
    let n = xs.len();
    assert!(n > 0, "an estimate needs at least one value");
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Estimate {
            mean,
            low: mean,
            high: mean,
        };
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = t_quantile(n - 1) * (var / n as f64).sqrt();
    Estimate {
        mean,
        low: mean - half,
        high: mean + half,
    }
}

/// The mean difference a − b over paired replications (replication r of
/// both saw the same requests) and its interval.
pub fn paired(a: &[f64], b: &[f64]) -> Estimate {
    assert_eq!(a.len(), b.len(), "paired samples need equal lengths");
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    estimate(&d)
}

/// The keys under which a result holds a percentile read from a latency
/// histogram (`LatencySummary`, `WaitSummary`).
const QUANTILE_KEYS: [&str; 5] = ["p50", "p90", "p95", "p99", "p999"];

/// Widens an interval of a percentile by the histogram's resolution: each
/// replication's percentile is its bucket's midpoint, within
/// [`QUANTILE_RELATIVE_ERROR`] of the truth, so when every replication
/// lands in the same bucket the t interval is a point that is not exact.
/// Widening both ends by the resolution keeps the interval honest there
/// and changes it by under 0.4 % of the value elsewhere.
pub fn with_quantile_resolution(e: Estimate) -> Estimate {
    Estimate {
        mean: e.mean,
        low: e.low * (1.0 - QUANTILE_RELATIVE_ERROR),
        high: e.high * (1.0 + QUANTILE_RELATIVE_ERROR),
    }
}

/// The 95 % interval of every number of a result over its replications,
/// as `[low, high]` in the result's own JSON nesting: the same keys, with
/// the prices (which do not vary) and every label left out. Percentiles'
/// intervals include the histogram's resolution
/// ([`with_quantile_resolution`]).
pub fn ci95<T: Serialize>(replications: &[&T]) -> serde_json::Value {
    let values: Vec<serde_json::Value> = replications
        .iter()
        .map(|r| serde_json::to_value(r).expect("results serialise"))
        .collect();
    mirror(&values.iter().collect::<Vec<_>>()).unwrap_or(serde_json::Value::Null)
}

fn mirror(values: &[&serde_json::Value]) -> Option<serde_json::Value> {
    use serde_json::Value;
    match values[0] {
        Value::Number(_) => {
            let xs: Vec<f64> = values.iter().filter_map(|v| v.as_f64()).collect();
            (xs.len() == values.len()).then(|| {
                let e = estimate(&xs);
                serde_json::json!([e.low, e.high])
            })
        }
        Value::Object(first) => {
            let mut out = serde_json::Map::new();
            for key in first.keys() {
                if key == "prices" {
                    continue;
                }
                let children: Option<Vec<&Value>> = values.iter().map(|v| v.get(key)).collect();
                let Some(c) = children else { continue };
                let m = if QUANTILE_KEYS.contains(&key.as_str()) {
                    quantile_interval(&c)
                } else {
                    mirror(&c)
                };
                if let Some(m) = m {
                    out.insert(key.clone(), m);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        Value::Array(first) => {
            let items: Option<Vec<Value>> = (0..first.len())
                .map(|i| {
                    let children: Option<Vec<&Value>> = values.iter().map(|v| v.get(i)).collect();
                    children.and_then(|c| mirror(&c))
                })
                .collect();
            items.map(Value::Array)
        }
        _ => None,
    }
}

/// The interval of a percentile over replications, widened by the
/// histogram's resolution.
fn quantile_interval(values: &[&serde_json::Value]) -> Option<serde_json::Value> {
    let xs: Option<Vec<f64>> = values.iter().map(|v| v.as_f64()).collect();
    xs.map(|xs| {
        let e = with_quantile_resolution(estimate(&xs));
        serde_json::json!([e.low, e.high])
    })
}

/// The mean of a result over replications, field by field: numbers are
/// averaged (whole numbers rounded to the nearest), names and other
/// labels are taken from the first replication.
pub trait Aggregate: Sized {
    fn mean_of(items: &[&Self]) -> Self;
}

impl Aggregate for f64 {
    fn mean_of(items: &[&Self]) -> Self {
        items.iter().copied().sum::<f64>() / items.len() as f64
    }
}

impl Aggregate for u64 {
    fn mean_of(items: &[&Self]) -> Self {
        let sum: u128 = items.iter().map(|&&x| x as u128).sum();
        let n = items.len() as u128;
        ((sum + n / 2) / n) as u64
    }
}

impl Aggregate for u32 {
    fn mean_of(items: &[&Self]) -> Self {
        let wide: Vec<u64> = items.iter().map(|&&x| x as u64).collect();
        u64::mean_of(&wide.iter().collect::<Vec<_>>()) as u32
    }
}

impl Aggregate for String {
    fn mean_of(items: &[&Self]) -> Self {
        items[0].clone()
    }
}

impl<T: Aggregate> Aggregate for Vec<T> {
    /// Element by element: the same architecture gives lists of the same
    /// shape (functions, services) in every replication.
    fn mean_of(items: &[&Self]) -> Self {
        (0..items[0].len())
            .map(|i| T::mean_of(&items.iter().map(|v| &v[i]).collect::<Vec<_>>()))
            .collect()
    }
}

impl<T: Aggregate + Clone> Aggregate for Option<T> {
    fn mean_of(items: &[&Self]) -> Self {
        let some: Vec<&T> = items.iter().filter_map(|o| o.as_ref()).collect();
        if some.len() == items.len() {
            Some(T::mean_of(&some))
        } else {
            items[0].clone()
        }
    }
}

/// Implements [`Aggregate`] for a struct whose fields all do.
macro_rules! aggregate_fields {
    ($t:ty { $($f:ident),* $(,)? }) => {
        impl Aggregate for $t {
            fn mean_of(items: &[&Self]) -> Self {
                Self {
                    $($f: Aggregate::mean_of(&items.iter().map(|x| &x.$f).collect::<Vec<_>>()),)*
                }
            }
        }
    };
}

aggregate_fields!(LatencySummary {
    mean,
    p50,
    p90,
    p95,
    p99,
    p999,
    max
});
aggregate_fields!(WaitSummary {
    mean,
    p99,
    fraction_waited
});
aggregate_fields!(RequestCounts {
    arrived,
    completed,
    rejected,
    throttled,
    timed_out,
    in_flight,
    interrupted
});
aggregate_fields!(CostBreakdown {
    compute_usd,
    idle_usd,
    requests_usd,
    gateway_usd,
    provisioned_usd,
    egress_usd,
    nat_gateway_usd
});
aggregate_fields!(CostSummary {
    total_usd,
    per_month_usd,
    per_million_requests_usd,
    breakdown
});
aggregate_fields!(LevelSummary { mean, peak, min });
aggregate_fields!(ScalingActions { out, r#in });
aggregate_fields!(SpotResult {
    interruptions,
    replacements,
    server_hours
});
aggregate_fields!(AutoscaledResult {
    server_stats,
    scaling_actions,
    server_hours
});
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

impl Aggregate for KindResult {
    fn mean_of(items: &[&Self]) -> Self {
        macro_rules! same {
            ($v:ident) => {
                KindResult::$v(Aggregate::mean_of(
                    &items
                        .iter()
                        .map(|k| match k {
                            KindResult::$v(r) => r,
                            _ => unreachable!("one architecture has one kind in every replication"),
                        })
                        .collect::<Vec<_>>(),
                ))
            };
        }
        match items[0] {
            KindResult::Fleet => KindResult::Fleet,
            KindResult::Autoscaled(_) => same!(Autoscaled),
            KindResult::Microservices(_) => same!(Microservices),
            KindResult::Serverless(_) => same!(Serverless),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_intervals_carry_the_histogram_resolution_and_exact_numbers_do_not() {
        // Three replications that read the same bucket: the mean and the
        // count are exact, so their intervals are points; the percentile
        // is only known to its bucket, so its interval is not.
        let rep = LatencySummary {
            mean: 12.5,
            p50: 10.0,
            p90: 20.0,
            p95: 30.0,
            p99: 100.0,
            p999: 200.0,
            max: 250.0,
        };
        let ci = ci95(&[&rep, &rep, &rep]);
        assert_eq!(ci["mean"], serde_json::json!([12.5, 12.5]));
        assert_eq!(ci["max"], serde_json::json!([250.0, 250.0]));
        let p99 = (
            ci["p99"][0].as_f64().unwrap(),
            ci["p99"][1].as_f64().unwrap(),
        );
        assert!(
            (p99.0 - 100.0 * (1.0 - 1.0 / 256.0)).abs() < 1e-9,
            "{p99:?}"
        );
        assert!(
            (p99.1 - 100.0 * (1.0 + 1.0 / 256.0)).abs() < 1e-9,
            "{p99:?}"
        );
        for k in QUANTILE_KEYS {
            let (lo, hi) = (ci[k][0].as_f64().unwrap(), ci[k][1].as_f64().unwrap());
            assert!(lo < hi, "{k}: [{lo}, {hi}]");
        }
    }

    #[test]
    fn t_quantiles_match_the_tables() {
        // Two-sided 95 %: t(1) = 12.706, t(4) = 2.776, t(9) = 2.262, t(29) = 2.045.
        for (df, t) in [(1, 12.706), (4, 2.776), (9, 2.262), (29, 2.045)] {
            assert!(
                (t_quantile(df) - t).abs() < 1e-3,
                "df {df}: {}",
                t_quantile(df)
            );
        }
    }

    #[test]
    fn an_estimate_is_mean_plus_minus_t_s_over_root_n() {
        // Mean 3, s = sqrt(2.5), n = 5: half width 2.776 × 1.5811 / 2.2361.
        let e = estimate(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(e.mean, 3.0);
        let half = 2.776_445 * 2.5f64.sqrt() / 5f64.sqrt();
        assert!((e.half_width() - half).abs() < 1e-5, "{e:?}");
        let one = estimate(&[7.0]);
        assert_eq!((one.low, one.mean, one.high), (7.0, 7.0, 7.0));
    }

    #[test]
    fn paired_differences_cancel_the_shared_noise() {
        // b = a + 1 exactly: the paired interval is a point at -1 while the
        // separate intervals are wide and overlap.
        let a = [10.0, 20.0, 15.0, 30.0, 25.0];
        let b: Vec<f64> = a.iter().map(|x| x + 1.0).collect();
        let d = paired(&a, &b);
        assert_eq!((d.mean, d.low, d.high), (-1.0, -1.0, -1.0));
        assert!(d.excludes_zero());
        assert!(estimate(&a).half_width() > 5.0);
    }

    #[test]
    fn whole_numbers_average_to_the_nearest() {
        assert_eq!(u64::mean_of(&[&1, &2]), 2);
        assert_eq!(u64::mean_of(&[&1, &1, &2]), 1);
        assert_eq!(u32::mean_of(&[&10, &11, &13]), 11);
        let c = LatencySummary::mean_of(&[
            &LatencySummary {
                p99: 100.0,
                ..Default::default()
            },
            &LatencySummary {
                p99: 200.0,
                ..Default::default()
            },
        ]);
        assert_eq!(c.p99, 150.0);
    }
}
