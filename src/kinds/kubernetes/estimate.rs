//! A Kubernetes architecture's share of the run estimate: the records of
//! its pods (every deployment's `max`) and nodes (every pool's `max`), the
//! key naming the largest. Its queues are not estimated (README, Limits).

use crate::kinds::kubernetes::spec::KubernetesSpec;
use crate::scenario::Scenario;
use crate::scenario::estimate::Estimated;

impl Estimated for KubernetesSpec {
    fn pool(&self, s: &Scenario, key: &str) -> Option<(f64, &'static str, String)> {
        let mut total = 0.0;
        let mut top: Option<(f64, String)> = None;
        for (f, svc) in self.deployments.fleets.iter().zip(&s.services) {
            let n = match f {
                crate::kinds::microservices::spec::ServiceFleet::Autoscaled(x) => {
                    f64::from(x.scaling.max)
                }
                crate::kinds::microservices::spec::ServiceFleet::Fixed(f) => f64::from(f.servers),
            };
            total += n;
            if top.as_ref().is_none_or(|(m, _)| n > *m) {
                top = Some((n, format!("{key}.services.{}.max", svc.name)));
            }
        }
        for (i, p) in self.cluster.node_pools.iter().enumerate() {
            let n = f64::from(p.max);
            total += n;
            if top.as_ref().is_none_or(|(m, _)| n > *m) {
                top = Some((n, format!("{key}.cluster.node_pools[{i}].max")));
            }
        }
        let (_, field) = top?;
        Some((total, "servers", field))
    }

    fn works_per_invocation(&self, s: &Scenario) -> f64 {
        self.deployments.works_per_invocation(s)
    }
}
