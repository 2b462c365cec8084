//! Synthetic demand shapes — ramp, diurnal, hourly, spikes, bursty (MMPP)
//! and noise — each built as a [`RateProfile`] over the simulated horizon.
//!
//! Shapes compose by multiplication: a base shape times a weekend factor,
//! times a spike envelope per event, times a noise factor per window. The
//! random ones (bursty, noise) are drawn once, when the scenario is
//! resolved, from streams of their own, so they are fixed by the seed and
//! every architecture sees the same curve.

use crate::demand::{RateProfile, Segment};
use crate::rng::Stream;
use crate::time::SimTime;
use rand::Rng;
use rand_distr::{Distribution, Exp1, LogNormal};

pub const DAY: SimTime = SimTime::from_secs(86_400);
const HOUR: SimTime = SimTime::from_secs(3_600);
/// Knot spacing of smooth curves (the diurnal cosine): one minute, or
/// coarser for very long runs so that a profile stays under ~200,000 pieces.
const KNOT: SimTime = SimTime::from_secs(60);
/// Longest chord where two sloping profiles are multiplied.
pub const PRODUCT_PIECE: SimTime = SimTime::from_secs(1);

fn knot_spacing(horizon: SimTime) -> SimTime {
    SimTime(KNOT.as_nanos().max(horizon.as_nanos() / 200_000))
}

/// Knot times 0, step, 2·step, … up to the first at or past `horizon`.
fn knot_times(step: SimTime, horizon: SimTime) -> impl Iterator<Item = SimTime> {
    let n = horizon.as_nanos().div_ceil(step.as_nanos()).max(1);
    (0..=n).map(move |k| SimTime(k * step.as_nanos()))
}

/// From `from` to `to` requests per second linearly over `over`, then `to`.
pub fn ramp(from: f64, to: f64, over: SimTime) -> RateProfile {
    RateProfile::through(&[(SimTime::ZERO, from), (over, to)])
}

/// A smooth day: `min` at night, `peak` at `peak_at` (time of day, time 0
/// being midnight), following a cosine with a 24-hour period.
pub fn diurnal(min: f64, peak: f64, peak_at: SimTime, horizon: SimTime) -> RateProfile {
    let knots: Vec<(SimTime, f64)> = knot_times(knot_spacing(horizon), horizon)
        .map(|t| (t, diurnal_rate(min, peak, peak_at, t)))
        .collect();
    RateProfile::through(&knots)
}

/// The exact diurnal curve at `t`.
pub fn diurnal_rate(min: f64, peak: f64, peak_at: SimTime, t: SimTime) -> f64 {
    let day = DAY.as_secs_f64();
    let phase = (t.as_secs_f64() - peak_at.as_secs_f64()) / day;
    min + (peak - min) * 0.5 * (1.0 + (std::f64::consts::TAU * phase).cos())
}

/// 24 rates, one at each hour of the day (the first at 00:00), linearly
/// interpolated between hours and repeated every day.
pub fn hourly(values: &[f64; 24], horizon: SimTime) -> RateProfile {
    let knots: Vec<(SimTime, f64)> = knot_times(HOUR, horizon)
        .enumerate()
        .map(|(h, t)| (t, values[h % 24]))
        .collect();
    RateProfile::through(&knots)
}

/// A factor of 1 on weekdays and `factor` on Saturdays and Sundays, time 0
/// being Monday 00:00.
pub fn weekend(factor: f64, horizon: SimTime) -> RateProfile {
    let segments = knot_times(DAY, horizon)
        .enumerate()
        .map(|(d, t)| Segment::flat(t, if d % 7 >= 5 { factor } else { 1.0 }))
        .collect();
    RateProfile::steps(segments)
}

/// A flash crowd: the rate is multiplied by a factor rising linearly from
/// 1 to `multiplier` over `rise` from `at`, holding for `hold`, and falling
/// back to 1 over `decay`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spike {
    pub at: SimTime,
    pub rise: SimTime,
    pub hold: SimTime,
    pub decay: SimTime,
    pub multiplier: f64,
}

impl Spike {
    /// The multiplying factor over time.
    pub fn envelope(&self) -> RateProfile {
        let top = self.at + self.rise;
        let down = top + self.hold;
        RateProfile::through(&[
            (SimTime::ZERO, 1.0),
            (self.at, 1.0),
            (top, self.multiplier),
            (down, self.multiplier),
            (down + self.decay, 1.0),
        ])
    }
}

/// One state of a Markov-modulated Poisson process.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BurstState {
    pub rate: f64,
    /// Mean time spent in the state (exponentially distributed).
    pub mean_sojourn: SimTime,
}

