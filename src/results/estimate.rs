//! A mean over independent replications with its Student-t 95 %
//! confidence interval, and paired differences between architectures
//! (common random numbers make them far tighter than the separate
//! intervals). Replications are independent (every random stream is drawn
//! from (seed, replication, purpose)), so per-replication values,
//! including percentiles, are independent samples and the t interval over
//! them is valid; with fewer than about 5 replications it is wide, as it
//! should be.

use crate::results::metrics::QUANTILE_RELATIVE_ERROR;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
