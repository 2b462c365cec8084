//! The servers of an autoscaled fleet (the [`Pool`]: their states, which
//! has a free slot, draining, billing) and the target-tracking policy that
//! sizes it (in `policy`), as EC2 Auto Scaling and the Kubernetes HPA do
//! it. The policy decides how many servers to launch or remove; the pool
//! decides which, and carries it out.
//!
//! # Rules
//! - Every `evaluation` period the metric is read, averaged over the
//!   period: `cpu` (busy share of the vCPUs of the servers that run work:
//!   serving and draining),
//!   `requests_per_server` (arrivals per second per serving server) or
//!   `queue` (waiting requests per serving server).
//! - The desired size is ceil(serving × metric / target) (for `queue` and
//!   `requests_per_server` the serving count cancels: total waiting, or
//!   total arrival rate, over the per-server target), or no change while
//!   |metric / target − 1| ≤ `tolerance`; clamped to [min, max] and to the
//!   scheduled minimum of the time of day (t = 0 is 00:00).
//! - Scale-out launches desired − (serving + booting) servers, at most once
//!   per `scale_out_cooldown`. A new server is billed from launch and
//!   serves after its `boot_time`.
//! - Scale-in goes only down to the highest recommendation of the last
//!   `scale_in_cooldown` (stabilisation). It removes booting servers
//!   first, then idle ones, then the least busy, which **drain**: they take
//!   no new work, finish what they have, and are billed until they stop.
//!   No request is lost by scaling.
//! - Scheduled minimums apply at their times of day, without waiting for
//!   the next evaluation.
//! - Billing: per second with a 60 s minimum per server, from launch to
//!   stop; servers still up at the end are billed to the end.

use crate::dist::Dist;
use crate::results::commitment::TimeAtLevel;
use crate::results::cost;
use crate::results::stats::{Areas, Level};
use crate::results::summary::{AutoscaledResult, LevelSummary, ScalingActions};
use crate::rng::{self, Stream};
use crate::scenario::ScalingSpec;
use crate::time::SimTime;
use policy::{Action, Policy};

mod policy;

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
    launched: SimTime,
    /// Index in `available`, or NIL.
    slot: u32,
}

/// What the pool asks its fleet to do after a change.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Launches {
    /// Servers launched now, with the time each starts serving.
    pub booted_at: Vec<(u32, SimTime)>,
}

