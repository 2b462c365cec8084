//! Demand: the arrival rate over time, and the arrival process that turns it
//! into request times.
//!
//! Every synthetic shape is resolved to a [`RateProfile`], a piecewise-linear
//! rate function (`constant` and `steps` are its piecewise-constant special
//! case), and arrivals are drawn from it by time rescaling: the k-th arrival
//! is at Λ⁻¹(E₁ + … + E_k), where Λ is the cumulative rate and the Eᵢ are unit
//! exponentials (Poisson), or at Λ⁻¹(k) (evenly spaced). On a linear piece
//! Λ is quadratic and Λ⁻¹ is the root of a quadratic, so this is exact for
//! every profile, needs no rejection step, and draws exactly one random
//! number per arrival: the arrival stream is the same whatever else the
//! simulation does.

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

/// One piece of a rate function: from `start` until the next segment's start
/// the rate is `rate + slope × (t − start)` requests per second (`slope` in
/// requests per second per second). The last segment of a profile is flat
/// and holds forever.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub start: SimTime,
    pub rate: f64,
    pub slope: f64,
}

impl Segment {
    /// A constant rate from `start`.
    pub fn flat(start: SimTime, rate: f64) -> Self {
        Segment {
            start,
            rate,
            slope: 0.0,
        }
    }

    /// The rate `secs` seconds after the start.
    #[inline]
    fn rate_after(&self, secs: f64) -> f64 {
        self.rate + self.slope * secs
    }

    /// Expected arrivals in the first `secs` seconds: ∫ rate.
    #[inline]
    fn integral(&self, secs: f64) -> f64 {
        if self.slope == 0.0 {
            self.rate * secs
        } else {
            secs * (self.rate + 0.5 * self.slope * secs)
        }
    }

    /// Seconds after the start at which the integral reaches `x` (≥ 0), the
    /// inverse of [`Segment::integral`]; `None` if it never does.
    #[inline]
    fn inverse(&self, x: f64) -> Option<f64> {
        if self.slope == 0.0 {
            return (self.rate > 0.0).then(|| x / self.rate);
        }
        // Root of slope/2 τ² + rate τ − x = 0, in the form that stays
        // accurate when slope × x is small next to rate².
        // (Rounding can push the discriminant a hair below zero where a
        // falling rate reaches zero at the segment's end.)
        let disc = (self.rate * self.rate + 2.0 * self.slope * x).max(0.0);
        let denom = self.rate + disc.sqrt();
        if denom > 0.0 {
            Some(2.0 * x / denom)
        } else {
            (x == 0.0).then_some(0.0)
        }
    }
}

/// A piecewise-linear arrival rate, in requests per second, never negative.
#[derive(Clone, Debug, PartialEq)]
pub struct RateProfile {
    segments: Vec<Segment>,
}

impl RateProfile {
    pub fn constant(rate: f64) -> Self {
        RateProfile {
            segments: vec![Segment::flat(SimTime::ZERO, rate)],
        }
    }

    /// Segments sorted by start; a rate of zero before the first one.
    pub fn steps(mut segments: Vec<Segment>) -> Self {
        segments.sort_by_key(|s| s.start);
        if segments.first().is_none_or(|s| s.start > SimTime::ZERO) {
            segments.insert(0, Segment::flat(SimTime::ZERO, 0.0));
        }
        RateProfile { segments }
    }

