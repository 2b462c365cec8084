//! Reusable storage for the records of things in flight (requests,
//! invocations): ids are indices, freed ids are reused, so a long run
//! allocates only up to its largest number of simultaneous records.

use crate::time::SimTime;
use std::ops::{Index, IndexMut};

#[derive(Debug)]
pub struct Slab<T> {
    items: Vec<T>,
    free: Vec<u32>,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab {
            items: Vec::with_capacity(1024),
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
                (self.items.len() - 1) as u32
            }
        }
    }

    /// Frees `id` for reuse; its record stays readable until then.
    #[inline]
    pub fn remove(&mut self, id: u32) {
        self.free.push(id);
    }

    /// Every record ever stored, freed ones included (records carry their
    /// own liveness).
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter()
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

/// The work of each request, a fixed-size block per request id.
#[derive(Debug)]
pub struct WorkBlocks {
    per: usize,
    works: Vec<SimTime>,
}

impl WorkBlocks {
    pub fn new(per_request: usize) -> Self {
        WorkBlocks {
            per: per_request,
            works: Vec::with_capacity(1024 * per_request),
        }
    }

    /// Stores the works of request `id`.
    #[inline]
    pub fn store(&mut self, id: u32, works: &[SimTime]) {
        let base = id as usize * self.per;
        if self.works.len() < base + self.per {
            self.works.resize(base + self.per, SimTime::ZERO);
        }
        self.works[base..base + self.per].copy_from_slice(works);
    }

    /// The `i`-th work of request `id`.
    #[inline]
    pub fn get(&self, id: u32, i: usize) -> SimTime {
        self.works[id as usize * self.per + i]
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
}
