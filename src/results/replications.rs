//! A whole result across replications: its mean, field by field, and the
//! 95 % interval of every number in it (each from
//! [`crate::results::estimate`]).

use crate::pricing::cost::{CostBreakdown, CostSummary};
use crate::results::estimate::{estimate, with_quantile_resolution};
use crate::results::stats::{LevelSummary, RequestCounts};
use crate::results::summary::{
    AutoscaledResult, ColdStartCauses, FunctionResult, KindResult, LatencySummary,
    MicroservicesResult, ScalingActions, ServerlessResult, ServiceFleetResult, SpotResult,
    WaitSummary,
};
use serde::Serialize;

/// The keys under which a result holds a percentile read from a latency
/// histogram (`LatencySummary`, `WaitSummary`).
const QUANTILE_KEYS: [&str; 5] = ["p50", "p90", "p95", "p99", "p999"];

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
