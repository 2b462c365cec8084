//! The hybrid-histogram keep-alive policy (Shahrad et al., ATC'20): a
//! function's histogram of idle times, the pre-warm and keep-alive windows
//! read from it, pre-warming, and exact expiry when every idle instance
//! has its own deadline.
//!
//! Under a fixed keep-alive, idle order is expiry order and the idle list
//! alone gives exact expiry. Here the window changes as the histogram
//! fills, so deadlines live in a min-heap per function, with lazy
//! deletion (an entry is stale once its instance left the idle spell it
//! was pushed for) and one pending timer at the earliest deadline.

use super::{Event, ServerlessModel};
use crate::engine::Scheduler;
use crate::scenario::HybridSpec;
use crate::time::SimTime;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One function's idle-time histogram and what the policy keeps between
/// events.
pub(super) struct Hybrid {
    spec: HybridSpec,
    hist: IdleHistogram,
    /// The windows read from the histogram since its last sample.
    windows: Option<(SimTime, SimTime)>,
    /// When the function last had no invocation running (None: busy).
    idle_since: Option<SimTime>,
    /// Bumped when an invocation ends the function's idle spell: pending
    /// pre-warms of an earlier epoch are stale.
    epoch: u32,
    /// (deadline, instance, idle epoch) of listed instances; may be stale.
    deadlines: BinaryHeap<Reverse<(SimTime, u32, u32)>>,
    /// The earliest pending expiry timer, `SimTime::MAX` if none.
    expire_at: SimTime,
}

impl Hybrid {
    pub(super) fn new(spec: &HybridSpec) -> Box<Self> {
        Box::new(Hybrid {
            hist: IdleHistogram::new(spec.bins(), spec.bin),
            spec: spec.clone(),
            windows: None,
            idle_since: None,
            epoch: 0,
            deadlines: BinaryHeap::new(),
            expire_at: SimTime::MAX,
        })
    }

    /// (pre-warm, keep-until), both from the end of the instance's work:
    /// the histogram's head and tail with the margin when it is
    /// representative, else (0, the fixed fallback).
    fn windows(&mut self) -> (SimTime, SimTime) {
        if let Some(w) = self.windows {
            return w;
        }
        let s = &self.spec;
        let h = &self.hist;
        let total = h.in_range + h.out_of_range;
        let representative = total >= s.min_samples as u64
            && h.in_range > 0
            && (h.out_of_range as f64) < s.out_of_range * total as f64
            && h.cv() >= s.cv_threshold;
        let w = if representative {
            let bin = s.bin.as_secs_f64();
            let head = h.percentile_bin(s.head) as f64 * bin * (1.0 - s.margin);
            let tail = (h.percentile_bin(s.tail) + 1) as f64 * bin * (1.0 + s.margin);
            (SimTime::from_secs_f64(head), SimTime::from_secs_f64(tail))
        } else {
            (SimTime::ZERO, s.fallback)
        };
        self.windows = Some(w);
        w
    }
}

/// Counts of idle times in bins of equal width from 0 to the range, and
/// the count beyond it.
pub(super) struct IdleHistogram {
    bins: Vec<u32>,
    bin_ns: u64,
    in_range: u64,
    out_of_range: u64,
    /// Σ count², kept so the coefficient of variation is O(1).
    sum_sq: u64,
}

impl IdleHistogram {
    pub(super) fn new(bins: usize, bin: SimTime) -> Self {
        IdleHistogram {
            bins: vec![0; bins],
            bin_ns: bin.as_nanos(),
            in_range: 0,
            out_of_range: 0,
            sum_sq: 0,
        }
    }

    pub(super) fn record(&mut self, idle: SimTime) {
        match self.bins.get_mut((idle.as_nanos() / self.bin_ns) as usize) {
            Some(c) => {
                self.sum_sq += 2 * *c as u64 + 1;
                *c += 1;
                self.in_range += 1;
            }
            None => self.out_of_range += 1,
        }
    }

