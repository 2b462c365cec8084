//! A fleet of identical servers of `vcpus` slots each behind a load
//! balancer with one shared FCFS queue (M/G/c when demand is Poisson):
//! fixed at N servers (`kind = "fleet"`), or sized over time by an
//! autoscaling policy (`kind = "autoscaled"`, whose servers and policy
//! live in [`super::autoscale`]). All
//! services run in one process on the fleet (a monolith), so a `sync` call
//! runs on the caller's slot and an `async` call queues a new job.
//!
//! A request's entry job is admitted at arrival (or rejected when the queue
//! is at `queue_limit`). Each job runs its service's work and, in order, its
//! calls: sync callees' work continues on the same slot; async callees are
//! queued as jobs of their own at the moment the call is made. The request
//! completes when its last job finishes. With a `timeout`, a request still
//! unfinished that long after arrival is abandoned: its running jobs free
//! their slots and its queued jobs are dropped.

use super::records::{Blocks, Slab, WorkBlocks};
use super::requests::Upcoming;
use super::{Kind, Outcome, instance_price};
use crate::architectures::autoscale::{Launches, Pool};
use crate::engine::{Model, Scheduler};
use crate::results::cost::{self, CostBreakdown};
use crate::results::stats::Collector;
use crate::results::summary::KindResult;
use crate::scenario::calls::CallTree;
use crate::scenario::{AutoscaledSpec, CallMode, FleetSpec, ScalingSpec, Scenario};
use crate::time::SimTime;
use std::collections::VecDeque;

/// No server: a job not running (autoscaled fleets).
const NONE: u32 = u32::MAX;

/// One step of a job: run a call-tree node's work, or make an async call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Work(u32),
    Async(u32),
}

/// For every call-tree node, the steps a job started at that node performs:
/// its own work, then its calls in order, with sync subtrees inlined.
pub fn job_plans(tree: &CallTree) -> Vec<Vec<Step>> {
    fn flatten(tree: &CallTree, node: usize, out: &mut Vec<Step>) {
        out.push(Step::Work(node as u32));
        for &c in &tree.nodes[node].children {
            match tree.nodes[c].mode {
                CallMode::Sync => flatten(tree, c, out),
                CallMode::Async => out.push(Step::Async(c as u32)),
            }
        }
    }
    (0..tree.len())
        .map(|n| {
            let mut steps = Vec::new();
            flatten(tree, n, &mut steps);
            steps
        })
        .collect()
}

#[derive(Clone, Copy, Debug)]
pub enum Event {
    Arrival,
    /// A job of request `req` finished and frees its slot.
    JobDone {
        req: u32,
        epoch: u32,
        /// Its node's place in the request's block (autoscaled fleets keep
        /// the job's server there).
        slot: u32,
    },
    /// An async call made by a running job: queue a job for `node`.
    Spawn {
        req: u32,
        epoch: u32,
        node: u32,
    },
    Timeout {
        req: u32,
        epoch: u32,
    },
    /// Autoscaled: the policy reads its metric.
    Evaluate,
    /// Autoscaled: a launched server starts serving.
    BootDone {
        server: u32,
    },
    /// Autoscaled: the `idx`-th scheduled minimum of the day applies.
    Scheduled {
        idx: u32,
    },
}

#[derive(Clone, Copy, Debug)]
struct Job {
    req: u32,
    epoch: u32,
    node: u32,
}

/// An in-flight request. Ids are reused; the slab's generation (`epoch`
/// in events and jobs) tells a live reference from a stale one left in the
/// queue or the event list.
#[derive(Clone, Copy, Debug, Default)]
struct Request {
    arrival: SimTime,
    /// The root node of its call tree (its entry invocation).
    root: u32,
    /// Admitted and not yet completed or timed out.
    live: bool,
    /// Jobs queued or running, plus async calls not yet made.
    outstanding: u32,
    running: u32,
    queued: u32,
}

