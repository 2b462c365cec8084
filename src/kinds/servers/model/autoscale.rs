//! The servers of an autoscaled fleet (the [`Pool`]: their states, which
//! has a free slot, draining, billing) and the policy that sizes it: `policy`
//! measures, and one of the controllers decides — `custom` (scalesim's
//! hybrid, the default), `hpa` (the Kubernetes HPA) or `ec2` (EC2 Auto
//! Scaling target tracking). The controller decides how many servers to
//! launch or remove; the pool decides which, and carries it out.
//!
//! # Rules
//! - Every `evaluation` period the metric is read, averaged over the
//!   period: `cpu` (busy share of the vCPUs of the counted servers:
//!   serving and draining, past their instance warmup),
//!   `requests_per_server` (arrivals per second per counted server) or
//!   `queue` (waiting requests per counted server).
//! - `custom`: the desired size is ceil(counted × metric / target) (for
//!   `queue` and `requests_per_server` the count cancels: total waiting, or
//!   total arrival rate, over the per-server target), or no change while
//!   |metric / target − 1| ≤ `tolerance`; clamped to [min, max] and to the
//!   scheduled minimum of the time of day (t = 0 is 00:00). Scale-out
//!   launches desired − (serving + booting) servers, at most once per
//!   `scale_out_cooldown`; scale-in goes only down to the highest
//!   recommendation of the last `scale_in_cooldown` (stabilisation). The
//!   other controllers' rules are in their modules.
//! - A new server is billed from launch and serves after its `boot_time`;
//!   under EC2 it then stays out of the metric for its instance warmup.
//! - Scale-in removes booting servers first, then idle ones, then the
//!   least busy, which **drain**: they take no new work, finish what they
//!   have, and are billed until they stop. No request is lost by scaling.
//! - Scheduled minimums apply at their times of day, without waiting for
//!   the next evaluation.
//! - Billing: per second with a 60 s minimum per server, from launch to
//!   stop; servers still up at the end are billed to the end.
//!
//! # Spot
//! A pool may be on spot capacity ([`Pool::with_spot`]; the scenario side
//! is `crate::scenario::spot`). Each server launched, or up at the start,
//! draws its time to interruption (exponential, from its launch) when the
//! scenario gives a mean time between interruptions, and listed
//! interruption times each take the longest-running serving server. An
//! interrupted server drains at once (no new work) and a replacement is
//! launched (unless it was already leaving); at the end of the notice, or
//! at once under `interrupted_work = "lose"`, what it still runs is lost:
//! [`Interruption::lose`] names it, and the fleet fails the requests
//! whose jobs held it. A pool without a policy ([`Pool::fixed`]) is a
//! fixed fleet that only interruptions change.

use crate::dist::Dist;
use crate::kinds::autoscaled::results::AutoscaledResult;
use crate::kinds::servers::results::ScalingActions;
use crate::kinds::servers::results::SpotResult;
use crate::kinds::servers::spec::controller::ControllerSpec;
use crate::kinds::servers::spec::scaling::ScalingSpec;
use crate::pricing::commitment::TimeAtLevel;
use crate::pricing::cost;
use crate::results::stats::Level;
use crate::results::summary::LevelSummary;
use crate::rng::{self, Stream};
use crate::time::SimTime;
use policy::Policy;
pub use spot::Interruption;
use spot::Spot;

mod controller;
mod custom;
mod ec2;
mod hpa;
mod policy;
mod scaling;
mod spot;
#[cfg(test)]
mod tests;

const NIL: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Booting,
    Serving,
    Draining,
    Stopped,
}

#[derive(Clone, Copy, Debug)]
struct Server {
    state: State,
    /// Jobs on it (each holds one of its places).
    busy: u32,
    /// When its jobs share its CPUs: its busy vCPUs (else `busy` is).
    cpu: u32,
    /// Serving (or draining) within its instance warmup: not counted.
    warming: bool,
    launched: SimTime,
    /// Index in `available`, or NIL.
    slot: u32,
    /// Given a spot interruption notice (it drains, and its work is lost
    /// at the end of the notice).
    interrupted: bool,
}

impl Server {
    fn new(state: State, launched: SimTime) -> Self {
        Server {
            state,
            busy: 0,
            cpu: 0,
            warming: false,
            launched,
            slot: NIL,
            interrupted: false,
        }
    }
}

/// What the pool asks its fleet to do after a change.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Launches {
    /// Servers launched now, with the times to call
    /// [`Pool::boot_done`] for each: when it starts serving and, with an
    /// instance warmup, when that warmup ends.
    pub booted_at: Vec<(u32, SimTime)>,
    /// On spot with a mean time between interruptions: when each server
    /// launched now is interrupted (call [`Pool::interrupt`] then).
    pub interrupt_at: Vec<(u32, SimTime)>,
}

