//! The hybrid-histogram keep-alive policy (Shahrad et al., ATC'20): a
//! function's histogram of idle times, the pre-warm and keep-alive windows
//! read from it, pre-warming, and exact expiry when every idle instance
//! has its own deadline. It decides; the model carries the decisions out.
//!
//! Under a fixed keep-alive, idle order is expiry order and the idle list
//! alone gives exact expiry. Here the window changes as the histogram
//! fills, so deadlines live in a min-heap per function, with lazy
//! deletion (an entry is stale once its instance left the idle spell it
//! was pushed for) and one pending timer at the earliest deadline.

use crate::kinds::serverless::model::keep_alive::{Expiry, Idle};
use crate::kinds::serverless::spec::keep_alive::HybridSpec;
use crate::time::SimTime;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One function's idle-time histogram and what the policy keeps between
/// events. Visible to the model, which holds it in `KeepAlive::Hybrid`.
pub(in crate::kinds::serverless::model) struct Hybrid {
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
    pub(super) fn new(spec: &HybridSpec) -> Self {
        Hybrid {
            hist: IdleHistogram::new(spec.bins(), spec.bin),
            spec: spec.clone(),
            windows: None,
            idle_since: None,
            epoch: 0,
            deadlines: BinaryHeap::new(),
            expire_at: SimTime::MAX,
        }
    }

    /// An invocation starts while the function had none running: if it
    /// was idle, its idle time is a sample, and pre-warms planned for
    /// that idle spell are no longer needed.
    #[inline]
    pub(super) fn activity_starts(&mut self, now: SimTime) {
        if let Some(since) = self.idle_since.take() {
            self.hist.record(now - since);
            self.windows = None;
        }
        self.epoch = self.epoch.wrapping_add(1);
    }

    /// The function's last running invocation ended: an idle spell
    /// begins.
    #[inline]
    pub(super) fn activity_ends(&mut self, now: SimTime) {
        self.idle_since = Some(now);
    }

    /// An instance went idle at `now`: unloaded at once and pre-warmed
    /// later, or kept until the tail.
    pub(super) fn on_idle(&mut self, now: SimTime) -> Idle {
        let (prewarm, until) = self.windows();
        if prewarm > SimTime::ZERO {
            Idle::Unload {
                at: now + prewarm,
                spell: self.epoch,
            }
        } else {
            Idle::Keep { until: now + until }
        }
    }

    /// A pre-warm planned at the start of idle spell `spell` is due: unless
    /// an invocation came first, a warm instance waits until the tail, the
    /// deadline returned.
    pub(super) fn prewarm(&mut self, spell: u32, now: SimTime) -> Option<SimTime> {
        if self.epoch != spell {
            return None;
        }
        let (prewarm, until) = self.windows();
        Some(now + until.saturating_sub(prewarm))
    }

    /// Each kept instance has its own deadline: the timer is brought
    /// forward when this one is the earliest.
    pub(super) fn keep(&mut self, id: u32, epoch: u32, deadline: SimTime) -> Option<SimTime> {
        self.deadlines.push(Reverse((deadline, id, epoch)));
        if deadline < self.expire_at {
            self.expire_at = deadline;
            return Some(deadline);
        }
        None
    }

    /// Pops stale entries and returns the first due instance still listed;
    /// when none is due and this was the earliest pending timer, the
    /// timer is re-armed at the earliest deadline left.
    pub(super) fn next_expiry(
        &mut self,
        now: SimTime,
        listed: impl Fn(u32, u32) -> bool,
    ) -> Expiry {
        while let Some(&Reverse((deadline, id, epoch))) = self.deadlines.peek() {
            let is_listed = listed(id, epoch);
            if is_listed && deadline > now {
                break;
            }
            self.deadlines.pop();
            if is_listed {
                return Expiry::Reclaim(id);
            }
        }
        if now < self.expire_at {
            return Expiry::Done(None);
        }
        let next = self.deadlines.peek().map(|&Reverse((at, ..))| at);
        self.expire_at = next.unwrap_or(SimTime::MAX);
        Expiry::Done(next)
    }

    /// The entries of the deadline heap, stale ones included.
    #[inline]
    pub(super) fn deadlines(&self) -> usize {
        self.deadlines.len()
    }

