//! A fleet of identical servers of `vcpus` slots each behind a load
//! balancer with one shared FCFS queue (M/G/c when demand is Poisson):
//! fixed at N servers (`kind = "fleet"`, [`fixed`]), or sized over time by
//! an autoscaling policy (`kind = "autoscaled"`, [`autoscaled`], whose
//! servers and policy live in [`super::autoscale`]). This module owns what
//! both share: the queue, the jobs and the requests; the [`Servers`] a
//! fleet is generic over own where a job runs. All
//! services run in one process on the fleet (a monolith), so a `sync` call
//! runs on the caller's slot and an `async` call queues a new job.
//!
//! A request's entry job is admitted at arrival (or rejected when the queue
//! is at `queue_limit`). Each job runs its service's work and, in order, its
//! calls: sync callees' work continues on the same slot; async callees are
//! queued as jobs of their own at the moment the call is made. The request
//! completes when its last job finishes. With a `timeout`, a request still
//! unfinished that long after arrival is abandoned: its running jobs free
//! their slots and its queued jobs are dropped. A request with a job on a
//! spot server whose work is lost ([`Servers::lost_server`]) fails the
//! same way, counted as interrupted.

use crate::architectures::records::{Slab, WorkBlocks};
use crate::architectures::requests::Upcoming;
use crate::engine::{Model, Scheduler};
use crate::kinds::servers::spec::FleetSpec;
use crate::results::stats::{Collector, RunStats};
use crate::scenario::calls::CallTree;
use crate::scenario::{CallMode, Scenario};
use crate::time::SimTime;
use std::collections::VecDeque;

pub mod autoscale;

/// Where a fleet's jobs run: the slots of a fixed fleet, or the servers of
/// an autoscaled one. The fleet keeps the busy count, the queue and the
/// requests; it asks its servers whether a job can start and tells them
/// when one starts and ends. Only the servers that have events of their
/// own (an autoscaler's) have a non-empty [`Servers::Event`], so a fleet
/// cannot be handed an event its servers do not know.
pub trait Servers {
    /// The events of these servers alone (none for a fixed fleet).
    type Event: Copy + std::fmt::Debug;

    /// Whether a job can start now, with `busy` slots taken.
    fn has_free_slot(&self, busy: u64) -> bool;

    /// A request arrived, admitted or not.
    fn on_arrival(&mut self);

    /// Request id `req` now holds a newly admitted request.
    fn admit(&mut self, req: u32);

    /// The job at place `slot` of request `req`'s block starts on a free
    /// slot (the fleet checked [`Servers::has_free_slot`]).
    fn take_slot(&mut self, req: u32, slot: u32, now: SimTime);

    /// That job ended and frees its slot.
    fn release_slot(&mut self, req: u32, slot: u32, now: SimTime);

    /// Request `req` was abandoned: its running jobs free their slots.
    fn release_request(&mut self, req: u32, now: SimTime);

    /// Brings the collector's server levels up to date after slots were
    /// freed (a draining server may have stopped).
    fn update_levels(&mut self, stats: &mut Collector);

    /// Schedules the servers' first events.
    fn start(&mut self, sched: &mut Scheduler<Event<Self::Event>>);

    /// After [`Servers::handle`]: a server whose running work was just
    /// lost (a spot interruption), once. Servers that are never
    /// interrupted keep the default.
    #[inline]
    fn lost_server(&mut self) -> Option<u32> {
        None
    }

    /// Whether a running job of request `req` holds server `server`.
    fn holds(&self, _req: u32, _server: u32) -> bool {
        false
    }

    /// Handles one of the servers' own events; the fleet then starts what
    /// queued work the change made room for.
    fn handle(
        &mut self,
        event: Self::Event,
        stats: &mut Collector,
        sched: &mut Scheduler<Event<Self::Event>>,
    );
}

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

