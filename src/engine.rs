//! The discrete-event kernel: a clock, a queue of future events, and a loop
//! that hands each event to a model. It knows nothing of fleets, functions or
//! demand.
//!
//! # Ordering contract
//! Events run in order of their scheduled time. Events scheduled for the same
//! instant run in the order they were scheduled (first in, first out), because
//! the queue is keyed by `(time, insertion sequence)`. Time never goes
//! backwards: scheduling an event before the current instant is a bug in the
//! model and panics.
//!
//! The queue is a binary heap of small `Copy` entries that is reused for the
//! whole run, so handling an event allocates nothing once the heap has grown
//! to the largest number of pending events.

use crate::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// One pending event. Ordered so that the max-heap pops the earliest
/// `(time, seq)` first.
#[derive(Clone, Copy, Debug)]
struct Entry<E> {
    time: SimTime,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.seq == other.seq
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: the smallest (time, seq) is the "greatest" for BinaryHeap.
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

/// The future-event list and the clock.
#[derive(Debug)]
pub struct Scheduler<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
    now: SimTime,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Scheduler<E> {
    pub fn new() -> Self {
        Scheduler {
            heap: BinaryHeap::with_capacity(1024),
            next_seq: 0,
            now: SimTime::ZERO,
        }
    }

    /// The instant of the event being handled (or of the last one handled).
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at the absolute time `at`.
    ///
    /// # Panics
    /// If `at` is before the current instant.
    #[inline]
    pub fn schedule(&mut self, at: SimTime, event: E) {
        assert!(
            at >= self.now,
            "event scheduled in the past: {:?} < now {:?}",
            at,
            self.now
        );
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Entry {
            time: at,
            seq,
            event,
        });
    }

    /// Schedules `event` after `delay` from now.
    #[inline]
    pub fn schedule_in(&mut self, delay: SimTime, event: E) {
        let at = self.now.saturating_add(delay);
        self.schedule(at, event);
    }

    /// Removes the next event if it is due strictly before `end`, and
    /// advances the clock to it.
    #[inline]
    pub fn pop_before(&mut self, end: SimTime) -> Option<(SimTime, E)> {
        match self.heap.peek() {
            Some(top) if top.time < end => {}
            _ => return None,
        }
        let entry = self.heap.pop()?;
        self.now = entry.time;
        Some((entry.time, entry.event))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Moves the clock to `t` without handling anything (used to close a run
    /// at its end time). Never moves it backwards.
    pub fn advance_to(&mut self, t: SimTime) {
        if t > self.now {
            self.now = t;
        }
    }
}

/// A simulation model: state plus a handler for its own closed event type.
pub trait Model {
    type Event;
    /// Handles one event at `sched.now()`; may schedule further events.
    fn handle(&mut self, event: Self::Event, sched: &mut Scheduler<Self::Event>);
}

/// Runs `model` until no event remains before `end`, then sets the clock to
/// `end`. Returns the number of events handled.
pub fn run_until<M: Model>(model: &mut M, sched: &mut Scheduler<M::Event>, end: SimTime) -> u64 {
    let mut handled = 0u64;
    while let Some((_, event)) = sched.pop_before(end) {
        model.handle(event, sched);
        handled += 1;
    }
    sched.advance_to(end);
    handled
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Recorder {
        seen: Vec<(SimTime, u32)>,
    }

    impl Model for Recorder {
        type Event = u32;
        fn handle(&mut self, event: u32, sched: &mut Scheduler<u32>) {
            self.seen.push((sched.now(), event));
            // Event 100 schedules two children for the very same instant.
            if event == 100 {
                sched.schedule_in(SimTime::ZERO, 101);
                sched.schedule_in(SimTime::ZERO, 102);
            }
        }
    }

    #[test]
    fn tied_events_run_in_insertion_order() {
        let mut sched = Scheduler::new();
        for id in [5, 3, 9, 1, 7] {
            sched.schedule(SimTime::from_secs(1), id);
        }
        let mut model = Recorder { seen: vec![] };
        run_until(&mut model, &mut sched, SimTime::from_secs(10));
        let ids: Vec<u32> = model.seen.iter().map(|&(_, id)| id).collect();
        assert_eq!(ids, vec![5, 3, 9, 1, 7]);
    }

    #[test]
    fn events_scheduled_now_run_after_earlier_ties() {
        let mut sched = Scheduler::new();
        sched.schedule(SimTime::from_secs(1), 100);
        sched.schedule(SimTime::from_secs(1), 200);
        let mut model = Recorder { seen: vec![] };
        run_until(&mut model, &mut sched, SimTime::from_secs(10));
        let ids: Vec<u32> = model.seen.iter().map(|&(_, id)| id).collect();
        assert_eq!(ids, vec![100, 200, 101, 102]);
    }

    #[test]
    fn time_never_goes_backwards() {
        let mut sched = Scheduler::new();
        // A scrambled set of times, with repeats.
        let mut x: u64 = 12345;
        for i in 0..10_000u32 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Offset so that no id is the Recorder's special event 100.
            sched.schedule(SimTime(x >> 52), 1000 + i);
        }
        let mut model = Recorder { seen: vec![] };
        let n = run_until(&mut model, &mut sched, SimTime::MAX);
        assert_eq!(n, 10_000);
        // Times never decrease, and with only 4096 distinct instants there
        // are many ties: ids were inserted in increasing order, so within an
        // instant they must come out increasing.
        assert!(
            model
                .seen
                .windows(2)
                .all(|w| w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1))
        );
    }

    #[test]
    fn events_at_or_after_the_end_are_left_pending() {
        let mut sched = Scheduler::new();
        sched.schedule(SimTime::from_secs(1), 1);
        sched.schedule(SimTime::from_secs(2), 2);
        let mut model = Recorder { seen: vec![] };
        run_until(&mut model, &mut sched, SimTime::from_secs(2));
        assert_eq!(model.seen, vec![(SimTime::from_secs(1), 1)]);
        assert_eq!(sched.len(), 1);
        assert_eq!(sched.now(), SimTime::from_secs(2));
    }

    #[test]
    #[should_panic(expected = "scheduled in the past")]
    fn scheduling_in_the_past_is_a_bug() {
        let mut sched: Scheduler<u32> = Scheduler::new();
        sched.advance_to(SimTime::from_secs(5));
        sched.schedule(SimTime::from_secs(4), 1);
    }
}
