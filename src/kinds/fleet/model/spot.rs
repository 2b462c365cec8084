//! A fixed fleet on spot capacity (`kind = "fleet"` with `market =
//! "spot"`): N servers, each interrupted as the scenario says and replaced
//! after its boot time. Unlike an on-demand fixed fleet, a job must know
//! which server it runs on (an interruption fails the requests whose work
//! it loses), so it runs on the per-server [`Autoscaled`] servers, with a
//! pool that no policy resizes.

use crate::architectures::{Kind, Outcome};
use crate::kinds::autoscaled::model::Autoscaled;
use crate::kinds::autoscaled::model::{pool_outcome, spot_stream};
use crate::kinds::servers::model::FleetModel;
use crate::kinds::servers::model::autoscale::Pool;
use crate::kinds::servers::spec::FleetSpec;
use crate::results::summary::KindResult;
use crate::scenario::Scenario;

/// A fixed fleet whose `spot` is set.
pub struct SpotFleet<'a>(pub &'a FleetSpec);

impl Kind for SpotFleet<'_> {
    type Model = FleetModel<Autoscaled>;

    fn build(&self, scenario: &Scenario, replication: u32) -> FleetModel<Autoscaled> {
        let fleet = self.0;
        let spot = fleet.spot.as_ref().expect("a spot fleet");
        FleetModel::new(scenario, fleet, replication, |per_request| {
            let pool = Pool::fixed(
                fleet.instance.vcpus,
                fleet.instance.price_per_hour,
                scenario.warmup,
                scenario.seed,
                replication,
            )
            .with_spot(spot, spot_stream(scenario, replication));
            Autoscaled::new(pool, fleet.servers, fleet, per_request)
        })
    }

    fn finish(&self, scenario: &Scenario, model: FleetModel<Autoscaled>) -> Outcome {
        pool_outcome(self.0, scenario, model, |_| {
            (self.0.servers, KindResult::Fleet(Default::default()))
        })
    }
}
