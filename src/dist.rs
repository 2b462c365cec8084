//! Probability distributions of durations (work sizes, cold starts, boot
//! times), resolved from scenario files and sampled into integer nanoseconds.
//!
//! # The bound on sampled durations
//! A scenario's distribution must have its 99.99th percentile at or below
//! [`MAX_SAMPLE`] (365 days), checked when the scenario is loaded
//! ([`Dist::check_tail`]), and every draw is cut to `MAX_SAMPLE`. A request
//! whose work is longer than any run is never going to complete; the cut
//! touches at most one draw in ten thousand and keeps a sum of draws (a
//! synchronous call chain) far from the 584 years a `SimTime` holds.

use crate::time::SimTime;
use rand::Rng;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Normal};
use statrs::distribution::{Continuous, ContinuousCDF, Normal as StdNormal};

/// z such that P(Z ≤ z) = 0.99 for a standard normal, used to turn a
/// (median, p99) pair into a lognormal sigma.
const Z_99: f64 = 2.326_347_874_040_841;

/// The longest duration a draw can produce; see the module doc.
pub const MAX_SAMPLE: SimTime = SimTime::from_secs(365 * 86_400);

/// z such that P(Z ≤ z) = 0.9999 for a standard normal.
const Z_9999: f64 = 3.719_016_485_455_68;

/// A distribution of non-negative durations. Parameters are in seconds.
#[derive(Clone, Debug)]
pub enum Dist {
    Constant(SimTime),
    Exponential {
        mean: f64,
        sampler: Exp<f64>,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    /// Normal truncated at zero (negative draws are redrawn).
    Normal {
        mean: f64,
        stddev: f64,
        sampler: Normal<f64>,
    },
    LogNormal {
        mu: f64,
        sigma: f64,
        sampler: LogNormal<f64>,
    },
    Gamma {
        mean: f64,
        cv: f64,
        sampler: Gamma<f64>,
    },
    /// A percentile table: (cumulative probability in [0, 1], seconds), with
    /// probabilities strictly increasing from 0 to 1; sampled by linear
    /// interpolation of the quantile function.
    Empirical {
        points: Vec<(f64, f64)>,
    },
}

impl Dist {
    pub fn constant(value: SimTime) -> Dist {
        Dist::Constant(value)
    }

    pub fn exponential(mean: f64) -> Result<Dist, String> {
        positive("mean", mean)?;
        let sampler = Exp::new(1.0 / mean).map_err(|e| e.to_string())?;
        Ok(Dist::Exponential { mean, sampler })
    }

    pub fn uniform(min: f64, max: f64) -> Result<Dist, String> {
        if !(min >= 0.0 && max >= min && max.is_finite()) {
            return Err(format!(
                "expected 0 <= min <= max, found min = {min}s, max = {max}s"
            ));
        }
        Ok(Dist::Uniform { min, max })
    }

    pub fn normal(mean: f64, stddev: f64) -> Result<Dist, String> {
        positive("mean", mean)?;
        if !(stddev >= 0.0 && stddev.is_finite()) {
            return Err(format!("expected stddev >= 0, found {stddev}s"));
        }
        let sampler = Normal::new(mean, stddev).map_err(|e| e.to_string())?;
        Ok(Dist::Normal {
            mean,
            stddev,
            sampler,
        })
    }

    pub fn lognormal(mu: f64, sigma: f64) -> Result<Dist, String> {
        if !(mu.is_finite() && sigma >= 0.0 && sigma.is_finite()) {
            return Err(format!(
                "expected finite mu and sigma >= 0, found mu = {mu}, sigma = {sigma}"
            ));
        }
        let sampler = LogNormal::new(mu, sigma).map_err(|e| e.to_string())?;
        Ok(Dist::LogNormal { mu, sigma, sampler })
    }

    /// A lognormal with the given median and 99th percentile.
    pub fn lognormal_from_median_p99(median: f64, p99: f64) -> Result<Dist, String> {
        positive("median", median)?;
        if p99.is_nan() || p99 < median {
            return Err(format!(
                "expected p99 >= median, found median = {median}s, p99 = {p99}s"
            ));
        }
        let mu = median.ln();
        let sigma = (p99.ln() - mu) / Z_99;
        Dist::lognormal(mu, sigma)
    }

    pub fn gamma(mean: f64, cv: f64) -> Result<Dist, String> {
        positive("mean", mean)?;
        positive("cv", cv)?;
        let shape = 1.0 / (cv * cv);
        let scale = mean * cv * cv;
        let sampler = Gamma::new(shape, scale).map_err(|e| e.to_string())?;
        Ok(Dist::Gamma { mean, cv, sampler })
    }

