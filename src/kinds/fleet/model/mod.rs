//! The fixed fleet's models: on-demand or committed servers up for the
//! whole run ([`fixed`]), or spot servers interrupted and replaced
//! ([`spot`]).

pub mod fixed;
pub mod spot;

use crate::architectures::{Outcome, Simulate, simulate};
use crate::engine::Queues;
use crate::kinds::servers::spec::FleetSpec;
use crate::scenario::Scenario;

impl Simulate for FleetSpec {
    fn simulate(&self, scenario: &Scenario, replication: u32, queues: Queues) -> (Outcome, u64) {
        // On spot it runs on per-server records: interruptions must know
        // which jobs they lose.
        if self.spot.is_some() {
            simulate(&spot::SpotFleet(self), scenario, replication, queues)
        } else {
            simulate(self, scenario, replication, queues)
        }
    }
}
