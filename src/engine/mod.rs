//! The discrete-event kernel: a clock, a queue of future events, and a loop
//! that hands each event to a model. It knows nothing of fleets, functions or
//! demand. (Over 500 lines with its unit tests; the kernel is about 290.)
//!
//! # Ordering contract
//! Events run in order of their scheduled time. Events scheduled for the same
//! instant run in the order they were scheduled (first in, first out), because
//! the queue is keyed by `(time, insertion sequence)`. Time never goes
//! backwards: scheduling an event before the current instant is a bug in the
//! model and panics.
//!
//! The queue is a 4-ary min-heap of small `Copy` events, with their keys
//! in a parallel array, that is reused for the whole run, so handling an
//! event allocates nothing once the heap has grown to the largest number of
//! pending events. Beside it wait the next event of a feed (an arrival
//! process, [`Scheduler::feed`]) and a calendar queue of completions
//! ([`Scheduler::schedule_completion`]); the next event is the smallest
//! key of the three. Every key is unique, so the order events come out in
//! depends only on the keys, not on which queue holds them or how.

use crate::time::SimTime;
use calendar::Calendar;
use heap::EventHeap;

mod calendar;
mod heap;

/// The key of an event: `(time, seq)` packed into one integer, time in the
/// high half, so one comparison orders by time then insertion.
#[inline]
fn key(at: SimTime, seq: u64) -> u128 {
    ((at.as_nanos() as u128) << 64) | seq as u128
}

#[inline]
fn key_time(key: u128) -> SimTime {
    SimTime((key >> 64) as u64)
}

/// One pending event with its key.
#[derive(Clone, Copy, Debug)]
struct Entry<E> {
    key: u128,
    event: E,
}

/// Where a scheduler keeps feed events and completions. Every choice
/// gives the same order; only the speed differs, and the differential
/// tests run models on each to prove it.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Queues {
    /// The feed beside the heap, and the completions of models that run
    /// many activities at once on the calendar.
    Usual,
    /// Everything in the heap: the plain queue the others must match.
    PlainHeap,
    /// Every completion on the calendar, whatever the model says.
    AllCompletionsOnCalendar,
}

/// Which queue holds the next event.
#[derive(Clone, Copy)]
enum Queue {
    Heap,
    Feed,
    Calendar,
}

/// The future-event list and the clock.
#[derive(Debug)]
pub struct Scheduler<E> {
    heap: EventHeap<E>,
    /// The pending event of the feed (see [`Scheduler::feed`]).
    fed: Option<Entry<E>>,
    /// The completions (see [`Scheduler::schedule_completion`]).
    completions: Calendar<E>,
    /// Where feed events and completions go (see [`Queues`]).
    queues: Queues,
    next_seq: u64,
    now: SimTime,
}

impl<E: Copy> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> Scheduler<E> {
    pub fn new() -> Self {
        Scheduler {
            heap: EventHeap::with_capacity(1024),
            fed: None,
            completions: Calendar::new(),
            queues: Queues::Usual,
            next_seq: 0,
            now: SimTime::ZERO,
        }
    }