    /// The coefficient of variation of the bin counts (population standard
    /// deviation over the mean): high when idle times cluster in few bins,
    /// near 0 when they spread evenly.
    pub(super) fn cv(&self) -> f64 {
        let b = self.bins.len() as f64;
        let mean = self.in_range as f64 / b;
        if mean == 0.0 {
            return 0.0;
        }
        let var = (self.sum_sq as f64 / b - mean * mean).max(0.0);
        var.sqrt() / mean
    }

    /// The first bin at which the cumulative share of in-range idle times
    /// reaches `p`.
    pub(super) fn percentile_bin(&self, p: f64) -> usize {
        let need = p * self.in_range as f64;
        let mut seen = 0u64;
        for (i, &c) in self.bins.iter().enumerate() {
            seen += c as u64;
            if c > 0 && seen as f64 >= need {
                return i;
            }
        }
        self.bins.len() - 1
    }
}

impl ServerlessModel {
    /// An invocation of `func` starts at `now`: if the function was idle,
    /// its idle time is a sample, and pre-warms planned for that idle
    /// spell are no longer needed.
    #[inline]
    pub(super) fn hybrid_on_start(&mut self, func: u32, now: SimTime) {
        let f = &mut self.functions[func as usize];
        if f.busy > 0 {
            return;
        }
        let Some(h) = f.hybrid.as_deref_mut() else {
            return;
        };
        if let Some(since) = h.idle_since.take() {
            h.hist.record(now - since);
            h.windows = None;
        }
        h.epoch = h.epoch.wrapping_add(1);
    }

    /// An invocation of `func` ended at `now`.
    #[inline]
    pub(super) fn hybrid_on_end(&mut self, func: u32, now: SimTime) {
        let f = &mut self.functions[func as usize];
        if f.busy == 0
            && let Some(h) = f.hybrid.as_deref_mut()
        {
            h.idle_since = Some(now);
        }
    }

    /// An on-demand instance of a function under the policy went idle: it
    /// is unloaded at once and pre-warmed later, or kept until the tail.
    pub(super) fn hybrid_idle(&mut self, id: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let func = self.instances[id as usize].func;
        let h = self.functions[func as usize]
            .hybrid
            .as_deref_mut()
            .expect("hybrid");
        let (prewarm, until) = h.windows();
        if prewarm > SimTime::ZERO {
            let epoch = h.epoch;
            self.functions[func as usize].losses.expired();
            self.remove_instance(id, now);
            sched.schedule(now + prewarm, Event::Prewarm { func, epoch });
        } else {
            self.set_total_idle(1);
            self.list_idle(id, now);
            self.hybrid_keep(id, now + until, sched);
        }
    }

    /// A pre-warm planned at the start of an idle spell is due: unless an
    /// invocation came first, a warm instance waits until the tail.
    pub(super) fn on_prewarm(
        &mut self,
        func: u32,
        epoch: u32,
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        let f = &mut self.functions[func as usize];
        let h = f.hybrid.as_deref_mut().expect("hybrid");
        if h.epoch != epoch {
            return;
        }
        let (prewarm, until) = h.windows();
        // It replaces the instance unloaded for it; started off the
        // request path, it is not a cold start and takes no scale rate.
        f.losses.replace(now, f.spec.keep_alive);
        let id = self.new_instance(func, now, false);
        self.instances[id as usize].prewarmed = true;
        self.set_total_idle(1);
        self.list_idle(id, now);
        self.hybrid_keep(id, now + until.saturating_sub(prewarm), sched);
    }

    /// Keeps the listed idle instance `id` until `deadline`.
    fn hybrid_keep(&mut self, id: u32, deadline: SimTime, sched: &mut Scheduler<Event>) {
        let i = self.instances[id as usize];
        let limit = super::instances::stale_limit(self.functions[i.func as usize].instances);
        let h = self.functions[i.func as usize]
            .hybrid
            .as_deref_mut()
            .expect("hybrid");
        h.deadlines.push(Reverse((deadline, id, i.idle_epoch)));
        if deadline < h.expire_at {
            h.expire_at = deadline;
            sched.schedule(deadline, Event::Expire { func: i.func });
        }
        if h.deadlines.len() > limit {
            self.compact_deadlines(i.func);
        }
        self.schedule_retire(id, deadline, sched);
    }

