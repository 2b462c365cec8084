//! A serverless platform (AWS Lambda as the reference): one function per
//! service, each with its own pool of instances (execution environments).
//!
//! # Rules
//! - An invocation takes a warm instance with spare capacity if one exists:
//!   provisioned instances first, then (with `instance_concurrency` > 1) a
//!   busy instance with a free slot, then an idle one chosen by
//!   `idle_selection` (most recently used by default, as Lambda does).
//!   Otherwise it starts a new instance: a **cold start** drawn from
//!   `cold_start`, during which the instance is busy and the request waits.
//! - A single-threaded handler at memory M runs a service's `work` (CPU time
//!   at one vCPU) in work × max(1, 1769 MB / M).
//! - An idle instance is reclaimed `keep_alive` after it last finished work;
//!   provisioned instances are never reclaimed. Expiry is exact: one timer
//!   per function, set for the oldest idle instance.
//! - **Limits.** An invocation needs a free execution under the account's
//!   `concurrency_limit` and the function's `reserved_concurrency`; a new
//!   instance also needs room in the function's `scale_rate` (at most N new
//!   instances per aligned window). Otherwise it is **throttled**: a
//!   synchronous invocation (from the gateway or a `sync` call) fails, and
//!   its request fails as `throttled`; every invocation of a failed request
//!   stops at its next call boundary. An asynchronous one waits in its
//!   function's event queue and runs when capacity frees (its wait is part
//!   of the latency).
//! - `call_mode` on the architecture overrides the declared mode of every
//!   call (the entry invocation, from the gateway, is always synchronous).
//! - An invocation runs its own work, then makes its calls in order. A sync
//!   call keeps the caller's instance busy, and billed, until the callee
//!   (and its sync callees) finish; an async call returns at once.
//!   `hop_latency` of the callee is added to every function-to-function
//!   invocation; the gateway adds `gateway_latency` before the entry
//!   function.
//! - **Billing**: per invocation, duration (cold start included) rounded up
//!   to 1 ms × memory GB × the GB-second price (the provisioned execution
//!   price on a provisioned instance), plus the per-request price; each
//!   provisioned instance costs its GB × the provisioned GB-second price for
//!   the whole run; the gateway charges per entry request. An invocation is
//!   billed when it ends; one still running at the end of the run is billed
//!   for what ran inside the run.

use super::{Kind, Outcome};
use crate::dist::Dist;
use crate::engine::{Model, Scheduler};
use crate::results::cost::CostBreakdown;
use crate::results::stats::{Collector, Level, RunStats};
use crate::results::summary::{
    FunctionResult, KindResult, LevelSummary, PriceNote, ServerlessResult,
};
use crate::rng::{self, Stream};
use crate::scenario::{CallMode, FunctionSpec, IdleSelection, Scenario, ServerlessSpec};

use super::calls::{CallStepper, Invocation, NIL, Released};
use super::requests::Upcoming;
use crate::time::SimTime;
use std::collections::{BinaryHeap, VecDeque};

#[derive(Clone, Copy, Debug)]
pub enum Event {
    Arrival,
    /// An invocation reaches its function (after gateway or hop latency).
    Invoke {
        inv: u32,
    },
    /// An invocation's own work (and cold start) is done: make its calls.
    Resume {
        inv: u32,
    },
    /// The oldest idle instance of a function may have expired.
    Expire {
        func: u32,
    },
    /// A new scale-rate window opens for a function with queued events.
    ScaleWindow {
        func: u32,
    },
}

#[derive(Clone, Copy, Debug)]
struct Instance {
    func: u32,
    active: u32,
    started: SimTime,
    /// When it last became idle.
    last_used: SimTime,
    provisioned: bool,
    alive: bool,
    /// When its cold start ends: invocations that join it earlier (with
    /// `instance_concurrency` > 1) wait for it too.
    ready_at: SimTime,
    /// Links of the function's idle list (oldest first).
    prev: u32,
    next: u32,
    /// Bumped whenever it enters or leaves the idle list, to spot stale
    /// entries of the `newest` heap.
    idle_epoch: u32,
}

enum Blocked {
    Concurrency,
    ScaleRate,
}

