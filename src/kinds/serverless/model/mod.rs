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
//!   at one vCPU) in work × max(1, 1769 MB / M), then its `wait` on I/O,
//!   which holds the instance (and is billed) but is not slowed.
//! - A Cloud Run instance of V vCPUs taking more than V requests at once
//!   shares its vCPUs among the work of the requests on it (processor
//!   sharing, as on a server: `crate::architectures::sharing`); at or
//!   below V each runs at full speed.
//! - An idle instance is reclaimed `keep_alive` after it last finished work;
//!   provisioned instances are never reclaimed. Expiry is exact: one timer
//!   per function, set for the oldest idle instance. Under the
//!   hybrid-histogram policy (`keep_alive`) each idle instance has its own
//!   deadline, and an instance may be unloaded at once and pre-warmed
//!   later, off the request path.
//! - **Recycling.** With `max_lifetime`, an on-demand instance that old
//!   takes no new invocation: it is retired when its last one ends, or at
//!   that age if it is idle then, so the next invocation it would have
//!   served starts cold. Provisioned instances are not recycled (the
//!   platform replaces them off the request path).
//! - **Limits.** An invocation needs a free execution under the account's
//!   `concurrency_limit` and the function's `reserved_concurrency`; a new
//!   instance also needs room in the function's `scale_rate` (a token
//!   bucket of N new instances refilled over its period, in `scale_rate`).
//!   Otherwise it is **throttled**: a
//!   synchronous invocation (from the gateway or a `sync` call) fails, and
//!   its request fails as `throttled`; every invocation of a failed request
//!   stops at its next call boundary. An asynchronous one waits in its
//!   function's event queue and runs when capacity frees (its wait is part
//!   of the latency).
//! - **Maximum instances** (Cloud Run's `max_instances`). A new instance
//!   also needs the function below its maximum; a synchronous invocation
//!   that finds no room waits, first in first out, for a slot to free, up
//!   to `pending_timeout`, and is then throttled (HTTP 429) as above.
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
//!
//! # Layout
//! This module holds the model's state and its event dispatch; an
//! invocation's life is in `invocations`, a function's instances and
//! limits in `instances`, the keep-alive policies (fixed and hybrid
//! histogram) that decide when idle instances go in `keep_alive`, and the
//! bill and the kind's outcome in `billing`.

use crate::dist::Dist;
use crate::engine::{Model, Scheduler};
use crate::kinds::serverless::spec::{FunctionSpec, ServerlessSpec};
use crate::results::stats::{Collector, Level};
use crate::rng::{self, Stream};
use crate::scenario::{CallMode, Scenario};

use crate::architectures::calls::{CallStepper, NIL};
use crate::architectures::requests::Upcoming;
use crate::architectures::sharing::Cpus;
use crate::time::SimTime;
use std::collections::{BinaryHeap, VecDeque};

mod autoscaler;
mod billing;
mod instance_time;
mod instances;
mod invocations;
mod keep_alive;
mod recycling;
mod rotation;
mod scale_rate;
mod scaling;

use crate::kinds::serverless::results::{ColdStartCauses, Limit, RefusedBy};
use autoscaler::Autoscaler;
use keep_alive::KeepAlive;
use recycling::Losses;
use rotation::Set;
use scale_rate::ScaleRate;
use scaling::Scaling;

