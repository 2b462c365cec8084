//! A Cloud Run service's instances under its autoscaler: routing each
//! request to the least loaded instance in rotation, and every
//! [`PERIOD`](super::autoscaler::PERIOD) bringing the rotation to the
//! autoscaler's recommendation — re-admitting draining instances, then
//! idle ones, then starting new ones off the request path; or taking the
//! least loaded out, to drain and then idle under keep-alive.
//!
//! A request that finds every instance in rotation full still takes a slot
//! on standby (a draining instance, which rejoins the rotation), then on
//! one still starting (it waits for the start), then an idle instance,
//! then starts one cold, as Cloud Run's on-demand scaling does; that one
//! is starting too, and joins the rotation when ready.

use crate::engine::Scheduler;
use crate::kinds::serverless::model::autoscaler::{Autoscaler, PERIOD};
use crate::kinds::serverless::model::rotation::{Loads, Set};
use crate::kinds::serverless::model::{Event, Instance, NIL, ServerlessModel};
use crate::results::stats::Level;
use crate::time::SimTime;

/// One service's autoscaler and the instances it routes to.
pub(super) struct Scaling {
    pub autoscaler: Autoscaler,
    rotation: Loads,
    standby: Loads,
    /// Instances not yet ready (started by the autoscaler or by a request).
    starting: Loads,
    /// Instances in rotation with no request: idle, though not listed.
    pub idle: u32,
    /// Instances the autoscaler started (measured period).
    pub started: u64,
    /// Instances in rotation or starting, over time.
    pub wanted: Level,
}

impl Scaling {
    pub fn new(autoscaler: Autoscaler, concurrency: u32) -> Self {
        Scaling {
            autoscaler,
            rotation: Loads::new(concurrency),
            standby: Loads::new(concurrency),
            starting: Loads::new(concurrency),
            idle: 0,
            started: 0,
            wanted: Level::default(),
        }
    }
}

impl ServerlessModel {
    #[inline]
    fn scaling(&mut self, func: u32) -> &mut Scaling {
        self.functions[func as usize]
            .scaling
            .as_deref_mut()
            .expect("a service under Cloud Run's autoscaler")
    }

    /// Puts instance `id` (in no set) into `set`.
    pub(super) fn enter(&mut self, id: u32, set: Set, now: SimTime) {
        let i = &mut self.instances[id as usize];
        i.set = set;
        let (func, idle) = (i.func, i.active == 0 && !i.starting);
        let s = self.functions[func as usize]
            .scaling
            .as_deref_mut()
            .expect("a service under Cloud Run's autoscaler");
        match set {
            Set::Rotation => s.rotation.insert(&mut self.instances, id),
            Set::Standby => s.standby.insert(&mut self.instances, id),
            Set::Starting => s.starting.insert(&mut self.instances, id),
            Set::None => unreachable!("entering no set"),
        }
        if idle {
            self.rotation_idle(func, 1, now);
        }
        self.note_wanted(func, now);
    }

    /// Takes instance `id` out of its set.
    pub(super) fn leave(&mut self, id: u32, now: SimTime) {
        let i = self.instances[id as usize];
        let s = self.functions[i.func as usize]
            .scaling
            .as_deref_mut()
            .expect("a service under Cloud Run's autoscaler");
        match i.set {
            Set::Rotation => s.rotation.remove(&mut self.instances, id, i.active),
            Set::Standby => s.standby.remove(&mut self.instances, id, i.active),
            Set::Starting => s.starting.remove(&mut self.instances, id, i.active),
            Set::None => return,
        }
        self.instances[id as usize].set = Set::None;
        if i.active == 0 && !i.starting {
            self.rotation_idle(i.func, -1, now);
        }
        self.note_wanted(i.func, now);
    }

    /// An instance in a set went from `old` requests to its current
    /// number: it moves to that load's list.
    #[inline]
    pub(super) fn load_changed(&mut self, id: u32, old: u32, now: SimTime) {
        let i = self.instances[id as usize];
        let s = self.functions[i.func as usize]
            .scaling
            .as_deref_mut()
            .expect("a service under Cloud Run's autoscaler");
        let loads = match i.set {
            Set::Rotation => &mut s.rotation,
            Set::Standby => &mut s.standby,
            Set::Starting => &mut s.starting,
            Set::None => return,
        };
        loads.shift(&mut self.instances, id, old);
        if !i.starting && (old == 0) != (i.active == 0) {
            self.rotation_idle(i.func, if old == 0 { -1 } else { 1 }, now);
        }
    }

    /// Records the instances in rotation or starting after a change.
    fn note_wanted(&mut self, func: u32, now: SimTime) {
        let warmup = self.warmup;
        let s = self.scaling(func);
        let n = (s.rotation.len + s.starting.len) as u64;
        s.wanted.set(now, n, warmup);
    }

    fn rotation_idle(&mut self, func: u32, delta: i64, now: SimTime) {
        let warmup = self.warmup;
        let f = &mut self.functions[func as usize];
        let s = f.scaling.as_deref_mut().expect("an autoscaled service");
        s.idle = s.idle.wrapping_add_signed(delta as i32);
        f.idle_level
            .set(now, (f.idle_count + s.idle) as u64, warmup);
        self.set_total_idle(delta);
    }

