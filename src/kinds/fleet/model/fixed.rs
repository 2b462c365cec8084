//! A fixed fleet (`kind = "fleet"`): N servers up for the whole run, so a
//! job needs only a free slot among them, and nothing changes the fleet
//! while it runs.

use crate::architectures::{Kind, Outcome};
use crate::engine::Scheduler;
use crate::kinds::servers::bill::{
    add_burst_surplus, add_lambda_managed, fleet_cost, fleet_prices,
};
use crate::kinds::servers::model::{Event, FleetModel, Servers};
use crate::kinds::servers::spec::FleetSpec;
use crate::pricing::commitment::constant_level;
use crate::pricing::cost::{self, CostBreakdown};
use crate::results::stats::Collector;
use crate::results::summary::KindResult;
use crate::scenario::Scenario;
use crate::time::SimTime;
use std::convert::Infallible;

/// The slots of a fixed fleet: a job runs on any free one, so only their
/// number matters.
pub struct Fixed {
    slots: u64,
}

impl Servers for Fixed {
    /// A fixed fleet has no events of its own.
    type Event = Infallible;

    #[inline]
    fn has_free_slot(&self, busy: u64) -> bool {
        busy < self.slots
    }

    #[inline]
    fn on_arrival(&mut self) {}

    #[inline]
    fn admit(&mut self, _req: u32) {}

    #[inline]
    fn take_slot(&mut self, _req: u32, _slot: u32, _now: SimTime) -> u32 {
        0
    }

    #[inline]
    fn release_slot(&mut self, _req: u32, _slot: u32, _now: SimTime) {}

    #[inline]
    fn release_request(&mut self, _req: u32, _now: SimTime) {}

    #[inline]
    fn update_levels(&mut self, _stats: &mut Collector) {}

    fn start(&mut self, _sched: &mut Scheduler<Event<Infallible>>) {}

    fn handle(
        &mut self,
        event: Infallible,
        _stats: &mut Collector,
        _sched: &mut Scheduler<Event<Infallible>>,
    ) {
        match event {}
    }
}

impl Kind for FleetSpec {
    type Model = FleetModel<Fixed>;

    fn build(&self, scenario: &Scenario, replication: u32) -> FleetModel<Fixed> {
        let slots = self.places();
        FleetModel::new(scenario, self, replication, |_| Fixed { slots })
    }

    fn finish(&self, scenario: &Scenario, model: FleetModel<Fixed>) -> Outcome {
        let (stats, _) = model.finish(scenario.duration);
        // A fixed fleet is up before the window opens and still up after it
        // closes: it is never stopped inside it, so no minimum-charge top-up.
        let per_server = cost::billed_seconds(
            SimTime::ZERO,
            SimTime::MAX,
            scenario.warmup,
            scenario.duration,
            cost::SERVER_MINIMUM,
        );
        let measured = (scenario.duration - scenario.warmup).as_secs_f64();
        let seconds_at = constant_level(u64::from(self.servers), measured);
        let total = fleet_cost(self, &seconds_at, self.servers as f64 * per_server);
        let busy = stats.mean_level(stats.measured_areas.busy);
        let utilization = busy / self.slots() as f64;
        let mut cost = CostBreakdown::fleet(total, utilization);
        let mut prices = fleet_prices(self);
        let server_seconds = self.servers as f64 * measured;
        add_burst_surplus(
            &self.instance,
            busy * measured,
            server_seconds,
            &mut cost,
            &mut prices,
        );
        let counts = &stats.counts;
        add_lambda_managed(
            &self.instance,
            server_seconds,
            counts,
            &mut cost,
            &mut prices,
        );
        Outcome {
            stats,
            servers: self.servers,
            instance: self.instance.name.clone(),
            utilization,
            cost,
            prices,
            spot: None,
            details: KindResult::Fleet(Default::default()),
        }
    }
}
