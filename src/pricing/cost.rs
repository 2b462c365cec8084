//! Billing: what capacity costs, and the normalisations every report shows
//! (per month of 730 hours, per million completed requests).

use crate::time::{NANOS_PER_SEC, SimTime};
use serde::{Deserialize, Serialize};

/// Hours in the month the cloud price lists use.
pub const HOURS_PER_MONTH: f64 = 730.0;
/// EC2 (Linux) and Fargate bill per second with a one-minute minimum.
pub const SERVER_MINIMUM: SimTime = SimTime::from_secs(60);

/// Where the money of the measured period went. The parts add up to the
/// total.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CostBreakdown {
    /// Capacity that was doing work: busy server time, or billed function
    /// duration (cold starts included).
    pub compute_usd: f64,
    /// Capacity paid for while idle: the unused share of server time.
    pub idle_usd: f64,
    /// Per-invocation charges.
    pub requests_usd: f64,
    /// API gateway charges.
    pub gateway_usd: f64,
    /// Provisioned (pre-initialised) capacity.
    pub provisioned_usd: f64,
    /// Internet egress of responses and outbound bytes; present only when
    /// the architecture prices data transfer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress_usd: Option<f64>,
    /// NAT gateway-hours and bytes processed; present only with a NAT
    /// gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nat_gateway_usd: Option<f64>,
    /// A managed Kubernetes control plane's fee; present only on a
    /// Kubernetes architecture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_plane_usd: Option<f64>,
}

impl CostBreakdown {
    /// A server fleet: busy share of the bill is compute, the rest idle.
    pub fn fleet(total_usd: f64, utilization: f64) -> Self {
        let compute = total_usd * utilization.clamp(0.0, 1.0);
        CostBreakdown {
            compute_usd: compute,
            idle_usd: total_usd - compute,
            ..Default::default()
        }
    }

    pub fn total(&self) -> f64 {
        let base = self.compute_usd
            + self.idle_usd
            + self.requests_usd
            + self.gateway_usd
            + self.provisioned_usd;
        // Added only when present, so totals without data transfer keep
        // their exact bits.
        [
            self.egress_usd,
            self.nat_gateway_usd,
            self.control_plane_usd,
        ]
        .into_iter()
        .flatten()
        .fold(base, |t, x| t + x)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CostSummary {
    /// Cost of the measured period (after warmup).
    pub total_usd: f64,
    /// The same spend rate over a 730-hour month.
    pub per_month_usd: f64,
    /// Total divided by completed requests, × 10⁶ (0 if none completed).
    pub per_million_requests_usd: f64,
    pub breakdown: CostBreakdown,
}

impl CostSummary {
    pub fn new(breakdown: CostBreakdown, measured: SimTime, completed: u64) -> Self {
        let secs = measured.as_secs_f64();
        let total_usd = breakdown.total();
        CostSummary {
            breakdown,
            total_usd,
            per_month_usd: if secs > 0.0 {
                total_usd / secs * HOURS_PER_MONTH * 3600.0
            } else {
                0.0
            },
            per_million_requests_usd: if completed > 0 {
                total_usd / completed as f64 * 1e6
            } else {
                0.0
            },
        }
    }
}

/// Seconds billed for one server that ran over `[launch, stop)`, counting
/// only what falls in the measured window `[from, to)`: its running time in
/// the window, rounded up to whole seconds over its life, and at least
/// `minimum`. The rounding and the minimum top-up are charged at `stop`, so
/// they count only if the server stops inside the window.
pub fn billed_seconds(
    launch: SimTime,
    stop: SimTime,
    from: SimTime,
    to: SimTime,
    minimum: SimTime,
) -> f64 {
    let overlap = stop.min(to).saturating_sub(launch.max(from));
    let life = stop - launch;
    let rounded = life
        .as_nanos()
        .div_ceil(NANOS_PER_SEC)
        .saturating_mul(NANOS_PER_SEC);
    let billed_life = SimTime(rounded).max(minimum);
    let top_up = if stop >= from && stop <= to {
        billed_life - life
    } else {
        SimTime::ZERO
    };
    (overlap + top_up).as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> SimTime = SimTime::from_secs;

    #[test]
    fn short_lives_pay_the_minute() {
        assert_eq!(
            billed_seconds(S(0), S(10), S(0), S(100), SERVER_MINIMUM),
            60.0
        );
    }

    #[test]
    fn partial_seconds_round_up() {
        let stop = SimTime::from_millis(90_200);
        assert_eq!(
            billed_seconds(S(0), stop, S(0), S(100), SERVER_MINIMUM),
            91.0
        );
    }

    #[test]
    fn only_the_window_is_charged() {
        // Runs 0..100 s, window 20..100 s: 80 s.
        assert_eq!(
            billed_seconds(S(0), S(100), S(20), S(100), SERVER_MINIMUM),
            80.0
        );
    }

    #[test]
    fn month_and_per_million_scale_linearly() {
        let c = CostSummary::new(CostBreakdown::fleet(0.1, 0.25), S(3600), 1000);
        assert!((c.total_usd - 0.1).abs() < 1e-15);
        assert!((c.breakdown.idle_usd - 0.075).abs() < 1e-15);
        assert!((c.per_month_usd - 73.0).abs() < 1e-9);
        assert!((c.per_million_requests_usd - 100.0).abs() < 1e-9);
    }
}