    /// `points` are (percentile in 0..=100, seconds); they must include 0 and
    /// 100 and be non-decreasing in both coordinates.
    pub fn empirical(mut points: Vec<(f64, f64)>) -> Result<Dist, String> {
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        if points.first().map(|p| p.0) != Some(0.0) || points.last().map(|p| p.0) != Some(100.0) {
            return Err("expected a percentile table that includes p0 and p100".into());
        }
        for w in points.windows(2) {
            if w[0].0 == w[1].0 {
                return Err(format!("percentile p{} is given twice", w[0].0));
            }
            if w[1].1 < w[0].1 {
                return Err(format!(
                    "percentiles must not decrease: p{} = {}s is below p{} = {}s",
                    w[1].0, w[1].1, w[0].0, w[0].1
                ));
            }
        }
        if points.iter().any(|p| !(p.1 >= 0.0 && p.1.is_finite())) {
            return Err("percentile values must be non-negative durations".into());
        }
        let points = points.into_iter().map(|(p, v)| (p / 100.0, v)).collect();
        Ok(Dist::Empirical { points })
    }

    /// The same distribution with every duration multiplied by `factor`
    /// (> 0); only for empirical tables, which traces produce.
    pub fn scaled_empirical(&self, factor: f64) -> Option<Dist> {
        match self {
            Dist::Empirical { points } => Some(Dist::Empirical {
                points: points.iter().map(|&(p, secs)| (p, secs * factor)).collect(),
            }),
            _ => None,
        }
    }

    /// Draws one duration.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> SimTime {
        let secs = match self {
            Dist::Constant(t) => return *t,
            Dist::Exponential { sampler, .. } => sampler.sample(rng),
            Dist::Uniform { min, max } => {
                if max > min {
                    rng.random_range(*min..*max)
                } else {
                    *min
                }
            }
            Dist::Normal { sampler, .. } => loop {
                let x = sampler.sample(rng);
                if x >= 0.0 {
                    break x;
                }
            },
            Dist::LogNormal { sampler, .. } => sampler.sample(rng),
            Dist::Gamma { sampler, .. } => sampler.sample(rng),
            Dist::Empirical { points } => interpolate(points, rng.random::<f64>()),
        };
        SimTime::from_secs_f64(secs).min(MAX_SAMPLE)
    }

    /// The 99.99th percentile, in seconds (an upper bound for the normal
    /// truncated at zero, whose redraws only move mass upwards slightly).
    pub fn p9999(&self) -> f64 {
        match self {
            Dist::Constant(t) => t.as_secs_f64(),
            Dist::Exponential { mean, .. } => mean * 1e4_f64.ln(),
            Dist::Uniform { max, .. } => *max,
            Dist::Normal { mean, stddev, .. } => mean + Z_9999 * stddev,
            Dist::LogNormal { mu, sigma, .. } => (mu + Z_9999 * sigma).exp(),
            Dist::Gamma { mean, cv, .. } => {
                let shape = 1.0 / (cv * cv);
                statrs::distribution::Gamma::new(shape, shape / mean)
                    .map_or(f64::INFINITY, |g| g.inverse_cdf(0.9999))
            }
            Dist::Empirical { points } => interpolate(points, 0.9999),
        }
    }

    /// Refuses a distribution whose tail reaches past [`MAX_SAMPLE`].
    pub fn check_tail(&self) -> Result<(), String> {
        let p = self.p9999();
        if p.is_nan() || p > MAX_SAMPLE.as_secs_f64() {
            return Err(format!(
                "{} has a 99.99th percentile of {}, past the limit of {MAX_SAMPLE} on a \
                 sampled duration; a request that long never completes within a run",
                self.describe(),
                describe_secs(p)
            ));
        }
        Ok(())
    }

    /// The exact mean, in seconds.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Constant(t) => t.as_secs_f64(),
            Dist::Exponential { mean, .. } => *mean,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Normal { mean, stddev, .. } => truncated_normal_mean(*mean, *stddev),
            Dist::LogNormal { mu, sigma, .. } => (mu + sigma * sigma / 2.0).exp(),
            Dist::Gamma { mean, .. } => *mean,
            Dist::Empirical { points } => points
                .windows(2)
                .map(|w| (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0)
                .sum(),
        }
    }

    /// A short human description, for `scalesim check` and reports.
    pub fn describe(&self) -> String {
        let s = |x: f64| SimTime::from_secs_f64(x).to_string();
        match self {
            Dist::Constant(t) => format!("constant {t}"),
            Dist::Exponential { mean, .. } => format!("exponential, mean {}", s(*mean)),
            Dist::Uniform { min, max } => format!("uniform {}..{}", s(*min), s(*max)),
            Dist::Normal { mean, stddev, .. } => {
                format!(
                    "normal mean {} sd {} (truncated at 0)",
                    s(*mean),
                    s(*stddev)
                )
            }
            Dist::LogNormal { mu, sigma, .. } => format!(
                "lognormal median {} p99 {}",
                s(mu.exp()),
                s((mu + sigma * Z_99).exp())
            ),
            Dist::Gamma { mean, cv, .. } => format!("gamma mean {} cv {cv}", s(*mean)),
            Dist::Empirical { points } => format!(
                "empirical {} points, p50 {}",
                points.len(),
                s(interpolate(points, 0.5))
            ),
        }
    }
}

/// A duration in seconds for a message, in years past a year (where
/// `SimTime` would saturate).
fn describe_secs(secs: f64) -> String {
    const YEAR: f64 = 365.0 * 86_400.0;
    let years = secs / YEAR;
    if years >= 1e4 {
        format!("{years:.1e} years")
    } else if years >= 1.0 {
        format!("{years:.1} years")
    } else {
        SimTime::from_secs_f64(secs).to_string()
    }
}

