//! Cloud Run's metrics-based autoscaler for one service: what it measures
//! (CPU use and requests in progress, averaged over the last minute) and
//! the instances it recommends. Acting on the recommendation (starting,
//! re-admitting and draining instances) is the model's, in `scaling`.
//!
//! Cloud Run documents the two drivers and their 60 % defaults ("About
//! instance autoscaling", read 2026-12-07): instances = ⌈average CPU use
//! per second over one minute ÷ vCPUs per instance ÷ CPU target⌉, and the
//! concurrency driver alike with requests in progress ÷ maximum concurrent
//! requests per instance; the recommendation is the larger. It says the
//! autoscaler evaluates "periodically"; an earlier version of the page
//! said every 5 seconds, the period used here.
//!
//! CPU use is counted when an invocation's work starts (its CPU-seconds at
//! one vCPU), not as it runs: with requests of milliseconds the minute's
//! average is the same, and an instance saturated by shared work shows its
//! demand rather than 100 %, so a backlog is scaled out in one evaluation
//! where Cloud Run may take several.

use crate::kinds::serverless::spec::cloud_run::Autoscaling;
use crate::time::SimTime;

/// How often the autoscaler evaluates.
pub(super) const PERIOD: SimTime = SimTime::from_secs(5);
/// Periods in the averaging window (one minute).
const WINDOW: usize = 12;

pub(super) struct Autoscaler {
    targets: Autoscaling,
    vcpus: f64,
    concurrency: f64,
    /// CPU-seconds begun, and request-seconds in progress, per period of
    /// the last minute (a ring; `filled` of them are real).
    cpu: [f64; WINDOW],
    area: [f64; WINDOW],
    at: usize,
    filled: usize,
    /// The current period's sums so far.
    cpu_now: f64,
    area_now: f64,
    /// When the requests in progress last changed, and how many there were.
    since: SimTime,
    busy: u32,
}

impl Autoscaler {
    pub fn new(targets: Autoscaling, vcpus: u32, concurrency: u32) -> Self {
        Autoscaler {
            targets,
            vcpus: vcpus as f64,
            concurrency: concurrency as f64,
            cpu: [0.0; WINDOW],
            area: [0.0; WINDOW],
            at: 0,
            filled: 0,
            cpu_now: 0.0,
            area_now: 0.0,
            since: SimTime::ZERO,
            busy: 0,
        }
    }

    /// The service's requests in progress become `busy` at `now`.
    #[inline]
    pub fn set_busy(&mut self, now: SimTime, busy: u32) {
        self.area_now += self.busy as f64 * (now - self.since).as_secs_f64();
        self.since = now;
        self.busy = busy;
    }

    /// An invocation starts `seconds` of CPU work (at one vCPU).
    #[inline]
    pub fn work(&mut self, seconds: f64) {
        self.cpu_now += seconds;
    }

    /// Closes the period ending `now` and returns the instances the
    /// service should have.
    pub fn recommend(&mut self, now: SimTime) -> u32 {
        self.set_busy(now, self.busy);
        self.cpu[self.at] = self.cpu_now;
        self.area[self.at] = self.area_now;
        self.at = (self.at + 1) % WINDOW;
        self.filled = (self.filled + 1).min(WINDOW);
        self.cpu_now = 0.0;
        self.area_now = 0.0;
        let seconds = self.filled as f64 * PERIOD.as_secs_f64();
        let cpu_per_second = self.cpu.iter().sum::<f64>() / seconds;
        let in_progress = self.area.iter().sum::<f64>() / seconds;
        let driver = |x: f64, per_instance: f64, target: f64| {
            if target == 0.0 {
                0
            } else {
                // A hair under an integer is that integer: sums of
                // seconds are not exact.
                (x / per_instance / target - 1e-9).ceil().max(0.0) as u32
            }
        };
        driver(cpu_per_second, self.vcpus, self.targets.cpu_target).max(driver(
            in_progress,
            self.concurrency,
            self.targets.concurrency_target,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(cpu: f64, concurrency: f64) -> Autoscaling {
        Autoscaling {
            cpu_target: cpu,
            concurrency_target: concurrency,
        }
    }

    #[test]
    fn the_larger_driver_over_the_last_minute() {
        // 2 vCPUs, 80 requests per instance, 60 % targets.
        let mut a = Autoscaler::new(targets(0.6, 0.6), 2, 80);
        // 100 requests in progress throughout, 6 CPU-seconds begun per
        // second: concurrency ⌈100 / 48⌉ = 3, CPU ⌈6 / 2 / 0.6⌉ = 5.
        a.set_busy(SimTime::ZERO, 100);
        let mut last = 0;
        for p in 1..=12 {
            a.work(6.0 * 5.0);
            last = a.recommend(SimTime::from_secs(5 * p));
        }
        assert_eq!(last, 5);
        // CPU off: the concurrency driver alone.
        let mut c = Autoscaler::new(targets(0.0, 0.6), 2, 80);
        c.set_busy(SimTime::ZERO, 100);
        c.work(30.0);
        assert_eq!(c.recommend(PERIOD), 3);
    }

    #[test]
    fn a_minute_later_an_idle_service_wants_none() {
        let mut a = Autoscaler::new(targets(0.6, 0.6), 1, 80);
        a.set_busy(SimTime::ZERO, 48);
        assert_eq!(a.recommend(PERIOD), 1, "48 = 60 % of 80: exactly one");
        a.set_busy(PERIOD, 0);
        let mut wants = Vec::new();
        for p in 2..=13 {
            wants.push(a.recommend(SimTime::from_secs(5 * p)));
        }
        // The busy period stays in the window for a minute, then leaves.
        assert!(wants[..10].iter().all(|&w| w == 1), "{wants:?}");
        assert_eq!(wants[11], 0, "{wants:?}");
    }
}