use crate::architectures::{Outcome, Simulate, simulate};
use crate::engine::Queues;
pub use billing::ServerlessRun;

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
    /// On an instance whose requests share its vCPUs: an invocation's
    /// cold start is over, and its work joins the instance's CPU.
    Compute {
        inv: u32,
    },
    /// On such an instance: the next invocation on its CPU finishes its
    /// work, if nothing changed there since (`generation`).
    Cpu {
        instance: u32,
        generation: u32,
    },
    /// The oldest idle instance of a function may have expired.
    Expire {
        func: u32,
    },
    /// A pre-warm of the hybrid-histogram policy is due (stale unless the
    /// function's idle spell is still `epoch`).
    Prewarm {
        func: u32,
        epoch: u32,
    },
    /// The oldest request held pending at a function's `max_instances`
    /// may have waited its `pending_timeout`.
    PendingTimeout {
        func: u32,
    },
    /// A function with queued events may start a new instance again.
    ScaleWindow {
        func: u32,
    },
    /// Cloud Run's autoscaler evaluates a service.
    Scale {
        func: u32,
    },
    /// An instance the autoscaler started is ready.
    Ready {
        id: u32,
    },
    /// An idle instance reaches its `max_lifetime` (stale unless it is
    /// still idle in the same spell: `epoch` is its `idle_epoch`).
    Retire {
        id: u32,
        epoch: u32,
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
    /// Started by the hybrid policy's pre-warm and idle since: its idle
    /// time may be billed (`bill_prewarm`).
    prewarmed: bool,
    alive: bool,
    /// Worn out (`max_lifetime`) while busy and already counted as lost
    /// to recycling: it takes no new invocation and retires when idle.
    retiring: bool,
    /// When its cold start ends: invocations that join it earlier (with
    /// `instance_concurrency` > 1) wait for it too.
    ready_at: SimTime,
    /// When it last went from no invocation to one (Cloud Run's
    /// request-based billing bills each such period).
    busy_since: SimTime,
    /// Links of the function's idle list (oldest first), or of its list
    /// by load under Cloud Run's autoscaler (`rotation`).
    prev: u32,
    next: u32,
    /// Bumped whenever it enters or leaves the idle list, to spot stale
    /// entries of the `newest` heap.
    idle_epoch: u32,
    /// Under Cloud Run's autoscaler: in rotation, on standby, or neither.
    set: Set,
    /// Started by the autoscaler and not yet ready.
    starting: bool,
}

#[derive(Clone, Copy)]
enum Blocked {
    /// The account's `concurrency_limit`.
    Concurrency,
    /// The function's `reserved_concurrency`.
    Reserved,
    ScaleRate,
    /// Every instance busy and the function at its `max_instances`.
    MaxInstances,
}

impl Blocked {
    /// The limit that refused, as the results name it.
    fn limit(self) -> Limit {
        match self {
            Blocked::Concurrency => Limit::ConcurrencyLimit,
            Blocked::Reserved => Limit::ReservedConcurrency,
            Blocked::ScaleRate => Limit::ScaleRate,
            Blocked::MaxInstances => Limit::MaxInstances,
        }
    }
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
    /// Sync invocations held at `max_instances`, with when each fails;
    /// first in, first out, so deadlines rise from the front.
    pending: VecDeque<(u32, SimTime)>,
    pending_timer: bool,
    /// Its keep-alive policy, fixed or hybrid histogram.
    keep_alive: KeepAlive,
    /// Why a new instance is cold: what was taken from the pool and not
    /// yet replaced (see `recycling`).
    losses: Losses,
    scale_rate: ScaleRate,
    scale_wake_pending: bool,
    // Tallies over the measured period.
    invocations: u64,
    cold_starts: u64,
    causes: ColdStartCauses,
    throttled: u64,
    async_throttled: u64,
    /// `throttled` and `async_throttled` by the limit that refused them.
    refused: RefusedBy,
    billed_gb_seconds: f64,
    /// The part of `billed_gb_seconds` spent waiting on I/O.
    waiting_gb_seconds: f64,
    /// The part of `billed_gb_seconds` at the on-demand rate, to which the
    /// monthly volume tiers apply.
    on_demand_gb_seconds: f64,
    /// Invocations billed: when they end, or at the end of the run.
    billed_invocations: u64,
    /// Cloud Run: instance-seconds billed (for the free tier).
    instance_seconds: f64,
    compute_usd: f64,
    requests_usd: f64,
    instances_level: Level,
    idle_level: Level,
    /// Cloud Run's autoscaler and its routing; None on Lambda.
    scaling: Option<Box<Scaling>>,
}

