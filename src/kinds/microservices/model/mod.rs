//! Microservices: every service on a fleet of its own (fixed or
//! autoscaled), each with its own FCFS queue.
//!
//! # Rules
//! - An invocation of a service waits in that service's queue for a free
//!   slot (or is rejected when the queue is at `queue_limit`, which fails
//!   its request), runs its work, then makes its calls in order.
//! - A `sync` call holds the caller's slot while the callee's fleet queues
//!   and serves it (and the callee's own sync calls): the bakery's point —
//!   more bakers do not help without more ovens. An `async` call queues the
//!   callee and returns at once.
//! - A service's `wait` on I/O follows its work on the same slot, and is
//!   held like a sync call. A service's servers take `concurrency`
//!   invocations at once. At or below one per vCPU each runs its work on
//!   a vCPU of its own, and its wait and sync calls count in the
//!   service's busy level (and its CPU metric), as the slot is held.
//!   Above it (`sharing`) the work of the invocations on a server shares
//!   its vCPUs (processor sharing, `crate::architectures::sharing`), an
//!   invocation waiting on I/O or on a callee uses none, each goes to the
//!   less loaded of two servers with a free place, and the busy level and
//!   CPU metric are busy vCPUs.
//! - `hop_latency` is added to every service-to-service call.
//! - Each autoscaled service fleet runs its own policy on its own metric.
//! - A service on spot (fixed or autoscaled) runs on a pool of its own
//!   (see `autoscale`): an interruption drains the server and launches a
//!   replacement; work it loses fails its request (counted as
//!   interrupted) and frees its slot at once, unlike a timeout's, and a
//!   sync caller waiting on it is released then; the lost invocation's
//!   own sync callees still run, and end unanswered.
//! - With a `timeout`, a request not finished that long after its arrival
//!   fails as timed out: nothing more of it is called, invocations in
//!   transit are dropped and queued ones when their turn comes (they hold
//!   their place in the queue until then), but work already running finishes
//!   on its slot (services rarely cancel work when a client gives up), and
//!   a sync caller waiting on it is released when it does.
//!
//! The model runs here; closing a run into per-service results and the
//! kind's outcome is in `outcome`, and spot interruptions in `spot`. The
//! model stays one file of a little over 500 lines so that every event's
//! handling reads in one place.

use crate::architectures::calls::{CallStepper, Invocation, NIL, Released};
use crate::architectures::requests::Upcoming;
use crate::architectures::sharing::Cpus;
use crate::engine::{Model, Scheduler};
use crate::kinds::microservices::spec::{MicroservicesSpec, ServiceFleet as Fleets};
use crate::kinds::servers::model::autoscale::{Integral, Interruption, Launches, Pool};
use crate::results::stats::{Areas, Collector, Level};
use crate::scenario::{CallMode, Scenario};
use crate::time::SimTime;
use std::collections::VecDeque;

mod outcome;
mod placement;
mod spot;

use crate::architectures::{Outcome, Simulate, simulate};
use crate::engine::Queues;
pub use outcome::ServiceRun;
pub use placement::{OwnMachines, Placement};

#[derive(Clone, Copy, Debug)]
pub enum Event {
    Arrival,
    /// An invocation reaches its service (after the hop).
    Invoke {
        inv: u32,
    },
    /// An invocation's own work is done.
    WorkDone {
        inv: u32,
    },
    /// On a service whose servers' CPUs are shared: the next invocation
    /// on server `server`'s CPU finishes its work, if nothing changed
    /// there since (`generation`).
    Cpu {
        svc: u32,
        server: u32,
        generation: u32,
    },
    /// The policy of autoscaler `pool` (an index into the model's
    /// `pools`) reads its metric.
    Evaluate {
        pool: u32,
    },
    /// A server that autoscaler `pool` launched starts serving.
    BootDone {
        pool: u32,
        server: u32,
    },
    /// A scheduled minimum of autoscaler `pool` applies.
    Scheduled {
        pool: u32,
    },
    /// Spot: server `server` of `pool` gets its drawn interruption notice.
    Interrupt {
        pool: u32,
        server: u32,
    },
    /// Spot: a listed interruption time of `pool`.
    InterruptOldest {
        pool: u32,
    },
    /// Spot: the notice of interrupted server `server` of `pool` ends.
    NoticeEnds {
        pool: u32,
        server: u32,
    },
    /// The request's timeout, if it is still running (`epoch`: the
    /// request's generation in its slab when the timer was set).
    Timeout {
        req: u32,
        epoch: u32,
    },
    /// An event of the model's [`Placement`] (a cluster's scan, a node
    /// ready).
    Placement {
        id: u32,
    },
}

