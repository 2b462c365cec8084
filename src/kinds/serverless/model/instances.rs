//! A function's instances: creating them, the idle list (oldest first),
//! carrying out the keep-alive policy's decisions (keep, unload and
//! pre-warm, expire) and billing pre-warmed idle time, the lists of
//! partly busy and newest instances, and finding capacity for an
//! invocation within the limits.

use crate::engine::Scheduler;
use crate::kinds::serverless::model::keep_alive::{Expiry, Idle};
use crate::kinds::serverless::model::rotation::Set;
use crate::kinds::serverless::model::{Blocked, Event, Instance, NIL, ServerlessModel};
use crate::kinds::serverless::spec::IdleSelection;
use crate::time::SimTime;

/// How long a function's lazily cleaned lists may grow before they are
/// compacted: twice its instances, and some slack so small pools never
/// compact.
#[inline]
pub(super) fn stale_limit(instances: u32) -> usize {
    2 * instances as usize + 64
}

/// Whether an instance is still an on-demand one idle in its spell
/// `epoch` (entries of the keep-alive deadlines may be stale).
#[inline]
fn is_listed(i: &Instance, epoch: u32) -> bool {
    i.alive && i.idle_epoch == epoch && i.active == 0 && !i.provisioned
}

impl ServerlessModel {
    pub(super) fn new_instance(&mut self, func: u32, now: SimTime, provisioned: bool) -> u32 {
        let inst = Instance {
            func,
            active: 0,
            started: now,
            last_used: now,
            provisioned,
            prewarmed: false,
            alive: true,
            retiring: false,
            ready_at: now,
            busy_since: now,
            prev: NIL,
            next: NIL,
            idle_epoch: 0,
            set: Set::None,
            starting: false,
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
    pub(super) fn set_total_idle(&mut self, delta: i64) {
        self.total_idle = self.total_idle.wrapping_add_signed(delta);
        self.stats.set_idle(self.total_idle);
    }

    /// Takes instance `id` out of its function's idle list. Always
    /// inlined, like [`Self::list_idle`]: one of the two runs at every
    /// invocation's start and end, and a call cost as much as the list
    /// work.
    #[inline(always)]
    pub(super) fn unlink_idle(&mut self, id: u32, now: SimTime) {
        if self.instances[id as usize].prewarmed {
            self.end_prewarm(id, now);
        }
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
        f.idle_level.set(now, f.idle_now(), self.warmup);
        self.set_total_idle(-1);
        let i = &mut self.instances[id as usize];
        i.prev = NIL;
        i.next = NIL;
        i.idle_epoch = i.idle_epoch.wrapping_add(1);
    }

    /// The instance finished its last invocation at `now`.
    pub(super) fn become_idle(&mut self, id: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        if self.worn_out(id, now) {
            self.recycle(id, now);
            self.keep_lists_lean(self.instances[id as usize].func);
            return;
        }
        let inst = self.instances[id as usize];
        if inst.provisioned {
            self.set_total_idle(1);
            self.functions[inst.func as usize].provisioned_idle.push(id);
            return;
        }
        let f = &mut self.functions[inst.func as usize];
        match f.keep_alive.on_idle(now) {
            Idle::Keep { until } => {
                self.set_total_idle(1);
                self.list_idle(id, now);
                self.keep(id, until, sched);
            }
            Idle::Unload { at, spell } => {
                f.losses.expired();
                self.remove_instance(id, now);
                sched.schedule(
                    at,
                    Event::Prewarm {
                        func: inst.func,
                        epoch: spell,
                    },
                );
            }
        }
        self.keep_lists_lean(inst.func);
    }

    /// Keeps the listed idle instance `id` until `deadline`, with the
    /// expiry timer its policy asks for. Always inlined: it runs whenever
    /// an instance goes idle, and under a fixed keep-alive its own work is
    /// a few loads, less than the call cost.
    #[inline(always)]
    fn keep(&mut self, id: u32, deadline: SimTime, sched: &mut Scheduler<Event>) {
        let Instance {
            func, idle_epoch, ..
        } = self.instances[id as usize];
        let f = &mut self.functions[func as usize];
        if let Some(at) = f.keep_alive.keep(id, idle_epoch, deadline) {
            sched.schedule(at, Event::Expire { func });
        }
        if f.keep_alive.stale_entries() > stale_limit(f.instances) {
            self.compact_keep_alive(func);
        }
        self.schedule_retire(id, deadline, sched);
    }

    #[cold]
    fn compact_keep_alive(&mut self, func: u32) {
        let instances = &self.instances;
        self.functions[func as usize]
            .keep_alive
            .compact(|id, epoch| is_listed(&instances[id as usize], epoch));
    }

    /// A pre-warm planned when an instance was unloaded is due: unless an
    /// invocation came first, a warm instance waits until its deadline.
    pub(super) fn on_prewarm(
        &mut self,
        func: u32,
        spell: u32,
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        let f = &mut self.functions[func as usize];
        let Some(deadline) = f.keep_alive.prewarm(spell, now) else {
            return;
        };
        // It replaces the instance unloaded for it; started off the
        // request path, it is not a cold start and takes no scale rate.
        f.losses.replace(now, f.spec.keep_alive);
        let id = self.new_instance(func, now, false);
        self.instances[id as usize].prewarmed = true;
        self.set_total_idle(1);
        self.list_idle(id, now);
        self.keep(id, deadline, sched);
    }

    /// A pre-warmed instance leaves the idle list at `now`: its idle time
    /// is billed if the policy says the platform bills it.
    pub(super) fn end_prewarm(&mut self, id: u32, now: SimTime) {
        let i = &mut self.instances[id as usize];
        i.prewarmed = false;
        let (func, from) = (i.func, i.last_used);
        let warmup = self.warmup;
        let f = &mut self.functions[func as usize];
        if !f.keep_alive.bills_prewarm() {
            return;
        }
        let gb = f.spec.memory_gb();
        let rate = f.spec.pricing.gb_second;
        let counted = now.saturating_sub(from.max(warmup)).as_secs_f64() * gb;
        f.billed_gb_seconds += counted;
        f.compute_usd += counted * rate;
        self.stats.add_cost((now - from).as_secs_f64() * gb * rate);
    }

    /// Bills the pre-warmed instances still idle at the end of the run.
    pub(super) fn end_prewarms(&mut self, end: SimTime) {
        for id in 0..self.instances.len() as u32 {
            let i = &self.instances[id as usize];
            if i.alive && i.prewarmed && i.active == 0 {
                self.end_prewarm(id, end);
            }
        }
    }

    /// Appends an on-demand instance idle since `now` to its function's
    /// idle list (and the `newest` heap if used).
    #[inline(always)]
    pub(super) fn list_idle(&mut self, id: u32, now: SimTime) {
        let func = self.instances[id as usize].func;
        let f = &mut self.functions[func as usize];
        let tail = f.idle_tail;
        if tail == NIL {
            f.idle_head = id;
        } else {
            self.instances[tail as usize].next = id;
        }
        f.idle_tail = id;
        f.idle_count += 1;
        f.idle_level.set(now, f.idle_now(), self.warmup);
        let i = &mut self.instances[id as usize];
        i.prev = tail;
        i.next = NIL;
        i.last_used = now;
        i.idle_epoch = i.idle_epoch.wrapping_add(1);
        if f.spec.idle_selection == IdleSelection::Newest {
            f.newest.push((i.started, id, i.idle_epoch));
        }
    }

    /// Bounds a function's lazily cleaned lists. Stale entries of the
    /// `newest` heap and the `partial` list are dropped when popped, but an
    /// instance that expires below newer ones leaves its entry behind, so
    /// without this the lists could grow with the length of the run. Once a
    /// list is over twice the function's instances (plus slack) it is
    /// compacted: amortised O(1) per entry pushed.
    #[inline]
    pub(super) fn keep_lists_lean(&mut self, func: u32) {
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
    pub(super) fn compact_newest(&mut self, func: u32) {
        let instances = &self.instances;
        self.functions[func as usize]
            .newest
            .retain(|&(_, id, epoch)| {
                let i = &instances[id as usize];
                i.alive && i.idle_epoch == epoch && i.active == 0
            });
    }

    #[cold]
    pub(super) fn compact_partial(&mut self, func: u32) {
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

    /// A function's expiry timer fired: reclaims the idle instances its
    /// policy finds due, and sets the timer again if the policy asks.
    pub(super) fn on_expire(&mut self, func: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        loop {
            let f = &mut self.functions[func as usize];
            let instances = &self.instances;
            let head = f.idle_head;
            let oldest = (head != NIL).then(|| (head, instances[head as usize].last_used));
            let next = f.keep_alive.next_expiry(now, oldest, |id, epoch| {
                is_listed(&instances[id as usize], epoch)
            });
            match next {
                Expiry::Reclaim(id) => {
                    self.unlink_idle(id, now);
                    self.functions[func as usize].losses.expired();
                    self.remove_instance(id, now);
                }
                Expiry::Done(wake) => {
                    if let Some(at) = wake {
                        sched.schedule(at, Event::Expire { func });
                    }
                    break;
                }
            }
        }
        // Fewer instances: the lists' allowance shrinks with them.
        self.keep_lists_lean(func);
    }

    /// The idle instance `idle_selection` would use, or NIL; stays listed.
    fn pick_idle(&mut self, fi: usize) -> u32 {
        let f = &mut self.functions[fi];
        match f.spec.idle_selection {
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
        }
    }

    /// Frees an instance that holds no invocation and is not idle-listed.
    pub(super) fn remove_instance(&mut self, id: u32, now: SimTime) {
        self.bill_lifetime(id, now);
        let i = &mut self.instances[id as usize];
        i.alive = false;
        let func = i.func;
        self.free_instances.push(id);
        let warmup = self.warmup;
        let f = &mut self.functions[func as usize];
        f.instances -= 1;
        f.instances_level.set(now, f.instances as u64, warmup);
        self.total_instances -= 1;
        self.total_level.set(now, self.total_instances, warmup);
        self.stats.set_servers(self.total_instances);
    }

    /// Finds capacity for one invocation of `func`: a warm instance, or a
    /// new (cold) one. Returns the instance and whether it is cold.
    /// Always inlined into its two callers (an invocation reaching its
    /// function, and the drain of waiting ones), like
    /// `start_invocation`: both run once per invocation.
    #[inline(always)]
    pub(super) fn acquire(&mut self, func: u32, now: SimTime) -> Result<(u32, bool), Blocked> {
        let fi = func as usize;
        {
            let f = &self.functions[fi];
            if self.account_busy >= self.concurrency_limit {
                return Err(Blocked::Concurrency);
            }
            if f.busy >= f.cap {
                return Err(Blocked::Reserved);
            }
        }
        let scaled = self.functions[fi].scaling.is_some();
        if scaled && let Some(id) = self.route(func, now) {
            return Ok((id, false));
        }
        if let Some(id) = self.functions[fi].provisioned_idle.pop() {
            self.set_total_idle(-1);
            return Ok((id, false));
        }
        let k = self.functions[fi].spec.instance_concurrency;
        if k > 1 && !scaled {
            while let Some(id) = self.functions[fi].partial.pop() {
                let i = &self.instances[id as usize];
                // Entries may be stale: the id may since have been reused,
                // even by another function.
                if i.alive && i.func == func && i.active > 0 && i.active < k {
                    if self.worn_out(id, now) {
                        // It takes no more: retired when its last one ends.
                        // Lost to recycling from now: a replacement started
                        // before it drains is recycling's, not demand's.
                        self.mark_retiring(id, now);
                        continue;
                    }
                    return Ok((id, false));
                }
            }
        }
        let warm = loop {
            let warm = self.pick_idle(fi);
            if warm == NIL || !self.worn_out(warm, now) {
                break warm;
            }
            // At its lifetime exactly: recycled, not reused.
            self.unlink_idle(warm, now);
            self.recycle(warm, now);
        };
        if warm != NIL {
            self.unlink_idle(warm, now);
            if scaled {
                self.enter(warm, Set::Rotation, now);
            }
            return Ok((warm, false));
        }
        if let Some(max) = self.functions[fi].spec.max_instances
            && self.functions[fi].instances >= max
        {
            return Err(Blocked::MaxInstances);
        }
        if !self.functions[fi].scale_rate.try_take(now) {
            return Err(Blocked::ScaleRate);
        }
        let id = self.new_instance(func, now, false);
        if scaled {
            // Starting: requests that find the rotation full may join it
            // (and wait); it joins the rotation when ready (its `Ready` is
            // set with its cold start, in `start_invocation`).
            self.instances[id as usize].starting = true;
            self.enter(id, Set::Starting, now);
        }
        Ok((id, true))
    }
}
