//! Processor sharing: the CPU work of the jobs in progress on a server
//! shares its vCPUs, each progressing at min(1, vCPUs / jobs on the CPU)
//! (egalitarian processor sharing, as an OS scheduler gives runnable
//! threads over time). Jobs waiting on I/O are not on the CPU.
//!
//! Each server keeps a virtual clock: the CPU time every job on its CPU
//! has received since the clock last restarted. A job that joins with
//! `work` nanoseconds to do is done when the clock reaches its start
//! reading plus `work`, so its finishing reading never changes, however
//! many jobs come and go: a min-heap of those readings gives the next
//! completion, and a change costs O(log n) whatever the number of jobs.
//! A server has at most one completion event pending; a change reschedules
//! it under a new generation, and an event of an older generation is
//! stale and ignored. Heaps are kept per server and reused, so a run
//! allocates only up to its largest number of jobs at once.
//!
//! A job taken off a CPU before it finishes (its request timed out or was
//! lost) stays in the heap and is dropped when it reaches the top: the
//! caller says which tokens are still live.

use crate::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// One job on a CPU: when the server's clock reaches `finish`, it is done.
#[derive(Clone, Copy, Debug)]
struct Entry<T> {
    finish: f64,
    /// Joins in order: ties finish in the order they joined.
    seq: u64,
    token: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl<T> Ord for Entry<T> {
    /// Reversed: the std heap is a max-heap, and the earliest finish
    /// must come out first.
    fn cmp(&self, o: &Self) -> Ordering {
        o.finish
            .total_cmp(&self.finish)
            .then_with(|| o.seq.cmp(&self.seq))
    }
}

#[derive(Debug)]
struct Cpu<T> {
    /// Its vCPUs.
    vcpus: u32,
    /// Jobs on the CPU (not counting stale heap entries).
    on: u32,
    /// CPU nanoseconds each job on the CPU has received since the clock
    /// restarted.
    clock: f64,
    /// When `clock` was last brought up to date.
    at: SimTime,
    generation: u32,
    heap: BinaryHeap<Entry<T>>,
    /// The completion event pending, if any: the job it was computed for
    /// and the rate it assumed. While both hold it stays right, whatever
    /// joins or leaves.
    pending: Option<(u64, f64)>,
}

impl<T> Cpu<T> {
    fn new(vcpus: u32) -> Self {
        Cpu {
            vcpus,
            on: 0,
            clock: 0.0,
            at: SimTime::ZERO,
            generation: 0,
            heap: BinaryHeap::new(),
            pending: None,
        }
    }
}

/// The CPUs of a set of servers, indexed by server: `vcpus` each unless
/// [`Cpus::set_vcpus`] says otherwise.
#[derive(Debug)]
pub struct Cpus<T> {
    cpus: Vec<Cpu<T>>,
    vcpus: u32,
    /// Σ over servers of min(jobs on the CPU, vCPUs): the busy vCPUs.
    busy: u64,
    seq: u64,
}

/// A server's next completion, to schedule: at `at`, under `generation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Next {
    pub at: SimTime,
    pub generation: u32,
}

impl<T: Copy> Cpus<T> {
    /// CPUs of `vcpus` vCPUs each, for `servers` servers to start with
    /// (more are added as they are named).
    pub fn new(vcpus: u32, servers: usize) -> Self {
        Cpus {
            cpus: (0..servers).map(|_| Cpu::new(vcpus)).collect(),
            vcpus,
            busy: 0,
            seq: 0,
        }
    }

    /// Server `s` has `vcpus` vCPUs (while nothing is on its CPU: a server
    /// id reused for a server of another size).
    pub fn set_vcpus(&mut self, s: u32, vcpus: u32) {
        let c = self.cpu(s);
        debug_assert!(c.on == 0);
        c.vcpus = vcpus;
    }

    /// Busy vCPUs over all servers.
    #[inline]
    pub fn busy(&self) -> u64 {
        self.busy
    }

    /// Jobs on server `s`'s CPU.
    #[inline]
    pub fn on(&self, s: u32) -> u32 {
        self.cpus.get(s as usize).map_or(0, |c| c.on)
    }

    /// Busy vCPUs of server `s`.
    #[inline]
    pub fn busy_on(&self, s: u32) -> u32 {
        self.cpus.get(s as usize).map_or(0, |c| c.on.min(c.vcpus))
    }

    fn cpu(&mut self, s: u32) -> &mut Cpu<T> {
        let s = s as usize;
        if s >= self.cpus.len() {
            let v = self.vcpus;
            self.cpus.resize_with(s + 1, || Cpu::new(v));
        }
        &mut self.cpus[s]
    }