/// What a service's fleet runs on.
#[derive(Clone, Copy, Debug)]
enum Capacity {
    /// A fixed number of servers of `slots` slots in all.
    Fixed { servers: u64, slots: u64 },
    /// The servers of the model's `pools[i]`: autoscaled, or on spot.
    Pooled(usize),
}

/// The holder of an invocation whose server's work was lost: it no longer
/// holds a slot.
const LOST: u32 = NIL - 1;

/// A pooled service's servers (and policy, if autoscaled), and the
/// service they serve.
struct ServicePool {
    svc: usize,
    pool: Pool,
    /// A fixed service on spot: its configured number of servers.
    fixed: Option<u64>,
    /// What [`Pool::start`] asked to schedule, until the run starts.
    initial: Launches,
    /// Spot: the listed interruption times.
    interruptions_at: Vec<SimTime>,
    /// Servers up at the start.
    initial_servers: u32,
}

/// One service's fleet.
struct ServiceFleet {
    capacity: Capacity,
    busy: u64,
    queue: VecDeque<u32>,
    queue_limit: Option<u64>,
    price_per_hour: f64,
    vcpus: u32,
    /// The speed of its servers' vCPUs, which divides the work.
    speed: f64,
    busy_area: Integral,
    queue_area: Integral,
    /// The same levels over the measured period, for the summary.
    busy_level: Level,
    queue_level: Level,
    /// Its servers' CPUs when invocations share them (`concurrency` above
    /// the vCPUs), with the invocations on them; None otherwise.
    cpus: Option<Box<Cpus<u32>>>,
}

impl ServiceFleet {
    #[inline]
    fn has_free_slot(&self, pools: &[ServicePool]) -> bool {
        match self.capacity {
            Capacity::Fixed { slots, .. } => self.busy < slots,
            Capacity::Pooled(i) => pools[i].pool.has_free_slot(),
        }
    }

    fn launched(&self, pools: &[ServicePool]) -> u64 {
        match self.capacity {
            Capacity::Fixed { servers, .. } => servers,
            Capacity::Pooled(i) => pools[i].pool.launched(),
        }
    }

    fn areas(&mut self, now: SimTime) -> Areas {
        self.busy_area.set(now, self.busy);
        self.queue_area.set(now, self.queue.len() as u64);
        Areas {
            busy: self.busy_area.area,
            queue: self.queue_area.area,
            ..Areas::default()
        }
    }
}

/// USD per second of every launched server, for the running cost.
fn spend_rate(fleets: &[ServiceFleet], pools: &[ServicePool]) -> f64 {
    fleets
        .iter()
        .map(|f| f.launched(pools) as f64 * f.price_per_hour / 3600.0)
        .sum()
}

/// Launched servers of every service.
fn launched(fleets: &[ServiceFleet], pools: &[ServicePool]) -> u64 {
    fleets.iter().map(|f| f.launched(pools)).sum()
}

pub struct MicroservicesModel<P: Placement = OwnMachines> {
    /// Where pooled services' servers run (see [`Placement`]).
    placement: P,
    /// Scratch lists, kept to spare an allocation per use.
    stopped: Vec<u32>,
    evicted: Vec<(u32, u32)>,
    upcoming: Upcoming,
    warmup: SimTime,
    timeout: Option<SimTime>,
    calls: CallStepper,
    fleets: Vec<ServiceFleet>,
    /// The autoscaled services' pools, in service order.
    pools: Vec<ServicePool>,
    in_system: u64,
    busy: u64,
    queued: u64,
    pub stats: Collector,
}

impl MicroservicesModel {
    pub fn new(scenario: &Scenario, spec: &MicroservicesSpec, replication: u32) -> Self {
        MicroservicesModel::placed(scenario, spec, replication, OwnMachines)
    }
}

