//! The bill of a fleet bought with a commitment: the committed servers'
//! worth is paid at the committed rate for every hour of the period,
//! whether servers run or not, and server time above it at the on-demand
//! rate. Also the commitment types themselves (how a fleet is bought),
//! which the scenario fills from its `pricing` key.

use crate::pricing::entries::Upfront;
use crate::time::SimTime;
use serde::Serialize;

/// How a fleet's server time is billed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum FleetPricing {
    OnDemand,
    Committed(Commitment),
}

/// A commitment and how much of the fleet it covers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Commitment {
    /// "savings-plan-3y", "reserved-1y", ...
    pub name: String,
    pub upfront: Upfront,
    /// The committed hourly rate of one server (upfront spread over the
    /// term), billed whether the server runs or not.
    pub price_per_hour: f64,
    pub coverage: Coverage,
    pub source: String,
    pub date: String,
}

impl Commitment {
    /// Reserved Instances are bought whole; a Savings Plan commits
    /// dollars per hour, so it can cover a fraction of a server.
    pub fn whole_servers(&self) -> bool {
        self.name.starts_with("reserved")
    }
}

/// How many servers' worth the commitment covers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Coverage {
    /// Sized so that this share of the fleet's server-hours runs on demand
    /// (0: the commitment covers the peak).
    OnDemandShare(f64),
    /// A fixed number of servers' worth.
    Servers(f64),
}

impl FleetPricing {
    /// What `scalesim check` adds to a fleet's line: nothing on demand.
    pub fn describe(&self) -> String {
        let FleetPricing::Committed(c) = self else {
            return String::new();
        };
        let coverage = match c.coverage {
            Coverage::OnDemandShare(0.0) => "covering the peak".to_string(),
            Coverage::OnDemandShare(s) => format!("{}% of server-hours on demand", s * 100.0),
            Coverage::Servers(n) => format!("{n} servers' worth"),
        };
        // Six decimals, without the float noise of on-demand × (1 − discount).
        let rate = crate::numbers::trimmed(c.price_per_hour, 6);
        format!(
            ", {} (upfront {}, ${rate}/h committed) {coverage}",
            c.name,
            c.upfront.name(),
        )
    }
}

/// How long a level (launched servers) spent at each value inside the
/// measured period `[warmup, end)`: what a commitment's coverage needs,
/// which a mean and a peak cannot give.
#[derive(Clone, Debug, Default)]
pub struct TimeAtLevel {
    /// Nanoseconds at each value, indexed by the value.
    nanos: Vec<u128>,
    value: usize,
    last: SimTime,
}

impl TimeAtLevel {
    /// The level becomes `value` at `now`. Called on level changes only
    /// (servers launched or stopped), so growing the vector is rare.
    pub fn set(&mut self, now: SimTime, value: u64, warmup: SimTime) {
        let from = self.last.max(warmup);
        if now > from {
            if self.nanos.len() <= self.value {
                self.nanos.resize(self.value + 1, 0);
            }
            self.nanos[self.value] += (now - from).as_nanos() as u128;
        }
        self.last = self.last.max(now);
        self.value = value as usize;
    }

    /// Seconds spent at each value, closed at `end`.
    pub fn seconds(&mut self, end: SimTime, warmup: SimTime) -> Vec<f64> {
        self.set(end, self.value as u64, warmup);
        self.nanos.iter().map(|&n| n as f64 / 1e9).collect()
    }
}

/// The seconds at each level of a fleet that stays at `servers` for
/// `seconds`.
pub fn constant_level(servers: u64, seconds: f64) -> Vec<f64> {
    let mut at = vec![0.0; servers as usize + 1];
    at[servers as usize] = seconds;
    at
}

/// Where a committed fleet's money went.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CommittedBill {
    /// Servers' worth committed (fractional for a Savings Plan).
    pub committed_servers: f64,
    pub committed_usd: f64,
    pub on_demand_usd: f64,
    /// Committed server-hours no server used.
    pub unused_server_hours: f64,
}

impl CommittedBill {
    pub fn total_usd(&self) -> f64 {
        self.committed_usd + self.on_demand_usd
    }
}