/// Exact time integral of one level (what an autoscaler's metric reads).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Integral {
    pub level: u64,
    last: SimTime,
    pub area: u128,
}

impl Integral {
    #[inline]
    pub fn set(&mut self, now: SimTime, level: u64) {
        self.area += self.level as u128 * (now - self.last).as_nanos() as u128;
        self.last = now;
        self.level = level;
    }
}

pub struct Pool {
    /// None for a fixed fleet: only spot interruptions change it.
    policy: Option<Policy>,
    spot: Option<Spot>,
    boot_time: Dist,
    vcpus: u32,
    /// Jobs a server takes at once: its vCPUs unless its jobs share them.
    per_server: u32,
    /// Jobs share their server's CPUs or wait on I/O: busy vCPUs are
    /// reported by [`Pool::cpu_changed`], not counted from jobs, and a job
    /// goes to the less loaded of two servers drawn from `routing`.
    routing: Option<Stream>,
    price_per_hour: f64,
    warmup: SimTime,
    /// EC2's instance warmup after boot (zero for other controllers).
    instance_warmup: SimTime,
    servers: Vec<Server>,
    /// Serving servers with a free slot (a set with O(1) insert/remove).
    available: Vec<u32>,
    serving: u32,
    booting: u32,
    draining: u32,
    /// Serving or draining servers within their instance warmup.
    warming: u32,
    /// Counted servers (serving or draining, not warming) and their busy
    /// slots: what the metric reads.
    counted: Integral,
    counted_busy: Integral,
    boot_rng: Stream,
    launched: Level,
    /// Time at each number of launched servers: a commitment's coverage.
    launched_time: TimeAtLevel,
    /// Serving and draining servers: the capacity that can run work.
    working: Level,
    billed_seconds: f64,
    /// Servers stopped since the fleet last asked, when it asks
    /// ([`Pool::report_stops`]): pods free their node's room.
    stopped: Option<Vec<u32>>,
}

impl Pool {
    pub fn new(
        spec: &ScalingSpec,
        vcpus: u32,
        price_per_hour: f64,
        warmup: SimTime,
        seed: u64,
        replication: u32,
    ) -> Self {
        let mut pool = Pool::fixed(vcpus, price_per_hour, warmup, seed, replication);
        pool.policy = Some(Policy::new(spec, vcpus));
        pool.boot_time = spec.boot_time.clone();
        pool.instance_warmup = match &spec.controller {
            ControllerSpec::Ec2TargetTracking(a) => a.instance_warmup,
            _ => SimTime::ZERO,
        };
        pool
    }

    /// A pool that no policy resizes: what [`Pool::start`] puts up stays,
    /// but for spot interruptions and their replacements.
    pub fn fixed(
        vcpus: u32,
        price_per_hour: f64,
        warmup: SimTime,
        seed: u64,
        replication: u32,
    ) -> Self {
        Pool {
            policy: None,
            spot: None,
            boot_time: Dist::constant(SimTime::ZERO),
            vcpus,
            per_server: vcpus,
            routing: None,
            price_per_hour,
            warmup,
            instance_warmup: SimTime::ZERO,
            servers: Vec::new(),
            available: Vec::new(),
            serving: 0,
            booting: 0,
            draining: 0,
            warming: 0,
            counted: Integral::default(),
            counted_busy: Integral::default(),
            boot_rng: rng::stream(seed, replication, rng::purpose::BOOT_TIME),
            launched: Level::default(),
            launched_time: TimeAtLevel::default(),
            working: Level::default(),
            billed_seconds: 0.0,
            stopped: None,
        }
    }

    /// Jobs step through CPU work and waits, `concurrency` to a server at
    /// once, sharing its vCPUs: busy vCPUs come from
    /// [`Pool::cpu_changed`], and each job goes to the less loaded of two
    /// servers with a free place drawn at random (the "power of two
    /// choices" that Envoy's and NGINX's least-request balancers use: close
    /// to least-loaded routing at O(1) a job).
    pub fn with_sharing(mut self, concurrency: u32, routing: Stream) -> Self {
        self.per_server = concurrency;
        self.routing = Some(routing);
        self
    }

    /// Servers that take `concurrency` jobs at once, at most one per vCPU
    /// (each job runs on a vCPU of its own).
    pub fn with_concurrency(mut self, concurrency: u32) -> Self {
        debug_assert!(concurrency <= self.vcpus);
        self.per_server = concurrency;
        self
    }

    /// Keeps the servers that stop, for [`Pool::drain_stopped`]: a fleet
    /// whose servers hold room elsewhere (pods on nodes) must know.
    pub fn report_stops(mut self) -> Self {
        self.stopped = Some(Vec::new());
        self
    }

    /// Moves the servers stopped since the last call into `out`.
    pub fn drain_stopped(&mut self, out: &mut Vec<u32>) {
        if let Some(stopped) = &mut self.stopped {
            out.append(stopped);
        }
    }

