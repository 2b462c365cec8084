//! An autoscaled fleet (`kind = "autoscaled"`): its jobs run on the
//! servers of a [`Pool`], which its policy resizes on events of its own
//! (evaluations, boots, scheduled minimums). A job holds one server's slot,
//! so the fleet remembers which, to free it when the job ends or its
//! request is abandoned.

use super::{Event, FleetModel, Servers};
use crate::architectures::autoscale::{Launches, Pool};
use crate::architectures::records::Blocks;
use crate::architectures::{
    Kind, Outcome, add_burst_surplus, add_lambda_managed, fleet_cost, fleet_prices,
};
use crate::engine::Scheduler;
use crate::results::cost::CostBreakdown;
use crate::results::stats::Collector;
use crate::results::summary::KindResult;
use crate::scenario::{AutoscaledSpec, Scenario};
use crate::time::SimTime;

/// No server: a job not running.
const NONE: u32 = u32::MAX;

/// The events of an autoscaled fleet's pool.
#[derive(Clone, Copy, Debug)]
pub enum PoolEvent {
    /// The policy reads its metric.
    Evaluate,
    /// A launched server starts serving.
    BootDone { server: u32 },
    /// A scheduled minimum of the day applies (each recurs daily).
    Scheduled,
}

/// The servers of an autoscaled fleet.
pub struct Autoscaled {
    pool: Pool,
    /// Per request, laid out like the fleet's works, the server each
    /// running job holds (NONE if none), so that a timeout can free them.
    job_servers: Blocks<u32>,
}

impl Autoscaled {
    /// Boot timers for what the pool launched, and the levels it changed.
    fn changed(
        &mut self,
        launches: Launches,
        stats: &mut Collector,
        sched: &mut Scheduler<Event<PoolEvent>>,
    ) {
        for (server, at) in launches.booted_at {
            sched.schedule(at, Event::Servers(PoolEvent::BootDone { server }));
        }
        self.update_levels(stats);
    }
}

impl Servers for Autoscaled {
    type Event = PoolEvent;

    #[inline]
    fn has_free_slot(&self, _busy: u64) -> bool {
        self.pool.has_free_slot()
    }

    #[inline]
    fn on_arrival(&mut self) {
        self.pool.on_arrival();
    }

    #[inline]
    fn admit(&mut self, req: u32) {
        // A new id's block starts empty; a reused one was emptied when its
        // jobs released their servers.
        self.job_servers.block_mut(req);
    }

    #[inline]
    fn take_slot(&mut self, req: u32, slot: u32, now: SimTime) {
        self.job_servers
            .set(req, slot as usize, self.pool.take_slot(now));
    }

    #[inline]
    fn release_slot(&mut self, req: u32, slot: u32, now: SimTime) {
        self.pool
            .release_slot(self.job_servers.get(req, slot as usize), now);
        self.job_servers.set(req, slot as usize, NONE);
    }

    fn release_request(&mut self, req: u32, now: SimTime) {
        for held in self.job_servers.block_mut(req) {
            if *held != NONE {
                self.pool.release_slot(*held, now);
                *held = NONE;
            }
        }
    }

    #[inline]
    fn update_levels(&mut self, stats: &mut Collector) {
        stats.set_servers(self.pool.launched());
        stats.set_booting_draining(self.pool.booting(), self.pool.draining());
    }

    fn start(&self, sched: &mut Scheduler<Event<PoolEvent>>) {
        sched.schedule(self.pool.evaluation(), Event::Servers(PoolEvent::Evaluate));
        for &(at, _) in self.pool.scheduled() {
            sched.schedule(at, Event::Servers(PoolEvent::Scheduled));
        }
    }

    fn handle(
        &mut self,
        event: PoolEvent,
        stats: &mut Collector,
        sched: &mut Scheduler<Event<PoolEvent>>,
    ) {
        let now = sched.now();
        let launches = match event {
            PoolEvent::Evaluate => {
                let launches = self.pool.evaluate(now, stats.areas());
                let next = now + self.pool.evaluation();
                sched.schedule(next, Event::Servers(PoolEvent::Evaluate));
                launches
            }
            PoolEvent::BootDone { server } => {
                self.pool.boot_done(server, now);
                Launches::default()
            }
            PoolEvent::Scheduled => {
                let launches = self.pool.enforce_minimum(now);
                let tomorrow = now + SimTime::from_secs(86_400);
                sched.schedule(tomorrow, Event::Servers(PoolEvent::Scheduled));
                launches
            }
        };
        self.changed(launches, stats, sched);
    }
}

impl Kind for AutoscaledSpec {
    type Model = FleetModel<Autoscaled>;

    fn build(&self, scenario: &Scenario, replication: u32) -> FleetModel<Autoscaled> {
        let inst = &self.fleet.instance;
        FleetModel::new(scenario, &self.fleet, replication, |per_request| {
            let mut pool = Pool::new(
                &self.scaling,
                inst.vcpus,
                inst.price_per_hour,
                scenario.warmup,
                scenario.seed,
                replication,
            );
            pool.start(self.fleet.servers);
            Autoscaled {
                pool,
                job_servers: Blocks::filled(per_request, NONE),
            }
        })
    }

    fn finish(&self, scenario: &Scenario, model: FleetModel<Autoscaled>) -> Outcome {
        let (stats, mut servers) = model.finish(scenario.duration);
        let pool = servers.pool.finish(scenario.duration);
        let inst = &self.fleet.instance;
        let working_slots = pool.working_mean * inst.vcpus as f64;
        let busy = stats.mean_level(stats.measured_areas.busy);
        let utilization = if working_slots > 0.0 {
            busy / working_slots
        } else {
            0.0
        };
        let mut cost = CostBreakdown::fleet(
            fleet_cost(&self.fleet, &pool.seconds_at, pool.server_seconds),
            utilization * pool.working_mean / pool.servers.mean.max(1e-12),
        );
        let mut prices = fleet_prices(&self.fleet);
        // Booting servers earn credits too: every billed server-second
        // counts towards the baseline.
        let measured = stats.measured_time.as_secs_f64();
        add_burst_surplus(
            inst,
            busy * measured,
            pool.server_seconds,
            &mut cost,
            &mut prices,
        );
        let counts = &stats.counts;
        add_lambda_managed(inst, pool.server_seconds, counts, &mut cost, &mut prices);
        Outcome {
            stats,
            servers: pool.servers.peak as u32,
            instance: inst.name.clone(),
            utilization,
            cost,
            prices,
            details: KindResult::Autoscaled(pool.result()),
        }
    }
}
