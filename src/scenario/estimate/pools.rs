//! How many servers or serverless instances one architecture may hold at
//! once, and the key that drives it: their records are memory a run
//! holds, like its time series and its queue.
//!
//! A fixed fleet holds no record per server (only the number of its
//! slots), so only autoscaled groups (at their `max`), fleets on spot
//! and serverless functions count. A spot server's record outlives it
//! (records are never reused: events name servers by index), so a spot
//! fleet holds its servers plus one record per replacement: twice the
//! expected number of interruptions (servers × duration / mean time
//! between interruptions) plus the listed ones. A function holds its provisioned instances from the
//! start, and about as many on-demand instances as its peak rate keeps
//! busy (an idle one is reused before a new one starts): the peak rate ×
//! (busy time + cold start) by Little's law, doubled for fluctuations,
//! within its concurrency cap and the account's `concurrency_limit`.

use crate::kinds::microservices::spec::ServiceFleet;
use crate::kinds::serverless::spec::{FunctionSpec, ServerlessSpec};
use crate::kinds::servers::spec::FleetSpec;
use crate::pricing::catalog::lambda_defaults::MB_PER_VCPU;
use crate::scenario::{ArchitectureSpec, Scenario};

/// One server of an autoscaled pool: its record, its index among the
/// available servers and its boot timer in the event queue.
pub(super) const SERVER_BYTES: f64 = 64.0;
/// One serverless instance: its record, its idle-list and heap entries and
/// its expiry timer.
pub(super) const INSTANCE_BYTES: f64 = 128.0;

/// The largest pool of one architecture.
#[derive(Clone, Debug, PartialEq)]
pub struct Pool {
    /// Servers or instances it may hold at once.
    pub count: f64,
    /// `"servers"` or `"instances"`.
    pub what: &'static str,
    pub architecture: String,
    /// The key that sets the count, as an error names it.
    pub key: String,
}

impl Pool {
    pub fn bytes(&self) -> f64 {
        self.count
            * match self.what {
                "servers" => SERVER_BYTES,
                _ => INSTANCE_BYTES,
            }
    }
}

/// The architecture whose servers or instances take the most memory.
pub(super) fn largest(s: &Scenario) -> Option<Pool> {
    s.architectures
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let key = format!("architectures[{i}]");
            let spot = |fleet: &FleetSpec, servers: f64| spot_records(s, fleet, servers);
            let (count, what, key) = match &a.spec {
                ArchitectureSpec::Fleet(f) => {
                    let (count, field) = spot(f, f64::from(f.servers))?;
                    (count, "servers", format!("{key}.{field}"))
                }
                ArchitectureSpec::Autoscaled(g) => {
                    let max = f64::from(g.scaling.max);
                    match spot(&g.fleet, max) {
                        Some((count, field)) if count > 2.0 * max => {
                            (count, "servers", format!("{key}.{field}"))
                        }
                        Some((count, _)) => (count, "servers", format!("{key}.max")),
                        None => (max, "servers", format!("{key}.max")),
                    }
                }
                ArchitectureSpec::Microservices(m) => {
                    // Each pooled service: an autoscaled one's `max`, a
                    // spot one's replacements; the key names the largest.
                    let (count, top) = m
                        .fleets
                        .iter()
                        .zip(&s.services)
                        .filter_map(|(f, svc)| {
                            let base = match f {
                                ServiceFleet::Autoscaled(g) => Some(f64::from(g.scaling.max)),
                                ServiceFleet::Fixed(_) => None,
                            };
                            let fleet = f.fleet();
                            let field = match spot(fleet, base.unwrap_or(f64::from(fleet.servers)))
                            {
                                Some((n, field)) if base.is_none_or(|b| n > 2.0 * b) => {
                                    Some((n, field))
                                }
                                Some((n, _)) => Some((n, "max")),
                                None => base.map(|b| (b, "max")),
                            }?;
                            Some((field.0, field.1, &svc.name))
                        })
                        .fold((0.0, None), |(n, top), (c, field, name)| {
                            let top = match top {
                                Some((m, _, _)) if m >= c => top,
                                _ => Some((c, field, name)),
                            };
                            (n + c, top)
                        });
                    let (_, field, name) = top?;
                    (count, "servers", format!("{key}.services.{name}.{field}"))
                }
                ArchitectureSpec::Serverless(spec) => {
                    let (count, key) = instances(s, spec, &key);
                    (count, "instances", key)
                }
            };
            Some(Pool {
                count,
                what,
                architecture: a.name.clone(),
                key,
            })
        })
        .max_by(|x, y| x.bytes().total_cmp(&y.bytes()))
}

/// The server records a fleet on spot holds with `servers` up (none off
/// spot): they plus one per replacement, and the `spot` key that drives
/// them.
fn spot_records(s: &Scenario, fleet: &FleetSpec, servers: f64) -> Option<(f64, &'static str)> {
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

/// The instances a serverless architecture may hold at once, and the key
/// that bounds them.
fn instances(s: &Scenario, spec: &ServerlessSpec, key: &str) -> (f64, String) {
    let peak = s.demand.profile.peak(s.duration) * s.calls.max_tree_len().max(1) as f64;
    let busy = s.calls.mean_work(&s.services);
    let mut total = 0.0;
    let mut driver = (0.0, format!("{key}.concurrency_limit"));
    for f in &spec.functions {
        let (n, which) = function_instances(f, spec.concurrency_limit, peak, busy);
        total += n;
        if n > driver.0 {
            let own = format!("{key}.functions.{}", f.name);
            let k = match which {
                Bound::Provisioned => format!("{own}.provisioned"),
                Bound::Reserved => format!("{own}.reserved_concurrency"),
                Bound::MaxInstances => format!("{own}.max_instances"),
                Bound::Account => format!("{key}.concurrency_limit"),
                Bound::Demand => "demand".to_string(),
            };
            driver = (n, k);
        }
    }
    let limit = f64::from(spec.concurrency_limit);
    if total > limit {
        return (limit, format!("{key}.concurrency_limit"));
    }
    (total, driver.1)
}

/// What bounds a function's instances.
enum Bound {
    Provisioned,
    Reserved,
    MaxInstances,
    Account,
    Demand,
}

/// One function's instances at most, and what bounds them: `provisioned`,
/// its concurrency cap, or the demand over its keep-alive.
fn function_instances(f: &FunctionSpec, limit: u32, peak_rps: f64, busy_s: f64) -> (f64, Bound) {
    // Work is CPU time at one vCPU; below 1769 MB a function gets less.
    let slower = (MB_PER_VCPU / f.memory_mb).max(1.0);
    let busy = busy_s * slower + f.cold_start.mean();
    let on_demand = 2.0 * peak_rps * busy / f64::from(f.instance_concurrency.max(1));
    let provisioned = f64::from(f.provisioned);
    let (cap, cap_key) = match f.reserved_concurrency {
        Some(r) => (f64::from(r), Bound::Reserved),
        None => (f64::from(limit), Bound::Account),
    };
    let (cap, cap_key) = match f.max_instances {
        Some(m) if f64::from(m) < cap => (f64::from(m), Bound::MaxInstances),
        _ => (cap, cap_key),
    };
    let wanted = provisioned + on_demand;
    if wanted > cap {
        (cap, cap_key)
    } else if provisioned >= on_demand {
        (wanted, Bound::Provisioned)
    } else {
        (wanted, Bound::Demand)
    }
}
