//! An autoscaled fleet (`kind = "autoscaled"`): its jobs run on the
//! servers of a [`Pool`], which its policy resizes on events of its own
//! (evaluations, boots, scheduled minimums) and, on spot, interruptions
//! change. A job holds one server's slot, so the fleet remembers which, to
//! free it when the job ends or its request is abandoned, and to find the
//! requests an interrupted server's lost work fails. A fixed fleet on spot
//! runs on the same servers, with a pool no policy resizes
//! ([`super::spot`]).

use crate::architectures::records::Blocks;
use crate::architectures::{Kind, Outcome};
use crate::architectures::{Simulate, simulate};
use crate::engine::Queues;
use crate::engine::Scheduler;
use crate::kinds::autoscaled::spec::AutoscaledSpec;
use crate::kinds::servers::bill::{
    add_burst_surplus, add_lambda_managed, fleet_cost, fleet_prices,
};
use crate::kinds::servers::model::autoscale::{Interruption, Launches, Pool, PoolSummary};
use crate::kinds::servers::model::{Event, FleetModel, Servers, sharing};
use crate::kinds::servers::spec::FleetSpec;
use crate::pricing::cost::CostBreakdown;
use crate::results::stats::Collector;
use crate::results::summary::KindResult;
use crate::scenario::Scenario;
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
    /// Spot: server `server`'s drawn interruption notice.
    Interrupt { server: u32 },
    /// Spot: a listed interruption time, which takes the longest-running
    /// serving server.
    InterruptOldest,
    /// Spot: the notice of interrupted server `server` ends.
    NoticeEnds { server: u32 },
}

/// The servers of an autoscaled fleet, or of a fixed fleet on spot.
pub struct Autoscaled {
    pool: Pool,
    /// Per request, laid out like the fleet's works, the server each
    /// running job holds (NONE if none), so that a timeout can free them.
    job_servers: Blocks<u32>,
    /// What [`Pool::start`] asked to schedule, until [`Servers::start`].
    initial: Launches,
    /// Spot: the listed interruption times.
    interruptions_at: Vec<SimTime>,
    /// Spot: a server whose work was just lost, for the fleet to fail.
    lost: Option<u32>,
}

impl Autoscaled {
    /// The servers `pool` puts up (started with `servers` up), for
    /// requests of up to `per_request` nodes.
    pub fn new(mut pool: Pool, servers: u32, fleet: &FleetSpec, per_request: usize) -> Self {
        let initial = pool.start(servers);
        Autoscaled {
            pool,
            job_servers: Blocks::filled(per_request, NONE),
            initial,
            interruptions_at: fleet
                .spot
                .as_ref()
                .map(|s| s.interruptions_at.clone())
                .unwrap_or_default(),
            lost: None,
        }
    }

    /// Boot and interruption timers for what the pool launched, and the
    /// levels it changed.
    fn changed(
        &mut self,
        launches: Launches,
        stats: &mut Collector,
        sched: &mut Scheduler<Event<PoolEvent>>,
    ) {
        schedule_launches(&launches, sched);
        self.update_levels(stats);
    }

    fn interrupted(&mut self, i: Interruption, sched: &mut Scheduler<Event<PoolEvent>>) {
        schedule_launches(&i.launches, sched);
        if let Some((server, at)) = i.notice_ends {
            sched.schedule(at, Event::Servers(PoolEvent::NoticeEnds { server }));
        }
        self.lost = i.lose;
    }
}