    /// Servers launched and not yet stopped (booting, serving, draining).
    pub fn launched(&self) -> u64 {
        (self.serving + self.booting + self.draining) as u64
    }

    pub fn booting(&self) -> u64 {
        self.booting as u64
    }

    pub fn draining(&self) -> u64 {
        self.draining as u64
    }

    /// vCPU slots of serving and draining servers.
    pub fn working_slots(&self) -> u64 {
        (self.serving + self.draining) as u64 * self.vcpus as u64
    }

    pub fn has_free_slot(&self) -> bool {
        !self.available.is_empty()
    }

    /// The policy's evaluation period (none without a policy).
    pub fn evaluation(&self) -> Option<SimTime> {
        self.policy.as_ref().map(Policy::evaluation)
    }

    /// The scheduled minimums of the day, (time of day, minimum).
    pub fn scheduled(&self) -> &[(SimTime, u32)] {
        self.policy.as_ref().map_or(&[], Policy::scheduled)
    }

    /// An arrival, for the policy's `requests_per_server` metric.
    #[inline]
    pub fn on_arrival(&mut self) {
        if let Some(p) = &mut self.policy {
            p.on_arrival();
        }
    }

    fn make_available(&mut self, s: u32) {
        if self.servers[s as usize].slot == NIL {
            self.servers[s as usize].slot = self.available.len() as u32;
            self.available.push(s);
        }
    }

    fn make_unavailable(&mut self, s: u32) {
        let pos = self.servers[s as usize].slot;
        if pos != NIL {
            self.available.swap_remove(pos as usize);
            if let Some(&moved) = self.available.get(pos as usize) {
                self.servers[moved as usize].slot = pos;
            }
            self.servers[s as usize].slot = NIL;
        }
    }

    /// Takes a free slot for a job; the fleet checks `has_free_slot` first.
    #[inline]
    pub fn take_slot(&mut self, now: SimTime) -> u32 {
        let s = match &mut self.routing {
            None => *self.available.last().expect("a free slot"),
            Some(rng) => {
                let (a, b) = (pick(&self.available, rng), pick(&self.available, rng));
                let busy = |s: u32| self.servers[s as usize].busy;
                if busy(b) < busy(a) { b } else { a }
            }
        };
        let shared = self.routing.is_some();
        let server = &mut self.servers[s as usize];
        server.busy += 1;
        if !server.warming && !shared {
            self.counted_busy.set(now, self.counted_busy.level + 1);
        }
        if server.busy == self.per_server {
            self.make_unavailable(s);
        }
        s
    }

    /// Server `s`'s busy vCPUs went from `before` to `after` (when jobs
    /// share CPUs; see [`Pool::with_sharing`]).
    #[inline]
    pub fn cpu_changed(&mut self, s: u32, before: u32, after: u32, now: SimTime) {
        let server = &mut self.servers[s as usize];
        server.cpu = after;
        if !server.warming {
            let level = self.counted_busy.level + u64::from(after) - u64::from(before);
            self.counted_busy.set(now, level);
        }
    }

    /// A job on server `s` ended.
    #[inline]
    pub fn release_slot(&mut self, s: u32, now: SimTime) {
        let shared = self.routing.is_some();
        let server = &mut self.servers[s as usize];
        server.busy -= 1;
        if !server.warming && !shared {
            self.counted_busy.set(now, self.counted_busy.level - 1);
        }
        let server = &self.servers[s as usize];
        match server.state {
            State::Serving => self.make_available(s),
            State::Draining if server.busy == 0 => self.stop(s, now),
            _ => {}
        }
    }

    /// Call at every change of the counts (after it).
    fn record_levels(&mut self, now: SimTime) {
        self.counted
            .set(now, (self.serving + self.draining - self.warming) as u64);
        self.launched.set(now, self.launched(), self.warmup);
        self.launched_time.set(now, self.launched(), self.warmup);
        self.working
            .set(now, (self.serving + self.draining) as u64, self.warmup);
    }

    /// Starts `n` servers at `now`; returns them with their boot times
    /// (and warmup ends).
    fn launch(&mut self, n: u32, now: SimTime, out: &mut Launches) {
        for _ in 0..n {
            let boot = self.boot_time.sample(&mut self.boot_rng);
            self.launch_one(now, boot, out);
        }
        self.record_levels(now);
    }

    fn launch_one(&mut self, now: SimTime, boot: SimTime, out: &mut Launches) {
        self.servers.push(Server::new(State::Booting, now));
        self.booting += 1;
        let s = (self.servers.len() - 1) as u32;
        out.booted_at.push((s, now + boot));
        if self.instance_warmup > SimTime::ZERO {
            out.booted_at.push((s, now + boot + self.instance_warmup));
        }
        self.draw_interruption(s, now, out);
    }