    /// The rate at which each of `on` jobs on `vcpus` progresses.
    #[inline]
    fn rate(vcpus: u32, on: u32) -> f64 {
        if on <= vcpus {
            1.0
        } else {
            f64::from(vcpus) / f64::from(on)
        }
    }

    /// Brings server `s`'s clock up to `now`.
    #[inline]
    fn advance(&mut self, s: u32, now: SimTime) {
        let c = self.cpu(s);
        if c.on > 0 {
            let dt = (now - c.at).as_nanos() as f64;
            c.clock += dt * Self::rate(c.vcpus, c.on);
        }
        c.at = now;
    }

    fn set_on(&mut self, s: u32, on: u32) {
        let c = self.cpu(s);
        let before = c.on.min(c.vcpus) as u64;
        c.on = on;
        let after = on.min(c.vcpus) as u64;
        self.busy = self.busy - before + after;
    }

    /// Job `token` joins server `s`'s CPU at `now` with `work` CPU
    /// nanoseconds to do (at one full vCPU).
    pub fn add(&mut self, s: u32, token: T, work: SimTime, now: SimTime) {
        self.advance(s, now);
        let seq = self.seq;
        self.seq += 1;
        let c = self.cpu(s);
        if c.on == 0 && c.heap.is_empty() {
            // An idle server restarts its clock, so that readings stay
            // small and exact however long the run.
            c.clock = 0.0;
        }
        let finish = c.clock + work.as_nanos() as f64;
        c.heap.push(Entry { finish, seq, token });
        let on = c.on + 1;
        self.set_on(s, on);
    }

    /// A job leaves server `s`'s CPU before finishing (its token must no
    /// longer be live when it reaches the top of the heap).
    pub fn cancel(&mut self, s: u32, now: SimTime) {
        self.advance(s, now);
        let on = self.cpu(s).on - 1;
        self.set_on(s, on);
    }

    /// Server `s` is lost with everything on its CPU (a spot
    /// interruption): its jobs, in no particular order, go into `lost`,
    /// and any event pending for it is stale.
    pub fn clear(&mut self, s: u32, now: SimTime, lost: &mut Vec<T>) {
        self.advance(s, now);
        self.set_on(s, 0);
        let c = self.cpu(s);
        lost.extend(c.heap.drain().map(|e| e.token));
        c.pending = None;
        c.generation = c.generation.wrapping_add(1);
    }

    /// The completion event of generation `generation` fired on server
    /// `s` at `now`: returns the job it completes, or None for a stale
    /// event (or one whose job was cancelled).
    pub fn complete(
        &mut self,
        s: u32,
        generation: u32,
        now: SimTime,
        live: impl Fn(T) -> bool,
    ) -> Option<T> {
        if self.cpu(s).generation != generation {
            return None;
        }
        self.advance(s, now);
        let c = self.cpu(s);
        c.pending = None;
        while c.heap.peek().is_some_and(|e| !live(e.token)) {
            c.heap.pop();
        }
        let e = c.heap.pop()?;
        // The event was rounded up to the nanosecond: the job has had all
        // its work, and the clock cannot be behind its finish.
        c.clock = c.clock.max(e.finish);
        let on = c.on - 1;
        self.set_on(s, on);
        Some(e.token)
    }