pub struct FleetModel {
    plans: Vec<Vec<Step>>,
    upcoming: Upcoming,
    slots: u64,
    busy: u64,
    queue: VecDeque<Job>,
    live_queued: u64,
    in_system: u64,
    queue_limit: Option<u64>,
    timeout: Option<SimTime>,
    requests: Slab<Request>,
    works: WorkBlocks,
    /// The servers of an autoscaled fleet; `None` for a fixed fleet, whose
    /// jobs need no server of their own.
    pool: Option<Pool>,
    /// Autoscaled: per request, laid out like `works`, the server each
    /// running job holds (NONE if none), so that a timeout can free them.
    job_servers: Blocks<u32>,
    pub stats: Collector,
}

impl FleetModel {
    pub fn new(
        scenario: &Scenario,
        spec: &FleetSpec,
        scaling: Option<&ScalingSpec>,
        replication: u32,
    ) -> Self {
        let upcoming = Upcoming::new(scenario, replication);
        let per_req = upcoming.works_per_request();
        let price = spec.instance.price_per_hour;
        let mut stats = Collector::new(scenario.warmup, scenario.window, price);
        stats.set_servers(spec.servers as u64);
        let pool = scaling.map(|z| {
            let mut p = Pool::new(
                z,
                spec.instance.vcpus,
                spec.instance.price_per_hour,
                scenario.warmup,
                scenario.seed,
                replication,
            );
            p.start(spec.servers);
            p
        });
        FleetModel {
            plans: job_plans(&scenario.calls),
            upcoming,
            slots: spec.slots(),
            busy: 0,
            queue: VecDeque::with_capacity(1024),
            live_queued: 0,
            in_system: 0,
            queue_limit: spec.queue_limit,
            timeout: spec.timeout,
            requests: Slab::default(),
            works: WorkBlocks::new(per_req),
            pool,
            job_servers: Blocks::filled(per_req, NONE),
            stats,
        }
    }

    /// Closes the run at `end`. Requests still in the system are counted
    /// from the request table itself, not derived from the other counts,
    /// so that a request the model lost would break conservation.
    pub fn finish(
        mut self,
        end: SimTime,
    ) -> (
        crate::results::stats::RunStats,
        Option<crate::architectures::autoscale::PoolSummary>,
    ) {
        let warmup = self.stats.warmup();
        let in_flight = self
            .requests
            .iter()
            .filter(|r| r.live && r.arrival >= warmup)
            .count() as u64;
        let pool = self.pool.as_mut().map(|p| p.finish(end));
        (self.stats.finish(end, in_flight), pool)
    }

    #[inline]
    fn has_free_slot(&self) -> bool {
        match &self.pool {
            None => self.busy < self.slots,
            Some(p) => p.has_free_slot(),
        }
    }

    /// After the pool changed: boot timers, levels, and queued work.
    fn pool_changed(&mut self, launches: Launches, sched: &mut Scheduler<Event>) {
        for (server, at) in launches.booted_at {
            sched.schedule(at, Event::BootDone { server });
        }
        let p = self.pool.as_ref().expect("an autoscaled fleet");
        self.slots = p.working_slots();
        self.stats.set_servers(p.launched());
        self.stats.set_booting_draining(p.booting(), p.draining());
        self.dispatch(sched);
    }

    /// Admits the upcoming request, arrived at `arrival`.
    fn alloc(&mut self, arrival: SimTime) -> u32 {
        let id = self.requests.insert(Request {
            arrival,
            root: self.upcoming.root,
            live: true,
            outstanding: 0,
            running: 0,
            queued: 0,
        });
        self.works.store(id, &self.upcoming.works);
        if self.pool.is_some() {
            // A new id's block starts empty; a reused one was emptied when
            // its jobs released their servers.
            self.job_servers.block_mut(id);
        }
        id
    }

    fn release(&mut self, id: u32) {
        self.requests[id as usize].live = false;
        self.requests.remove(id);
        self.in_system -= 1;
        self.stats.set_in_system(self.in_system);
    }

    #[inline]
    fn is_live(&self, req: u32, epoch: u32) -> bool {
        self.requests.is_current(req, epoch)
    }