fn positive(name: &str, v: f64) -> Result<(), String> {
    if v > 0.0 && v.is_finite() {
        Ok(())
    } else {
        Err(format!("expected {name} > 0, found {v}"))
    }
}

fn interpolate(points: &[(f64, f64)], u: f64) -> f64 {
    // Few points (a percentile table): a linear scan beats a binary search.
    for w in points.windows(2) {
        let ((p0, v0), (p1, v1)) = (w[0], w[1]);
        if u <= p1 {
            return v0 + (v1 - v0) * (u - p0) / (p1 - p0);
        }
    }
    points.last().map_or(0.0, |p| p.1)
}

fn truncated_normal_mean(mean: f64, sd: f64) -> f64 {
    if sd == 0.0 {
        return mean;
    }
    let std = StdNormal::standard();
    let alpha = -mean / sd;
    mean + sd * std.pdf(alpha) / (1.0 - std.cdf(alpha))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng;

    fn sample_mean(d: &Dist, n: usize) -> f64 {
        let mut r = rng::stream(7, 0, "test");
        (0..n).map(|_| d.sample(&mut r).as_secs_f64()).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_exact_means() {
        let cases = vec![
            Dist::exponential(0.05).unwrap(),
            Dist::uniform(0.01, 0.03).unwrap(),
            Dist::normal(0.02, 0.02).unwrap(),
            Dist::lognormal_from_median_p99(0.25, 1.2).unwrap(),
            Dist::gamma(0.1, 2.0).unwrap(),
            Dist::empirical(vec![(0.0, 0.001), (50.0, 0.02), (99.0, 0.3), (100.0, 2.0)]).unwrap(),
        ];
        for d in cases {
            let exact = d.mean();
            let got = sample_mean(&d, 400_000);
            assert!(
                (got - exact).abs() / exact < 0.02,
                "{}: sample mean {got} vs exact {exact}",
                d.describe()
            );
        }
    }

    #[test]
    fn lognormal_from_median_and_p99_hits_both() {
        let d = Dist::lognormal_from_median_p99(0.25, 1.2).unwrap();
        let mut r = rng::stream(1, 0, "test");
        let mut xs: Vec<f64> = (0..200_000)
            .map(|_| d.sample(&mut r).as_secs_f64())
            .collect();
        xs.sort_by(f64::total_cmp);
        let median = xs[xs.len() / 2];
        let p99 = xs[xs.len() * 99 / 100];
        assert!((median - 0.25).abs() / 0.25 < 0.02, "median {median}");
        assert!((p99 - 1.2).abs() / 1.2 < 0.04, "p99 {p99}");
    }

    #[test]
    fn empirical_interpolates_between_percentiles() {
        let pts = vec![(0.0, 0.0), (50.0, 1.0), (100.0, 3.0)];
        let Dist::Empirical { points } = Dist::empirical(pts).unwrap() else {
            unreachable!()
        };
        assert_eq!(interpolate(&points, 0.25), 0.5);
        assert_eq!(interpolate(&points, 0.75), 2.0);
        assert_eq!(interpolate(&points, 1.0), 3.0);
    }

    #[test]
    fn tails_past_a_year_are_refused_and_draws_are_cut() {
        let wild = Dist::lognormal_from_median_p99(0.1, 86_400.0).unwrap();
        let e = wild.check_tail().unwrap_err();
        assert!(
            e.contains("99.99th percentile of") && e.contains("365d"),
            "{e}"
        );
        let mut r = rng::stream(3, 0, "test");
        assert!((0..100_000).all(|_| wild.sample(&mut r) <= MAX_SAMPLE));
        for ok in [
            Dist::lognormal_from_median_p99(0.25, 1.2).unwrap(),
            Dist::gamma(0.1, 2.0).unwrap(),
            Dist::exponential(1.0).unwrap(),
        ] {
            ok.check_tail().unwrap();
        }
        // Gamma's tail from its quantile function: mean 1 s, cv 1 is the
        // exponential, whose p99.99 is ln(10^4) s.
        let g = Dist::gamma(1.0, 1.0).unwrap().p9999();
        assert!((g - 1e4_f64.ln()).abs() < 1e-6, "{g}");
        assert!(
            Dist::gamma(86_400.0 * 300.0, 1.0)
                .unwrap()
                .check_tail()
                .is_err()
        );
    }

    #[test]
    fn bad_parameters_are_rejected() {
        assert!(Dist::exponential(0.0).is_err());
        assert!(Dist::uniform(2.0, 1.0).is_err());
        assert!(Dist::gamma(1.0, 0.0).is_err());
        assert!(Dist::lognormal_from_median_p99(1.0, 0.5).is_err());
        assert!(Dist::empirical(vec![(50.0, 1.0), (100.0, 2.0)]).is_err());
        assert!(Dist::empirical(vec![(0.0, 3.0), (100.0, 2.0)]).is_err());
    }
}