/// One function's pool, limits and tallies.
struct Function {
    spec: FunctionSpec,
    slowdown: f64,
    cold_start: Dist,
    cap: u32,
    busy: u32,
    instances: u32,
    idle_head: u32,
    idle_tail: u32,
    idle_count: u32,
    provisioned_idle: Vec<u32>,
    /// Instances with 0 < active < instance_concurrency (entries may be stale).
    partial: Vec<u32>,
    /// Idle instances by start time, for `newest` (entries may be stale).
    newest: BinaryHeap<(SimTime, u32, u32)>,
    /// Async invocations waiting for capacity.
    queue: VecDeque<u32>,
    expire_pending: bool,
    scale_window: SimTime,
    scale_created: u32,
    scale_wake_pending: bool,
    // Tallies over the measured period.
    invocations: u64,
    cold_starts: u64,
    throttled: u64,
    async_throttled: u64,
    billed_gb_seconds: f64,
    /// Invocations billed: when they end, or at the end of the run.
    billed_invocations: u64,
    compute_usd: f64,
    requests_usd: f64,
    instances_level: Level,
    idle_level: Level,
}

pub struct ServerlessModel {
    upcoming: Upcoming,
    warmup: SimTime,
    /// The call tree (each node's function) and the records in flight.
    calls: CallStepper,
    functions: Vec<Function>,
    concurrency_limit: u32,
    gateway_latency: SimTime,
    gateway_price: f64,
    account_busy: u32,
    total_instances: u64,
    total_level: Level,
    /// Idle instances across functions, provisioned ones included.
    total_idle: u64,
    queued: u64,
    cold_rng: Stream,
    instances: Vec<Instance>,
    free_instances: Vec<u32>,
    in_system: u64,
    cold_completed: u64,
    gateway_usd: f64,
    provisioned_rate: f64,
    /// Reused marks for compacting the `partial` lists.
    scratch: Vec<bool>,
    pub stats: Collector,
}

/// How long a function's lazily cleaned lists may grow before they are
/// compacted: twice its instances, and some slack so small pools never
/// compact.
#[inline]
fn stale_limit(instances: u32) -> usize {
    2 * instances as usize + 64
}

impl ServerlessModel {
    pub fn new(scenario: &Scenario, spec: &ServerlessSpec, replication: u32) -> Self {
        let upcoming = Upcoming::new(scenario, replication);
        let functions = spec
            .functions
            .iter()
            .map(|f| Function {
                spec: f.clone(),
                slowdown: f.slowdown(),
                cold_start: f.cold_start.clone(),
                cap: f.reserved_concurrency.unwrap_or(u32::MAX),
                busy: 0,
                instances: 0,
                idle_head: NIL,
                idle_tail: NIL,
                idle_count: 0,
                provisioned_idle: Vec::new(),
                partial: Vec::new(),
                newest: BinaryHeap::new(),
                queue: VecDeque::new(),
                expire_pending: false,
                scale_window: SimTime::ZERO,
                scale_created: 0,
                scale_wake_pending: false,
                invocations: 0,
                cold_starts: 0,
                throttled: 0,
                async_throttled: 0,
                billed_gb_seconds: 0.0,
                billed_invocations: 0,
                compute_usd: 0.0,
                requests_usd: 0.0,
                instances_level: Level::default(),
                idle_level: Level::default(),
            })
            .collect();
        let provisioned_rate = spec
            .functions
            .iter()
            .map(|f| f.provisioned as f64 * f.memory_gb() * f.pricing.provisioned_gb_second)
            .sum();
        let mut stats = Collector::new(scenario.warmup, scenario.window, 0.0);
        stats.set_cost_rate(provisioned_rate);
        ServerlessModel {
            calls: CallStepper::new(
                &scenario.calls,
                upcoming.works_per_request(),
                // The entry invocation, from the gateway, is always synchronous.
                |i, n| i == 0 || spec.call_mode.unwrap_or(n.mode) == CallMode::Sync,
                |n| spec.functions[n.service].hop_latency,
            ),
            upcoming,
            warmup: scenario.warmup,
            functions,
            concurrency_limit: spec.concurrency_limit,
            gateway_latency: spec.gateway_latency,
            gateway_price: spec
                .functions
                .first()
                .map_or(0.0, |f| f.pricing.gateway_per_million)
                / 1e6,
            account_busy: 0,
            total_instances: 0,
            total_level: Level::default(),
            total_idle: 0,
            queued: 0,
            cold_rng: rng::stream(scenario.seed, replication, rng::purpose::COLD_START),
            instances: Vec::with_capacity(1024),
            free_instances: Vec::new(),
            in_system: 0,
            cold_completed: 0,
            gateway_usd: 0.0,
            provisioned_rate,
            scratch: Vec::new(),
            stats,
        }
    }