    fn on_arrival(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        self.stats.on_arrival(now);
        if let Some(p) = &mut self.pool {
            p.on_arrival();
        }
        let admit = self.has_free_slot() || self.queue_limit.is_none_or(|q| self.live_queued < q);
        if admit {
            let id = self.alloc(now);
            self.in_system += 1;
            self.stats.set_in_system(self.in_system);
            let epoch = self.requests.generation(id);
            self.requests[id as usize].outstanding = 1;
            let node = self.requests[id as usize].root;
            self.submit(
                Job {
                    req: id,
                    epoch,
                    node,
                },
                sched,
            );
            if let Some(t) = self.timeout {
                sched.schedule(now + t, Event::Timeout { req: id, epoch });
            }
        } else {
            self.stats.on_reject(now);
        }
        self.upcoming.stage(sched, Event::Arrival);
    }

    /// Starts a job now if a slot is free, else queues it.
    fn submit(&mut self, job: Job, sched: &mut Scheduler<Event>) {
        if self.has_free_slot() {
            self.start_job(job, sched);
        } else {
            self.queue.push_back(job);
            self.requests[job.req as usize].queued += 1;
            self.live_queued += 1;
            self.stats.set_queue(self.live_queued);
        }
    }

    fn start_job(&mut self, job: Job, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        self.busy += 1;
        self.stats.set_busy(self.busy);
        let r = &mut self.requests[job.req as usize];
        r.running += 1;
        let arrival = r.arrival;
        let root = r.root;
        let slot = job.node - root;
        if let Some(p) = &mut self.pool {
            self.job_servers.set(job.req, slot as usize, p.take_slot());
        }
        if job.node == root {
            self.stats.on_start(arrival, now);
        }
        // Work of node n is at slot n − root of the request's block.
        let mut offset = SimTime::ZERO;
        for &step in &self.plans[job.node as usize] {
            match step {
                Step::Work(n) => offset += self.works.get(job.req, (n - root) as usize),
                Step::Async(n) => {
                    self.requests[job.req as usize].outstanding += 1;
                    sched.schedule(
                        now + offset,
                        Event::Spawn {
                            req: job.req,
                            epoch: job.epoch,
                            node: n,
                        },
                    );
                }
            }
        }
        sched.schedule(
            now + offset,
            Event::JobDone {
                req: job.req,
                epoch: job.epoch,
                slot,
            },
        );
    }

    /// Fills free slots from the queue, discarding jobs of abandoned requests.
    fn dispatch(&mut self, sched: &mut Scheduler<Event>) {
        while self.has_free_slot() {
            let Some(job) = self.queue.pop_front() else {
                break;
            };
            if !self.is_live(job.req, job.epoch) {
                continue;
            }
            self.requests[job.req as usize].queued -= 1;
            self.live_queued -= 1;
            self.stats.set_queue(self.live_queued);
            self.start_job(job, sched);
        }
    }

    fn on_job_done(&mut self, req: u32, epoch: u32, slot: u32, sched: &mut Scheduler<Event>) {
        if !self.is_live(req, epoch) {
            return; // timed out: its slot was freed then
        }
        self.busy -= 1;
        self.stats.set_busy(self.busy);
        if let Some(p) = &mut self.pool {
            p.release_slot(self.job_servers.get(req, slot as usize), sched.now());
            self.job_servers.set(req, slot as usize, NONE);
        }
        let r = &mut self.requests[req as usize];
        r.running -= 1;
        r.outstanding -= 1;
        if r.outstanding == 0 {
            let arrival = r.arrival;
            self.stats.on_complete(arrival, sched.now());
            self.release(req);
        }
        if self.pool.is_some() {
            // A draining server may have stopped.
            self.pool_changed(Launches::default(), sched);
        } else {
            self.dispatch(sched);
        }
    }

    fn on_spawn(&mut self, req: u32, epoch: u32, node: u32, sched: &mut Scheduler<Event>) {
        if !self.is_live(req, epoch) {
            return;
        }
        // The pending call becomes a job: `outstanding` is unchanged.
        self.submit(Job { req, epoch, node }, sched);
    }

    fn on_timeout(&mut self, req: u32, epoch: u32, sched: &mut Scheduler<Event>) {
        if !self.is_live(req, epoch) {
            return; // finished in time
        }
        let r = self.requests[req as usize];
        self.stats.on_timeout(r.arrival);
        // The running jobs are abandoned: their slots are free at once.
        self.busy -= r.running as u64;
        if let Some(p) = &mut self.pool {
            let now = sched.now();
            for held in self.job_servers.block_mut(req) {
                if *held != NONE {
                    p.release_slot(*held, now);
                    *held = NONE;
                }
            }
        }
        self.live_queued -= r.queued as u64;
        self.stats.set_busy(self.busy);
        self.stats.set_queue(self.live_queued);
        self.release(req);
        if self.pool.is_some() {
            // A draining server may have stopped.
            self.pool_changed(Launches::default(), sched);
        } else {
            self.dispatch(sched);
        }
    }
}

