//! An invocation's life on a serverless platform: reaching its function,
//! taking an instance (or waiting, or being throttled), running, making
//! its calls through the shared [`CallStepper`](crate::architectures::calls::CallStepper),
//! and ending; and the event queue of async invocations that wait for
//! capacity.

use crate::architectures::calls::{Invocation, Released};
use crate::engine::Scheduler;
use crate::kinds::serverless::model::rotation::Set;
use crate::kinds::serverless::model::{Blocked, Event, ServerlessModel};
use crate::time::SimTime;

impl ServerlessModel {
    pub(super) fn on_invoke(&mut self, inv: u32, now: SimTime, sched: &mut Scheduler<Event>) {
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
                    let wait = f.spec.pending_timeout;
                    if matches!(why, Blocked::MaxInstances) && wait > SimTime::ZERO {
                        self.hold_pending(inv, func, now + wait, sched);
                    } else {
                        self.throttle(inv, func, why, now, sched);
                    }
                } else {
                    if counted {
                        f.async_throttled += 1;
                        f.refused.add(why.limit(), false, now.as_secs_f64());
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

    /// Fails a synchronous invocation that found no capacity (`why`): its
    /// request is throttled (HTTP 429).
    fn throttle(
        &mut self,
        inv: u32,
        func: u32,
        why: Blocked,
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        if self.counted(now) {
            let f = &mut self.functions[func as usize];
            f.throttled += 1;
            f.refused.add(why.limit(), true, now.as_secs_f64());
        }
        let req = self.calls.invocations[inv as usize].req;
        let r = &mut self.calls.requests[req as usize];
        if !r.failed {
            r.failed = true;
            self.stats.on_throttle(r.arrival);
        }
        self.release_invocation(inv, now, sched);
    }

    /// Holds a synchronous invocation at its function's `max_instances`
    /// until a slot frees or `deadline`.
    fn hold_pending(
        &mut self,
        inv: u32,
        func: u32,
        deadline: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        let f = &mut self.functions[func as usize];
        f.pending.push_back((inv, deadline));
        if !f.pending_timer {
            f.pending_timer = true;
            sched.schedule(deadline, Event::PendingTimeout { func });
        }
        self.queued += 1;
        self.stats.set_queue(self.queued);
    }

    /// Throttles the pending invocations whose wait is over; wakes again
    /// for the next one.
    pub(super) fn on_pending_timeout(
        &mut self,
        func: u32,
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        self.functions[func as usize].pending_timer = false;
        while let Some(&(inv, deadline)) = self.functions[func as usize].pending.front() {
            if deadline > now {
                self.functions[func as usize].pending_timer = true;
                sched.schedule(deadline, Event::PendingTimeout { func });
                break;
            }
            self.functions[func as usize].pending.pop_front();
            self.queued -= 1;
            self.stats.set_queue(self.queued);
            let req = self.calls.invocations[inv as usize].req;
            if self.calls.requests[req as usize].failed {
                self.release_invocation(inv, now, sched);
            } else {
                self.throttle(inv, func, Blocked::MaxInstances, now, sched);
            }
        }
    }

    fn wake_at_next_window(&mut self, func: u32, sched: &mut Scheduler<Event>) {
        let f = &mut self.functions[func as usize];
        if !f.scale_wake_pending {
            f.scale_wake_pending = true;
            sched.schedule(f.scale_rate.next_at(), Event::ScaleWindow { func });
        }
    }

    // Always inlined, like `acquire`: once per invocation, two callers.
    #[inline(always)]
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
        if i.active == 1 {
            // An instance still starting serves (and is billed) from its
            // start.
            i.busy_since = if i.starting { i.started } else { now };
        }
        let (active, set) = (i.active, i.set);
        let f = &mut self.functions[func as usize];
        if f.scaling.is_some() {
            self.load_changed(instance, active - 1, now);
        } else if active < f.spec.instance_concurrency {
            f.partial.push(instance);
            self.keep_lists_lean(func);
        }
        debug_assert!(set != Set::None || self.functions[func as usize].scaling.is_none());
        let f = &mut self.functions[func as usize];
        if f.busy == 0 {
            f.keep_alive.activity_starts(now);
        }
        f.busy += 1;
        self.account_busy += 1;
        self.stats.set_busy(self.account_busy as u64);
        if counted {
            f.invocations += 1;
        }
        let root = self.calls.requests[req as usize].root;
        let work = self.calls.works.get(req, (node - root) as usize);
        if let Some(s) = f.scaling.as_deref_mut() {
            s.autoscaler.set_busy(now, f.busy);
            s.autoscaler.work(work.as_secs_f64());
        }
        let shared = f.spec.shared_vcpus();
        let mut delay = if f.slowdown == 1.0 {
            work
        } else {
            SimTime((work.as_nanos() as f64 * f.slowdown + 0.5) as u64)
        };
        // The wait on I/O after the work: the environment is held (and
        // billed) for it, but no memory size makes it shorter.
        delay += self.calls.wait(inv);
        if cold {
            let init = f.cold_start.sample(&mut self.cold_rng);
            self.instances[instance as usize].ready_at = now + init;
            if f.scaling.is_some() {
                sched.schedule(now + init, Event::Ready { id: instance });
            }
            let cause = f.losses.replace(now, f.spec.keep_alive);
            if counted {
                f.cold_starts += 1;
                f.causes.add(cause);
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
        match shared {
            None => sched.schedule(now + delay, Event::Resume { inv }),
            // Its work shares the instance's vCPUs: it joins them once
            // the instance is ready.
            Some(_) if init > SimTime::ZERO => sched.schedule(now + init, Event::Compute { inv }),
            Some(_) => self.compute(inv, now, sched),
        }
    }

    /// An invocation on an instance whose vCPUs are shared starts its
    /// work on them (or, with none, its wait).
    pub(super) fn compute(&mut self, inv: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let work = self.calls.work(inv);
        if work == SimTime::ZERO {
            return self.after_work(inv, now, sched);
        }
        let instance = self.calls.invocations[inv as usize].holder;
        let func = self.instances[instance as usize].func;
        let vcpus = self.functions[func as usize].spec.shared_vcpus();
        let cpus = self.cpus.as_mut().expect("an instance with shared vCPUs");
        if cpus.on(instance) == 0 {
            cpus.set_vcpus(instance, vcpus.unwrap_or(1));
        }
        cpus.add(instance, inv, work, now);
        self.reschedule_cpu(instance, now, sched);
    }

    /// The next completion of `instance`'s CPU, if it changed.
    fn reschedule_cpu(&mut self, instance: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let cpus = self.cpus.as_mut().expect("an instance with shared vCPUs");
        // Invocations are never taken off a CPU: every entry is live.
        if let Some(next) = cpus.next(instance, now, |_| true) {
            let generation = next.generation;
            sched.schedule(
                next.at,
                Event::Cpu {
                    instance,
                    generation,
                },
            );
        }
    }

    /// A completion event of `instance`'s CPU.
    pub(super) fn cpu_done(
        &mut self,
        instance: u32,
        generation: u32,
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        let cpus = self.cpus.as_mut().expect("an instance with shared vCPUs");
        let Some(inv) = cpus.complete(instance, generation, now, |_| true) else {
            return;
        };
        self.reschedule_cpu(instance, now, sched);
        self.after_work(inv, now, sched);
    }

    /// Its work done, the invocation waits on its I/O, then makes its calls.
    fn after_work(&mut self, inv: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let wait = self.calls.wait(inv);
        if wait > SimTime::ZERO {
            sched.schedule(now + wait, Event::Resume { inv });
        } else {
            self.resume(inv, now, sched);
        }
    }

    /// Makes the invocation's remaining calls; ends it when none remain.
    pub(super) fn resume(&mut self, inv: u32, now: SimTime, sched: &mut Scheduler<Event>) {
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
        let (active, provisioned, set) = (i.active, i.provisioned, i.set);
        let f = &mut self.functions[func as usize];
        f.busy -= 1;
        if let Some(s) = f.scaling.as_deref_mut() {
            s.autoscaler.set_busy(now, f.busy);
        }
        self.account_busy -= 1;
        self.stats.set_busy(self.account_busy as u64);
        let k = f.spec.instance_concurrency;
        if f.busy == 0 {
            f.keep_alive.activity_ends(now);
        }
        self.bill(func, provisioned, now - start, counted);
        if counted {
            let wait = self.calls.wait(inv).as_secs_f64();
            let f = &mut self.functions[func as usize];
            f.waiting_gb_seconds += wait * f.spec.memory_gb();
        }
        if set != Set::None {
            // Under Cloud Run's autoscaler.
            self.load_changed(instance, active + 1, now);
            if active == 0 {
                self.bill_serving(instance, now);
                if set == Set::Standby || self.worn_out(instance, now) {
                    // Drained (or worn out): off to the idle list.
                    self.leave(instance, now);
                    self.become_idle(instance, now, sched);
                }
            }
        } else if active == 0 {
            self.bill_serving(instance, now);
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
    pub(super) fn drain(&mut self, now: SimTime, sched: &mut Scheduler<Event>) {
        for func in 0..self.functions.len() as u32 {
            // Requests held at `max_instances` first: a client waits on them.
            while let Some(&(inv, _)) = self.functions[func as usize].pending.front() {
                let req = self.calls.invocations[inv as usize].req;
                let failed = self.calls.requests[req as usize].failed;
                let got = if failed {
                    None
                } else {
                    match self.acquire(func, now) {
                        Ok(got) => Some(got),
                        Err(why) => {
                            if let Blocked::ScaleRate = why {
                                self.wake_at_next_window(func, sched);
                            }
                            break;
                        }
                    }
                };
                self.functions[func as usize].pending.pop_front();
                self.queued -= 1;
                self.stats.set_queue(self.queued);
                match got {
                    Some((instance, cold)) => {
                        self.start_invocation(inv, instance, cold, now, sched)
                    }
                    None => self.release_invocation(inv, now, sched),
                }
            }
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
                    Err(Blocked::Concurrency | Blocked::Reserved | Blocked::MaxInstances) => break,
                }
            }
            if self.queued == 0 {
                return;
            }
        }
    }

    pub(super) fn on_arrival(&mut self, now: SimTime, sched: &mut Scheduler<Event>) {
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
}
