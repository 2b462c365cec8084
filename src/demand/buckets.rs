//! Counts per bucket → rate profile: the one way every recorded trace
//! format (`rate-csv`, `timestamps-csv`, both Azure formats) summarises its
//! demand for fleet sizing, `scalesim check` and the reports.
//!
//! A bucket's rate is its expected count divided by its *actual* extent in
//! simulated time. A lap's last bucket is often cut short — by `end`, by the
//! trace's last request, by a lap that is not a whole number of buckets, or
//! by the next lap of `repeat` — and the requests counted in it still arrive
//! inside what is left of it. Dividing by what is left keeps every summary
//! honest at once: the profile's integral over a lap is exactly the lap's
//! expected count (the requests `check` expects, and the mean rate), and the
//! cut bucket's rate is the rate its requests really come at (what
//! `size_for = "peak"` sizes for), not their count diluted over time the
//! lap does not have.

use crate::demand::{RateProfile, Segment};
use crate::time::SimTime;

/// The step rate of `counts`, the expected requests in each bucket of one
/// lap of a trace, played once or, with `repeat`, lap after lap until
/// `horizon`; zero after the last lap.
///
/// `edge(lap, i)` is where bucket `i` of lap `lap` starts in simulated time,
/// and `edge(lap, counts.len())` where the last bucket would end if whole.
/// A lap ends where the next one begins, at `edge(lap + 1, 0)`, which may
/// cut its last bucket short (see the module doc). A bucket that would start
/// at or after its lap's end adds nothing; callers count only buckets that
/// start inside the lap.
pub(crate) fn rate_of_counts(
    counts: &[f64],
    repeat: bool,
    horizon: SimTime,
    edge: impl Fn(u64, usize) -> SimTime,
) -> RateProfile {
    let laps = if repeat {
        let lap = edge(1, 0).saturating_sub(edge(0, 0)).as_nanos().max(1);
        horizon.as_nanos().div_ceil(lap).max(1)
    } else {
        1
    };
    let mut segments = Vec::with_capacity(laps as usize * counts.len() + 1);
    for lap in 0..laps {
        let lap_end = edge(lap + 1, 0);
        for (i, &count) in counts.iter().enumerate() {
            let start = edge(lap, i);
            let end = edge(lap, i + 1).min(lap_end);
            if end > start {
                segments.push(Segment::flat(start, count / (end - start).as_secs_f64()));
            }
        }
    }
    segments.push(Segment::flat(edge(laps, 0), 0.0));
    RateProfile::steps(segments)
}

/// Refuses a `repeat` whose laps are so short that the profile of
/// [`rate_of_counts`] would pass [`crate::limits::MAX_PROFILE_PIECES`]
/// (`edge` as there, `per_lap` buckets a lap). A lap of one nanosecond
/// comes from a trace whose timestamps are all equal, or from a large
/// `speedup`.
pub(crate) fn check_laps(
    per_lap: usize,
    repeat: bool,
    horizon: SimTime,
    edge: impl Fn(u64, usize) -> SimTime,
) -> Result<(), String> {
    if !repeat {
        return Ok(());
    }
    let lap = edge(1, 0).saturating_sub(edge(0, 0)).max(SimTime(1));
    let laps = horizon.as_nanos().div_ceil(lap.as_nanos()).max(1);
    let pieces = laps as f64 * per_lap.max(1) as f64;
    let limit = crate::limits::MAX_PROFILE_PIECES as f64;
    if pieces <= limit {
        return Ok(());
    }
    let shortest = horizon.as_secs_f64() * per_lap.max(1) as f64 / limit;
    Err(format!(
        "with `repeat`, laps of {lap} of simulated time over {horizon} make {} rate pieces \
         ({} laps of {} bucket(s)); the limit is {}; a lap must last at least {} (replay a longer \
         stretch of the trace, or lower `speedup`)",
        crate::limits::count(pieces),
        crate::limits::count(laps as f64),
        per_lap.max(1),
        crate::limits::count(limit),
        SimTime::from_secs_f64(shortest)
    ))
}

/// The buckets of trace time a summary of one lap keeps (one count each),
/// at most: the lap's and those the run reaches (`horizon` × `speedup`),
/// the fewer. A trace whose rows spread over centuries, or a run sped up
/// across them, would otherwise allocate a count per minute of it.
pub(crate) fn summary_buckets(
    lap_buckets: u128,
    bucket_ns: u128,
    horizon: SimTime,
    speedup: f64,
) -> Result<usize, String> {
    let reached = (horizon.as_nanos() as f64 * speedup / bucket_ns.max(1) as f64).ceil();
    let n = (lap_buckets as f64).min(reached).max(1.0);
    let limit = crate::limits::MAX_PROFILE_PIECES;
    if n <= limit as f64 {
        return Ok(n as usize);
    }
    Err(format!(
        "the run reaches {} buckets of {} of trace time, each counted in the trace's summary; \
         the limit is {}: cut the trace with `end`, or shorten `duration` or `speedup`",
        crate::limits::count(n),
        SimTime(bucket_ns.min(u64::MAX as u128) as u64),
        crate::limits::count(limit as f64)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Minute buckets, laps of 90 s: the second minute of each lap is cut
    /// to 30 s.
    fn minutes_in_laps_of_90s(lap: u64, i: usize) -> SimTime {
        SimTime::from_secs(90 * lap + 60 * i as u64)
    }

    #[test]
    fn a_cut_last_bucket_keeps_its_count_over_what_is_left_of_it() {
        let p = rate_of_counts(&[60.0, 60.0], false, SimTime::from_secs(90), |lap, i| {
            minutes_in_laps_of_90s(lap, i)
        });
        // 60 requests in the 30 s left of the second minute: 2/s, not 1/s.
        assert_eq!(p.rate_at(SimTime::from_secs(30)), 1.0);
        assert_eq!(p.rate_at(SimTime::from_secs(75)), 2.0);
        assert_eq!(p.rate_at(SimTime::from_secs(90)), 0.0);
        let h = SimTime::from_secs(90);
        assert_eq!(p.cumulative(h), 120.0);
        assert_eq!(p.peak(h), 2.0);
        assert_eq!(p.mean(h), 120.0 / 90.0);
    }

    #[test]
    fn repeated_laps_each_keep_their_whole_count() {
        let h = SimTime::from_secs(200);
        let p = rate_of_counts(&[60.0, 60.0], true, h, minutes_in_laps_of_90s);
        // Three laps reach past 200 s; demand stops after the third.
        assert_eq!(p.rate_at(SimTime::from_secs(100)), 1.0);
        assert_eq!(p.rate_at(SimTime::from_secs(170)), 2.0);
        assert_eq!(p.cumulative(SimTime::from_secs(270)), 360.0);
        assert_eq!(p.rate_at(SimTime::from_secs(270)), 0.0);
    }

    #[test]
    fn whole_buckets_are_count_over_width() {
        let p = rate_of_counts(&[6.0, 0.0, 3.0], false, SimTime::from_secs(30), |lap, i| {
            SimTime::from_secs(30 * lap + 10 * i as u64)
        });
        assert_eq!(p.rate_at(SimTime::from_secs(5)), 0.6);
        assert_eq!(p.rate_at(SimTime::from_secs(15)), 0.0);
        assert_eq!(p.rate_at(SimTime::from_secs(25)), 0.3);
        assert_eq!(p.cumulative(SimTime::from_secs(40)), 9.0);
    }
}
