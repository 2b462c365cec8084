//! The scheduler's calendar queue: a second future-event list for the
//! completions of many concurrent activities (the jobs of a fleet's
//! slots), whose times are dense and spread over a few service times
//! ahead. It owns its buckets, their width and when that width changes;
//! the scheduler owns the keys and merges this queue's minimum with the
//! heap's.
//!
//! Where a heap pays a sift of several levels of 128-bit comparisons for
//! every event, a calendar whose buckets hold about one event each files
//! an event with one or two comparisons and finds the next by looking at
//! the next bucket or two.
//!
//! (Over 500 lines with its unit tests, which drive the private buckets
//! directly; the queue itself is about 340.)

/// No entry: the end of a bucket's list or of the free list, an empty
/// bucket, or a minimum not yet found.
const NIL: u32 = u32::MAX;

/// The fewest buckets.
const MIN_BUCKETS: usize = 16;

/// Buckets per entry, at least: enough that a year spans several service
/// times, so that few entries wait a year or more in a bucket (where a
/// new entry must walk past them, and the cursor must skip them).
const BUCKETS_PER_ENTRY: usize = 2;

/// Pops between two checks of the bucket width against the spacing of the
/// events popped.
const ADAPT_EVERY: u32 = 256;

/// The bucket of `key`, counted from time 0 (not wrapped), for buckets of
/// `2^shift` nanoseconds.
#[inline]
fn bucket_of(key: u128, shift: u32) -> u64 {
    ((key >> 64) as u64) >> shift
}

/// A calendar queue (Brown, 1988) of `(key, event)` with unique keys,
/// popped in key order. Buckets are `2^shift` ns wide and wrap around
/// every `buckets × 2^shift` ns (a "year"); each holds a list of its
/// entries sorted by key, so an entry due a year or more later waits
/// behind the ones due this year. A cursor walks the buckets in time:
/// no entry is in a bucket before it, so the first bucket from the cursor
/// whose head is due in that very bucket holds the minimum. The minimum
/// is found when it changes (at a pop), so that reading it, which the
/// scheduler does for every event, costs one load.
///
/// The width follows the spacing of the events popped (checked every
/// [`ADAPT_EVERY`] pops) so that a bucket holds about one event where
/// they are dense, and the number of buckets follows the number of
/// entries. Either change refiles every entry; it happens while the queue
/// learns its scale, not in a steady state. A pop that finds nothing due
/// within a year (the width far too small) searches the bucket heads
/// directly, so a bad width costs time, never order.
///
/// Entries live in one array, indexed by entry number, and are recycled
/// through a free list, so nothing is allocated once the queue has grown
/// to its largest size.
#[derive(Debug)]
pub(super) struct Calendar<E> {
    entries: Vec<Entry<E>>,
    /// The first free entry.
    free: u32,
    buckets: Vec<Bucket>,
    /// Buckets are `2^shift` ns wide.
    shift: u32,
    /// The minimum's bucket (counted from time 0), where the search for
    /// the next one starts: no entry is due before it.
    cursor: u64,
    len: usize,
    /// The entry with the smallest key (`NIL` when empty), and its key
    /// (`u128::MAX` when empty).
    min: u32,
    min_key: u128,
    /// Past this many entries the buckets double.
    grow_at: usize,
    /// Pops left until the width is next checked.
    until_check: u32,
    /// The time (ns) of the pop at the last check.
    checked_at: u64,
    /// Reused when the entries are refiled.
    scratch: Vec<u32>,
}

/// One pending event, or a free place.
#[derive(Clone, Copy, Debug)]
struct Entry<E> {
    key: u128,
    event: E,
    /// The entry after this one in its bucket, or in the free list.
    next: u32,
}

/// A bucket's list: its first and last entry.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    head: u32,
    tail: u32,
}

const EMPTY: Bucket = Bucket {
    head: NIL,
    tail: NIL,
};