    #[inline]
    fn counted(&self, t: SimTime) -> bool {
        t >= self.warmup
    }

    // ---- instances -------------------------------------------------------

    fn new_instance(&mut self, func: u32, now: SimTime, provisioned: bool) -> u32 {
        let inst = Instance {
            func,
            active: 0,
            started: now,
            last_used: now,
            provisioned,
            alive: true,
            ready_at: now,
            prev: NIL,
            next: NIL,
            idle_epoch: 0,
        };
        let id = match self.free_instances.pop() {
            Some(id) => {
                let epoch = self.instances[id as usize].idle_epoch;
                self.instances[id as usize] = Instance {
                    idle_epoch: epoch.wrapping_add(1),
                    ..inst
                };
                id
            }
            None => {
                self.instances.push(inst);
                (self.instances.len() - 1) as u32
            }
        };
        let warmup = self.warmup;
        let f = &mut self.functions[func as usize];
        f.instances += 1;
        f.instances_level.set(now, f.instances as u64, warmup);
        self.total_instances += 1;
        self.total_level.set(now, self.total_instances, warmup);
        self.stats.set_servers(self.total_instances);
        id
    }

    #[inline]
    fn set_total_idle(&mut self, delta: i64) {
        self.total_idle = self.total_idle.wrapping_add_signed(delta);
        self.stats.set_idle(self.total_idle);
    }

    fn unlink_idle(&mut self, id: u32, now: SimTime) {
        let Instance {
            prev, next, func, ..
        } = self.instances[id as usize];
        let f = &mut self.functions[func as usize];
        if prev == NIL {
            f.idle_head = next;
        } else {
            self.instances[prev as usize].next = next;
        }
        if next == NIL {
            f.idle_tail = prev;
        } else {
            self.instances[next as usize].prev = prev;
        }
        f.idle_count -= 1;
        f.idle_level.set(now, f.idle_count as u64, self.warmup);
        self.set_total_idle(-1);
        let i = &mut self.instances[id as usize];
        i.prev = NIL;
        i.next = NIL;
        i.idle_epoch = i.idle_epoch.wrapping_add(1);
    }

    /// The instance finished its last invocation at `now`.
    fn become_idle(&mut self, id: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let inst = self.instances[id as usize];
        self.set_total_idle(1);
        let f = &mut self.functions[inst.func as usize];
        if inst.provisioned {
            f.provisioned_idle.push(id);
            return;
        }
        let tail = f.idle_tail;
        if tail == NIL {
            f.idle_head = id;
        } else {
            self.instances[tail as usize].next = id;
        }
        f.idle_tail = id;
        f.idle_count += 1;
        f.idle_level.set(now, f.idle_count as u64, self.warmup);
        let i = &mut self.instances[id as usize];
        i.prev = tail;
        i.next = NIL;
        i.last_used = now;
        i.idle_epoch = i.idle_epoch.wrapping_add(1);
        if f.spec.idle_selection == IdleSelection::Newest {
            f.newest.push((i.started, id, i.idle_epoch));
        }
        if !f.expire_pending {
            f.expire_pending = true;
            sched.schedule(now + f.spec.keep_alive, Event::Expire { func: inst.func });
        }
        self.keep_lists_lean(inst.func);
    }

    /// Bounds a function's lazily cleaned lists. Stale entries of the
    /// `newest` heap and the `partial` list are dropped when popped, but an
    /// instance that expires below newer ones leaves its entry behind, so
    /// without this the lists could grow with the length of the run. Once a
    /// list is over twice the function's instances (plus slack) it is
    /// compacted: amortised O(1) per entry pushed.
    #[inline]
    fn keep_lists_lean(&mut self, func: u32) {
        let f = &self.functions[func as usize];
        let limit = stale_limit(f.instances);
        if f.newest.len() > limit {
            self.compact_newest(func);
        }
        if self.functions[func as usize].partial.len() > limit {
            self.compact_partial(func);
        }
    }

    #[cold]
    fn compact_newest(&mut self, func: u32) {
        let instances = &self.instances;
        self.functions[func as usize]
            .newest
            .retain(|&(_, id, epoch)| {
                let i = &instances[id as usize];
                i.alive && i.idle_epoch == epoch && i.active == 0
            });
    }

