//! What a pool does with its policy's decisions: at each evaluation (and
//! when a scheduled minimum comes into force) it launches servers or
//! removes them, booting ones first, then idle ones, then the least busy,
//! which drain.

use super::controller::Action;
use super::policy::Integrals;
use super::{Launches, Pool, State};
use crate::results::stats::Areas;
use crate::time::SimTime;

impl Pool {
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

    /// Evicts server `s` (a pod whose node is being removed): it takes no
    /// new work, stops once what it runs is done (at once if idle or still
    /// starting), and a replacement is launched now, as a ReplicaSet
    /// replaces an evicted pod. Nothing happens to a server already
    /// leaving.
    pub fn evict(&mut self, s: u32, now: SimTime) -> Launches {
        let mut out = Launches::default();
        match self.servers[s as usize].state {
            State::Draining | State::Stopped => return out,
            State::Booting => self.stop(s, now),
            State::Serving => {
                self.make_unavailable(s);
                self.serving -= 1;
                self.draining += 1;
                self.servers[s as usize].state = State::Draining;
                if self.servers[s as usize].busy == 0 {
                    self.stop(s, now);
                }
            }
        }
        let boot = self.boot_time.sample(&mut self.boot_rng);
        self.launch_one(now, boot, &mut out);
        self.record_levels(now);
        out
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
}
