//! A 2021 trace's repeated rows, found in bounded memory. A row repeats
//! another when it has the same `app`, `func`, `end_timestamp` and
//! `duration` (as numbers): two invocations of one function cannot end at
//! the same instant after the same time at the trace's sub-microsecond
//! precision, so such a pair is a row copied, which would replay one
//! invocation twice.
//!
//! Twins share their end, so a row need only be held while a row still
//! unread can end at that time: the first pass measures how far a row's
//! end can fall behind the latest end read above it (its reach), and a
//! row is forgotten once it is older than that. A file ordered by end time
//! holds only the rows of the latest end; a shuffled one, all of them.

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};

/// (function index, end, duration): what makes two rows the same.
type Key = (u32, i128, i128);

pub(super) struct Duplicates {
    reach: i128,
    frontier: i128,
    /// The rows held, with the line of each.
    held: HashMap<Key, u64>,
    /// The same rows, oldest end first, to forget them in order.
    by_end: BinaryHeap<Reverse<(i128, u32, i128)>>,
}

impl Duplicates {
    /// `reach`: no row's end is more than this before the latest end read
    /// above it (measured by a first pass over the same rows).
    pub(super) fn new(reach: i128) -> Self {
        Duplicates {
            reach,
            frontier: i128::MIN,
            held: HashMap::new(),
            by_end: BinaryHeap::new(),
        }
    }

    /// Records a row read on `line`, or gives the line of the row it
    /// repeats.
    pub(super) fn record(
        &mut self,
        func: u32,
        end: i128,
        duration: i128,
        line: u64,
    ) -> Result<(), u64> {
        self.frontier = self.frontier.max(end);
        let oldest_twin = self.frontier.saturating_sub(self.reach);
        while let Some(&Reverse((e, f, d))) = self.by_end.peek() {
            if e >= oldest_twin {
                break;
            }
            self.by_end.pop();
            self.held.remove(&(f, e, d));
        }
        match self.held.entry((func, end, duration)) {
            Entry::Occupied(first) => Err(*first.get()),
            Entry::Vacant(v) => {
                v.insert(line);
                self.by_end.push(Reverse((end, func, duration)));
                Ok(())
            }
        }
    }

    /// Rows held now (for tests of the bound).
    #[cfg(test)]
    fn held(&self) -> usize {
        self.held.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_repeated_anywhere_within_its_reach_is_found() {
        // Ends 5, 3, 9, 3: the reach is 6 (3 read after 9).
        let mut d = Duplicates::new(6);
        assert_eq!(d.record(0, 5, 1, 2), Ok(()));
        assert_eq!(d.record(0, 3, 1, 3), Ok(()));
        assert_eq!(d.record(0, 9, 1, 4), Ok(()));
        assert_eq!(d.record(1, 3, 1, 5), Ok(()), "another function");
        assert_eq!(d.record(0, 3, 2, 6), Ok(()), "another duration");
        assert_eq!(d.record(0, 3, 1, 7), Err(3));
    }

    #[test]
    fn a_file_in_end_order_holds_only_its_latest_end() {
        let mut d = Duplicates::new(0);
        for (i, end) in (0..1_000).enumerate() {
            assert_eq!(d.record(0, end, 1, i as u64 + 2), Ok(()));
        }
        assert_eq!(d.held(), 1);
        assert_eq!(d.record(0, 999, 1, 9_999), Err(1_001));
    }
}