    #[cold]
    fn compact_partial(&mut self, func: u32) {
        let k = self.functions[func as usize].spec.instance_concurrency;
        let instances = &self.instances;
        let seen = &mut self.scratch;
        seen.clear();
        seen.resize(instances.len(), false);
        let partial = &mut self.functions[func as usize].partial;
        // Walk from the top (the end), keep what is live and first seen.
        let mut kept = 0;
        for r in (0..partial.len()).rev() {
            let id = partial[r];
            let i = &instances[id as usize];
            if i.alive && i.func == func && i.active > 0 && i.active < k && !seen[id as usize] {
                seen[id as usize] = true;
                kept += 1;
                let w = partial.len() - kept;
                partial[w] = id;
            }
        }
        let n = partial.len();
        partial.drain(..n - kept);
    }

    fn on_expire(&mut self, func: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let keep_alive = self.functions[func as usize].spec.keep_alive;
        self.functions[func as usize].expire_pending = false;
        loop {
            let head = self.functions[func as usize].idle_head;
            if head == NIL {
                break;
            }
            let deadline = self.instances[head as usize].last_used + keep_alive;
            if deadline > now {
                // The old head was reused; wake again for the new one.
                self.functions[func as usize].expire_pending = true;
                sched.schedule(deadline, Event::Expire { func });
                break;
            }
            self.unlink_idle(head, now);
            self.instances[head as usize].alive = false;
            self.free_instances.push(head);
            let warmup = self.warmup;
            let f = &mut self.functions[func as usize];
            f.instances -= 1;
            f.instances_level.set(now, f.instances as u64, warmup);
            self.total_instances -= 1;
            self.total_level.set(now, self.total_instances, warmup);
            self.stats.set_servers(self.total_instances);
        }
        // Fewer instances: the lists' allowance shrinks with them.
        self.keep_lists_lean(func);
    }

    /// Finds capacity for one invocation of `func`: a warm instance, or a
    /// new (cold) one. Returns the instance and whether it is cold.
    fn acquire(&mut self, func: u32, now: SimTime) -> Result<(u32, bool), Blocked> {
        let fi = func as usize;
        {
            let f = &self.functions[fi];
            if self.account_busy >= self.concurrency_limit || f.busy >= f.cap {
                return Err(Blocked::Concurrency);
            }
        }
        if let Some(id) = self.functions[fi].provisioned_idle.pop() {
            self.set_total_idle(-1);
            return Ok((id, false));
        }
        let k = self.functions[fi].spec.instance_concurrency;
        if k > 1 {
            while let Some(id) = self.functions[fi].partial.pop() {
                let i = &self.instances[id as usize];
                // Entries may be stale: the id may since have been reused,
                // even by another function.
                if i.alive && i.func == func && i.active > 0 && i.active < k {
                    return Ok((id, false));
                }
            }
        }
        let f = &mut self.functions[fi];
        let warm = match f.spec.idle_selection {
            IdleSelection::Mru => f.idle_tail,
            IdleSelection::Lru => f.idle_head,
            IdleSelection::Newest => loop {
                match f.newest.pop() {
                    None => break NIL,
                    Some((_, id, epoch)) => {
                        let i = &self.instances[id as usize];
                        if i.alive && i.idle_epoch == epoch && i.active == 0 {
                            break id;
                        }
                    }
                }
            },
        };
        if warm != NIL {
            self.unlink_idle(warm, now);
            return Ok((warm, false));
        }
        let per = f.spec.scale_per;
        if now >= f.scale_window + per {
            f.scale_window = SimTime(now.as_nanos() - now.as_nanos() % per.as_nanos());
            f.scale_created = 0;
        }
        if f.scale_created >= f.spec.scale_instances {
            return Err(Blocked::ScaleRate);
        }
        f.scale_created += 1;
        let id = self.new_instance(func, now, false);
        Ok((id, true))
    }

    // ---- invocations -----------------------------------------------------

    fn on_invoke(&mut self, inv: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let Invocation { req, node, .. } = self.calls.invocations[inv as usize];
        let func = self.calls.target(node);
        if self.calls.requests[req as usize].failed {
            // Its request already failed: do not start new work for it.
            self.release_invocation(inv, now, sched);
            return;
        }
        match self.acquire(func, now) {
            Ok((instance, cold)) => self.start_invocation(inv, instance, cold, now, sched),
            Err(why) => {
                let counted = self.counted(now);
                let f = &mut self.functions[func as usize];
                if self.calls.is_sync(node) {
                    if counted {
                        f.throttled += 1;
                    }
                    let r = &mut self.calls.requests[req as usize];
                    if !r.failed {
                        r.failed = true;
                        self.stats.on_throttle(r.arrival);
                    }
                    self.release_invocation(inv, now, sched);
                } else {
                    if counted {
                        f.async_throttled += 1;
                    }
                    f.queue.push_back(inv);
                    self.queued += 1;
                    self.stats.set_queue(self.queued);
                    if let Blocked::ScaleRate = why {
                        self.wake_at_next_window(func, sched);
                    }
                }
            }
        }
    }

