//! The engine's future-event list: a 4-ary min-heap of `(key, event)`
//! with keys in their own array. Kept apart from the scheduler because it
//! is the hot path's single largest cost and has its own invariants (and
//! tests) that the scheduler need not know.

/// Children per node of [`EventHeap`].
const ARITY: usize = 4;

/// An implicit 4-ary min-heap: node `i`'s children are `4i + 1 ..= 4i + 4`.
/// Four children per node halve the depth of a binary heap. Keys and events
/// are kept in parallel arrays, so that sifting compares only keys, and the
/// keys array is padded with `u128::MAX` past the heap, so that every group
/// of children is read whole and the smallest of the four is picked without
/// branches. Sifts move a hole rather than swapping.
///
/// Popping leaves the root's place vacant: a handler often schedules an
/// event right after its own was popped (a finished job starts the next
/// one), and that event then takes the root's place and sinks once, where
/// refilling the root at pop and then inserting would sift twice. A peek
/// refills the root if it is still vacant.
#[derive(Debug)]
pub(super) struct EventHeap<E> {
    /// `keys[..slots]` is the heap (`slots` is `events.len()`);
    /// `keys[slots..]` are at least `ARITY - 1` copies of `u128::MAX`,
    /// which no real key reaches.
    keys: Vec<u128>,
    /// The event of each key.
    events: Vec<E>,
    /// Slot 0 holds no entry: the one there was popped.
    vacant_root: bool,
}

impl<E: Copy> EventHeap<E> {
    pub(super) fn with_capacity(n: usize) -> Self {
        let mut keys = Vec::with_capacity(n + ARITY);
        keys.resize(ARITY, u128::MAX);
        EventHeap {
            keys,
            events: Vec::with_capacity(n),
            vacant_root: false,
        }
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        self.events.len() - self.vacant_root as usize
    }

    /// The smallest key.
    #[inline]
    pub(super) fn peek(&mut self) -> Option<u128> {
        if self.vacant_root {
            self.refill_root();
        }
        if self.events.is_empty() {
            None
        } else {
            Some(self.keys[0])
        }
    }

    /// The smallest key, or `u128::MAX` (no event's key) when empty: the
    /// root's place then holds the padding.
    #[inline]
    pub(super) fn min_key(&mut self) -> u128 {
        if self.vacant_root {
            self.refill_root();
        }
        self.keys[0]
    }

    #[inline(always)]
    pub(super) fn push(&mut self, key: u128, event: E) {
        if self.vacant_root {
            self.vacant_root = false;
            self.sift_down_from_root(key, event);
            return;
        }
        let mut hole = self.events.len();
        if self.keys.len() < hole + ARITY {
            self.keys.resize(hole + ARITY, u128::MAX);
        }
        self.events.push(event);
        let keys = &mut self.keys[..];
        let events = &mut self.events[..];
        while hole > 0 {
            let parent = (hole - 1) / ARITY;
            let parent_key = keys[parent];
            if parent_key < key {
                break;
            }
            keys[hole] = parent_key;
            events[hole] = events[parent];
            hole = parent;
        }
        keys[hole] = key;
        events[hole] = event;
    }

    /// Removes the entry with the smallest key, leaving its place vacant.
    #[inline]
    pub(super) fn pop(&mut self) -> Option<(u128, E)> {
        self.peek()?;
        self.vacant_root = true;
        Some((self.keys[0], self.events[0]))
    }

    /// Fills the vacant root's place with the last entry, which sinks to
    /// where it belongs.
    #[inline]
    fn refill_root(&mut self) {
        self.vacant_root = false;
        let Some(event) = self.events.pop() else {
            return;
        };
        let last = self.events.len();
        let key = std::mem::replace(&mut self.keys[last], u128::MAX);
        if last > 0 {
            self.sift_down_from_root(key, event);
        }
    }

    /// Places `(key, event)` at the root's place, then moves it down while
    /// a child has a smaller key.
    #[inline]
    fn sift_down_from_root(&mut self, key: u128, event: E) {
        let len = self.events.len();
        let keys = &mut self.keys[..];
        let events = &mut self.events[..];
        let mut hole = 0;
        loop {
            let first = ARITY * hole + 1;
            if first >= len {
                break;
            }
            let (i, child_key) = min_of_four(&keys[first..first + ARITY]);
            if key < child_key {
                break;
            }
            let child = first + i;
            keys[hole] = child_key;
            events[hole] = events[child];
            hole = child;
        }
        keys[hole] = key;
        events[hole] = event;
    }
}

