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
//! A server takes `concurrency` jobs at once (its vCPUs by default). While
//! it takes no more jobs than it has vCPUs and no service waits on I/O, a
//! job runs at full speed from start to end and is one event (the slot
//! path). Otherwise jobs step through their CPU work, on the server's CPUs
//! shared among the jobs on them ([`crate::architectures::sharing`]), and
//! their waits, which hold the job's place but no CPU (the stepping path;
//! see [`Stepping`]). The busy level the fleet reports, and the CPU metric
//! its autoscaler reads, are busy vCPUs on either path.
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

use crate::architectures::records::{Blocks, Slab, WorkBlocks};
use crate::architectures::requests::Upcoming;
use crate::architectures::sharing::Cpus;
use crate::engine::{Model, Scheduler};
use crate::kinds::servers::spec::FleetSpec;
use crate::pricing::entries::run_time;
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
    /// slot (the fleet checked [`Servers::has_free_slot`]); returns the
    /// server it runs on (any number where servers are not told apart).
    fn take_slot(&mut self, req: u32, slot: u32, now: SimTime) -> u32;

    /// On the stepping path: server `server`'s busy vCPUs went from
    /// `before` to `after`.
    #[inline]
    fn cpu_changed(&mut self, _server: u32, _before: u32, _after: u32, _now: SimTime) {}

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

/// One step of a job: run a call-tree node's work, wait on its I/O, or
/// make an async call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Work(u32),
    Wait(u32),
    Async(u32),
}