    fn wake_at_next_window(&mut self, func: u32, sched: &mut Scheduler<Event>) {
        let f = &mut self.functions[func as usize];
        if !f.scale_wake_pending {
            f.scale_wake_pending = true;
            sched.schedule(
                f.scale_window + f.spec.scale_per,
                Event::ScaleWindow { func },
            );
        }
    }

    fn start_invocation(
        &mut self,
        inv: u32,
        instance: u32,
        cold: bool,
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        let Invocation { req, node, .. } = self.calls.invocations[inv as usize];
        let func = self.calls.target(node);
        let counted = self.counted(now);
        let i = &mut self.instances[instance as usize];
        i.active += 1;
        let partial = i.active < self.functions[func as usize].spec.instance_concurrency;
        let f = &mut self.functions[func as usize];
        if partial {
            f.partial.push(instance);
            self.keep_lists_lean(func);
        }
        let f = &mut self.functions[func as usize];
        f.busy += 1;
        self.account_busy += 1;
        self.stats.set_busy(self.account_busy as u64);
        if counted {
            f.invocations += 1;
        }
        let root = self.calls.requests[req as usize].root;
        let work = self.calls.works.get(req, (node - root) as usize);
        let mut delay = if f.slowdown == 1.0 {
            work
        } else {
            SimTime((work.as_nanos() as f64 * f.slowdown + 0.5) as u64)
        };
        if cold {
            let init = f.cold_start.sample(&mut self.cold_rng);
            self.instances[instance as usize].ready_at = now + init;
            if counted {
                f.cold_starts += 1;
            }
            self.stats.on_cold_start();
        }
        // The cold start of this instance, or what is left of it for an
        // invocation that joins an instance still initialising.
        let init = self.instances[instance as usize]
            .ready_at
            .saturating_sub(now);
        if init > SimTime::ZERO {
            delay += init;
            self.calls.requests[req as usize].cold = true;
        }
        if node == root {
            // The wait of a request: until its entry handler starts running.
            let arrival = self.calls.requests[req as usize].arrival;
            self.stats.on_start(arrival, now + init);
        }
        let v = &mut self.calls.invocations[inv as usize];
        v.holder = instance;
        v.start = now;
        sched.schedule(now + delay, Event::Resume { inv });
    }

    /// Makes the invocation's remaining calls; ends it when none remain.
    fn resume(&mut self, inv: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        if self
            .calls
            .step(inv, now, sched, |c| Event::Invoke { inv: c })
        {
            self.end_invocation(inv, now, sched);
        }
    }

    fn end_invocation(&mut self, inv: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let Invocation {
            node,
            holder: instance,
            start,
            ..
        } = self.calls.invocations[inv as usize];
        let func = self.calls.target(node);
        let counted = self.counted(now);
        let i = &mut self.instances[instance as usize];
        i.active -= 1;
        let (active, provisioned) = (i.active, i.provisioned);
        let f = &mut self.functions[func as usize];
        f.busy -= 1;
        self.account_busy -= 1;
        self.stats.set_busy(self.account_busy as u64);
        let k = f.spec.instance_concurrency;
        self.bill(func, provisioned, now - start, counted);
        if active == 0 {
            self.become_idle(instance, now, sched);
        } else if active + 1 == k {
            self.functions[func as usize].partial.push(instance);
            self.keep_lists_lean(func);
        }
        self.release_invocation(inv, now, sched);
        if self.queued > 0 {
            self.drain(now, sched);
        }
    }

    /// Bills one invocation that ran for `ran`: its duration rounded up to
    /// the millisecond times its memory, at the on-demand or provisioned
    /// rate, plus the request fee; into the results if `counted`.
    fn bill(&mut self, func: u32, provisioned: bool, ran: SimTime, counted: bool) {
        let f = &mut self.functions[func as usize];
        let ms = ran.as_nanos().div_ceil(1_000_000);
        let gb_seconds = ms as f64 / 1e3 * f.spec.memory_gb();
        let rate = if provisioned {
            f.spec.pricing.provisioned_execution_gb_second
        } else {
            f.spec.pricing.gb_second
        };
        let request = f.spec.pricing.request_per_million / 1e6;
        if counted {
            f.billed_gb_seconds += gb_seconds;
            f.billed_invocations += 1;
            f.compute_usd += gb_seconds * rate;
            f.requests_usd += request;
        }
        self.stats.add_cost(gb_seconds * rate + request);
    }