/// The index and value of the smallest of four keys, by a tournament that
/// compiles to conditional moves: which child is smallest is a coin toss
/// that a branch predictor cannot learn.
#[inline]
fn min_of_four(k: &[u128]) -> (usize, u128) {
    let i01 = (k[1] < k[0]) as usize;
    let i23 = 2 + (k[3] < k[2]) as usize;
    let pair = [i01, i23];
    let i = pair[(k[i23] < k[i01]) as usize];
    (i, k[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tests::{Lcg, keys_in_order, tag};
    use crate::engine::{key, key_time};
    use crate::time::SimTime;

    /// Checks the heap's invariants: every entry's key is above its
    /// parent's, and the padding past the heap is whole.
    fn assert_heap_shape(heap: &EventHeap<u32>) {
        let slots = heap.events.len();
        let root = usize::from(heap.vacant_root);
        for i in (root + 1).max(1)..slots {
            let parent = (i - 1) / ARITY;
            if parent >= root {
                assert!(heap.keys[parent] < heap.keys[i], "slot {i} of {slots}");
            }
            assert_eq!(heap.events[i], tag(heap.keys[i]), "slot {i}");
        }
        assert!(heap.keys.len() >= slots + ARITY - 1);
        assert!(heap.keys[slots..].iter().all(|&k| k == u128::MAX));
    }

    /// Pushes `times` in the given order (each with the next sequence
    /// number), then pops everything: it must come out in key order.
    fn push_all_then_pop_all(times: &[u64]) {
        let mut heap = EventHeap::with_capacity(4);
        for (seq, &t) in times.iter().enumerate() {
            let k = key(SimTime(t), seq as u64);
            heap.push(k, tag(k));
            assert_heap_shape(&heap);
        }
        assert_eq!(heap.len(), times.len());
        let expected = keys_in_order(times);
        for (n, &k) in expected.iter().enumerate() {
            assert_eq!(heap.min_key(), k);
            assert_eq!(heap.peek(), Some(k));
            assert_eq!(heap.pop(), Some((k, tag(k))));
            assert_eq!(heap.len(), times.len() - n - 1);
            assert_heap_shape(&heap);
        }
        assert_eq!(heap.peek(), None);
        assert_eq!(heap.min_key(), u128::MAX);
        assert_eq!(heap.pop(), None);
    }

    /// Every size from empty to three full levels and a partial fourth, so
    /// that the last group of children is cut at every position.
    #[test]
    fn heap_pops_in_key_order_at_every_size() {
        let mut rng = Lcg(7);
        for n in 0..=90u64 {
            push_all_then_pop_all(&(0..n).collect::<Vec<_>>());
            push_all_then_pop_all(&(0..n).rev().collect::<Vec<_>>());
            push_all_then_pop_all(&(0..n).map(|_| rng.next() % 1000).collect::<Vec<_>>());
            // All tied: only the sequence numbers order them.
            push_all_then_pop_all(&vec![42; n as usize]);
        }
    }

    /// Random interleavings of pushes and pops, with many tied times,
    /// against `BinaryHeap` as the reference; the heap grows and shrinks
    /// through several levels.
    #[test]
    fn heap_matches_a_reference_under_interleaved_pushes_and_pops() {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let mut rng = Lcg(2024);
        for round in 0..40u64 {
            let mut heap = EventHeap::with_capacity(0);
            let mut reference = BinaryHeap::new();
            let mut seq = 0u64;
            let mut now = 0u64;
            // Phases that mostly push, then mostly pop, and so on.
            for step in 0..3000u64 {
                let push_odds = if (step / 500) % 2 == 0 { 6 } else { 3 };
                if rng.next() % 10 < push_odds {
                    let t = now + rng.next() % (1 + round % 8);
                    let k = key(SimTime(t), seq);
                    seq += 1;
                    heap.push(k, tag(k));
                    reference.push(Reverse(k));
                } else {
                    let expected = reference.pop().map(|Reverse(k)| (k, tag(k)));
                    assert_eq!(heap.pop(), expected, "round {round}, step {step}");
                    if let Some((k, _)) = expected {
                        now = key_time(k).0;
                    }
                }
                assert_eq!(heap.len(), reference.len());
                assert_heap_shape(&heap);
            }
            while let Some(Reverse(k)) = reference.pop() {
                assert_eq!(heap.pop(), Some((k, tag(k))));
            }
            assert_eq!(heap.pop(), None);
        }
    }
}