    #[cold]
    pub(super) fn compact(&mut self, listed: impl Fn(u32, u32) -> bool) {
        self.deadlines
            .retain(|&Reverse((_, id, epoch))| listed(id, epoch));
    }

    pub(super) fn bills_prewarm(&self) -> bool {
        self.spec.bill_prewarm
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

    /// The paper's defaults (1-minute bins over 4 hours, head 5 %, tail
    /// 99 %, margin 10 %), at least 10 samples, a 10-minute fallback.
    fn paper() -> Hybrid {
        Hybrid::new(&HybridSpec {
            range: SimTime::from_secs(4 * 3600),
            bin: SimTime::from_secs(60),
            head: 0.05,
            tail: 0.99,
            fallback: SimTime::from_secs(600),
            min_samples: 10,
            cv_threshold: 2.0,
            out_of_range: 0.5,
            margin: 0.1,
            bill_prewarm: true,
        })
    }

    /// Idle spells of 29 min 59.9 s, every 30 min from `from`: each
    /// sample in bin 29.
    fn periodic(h: &mut Hybrid, from: u64, spells: u64) {
        for k in 0..spells {
            let end = SimTime::from_secs(from + 1800 * k) + SimTime::from_millis(100);
            h.activity_ends(end);
            h.activity_starts(SimTime::from_secs(from + 1800 * (k + 1)));
        }
    }

    /// With 9 samples the histogram is not representative: the fallback
    /// keeps the instance 600 s. With 10 (all in bin 29: CV = 15.5 ≥ 2)
    /// head and tail are bin 29: pre-warm 29 min × 0.9 = 1566 s after the
    /// instance goes idle, kept until 30 min × 1.1 = 1980 s, that is
    /// 414 s after the pre-warm. The spell is the 10th (one per start);
    /// once an invocation starts, that pre-warm is stale.
    #[test]
    fn a_periodic_function_is_unloaded_and_prewarmed_before_its_next_call() {
        let mut h = paper();
        periodic(&mut h, 0, 9);
        let idle = SimTime::from_secs(9 * 1800) + SimTime::from_millis(100);
        assert_eq!(
            h.on_idle(idle),
            Idle::Keep {
                until: idle + SimTime::from_secs(600)
            }
        );
        periodic(&mut h, 9 * 1800, 1);
        let idle = SimTime::from_secs(10 * 1800) + SimTime::from_millis(100);
        h.activity_ends(idle);
        let at = idle + SimTime::from_secs(1566);
        assert_eq!(h.on_idle(idle), Idle::Unload { at, spell: 10 });
        assert_eq!(h.prewarm(10, at), Some(at + SimTime::from_secs(414)));
        h.activity_starts(at + SimTime::from_secs(1));
        assert_eq!(h.prewarm(10, at + SimTime::from_secs(2)), None);
        assert!(h.bills_prewarm());
    }

    /// Deadlines 100 s, 50 s, 200 s: the timer is set for 100 s, brought
    /// forward to 50 s, not moved for 200 s. At 50 s instance 2 is due
    /// and the timer moves to 100 s. Instance 1 left the idle list: at
    /// 100 s its entry is dropped and the timer moves to 200 s. A timer
    /// that is no longer the earliest sets none.
    #[test]
    fn each_instance_expires_at_its_own_deadline() {
        let mut h = paper();
        let s = SimTime::from_secs;
        assert_eq!(h.keep(1, 7, s(100)), Some(s(100)));
        assert_eq!(h.keep(2, 7, s(50)), Some(s(50)));
        assert_eq!(h.keep(3, 7, s(200)), None);
        let all = |_, epoch| epoch == 7;
        assert_eq!(h.next_expiry(s(50), all), Expiry::Reclaim(2));
        assert_eq!(h.next_expiry(s(50), all), Expiry::Done(Some(s(100))));
        assert_eq!(h.next_expiry(s(60), all), Expiry::Done(None));
        let not_1 = |id, _| id != 1;
        assert_eq!(h.deadlines(), 2);
        assert_eq!(h.next_expiry(s(100), not_1), Expiry::Done(Some(s(200))));
        assert_eq!(h.deadlines(), 1);
        h.compact(|_, _| false);
        assert_eq!(h.deadlines(), 0);
    }
}