    /// Servers present at the start: up and serving, launched at time 0.
    /// Returns their interruption times, if on spot.
    pub fn start(&mut self, n: u32) -> Launches {
        let mut out = Launches::default();
        for _ in 0..n {
            self.servers
                .push(Server::new(State::Serving, SimTime::ZERO));
            let s = (self.servers.len() - 1) as u32;
            self.make_available(s);
            self.draw_interruption(s, SimTime::ZERO, &mut out);
        }
        self.serving = n;
        self.record_levels(SimTime::ZERO);
        out
    }

    /// A server finished booting, or its instance warmup (unless it was
    /// removed meanwhile).
    pub fn boot_done(&mut self, s: u32, now: SimTime) {
        let server = &mut self.servers[s as usize];
        match server.state {
            State::Booting => {
                server.state = State::Serving;
                server.warming = self.instance_warmup > SimTime::ZERO;
                self.warming += server.warming as u32;
                self.booting -= 1;
                self.serving += 1;
                self.make_available(s);
            }
            State::Serving | State::Draining if server.warming => {
                server.warming = false;
                let busy = if self.routing.is_some() {
                    server.cpu
                } else {
                    server.busy
                };
                self.warming -= 1;
                self.counted_busy
                    .set(now, self.counted_busy.level + busy as u64);
            }
            _ => return,
        }
        self.record_levels(now);
    }

    fn stop(&mut self, s: u32, now: SimTime) {
        let server = &mut self.servers[s as usize];
        match server.state {
            State::Booting => self.booting -= 1,
            State::Draining => self.draining -= 1,
            State::Serving => {
                self.make_unavailable(s);
                self.serving -= 1;
            }
            State::Stopped => return,
        }
        if let Some(stopped) = &mut self.stopped {
            stopped.push(s);
        }
        let server = &mut self.servers[s as usize];
        server.state = State::Stopped;
        if server.warming {
            // Stopped servers are idle: no busy slot leaves the count.
            server.warming = false;
            self.warming -= 1;
        }
        self.billed_seconds += cost::billed_seconds(
            server.launched,
            now,
            self.warmup,
            SimTime::MAX,
            cost::SERVER_MINIMUM,
        );
        self.record_levels(now);
    }

    /// Closes the pool at `end`: launched-server statistics and the bill.
    pub fn finish(&mut self, end: SimTime) -> PoolSummary {
        let mut seconds = self.billed_seconds;
        for s in &self.servers {
            if s.state != State::Stopped {
                seconds += cost::billed_seconds(
                    s.launched,
                    SimTime::MAX,
                    self.warmup,
                    end,
                    cost::SERVER_MINIMUM,
                );
            }
        }
        let servers = self.launched.summary(end, self.warmup);
        let working = self.working.summary(end, self.warmup);
        PoolSummary {
            servers,
            seconds_at: self.launched_time.seconds(end, self.warmup),
            working_mean: working.mean,
            server_seconds: seconds,
            cost_usd: seconds * self.price_per_hour / 3600.0,
            scale_outs: self.policy.as_ref().map_or(0, |p| p.scale_outs),
            scale_ins: self.policy.as_ref().map_or(0, |p| p.scale_ins),
            spot: self.spot.as_ref().map(|s| SpotResult {
                interruptions: s.interruptions,
                replacements: s.replacements,
                server_hours: seconds / 3600.0,
            }),
        }
    }
}

/// A uniformly drawn member of `set` (not empty): the high half of a
/// 64 × 64-bit product, unbiased to within n / 2⁶⁴.
#[inline]
fn pick(set: &[u32], rng: &mut Stream) -> u32 {
    use rand::RngCore;
    let i = (u128::from(rng.next_u64()) * set.len() as u128) >> 64;
    set[i as usize]
}

pub struct PoolSummary {
    /// Launched servers (booting, serving or draining).
    pub servers: LevelSummary,
    /// Seconds of the measured period spent at each number of launched
    /// servers.
    pub seconds_at: Vec<f64>,
    /// Mean serving + draining servers.
    pub working_mean: f64,
    /// Billed server-seconds in the measured period.
    pub server_seconds: f64,
    /// At the on-demand price.
    pub cost_usd: f64,
    pub scale_outs: u64,
    pub scale_ins: u64,
    /// On spot: what interruptions did, as the summary reports it.
    pub spot: Option<SpotResult>,
}

impl PoolSummary {
    /// What the summary reports of an autoscaled fleet.
    pub fn result(&self) -> AutoscaledResult {
        AutoscaledResult {
            server_stats: self.servers,
            scaling_actions: ScalingActions {
                out: self.scale_outs,
                r#in: self.scale_ins,
            },
            server_hours: self.server_seconds / 3600.0,
        }
    }
}