/// The bill of a fleet that spent `seconds_at[k]` seconds with k servers
/// running and was billed `billed_seconds` server-seconds on demand terms
/// (per-second rounding and minimums included), bought with `commitment`
/// over on-demand `on_demand_per_hour`. Server time the commitment covers
/// is taken from the billed seconds; the rest is on demand.
pub fn committed_bill(
    seconds_at: &[f64],
    billed_seconds: f64,
    on_demand_per_hour: f64,
    commitment: &Commitment,
) -> CommittedBill {
    let period: f64 = seconds_at.iter().sum();
    let mut committed = match commitment.coverage {
        Coverage::Servers(n) => n,
        Coverage::OnDemandShare(share) => level_for_share(seconds_at, share),
    };
    if commitment.whole_servers() {
        // To the nearest whole instance (halves up).
        committed = committed.round().max(0.0);
    }
    let covered: f64 = seconds_at
        .iter()
        .enumerate()
        .map(|(k, &t)| t * (k as f64).min(committed))
        .sum();
    let on_demand_seconds = (billed_seconds - covered).max(0.0);
    CommittedBill {
        committed_servers: committed,
        committed_usd: committed * period * commitment.price_per_hour / 3600.0,
        on_demand_usd: on_demand_seconds * on_demand_per_hour / 3600.0,
        unused_server_hours: (committed * period - covered) / 3600.0,
    }
}

/// The committed level C above which `share` of the server time lies:
/// Σ t_k · max(0, k − C) = share · Σ t_k · k. The left side falls
/// linearly between whole levels, so C is found on the segment that
/// brackets the target.
fn level_for_share(seconds_at: &[f64], share: f64) -> f64 {
    let total: f64 = seconds_at
        .iter()
        .enumerate()
        .map(|(k, &t)| k as f64 * t)
        .sum();
    let target = share * total;
    let above = |c: f64| -> f64 {
        seconds_at
            .iter()
            .enumerate()
            .map(|(k, &t)| t * (k as f64 - c).max(0.0))
            .sum()
    };
    for j in 0..seconds_at.len() {
        let at_j = above(j as f64);
        // Time spent strictly above level j: the slope on [j, j + 1].
        let slope: f64 = seconds_at[j + 1..].iter().sum();
        if at_j - slope <= target || slope == 0.0 {
            return if slope > 0.0 {
                j as f64 + (at_j - target) / slope
            } else {
                j as f64
            };
        }
    }
    (seconds_at.len().saturating_sub(1)) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::entries::Upfront;

    fn plan(coverage: Coverage, name: &str, rate: f64) -> Commitment {
        Commitment {
            name: name.into(),
            upfront: Upfront::None,
            price_per_hour: rate,
            coverage,
            source: String::new(),
            date: String::new(),
        }
    }

    fn cents(x: f64) -> i64 {
        (x * 100.0).round() as i64
    }

    #[test]
    fn time_at_level_counts_only_the_measured_period() {
        let mut t = TimeAtLevel::default();
        let s = SimTime::from_secs;
        t.set(s(0), 2, s(10));
        t.set(s(20), 5, s(10));
        t.set(s(50), 1, s(10));
        assert_eq!(
            t.seconds(s(60), s(10)),
            vec![0.0, 10.0, 10.0, 0.0, 0.0, 30.0]
        );
    }

    #[test]
    fn a_share_sizes_the_commitment_so_that_share_runs_on_demand() {
        // Half an hour at 2 servers, half an hour at 6: 4 server-hours. A
        // quarter on demand is 1 server-hour above C: (6 − C) / 2 = 1, C = 4.
        let at = [0.0, 0.0, 1800.0, 0.0, 0.0, 0.0, 1800.0];
        assert!((level_for_share(&at, 0.25) - 4.0).abs() < 1e-12);
        assert!((level_for_share(&at, 0.0) - 6.0).abs() < 1e-12);
        // 3 server-hours on demand: (2 − C)/2 + (6 − C)/2 = 3 → C = 1.
        assert!((level_for_share(&at, 0.75) - 1.0).abs() < 1e-12);
        let bill = committed_bill(
            &at,
            4.0 * 3600.0,
            0.096,
            &plan(Coverage::OnDemandShare(0.25), "savings-plan-3y", 0.048),
        );
        // Committed 4 × 1 h × $0.048 = $0.192, 2 − 4 unused for half an
        // hour = 1 server-hour; on demand 1 server-hour × $0.096.
        assert_eq!(cents(bill.committed_usd * 1000.0), cents(192.0));
        assert_eq!(cents(bill.on_demand_usd * 1000.0), cents(96.0));
        assert!((bill.unused_server_hours - 1.0).abs() < 1e-12);
    }

    #[test]
    fn reserved_instances_are_bought_whole() {
        // 10 servers, 25 % on demand: 7.5 servers' worth, 8 instances.
        let mut at = vec![0.0; 11];
        at[10] = 3600.0;
        let bill = committed_bill(
            &at,
            36_000.0,
            0.096,
            &plan(Coverage::OnDemandShare(0.25), "reserved-1y", 0.06),
        );
        assert_eq!(bill.committed_servers, 8.0);
        assert_eq!(
            cents(bill.total_usd() * 1000.0),
            cents(8.0 * 60.0 + 2.0 * 96.0)
        );
    }
}
