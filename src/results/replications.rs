//! A whole result across replications: its mean, field by field, and the
//! 95 % interval of every number in it (each from
//! [`crate::results::estimate`]).

use crate::pricing::cost::{CostBreakdown, CostSummary};
pub use crate::results::aggregate::Aggregate;
use crate::results::aggregate::aggregate_fields;
use crate::results::estimate::{estimate, with_quantile_resolution};
use crate::results::stats::{LevelSummary, RequestCounts};
use crate::results::summary::{KindResult, LatencySummary, WaitSummary};
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
    nat_gateway_usd,
    control_plane_usd
});
aggregate_fields!(CostSummary {
    total_usd,
    per_month_usd,
    per_million_requests_usd,
    breakdown
});
aggregate_fields!(LevelSummary { mean, peak, min });

/// The mean of each kind's own results, from the one list of kinds.
macro_rules! aggregate_kinds {
    (() $($variant:ident $module:ident $name:literal,)*) => {
        impl Aggregate for KindResult {
            fn mean_of(items: &[&Self]) -> Self {
                match items[0] {
                    $(KindResult::$variant(_) => KindResult::$variant(Aggregate::mean_of(
                        &items
                            .iter()
                            .map(|k| match k {
                                KindResult::$variant(r) => r,
                                _ => unreachable!("one architecture has one kind in every replication"),
                            })
                            .collect::<Vec<_>>(),
                    )),)*
                }
            }
        }
    };
}
crate::with_kinds!(aggregate_kinds!());

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
