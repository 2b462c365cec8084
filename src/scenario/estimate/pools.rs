//! How many servers or serverless instances one architecture may hold at
//! once, and the key that drives it: their records are memory a run
//! holds, like its time series and its queue.
//!
//! A fixed fleet holds no record per server (only the number of its
//! slots), so only autoscaled groups (at their `max`) and serverless
//! functions count. A function holds its provisioned instances from the
//! start, and about as many on-demand instances as its peak rate keeps
//! busy (an idle one is reused before a new one starts): the peak rate ×
//! (busy time + cold start) by Little's law, doubled for fluctuations,
//! within its concurrency cap and the account's `concurrency_limit`.

use crate::scenario::catalog::lambda_defaults::MB_PER_VCPU;
use crate::scenario::{ArchitectureSpec, FunctionSpec, Scenario, ServerlessSpec, ServiceFleet};

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
            let (count, what, key) = match &a.spec {
                ArchitectureSpec::Fleet(_) => return None,
                ArchitectureSpec::Autoscaled(g) => {
                    (f64::from(g.scaling.max), "servers", format!("{key}.max"))
                }
                ArchitectureSpec::Microservices(m) => {
                    let (count, name) = m
                        .fleets
                        .iter()
                        .zip(&s.services)
                        .filter_map(|(f, svc)| match f {
                            ServiceFleet::Autoscaled(g) => Some((g.scaling.max, &svc.name)),
                            ServiceFleet::Fixed(_) => None,
                        })
                        .fold((0.0, None), |(n, top), (max, name)| {
                            let top = match top {
                                Some((m, _)) if m >= max => top,
                                _ => Some((max, name)),
                            };
                            (n + f64::from(max), top)
                        });
                    let (_, name) = name?;
                    (count, "servers", format!("{key}.services.{name}.max"))
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