impl<E: Copy> Calendar<E> {
    /// A calendar with buckets of about a millisecond, until it has seen
    /// enough events to know better.
    pub(super) fn new() -> Self {
        Calendar {
            entries: Vec::new(),
            free: NIL,
            buckets: vec![EMPTY; MIN_BUCKETS],
            shift: 20,
            cursor: 0,
            len: 0,
            min: NIL,
            min_key: u128::MAX,
            grow_at: MIN_BUCKETS / BUCKETS_PER_ENTRY,
            until_check: ADAPT_EVERY,
            checked_at: 0,
            scratch: Vec::new(),
        }
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn slot(&self, bucket: u64) -> usize {
        (bucket & (self.buckets.len() as u64 - 1)) as usize
    }

    /// Files `(key, event)`. `key` must differ from every key in the
    /// queue.
    #[inline]
    pub(super) fn push(&mut self, key: u128, event: E) {
        if self.len >= self.grow_at {
            self.refile(self.shift, 2 * self.buckets.len());
        }
        let e = self.free;
        let e = if e != NIL {
            let entry = &mut self.entries[e as usize];
            self.free = entry.next;
            entry.key = key;
            entry.event = event;
            e
        } else {
            self.grow(key, event)
        };
        let bucket = bucket_of(key, self.shift);
        self.link(e, key, bucket);
        // A key due before the cursor's bucket is below the minimum, so the
        // cursor moves back with it.
        if key < self.min_key {
            self.min = e;
            self.min_key = key;
            self.cursor = bucket;
        }
        self.len += 1;
    }

    /// A new entry at the end of the array (the queue is larger than it
    /// has ever been).
    #[cold]
    #[inline(never)]
    fn grow(&mut self, key: u128, event: E) -> u32 {
        let e = self.entries.len();
        assert!(e < NIL as usize, "calendar queue full");
        self.entries.push(Entry {
            key,
            event,
            next: NIL,
        });
        e as u32
    }

    /// Puts entry `e` in its place in bucket `bucket`'s sorted list: after
    /// the last entry (the usual case when times rise, and for ties, whose
    /// newer key is the larger), else after the last smaller one.
    #[inline(always)]
    fn link(&mut self, e: u32, key: u128, bucket: u64) {
        let slot = self.slot(bucket);
        let tail = self.buckets[slot].tail;
        if tail == NIL {
            self.entries[e as usize].next = NIL;
            self.buckets[slot] = Bucket { head: e, tail: e };
        } else if self.entries[tail as usize].key < key {
            self.entries[e as usize].next = NIL;
            self.entries[tail as usize].next = e;
            self.buckets[slot].tail = e;
        } else {
            self.insert_before_tail(e, key, slot);
        }
    }

    /// Links entry `e` into the list of bucket `slot`, whose last key is
    /// larger than `key`.
    #[inline(never)]
    fn insert_before_tail(&mut self, e: u32, key: u128, slot: usize) {
        // The tail's key is larger, so the walk stops at or before it.
        let mut prev = NIL;
        let mut cur = self.buckets[slot].head;
        while self.entries[cur as usize].key < key {
            prev = cur;
            cur = self.entries[cur as usize].next;
        }
        self.entries[e as usize].next = cur;
        if prev == NIL {
            self.buckets[slot].head = e;
        } else {
            self.entries[prev as usize].next = e;
        }
    }

    /// The smallest key, or `u128::MAX` (no event's key) when empty.
    #[inline(always)]
    pub(super) fn min_key(&self) -> u128 {
        self.min_key
    }

    /// Removes the entry with the smallest key.
    #[inline]
    pub(super) fn pop(&mut self) -> Option<(u128, E)> {
        if self.len == 0 {
            return None;
        }
        let (e, key) = (self.min, self.min_key);
        // The minimum heads the cursor's bucket.
        let slot = self.slot(self.cursor);
        let entry = self.entries[e as usize];
        let bucket = &mut self.buckets[slot];
        debug_assert_eq!(bucket.head, e);
        bucket.head = entry.next;
        if bucket.tail == e {
            bucket.tail = NIL;
        }
        self.entries[e as usize].next = self.free;
        self.free = e;
        self.len -= 1;
        self.until_check -= 1;
        if self.until_check == 0 {
            self.check_width((key >> 64) as u64);
        }
        self.find_min();
        Some((key, entry.event))
    }

    /// Finds the minimum: walks the buckets from the cursor for the first
    /// whose head is due in that bucket, for at most a year, then searches
    /// the heads. Moves the cursor to the minimum's bucket.
    #[inline]
    fn find_min(&mut self) {
        if self.len == 0 {
            self.min = NIL;
            self.min_key = u128::MAX;
            return;
        }
        // A year from the cursor (fewer if that would pass the last
        // bucket: the search of the heads then finds the minimum).
        let end = self.cursor.saturating_add(self.buckets.len() as u64);
        let mut bucket = self.cursor;
        while bucket < end {
            let head = self.buckets[self.slot(bucket)].head;
            if head != NIL {
                let key = self.entries[head as usize].key;
                if bucket_of(key, self.shift) <= bucket {
                    self.cursor = bucket;
                    self.min = head;
                    self.min_key = key;
                    return;
                }
            }
            bucket += 1;
        }
        self.search_heads();
    }

    /// Finds the minimum when nothing is due within a year of the cursor:
    /// the smallest head.
    #[cold]
    #[inline(never)]
    fn search_heads(&mut self) {
        let (min_key, min) = self
            .buckets
            .iter()
            .filter(|b| b.head != NIL)
            .map(|b| (self.entries[b.head as usize].key, b.head))
            .min()
            .expect("a non-empty calendar has a head");
        self.min = min;
        self.min_key = min_key;
        self.cursor = bucket_of(min_key, self.shift);
    }

    /// Every [`ADAPT_EVERY`] pops: if the width is off by more than a
    /// factor of two from the spacing of the pops since the last check,
    /// refiles with buckets of about one spacing.
    #[cold]
    #[inline(never)]
    fn check_width(&mut self, now: u64) {
        self.until_check = ADAPT_EVERY;
        let spacing = (now - self.checked_at) / u64::from(ADAPT_EVERY);
        self.checked_at = now;
        // The width is the power of two in (spacing, 2 × spacing].
        let shift = u64::BITS - spacing.leading_zeros();
        if shift.abs_diff(self.shift) >= 2 {
            self.refile(shift, self.buckets.len());
        }
    }

    /// Files every entry again into `buckets` buckets of `2^shift` ns.
    #[cold]
    #[inline(never)]
    fn refile(&mut self, shift: u32, buckets: usize) {
        let buckets = buckets.next_power_of_two().max(MIN_BUCKETS);
        self.grow_at = buckets / BUCKETS_PER_ENTRY;
        let mut order = std::mem::take(&mut self.scratch);
        order.clear();
        for b in &self.buckets {
            let mut e = b.head;
            while e != NIL {
                order.push(e);
                e = self.entries[e as usize].next;
            }
        }
        order.sort_unstable_by_key(|&e| self.entries[e as usize].key);
        // The cursor's bucket is the minimum's, or in a pop (which then
        // finds the next) the popped one's, due before every entry left.
        // The queue is not empty: it grows, or it has just been popped.
        self.cursor = bucket_of(self.min_key, shift);
        self.shift = shift;
        self.buckets.clear();
        self.buckets.resize(buckets, EMPTY);
        // In key order, each is linked after its bucket's last.
        for &e in &order {
            let key = self.entries[e as usize].key;
            self.link(e, key, bucket_of(key, shift));
        }
        self.scratch = order;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::key;
    use crate::engine::tests::{Lcg, keys_in_order, tag};
    use crate::time::SimTime;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    /// Checks the calendar's invariants: every entry is in its bucket's
    /// list, in key order, with the right tail; none is due before the
    /// cursor; the known minimum is the smallest; entries in buckets and
    /// in the free list account for every entry.
    fn assert_calendar_shape(cal: &Calendar<u32>) {
        let mut seen = vec![false; cal.entries.len()];
        let mut count = 0;
        let mut smallest = None;
        for (slot, b) in cal.buckets.iter().enumerate() {
            let mut e = b.head;
            let mut last = NIL;
            while e != NIL {
                let entry = cal.entries[e as usize];
                let k = entry.key;
                assert!(
                    !std::mem::replace(&mut seen[e as usize], true),
                    "entry {e} twice"
                );
                assert_eq!(entry.event, tag(k), "entry {e}");
                let bucket = bucket_of(k, cal.shift);
                assert_eq!(cal.slot(bucket), slot, "entry {e}'s bucket");
                assert!(bucket >= cal.cursor, "entry {e} due before the cursor");
                if last != NIL {
                    assert!(
                        cal.entries[last as usize].key < k,
                        "bucket {slot} out of order"
                    );
                }
                smallest = Some(smallest.map_or(k, |s: u128| s.min(k)));
                count += 1;
                last = e;
                e = entry.next;
            }
            assert_eq!(b.tail, last, "bucket {slot}'s tail");
        }
        assert_eq!(count, cal.len);
        match smallest {
            Some(k) => {
                assert_eq!((cal.min_key, cal.entries[cal.min as usize].key), (k, k));
                assert_eq!(
                    bucket_of(k, cal.shift),
                    cal.cursor,
                    "cursor off the minimum"
                );
            }
            None => assert_eq!((cal.min, cal.min_key), (NIL, u128::MAX)),
        }
        let mut e = cal.free;
        while e != NIL {
            assert!(
                !std::mem::replace(&mut seen[e as usize], true),
                "free {e} in use"
            );
            e = cal.entries[e as usize].next;
        }
        assert!(seen.iter().all(|&s| s), "an entry lost");
        assert!(cal.buckets.len().is_power_of_two());
        assert!(cal.len <= cal.grow_at);
    }

    /// Pushes `times` in the given order (each with the next sequence
    /// number), then pops everything: it must come out in key order.
    fn push_all_then_pop_all(times: &[u64]) {
        let mut cal = Calendar::new();
        for (seq, &t) in times.iter().enumerate() {
            let k = key(SimTime(t), seq as u64);
            cal.push(k, tag(k));
            assert_calendar_shape(&cal);
        }
        assert_eq!(cal.len(), times.len());
        let expected = keys_in_order(times);
        for (n, &k) in expected.iter().enumerate() {
            assert_eq!(cal.min_key(), k);
            assert_eq!(cal.pop(), Some((k, tag(k))));
            assert_eq!(cal.len(), times.len() - n - 1);
            assert_calendar_shape(&cal);
        }
        assert_eq!(cal.min_key(), u128::MAX);
        assert_eq!(cal.pop(), None);
    }

    /// Every size up to where the buckets double twice, with times in one
    /// bucket, across a year and across many years.
    #[test]
    fn calendar_pops_in_key_order_at_every_size() {
        let mut rng = Lcg(11);
        let ms = 1 << 20;
        for n in 0..=80u64 {
            push_all_then_pop_all(&(0..n).map(|i| i * ms).collect::<Vec<_>>());
            push_all_then_pop_all(&(0..n).rev().map(|i| i * ms).collect::<Vec<_>>());
            for spread in [1000, 16 * ms, 1000 * ms, u64::MAX >> 2] {
                let times: Vec<u64> = (0..n)
                    .map(|_| ((rng.next() << 33) ^ rng.next()) % spread)
                    .collect();
                push_all_then_pop_all(&times);
            }
            // All tied: only the sequence numbers order them.
            push_all_then_pop_all(&vec![42 * ms; n as usize]);
            // Tied in pairs a year apart: same bucket, different years.
            let year = MIN_BUCKETS as u64 * ms;
            push_all_then_pop_all(&(0..n).map(|i| (i % 2) * year + ms).collect::<Vec<_>>());
        }
    }

    /// The cursor sits at the minimum's bucket, which may be far ahead of
    /// the next key pushed: that key comes first, and the cursor moves
    /// back to it.
    #[test]
    fn a_key_pushed_before_the_known_minimum_comes_first() {
        let mut cal = Calendar::new();
        let late = key(SimTime(5_000_000_000), 0);
        cal.push(late, tag(late));
        assert_eq!(cal.min_key(), late);
        let early = key(SimTime(1_000), 1);
        cal.push(early, tag(early));
        assert_calendar_shape(&cal);
        assert_eq!(cal.pop(), Some((early, tag(early))));
        assert_eq!(cal.pop(), Some((late, tag(late))));
        assert_eq!(cal.pop(), None);
    }

    /// The keys a queue of events sees in a simulation: each pop at `now`
    /// is followed by pushes at or after it, with many ties, against
    /// `BinaryHeap` as the reference. Phases change the time scale by
    /// orders of magnitude (so the width is refiled both ways) and the
    /// number pending (so the buckets double), and some keys land years
    /// ahead.
    #[test]
    fn calendar_matches_a_reference_under_interleaved_pushes_and_pops() {
        let mut rng = Lcg(2025);
        for round in 0..12u64 {
            let mut cal = Calendar::new();
            let mut reference = BinaryHeap::new();
            let mut seq = 0u64;
            let mut now = 0u64;
            for step in 0..12_000u64 {
                assert_eq!(
                    cal.min_key(),
                    reference.peek().map_or(u128::MAX, |r: &Reverse<u128>| r.0)
                );
                let phase = step / 2000;
                // Spacing from a nanosecond to about 17 s, by phase.
                let scale = 1u64 << ((phase * 7 + round * 3) % 35);
                let push_odds = if phase % 2 == 0 { 6 } else { 4 };
                if rng.next() % 10 < push_odds {
                    let ahead = match rng.next() % 16 {
                        0 => 0,                                // at the instant popped
                        1 => scale * 1000 * (rng.next() % 50), // years ahead
                        2 => rng.next() % 3,                   // a few ns: ties
                        _ => rng.next() % (scale * 64),
                    };
                    let k = key(SimTime(now + ahead), seq);
                    seq += 1;
                    cal.push(k, tag(k));
                    reference.push(Reverse(k));
                } else {
                    let expected = reference.pop().map(|Reverse(k)| (k, tag(k)));
                    assert_eq!(cal.pop(), expected, "round {round}, step {step}");
                    if let Some((k, _)) = expected {
                        now = (k >> 64) as u64;
                    }
                }
                assert_eq!(cal.len(), reference.len());
                if step % 7 == 0 {
                    assert_calendar_shape(&cal);
                }
            }
            while let Some(Reverse(k)) = reference.pop() {
                assert_eq!(cal.pop(), Some((k, tag(k))));
            }
            assert_eq!(cal.pop(), None);
            assert_calendar_shape(&cal);
        }
    }

    /// The width follows the spacing of the pops: after a run of events a
    /// microsecond apart the buckets are about a microsecond wide, and
    /// after one of events a second apart, about a second.
    #[test]
    fn the_width_follows_the_spacing_of_the_events() {
        let mut cal = Calendar::new();
        let mut seq = 0;
        let mut run = |cal: &mut Calendar<u32>, from: u64, spacing: u64| {
            for i in 0..4 * u64::from(ADAPT_EVERY) {
                let k = key(SimTime(from + i * spacing), seq);
                seq += 1;
                cal.push(k, tag(k));
                cal.pop();
            }
            from + 4 * u64::from(ADAPT_EVERY) * spacing
        };
        let t = run(&mut cal, 0, 1_000);
        assert_eq!(cal.shift, 10, "1,024 ns for events 1,000 ns apart");
        run(&mut cal, t, 1_000_000_000);
        assert_eq!(cal.shift, 30, "1.07 s for events 1 s apart");
    }
}
