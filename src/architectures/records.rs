//! Reusable storage for the records of things in flight (requests,
//! invocations): ids are indices, freed ids are reused, so a long run
//! allocates only up to its largest number of simultaneous records.
//!
//! Every id carries a generation, bumped when it is freed: an event that
//! names a record keeps the generation it saw, and [`Slab::is_current`]
//! tells a live reference from a stale one (a timeout of a request that
//! has since finished, and whose id now holds a later request) without
//! searching the event queue.

use crate::time::SimTime;
use std::ops::{Index, IndexMut};

#[derive(Debug)]
pub struct Slab<T> {
    items: Vec<T>,
    generations: Vec<u32>,
    free: Vec<u32>,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab {
            items: Vec::with_capacity(1024),
            generations: Vec::with_capacity(1024),
            free: Vec::new(),
        }
    }
}

impl<T> Slab<T> {
    /// Stores `value` under a free id.
    #[inline]
    pub fn insert(&mut self, value: T) -> u32 {
        match self.free.pop() {
            Some(id) => {
                self.items[id as usize] = value;
                id
            }
            None => {
                self.items.push(value);
                self.generations.push(0);
                (self.items.len() - 1) as u32
            }
        }
    }

    /// Frees `id` for reuse and bumps its generation; its record stays
    /// readable until the id is reused.
    #[inline]
    pub fn remove(&mut self, id: u32) {
        let g = &mut self.generations[id as usize];
        *g = g.wrapping_add(1);
        self.free.push(id);
    }

    /// The generation of `id`: what a reference to the record now stored
    /// there should keep.
    #[inline]
    pub fn generation(&self, id: u32) -> u32 {
        self.generations[id as usize]
    }

    /// Whether a reference to `id` taken at generation `generation` still
    /// names the same record (it has not been freed since).
    #[inline]
    pub fn is_current(&self, id: u32, generation: u32) -> bool {
        self.generations[id as usize] == generation
    }

    /// Every record ever stored, freed ones included (records carry their
    /// own liveness).
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter()
    }

    /// The ids of the records stored and not freed. Builds a mask of the
    /// free ids, so it is for rare events, not the hot path.
    pub fn live_ids(&self) -> Vec<u32> {
        let mut free = vec![false; self.items.len()];
        for &id in &self.free {
            free[id as usize] = true;
        }
        (0..self.items.len() as u32)
            .filter(|&id| !free[id as usize])
            .collect()
    }

    /// The records stored and not freed. Builds a mask of the free ids, so
    /// it is for the end of a run, not the hot path.
    pub fn live(&self) -> impl Iterator<Item = &T> {
        let mut free = vec![false; self.items.len()];
        for &id in &self.free {
            free[id as usize] = true;
        }
        self.items
            .iter()
            .zip(free)
            .filter_map(|(item, free)| (!free).then_some(item))
    }
}

impl<T> Index<usize> for Slab<T> {
    type Output = T;
    #[inline]
    fn index(&self, id: usize) -> &T {
        &self.items[id]
    }
}

impl<T> IndexMut<usize> for Slab<T> {
    #[inline]
    fn index_mut(&mut self, id: usize) -> &mut T {
        &mut self.items[id]
    }
}

/// A fixed-size block of values per record id, beside a [`Slab`]: the
/// work of each node of a request, or the server each of its jobs holds.
#[derive(Debug)]
pub struct Blocks<T> {
    per: usize,
    values: Vec<T>,
    fill: T,
}

/// The work of each request, a block per request id.
pub type WorkBlocks = Blocks<SimTime>;

impl WorkBlocks {
    pub fn new(per_request: usize) -> Self {
        Blocks::filled(per_request, SimTime::ZERO)
    }
}

impl<T: Copy> Blocks<T> {
    /// Blocks of `per` values, new ones set to `fill`.
    pub fn filled(per: usize, fill: T) -> Self {
        Blocks {
            per,
            values: Vec::with_capacity(1024 * per),
            fill,
        }
    }

    /// Values per block.
    #[inline]
    pub fn per(&self) -> usize {
        self.per
    }

    /// The block of `id`, grown into existence if new.
    #[inline]
    pub fn block_mut(&mut self, id: u32) -> &mut [T] {
        let base = id as usize * self.per;
        if self.values.len() < base + self.per {
            self.values.resize(base + self.per, self.fill);
        }
        &mut self.values[base..base + self.per]
    }

    /// Stores the block of `id`.
    #[inline]
    pub fn store(&mut self, id: u32, values: &[T]) {
        match (self.block_mut(id), values) {
            // The usual one-node tree: one store rather than a memcpy call,
            // which cost a few percent of a whole fleet run.
            ([w], [v]) => *w = *v,
            (block, values) => block.copy_from_slice(values),
        }
    }

    /// The block of `id` (empty if it was never grown).
    pub fn block(&self, id: u32) -> &[T] {
        let base = id as usize * self.per;
        self.values.get(base..base + self.per).unwrap_or(&[])
    }

    /// The `i`-th value of `id`'s block.
    #[inline]
    pub fn get(&self, id: u32, i: usize) -> T {
        self.values[id as usize * self.per + i]
    }

    /// Sets the `i`-th value of `id`'s block.
    #[inline]
    pub fn set(&mut self, id: u32, i: usize, value: T) {
        self.values[id as usize * self.per + i] = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_ids_are_reused_and_works_stay_with_their_id() {
        let mut s: Slab<u32> = Slab::default();
        let (a, b) = (s.insert(10), s.insert(20));
        s.remove(a);
        assert_eq!(s.insert(30), a);
        assert_eq!((s[a as usize], s[b as usize]), (30, 20));
        let mut w = WorkBlocks::new(2);
        w.store(1, &[SimTime(5), SimTime(6)]);
        w.store(0, &[SimTime(1), SimTime(2)]);
        assert_eq!((w.get(1, 1), w.get(0, 0)), (SimTime(6), SimTime(1)));
    }

    #[test]
    fn a_reference_goes_stale_when_its_record_is_freed() {
        let mut s: Slab<&str> = Slab::default();
        let a = s.insert("first");
        let seen = s.generation(a);
        assert!(s.is_current(a, seen));
        s.remove(a);
        assert_eq!(s.insert("second"), a, "the id is reused");
        assert!(!s.is_current(a, seen), "but the old reference is stale");
        assert!(s.is_current(a, s.generation(a)));
    }
}