impl<P: Placement> MicroservicesModel<P> {
    /// The model with its pooled services' servers placed by `placement`;
    /// with a placement that places ([`Placement::PLACES`]) every service
    /// is pooled, so that each server is one the placement sees.
    pub fn placed(
        scenario: &Scenario,
        spec: &MicroservicesSpec,
        replication: u32,
        placement: P,
    ) -> Self {
        let upcoming = Upcoming::new(scenario, replication);
        let mut pools = Vec::new();
        let fleets: Vec<ServiceFleet> = spec
            .fleets
            .iter()
            .enumerate()
            .map(|(svc, spec)| {
                let f = spec.fleet();
                let capacity = match spec {
                    Fleets::Fixed(_) if f.spot.is_none() && !f.shares_cpu() && !P::PLACES => {
                        Capacity::Fixed {
                            servers: f.servers as u64,
                            slots: f.places(),
                        }
                    }
                    _ => {
                        let (vcpus, price) = (f.instance.vcpus, f.instance.price_per_hour);
                        let (seed, warmup) = (scenario.seed, scenario.warmup);
                        let mut pool = match spec {
                            Fleets::Autoscaled(x) => {
                                Pool::new(&x.scaling, vcpus, price, warmup, seed, replication)
                            }
                            Fleets::Fixed(_) => {
                                Pool::fixed(vcpus, price, warmup, seed, replication)
                            }
                        };
                        if let Some(spot) = &f.spot {
                            // Each service its own stream: services on spot
                            // are not interrupted in step.
                            let purpose =
                                format!("{}/{svc}", crate::rng::purpose::SPOT_INTERRUPTIONS);
                            let stream = crate::rng::stream(seed, replication, &purpose);
                            pool = pool.with_spot(spot, stream);
                        }
                        let mut pool = if f.shares_cpu() {
                            let purpose = format!("{}/{svc}", crate::rng::purpose::ROUTING);
                            let routing = crate::rng::stream(seed, replication, &purpose);
                            pool.with_sharing(f.concurrency, routing)
                        } else {
                            pool.with_concurrency(f.concurrency)
                        };
                        if P::PLACES {
                            pool = pool.report_stops();
                        }
                        let initial = pool.start(f.servers);
                        pools.push(ServicePool {
                            svc,
                            pool,
                            fixed: matches!(spec, Fleets::Fixed(_)).then_some(f.servers as u64),
                            initial,
                            interruptions_at: f
                                .spot
                                .as_ref()
                                .map(|s| s.interruptions_at.clone())
                                .unwrap_or_default(),
                            initial_servers: f.servers,
                        });
                        Capacity::Pooled(pools.len() - 1)
                    }
                };
                ServiceFleet {
                    capacity,
                    busy: 0,
                    queue: VecDeque::new(),
                    queue_limit: f.queue_limit,
                    price_per_hour: f
                        .spot
                        .as_ref()
                        .map_or(f.instance.price_per_hour, |s| s.price_per_hour),
                    vcpus: f.instance.vcpus,
                    speed: f.instance.speed,
                    busy_area: Integral::default(),
                    queue_area: Integral::default(),
                    busy_level: Level::default(),
                    queue_level: Level::default(),
                    cpus: f
                        .shares_cpu()
                        .then(|| Box::new(Cpus::new(f.instance.vcpus, f.servers as usize))),
                }
            })
            .collect();
        let mut stats = Collector::new(scenario.warmup, scenario.window, 0.0);
        stats.meter_transfer(scenario.transfer_meter(replication));
        stats.set_servers(if P::PLACES {
            placement.servers()
        } else {
            launched(&fleets, &pools)
        });
        stats.set_cost_rate(spend_rate(&fleets, &pools) + placement.spend_rate());
        let hop = spec.hop_latency;
        MicroservicesModel {
            placement,
            stopped: Vec::new(),
            evicted: Vec::new(),
            calls: CallStepper::new(
                &scenario.calls,
                &upcoming,
                |_, n| n.mode == CallMode::Sync,
                |_| hop,
            ),
            upcoming,
            warmup: scenario.warmup,
            timeout: spec.timeout,
            fleets,
            pools,
            in_system: 0,
            busy: 0,
            queued: 0,
            stats,
        }
    }

    fn on_arrival(&mut self, now: SimTime, sched: &mut Scheduler<Event>) {
        self.stats.on_arrival(now);
        let (req, inv) = self.calls.admit(now, &self.upcoming);
        self.in_system += 1;
        self.stats.set_in_system(self.in_system);
        if let Some(t) = self.timeout {
            let epoch = self.calls.requests.generation(req);
            sched.schedule(now + t, Event::Timeout { req, epoch });
        }
        self.on_invoke(inv, now, sched);
        self.upcoming.stage(sched, Event::Arrival);
    }

