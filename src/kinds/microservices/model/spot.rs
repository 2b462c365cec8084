//! Spot interruptions in a microservices run: the notice's end, the
//! replacement, and the invocations a lost server fails.

use super::{Event, LOST, MicroservicesModel, NIL, Placement};
use crate::engine::Scheduler;
use crate::kinds::servers::model::autoscale::Interruption;
use crate::time::SimTime;

impl<P: Placement> MicroservicesModel<P> {
    /// After a spot notice on `pool`: the notice's end, work lost now, and
    /// the replacement.
    pub(super) fn interrupted(
        &mut self,
        pool: usize,
        i: Interruption,
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        if let Some((server, at)) = i.notice_ends {
            let pool = pool as u32;
            sched.schedule(at, Event::NoticeEnds { pool, server });
        }
        if let Some(server) = i.lose {
            self.lose_work_on(pool, server, now, sched);
        }
        self.pool_changed(pool, i.launches, now, sched);
    }

    /// Server `server` of `pool` lost what it runs: each invocation on it
    /// frees its slot now and fails its request, and its sync caller stops
    /// waiting. Interruptions are rare, so a scan of the invocations in
    /// flight beats keeping a list per server on every start.
    pub(super) fn lose_work_on(
        &mut self,
        pool: usize,
        server: u32,
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        let svc = self.pools[pool].svc;
        let mut callers = Vec::new();
        // Invocations doing work on a shared CPU: their completions go
        // with the server, so they end here.
        let mut on_cpu = Vec::new();
        if let Some(cpus) = &mut self.fleets[svc].cpus {
            let before = cpus.busy_on(server);
            cpus.clear(server, now, &mut on_cpu);
            self.cpu_moved(svc, server, before, now, sched);
        }
        for inv in self.calls.invocations.live_ids() {
            let x = self.calls.invocations[inv as usize];
            if x.holder != server || self.calls.target(x.node) as usize != svc {
                continue;
            }
            // Its record stays until its pending end (work done, or its
            // own callee's answer) frees it, with no caller left to answer.
            let lost = &mut self.calls.invocations[inv as usize];
            lost.holder = LOST;
            if lost.parent != NIL {
                callers.push(lost.parent);
                lost.parent = NIL;
            }
            let f = &mut self.fleets[svc];
            f.busy -= 1;
            let slots = f.cpus.is_none();
            if slots {
                f.busy_area.set(now, f.busy);
                f.busy_level.set(now, f.busy, self.warmup);
            }
            self.pools[pool].pool.release_slot(server, now);
            if slots {
                self.busy -= 1;
                self.stats.set_busy(self.busy);
            }
            let r = &mut self.calls.requests[x.req as usize];
            if !r.failed {
                r.failed = true;
                self.stats.on_interrupted(r.arrival);
            }
        }
        // The request has failed: a resumed caller makes no more calls and
        // ends, freeing its own slot.
        for caller in callers {
            self.resume(caller, now, sched);
        }
        for inv in on_cpu {
            self.resume(inv, now, sched);
        }
    }
}
