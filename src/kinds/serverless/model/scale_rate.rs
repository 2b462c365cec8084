//! A function's scale rate: how fast it may start new execution
//! environments. Lambda allows each function 1,000 new environments every
//! 10 s, an allowance that "refills continuously" and does not carry over
//! (AWS Lambda Developer Guide, "Lambda scaling behavior", read 2026-11):
//! a token bucket of `instances` tokens refilled at `instances / per`, so a
//! burst just before and just after a 10 s boundary gets 1,000 plus the
//! refill in between, never 2,000. `refill = "aligned"` keeps the older
//! model: `instances` per window aligned to t = 0.

use crate::scenario::ScaleRefill;
use crate::time::SimTime;

pub(super) struct ScaleRate {
    refill: ScaleRefill,
    /// Tokens in the full bucket (`instances`) and the refill period, ns.
    n: u128,
    per: u128,
    /// Continuous: the bucket's theoretical arrival time (GCRA), in units
    /// of 1/n ns so that every token costs exactly `per` units: the bucket
    /// is full when `tat` ≤ now × n and empty at now × n + n × per.
    tat: u128,
    /// Aligned: the current window's start and environments started in it.
    window: SimTime,
    created: u128,
}

impl ScaleRate {
    pub(super) fn new(instances: u32, per: SimTime, refill: ScaleRefill) -> Self {
        ScaleRate {
            refill,
            n: instances as u128,
            per: per.as_nanos() as u128,
            tat: 0,
            window: SimTime::ZERO,
            created: 0,
        }
    }

    /// Takes the allowance for one new environment at `now`, if there is
    /// one.
    pub(super) fn try_take(&mut self, now: SimTime) -> bool {
        let t = now.as_nanos() as u128;
        match self.refill {
            ScaleRefill::Continuous => {
                let t = t * self.n;
                let tat = self.tat.max(t) + self.per;
                let ok = tat - t <= self.n * self.per;
                if ok {
                    self.tat = tat;
                }
                ok
            }
            ScaleRefill::Aligned => {
                if t >= self.window.as_nanos() as u128 + self.per {
                    self.window = SimTime((t - t % self.per) as u64);
                    self.created = 0;
                }
                let ok = self.created < self.n;
                self.created += ok as u128;
                ok
            }
        }
    }

    /// When the next allowance can be taken, after a refused one.
    pub(super) fn next_at(&self) -> SimTime {
        let ns = match self.refill {
            // The first t with tat + per − t × n ≤ n × per.
            ScaleRefill::Continuous => {
                let need = self.tat.saturating_sub((self.n - 1) * self.per);
                need.div_ceil(self.n)
            }
            ScaleRefill::Aligned => self.window.as_nanos() as u128 + self.per,
        };
        SimTime(ns.min(u64::MAX as u128) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lambda(refill: ScaleRefill) -> ScaleRate {
        ScaleRate::new(1000, SimTime::from_secs(10), refill)
    }

    /// How many of `tries` simultaneous starts at `at` get through.
    fn burst(r: &mut ScaleRate, at: SimTime, tries: u32) -> u32 {
        (0..tries).filter(|_| r.try_take(at)).count() as u32
    }

    /// 3,000 at 9.99 s and 3,000 at 10.01 s: the bucket lets 1,000 through,
    /// then only the 0.02 s of refill (100 per second: 2); aligned windows
    /// let 2,000 through within 20 ms.
    #[test]
    fn a_burst_across_the_boundary_gets_one_bucket_plus_the_refill() {
        let (a, b) = (SimTime::from_millis(9_990), SimTime::from_millis(10_010));
        let mut bucket = lambda(ScaleRefill::Continuous);
        assert_eq!(burst(&mut bucket, a, 3000), 1000);
        assert_eq!(burst(&mut bucket, b, 3000), 2);
        // The next token is due 10 ms after the last one was earned.
        assert_eq!(bucket.next_at(), SimTime::from_millis(10_020));
        assert_eq!(burst(&mut bucket, SimTime::from_millis(10_019), 5), 0);
        assert_eq!(burst(&mut bucket, SimTime::from_millis(10_020), 5), 1);
        let mut windows = lambda(ScaleRefill::Aligned);
        assert_eq!(burst(&mut windows, a, 3000), 1000);
        assert_eq!(burst(&mut windows, b, 3000), 1000);
    }

    /// Unused allowance does not carry over: after an hour idle, still
    /// 1,000 at once, and a full bucket refills in exactly 10 s.
    #[test]
    fn the_bucket_holds_at_most_one_allowance() {
        let mut r = lambda(ScaleRefill::Continuous);
        assert_eq!(burst(&mut r, SimTime::from_secs(3600), 5000), 1000);
        assert_eq!(burst(&mut r, SimTime::from_secs(3605), 5000), 500);
        assert_eq!(burst(&mut r, SimTime::from_secs(3615), 5000), 1000);
    }

    /// Over a run of bursts at irregular times, no 10 s interval (checked
    /// at every start as its left end) sees more than 1,000 plus 100 per
    /// second of its length.
    #[test]
    fn no_interval_exceeds_the_bucket_plus_its_refill() {
        let mut r = lambda(ScaleRefill::Continuous);
        let mut started: Vec<u64> = Vec::new();
        let mut t = 0u64;
        for i in 0..400u64 {
            // Steps of 0.7 ms to 2.9 s, deterministic.
            t += 700_000 + (i * 7_919_000_000 % 2_900_000_000);
            let at = SimTime(t);
            for _ in 0..(i % 7) * 120 {
                if r.try_take(at) {
                    started.push(t);
                }
            }
        }
        let window = 10_000_000_000u64;
        for (k, &from) in started.iter().enumerate() {
            let inside = started[k..]
                .iter()
                .take_while(|&&s| s < from + window)
                .count();
            let last = started[k + inside - 1];
            let allowed = 1000 + ((last - from) as u128 * 1000 / window as u128) as usize;
            assert!(inside <= allowed, "{inside} > {allowed} from {from}");
        }
        assert!(started.len() > 5000);
    }
}