    fn on_timeout(&mut self, req: u32, epoch: u32) {
        if !self.calls.requests.is_current(req, epoch) {
            return; // finished in time
        }
        let r = &mut self.calls.requests[req as usize];
        if r.failed {
            return;
        }
        r.failed = true;
        self.stats.on_timeout(r.arrival);
    }

    fn on_invoke(&mut self, inv: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let Invocation { req, node, .. } = self.calls.invocations[inv as usize];
        let svc = self.calls.target(node) as usize;
        if self.calls.requests[req as usize].failed {
            self.release_invocation(inv, now, sched);
            return;
        }
        if let Capacity::Pooled(i) = self.fleets[svc].capacity {
            self.pools[i].pool.on_arrival();
        }
        let f = &self.fleets[svc];
        if f.has_free_slot(&self.pools) {
            self.start_invocation(inv, now, sched);
        } else if f.queue_limit.is_some_and(|q| f.queue.len() as u64 >= q) {
            let r = &mut self.calls.requests[req as usize];
            r.failed = true;
            self.stats.on_reject(r.arrival);
            self.release_invocation(inv, now, sched);
        } else {
            let warmup = self.warmup;
            let f = &mut self.fleets[svc];
            f.queue_area.set(now, f.queue.len() as u64 + 1);
            f.queue_level.set(now, f.queue.len() as u64 + 1, warmup);
            f.queue.push_back(inv);
            self.queued += 1;
            self.stats.set_queue(self.queued);
        }
    }

    fn start_invocation(&mut self, inv: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let Invocation { req, node, .. } = self.calls.invocations[inv as usize];
        let svc = self.calls.target(node) as usize;
        let f = &mut self.fleets[svc];
        f.busy += 1;
        if f.cpus.is_none() {
            f.busy_area.set(now, f.busy);
            f.busy_level.set(now, f.busy, self.warmup);
        }
        let server = match f.capacity {
            Capacity::Fixed { .. } => NIL,
            Capacity::Pooled(i) => self.pools[i].pool.take_slot(now),
        };
        self.calls.invocations[inv as usize].holder = server;
        if self.fleets[svc].cpus.is_none() {
            self.busy += 1;
            self.stats.set_busy(self.busy);
        }
        let r = &self.calls.requests[req as usize];
        if node == r.root {
            self.stats.on_start(r.arrival, now);
        }
        let work = crate::pricing::entries::run_time(self.calls.work(inv), self.fleets[svc].speed);
        if let Some(cpus) = &mut self.fleets[svc].cpus {
            // Its work joins its server's shared CPU.
            if work == SimTime::ZERO {
                return self.after_work(inv, now, sched);
            }
            let before = cpus.busy_on(server);
            cpus.add(server, inv, work, now);
            return self.cpu_moved(svc, server, before, now, sched);
        }
        // A wait on I/O holds the slot after the work, as a sync call does.
        let held = work + self.calls.wait(inv);
        sched.schedule(now + held, Event::WorkDone { inv });
    }

    /// On a shared CPU: the invocation's work is done; it waits on its I/O,
    /// then makes its calls.
    fn after_work(&mut self, inv: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let wait = self.calls.wait(inv);
        if wait > SimTime::ZERO {
            sched.schedule(now + wait, Event::WorkDone { inv });
        } else {
            self.resume(inv, now, sched);
        }
    }

    /// Server `server` of service `svc` changed what runs on its CPU (it
    /// had `before` busy vCPUs): the levels follow, and its next
    /// completion is rescheduled.
    fn cpu_moved(
        &mut self,
        svc: usize,
        server: u32,
        before: u32,
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        let f = &mut self.fleets[svc];
        let cpus = f.cpus.as_mut().expect("a service sharing its CPUs");
        let after = cpus.busy_on(server);
        if after != before {
            let busy = cpus.busy();
            f.busy_area.set(now, busy);
            f.busy_level.set(now, busy, self.warmup);
            if let Capacity::Pooled(i) = f.capacity {
                self.pools[i].pool.cpu_changed(server, before, after, now);
            }
            self.busy = self.busy + u64::from(after) - u64::from(before);
            self.stats.set_busy(self.busy);
        }
        // Every invocation on a CPU is live: a lost server's are cleared.
        if let Some(next) = cpus.next(server, now, |_| true) {
            let e = Event::Cpu {
                svc: svc as u32,
                server,
                generation: next.generation,
            };
            sched.schedule(next.at, e);
        }
    }