impl Model for FleetModel {
    type Event = Event;

    /// Schedules the first arrival. Call once before running.
    fn start(&mut self, sched: &mut Scheduler<Event>) {
        if let Some(p) = &self.pool {
            sched.schedule(p.evaluation(), Event::Evaluate);
            for (idx, &(at, _)) in p.scheduled().iter().enumerate() {
                sched.schedule(at, Event::Scheduled { idx: idx as u32 });
            }
        }
        self.upcoming.stage(sched, Event::Arrival);
    }

    #[inline]
    fn handle(&mut self, event: Event, sched: &mut Scheduler<Event>) {
        self.stats.advance(sched.now());
        match event {
            Event::Arrival => self.on_arrival(sched),
            Event::JobDone { req, epoch, slot } => self.on_job_done(req, epoch, slot, sched),
            Event::Spawn { req, epoch, node } => self.on_spawn(req, epoch, node, sched),
            Event::Timeout { req, epoch } => self.on_timeout(req, epoch, sched),
            Event::Evaluate => {
                let now = sched.now();
                let areas = self.stats.areas();
                let p = self.pool.as_mut().expect("an autoscaled fleet");
                let launches = p.evaluate(now, areas);
                sched.schedule(now + p.evaluation(), Event::Evaluate);
                self.pool_changed(launches, sched);
            }
            Event::BootDone { server } => {
                let now = sched.now();
                self.pool
                    .as_mut()
                    .expect("an autoscaled fleet")
                    .boot_done(server, now);
                self.pool_changed(Launches::default(), sched);
            }
            Event::Scheduled { idx } => {
                let now = sched.now();
                let p = self.pool.as_mut().expect("an autoscaled fleet");
                let launches = p.enforce_minimum(now);
                let _ = idx;
                sched.schedule(now + SimTime::from_secs(86_400), Event::Scheduled { idx });
                self.pool_changed(launches, sched);
            }
        }
    }
}

impl Kind for FleetSpec {
    type Model = FleetModel;

    fn build(&self, scenario: &Scenario, replication: u32) -> FleetModel {
        FleetModel::new(scenario, self, None, replication)
    }

    fn finish(&self, scenario: &Scenario, model: FleetModel) -> Outcome {
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
        let total = self.servers as f64 * per_server * self.instance.price_per_hour / 3600.0;
        let utilization = stats.mean_level(stats.measured_areas.busy) / self.slots() as f64;
        Outcome {
            stats,
            servers: self.servers,
            instance: self.instance.name.clone(),
            utilization,
            cost: CostBreakdown::fleet(total, utilization),
            prices: vec![instance_price(&self.instance)],
            details: KindResult::Fleet,
        }
    }
}

impl Kind for AutoscaledSpec {
    type Model = FleetModel;

    fn build(&self, scenario: &Scenario, replication: u32) -> FleetModel {
        FleetModel::new(scenario, &self.fleet, Some(&self.scaling), replication)
    }

    fn finish(&self, scenario: &Scenario, model: FleetModel) -> Outcome {
        let (stats, pool) = model.finish(scenario.duration);
        let pool = pool.expect("an autoscaled fleet has a pool");
        let inst = &self.fleet.instance;
        let working_slots = pool.working_mean * inst.vcpus as f64;
        let busy = stats.mean_level(stats.measured_areas.busy);
        let utilization = if working_slots > 0.0 {
            busy / working_slots
        } else {
            0.0
        };
        Outcome {
            stats,
            servers: pool.servers.peak as u32,
            instance: inst.name.clone(),
            utilization,
            cost: CostBreakdown::fleet(
                pool.cost_usd,
                utilization * pool.working_mean / pool.servers.mean.max(1e-12),
            ),
            prices: vec![instance_price(inst)],
            details: KindResult::Autoscaled(pool.result()),
        }
    }
}