    /// A scheduler that keeps feed events and completions as `queues`
    /// says: [`Queues::Usual`] for real runs, the others for the
    /// differential tests.
    pub fn with_queues(queues: Queues) -> Self {
        Scheduler {
            queues,
            ..Self::new()
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
        let key = self.next_key(at);
        self.heap.push(key, event);
    }

    /// Schedules the next event of a feed: a stream of events produced one
    /// at a time, each scheduling the next when it runs (an arrival
    /// process). It is ordered exactly as if it had been given to
    /// [`Scheduler::schedule`] (same time, same insertion sequence), but
    /// waits beside the heap instead of in it, which saves a heap push and
    /// pop per arrival.
    ///
    /// # Panics
    /// If `at` is in the past, or a feed event is already pending.
    #[inline]
    pub fn feed(&mut self, at: SimTime, event: E) {
        assert!(self.fed.is_none(), "a feed event is already pending");
        if self.queues == Queues::PlainHeap {
            return self.schedule_in_heap(at, event);
        }
        let key = self.next_key(at);
        self.fed = Some(Entry { key, event });
    }

    /// Schedules the end of one of many activities that run at once (a job
    /// on one of a fleet's slots), each started some service time before
    /// it ends. It is ordered exactly as if it had been given to
    /// [`Scheduler::schedule`] (same time, same insertion sequence), but
    /// is kept on a calendar queue suited to such events: dense in time,
    /// spread over a few service times ahead, about as many as the
    /// activities.
    ///
    /// `many` says whether enough such activities may run at once for the
    /// calendar to pay: it costs about the same whatever it holds, where a
    /// heap of a few entries costs next to nothing. Otherwise this is
    /// [`Scheduler::schedule`]. Either way the order is the same.
    ///
    /// # Panics
    /// If `at` is before the current instant.
    #[inline]
    pub fn schedule_completion(&mut self, at: SimTime, event: E, many: bool) {
        let on_heap = match self.queues {
            Queues::Usual => !many,
            Queues::PlainHeap => true,
            Queues::AllCompletionsOnCalendar => false,
        };
        if on_heap {
            return self.schedule(at, event);
        }
        let key = self.next_key(at);
        self.completions.push(key, event);
    }

    /// The reference scheduler's feed, out of line so that the real one
    /// stays small enough to be inlined into every arrival.
    #[cold]
    #[inline(never)]
    fn schedule_in_heap(&mut self, at: SimTime, event: E) {
        self.schedule(at, event);
    }

    #[inline]
    fn next_key(&mut self, at: SimTime) -> u128 {
        assert!(
            at >= self.now,
            "event scheduled in the past: {:?} < now {:?}",
            at,
            self.now
        );
        let seq = self.next_seq;
        self.next_seq += 1;
        key(at, seq)
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
        // `u128::MAX` is no event's key (no sequence number reaches
        // `u64::MAX`): it stands for an empty queue, and its time,
        // `SimTime::MAX`, is at or after any `end`.
        let (mut key, mut from) = (self.heap.min_key(), Queue::Heap);
        if let Some(f) = &self.fed
            && f.key < key
        {
            (key, from) = (f.key, Queue::Feed);
        }
        // Compared last, and only taken when smaller, so that a model with
        // no completions pays one predictable branch for them.
        let calendar = self.completions.min_key();
        if calendar < key {
            (key, from) = (calendar, Queue::Calendar);
        }
        let at = key_time(key);
        if at >= end {
            return None;
        }
        let event = match from {
            Queue::Feed => self.fed.take()?.event,
            Queue::Calendar => self.completions.pop()?.1,
            Queue::Heap => self.heap.pop()?.1,
        };
        self.now = at;
        Some((at, event))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len() + self.completions.len() + self.fed.is_some() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
    type Event: Copy;
    /// Schedules the model's first events; called once, at time 0, before
    /// the first event is handled.
    fn start(&mut self, sched: &mut Scheduler<Self::Event>) {
        let _ = sched;
    }
    /// Handles one event at `sched.now()`; may schedule further events.
    fn handle(&mut self, event: Self::Event, sched: &mut Scheduler<Self::Event>);
}

/// Starts `model` on a new scheduler and runs it to `end`. Returns the
/// number of events handled.
pub fn simulate<M: Model>(model: &mut M, end: SimTime) -> u64 {
    simulate_on(model, Scheduler::new(), end)
}

/// [`simulate`] on a given (new) scheduler.
pub fn simulate_on<M: Model>(model: &mut M, mut sched: Scheduler<M::Event>, end: SimTime) -> u64 {
    model.start(&mut sched);
    run_until(model, &mut sched, end)
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

    /// A feed event takes its place in the (time, insertion) order exactly
    /// as a scheduled one would, ties included.
    #[test]
    fn feed_events_are_ordered_like_scheduled_ones() {
        let s = SimTime::from_secs;
        let mut sched = Scheduler::new();
        sched.schedule(s(2), 1);
        sched.feed(s(2), 2); // tied with 1, inserted after it
        sched.schedule(s(2), 3); // tied, inserted after the feed event
        sched.schedule(s(1), 4);
        let mut order = vec![];
        while let Some((t, e)) = sched.pop_before(s(10)) {
            order.push((t, e));
            if e == 2 {
                sched.feed(s(3), 5);
            }
        }
        assert_eq!(
            order,
            vec![(s(1), 4), (s(2), 1), (s(2), 2), (s(2), 3), (s(3), 5)]
        );
        assert!(sched.is_empty());
    }

    #[test]
    #[should_panic(expected = "already pending")]
    fn one_feed_event_at_a_time() {
        let mut sched: Scheduler<u32> = Scheduler::new();
        sched.feed(SimTime::from_secs(1), 1);
        sched.feed(SimTime::from_secs(2), 2);
    }

    #[test]
    #[should_panic(expected = "scheduled in the past")]
    fn scheduling_in_the_past_is_a_bug() {
        let mut sched: Scheduler<u32> = Scheduler::new();
        sched.advance_to(SimTime::from_secs(5));
        sched.schedule(SimTime::from_secs(4), 1);
    }

    /// A small deterministic generator for the queue tests (the heap's
    /// too).
    /// The event stored with a key in the queue tests: derived from the
    /// key, so a key popped with another entry's event is caught.
    pub(super) fn tag(key: u128) -> u32 {
        (key as u32) ^ ((key >> 64) as u32).rotate_left(16) ^ 0x5a5a_5a5a
    }

    /// The keys of `times` pushed in order (each with the next sequence
    /// number), in the order a queue must give them back.
    pub(super) fn keys_in_order(times: &[u64]) -> Vec<u128> {
        let mut keys: Vec<u128> = times
            .iter()
            .enumerate()
            .map(|(seq, &t)| key(SimTime(t), seq as u64))
            .collect();
        keys.sort_unstable();
        keys
    }

    pub(super) struct Lcg(pub u64);

    impl Lcg {
        pub(super) fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
    }

    /// A completion takes its place in the (time, insertion) order
    /// exactly as a scheduled one would, ties with the heap and the feed
    /// included.
    #[test]
    fn completions_are_ordered_like_scheduled_ones() {
        let s = SimTime::from_secs;
        let mut sched = Scheduler::with_queues(Queues::AllCompletionsOnCalendar);
        sched.schedule_completion(s(2), 1, true);
        sched.feed(s(2), 2); // tied with 1, inserted after it
        sched.schedule(s(2), 3); // tied, inserted after the feed event
        sched.schedule_completion(s(2), 4, true); // tied, last of the four
        sched.schedule_completion(s(1), 5, true);
        let mut order = vec![];
        while let Some((t, e)) = sched.pop_before(s(10)) {
            order.push((t, e));
            if e == 1 {
                // Due now: after the three still pending at this instant.
                sched.schedule_completion(s(2), 6, true);
            }
        }
        assert_eq!(
            order,
            vec![
                (s(1), 5),
                (s(2), 1),
                (s(2), 2),
                (s(2), 3),
                (s(2), 4),
                (s(2), 6)
            ]
        );
        assert!(sched.is_empty());
    }

    #[test]
    #[should_panic(expected = "scheduled in the past")]
    fn a_completion_in_the_past_is_a_bug() {
        let mut sched: Scheduler<u32> = Scheduler::with_queues(Queues::AllCompletionsOnCalendar);
        sched.advance_to(SimTime::from_secs(5));
        sched.schedule_completion(SimTime::from_secs(4), 1, true);
    }

    /// The scheduler, feed and completions included, against a sorted
    /// list of `(time, insertion order)`: events pushed while others run,
    /// many at the instant being handled.
    #[test]
    fn scheduler_matches_a_sorted_reference() {
        matches_a_sorted_reference(Scheduler::new());
        matches_a_sorted_reference(Scheduler::with_queues(Queues::AllCompletionsOnCalendar));
    }

    /// The reference the differential tests run models on is itself
    /// right.
    #[test]
    fn scheduler_on_the_plain_heap_matches_a_sorted_reference() {
        matches_a_sorted_reference(Scheduler::with_queues(Queues::PlainHeap));
    }

    /// Where an event is scheduled: the heap, the feed or the calendar.
    #[derive(Clone, Copy, PartialEq)]
    enum Via {
        Heap,
        Feed,
        Calendar,
    }

    fn matches_a_sorted_reference(mut sched: Scheduler<u32>) {
        let mut rng = Lcg(99);
        let mut pending: Vec<(SimTime, u64, u32)> = vec![];
        let mut inserted = 0u64;
        let mut add = |sched: &mut Scheduler<u32>, pending: &mut Vec<_>, at, via| {
            let id = inserted as u32;
            match via {
                Via::Feed => sched.feed(at, id),
                Via::Heap => sched.schedule(at, id),
                Via::Calendar => sched.schedule_completion(at, id, true),
            }
            pending.push((at, inserted, id));
            inserted += 1;
            id
        };
        let mut feed_id = add(&mut sched, &mut pending, SimTime(3), Via::Feed);
        for _ in 0..20_000 {
            for _ in 0..rng.next() % 3 {
                let at = SimTime(sched.now().0 + rng.next() % 4);
                let via = if rng.next().is_multiple_of(2) {
                    Via::Heap
                } else {
                    Via::Calendar
                };
                add(&mut sched, &mut pending, at, via);
            }
            let Some((t, id)) = sched.pop_before(SimTime::MAX) else {
                break;
            };
            let first = (0..pending.len())
                .min_by_key(|&i| (pending[i].0, pending[i].1))
                .unwrap();
            assert_eq!((t, id), (pending[first].0, pending[first].2));
            pending.remove(first);
            if id == feed_id {
                let at = SimTime(t.0 + rng.next() % 3);
                feed_id = add(&mut sched, &mut pending, at, Via::Feed);
            }
            assert_eq!(sched.len(), pending.len());
        }
    }
}