    fn on_cpu(
        &mut self,
        svc: usize,
        server: u32,
        generation: u32,
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        let cpus = self.fleets[svc].cpus.as_mut().expect("a shared CPU");
        let before = cpus.busy_on(server);
        let Some(inv) = cpus.complete(server, generation, now, |_| true) else {
            return;
        };
        self.cpu_moved(svc, server, before, now, sched);
        self.after_work(inv, now, sched);
    }

    /// Makes the invocation's remaining calls; ends it when none remain.
    fn resume(&mut self, inv: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        if self
            .calls
            .step(inv, now, sched, |c| Event::Invoke { inv: c })
        {
            self.end(inv, now, sched);
        }
    }

    fn end(&mut self, inv: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let Invocation {
            node,
            holder: server,
            ..
        } = self.calls.invocations[inv as usize];
        if server == LOST {
            // Its slot went with its server.
            self.release_invocation(inv, now, sched);
            return;
        }
        let svc = self.calls.target(node) as usize;
        let f = &mut self.fleets[svc];
        f.busy -= 1;
        let slots = f.cpus.is_none();
        if slots {
            f.busy_area.set(now, f.busy);
            f.busy_level.set(now, f.busy, self.warmup);
        }
        let capacity = f.capacity;
        if let Capacity::Pooled(i) = capacity {
            self.pools[i].pool.release_slot(server, now);
        }
        if slots {
            self.busy -= 1;
            self.stats.set_busy(self.busy);
        }
        self.release_invocation(inv, now, sched);
        match capacity {
            Capacity::Fixed { .. } => self.dispatch(svc, now, sched),
            // A draining server may have stopped.
            Capacity::Pooled(i) => self.pool_changed(i, Launches::default(), now, sched),
        }
    }

    fn release_invocation(&mut self, inv: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        match self.calls.release(inv) {
            Released::Caller(parent) => self.resume(parent, now, sched),
            Released::Request(req) => {
                let r = self.calls.close(req);
                if !r.failed {
                    self.stats.on_complete(r.arrival, now);
                }
                self.in_system -= 1;
                self.stats.set_in_system(self.in_system);
            }
            Released::Pending => {}
        }
    }

    /// Starts queued invocations of a service while it has free slots.
    fn dispatch(&mut self, svc: usize, now: SimTime, sched: &mut Scheduler<Event>) {
        while self.fleets[svc].has_free_slot(&self.pools) {
            let Some(inv) = self.fleets[svc].queue.pop_front() else {
                break;
            };
            let f = &mut self.fleets[svc];
            f.queue_area.set(now, f.queue.len() as u64);
            f.queue_level.set(now, f.queue.len() as u64, self.warmup);
            self.queued -= 1;
            self.stats.set_queue(self.queued);
            let req = self.calls.invocations[inv as usize].req;
            if self.calls.requests[req as usize].failed {
                // Its request failed while it waited: drop it unrun.
                self.release_invocation(inv, now, sched);
                continue;
            }
            self.start_invocation(inv, now, sched);
        }
    }

    /// After autoscaler `pool` changed: boot timers, levels, and its
    /// service's queued work.
    fn pool_changed(
        &mut self,
        pool: usize,
        launches: Launches,
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        self.schedule_launches(pool as u32, &launches, sched);
        if P::PLACES {
            self.pools[pool].pool.drain_stopped(&mut self.stopped);
            for s in self.stopped.drain(..) {
                self.placement.stopped(pool as u32, s, now, sched);
            }
        }
        self.record_capacity();
        self.dispatch(self.pools[pool].svc, now, sched);
    }

    /// The collector's capacity after a change: servers launched (the
    /// placement's nodes, when it places), those starting and leaving, and
    /// the spend rate.
    fn record_capacity(&mut self) {
        let (servers, (booting, draining)) = if P::PLACES {
            (self.placement.servers(), self.placement.booting_draining())
        } else {
            let moving = self.pools.iter().fold((0, 0), |(b, d), p| {
                (b + p.pool.booting(), d + p.pool.draining())
            });
            (launched(&self.fleets, &self.pools), moving)
        };
        self.stats.set_servers(servers);
        self.stats.set_booting_draining(booting, draining);
        self.stats
            .set_cost_rate(spend_rate(&self.fleets, &self.pools) + self.placement.spend_rate());
    }

