//! The fixed fleet's models: on-demand or committed servers up for the
//! whole run, one job per slot ([`fixed`]), or on per-server records
//! ([`spot`]): spot servers interrupted and replaced, or servers whose jobs
//! share their CPUs or wait on I/O.

pub mod fixed;
pub mod spot;

use crate::architectures::{Outcome, Simulate, simulate};
use crate::engine::Queues;
use crate::kinds::servers::spec::FleetSpec;
use crate::scenario::Scenario;

impl Simulate for FleetSpec {
    fn simulate(&self, scenario: &Scenario, replication: u32, queues: Queues) -> (Outcome, u64) {
        // On spot it runs on per-server records: interruptions must know
        // which jobs they lose; so it does when a server's CPUs are shared.
        if self.spot.is_some() || self.steps(&scenario.services) {
            simulate(&spot::PooledFleet(self), scenario, replication, queues)
        } else {
            simulate(self, scenario, replication, queues)
        }
    }
}
