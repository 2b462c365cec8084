//! How many requests a fleet can hold waiting, from the demand alone: the
//! memory an unbounded queue needs when demand outruns capacity.
//!
//! A fluid bound: a fleet that completes at most μ requests a second (its
//! slots over the mean work of a request) holds at most the arrivals in
//! excess of μ, ∫ (λ(t) − μ)⁺ dt, in its queue; random fluctuations add a
//! queue of order 1/(1 − ρ) requests on top, which is small beside any
//! backlog that threatens memory. A `queue_limit` caps it; a `timeout`
//! caps it at the requests that arrive within one timeout at the peak rate.

use crate::demand::RateProfile;
use crate::kinds::servers::spec::FleetSpec;
use crate::scenario::Scenario;
use crate::time::SimTime;

/// The most requests `fleet` (with `max_servers` at most, for an
/// autoscaled group) can hold waiting over `[0, horizon)`.
pub fn backlog(
    fleet: &FleetSpec,
    max_servers: u32,
    profile: &RateProfile,
    horizon: SimTime,
    mean_work_s: f64,
) -> f64 {
    let slots = f64::from(max_servers) * f64::from(fleet.instance.vcpus);
    let capacity = if mean_work_s > 0.0 {
        slots / mean_work_s
    } else {
        f64::INFINITY
    };
    let mut bound = excess(profile, capacity, horizon);
    if let Some(limit) = fleet.queue_limit {
        bound = bound.min(limit as f64);
    }
    if let Some(t) = fleet.timeout {
        bound = bound.min(profile.peak(horizon) * t.as_secs_f64());
    }
    bound
}

/// ∫₀^horizon (λ(t) − capacity)⁺ dt over a piecewise-linear profile,
/// exactly: on each linear piece the positive part is a trapezoid or a
/// triangle cut where the rate crosses the capacity.
pub(crate) fn excess(profile: &RateProfile, capacity: f64, horizon: SimTime) -> f64 {
    if !capacity.is_finite() {
        return 0.0;
    }
    let segments = profile.segments();
    let mut total = 0.0;
    for (i, s) in segments.iter().enumerate() {
        if s.start >= horizon {
            break;
        }
        let end = segments
            .get(i + 1)
            .map_or(horizon, |n| n.start.min(horizon));
        let len = (end - s.start).as_secs_f64();
        total += positive_area(s.rate - capacity, s.slope, len);
    }
    total
}

/// ∫₀^len (a + b·x)⁺ dx.
fn positive_area(a: f64, b: f64, len: f64) -> f64 {
    let at_end = a + b * len;
    match (a > 0.0, at_end > 0.0) {
        (true, true) => (a + at_end) / 2.0 * len,
        (false, false) => 0.0,
        // One crossing, at x₀ = −a/b: a triangle on the positive side.
        (true, false) => a * (-a / b) / 2.0,
        (false, true) => at_end * (len + a / b) / 2.0,
    }
}

/// The server records a fleet on spot holds with `servers` up (none off
/// spot): they plus one per replacement, and the `spot` key that drives
/// them.
pub fn spot_records(s: &Scenario, fleet: &FleetSpec, servers: f64) -> Option<(f64, &'static str)> {
    let x = fleet.spot.as_ref()?;
    let random = x.mean_time_between_interruptions.map_or(0.0, |m| {
        2.0 * servers * s.duration.as_secs_f64() / m.as_secs_f64()
    });
    let field = if random > 0.0 {
        "spot.mean_time_between_interruptions"
    } else {
        "spot.interruptions_at"
    };
    Some((servers + random + x.interruptions_at.len() as f64, field))
}

/// What one invocation of a fleet costs in the estimate's works: more on
/// the stepping path (shared CPUs, waits).
pub fn stepping_works(fleet: &FleetSpec, s: &Scenario) -> f64 {
    if fleet.steps(&s.services) {
        crate::scenario::estimate::STEPPING_WORKS
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demand::Segment;

    fn secs(s: u64) -> SimTime {
        SimTime::from_secs(s)
    }

    #[test]
    fn the_excess_over_capacity_is_the_area_above_it() {
        // 100 rps for 10 s, then 300 rps for 10 s, then 0: against a
        // capacity of 200 rps only the middle piece is in excess, by 100
        // rps for 10 s.
        let p = RateProfile::steps(vec![
            Segment::flat(secs(0), 100.0),
            Segment::flat(secs(10), 300.0),
            Segment::flat(secs(20), 0.0),
        ]);
        assert!((excess(&p, 200.0, secs(30)) - 1_000.0).abs() < 1e-9);
        // A ramp from 0 to 400 rps over 40 s crosses 200 rps at 20 s: the
        // triangle above it is 20 s × 200 rps / 2.
        let ramp = RateProfile::through(&[(secs(0), 0.0), (secs(40), 400.0)]);
        assert!((excess(&ramp, 200.0, secs(40)) - 2_000.0).abs() < 1e-6);
        // And down again: the same triangle on the falling side.
        let fall = RateProfile::through(&[(secs(0), 400.0), (secs(40), 0.0)]);
        assert!((excess(&fall, 200.0, secs(40)) - 2_000.0).abs() < 1e-6);
        // Below capacity throughout: nothing waits for long.
        assert_eq!(excess(&p, 1_000.0, secs(30)), 0.0);
        assert_eq!(excess(&p, f64::INFINITY, secs(30)), 0.0);
    }
}