    /// Boot timers (through the placement) and interruption timers for
    /// what `pool` launched.
    fn schedule_launches(&mut self, pool: u32, launches: &Launches, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        self.placement
            .launched(pool, &launches.booted_at, now, sched);
        for &(server, at) in &launches.interrupt_at {
            sched.schedule(at, Event::Interrupt { pool, server });
        }
    }

    /// The placement's event `id`: servers it evicts are replaced (each
    /// replacement placed in turn), and its bill and count follow.
    fn on_placement(&mut self, id: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let mut evicted = std::mem::take(&mut self.evicted);
        self.placement.on_event(id, now, sched, &mut evicted);
        for &(pool, server) in &evicted {
            let launches = self.pools[pool as usize].pool.evict(server, now);
            self.pool_changed(pool as usize, launches, now, sched);
        }
        evicted.clear();
        self.evicted = evicted;
        self.record_capacity();
    }
}

impl<P: Placement> Model for MicroservicesModel<P> {
    type Event = Event;

    fn start(&mut self, sched: &mut Scheduler<Event>) {
        for (i, p) in self.pools.iter().enumerate() {
            self.placement.start(i as u32, p.initial_servers, sched);
        }
        for (i, p) in self.pools.iter().enumerate() {
            let pool = i as u32;
            if let Some(every) = p.pool.evaluation() {
                sched.schedule(every, Event::Evaluate { pool });
            }
            for &(at, _) in p.pool.scheduled() {
                sched.schedule(at, Event::Scheduled { pool });
            }
        }
        for i in 0..self.pools.len() {
            let pool = i as u32;
            let initial = std::mem::take(&mut self.pools[i].initial);
            self.schedule_launches(pool, &initial, sched);
            for &at in &self.pools[i].interruptions_at {
                sched.schedule(at, Event::InterruptOldest { pool });
            }
        }
        self.upcoming.stage(sched, Event::Arrival);
    }

    #[inline]
    fn handle(&mut self, event: Event, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        self.stats.advance(now);
        match event {
            Event::Arrival => self.on_arrival(now, sched),
            Event::Timeout { req, epoch } => self.on_timeout(req, epoch),
            Event::Invoke { inv } => self.on_invoke(inv, now, sched),
            Event::WorkDone { inv } => self.resume(inv, now, sched),
            Event::Cpu {
                svc,
                server,
                generation,
            } => self.on_cpu(svc as usize, server, generation, now, sched),
            Event::Evaluate { pool } => {
                let ServicePool { svc, pool: p, .. } = &mut self.pools[pool as usize];
                let areas = self.fleets[*svc].areas(now);
                let launches = p.evaluate(now, areas);
                if let Some(every) = p.evaluation() {
                    sched.schedule(now + every, Event::Evaluate { pool });
                }
                self.pool_changed(pool as usize, launches, now, sched);
            }
            Event::BootDone { pool, server } => {
                self.pools[pool as usize].pool.boot_done(server, now);
                self.pool_changed(pool as usize, Launches::default(), now, sched);
            }
            Event::Scheduled { pool } => {
                let launches = self.pools[pool as usize].pool.enforce_minimum(now);
                sched.schedule(now + SimTime::from_secs(86_400), Event::Scheduled { pool });
                self.pool_changed(pool as usize, launches, now, sched);
            }
            Event::Interrupt { pool, server } => {
                let i = self.pools[pool as usize].pool.interrupt(server, now);
                self.interrupted(pool as usize, i, now, sched);
            }
            Event::InterruptOldest { pool } => {
                let p = &mut self.pools[pool as usize].pool;
                let i = match p.oldest_up() {
                    Some(server) => p.interrupt(server, now),
                    None => Interruption::default(),
                };
                self.interrupted(pool as usize, i, now, sched);
            }
            Event::NoticeEnds { pool, server } => {
                if let Some(server) = self.pools[pool as usize].pool.notice_ends(server) {
                    self.lose_work_on(pool as usize, server, now, sched);
                }
                self.pool_changed(pool as usize, Launches::default(), now, sched);
            }
            Event::Placement { id } => self.on_placement(id, now, sched),
        }
    }
}

impl Simulate for MicroservicesSpec {
    fn simulate(&self, scenario: &Scenario, replication: u32, queues: Queues) -> (Outcome, u64) {
        simulate(self, scenario, replication, queues)
    }
}
