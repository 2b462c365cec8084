//! A fixed fleet's share of the run estimate: its queue, and its server
//! records when it runs on spot.

use crate::kinds::servers::estimate::{backlog, spot_records, stepping_works};
use crate::kinds::servers::spec::FleetSpec;
use crate::scenario::Scenario;
use crate::scenario::estimate::Estimated;

impl Estimated for FleetSpec {
    fn pool(&self, s: &Scenario, key: &str) -> Option<(f64, &'static str, String)> {
        let (count, field) = spot_records(s, self, f64::from(self.servers))?;
        Some((count, "servers", format!("{key}.{field}")))
    }

    fn works_per_invocation(&self, s: &Scenario) -> f64 {
        stepping_works(self, s)
    }

    fn backlog(&self, s: &Scenario, mean_work: f64) -> Option<f64> {
        Some(backlog(
            self,
            self.servers,
            &s.demand.profile,
            s.duration,
            mean_work,
        ))
    }
}
