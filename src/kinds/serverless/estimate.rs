//! A serverless architecture's share of the run estimate: the instances
//! its functions may hold at once, and the key that bounds them. Its
//! queues are not estimated (README, Limits).

use crate::kinds::serverless::spec::{FunctionSpec, ServerlessSpec};
use crate::pricing::catalog::lambda_defaults::MB_PER_VCPU;
use crate::scenario::Scenario;
use crate::scenario::estimate::Estimated;

impl Estimated for ServerlessSpec {
    fn pool(&self, s: &Scenario, key: &str) -> Option<(f64, &'static str, String)> {
        let (count, key) = instances(s, self, key);
        Some((count, "instances", key))
    }

    fn works_per_invocation(&self, _s: &Scenario) -> f64 {
        let shared = self.functions.iter().any(|f| f.shared_vcpus().is_some());
        if shared {
            crate::scenario::estimate::STEPPING_WORKS
        } else {
            1.0
        }
    }
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
