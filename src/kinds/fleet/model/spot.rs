//! A fixed fleet on per-server records: on spot capacity (`kind = "fleet"`
//! with `market = "spot"`: N servers, each interrupted as the scenario says
//! and replaced after its boot time), or on the stepping path (servers
//! that share their CPUs among more jobs than vCPUs, or services that wait
//! on I/O). Unlike a fixed fleet on the slot path, a job must know which
//! server it runs on (an interruption fails the requests whose work it
//! loses; a CPU is shared by the jobs on its server), so it runs on the
//! per-server [`Autoscaled`] servers, with a pool that no policy resizes.

use crate::architectures::{Kind, Outcome};
use crate::kinds::autoscaled::model::Autoscaled;
use crate::kinds::autoscaled::model::{pool_outcome, spot_stream};
use crate::kinds::servers::model::autoscale::Pool;
use crate::kinds::servers::model::{FleetModel, sharing};
use crate::kinds::servers::spec::FleetSpec;
use crate::results::summary::KindResult;
use crate::scenario::Scenario;

/// A fixed fleet on spot, or on the stepping path.
pub struct PooledFleet<'a>(pub &'a FleetSpec);

impl Kind for PooledFleet<'_> {
    type Model = FleetModel<Autoscaled>;

    fn build(&self, scenario: &Scenario, replication: u32) -> FleetModel<Autoscaled> {
        let fleet = self.0;
        FleetModel::new(scenario, fleet, replication, |per_request| {
            let mut pool = Pool::fixed(
                fleet.instance.vcpus,
                fleet.instance.price_per_hour,
                scenario.warmup,
                scenario.seed,
                replication,
            );
            if let Some(spot) = &fleet.spot {
                pool = pool.with_spot(spot, spot_stream(scenario, replication));
            }
            let pool = sharing(pool, scenario, fleet, replication);
            Autoscaled::new(pool, fleet.servers, fleet, per_request)
        })
    }

    fn finish(&self, scenario: &Scenario, model: FleetModel<Autoscaled>) -> Outcome {
        pool_outcome(self.0, scenario, model, |_| {
            (self.0.servers, KindResult::Fleet(Default::default()))
        })
    }
}