/// A Markov-modulated Poisson process expanded into a piecewise-constant
/// profile: it starts in the first state, stays an exponential time with
/// the state's mean, then moves to one of the other states with equal
/// probability.
pub fn bursty(states: &[BurstState], horizon: SimTime, rng: &mut Stream) -> RateProfile {
    let mut segments = Vec::new();
    let (mut t, mut state) = (SimTime::ZERO, 0usize);
    while t < horizon {
        segments.push(Segment::flat(t, states[state].rate));
        let e: f64 = Exp1.sample(rng);
        let stay = SimTime::from_secs_f64(e * states[state].mean_sojourn.as_secs_f64());
        t = t.saturating_add(stay.max(SimTime(1)));
        if states.len() > 1 {
            let k = rng.random_range(0..states.len() - 1);
            state = if k >= state { k + 1 } else { k };
        }
    }
    RateProfile::steps(segments)
}

/// A factor per `window`, log-normal with mean 1 and coefficient of
/// variation `cv`, so that noise changes the shape, not the expected total.
pub fn noise(cv: f64, window: SimTime, horizon: SimTime, rng: &mut Stream) -> RateProfile {
    let sigma2 = (1.0 + cv * cv).ln();
    let dist = LogNormal::new(-0.5 * sigma2, sigma2.sqrt()).expect("sigma is finite and >= 0");
    let mut segments: Vec<Segment> = knot_times(window, horizon)
        .map(|t| Segment::flat(t, dist.sample(rng)))
        .collect();
    // Past the horizon the factor is 1.
    if let Some(last) = segments.last_mut() {
        last.rate = 1.0;
    }
    RateProfile::steps(segments)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng;

    #[test]
    fn ramp_integrates_to_the_trapezoid() {
        let p = ramp(10.0, 30.0, SimTime::from_secs(100));
        assert_eq!(p.cumulative(SimTime::from_secs(100)), 2_000.0);
        assert_eq!(p.cumulative(SimTime::from_secs(110)), 2_300.0);
        assert_eq!(p.rate_at(SimTime::from_secs(50)), 20.0);
        assert_eq!(p.peak(SimTime::from_secs(50)), 20.0);
    }

    #[test]
    fn diurnal_peaks_at_its_hour_and_averages_the_midpoint() {
        let at = SimTime::from_secs(13 * 3600);
        let p = diurnal(10.0, 110.0, at, DAY);
        assert!((p.rate_at(at) - 110.0).abs() < 1e-9);
        assert!((p.rate_at(SimTime::from_secs(3600)) - 10.0).abs() < 1e-9);
        // The chords lose (Δ²/8)·curvature: well under 1e-5 relative.
        assert!((p.mean(DAY) - 60.0).abs() < 60.0 * 1e-5, "{}", p.mean(DAY));
    }

    #[test]
    fn spike_envelope_multiplies_a_constant_exactly() {
        let s = Spike {
            at: SimTime::from_secs(100),
            rise: SimTime::from_secs(10),
            hold: SimTime::from_secs(20),
            decay: SimTime::from_secs(30),
            multiplier: 5.0,
        };
        let p = RateProfile::constant(2.0).times(&s.envelope(), PRODUCT_PIECE);
        // Extra arrivals: 2 × (5 − 1) × (10/2 + 20 + 30/2) = 320.
        let h = SimTime::from_secs(1000);
        assert_eq!(p.cumulative(h), 2_000.0 + 320.0);
        assert_eq!(p.peak(h), 10.0);
    }

    #[test]
    fn bursty_alternates_between_two_states() {
        let states = [
            BurstState {
                rate: 1.0,
                mean_sojourn: SimTime::from_secs(60),
            },
            BurstState {
                rate: 9.0,
                mean_sojourn: SimTime::from_secs(60),
            },
        ];
        let h = SimTime::from_secs(600_000);
        let p = bursty(&states, h, &mut rng::stream(3, 0, "t"));
        let rates: Vec<f64> = p.segments().iter().map(|s| s.rate).collect();
        assert!(rates.windows(2).all(|w| w[0] != w[1]));
        // Equal sojourns: the mean rate tends to 5.
        assert!((p.mean(h) - 5.0).abs() < 0.25, "{}", p.mean(h));
    }

    #[test]
    fn noise_has_mean_one() {
        let w = SimTime::from_secs(60);
        let h = SimTime::from_secs(60 * 40_000);
        let p = noise(0.2, w, h, &mut rng::stream(3, 0, "n"));
        let m = p.mean(h);
        // 40,000 factors of sd 0.2: the mean's standard error is 0.001.
        assert!((m - 1.0).abs() < 0.005, "{m}");
    }
}