    /// After a change to server `s`: its next completion to schedule,
    /// under a new generation (every earlier event of `s` is stale from
    /// then on); or None when the event already pending stays right (the
    /// same job finishes first, at the same rate) or nothing is on the
    /// CPU.
    pub fn next(&mut self, s: u32, now: SimTime, live: impl Fn(T) -> bool) -> Option<Next> {
        self.advance(s, now);
        let c = self.cpu(s);
        let vcpus = c.vcpus;
        while c.heap.peek().is_some_and(|e| !live(e.token)) {
            c.heap.pop();
        }
        let head = c.heap.peek().filter(|_| c.on > 0);
        let Some(head) = head else {
            c.pending = None;
            c.generation = c.generation.wrapping_add(1);
            return None;
        };
        let rate = Self::rate(vcpus, c.on);
        if c.pending == Some((head.seq, rate)) {
            return None;
        }
        let left = (head.finish - c.clock).max(0.0);
        let dt = (left / rate).ceil();
        c.pending = Some((head.seq, rate));
        c.generation = c.generation.wrapping_add(1);
        Some(Next {
            at: now + SimTime(dt as u64),
            generation: c.generation,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(x: u64) -> SimTime {
        SimTime::from_millis(x)
    }

    /// Runs jobs (arrival, work) on one server of `vcpus` to the end and
    /// returns each one's completion time.
    fn run(vcpus: u32, jobs: &[(SimTime, SimTime)]) -> Vec<SimTime> {
        let mut cpus: Cpus<usize> = Cpus::new(vcpus, 1);
        let mut done = vec![SimTime::ZERO; jobs.len()];
        let mut next: Option<Next> = None;
        let mut i = 0;
        while i < jobs.len() || next.is_some() {
            let arrival = jobs.get(i).map(|j| j.0);
            match (arrival, next) {
                (Some(a), n) if n.is_none_or(|n| a <= n.at) => {
                    cpus.add(0, i, jobs[i].1, a);
                    // None: the event already pending stays right.
                    if let Some(n) = cpus.next(0, a, |_| true) {
                        next = Some(n);
                    }
                    i += 1;
                }
                (_, Some(n)) => {
                    let j = cpus.complete(0, n.generation, n.at, |_| true).unwrap();
                    done[j] = n.at;
                    next = cpus.next(0, n.at, |_| true);
                }
                _ => unreachable!(),
            }
        }
        done
    }

    #[test]
    fn one_job_runs_at_full_speed() {
        assert_eq!(run(1, &[(ms(0), ms(10))]), vec![ms(10)]);
    }

    #[test]
    fn two_jobs_on_one_vcpu_share_it() {
        // Both start at 0 with 10 ms: each runs at half speed, both end at 20.
        assert_eq!(
            run(1, &[(ms(0), ms(10)), (ms(0), ms(10))]),
            vec![ms(20), ms(20)]
        );
        // The second joins at 5 ms: the first has 5 left, both at half
        // speed, so it ends at 15; the second has 5 left alone: 20.
        assert_eq!(
            run(1, &[(ms(0), ms(10)), (ms(5), ms(10))]),
            vec![ms(15), ms(20)]
        );
    }

    #[test]
    fn jobs_up_to_the_vcpus_do_not_slow_each_other() {
        let jobs = [(ms(0), ms(10)), (ms(1), ms(10)), (ms(2), ms(10))];
        assert_eq!(run(4, &jobs), vec![ms(10), ms(11), ms(12)]);
        // Three on two vCPUs: each at 2/3 speed until the first ends.
        let d = run(2, &[(ms(0), ms(10)), (ms(0), ms(10)), (ms(0), ms(10))]);
        assert_eq!(d, vec![ms(15); 3]);
    }

    #[test]
    fn a_join_that_changes_neither_the_rate_nor_the_first_to_finish_keeps_the_event() {
        let mut cpus: Cpus<u32> = Cpus::new(2, 1);
        cpus.add(0, 0, ms(10), SimTime::ZERO);
        let first = cpus.next(0, SimTime::ZERO, |_| true).unwrap();
        assert_eq!(first.at, ms(10));
        // A second job on the second vCPU, finishing later: no change.
        cpus.add(0, 1, ms(10), ms(1));
        assert_eq!(cpus.next(0, ms(1), |_| true), None);
        // A third slows both: a new event, and the first is stale.
        cpus.add(0, 2, ms(10), ms(2));
        let n = cpus.next(0, ms(2), |_| true).unwrap();
        assert!(n.generation != first.generation && n.at > ms(10));
        assert_eq!(cpus.complete(0, first.generation, ms(10), |_| true), None);
    }

    #[test]
    fn busy_counts_vcpus_not_jobs_and_cancel_frees_the_cpu() {
        let mut cpus: Cpus<u32> = Cpus::new(2, 2);
        for j in 0..3 {
            cpus.add(0, j, ms(10), SimTime::ZERO);
        }
        cpus.add(1, 3, ms(10), SimTime::ZERO);
        assert_eq!((cpus.busy(), cpus.on(0), cpus.busy_on(0)), (3, 3, 2));
        // Job 0 leaves at 3 ms: jobs 1 and 2 had 2 ms each (2/3 speed),
        // and now run at full speed: they end at 3 + 8 = 11 ms.
        cpus.cancel(0, ms(3));
        let live = |t: u32| t != 0;
        let n = cpus.next(0, ms(3), live).unwrap();
        assert_eq!(n.at, ms(11));
        assert_eq!(
            cpus.complete(0, n.generation - 1, n.at, live),
            None,
            "stale"
        );
        assert_eq!(cpus.complete(0, n.generation, n.at, live), Some(1));
        assert_eq!(cpus.busy(), 2);
    }
}