    /// The continuous piecewise-linear rate through `knots` (time, rate),
    /// which must be sorted by time with the first at zero; the last rate
    /// holds forever. Equal times make a jump.
    pub fn through(knots: &[(SimTime, f64)]) -> Self {
        let mut segments = Vec::with_capacity(knots.len());
        for w in knots.windows(2) {
            let ((t0, r0), (t1, r1)) = (w[0], w[1]);
            if t1 > t0 {
                let slope = (r1 - r0) / (t1 - t0).as_secs_f64();
                segments.push(Segment {
                    start: t0,
                    rate: r0,
                    slope,
                });
            }
        }
        if let Some(&(t, r)) = knots.last() {
            segments.push(Segment::flat(t, r));
        }
        Self::steps(segments)
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Seconds that segment `i` lasts (`None` for the last, which holds).
    fn span(&self, i: usize) -> Option<f64> {
        let s = self.segments[i];
        self.segments
            .get(i + 1)
            .map(|n| (n.start - s.start).as_secs_f64())
    }

    /// The rate at instant `t`.
    pub fn rate_at(&self, t: SimTime) -> f64 {
        let i = self.segments.partition_point(|s| s.start <= t);
        let s = self.segments[i.saturating_sub(1)];
        s.rate_after((t - s.start).as_secs_f64())
    }

    /// Expected number of arrivals in [0, t): Λ(t).
    pub fn cumulative(&self, t: SimTime) -> f64 {
        let mut total = 0.0;
        for (i, s) in self.segments.iter().enumerate() {
            if s.start >= t {
                break;
            }
            let end = self.segments.get(i + 1).map_or(t, |n| n.start.min(t));
            total += s.integral((end - s.start).as_secs_f64());
        }
        total
    }

    /// The highest rate in force at some instant of [0, horizon).
    pub fn peak(&self, horizon: SimTime) -> f64 {
        let mut peak: f64 = 0.0;
        for (i, s) in self.segments.iter().enumerate() {
            if s.start >= horizon {
                break;
            }
            let end = self
                .segments
                .get(i + 1)
                .map_or(horizon, |n| n.start.min(horizon));
            let secs = (end - s.start).as_secs_f64();
            peak = peak.max(s.rate).max(s.rate_after(secs));
        }
        peak
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

    /// The pointwise product of two profiles. Where both pieces slope the
    /// product is quadratic; it is then approximated by chords at most
    /// `max_piece` long (relative error ≤ (slope × max_piece)² / 8 of the
    /// rates involved: negligible at seconds).
    pub fn times(&self, other: &RateProfile, max_piece: SimTime) -> RateProfile {
        let mut starts: Vec<SimTime> = self
            .segments
            .iter()
            .chain(&other.segments)
            .map(|s| s.start)
            .collect();
        starts.sort();
        starts.dedup();
        let mut out = Vec::with_capacity(starts.len());
        for (k, &t0) in starts.iter().enumerate() {
            let a = self.piece_at(t0);
            let b = other.piece_at(t0);
            let rate = a.rate * b.rate;
            let Some(&t1) = starts.get(k + 1) else {
                out.push(Segment::flat(t0, rate));
                continue;
            };
            if a.slope == 0.0 || b.slope == 0.0 {
                let slope = a.rate * b.slope + a.slope * b.rate;
                out.push(Segment {
                    start: t0,
                    rate,
                    slope,
                });
                continue;
            }
            let n = (t1 - t0).as_nanos().div_ceil(max_piece.as_nanos().max(1));
            let step = (t1 - t0).as_nanos() / n;
            let mut s = t0;
            while s < t1 {
                let e = if t1.as_nanos() - s.as_nanos() < 2 * step {
                    t1
                } else {
                    SimTime(s.as_nanos() + step)
                };
                let (x0, x1) = ((s - t0).as_secs_f64(), (e - t0).as_secs_f64());
                let (r0, r1) = (
                    a.rate_after(x0) * b.rate_after(x0),
                    a.rate_after(x1) * b.rate_after(x1),
                );
                out.push(Segment {
                    start: s,
                    rate: r0,
                    slope: (r1 - r0) / (x1 - x0),
                });
                s = e;
            }
        }
        RateProfile { segments: out }
    }

    /// The segment in force at `t`, restarted at `t`.
    fn piece_at(&self, t: SimTime) -> Segment {
        let i = self.segments.partition_point(|s| s.start <= t);
        let s = self.segments[i.saturating_sub(1)];
        Segment {
            start: t,
            rate: s.rate_after((t - s.start).as_secs_f64()),
            slope: s.slope,
        }
    }

    /// The profile with every rate multiplied by `factor` (≥ 0).
    pub fn scaled(&self, factor: f64) -> RateProfile {
        RateProfile {
            segments: self
                .segments
                .iter()
                .map(|s| Segment {
                    start: s.start,
                    rate: s.rate * factor,
                    slope: s.slope * factor,
                })
                .collect(),
        }
    }
}

/// Generates arrival times from a rate profile, in increasing order.
#[derive(Clone, Debug)]
pub struct ArrivalProcess {
    profile: RateProfile,
    mode: ArrivalMode,
    rng: Stream,
    /// Index of the segment the last arrival fell in, and a copy of it.
    seg: usize,
    cur: Segment,
    /// Λ at the start of segment `seg`.
    cum_at_seg: f64,
    /// Λ at the end of segment `seg` and the next segment's start (`None`
    /// for the last segment, which holds forever). They stay fixed while
    /// arrivals fall in the segment, so they are computed once on entering
    /// it rather than for every arrival.
    cum_at_end: Option<f64>,
    next_start: Option<SimTime>,
    /// Λ of the next arrival.
    target: f64,
    count: u64,
}

impl ArrivalProcess {
    pub fn new(profile: RateProfile, mode: ArrivalMode, rng: Stream) -> Self {
        let mut a = ArrivalProcess {
            cur: profile.segments[0],
            profile,
            mode,
            rng,
            seg: 0,
            cum_at_seg: 0.0,
            cum_at_end: None,
            next_start: None,
            target: 0.0,
            count: 0,
        };
        a.enter(0);
        a
    }

    /// Makes segment `seg`, starting at Λ = `cum_at_seg`, the current one.
    fn enter(&mut self, seg: usize) {
        let s = self.profile.segments[seg];
        self.seg = seg;
        self.cur = s;
        self.cum_at_end = self
            .profile
            .span(seg)
            .map(|d| self.cum_at_seg + s.integral(d));
        self.next_start = self.profile.segments.get(seg + 1).map(|n| n.start);
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
        // The target lies at or beyond this segment's end: move on. (At
        // exactly the end, the arrival belongs to the next segment with a
        // positive rate.)
        while let Some(end) = self.cum_at_end.filter(|&end| end <= self.target) {
            self.cum_at_seg = end;
            self.enter(self.seg + 1);
        }
        let s = self.cur;
        let offset = s.inverse(self.target - self.cum_at_seg)?;
        let t = s.start + SimTime::from_secs_f64(offset);
        // Rounding to whole nanoseconds must not spill into the next
        // segment's time nor go before this one.
        Some(match self.next_start {
            Some(n) if t >= n => SimTime(n.as_nanos() - 1).max(s.start),
            _ => t,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng;

    fn steps(list: &[(u64, f64)]) -> RateProfile {
        RateProfile::steps(
            list.iter()
                .map(|&(s, r)| Segment::flat(SimTime::from_secs(s), r))
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