    /// Frees the invocation record and resumes its waiting caller, or
    /// closes the request when nothing of it remains.
    fn release_invocation(&mut self, inv: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        match self.calls.release(inv) {
            Released::Caller(parent) => self.resume(parent, now, sched),
            Released::Request(req) => {
                let r = self.calls.close(req);
                if !r.failed {
                    self.stats.on_complete(r.arrival, now);
                    if r.cold && self.counted(r.arrival) {
                        self.cold_completed += 1;
                    }
                }
                self.in_system -= 1;
                self.stats.set_in_system(self.in_system);
            }
            Released::Pending => {}
        }
    }

    /// Starts queued async invocations while capacity allows.
    fn drain(&mut self, now: SimTime, sched: &mut Scheduler<Event>) {
        for func in 0..self.functions.len() as u32 {
            while let Some(&inv) = self.functions[func as usize].queue.front() {
                let req = self.calls.invocations[inv as usize].req;
                if self.calls.requests[req as usize].failed {
                    // Its request failed while it waited: drop it unrun.
                    self.functions[func as usize].queue.pop_front();
                    self.queued -= 1;
                    self.stats.set_queue(self.queued);
                    self.release_invocation(inv, now, sched);
                    continue;
                }
                match self.acquire(func, now) {
                    Ok((instance, cold)) => {
                        self.functions[func as usize].queue.pop_front();
                        self.queued -= 1;
                        self.stats.set_queue(self.queued);
                        self.start_invocation(inv, instance, cold, now, sched);
                    }
                    Err(Blocked::ScaleRate) => {
                        self.wake_at_next_window(func, sched);
                        break;
                    }
                    Err(Blocked::Concurrency) => break,
                }
            }
            if self.queued == 0 {
                return;
            }
        }
    }

    fn on_arrival(&mut self, now: SimTime, sched: &mut Scheduler<Event>) {
        self.stats.on_arrival(now);
        if self.counted(now) {
            self.gateway_usd += self.gateway_price;
        }
        self.stats.add_cost(self.gateway_price);
        let (_, inv) = self.calls.admit(now, &self.upcoming);
        self.in_system += 1;
        self.stats.set_in_system(self.in_system);
        if self.gateway_latency == SimTime::ZERO {
            self.on_invoke(inv, now, sched);
        } else {
            sched.schedule(now + self.gateway_latency, Event::Invoke { inv });
        }
        self.upcoming.stage(sched, Event::Arrival);
    }

    /// Closes the run at `end`: statistics, per-function results and cost.
    pub fn finish(mut self, end: SimTime, free_tier: bool) -> ServerlessRun {
        let warmup = self.warmup;
        // Invocations still running at the end have been billed for what
        // ran inside the run, as a fleet's servers are: the run's cost
        // should not depend on whether its last invocations happened to
        // end just before or just after it.
        let running: Vec<(u32, bool, SimTime)> = self
            .calls
            .invocations
            .live()
            .filter(|v| v.holder != NIL)
            .map(|v| {
                let provisioned = self.instances[v.holder as usize].provisioned;
                (self.calls.target(v.node), provisioned, end - v.start)
            })
            .collect();
        for (func, provisioned, ran) in running {
            self.bill(func, provisioned, ran, self.counted(end));
        }
        let in_flight = self.calls.in_flight(warmup);
        let measured_s = (end - warmup).as_secs_f64();
        let mut functions = Vec::with_capacity(self.functions.len());
        let mut total = CostBreakdown {
            gateway_usd: self.gateway_usd,
            provisioned_usd: self.provisioned_rate * measured_s,
            ..Default::default()
        };
        let mut idle_gb_seconds = 0.0;
        for f in &mut self.functions {
            let idle = f.idle_level.summary(end, warmup);
            let idle_gb_s = idle.mean * measured_s * f.spec.memory_gb();
            idle_gb_seconds += idle_gb_s;
            let cost = CostBreakdown {
                compute_usd: f.compute_usd,
                requests_usd: f.requests_usd,
                provisioned_usd: f.spec.provisioned as f64
                    * f.spec.memory_gb()
                    * f.spec.pricing.provisioned_gb_second
                    * measured_s,
                ..Default::default()
            };
            total.compute_usd += cost.compute_usd;
            total.requests_usd += cost.requests_usd;
            functions.push(FunctionResult {
                name: f.spec.name.clone(),
                memory_mb: f.spec.memory_mb,
                invocations: f.invocations,
                cold_starts: f.cold_starts,
                throttled: f.throttled,
                async_throttled: f.async_throttled,
                instances: f.instances_level.summary(end, warmup),
                provisioned: f.spec.provisioned,
                idle_gb_seconds: idle_gb_s,
                billed_gb_seconds: f.billed_gb_seconds,
                billed_invocations: f.billed_invocations,
                cost,
            });
        }
        if free_tier {
            apply_free_tier(&mut total, &functions, measured_s);
        }
        let instances = self.total_level.summary(end, warmup);
        let stats = self.stats.finish(end, in_flight);
        ServerlessRun {
            cold_completed: self.cold_completed,
            instances,
            idle_gb_seconds,
            functions,
            cost: total,
            stats,
        }
    }
}

