//! Environment recycling (`max_lifetime`) and the cause of each cold
//! start: what the pool lost, to recycling or to keep-alive, and has not
//! yet replaced.

use crate::engine::Scheduler;
use crate::kinds::serverless::model::{Event, ServerlessModel};
use crate::kinds::serverless::results::ColdStartCauses;
use crate::time::SimTime;
use std::collections::VecDeque;

/// What a function's pool lost and has not replaced yet.
#[derive(Default)]
pub(super) struct Losses {
    /// When each unreplaced recycled instance was retired, oldest first.
    recycled: VecDeque<SimTime>,
    /// Instances reclaimed by keep-alive (or recycled longer than a
    /// keep-alive ago) and not replaced.
    expired: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cause {
    NewDemand,
    KeepAliveExpiry,
    Recycling,
}

impl Losses {
    pub(super) fn expired(&mut self) {
        self.expired += 1;
    }

    pub(super) fn recycled(&mut self, now: SimTime) {
        self.recycled.push_back(now);
    }

    /// The cause of a cold start at `now`, and the loss it replaces. A
    /// recycled instance more than `keep_alive` ago would have expired
    /// anyway: it counts as lost to keep-alive from then on.
    pub(super) fn replace(&mut self, now: SimTime, keep_alive: SimTime) -> Cause {
        while let Some(&at) = self.recycled.front() {
            if at + keep_alive > now {
                break;
            }
            self.recycled.pop_front();
            self.expired += 1;
        }
        if self.recycled.pop_back().is_some() {
            Cause::Recycling
        } else if self.expired > 0 {
            self.expired -= 1;
            Cause::KeepAliveExpiry
        } else {
            Cause::NewDemand
        }
    }
}

impl ColdStartCauses {
    pub(super) fn add(&mut self, cause: Cause) {
        match cause {
            Cause::NewDemand => self.new_demand += 1,
            Cause::KeepAliveExpiry => self.keep_alive_expiry += 1,
            Cause::Recycling => self.recycling += 1,
        }
    }
}

impl ServerlessModel {
    /// Whether an on-demand instance has reached its function's
    /// `max_lifetime` at `now`.
    #[inline]
    pub(super) fn worn_out(&self, id: u32, now: SimTime) -> bool {
        let i = &self.instances[id as usize];
        match self.functions[i.func as usize].spec.max_lifetime {
            Some(l) => !i.provisioned && now >= i.started + l,
            None => false,
        }
    }

    /// Retires a worn-out instance that is not in the idle list.
    pub(super) fn recycle(&mut self, id: u32, now: SimTime) {
        self.mark_retiring(id, now);
        self.remove_instance(id, now);
    }

    /// Counts a worn-out instance as lost to recycling, once.
    pub(super) fn mark_retiring(&mut self, id: u32, now: SimTime) {
        let i = &mut self.instances[id as usize];
        if !i.retiring {
            i.retiring = true;
            self.functions[i.func as usize].losses.recycled(now);
        }
    }

    /// An idle instance that will reach its lifetime before its keep-alive
    /// ends (at `expires`) is retired then. Always inlined: it runs
    /// whenever an instance goes idle, and without a lifetime it only reads
    /// one field, less than the call cost.
    #[inline(always)]
    pub(super) fn schedule_retire(&self, id: u32, expires: SimTime, sched: &mut Scheduler<Event>) {
        let i = &self.instances[id as usize];
        let f = &self.functions[i.func as usize];
        if let Some(l) = f.spec.max_lifetime {
            let at = i.started + l;
            if at < expires {
                sched.schedule(
                    at,
                    Event::Retire {
                        id,
                        epoch: i.idle_epoch,
                    },
                );
            }
        }
    }

    pub(super) fn on_retire(&mut self, id: u32, epoch: u32, now: SimTime) {
        let i = &self.instances[id as usize];
        // Taken (or reclaimed and reused) since: nothing to do.
        if !i.alive || i.idle_epoch != epoch || i.active > 0 {
            return;
        }
        self.unlink_idle(id, now);
        self.recycle(id, now);
        self.keep_lists_lean(self.instances[id as usize].func);
    }
}
