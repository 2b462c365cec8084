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
use crate::kinds::servers::spec::spot::{InterruptedWork, SpotSpec};
use crate::pricing::commitment::TimeAtLevel;
use crate::pricing::cost;
use crate::results::stats::{Areas, Level};
use crate::results::summary::LevelSummary;
use crate::rng::{self, Stream};
use crate::time::SimTime;
use controller::Action;
use policy::{Integrals, Policy};

mod controller;
mod custom;
mod ec2;
mod hpa;
mod policy;
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
    busy: u32,
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

/// What the fleet must do after a spot interruption.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Interruption {
    /// The replacement, if one was launched.
    pub launches: Launches,
    /// When the notice ends (call [`Pool::notice_ends`] then).
    pub notice_ends: Option<(u32, SimTime)>,
    /// The server whose running work is lost now: fail the requests whose
    /// jobs hold it and release their slots (it stops with the last).
    pub lose: Option<u32>,
}

/// A pool's spot capacity: how its servers are interrupted, and what
/// happened.
struct Spot {
    /// Per-instance mean time to interruption, in seconds.
    mean_s: Option<f64>,
    rng: Stream,
    notice: SimTime,
    work: InterruptedWork,
    replacement_boot: Dist,
    /// Notices, and replacements launched, in the measured period.
    interruptions: u64,
    replacements: u64,
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
        }
    }

    /// Puts the pool on spot capacity (before [`Pool::start`]); its
    /// interruptions are drawn from `interruptions`, a stream of its own
    /// (one per pool: two services on spot must not be interrupted in
    /// step).
    pub fn with_spot(mut self, spec: &SpotSpec, interruptions: Stream) -> Self {
        self.price_per_hour = spec.price_per_hour;
        self.spot = Some(Spot {
            mean_s: spec
                .mean_time_between_interruptions
                .map(|m| m.as_secs_f64()),
            rng: interruptions,
            notice: spec.notice,
            work: spec.interrupted_work,
            replacement_boot: spec.boot_time.clone(),
            interruptions: 0,
            replacements: 0,
        });
        self
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
        let s = *self.available.last().expect("a free slot");
        let server = &mut self.servers[s as usize];
        server.busy += 1;
        if !server.warming {
            self.counted_busy.set(now, self.counted_busy.level + 1);
        }
        if server.busy == self.vcpus {
            self.make_unavailable(s);
        }
        s
    }

    /// A job on server `s` ended.
    #[inline]
    pub fn release_slot(&mut self, s: u32, now: SimTime) {
        let server = &mut self.servers[s as usize];
        server.busy -= 1;
        if !server.warming {
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

    /// On spot with a mean time between interruptions: when server `s`,
    /// launched at `now`, will be interrupted.
    fn draw_interruption(&mut self, s: u32, now: SimTime, out: &mut Launches) {
        if let Some(spot) = &mut self.spot
            && let Some(mean_s) = spot.mean_s
        {
            let u: f64 = rand::Rng::random(&mut spot.rng);
            // 1 − u is in (0, 1]: the logarithm is finite.
            let after = -mean_s * (1.0 - u).ln();
            out.interrupt_at
                .push((s, now.saturating_add(SimTime::from_secs_f64(after))));
        }
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

    /// The longest-running serving server (else a booting one): the one a
    /// listed interruption time takes. None when none is up.
    pub fn oldest_up(&self) -> Option<u32> {
        let first = |state| {
            self.servers
                .iter()
                .position(|x| x.state == state && !x.interrupted)
        };
        first(State::Serving)
            .or_else(|| first(State::Booting))
            .map(|s| s as u32)
    }

    /// A spot interruption notice for server `s` (ignored once it has
    /// stopped or been interrupted): it takes no new work from now, a
    /// replacement is launched unless it was already leaving, and its work
    /// is lost at the end of the notice, or now under `"lose"`.
    pub fn interrupt(&mut self, s: u32, now: SimTime) -> Interruption {
        let mut out = Interruption::default();
        let server = self.servers[s as usize];
        let Some(spot) = &mut self.spot else {
            return out;
        };
        if server.state == State::Stopped || server.interrupted {
            return out;
        }
        if now >= self.warmup {
            spot.interruptions += 1;
        }
        let (notice, work) = (spot.notice, spot.work);
        let replace = server.state != State::Draining;
        match server.state {
            State::Booting => self.stop(s, now),
            State::Serving => {
                self.make_unavailable(s);
                self.serving -= 1;
                self.draining += 1;
                let x = &mut self.servers[s as usize];
                x.state = State::Draining;
                x.interrupted = true;
                if x.busy == 0 {
                    self.stop(s, now);
                }
            }
            State::Draining => {
                let x = &mut self.servers[s as usize];
                x.interrupted = true;
            }
            State::Stopped => unreachable!("checked above"),
        }
        if replace {
            let spot = self.spot.as_mut().expect("on spot");
            if now >= self.warmup {
                spot.replacements += 1;
            }
            let boot = spot.replacement_boot.sample(&mut self.boot_rng);
            self.launch_one(now, boot, &mut out.launches);
        }
        if self.servers[s as usize].state == State::Draining {
            match work {
                InterruptedWork::Finish => out.notice_ends = Some((s, now + notice)),
                InterruptedWork::Lose => out.lose = Some(s),
            }
        }
        self.record_levels(now);
        out
    }

    /// The notice of interrupted server `s` ends: what it still runs is
    /// lost (the server, if it is still up).
    pub fn notice_ends(&self, s: u32) -> Option<u32> {
        (self.servers[s as usize].state == State::Draining).then_some(s)
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
                let busy = server.busy;
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

    /// Removes `n` servers: booting ones first (newest first), then idle
    /// serving ones, then the least busy, which drain.
    fn scale_in(&mut self, mut n: u32, now: SimTime) {
        for s in (0..self.servers.len() as u32).rev() {
            if n == 0 {
                return;
            }
            if self.servers[s as usize].state == State::Booting {
                self.stop(s, now);
                n -= 1;
            }
        }
        for s in (0..self.servers.len() as u32).rev() {
            if n == 0 {
                return;
            }
            let server = self.servers[s as usize];
            if server.state == State::Serving && server.busy == 0 {
                self.stop(s, now);
                n -= 1;
            }
        }
        while n > 0 {
            let Some(s) = (0..self.servers.len() as u32)
                .filter(|&s| self.servers[s as usize].state == State::Serving)
                .min_by_key(|&s| self.servers[s as usize].busy)
            else {
                return;
            };
            self.make_unavailable(s);
            self.serving -= 1;
            self.servers[s as usize].state = State::Draining;
            self.draining += 1;
            self.record_levels(now);
            n -= 1;
        }
    }

    /// Lets the policy read its metric over the period since the last
    /// evaluation, and carries out what it decides. `areas` are the
    /// fleet's integrals up to `now`.
    pub fn evaluate(&mut self, now: SimTime, areas: Areas) -> Launches {
        if self.policy.is_none() {
            return Launches::default();
        }
        self.record_levels(now);
        self.counted_busy.set(now, self.counted_busy.level);
        let integrals = Integrals {
            counted_busy: self.counted_busy.area,
            counted: self.counted.area,
            queue: areas.queue,
        };
        let current = self.serving + self.booting;
        let uncounted = self.booting + self.warming;
        let policy = self.policy.as_mut().expect("checked above");
        let action = policy.evaluate(now, integrals, current, uncounted);
        self.act(action, now)
    }

    /// Raises the fleet to the scheduled minimum in force at `now`.
    pub fn enforce_minimum(&mut self, now: SimTime) -> Launches {
        let current = self.serving + self.booting;
        let Some(policy) = &mut self.policy else {
            return Launches::default();
        };
        let action = policy.enforce_minimum(now, current);
        self.act(action, now)
    }

    fn act(&mut self, action: Action, now: SimTime) -> Launches {
        let mut out = Launches::default();
        match action {
            Action::Hold => {}
            Action::Launch(n) => self.launch(n, now, &mut out),
            Action::Remove(n) => self.scale_in(n, now),
        }
        out
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
