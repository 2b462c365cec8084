//! A function's keep-alive policy: what becomes of an on-demand instance
//! that goes idle, whether a pre-warm is still wanted, and which idle
//! instance expires next. The policy only decides; the model (in
//! `instances`) lists, removes and starts instances and sets the timers
//! the decisions name, so each policy is tested here without a run.
//!
//! Two policies: a fixed keep-alive (the default, [`Fixed`]) and the
//! hybrid histogram of Shahrad et al. (`hybrid`). They are a closed enum
//! rather than a `dyn` trait: every invocation's start and end and every
//! instance going idle asks the policy, and a match on two variants is
//! inlined where a virtual call is not.

mod hybrid;

use crate::kinds::serverless::spec::FunctionSpec;
use crate::time::SimTime;
use hybrid::Hybrid;

/// What becomes of an on-demand instance that went idle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Idle {
    /// List it as idle and reclaim it at `until`.
    Keep { until: SimTime },
    /// Unload it now and start a warm one at `at`, if the pre-warm is
    /// still wanted then (ask [`KeepAlive::prewarm`] with `spell`).
    Unload { at: SimTime, spell: u32 },
}

/// The next step of an expiry check.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Expiry {
    /// This listed idle instance is due: reclaim it, then ask again.
    Reclaim(u32),
    /// Nothing more is due; set the function's expiry timer for this time
    /// if there is one.
    Done(Option<SimTime>),
}

/// One function's keep-alive policy and its state.
pub(super) enum KeepAlive {
    Fixed(Fixed),
    /// Boxed: its histogram and deadlines would more than double the size
    /// of every function's record, which the fixed policy reads hot.
    Hybrid(Box<Hybrid>),
}

impl KeepAlive {
    pub(super) fn new(spec: &FunctionSpec) -> Self {
        match &spec.hybrid {
            Some(h) => KeepAlive::Hybrid(Box::new(Hybrid::new(h))),
            None => KeepAlive::Fixed(Fixed::new(spec.keep_alive)),
        }
    }

    /// An invocation starts while the function had none running.
    #[inline]
    pub(super) fn activity_starts(&mut self, now: SimTime) {
        if let KeepAlive::Hybrid(h) = self {
            h.activity_starts(now);
        }
    }

    /// The function's last running invocation ended.
    #[inline]
    pub(super) fn activity_ends(&mut self, now: SimTime) {
        if let KeepAlive::Hybrid(h) = self {
            h.activity_ends(now);
        }
    }

    /// An on-demand instance finished its last invocation at `now`.
    #[inline]
    pub(super) fn on_idle(&mut self, now: SimTime) -> Idle {
        match self {
            KeepAlive::Fixed(f) => f.on_idle(now),
            KeepAlive::Hybrid(h) => h.on_idle(now),
        }
    }

    /// A pre-warm planned for idle spell `spell` is due at `now`: the
    /// deadline of the warm instance to start, or None if an invocation
    /// came first. A fixed keep-alive never plans one.
    pub(super) fn prewarm(&mut self, spell: u32, now: SimTime) -> Option<SimTime> {
        match self {
            KeepAlive::Fixed(_) => None,
            KeepAlive::Hybrid(h) => h.prewarm(spell, now),
        }
    }

    /// The instance `id`, listed idle in its spell `epoch`, is kept until
    /// `deadline`: the time to set the function's expiry timer for, if it
    /// must be set (or brought forward).
    #[inline]
    pub(super) fn keep(&mut self, id: u32, epoch: u32, deadline: SimTime) -> Option<SimTime> {
        match self {
            KeepAlive::Fixed(f) => f.keep(deadline),
            KeepAlive::Hybrid(h) => h.keep(id, epoch, deadline),
        }
    }

    /// The expiry timer fired at `now` (and may fire again after a
    /// `Reclaim`): the next idle instance to reclaim, or the time to wake
    /// again. `oldest` is the head of the idle list and when it went idle;
    /// `listed(id, epoch)` whether `id` is still idle in spell `epoch`.
    #[inline]
    pub(super) fn next_expiry(
        &mut self,
        now: SimTime,
        oldest: Option<(u32, SimTime)>,
        listed: impl Fn(u32, u32) -> bool,
    ) -> Expiry {
        match self {
            KeepAlive::Fixed(f) => f.next_expiry(now, oldest),
            KeepAlive::Hybrid(h) => h.next_expiry(now, listed),
        }
    }