/// The monthly free tier (1 M requests, 400,000 GB-s), pro rata to the
/// measured period, taken off the request and compute charges.
fn apply_free_tier(total: &mut CostBreakdown, functions: &[FunctionResult], measured_s: f64) {
    use crate::scenario::catalog::lambda_defaults as d;
    let share = measured_s / (crate::results::cost::HOURS_PER_MONTH * 3600.0);
    let requests: u64 = functions.iter().map(|f| f.billed_invocations).sum();
    let gb_seconds: f64 = functions.iter().map(|f| f.billed_gb_seconds).sum();
    if requests > 0 {
        let per_request = total.requests_usd / requests as f64;
        let free = (d::FREE_REQUESTS_PER_MONTH * share).min(requests as f64);
        total.requests_usd -= free * per_request;
    }
    if gb_seconds > 0.0 {
        let per_gb_s = total.compute_usd / gb_seconds;
        let free = (d::FREE_GB_SECONDS_PER_MONTH * share).min(gb_seconds);
        total.compute_usd -= free * per_gb_s;
    }
}

/// What a finished serverless run hands to the summary.
pub struct ServerlessRun {
    /// Completed (counted) requests that met a cold start.
    pub cold_completed: u64,
    pub instances: LevelSummary,
    pub idle_gb_seconds: f64,
    pub functions: Vec<FunctionResult>,
    pub cost: CostBreakdown,
    pub stats: RunStats,
}

impl Model for ServerlessModel {
    type Event = Event;

    /// Creates the provisioned instances and schedules the first arrival.
    fn start(&mut self, sched: &mut Scheduler<Event>) {
        let mut provisioned = 0;
        for f in 0..self.functions.len() {
            for _ in 0..self.functions[f].spec.provisioned {
                let id = self.new_instance(f as u32, SimTime::ZERO, true);
                self.functions[f].provisioned_idle.push(id);
                provisioned += 1;
            }
        }
        self.stats.set_provisioned(provisioned);
        self.set_total_idle(provisioned as i64);
        self.upcoming.stage(sched, Event::Arrival);
    }

    #[inline]
    fn handle(&mut self, event: Event, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        self.stats.advance(now);
        match event {
            Event::Arrival => self.on_arrival(now, sched),
            Event::Invoke { inv } => self.on_invoke(inv, now, sched),
            Event::Resume { inv } => self.resume(inv, now, sched),
            Event::Expire { func } => self.on_expire(func, now, sched),
            Event::ScaleWindow { func } => {
                self.functions[func as usize].scale_wake_pending = false;
                if self.queued > 0 {
                    self.drain(now, sched);
                }
            }
        }
    }
}

impl Kind for ServerlessSpec {
    type Model = ServerlessModel;

    fn build(&self, scenario: &Scenario, replication: u32) -> ServerlessModel {
        ServerlessModel::new(scenario, self, replication)
    }

