//! Demand: the arrival rate over time, and the arrival process that turns it
//! into request times.
//!
//! Every shape is resolved to a [`RateProfile`], a piecewise-constant rate
//! function, and arrivals are drawn from it by time rescaling: the k-th
//! arrival is at Λ⁻¹(E₁ + … + E_k), where Λ is the cumulative rate and the Eᵢ
//! are unit exponentials (Poisson), or at Λ⁻¹(k) (evenly spaced). This is
//! exact for any piecewise-constant rate, needs no rejection step, and draws
//! exactly one random number per arrival, so the arrival stream is the same
//! whatever else the simulation does.

use crate::rng::Stream;
use crate::time::SimTime;
use rand_distr::{Distribution, Exp1};

/// How arrivals are placed in time for a given rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrivalMode {
    /// A (non-homogeneous) Poisson process: the usual model of many
    /// independent customers.
    Poisson,
    /// Evenly spaced in cumulative rate: the k-th arrival at Λ⁻¹(k), the
    /// first at time zero. Useful for hand-checkable scenarios.
    Uniform,
}

/// One piece of a rate function: `rate` requests per second from `start`
/// until the next segment's start (the last segment holds forever).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub start: SimTime,
    pub rate: f64,
}

/// A piecewise-constant arrival rate, in requests per second.
#[derive(Clone, Debug, PartialEq)]
pub struct RateProfile {
    segments: Vec<Segment>,
}

impl RateProfile {
    pub fn constant(rate: f64) -> Self {
        RateProfile {
            segments: vec![Segment {
                start: SimTime::ZERO,
                rate,
            }],
        }
    }

    /// Segments sorted by start; a rate of zero before the first one.
    pub fn steps(mut segments: Vec<Segment>) -> Self {
        segments.sort_by_key(|s| s.start);
        if segments.first().is_none_or(|s| s.start > SimTime::ZERO) {
            segments.insert(
                0,
                Segment {
                    start: SimTime::ZERO,
                    rate: 0.0,
                },
            );
        }
        RateProfile { segments }
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The rate at instant `t`.
    pub fn rate_at(&self, t: SimTime) -> f64 {
        let i = self.segments.partition_point(|s| s.start <= t);
        self.segments[i.saturating_sub(1)].rate
    }

    /// Expected number of arrivals in [0, t): Λ(t).
    pub fn cumulative(&self, t: SimTime) -> f64 {
        let mut total = 0.0;
        for (i, s) in self.segments.iter().enumerate() {
            if s.start >= t {
                break;
            }
            let end = self.segments.get(i + 1).map_or(t, |n| n.start.min(t));
            total += s.rate * (end - s.start).as_secs_f64();
        }
        total
    }

    /// The highest rate in force at some instant of [0, horizon).
    pub fn peak(&self, horizon: SimTime) -> f64 {
        self.segments
            .iter()
            .filter(|s| s.start < horizon)
            .map(|s| s.rate)
            .fold(0.0, f64::max)
    }

    /// The mean rate over [0, horizon).
    pub fn mean(&self, horizon: SimTime) -> f64 {
        let secs = horizon.as_secs_f64();
        if secs == 0.0 {
            0.0
        } else {
            self.cumulative(horizon) / secs
        }
    }
}

/// Generates arrival times from a rate profile, in increasing order.
#[derive(Clone, Debug)]
pub struct ArrivalProcess {
    profile: RateProfile,
    mode: ArrivalMode,
    rng: Stream,
    /// Index of the segment the last arrival fell in.
    seg: usize,
    /// Λ at the start of segment `seg`.
    cum_at_seg: f64,
    /// Λ of the next arrival.
    target: f64,
    count: u64,
}

impl ArrivalProcess {
    pub fn new(profile: RateProfile, mode: ArrivalMode, rng: Stream) -> Self {
        ArrivalProcess {
            profile,
            mode,
            rng,
            seg: 0,
            cum_at_seg: 0.0,
            target: 0.0,
            count: 0,
        }
    }