impl Function {
    /// Instances with no request: idle-listed, or idle in rotation.
    #[inline]
    fn idle_now(&self) -> u64 {
        self.idle_count as u64 + self.scaling.as_ref().map_or(0, |s| s.idle as u64)
    }
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
    /// Reused list of instances the autoscaler moves.
    out_scratch: Vec<u32>,
    /// The CPUs of instances whose requests share them (Cloud Run above
    /// one request per vCPU), by instance id; None when no function's do.
    cpus: Option<Box<Cpus<u32>>>,
    pub stats: Collector,
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
                pending: VecDeque::new(),
                pending_timer: false,
                keep_alive: KeepAlive::new(f),
                losses: Losses::default(),
                scale_rate: ScaleRate::new(f.scale_instances, f.scale_per, f.scale_refill),
                scale_wake_pending: false,
                invocations: 0,
                cold_starts: 0,
                causes: ColdStartCauses::default(),
                throttled: 0,
                async_throttled: 0,
                refused: RefusedBy::default(),
                billed_gb_seconds: 0.0,
                waiting_gb_seconds: 0.0,
                on_demand_gb_seconds: 0.0,
                billed_invocations: 0,
                instance_seconds: 0.0,
                compute_usd: 0.0,
                requests_usd: 0.0,
                instances_level: Level::default(),
                idle_level: Level::default(),
                scaling: f.autoscaling.map(|targets| {
                    let autoscaler =
                        Autoscaler::new(targets, f.vcpus.unwrap_or(1), f.instance_concurrency);
                    Box::new(Scaling::new(autoscaler, f.instance_concurrency))
                }),
            })
            .collect();
        let provisioned_rate = spec
            .functions
            .iter()
            .map(|f| f.provisioned as f64 * f.memory_gb() * f.pricing.provisioned_gb_second)
            .sum();
        let mut stats = Collector::new(scenario.warmup, scenario.window, 0.0);
        stats.meter_transfer(scenario.transfer_meter(replication));
        stats.set_cost_rate(provisioned_rate);
        ServerlessModel {
            calls: CallStepper::new(
                &scenario.calls,
                &upcoming,
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
            out_scratch: Vec::new(),
            cpus: spec
                .functions
                .iter()
                .any(|f| f.shared_vcpus().is_some())
                .then(|| Box::new(Cpus::new(1, 0))),
            stats,
        }
    }

    #[inline]
    fn counted(&self, t: SimTime) -> bool {
        t >= self.warmup
    }
}

impl Model for ServerlessModel {
    type Event = Event;

    /// Creates the provisioned instances and schedules the first arrival.
    fn start(&mut self, sched: &mut Scheduler<Event>) {
        let mut provisioned = 0;
        let mut idle = 0;
        for f in 0..self.functions.len() {
            let scaled = self.functions[f].scaling.is_some();
            for _ in 0..self.functions[f].spec.provisioned {
                let id = self.new_instance(f as u32, SimTime::ZERO, true);
                provisioned += 1;
                if scaled {
                    // Minimum instances: in rotation for good.
                    self.enter(id, Set::Rotation, SimTime::ZERO);
                } else {
                    self.functions[f].provisioned_idle.push(id);
                    idle += 1;
                }
            }
            if scaled {
                sched.schedule(autoscaler::PERIOD, Event::Scale { func: f as u32 });
            }
        }
        self.stats.set_provisioned(provisioned);
        self.set_total_idle(idle);
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
            Event::Compute { inv } => self.compute(inv, now, sched),
            Event::Cpu {
                instance,
                generation,
            } => self.cpu_done(instance, generation, now, sched),
            Event::Expire { func } => self.on_expire(func, now, sched),
            Event::Retire { id, epoch } => self.on_retire(id, epoch, now),
            Event::Prewarm { func, epoch } => self.on_prewarm(func, epoch, now, sched),
            Event::PendingTimeout { func } => self.on_pending_timeout(func, now, sched),
            Event::Scale { func } => self.on_scale(func, now, sched),
            Event::Ready { id } => self.on_ready(id, now, sched),
            Event::ScaleWindow { func } => {
                self.functions[func as usize].scale_wake_pending = false;
                if self.queued > 0 {
                    self.drain(now, sched);
                }
            }
        }
    }
}

impl Simulate for ServerlessSpec {
    fn simulate(&self, scenario: &Scenario, replication: u32, queues: Queues) -> (Outcome, u64) {
        simulate(self, scenario, replication, queues)
    }
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
            let limit = super::instances::stale_limit(f.instances);
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