    fn finish(&self, scenario: &Scenario, model: ServerlessModel) -> Outcome {
        let run = model.finish(scenario.duration, self.free_tier);
        let stats = run.stats;
        // Executions over instance capacity (instances × per-instance slots).
        let slots: f64 = run
            .functions
            .iter()
            .zip(&self.functions)
            .map(|(r, f)| r.instances.mean * f.instance_concurrency as f64)
            .sum();
        let busy = stats.mean_level(stats.measured_areas.busy);
        let c = stats.counts;
        let details = ServerlessResult {
            cold_starts: run.functions.iter().map(|f| f.cold_starts).sum(),
            cold_start_fraction: if c.completed > 0 {
                run.cold_completed as f64 / c.completed as f64
            } else {
                0.0
            },
            throttled: run.functions.iter().map(|f| f.throttled).sum(),
            async_throttled: run.functions.iter().map(|f| f.async_throttled).sum(),
            instances: run.instances,
            idle_gb_seconds: run.idle_gb_seconds,
            functions: run.functions,
        };
        Outcome {
            stats,
            servers: run.instances.peak as u32,
            instance: format!("{} function(s)", self.functions.len()),
            utilization: if slots > 0.0 { busy / slots } else { 0.0 },
            cost: run.cost,
            prices: price_notes(self),
            details: KindResult::Serverless(details),
        }
    }
}

/// The prices a serverless bill used: each distinct duration price, the
/// invocation fee, and provisioned concurrency and the gateway if used.
fn price_notes(spec: &ServerlessSpec) -> Vec<PriceNote> {
    let note = |item: String,
                price_usd: f64,
                unit: &str,
                p: &crate::scenario::catalog::ServerlessPricing| {
        PriceNote {
            item,
            price_usd,
            unit: unit.into(),
            source: p.source.clone(),
            date: p.date.clone(),
        }
    };
    let mut prices = Vec::new();
    let mut seen = Vec::new();
    for f in &spec.functions {
        let p = &f.pricing;
        let key = (f.cpu, p.gb_second.to_bits());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        prices.push(note(
            format!("function duration ({:?})", f.cpu),
            p.gb_second,
            "GB-second",
            p,
        ));
    }
    let p = &spec.functions[0].pricing;
    prices.push(note(
        "function invocations".into(),
        p.request_per_million,
        "million requests",
        p,
    ));
    if spec.functions.iter().any(|f| f.provisioned > 0) {
        prices.push(note(
            "provisioned concurrency".into(),
            p.provisioned_gb_second,
            "GB-second",
            p,
        ));
    }
    if p.gateway_per_million > 0.0 {
        prices.push(note(
            format!("API gateway ({:?})", spec.gateway),
            p.gateway_per_million,
            "million requests",
            p,
        ));
    }
    prices
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ArchitectureSpec;

    /// A steady 100 concurrent invocations with bursts to 400 every two
    /// minutes or so. After a burst the steady load moves to the newest
    /// instances and the older ones expire below them: uncompacted, the
    /// `newest` heap reaches 3.5 entries per instance.
    const BURSTS: &str = r#"
name = "t"
duration = "2h"
[demand]
shape = "bursty"
states = [{ rps = 100, mean_sojourn = "110s" }, { rps = 400, mean_sojourn = "10s" }]
[[services]]
name = "f"
work = "1s"
[[architectures]]
name = "l"
kind = "serverless"
keep_alive = "30s"
"#;

    /// Steps the scenario's only architecture event by event and checks
    /// after each that both lists are within their allowance; returns how
    /// many events found a list at more than its steady-state share.
    fn lists_stay_lean(text: &str) -> u64 {
        let scenario = crate::scenario::parse(text, std::path::Path::new("t.toml")).unwrap();
        let ArchitectureSpec::Serverless(spec) = &scenario.architectures[0].spec else {
            panic!("serverless");
        };
        let mut m = ServerlessModel::new(&scenario, spec, 0);
        let mut sched = Scheduler::new();
        m.start(&mut sched);
        let mut crowded = 0;
        while let Some((_, event)) = sched.pop_before(scenario.duration) {
            m.handle(event, &mut sched);
            let f = &m.functions[0];
            let limit = stale_limit(f.instances);
            assert!(f.newest.len() <= limit, "{} > {limit}", f.newest.len());
            assert!(f.partial.len() <= limit, "{} > {limit}", f.partial.len());
            crowded += (f.newest.len().max(f.partial.len()) > limit / 2) as u64;
        }
        assert!(m.functions[0].cold_starts > 5_000);
        crowded
    }

    #[test]
    fn stale_newest_entries_are_compacted() {
        let crowded = lists_stay_lean(&format!("{BURSTS}idle_selection = \"newest\"\n"));
        assert!(crowded > 0, "the compaction is exercised");
    }

    #[test]
    fn stale_partial_entries_are_compacted() {
        lists_stay_lean(&format!("{BURSTS}instance_concurrency = 4\n"));
    }
}