    /// The next arrival time, or `None` if the rate stays zero forever.
    #[inline]
    pub fn next_arrival(&mut self) -> Option<SimTime> {
        self.target = match self.mode {
            ArrivalMode::Poisson => {
                let e: f64 = Exp1.sample(&mut self.rng);
                self.target + e
            }
            ArrivalMode::Uniform => self.count as f64,
        };
        self.count += 1;
        let segs = &self.profile.segments;
        loop {
            let s = segs[self.seg];
            let next_start = segs.get(self.seg + 1).map(|n| n.start);
            let span = next_start.map(|n| (n - s.start).as_secs_f64());
            let cum_at_end = span.map(|d| self.cum_at_seg + s.rate * d);
            match cum_at_end {
                // The target lies at or beyond this segment's end: move on.
                // (At exactly the end, the arrival belongs to the next
                // segment with a positive rate.)
                Some(end) if end <= self.target => {
                    self.cum_at_seg = end;
                    self.seg += 1;
                }
                _ => {
                    if s.rate <= 0.0 {
                        return None;
                    }
                    let offset = (self.target - self.cum_at_seg) / s.rate;
                    let t = s.start + SimTime::from_secs_f64(offset);
                    // Rounding to whole nanoseconds must not spill into the
                    // next segment's time nor go before this one.
                    return Some(match next_start {
                        Some(n) if t >= n => SimTime(n.as_nanos() - 1).max(s.start),
                        _ => t,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng;

    fn steps(list: &[(u64, f64)]) -> RateProfile {
        RateProfile::steps(
            list.iter()
                .map(|&(s, r)| Segment {
                    start: SimTime::from_secs(s),
                    rate: r,
                })
                .collect(),
        )
    }

    #[test]
    fn uniform_arrivals_are_evenly_spaced_from_zero() {
        let mut a = ArrivalProcess::new(
            RateProfile::constant(4.0),
            ArrivalMode::Uniform,
            rng::stream(1, 0, "a"),
        );
        let ts: Vec<SimTime> = (0..4).map(|_| a.next_arrival().unwrap()).collect();
        assert_eq!(
            ts,
            vec![
                SimTime::ZERO,
                SimTime::from_millis(250),
                SimTime::from_millis(500),
                SimTime::from_millis(750)
            ]
        );
    }

    #[test]
    fn uniform_arrivals_follow_steps() {
        // 1/s for 2 s, then 0 for 3 s, then 2/s.
        let mut a = ArrivalProcess::new(
            steps(&[(0, 1.0), (2, 0.0), (5, 2.0)]),
            ArrivalMode::Uniform,
            rng::stream(1, 0, "a"),
        );
        let ts: Vec<f64> = (0..5)
            .map(|_| a.next_arrival().unwrap().as_secs_f64())
            .collect();
        assert_eq!(ts, vec![0.0, 1.0, 5.0, 5.5, 6.0]);
    }

    #[test]
    fn zero_rate_forever_ends_the_stream() {
        let mut a = ArrivalProcess::new(
            steps(&[(0, 1.0), (2, 0.0)]),
            ArrivalMode::Uniform,
            rng::stream(1, 0, "a"),
        );
        assert!(a.next_arrival().is_some());
        assert!(a.next_arrival().is_some());
        assert_eq!(a.next_arrival(), None);
    }

    #[test]
    fn poisson_counts_match_the_rate_integral_per_segment() {
        // 50/s for 100 s, 400/s for 50 s, 80/s for 100 s.
        let profile = steps(&[(0, 50.0), (100, 400.0), (150, 80.0)]);
        let mut a = ArrivalProcess::new(
            profile.clone(),
            ArrivalMode::Poisson,
            rng::stream(9, 0, "a"),
        );
        let mut counts = [0u64; 3];
        while let Some(t) = a.next_arrival() {
            let s = t.as_secs_f64();
            if s >= 250.0 {
                break;
            }
            counts[if s < 100.0 {
                0
            } else if s < 150.0 {
                1
            } else {
                2
            }] += 1;
        }
        for (got, expected) in counts.iter().zip([5_000.0, 20_000.0, 8_000.0]) {
            let z = (*got as f64 - expected) / f64::sqrt(expected);
            assert!(z.abs() < 4.0, "count {got} vs {expected} (z = {z:.2})");
        }
        assert_eq!(profile.cumulative(SimTime::from_secs(250)), 33_000.0);
    }

    #[test]
    fn profile_reports_peak_and_mean() {
        let p = steps(&[(0, 50.0), (100, 400.0), (150, 80.0)]);
        let h = SimTime::from_secs(250);
        assert_eq!(p.peak(h), 400.0);
        assert_eq!(p.mean(h), 33_000.0 / 250.0);
        assert_eq!(p.rate_at(SimTime::from_secs(120)), 400.0);
        // The peak only counts steps that start inside the horizon.
        assert_eq!(p.peak(SimTime::from_secs(100)), 50.0);
    }
}
