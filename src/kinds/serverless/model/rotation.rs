//! Which of a Cloud Run service's instances take requests, and which
//! first: instances in **rotation** (those the autoscaler wants), least
//! loaded first; then instances on **standby** (taken out of rotation and
//! draining, but warm); then instances **starting**, whose start a
//! request would wait for; only then does anything start cold.
//!
//! Each set is a list per load (requests in progress, 0 to
//! `instance_concurrency`) threaded through the instances' own links, so
//! finding the least loaded instance, and moving one as its load changes
//! by one, are O(1) with no allocation.

use crate::kinds::serverless::model::{Instance, NIL};

/// The set an instance is in. Instances in neither are idle-listed (under
/// keep-alive) or gone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Set {
    #[default]
    None,
    Rotation,
    Standby,
    Starting,
}

/// The instances of one set, by load.
pub(super) struct Loads {
    /// First instance at each load (NIL if none).
    heads: Vec<u32>,
    /// The lowest load with an instance; `heads.len()` when empty.
    min: usize,
    pub len: u32,
}

impl Loads {
    pub fn new(concurrency: u32) -> Self {
        let n = concurrency as usize + 1;
        Loads {
            heads: vec![NIL; n],
            min: n,
            len: 0,
        }
    }

    /// Adds `id` at its current load (its links must be free).
    pub fn insert(&mut self, instances: &mut [Instance], id: u32) {
        let load = instances[id as usize].active as usize;
        self.push_front(instances, id, load);
        self.min = self.min.min(load);
        self.len += 1;
    }

    /// Takes `id` out; `load` is the load it was inserted at.
    pub fn remove(&mut self, instances: &mut [Instance], id: u32, load: u32) {
        self.unlink(instances, id, load as usize);
        let i = &mut instances[id as usize];
        i.prev = NIL;
        i.next = NIL;
        self.len -= 1;
        while self.min < self.heads.len() && self.heads[self.min] == NIL {
            self.min += 1;
        }
    }

    /// Instance `id`, in this set at load `old`, now has one request more
    /// or one fewer: O(1), the minimum following it.
    pub fn shift(&mut self, instances: &mut [Instance], id: u32, old: u32) {
        let new = instances[id as usize].active as usize;
        self.unlink(instances, id, old as usize);
        self.push_front(instances, id, new);
        // Loads move by one: the new minimum is the new load, or the old
        // one if something is still there.
        let emptied_min = old as usize == self.min && self.heads[self.min] == NIL;
        if new < self.min || emptied_min {
            self.min = new;
        }
    }

    /// Links `id` first at `load` (the minimum is the caller's).
    fn push_front(&mut self, instances: &mut [Instance], id: u32, load: usize) {
        let head = self.heads[load];
        if head != NIL {
            instances[head as usize].prev = id;
        }
        let i = &mut instances[id as usize];
        i.prev = NIL;
        i.next = head;
        self.heads[load] = id;
    }

    fn unlink(&mut self, instances: &mut [Instance], id: u32, load: usize) {
        let Instance { prev, next, .. } = instances[id as usize];
        if prev == NIL {
            self.heads[load] = next;
        } else {
            instances[prev as usize].next = next;
        }
        if next != NIL {
            instances[next as usize].prev = prev;
        }
    }

    /// The instance with the fewest requests, if it has fewer than
    /// `below`; the most recently placed at that load wins a tie.
    #[inline]
    pub fn least(&self, below: u32) -> u32 {
        if self.min < below as usize {
            self.heads[self.min]
        } else {
            NIL
        }
    }

    /// The instances from the least loaded up, as long as `keep` says go
    /// on: for taking instances out of rotation.
    pub fn ascending(&self, instances: &[Instance], mut keep: impl FnMut(u32) -> bool) {
        for load in self.min..self.heads.len() {
            let mut id = self.heads[load];
            while id != NIL {
                // Read the link first: `keep` does not move instances, but
                // says whether to go on.
                let next = instances[id as usize].next;
                if !keep(id) {
                    return;
                }
                id = next;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimTime;

    fn instance(active: u32) -> Instance {
        Instance {
            func: 0,
            active,
            started: SimTime::ZERO,
            last_used: SimTime::ZERO,
            provisioned: false,
            prewarmed: false,
            alive: true,
            retiring: false,
            ready_at: SimTime::ZERO,
            busy_since: SimTime::ZERO,
            prev: NIL,
            next: NIL,
            idle_epoch: 0,
            set: Set::None,
            starting: false,
        }
    }

    #[test]
    fn least_loaded_first_and_moves_keep_the_minimum() {
        let mut inst: Vec<Instance> = [3, 1, 2, 1].into_iter().map(instance).collect();
        let mut l = Loads::new(4);
        for id in 0..4 {
            l.insert(&mut inst, id);
        }
        assert_eq!(l.len, 4);
        // Two at load 1: the last placed first.
        assert_eq!(l.least(4), 3);
        l.remove(&mut inst, 3, 1);
        assert_eq!(l.least(4), 1);
        // Instance 1 takes a request: 1 → 2; the least is now at 2.
        inst[1].active = 2;
        l.shift(&mut inst, 1, 1);
        assert_eq!(l.least(4), 1);
        // And gives it back, and takes it again.
        inst[1].active = 1;
        l.shift(&mut inst, 1, 2);
        assert_eq!(l.least(2), 1);
        inst[1].active = 2;
        l.shift(&mut inst, 1, 1);
        assert_eq!(l.least(2), NIL);
        assert_eq!(l.least(2), NIL, "nothing below load 2");
        let mut seen = Vec::new();
        l.ascending(&inst, |id| {
            seen.push(id);
            true
        });
        assert_eq!(seen, [1, 2, 0]);
        for (id, load) in [(1, 2), (2, 2), (0, 3)] {
            l.remove(&mut inst, id, load);
        }
        assert_eq!((l.len, l.least(4)), (0, NIL));
    }
}