    /// The instance a request of `func` takes, if one in rotation or on
    /// standby has a free slot.
    #[inline]
    pub(super) fn route(&mut self, func: u32, now: SimTime) -> Option<u32> {
        let k = self.functions[func as usize].spec.instance_concurrency;
        loop {
            let s = self.scaling(func);
            let (id, standby) = match (s.rotation.least(k), s.standby.least(k)) {
                (NIL, NIL) => (s.starting.least(k), false),
                (NIL, id) => (id, true),
                (id, _) => (id, false),
            };
            if id == NIL {
                return None;
            }
            if !self.instances[id as usize].starting && self.worn_out(id, now) {
                // At its `max_lifetime`: it takes no new request and is
                // retired when its last one ends.
                self.leave(id, now);
                self.mark_retiring(id, now);
                if self.instances[id as usize].active == 0 {
                    self.recycle(id, now);
                }
                continue;
            }
            if standby {
                // A draining instance is needed after all.
                self.leave(id, now);
                self.enter(id, Set::Rotation, now);
            }
            return Some(id);
        }
    }

    /// The autoscaler's evaluation for `func`: bring the instances in
    /// rotation (and starting) to its recommendation.
    pub(super) fn on_scale(&mut self, func: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        sched.schedule(now + PERIOD, Event::Scale { func });
        let f = &mut self.functions[func as usize];
        let (provisioned, cap) = (f.spec.provisioned, f.spec.max_instances.unwrap_or(u32::MAX));
        let s = f.scaling.as_deref_mut().expect("an autoscaled service");
        let want = s.autoscaler.recommend(now).max(provisioned).min(cap);
        let have = s.rotation.len + s.starting.len;
        if want > have {
            self.scale_out(func, want - have, now, sched);
        } else if want < s.rotation.len {
            // Only the rotation above the recommendation leaves: instances
            // still starting are no reason to take warm ones out.
            let n = s.rotation.len - want;
            self.scale_in(func, n, now, sched);
        }
    }

    fn scale_out(&mut self, func: u32, mut n: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        // Draining instances first: they are up and warm.
        let back = self.least_loaded(func, Set::Standby, n, |_| true);
        for &id in &back {
            self.leave(id, now);
            self.enter(id, Set::Rotation, now);
            n -= 1;
        }
        self.out_scratch = back;
        // Then idle ones, the most recently used first.
        while n > 0 {
            let id = self.functions[func as usize].idle_tail;
            if id == NIL {
                break;
            }
            self.unlink_idle(id, now);
            if !self.instances[id as usize].starting && self.worn_out(id, now) {
                self.recycle(id, now);
                continue;
            }
            self.enter(id, Set::Rotation, now);
            n -= 1;
        }
        // Then new ones, which join the rotation when ready.
        let counted = self.counted(now);
        while n > 0 {
            let f = &self.functions[func as usize];
            if f.spec.max_instances.is_some_and(|m| f.instances >= m) {
                break;
            }
            let id = self.new_instance(func, now, false);
            let f = &mut self.functions[func as usize];
            let init = f.cold_start.sample(&mut self.cold_rng);
            // It replaces what recycling or keep-alive took, if anything:
            // later cold starts are new demand's.
            f.losses.replace(now, f.spec.keep_alive);
            let s = f.scaling.as_deref_mut().expect("an autoscaled service");
            if counted {
                s.started += 1;
            }
            let i = &mut self.instances[id as usize];
            i.starting = true;
            i.ready_at = now + init;
            self.enter(id, Set::Starting, now);
            sched.schedule(now + init, Event::Ready { id });
            n -= 1;
        }
    }

    /// Up to `n` instances of `set` that `may` move, least loaded first,
    /// in the reused list (to be given back to `out_scratch`).
    fn least_loaded(
        &mut self,
        func: u32,
        set: Set,
        n: u32,
        may: impl Fn(&Instance) -> bool,
    ) -> Vec<u32> {
        let mut ids = std::mem::take(&mut self.out_scratch);
        ids.clear();
        let instances = &self.instances;
        let s = self.functions[func as usize]
            .scaling
            .as_deref()
            .expect("an autoscaled service");
        let loads = match set {
            Set::Rotation => &s.rotation,
            Set::Starting => &s.starting,
            _ => &s.standby,
        };
        loads.ascending(instances, |id| {
            if may(&instances[id as usize]) {
                ids.push(id);
            }
            ids.len() < n as usize
        });
        ids
    }

    fn scale_in(&mut self, func: u32, n: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        // The least loaded instances leave the rotation; provisioned ones
        // (minimum instances) never do.
        let out = self.least_loaded(func, Set::Rotation, n, |i| !i.provisioned);
        for &id in &out {
            self.leave(id, now);
            if self.instances[id as usize].active == 0 {
                self.become_idle(id, now, sched);
            } else {
                self.enter(id, Set::Standby, now);
            }
        }
        self.out_scratch = out;
    }

    /// An instance the autoscaler started is ready: it joins the rotation.
    /// Its start is billed as serving time if no request joined it (one
    /// that did is billed from the start with its request).
    pub(super) fn on_ready(&mut self, id: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        self.leave(id, now);
        let i = &mut self.instances[id as usize];
        i.starting = false;
        if i.active == 0 {
            i.busy_since = i.started;
            self.bill_serving(id, now);
        }
        self.enter(id, Set::Rotation, now);
        if self.queued > 0 {
            self.drain(now, sched);
        }
    }
}