/// The events of a fleet whose servers have events `S` of their own.
#[derive(Clone, Copy, Debug)]
pub enum Event<S> {
    Arrival,
    /// A job of request `req` finished and frees its slot.
    JobDone {
        req: u32,
        epoch: u32,
        /// Its node's place in the request's block (where the servers may
        /// keep what the job holds).
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
    /// One of the servers' own events.
    Servers(S),
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

pub struct FleetModel<S> {
    plans: Vec<Vec<Step>>,
    upcoming: Upcoming,
    busy: u64,
    queue: VecDeque<Job>,
    live_queued: u64,
    in_system: u64,
    queue_limit: Option<u64>,
    timeout: Option<SimTime>,
    requests: Slab<Request>,
    works: WorkBlocks,
    servers: S,
    /// Enough slots for job completions to go to the scheduler's calendar
    /// queue rather than its heap (see [`CALENDAR_FROM_SLOTS`]).
    many_slots: bool,
    pub stats: Collector,
}

/// From how many slots a fleet's completions are kept on the calendar
/// queue. Either queue gives the same order (same keys), so this is only
/// speed: the calendar costs about the same whatever it holds, a heap of a
/// few entries next to nothing (callgrind, 10⁶ requests: M/M/1 ran 8 %
/// more instructions on the calendar, M/M/100 10 % fewer).
pub const CALENDAR_FROM_SLOTS: u64 = 32;

impl<S: Servers> FleetModel<S> {
    /// `servers(n)` makes the servers, for requests of up to `n` nodes.
    pub fn new(
        scenario: &Scenario,
        spec: &FleetSpec,
        replication: u32,
        servers: impl FnOnce(usize) -> S,
    ) -> Self {
        let upcoming = Upcoming::new(scenario, replication);
        let per_req = upcoming.works_per_request();
        let price = spec.instance.price_per_hour;
        let mut stats = Collector::new(scenario.warmup, scenario.window, price);
        stats.meter_transfer(scenario.transfer_meter(replication));
        stats.set_servers(spec.servers as u64);
        FleetModel {
            plans: job_plans(&scenario.calls),
            upcoming,
            busy: 0,
            queue: VecDeque::with_capacity(1024),
            live_queued: 0,
            in_system: 0,
            queue_limit: spec.queue_limit,
            timeout: spec.timeout,
            requests: Slab::default(),
            works: WorkBlocks::new(per_req),
            servers: servers(per_req),
            many_slots: spec.slots() >= CALENDAR_FROM_SLOTS,
            stats,
        }
    }

    /// Closes the run at `end`; hands back the servers for their own
    /// summary. Requests still in the system are counted
    /// from the request table itself, not derived from the other counts,
    /// so that a request the model lost would break conservation.
    pub fn finish(self, end: SimTime) -> (RunStats, S) {
        let warmup = self.stats.warmup();
        let in_flight = self
            .requests
            .iter()
            .filter(|r| r.live && r.arrival >= warmup)
            .count() as u64;
        (self.stats.finish(end, in_flight), self.servers)
    }

    #[inline]
    fn has_free_slot(&self) -> bool {
        self.servers.has_free_slot(self.busy)
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
        self.servers.admit(id);
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

    fn on_arrival(&mut self, sched: &mut Scheduler<Event<S::Event>>) {
        let now = sched.now();
        self.stats.on_arrival(now);
        self.servers.on_arrival();
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
    fn submit(&mut self, job: Job, sched: &mut Scheduler<Event<S::Event>>) {
        if self.has_free_slot() {
            self.start_job(job, sched);
        } else {
            self.queue.push_back(job);
            self.requests[job.req as usize].queued += 1;
            self.live_queued += 1;
            self.stats.set_queue(self.live_queued);
        }
    }

    fn start_job(&mut self, job: Job, sched: &mut Scheduler<Event<S::Event>>) {
        let now = sched.now();
        self.busy += 1;
        self.stats.set_busy(self.busy);
        let r = &mut self.requests[job.req as usize];
        r.running += 1;
        let arrival = r.arrival;
        let root = r.root;
        let slot = job.node - root;
        self.servers.take_slot(job.req, slot, now);
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
        let done = Event::JobDone {
            req: job.req,
            epoch: job.epoch,
            slot,
        };
        sched.schedule_completion(now + offset, done, self.many_slots);
    }

    /// Fills free slots from the queue, discarding jobs of abandoned requests.
    fn dispatch(&mut self, sched: &mut Scheduler<Event<S::Event>>) {
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

    fn on_job_done(
        &mut self,
        req: u32,
        epoch: u32,
        slot: u32,
        sched: &mut Scheduler<Event<S::Event>>,
    ) {
        if !self.is_live(req, epoch) {
            return; // timed out: its slot was freed then
        }
        self.busy -= 1;
        self.stats.set_busy(self.busy);
        self.servers.release_slot(req, slot, sched.now());
        let r = &mut self.requests[req as usize];
        r.running -= 1;
        r.outstanding -= 1;
        if r.outstanding == 0 {
            let arrival = r.arrival;
            self.stats.on_complete(arrival, sched.now());
            self.release(req);
        }
        self.servers.update_levels(&mut self.stats);
        self.dispatch(sched);
    }

    fn on_spawn(
        &mut self,
        req: u32,
        epoch: u32,
        node: u32,
        sched: &mut Scheduler<Event<S::Event>>,
    ) {
        if !self.is_live(req, epoch) {
            return;
        }
        // The pending call becomes a job: `outstanding` is unchanged.
        self.submit(Job { req, epoch, node }, sched);
    }

    fn on_timeout(&mut self, req: u32, epoch: u32, sched: &mut Scheduler<Event<S::Event>>) {
        if !self.is_live(req, epoch) {
            return; // finished in time
        }
        let r = self.requests[req as usize];
        self.stats.on_timeout(r.arrival);
        self.abandon(req, sched.now());
        self.servers.update_levels(&mut self.stats);
        self.dispatch(sched);
    }

    /// Drops a live request: its running jobs free their slots at once and
    /// its queued jobs are skipped when they come up.
    fn abandon(&mut self, req: u32, now: SimTime) {
        let r = self.requests[req as usize];
        self.busy -= r.running as u64;
        self.servers.release_request(req, now);
        self.live_queued -= r.queued as u64;
        self.stats.set_busy(self.busy);
        self.stats.set_queue(self.live_queued);
        self.release(req);
    }

    /// Server `server` lost what it was running: every request with a job
    /// on it fails. Interruptions are rare, so a scan of the requests in
    /// flight is cheaper than keeping a list per server on every start.
    fn lose_work_on(&mut self, server: u32, now: SimTime) {
        let hit: Vec<u32> = self
            .requests
            .iter()
            .enumerate()
            .filter(|(id, r)| r.live && r.running > 0 && self.servers.holds(*id as u32, server))
            .map(|(id, _)| id as u32)
            .collect();
        for req in hit {
            let arrival = self.requests[req as usize].arrival;
            self.stats.on_interrupted(arrival);
            self.abandon(req, now);
        }
    }
}

impl<S: Servers> Model for FleetModel<S> {
    type Event = Event<S::Event>;

    /// Schedules the first arrival. Call once before running.
    fn start(&mut self, sched: &mut Scheduler<Self::Event>) {
        self.servers.start(sched);
        self.upcoming.stage(sched, Event::Arrival);
    }

    #[inline]
    fn handle(&mut self, event: Self::Event, sched: &mut Scheduler<Self::Event>) {
        self.stats.advance(sched.now());
        match event {
            Event::Arrival => self.on_arrival(sched),
            Event::JobDone { req, epoch, slot } => self.on_job_done(req, epoch, slot, sched),
            Event::Spawn { req, epoch, node } => self.on_spawn(req, epoch, node, sched),
            Event::Timeout { req, epoch } => self.on_timeout(req, epoch, sched),
            Event::Servers(e) => {
                self.servers.handle(e, &mut self.stats, sched);
                while let Some(server) = self.servers.lost_server() {
                    self.lose_work_on(server, sched.now());
                    self.servers.update_levels(&mut self.stats);
                }
                self.dispatch(sched);
            }
        }
    }
}