    /// Entries kept for instances that may have left the idle list since.
    #[inline]
    pub(super) fn stale_entries(&self) -> usize {
        match self {
            KeepAlive::Fixed(_) => 0,
            KeepAlive::Hybrid(h) => h.deadlines(),
        }
    }

    /// Drops the entries of instances no longer idle in the spell they
    /// were kept for.
    pub(super) fn compact(&mut self, listed: impl Fn(u32, u32) -> bool) {
        if let KeepAlive::Hybrid(h) = self {
            h.compact(listed);
        }
    }

    /// Whether a pre-warmed instance's idle time is billed to the user.
    pub(super) fn bills_prewarm(&self) -> bool {
        match self {
            KeepAlive::Fixed(_) => false,
            KeepAlive::Hybrid(h) => h.bills_prewarm(),
        }
    }
}

/// Every idle instance is kept the same time after it last finished
/// work, so idle order is expiry order: the oldest idle instance is the
/// next to expire, and one timer per function, at its deadline, is exact.
pub(super) struct Fixed {
    after: SimTime,
    /// Whether an expiry timer is pending.
    timer: bool,
}

impl Fixed {
    fn new(after: SimTime) -> Self {
        Fixed {
            after,
            timer: false,
        }
    }

    #[inline]
    fn on_idle(&self, now: SimTime) -> Idle {
        Idle::Keep {
            until: now + self.after,
        }
    }

    /// A timer is set only when none is pending: the pending one is for an
    /// older instance, so it is due no later than this one.
    #[inline]
    fn keep(&mut self, deadline: SimTime) -> Option<SimTime> {
        if self.timer {
            return None;
        }
        self.timer = true;
        Some(deadline)
    }

    #[inline]
    fn next_expiry(&mut self, now: SimTime, oldest: Option<(u32, SimTime)>) -> Expiry {
        let Some((id, since)) = oldest else {
            self.timer = false;
            return Expiry::Done(None);
        };
        let deadline = since + self.after;
        if deadline > now {
            // The instance the timer was set for was reused; wake again
            // for the one now oldest.
            self.timer = true;
            return Expiry::Done(Some(deadline));
        }
        Expiry::Reclaim(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: u64) -> SimTime {
        SimTime::from_secs(secs)
    }

    /// A 10-minute keep-alive: an instance idle at 5 s is kept until
    /// 605 s; the first one kept sets the timer, later ones (due later)
    /// do not.
    #[test]
    fn fixed_keeps_each_instance_the_same_time_with_one_timer() {
        let mut k = KeepAlive::Fixed(Fixed::new(s(600)));
        assert_eq!(k.on_idle(s(5)), Idle::Keep { until: s(605) });
        assert_eq!(k.keep(3, 1, s(605)), Some(s(605)));
        assert_eq!(k.on_idle(s(100)), Idle::Keep { until: s(700) });
        assert_eq!(k.keep(4, 1, s(700)), None);
        assert_eq!(k.stale_entries(), 0);
        assert!(!k.bills_prewarm());
        assert_eq!(k.prewarm(0, s(10)), None);
    }

    /// At 605 s the instance idle since 5 s is due; the next, idle since
    /// 100 s, is not: the timer is set again for 700 s. With no idle
    /// instance left the timer is not set, and the next kept one sets it.
    #[test]
    fn fixed_reclaims_the_oldest_until_one_is_not_due() {
        let mut k = KeepAlive::Fixed(Fixed::new(s(600)));
        assert_eq!(k.keep(3, 1, s(605)), Some(s(605)));
        let never = |_, _| panic!("a fixed keep-alive has no deadlines to check");
        assert_eq!(
            k.next_expiry(s(605), Some((3, s(5))), never),
            Expiry::Reclaim(3)
        );
        assert_eq!(
            k.next_expiry(s(605), Some((4, s(100))), never),
            Expiry::Done(Some(s(700)))
        );
        assert_eq!(k.keep(5, 1, s(800)), None, "the timer for 700 s is pending");
        assert_eq!(k.next_expiry(s(700), None, never), Expiry::Done(None));
        assert_eq!(k.keep(6, 1, s(1500)), Some(s(1500)));
    }
}
