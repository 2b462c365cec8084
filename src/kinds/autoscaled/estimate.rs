//! An autoscaled fleet's share of the run estimate: its queue at `max`
//! servers, and its server records (at `max`, or its spot replacements).

use crate::kinds::autoscaled::spec::AutoscaledSpec;
use crate::kinds::servers::estimate::{backlog, spot_records, stepping_works};
use crate::scenario::Scenario;
use crate::scenario::estimate::Estimated;

impl Estimated for AutoscaledSpec {
    fn pool(&self, s: &Scenario, key: &str) -> Option<(f64, &'static str, String)> {
        let max = f64::from(self.scaling.max);
        Some(match spot_records(s, &self.fleet, max) {
            Some((count, field)) if count > 2.0 * max => {
                (count, "servers", format!("{key}.{field}"))
            }
            Some((count, _)) => (count, "servers", format!("{key}.max")),
            None => (max, "servers", format!("{key}.max")),
        })
    }

    fn works_per_invocation(&self, s: &Scenario) -> f64 {
        stepping_works(&self.fleet, s)
    }

    fn backlog(&self, s: &Scenario, mean_work: f64) -> Option<f64> {
        Some(backlog(
            &self.fleet,
            self.scaling.max,
            &s.demand.profile,
            s.duration,
            mean_work,
        ))
    }
}
