//! A microservices architecture's share of the run estimate: the server
//! records of its pooled services (an autoscaled one's `max`, a spot
//! one's replacements), the key naming the largest. Its queues are not
//! estimated (README, Limits).

use crate::kinds::microservices::spec::{MicroservicesSpec, ServiceFleet};
use crate::kinds::servers::estimate::spot_records;
use crate::scenario::Scenario;
use crate::scenario::estimate::Estimated;

impl Estimated for MicroservicesSpec {
    fn pool(&self, s: &Scenario, key: &str) -> Option<(f64, &'static str, String)> {
        let (count, top) = self
            .fleets
            .iter()
            .zip(&s.services)
            .filter_map(|(f, svc)| {
                let base = match f {
                    ServiceFleet::Autoscaled(g) => Some(f64::from(g.scaling.max)),
                    ServiceFleet::Fixed(_) => None,
                };
                let fleet = f.fleet();
                let field = match spot_records(s, fleet, base.unwrap_or(f64::from(fleet.servers))) {
                    Some((n, field)) if base.is_none_or(|b| n > 2.0 * b) => Some((n, field)),
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
        Some((count, "servers", format!("{key}.services.{name}.{field}")))
    }

    /// Services whose servers share their CPUs step through them.
    fn works_per_invocation(&self, _s: &Scenario) -> f64 {
        if self.fleets.iter().any(|f| f.fleet().shares_cpu()) {
            crate::scenario::estimate::STEPPING_WORKS
        } else {
            1.0
        }
    }
}
