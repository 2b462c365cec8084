//! The `kind = "fleet"` architecture: a fixed number of identical servers,
//! counted or sized from the demand, and the instance and limits that
//! autoscaled fleets share with it.

pub mod commitments;
pub mod controller;
pub mod scaling;
pub mod spot;

use crate::dist::Dist;
use crate::file_error::{ErrorContext, ScenarioError};
use crate::kinds::servers::spec::commitments::fleet_pricing;
use crate::kinds::servers::spec::spot::{Market, SpotSpec, validate_spot};
use crate::pricing::catalog::Prices;
use crate::pricing::commitment::FleetPricing;
use crate::pricing::entries::Instance;
use crate::scenario::context::Load;
use crate::scenario::raw::RawArchitecture;
use crate::scenario::service::{Service, places_in_memory};
use crate::scenario::values::{Servers, SizeBasis};
use crate::time::SimTime;

/// A fixed fleet of identical servers behind one FCFS load-balancer queue.
#[derive(Clone, Debug)]
pub struct FleetSpec {
    /// Resolved server count.
    pub servers: u32,
    /// How the count was derived, if it was.
    pub sizing: Option<Sizing>,
    pub instance: Instance,
    /// On demand, or a commitment covering some or all of the fleet.
    pub pricing: FleetPricing,
    /// On spot capacity: its price and interruptions (`pricing` is then
    /// on demand).
    pub spot: Option<SpotSpec>,
    /// Arrivals that find this many requests waiting are rejected.
    pub queue_limit: Option<u64>,
    /// A request not finished this long after arrival times out.
    pub timeout: Option<SimTime>,
    /// Requests a server works on at once (worker threads, an event
    /// loop's limit); the instance's vCPUs unless the scenario says, and
    /// no more than its memory holds.
    pub concurrency: u32,
    /// When memory, not `concurrency`, limits a server: the requests it
    /// would have taken (for `check`).
    pub memory_bound: Option<u32>,
}

impl FleetSpec {
    /// The vCPUs of the fleet: what its utilisation is a share of.
    pub fn slots(&self) -> u64 {
        self.servers as u64 * self.instance.vcpus as u64
    }

    /// Requests the fleet works on at once: its servers × `concurrency`.
    pub fn places(&self) -> u64 {
        self.servers as u64 * self.concurrency as u64
    }

    /// Whether a server's requests share its CPUs: more requests at once
    /// than vCPUs. At or below one per vCPU each runs at full speed.
    pub fn shares_cpu(&self) -> bool {
        self.concurrency > self.instance.vcpus
    }