fn schedule_launches(launches: &Launches, sched: &mut Scheduler<Event<PoolEvent>>) {
    for &(server, at) in &launches.booted_at {
        sched.schedule(at, Event::Servers(PoolEvent::BootDone { server }));
    }
    for &(server, at) in &launches.interrupt_at {
        sched.schedule(at, Event::Servers(PoolEvent::Interrupt { server }));
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
    fn take_slot(&mut self, req: u32, slot: u32, now: SimTime) -> u32 {
        let server = self.pool.take_slot(now);
        self.job_servers.set(req, slot as usize, server);
        server
    }

    #[inline]
    fn cpu_changed(&mut self, server: u32, before: u32, after: u32, now: SimTime) {
        self.pool.cpu_changed(server, before, after, now);
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

    fn start(&mut self, sched: &mut Scheduler<Event<PoolEvent>>) {
        if let Some(every) = self.pool.evaluation() {
            sched.schedule(every, Event::Servers(PoolEvent::Evaluate));
        }
        for &(at, _) in self.pool.scheduled() {
            sched.schedule(at, Event::Servers(PoolEvent::Scheduled));
        }
        schedule_launches(&std::mem::take(&mut self.initial), sched);
        for &at in &self.interruptions_at {
            sched.schedule(at, Event::Servers(PoolEvent::InterruptOldest));
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
                if let Some(every) = self.pool.evaluation() {
                    sched.schedule(now + every, Event::Servers(PoolEvent::Evaluate));
                }
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
            PoolEvent::Interrupt { server } => {
                let i = self.pool.interrupt(server, now);
                self.interrupted(i, sched);
                Launches::default()
            }
            PoolEvent::InterruptOldest => {
                if let Some(server) = self.pool.oldest_up() {
                    let i = self.pool.interrupt(server, now);
                    self.interrupted(i, sched);
                }
                Launches::default()
            }
            PoolEvent::NoticeEnds { server } => {
                self.lost = self.pool.notice_ends(server);
                Launches::default()
            }
        };
        self.changed(launches, stats, sched);
    }

    #[inline]
    fn lost_server(&mut self) -> Option<u32> {
        self.lost.take()
    }

    fn holds(&self, req: u32, server: u32) -> bool {
        self.job_servers.block(req).contains(&server)
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
            if let Some(spot) = &self.fleet.spot {
                pool = pool.with_spot(spot, spot_stream(scenario, replication));
            }
            let pool = sharing(pool, scenario, &self.fleet, replication);
            Autoscaled::new(pool, self.fleet.servers, &self.fleet, per_request)
        })
    }

    fn finish(&self, scenario: &Scenario, model: FleetModel<Autoscaled>) -> Outcome {
        pool_outcome(&self.fleet, scenario, model, |pool| {
            (
                pool.servers.peak as u32,
                KindResult::Autoscaled(pool.result()),
            )
        })
    }
}

/// The stream a fleet's spot interruptions are drawn from.
pub(crate) fn spot_stream(scenario: &Scenario, replication: u32) -> crate::rng::Stream {
    crate::rng::stream(
        scenario.seed,
        replication,
        crate::rng::purpose::SPOT_INTERRUPTIONS,
    )
}

/// Closes a fleet that ran on a pool (autoscaled, or fixed on spot):
/// utilisation over the slots that could run work (serving and draining
/// servers, not booting ones), the bill of its server-seconds, and what
/// `headline` takes from the pool: the `servers` to report and the kind's
/// result.
pub(crate) fn pool_outcome(
    fleet: &FleetSpec,
    scenario: &Scenario,
    model: FleetModel<Autoscaled>,
    headline: impl FnOnce(&PoolSummary) -> (u32, KindResult),
) -> Outcome {
    let (stats, mut servers) = model.finish(scenario.duration);
    let pool = servers.pool.finish(scenario.duration);
    let spot = pool.spot;
    let inst = &fleet.instance;
    let working_slots = pool.working_mean * inst.vcpus as f64;
    let busy = stats.mean_level(stats.measured_areas.busy);
    let utilization = if working_slots > 0.0 {
        busy / working_slots
    } else {
        0.0
    };
    let mut cost = CostBreakdown::fleet(
        fleet_cost(fleet, &pool.seconds_at, pool.server_seconds),
        utilization * pool.working_mean / pool.servers.mean.max(1e-12),
    );
    let mut prices = fleet_prices(fleet);
    // Booting servers earn credits too: every billed server-second counts
    // towards the baseline.
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
    let (servers, details) = headline(&pool);
    Outcome {
        stats,
        servers,
        instance: inst.name.clone(),
        utilization,
        cost,
        prices,
        details,
        spot,
    }
}

impl Simulate for AutoscaledSpec {
    fn simulate(&self, scenario: &Scenario, replication: u32, queues: Queues) -> (Outcome, u64) {
        simulate(self, scenario, replication, queues)
    }
}