    fn is_listed(&self, id: u32, epoch: u32) -> bool {
        let i = &self.instances[id as usize];
        i.alive && i.idle_epoch == epoch && i.active == 0 && !i.provisioned
    }

    #[cold]
    fn compact_deadlines(&mut self, func: u32) {
        let mut heap = std::mem::take(
            &mut self.functions[func as usize]
                .hybrid
                .as_deref_mut()
                .expect("hybrid")
                .deadlines,
        );
        heap.retain(|Reverse((_, id, epoch))| self.is_listed(*id, *epoch));
        self.functions[func as usize]
            .hybrid
            .as_deref_mut()
            .expect("hybrid")
            .deadlines = heap;
    }

    /// Reclaims the instances whose deadline has come; re-arms the timer
    /// if this was the earliest one.
    pub(super) fn hybrid_expire(&mut self, func: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        loop {
            let h = self.functions[func as usize]
                .hybrid
                .as_deref()
                .expect("hybrid");
            let Some(&Reverse((deadline, id, epoch))) = h.deadlines.peek() else {
                break;
            };
            let listed = self.is_listed(id, epoch);
            if listed && deadline > now {
                break;
            }
            let h = self.functions[func as usize]
                .hybrid
                .as_deref_mut()
                .expect("hybrid");
            h.deadlines.pop();
            if listed {
                self.unlink_idle(id, now);
                self.functions[func as usize].losses.expired();
                self.remove_instance(id, now);
            }
        }
        let h = self.functions[func as usize]
            .hybrid
            .as_deref_mut()
            .expect("hybrid");
        if now >= h.expire_at {
            h.expire_at = SimTime::MAX;
            if let Some(&Reverse((deadline, ..))) = h.deadlines.peek() {
                h.expire_at = deadline;
                sched.schedule(deadline, Event::Expire { func });
            }
        }
        self.keep_lists_lean(func);
    }

    /// A pre-warmed instance leaves the idle list at `now`: its idle time
    /// is billed if the policy says the platform bills it.
    pub(super) fn end_prewarm(&mut self, id: u32, now: SimTime) {
        let i = &mut self.instances[id as usize];
        i.prewarmed = false;
        let (func, from) = (i.func, i.last_used);
        let warmup = self.warmup;
        let f = &mut self.functions[func as usize];
        if !f.hybrid.as_deref().is_some_and(|h| h.spec.bill_prewarm) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 20 idle times: 19 in bin 29 and 1 in bin 59, of 240 one-minute
    /// bins. Head (5 %): one sample is 5 % of 20, reached at bin 29; tail
    /// (99 %): 19.8 needs the 20th, at bin 59. Bin counts: Σc² = 19² + 1 =
    /// 362, mean 20/240, variance 362/240 − (1/12)² = 1.5014, CV =
    /// 1.2253 / 0.08333 = 14.70.
    #[test]
    fn percentiles_and_cv_match_hand_computation() {
        let mut h = IdleHistogram::new(240, SimTime::from_secs(60));
        for _ in 0..19 {
            h.record(SimTime::from_secs(29 * 60 + 59));
        }
        h.record(SimTime::from_secs(59 * 60));
        h.record(SimTime::from_secs(4 * 3600));
        assert_eq!(h.percentile_bin(0.05), 29);
        assert_eq!(h.percentile_bin(0.99), 59);
        assert_eq!((h.in_range, h.out_of_range), (20, 1));
        let cv = (362.0 / 240.0 - (20.0f64 / 240.0).powi(2)).sqrt() / (20.0 / 240.0);
        assert!((h.cv() - cv).abs() < 1e-12 && (cv - 14.70).abs() < 0.01);
    }

    /// The same idle time in every bin: the counts do not vary.
    #[test]
    fn evenly_spread_idle_times_have_zero_cv() {
        let mut h = IdleHistogram::new(240, SimTime::from_secs(60));
        for i in 0..240 * 3 {
            h.record(SimTime::from_secs(60 * (i % 240) + 30));
        }
        assert_eq!(h.cv(), 0.0);
    }
}