    /// Whether its jobs step through CPU work and waits one at a time
    /// (the model's stepping path): its servers share their CPUs, or one
    /// of `services` waits on I/O.
    pub fn steps(&self, services: &[crate::scenario::service::Service]) -> bool {
        self.shares_cpu() || services.iter().any(|s| s.wait.is_some())
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sizing {
    pub basis: SizeBasis,
    pub utilization: f64,
    /// The demand rate the size was computed for (requests per second).
    pub rate: f64,
}

/// A `kind = "fleet"` table: its servers (counted or sized for `load`),
/// instance and limits.
pub(crate) fn validate_fleet(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    load: &Load,
    services: &[Service],
    prices: &Prices,
) -> Result<FleetSpec, ScenarioError> {
    let instance = fleet_instance(a, key, ctx, prices)?;
    let servers_raw = a.servers.as_ref().ok_or_else(|| {
        ctx.at(
            Some(a.kind.span()),
            &format!("{key}.servers"),
            "a fleet needs `servers`: a count, or { size_for = \"peak\", utilization = 0.6 }",
        )
    })?;
    let (servers, sizing) =
        match *servers_raw.get_ref() {
            Servers::Count(n) if (1..=1_000_000).contains(&n) => (n as u32, None),
            Servers::Count(n) => {
                return Err(ctx.at(
                    Some(servers_raw.span()),
                    &format!("{key}.servers"),
                    format!("expected between 1 and 1000000 servers, found {n}"),
                ));
            }
            Servers::SizeFor { basis, utilization } => {
                let rate = match basis {
                    SizeBasis::Peak => load.peak_rps,
                    SizeBasis::Mean => load.mean_rps,
                };
                let work = load.mean_work / instance.speed;
                let n = size_fleet(rate, work, instance.vcpus, utilization);
                // `size_fleet` saturates at u32::MAX; anything past the cap on
                // a counted fleet is as unrunnable sized as counted.
                if u64::from(n) > crate::limits::MAX_SERVERS {
                    let need = rate * work / f64::from(instance.vcpus);
                    return Err(ctx.at(
                    Some(servers_raw.span()),
                    &format!("{key}.servers"),
                    format!(
                        "sizing for {rate:.4} rps at utilization {utilization} gives {} servers, \
                         past the limit of {}; the load keeps {} servers busy, so use a \
                         utilization of at least {:.3e}",
                        crate::limits::count(f64::from(n)),
                        crate::limits::count(crate::limits::MAX_SERVERS as f64),
                        if need < 1e4 { format!("{need:.3}") } else { crate::limits::count(need) },
                        need / crate::limits::MAX_SERVERS as f64
                    ),
                ));
                }
                (
                    n,
                    Some(Sizing {
                        basis,
                        utilization,
                        rate,
                    }),
                )
            }
        };
    let (queue_limit, timeout) = fleet_limits(a, key, ctx)?;
    let (concurrency, memory_bound) = fleet_concurrency(a, key, ctx, &instance, services)?;
    let pricing = fleet_pricing(a, key, ctx, &instance, prices)?;
    let spot = fleet_spot(
        a,
        key,
        ctx,
        &instance,
        &pricing,
        &Dist::constant(DEFAULT_BOOT_TIME),
    )?;
    Ok(FleetSpec {
        servers,
        sizing,
        instance,
        pricing,
        spot,
        queue_limit,
        timeout,
        concurrency,
        memory_bound,
    })
}

/// The most requests a server may work on at once: far past any real
/// server's threads, and what keeps a server's heap of jobs small.
pub const MAX_CONCURRENCY: i64 = 100_000;

/// `concurrency`: requests a server of a fleet works on at once; the
/// instance's vCPUs when not given; no more than the memory of the
/// instance holds for `services` (those that run on it), when they say
/// what they take. Returns it, and what was asked when memory binds.
pub(crate) fn fleet_concurrency(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    instance: &Instance,
    services: &[Service],
) -> Result<(u32, Option<u32>), ScenarioError> {
    let asked = match &a.concurrency {
        None => instance.vcpus,
        Some(c) if (1..=MAX_CONCURRENCY).contains(c.get_ref()) => *c.get_ref() as u32,
        Some(c) => {
            return Err(ctx.at(
                Some(c.span()),
                &format!("{key}.concurrency"),
                format!(
                    "expected the requests a server works on at once, between 1 and {MAX_CONCURRENCY}, found {}",
                    c.get_ref()
                ),
            ));
        }
    };
    match places_in_memory(instance.memory_mb, services) {
        Some(Ok(fit)) if fit < u64::from(asked) => Ok((fit as u32, Some(asked))),
        Some(Err(why)) => Err(ctx.at(
            a.instance.as_ref().map(|i| i.span()),
            &format!("{key}.instance"),
            match instance.name.as_str() {
                "custom" => why,
                name => format!("{why} ({name})"),
            },
        )),
        _ => Ok((asked, None)),
    }
}

/// The `instance` of a fleet or autoscaled architecture.
pub(crate) fn fleet_instance(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    prices: &Prices,
) -> Result<Instance, ScenarioError> {
    let ikey = format!("{key}.instance");
    let written = a.instance.as_ref().ok_or_else(|| {
        ctx.at(
            Some(a.kind.span()),
            &ikey,
            "a fleet needs `instance`: a type name such as \"m5.large\" or { vcpus = 2, memory = \"8GB\", price_per_hour = 0.096 }",
        )
    })?;
    let mut instance = written
        .get_ref()
        .resolve(prices)
        .map_err(|m| ctx.at(Some(written.span()), &ikey, m))?;
    // The architecture's `speed` wins over the instance's own.
    if let Some(s) = &a.speed {
        instance.speed = crate::pricing::entries::check_speed(*s.get_ref())
            .map_err(|m| ctx.at(Some(s.span()), &format!("{key}.speed"), m))?;
    }
    Ok(instance)
}

/// How long a fixed fleet's replacement for an interrupted spot server
/// takes to boot, unless `spot.boot_time` says: an autoscaled fleet's
/// default.
const DEFAULT_BOOT_TIME: SimTime = scaling::defaults::BOOT_TIME;

/// The `market` and `spot` keys of a fleet or autoscaled architecture.
pub(crate) fn fleet_spot(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    instance: &Instance,
    pricing: &FleetPricing,
    boot_time: &Dist,
) -> Result<Option<SpotSpec>, ScenarioError> {
    if let Some(m) = a.market.as_ref().filter(|m| *m.get_ref() == Market::Spot)
        && instance.lambda_managed.is_some()
    {
        return Err(ctx.at(
            Some(m.span()),
            &format!("{key}.market"),
            "Lambda Managed Instances run on on-demand capacity (Savings Plans apply); they \
             cannot be bought on spot",
        ));
    }
    validate_spot(
        a.market.as_ref(),
        a.spot.as_ref(),
        *pricing != FleetPricing::OnDemand,
        key,
        ctx,
        instance.price_per_hour,
        boot_time,
    )
}

/// `queue_limit` and `timeout` of a fleet or autoscaled architecture.
pub(crate) fn fleet_limits(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
) -> Result<(Option<u64>, Option<SimTime>), ScenarioError> {
    let queue_limit = match &a.queue_limit {
        Some(q) if *q.get_ref() < 0 => {
            return Err(ctx.at(
                Some(q.span()),
                &format!("{key}.queue_limit"),
                format!("expected a queue limit >= 0, found {}", q.get_ref()),
            ));
        }
        Some(q) => Some(*q.get_ref() as u64),
        None => None,
    };
    let timeout = match &a.timeout {
        Some(t) if t.get_ref().0 == SimTime::ZERO => {
            return Err(ctx.at(
                Some(t.span()),
                &format!("{key}.timeout"),
                "expected a timeout > 0",
            ));
        }
        Some(t) => Some(t.get_ref().0),
        None => None,
    };
    Ok((queue_limit, timeout))
}

/// The smallest N with rate × mean_work / (N × vcpus) ≤ utilization (at least 1).
pub fn size_fleet(rate: f64, mean_work: f64, vcpus: u32, utilization: f64) -> u32 {
    let load = rate * mean_work / (vcpus as f64 * utilization);
    // Guard against 6.0000000001 becoming 7 through float noise.
    let n = (load - 1e-9).ceil();
    n.clamp(1.0, u32::MAX as f64) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizing_takes_the_smallest_fleet_under_the_target() {
        // 180 rps × 50 ms = 9 busy vCPUs; at 60 % on 2-vCPU servers: 7.5 → 8.
        assert_eq!(size_fleet(180.0, 0.05, 2, 0.6), 8);
        // Exactly on the boundary stays there.
        assert_eq!(size_fleet(120.0, 0.05, 1, 1.0), 6);
        assert_eq!(size_fleet(0.0, 0.05, 1, 0.5), 1);
    }
}