/// For every call-tree node, the steps a job started at that node performs:
/// its own work, its wait (where `waits(node)`), then its calls in order,
/// with sync subtrees inlined.
pub fn job_plans(tree: &CallTree, waits: impl Fn(usize) -> bool) -> Vec<Vec<Step>> {
    fn flatten(tree: &CallTree, node: usize, waits: &dyn Fn(usize) -> bool, out: &mut Vec<Step>) {
        out.push(Step::Work(node as u32));
        if waits(node) {
            out.push(Step::Wait(node as u32));
        }
        for &c in &tree.nodes[node].children {
            match tree.nodes[c].mode {
                CallMode::Sync => flatten(tree, c, waits, out),
                CallMode::Async => out.push(Step::Async(c as u32)),
            }
        }
    }
    (0..tree.len())
        .map(|n| {
            let mut steps = Vec::new();
            flatten(tree, n, &waits, &mut steps);
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
    /// Stepping path: the next job on server `server`'s CPU finishes its
    /// work, if nothing changed there since (`generation`).
    Cpu {
        server: u32,
        generation: u32,
    },
    /// Stepping path: a job's wait on I/O ends.
    WaitDone {
        req: u32,
        epoch: u32,
        slot: u32,
    },
    /// One of the servers' own events.
    Servers(S),
}

/// A job on a CPU, as the CPU knows it.
#[derive(Clone, Copy, Debug)]
struct JobRef {
    req: u32,
    epoch: u32,
    slot: u32,
}

/// Where a running job is on the stepping path.
#[derive(Clone, Copy, Debug)]
struct Place {
    /// The server it holds, or [`NO_SERVER`].
    server: u32,
    /// Its step in its node's plan.
    step: u32,
}

const NO_SERVER: u32 = u32::MAX;

/// A job's place when it runs on no server (not started, or ended).
const IDLE: Place = Place {
    server: NO_SERVER,
    step: 0,
};

/// The stepping path's state: the servers' CPUs, where each running job
/// is, and each request's waits.
struct Stepping {
    cpus: Cpus<JobRef>,
    places: Blocks<Place>,
    waits: WorkBlocks,
    /// Enough places for waits to go to the calendar queue, and enough
    /// servers for their CPUs' completions to (see
    /// [`CALENDAR_FROM_SLOTS`]).
    many_places: bool,
    many_servers: bool,
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
    /// The stepping path, when servers share CPUs or services wait.
    stepping: Option<Box<Stepping>>,
    /// The speed of the servers' vCPUs, which divides the work.
    speed: f64,
    pub stats: Collector,
}

/// `pool` as a fleet of `spec` runs it: its servers take `concurrency` jobs
/// each, and on the stepping path report busy vCPUs as their CPUs do.
pub fn sharing(
    pool: autoscale::Pool,
    scenario: &Scenario,
    spec: &FleetSpec,
    replication: u32,
) -> autoscale::Pool {
    if spec.steps(&scenario.services) {
        let routing = crate::rng::stream(scenario.seed, replication, crate::rng::purpose::ROUTING);
        pool.with_sharing(spec.concurrency, routing)
    } else {
        pool.with_concurrency(spec.concurrency)
    }
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
        let stepping = spec.steps(&scenario.services).then(|| {
            Box::new(Stepping {
                cpus: Cpus::new(spec.instance.vcpus, spec.servers as usize),
                places: Blocks::filled(per_req, IDLE),
                waits: WorkBlocks::new(upcoming.waits_per_request()),
                many_places: spec.places() >= CALENDAR_FROM_SLOTS,
                many_servers: u64::from(spec.servers) >= CALENDAR_FROM_SLOTS,
            })
        });
        let services = &scenario.services;
        let waits = |n: usize| services[scenario.calls.nodes[n].service].wait.is_some();
        FleetModel {
            plans: job_plans(&scenario.calls, waits),
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
            stepping,
            speed: spec.instance.speed,
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
        if let Some(st) = &mut self.stepping {
            st.waits.store(id, self.upcoming.waits());
            st.places.block_mut(id);
        }
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
        if self.stepping.is_none() {
            self.stats.set_busy(self.busy);
        }
        let r = &mut self.requests[job.req as usize];
        r.running += 1;
        let arrival = r.arrival;
        let root = r.root;
        let slot = job.node - root;
        let server = self.servers.take_slot(job.req, slot, now);
        if job.node == root {
            self.stats.on_start(arrival, now);
        }
        if let Some(st) = &mut self.stepping {
            st.places
                .set(job.req, slot as usize, Place { server, step: 0 });
            let job = JobRef {
                req: job.req,
                epoch: job.epoch,
                slot,
            };
            self.step_job(job, true, sched);
            return;
        }
        // Work of node n is at slot n − root of the request's block.
        let mut offset = SimTime::ZERO;
        for &step in &self.plans[job.node as usize] {
            match step {
                Step::Work(n) => {
                    let work = self.works.get(job.req, (n - root) as usize);
                    offset += run_time(work, self.speed);
                }
                Step::Wait(_) => unreachable!("a fleet with waits runs on the stepping path"),
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
        match &mut self.stepping {
            None => self.stats.set_busy(self.busy),
            Some(st) => st.places.set(req, slot as usize, IDLE),
        }
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
        self.abandon(req, sched.now(), sched);
        self.servers.update_levels(&mut self.stats);
        self.dispatch(sched);
    }

    /// Drops a live request: its running jobs free their slots at once and
    /// its queued jobs are skipped when they come up.
    fn abandon(&mut self, req: u32, now: SimTime, sched: &mut Scheduler<Event<S::Event>>) {
        let r = self.requests[req as usize];
        self.busy -= r.running as u64;
        self.servers.release_request(req, now);
        self.live_queued -= r.queued as u64;
        self.stats.set_queue(self.live_queued);
        // The request's id is freed first, so that its jobs left on CPUs
        // are no longer live when the CPUs look for their next completion.
        self.release(req);
        if self.stepping.is_some() {
            self.take_off_cpus(req, r.root, now, sched);
        } else {
            self.stats.set_busy(self.busy);
        }
    }

    /// Server `server` lost what it was running: every request with a job
    /// on it fails. Interruptions are rare, so a scan of the requests in
    /// flight is cheaper than keeping a list per server on every start.
    fn lose_work_on(&mut self, server: u32, sched: &mut Scheduler<Event<S::Event>>) {
        let now = sched.now();
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
            self.abandon(req, now, sched);
        }
    }
}

/// The stepping path: a job walks its plan one step at a time. Work joins
/// its server's CPU; a wait is a timer that holds the job's place; an
/// async call is made when the walk reaches it. A job that has walked its
/// whole plan ends at once, unless it has only just started: then it ends
/// through a [`Event::JobDone`] at the same instant, so that a job of no
/// work and no wait never recurses into starting queued work.
impl<S: Servers> FleetModel<S> {
    /// Walks job `job` from its current step until it must wait for its
    /// CPU work or its I/O, or has nothing left (`starting`: it has only
    /// just started).
    fn step_job(&mut self, job: JobRef, starting: bool, sched: &mut Scheduler<Event<S::Event>>) {
        let now = sched.now();
        let root = self.requests[job.req as usize].root;
        let node = (root + job.slot) as usize;
        let st = self.stepping.as_mut().expect("the stepping path");
        let Place { server, mut step } = st.places.get(job.req, job.slot as usize);
        let plan = &self.plans[node];
        while let Some(&s) = plan.get(step as usize) {
            match s {
                Step::Work(n) => {
                    let work = self.works.get(job.req, (n - root) as usize);
                    let work = run_time(work, self.speed);
                    if work > SimTime::ZERO {
                        st.places
                            .set(job.req, job.slot as usize, Place { server, step });
                        let before = st.cpus.busy_on(server);
                        st.cpus.add(server, job, work, now);
                        self.cpu_moved(server, before, sched);
                        return;
                    }
                }
                Step::Wait(n) => {
                    let wait = st.waits.get(job.req, (n - root) as usize);
                    if wait > SimTime::ZERO {
                        st.places
                            .set(job.req, job.slot as usize, Place { server, step });
                        let e = Event::WaitDone {
                            req: job.req,
                            epoch: job.epoch,
                            slot: job.slot,
                        };
                        sched.schedule_completion(now + wait, e, st.many_places);
                        return;
                    }
                }
                Step::Async(n) => {
                    self.requests[job.req as usize].outstanding += 1;
                    let e = Event::Spawn {
                        req: job.req,
                        epoch: job.epoch,
                        node: n,
                    };
                    sched.schedule(now, e);
                }
            }
            step += 1;
        }
        st.places
            .set(job.req, job.slot as usize, Place { server, step });
        if starting {
            let done = Event::JobDone {
                req: job.req,
                epoch: job.epoch,
                slot: job.slot,
            };
            sched.schedule(now, done);
        } else {
            self.on_job_done(job.req, job.epoch, job.slot, sched);
        }
    }

    /// The job's current step (its work or its wait) is done: on to the
    /// next.
    fn next_step(&mut self, job: JobRef, sched: &mut Scheduler<Event<S::Event>>) {
        let st = self.stepping.as_mut().expect("the stepping path");
        let mut place = st.places.get(job.req, job.slot as usize);
        place.step += 1;
        st.places.set(job.req, job.slot as usize, place);
        self.step_job(job, false, sched);
    }

    /// Server `server`'s CPU changed (a job joined, left or finished; it
    /// had `before` busy vCPUs): the levels follow, and its next
    /// completion is rescheduled.
    fn cpu_moved(&mut self, server: u32, before: u32, sched: &mut Scheduler<Event<S::Event>>) {
        let now = sched.now();
        let st = self.stepping.as_mut().expect("the stepping path");
        let after = st.cpus.busy_on(server);
        if after != before {
            self.servers.cpu_changed(server, before, after, now);
            self.stats.set_busy(st.cpus.busy());
        }
        let requests = &self.requests;
        let live = |j: JobRef| requests.is_current(j.req, j.epoch);
        if let Some(next) = st.cpus.next(server, now, live) {
            let e = Event::Cpu {
                server,
                generation: next.generation,
            };
            sched.schedule_completion(next.at, e, st.many_servers);
        }
    }

    fn on_cpu(&mut self, server: u32, generation: u32, sched: &mut Scheduler<Event<S::Event>>) {
        let now = sched.now();
        let st = self.stepping.as_mut().expect("the stepping path");
        let before = st.cpus.busy_on(server);
        let requests = &self.requests;
        let live = |j: JobRef| requests.is_current(j.req, j.epoch);
        let Some(job) = st.cpus.complete(server, generation, now, live) else {
            return;
        };
        self.cpu_moved(server, before, sched);
        self.next_step(job, sched);
    }

    /// A request abandoned on the stepping path (its id already freed):
    /// its jobs doing CPU work leave their CPUs, and its places are
    /// cleared.
    fn take_off_cpus(
        &mut self,
        req: u32,
        root: u32,
        now: SimTime,
        sched: &mut Scheduler<Event<S::Event>>,
    ) {
        let per = self.works.per();
        for slot in 0..per {
            let st = self.stepping.as_mut().expect("the stepping path");
            let place = st.places.get(req, slot);
            if place.server == NO_SERVER {
                continue;
            }
            st.places.set(req, slot, IDLE);
            let node = root as usize + slot;
            if let Some(Step::Work(_)) = self.plans[node].get(place.step as usize) {
                let before = st.cpus.busy_on(place.server);
                st.cpus.cancel(place.server, now);
                self.cpu_moved(place.server, before, sched);
            }
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
            Event::Cpu { server, generation } => self.on_cpu(server, generation, sched),
            Event::WaitDone { req, epoch, slot } => {
                if self.is_live(req, epoch) {
                    self.next_step(JobRef { req, epoch, slot }, sched);
                }
            }
            Event::Servers(e) => {
                self.servers.handle(e, &mut self.stats, sched);
                while let Some(server) = self.servers.lost_server() {
                    self.lose_work_on(server, sched);
                    self.servers.update_levels(&mut self.stats);
                }
                self.dispatch(sched);
            }
        }
    }
}