pub struct Pool {
    policy: Policy,
    boot_time: Dist,
    vcpus: u32,
    price_per_hour: f64,
    warmup: SimTime,
    servers: Vec<Server>,
    /// Serving servers with a free slot (a set with O(1) insert/remove).
    available: Vec<u32>,
    serving: u32,
    booting: u32,
    draining: u32,
    /// Integral of serving and draining servers over time: the capacity
    /// whose busy slots the metric reads.
    working_area: u128,
    working_since: SimTime,
    working_now: u32,
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
        Pool {
            policy: Policy::new(spec, vcpus),
            boot_time: spec.boot_time.clone(),
            vcpus,
            price_per_hour,
            warmup,
            servers: Vec::new(),
            available: Vec::new(),
            serving: 0,
            booting: 0,
            draining: 0,
            working_area: 0,
            working_since: SimTime::ZERO,
            working_now: 0,
            boot_rng: rng::stream(seed, replication, rng::purpose::BOOT_TIME),
            launched: Level::default(),
            launched_time: TimeAtLevel::default(),
            working: Level::default(),
            billed_seconds: 0.0,
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

    /// The policy's evaluation period.
    pub fn evaluation(&self) -> SimTime {
        self.policy.evaluation()
    }

    /// The scheduled minimums of the day, (time of day, minimum).
    pub fn scheduled(&self) -> &[(SimTime, u32)] {
        self.policy.scheduled()
    }

    /// An arrival, for the policy's `requests_per_server` metric.
    #[inline]
    pub fn on_arrival(&mut self) {
        self.policy.on_arrival();
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
    pub fn take_slot(&mut self) -> u32 {
        let s = *self.available.last().expect("a free slot");
        let server = &mut self.servers[s as usize];
        server.busy += 1;
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
        match server.state {
            State::Serving => self.make_available(s),
            State::Draining if server.busy == 0 => self.stop(s, now),
            _ => {}
        }
    }

    /// Call at every change of the counts (after it).
    fn record_levels(&mut self, now: SimTime) {
        self.working_area +=
            self.working_now as u128 * (now - self.working_since).as_nanos() as u128;
        self.working_since = now;
        self.working_now = self.serving + self.draining;
        self.launched.set(now, self.launched(), self.warmup);
        self.launched_time.set(now, self.launched(), self.warmup);
        self.working
            .set(now, (self.serving + self.draining) as u64, self.warmup);
    }

    /// Starts `n` servers at `now`; returns them with their boot times.
    fn launch(&mut self, n: u32, now: SimTime, out: &mut Launches) {
        for _ in 0..n {
            let boot = self.boot_time.sample(&mut self.boot_rng);
            self.servers.push(Server {
                state: State::Booting,
                busy: 0,
                launched: now,
                slot: NIL,
            });
            self.booting += 1;
            out.booted_at
                .push(((self.servers.len() - 1) as u32, now + boot));
        }
        self.record_levels(now);
    }

    /// Servers present at the start: up and serving, launched at time 0.
    pub fn start(&mut self, n: u32) {
        for _ in 0..n {
            self.servers.push(Server {
                state: State::Serving,
                busy: 0,
                launched: SimTime::ZERO,
                slot: NIL,
            });
            let s = (self.servers.len() - 1) as u32;
            self.make_available(s);
        }
        self.serving = n;
        self.record_levels(SimTime::ZERO);
    }

    /// A server finished booting (unless it was removed meanwhile).
    pub fn boot_done(&mut self, s: u32, now: SimTime) {
        if self.servers[s as usize].state != State::Booting {
            return;
        }
        self.servers[s as usize].state = State::Serving;
        self.booting -= 1;
        self.serving += 1;
        self.make_available(s);
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
        self.record_levels(now);
        let current = self.serving + self.booting;
        let action = self.policy.evaluate(now, areas, self.working_area, current);
        self.act(action, now)
    }

    /// Raises the fleet to the scheduled minimum in force at `now`.
    pub fn enforce_minimum(&mut self, now: SimTime) -> Launches {
        let current = self.serving + self.booting;
        let action = self.policy.enforce_minimum(now, current);
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
            scale_outs: self.policy.scale_outs,
            scale_ins: self.policy.scale_ins,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Metric;

    fn spec(min: u32, max: u32) -> ScalingSpec {
        ScalingSpec {
            min,
            max,
            metric: Metric::Cpu,
            target: 0.5,
            evaluation: SimTime::from_secs(60),
            boot_time: Dist::constant(SimTime::from_secs(30)),
            scale_out_cooldown: SimTime::ZERO,
            scale_in_cooldown: SimTime::ZERO,
            tolerance: 0.0,
            scheduled: vec![],
        }
    }

    fn busy_areas(busy_slots: u64, secs: u64) -> Areas {
        Areas {
            busy: busy_slots as u128 * SimTime::from_secs(secs).as_nanos() as u128,
            ..Areas::default()
        }
    }

    /// Two one-slot servers, both busy; the load falls to one slot's worth
    /// at 50 %: desired 2 → stays. At zero load the policy keeps min = 1 and
    /// must remove a busy server: it drains, serves nothing new, and stops
    /// (and is billed) only when its job ends.
    #[test]
    fn a_busy_server_drains_and_stops_when_its_work_ends() {
        let s = SimTime::from_secs;
        let mut p = Pool::new(&spec(1, 4), 1, 3.6, SimTime::ZERO, 1, 0);
        p.start(2);
        let a = p.take_slot();
        let b = p.take_slot();
        assert_ne!(a, b);
        assert!(!p.has_free_slot());
        // 1 busy slot on average over the first minute: needs 1 / 0.5 = 2.
        assert_eq!(p.evaluate(s(60), busy_areas(1, 60)), Launches::default());
        assert_eq!((p.launched(), p.draining()), (2, 0));
        // No load recorded in the next minute: down to min = 1, by draining.
        p.evaluate(s(120), busy_areas(1, 60));
        assert_eq!((p.launched(), p.draining(), p.policy.scale_ins), (2, 1, 1));
        assert_eq!(p.working_slots(), 2);
        // The drained server's job ends: it stops; the other takes work again.
        let drained = if p.servers[a as usize].state == State::Draining {
            a
        } else {
            b
        };
        let other = a + b - drained;
        p.release_slot(drained, s(130));
        assert_eq!((p.launched(), p.draining()), (1, 0));
        assert!(!p.has_free_slot());
        p.release_slot(other, s(140));
        assert!(p.has_free_slot());
        // Billed: the stopped server 130 s; the other to the end at 200 s.
        let summary = p.finish(s(200));
        assert_eq!(summary.server_seconds, 330.0);
        assert!((summary.cost_usd - 0.33).abs() < 1e-12);
    }

    /// Scale-out launches servers that serve only after their boot time;
    /// scale-in removes booting servers first.
    #[test]
    fn booting_servers_serve_late_and_go_first() {
        let s = SimTime::from_secs;
        let mut p = Pool::new(&spec(1, 10), 1, 3.6, SimTime::ZERO, 1, 0);
        p.start(1);
        p.take_slot();
        // Saturated at 1 slot: needs 1 / 0.5 = 2 servers.
        let l = p.evaluate(s(60), busy_areas(1, 60));
        assert_eq!(l.booted_at.len(), 1);
        assert_eq!(l.booted_at[0].1, s(90));
        assert_eq!((p.launched(), p.booting(), p.working_slots()), (2, 1, 1));
        assert!(!p.has_free_slot());
        // Load gone before the boot finished: the booting one goes first.
        p.evaluate(s(80), busy_areas(1, 60));
        assert_eq!((p.launched(), p.booting()), (1, 0));
        p.boot_done(l.booted_at[0].0, s(90));
        assert_eq!(p.launched(), 1);
        // It lived 20 s and pays the 60 s minimum.
        let summary = p.finish(s(100));
        assert_eq!(summary.server_seconds, 60.0 + 100.0);
    }
}
