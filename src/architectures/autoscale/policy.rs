//! The target-tracking policy of an autoscaled fleet: it reads its metric
//! over each evaluation period and decides how many servers to launch or
//! remove. It owns no server: the [`Pool`](super::Pool) measures what it
//! reads and carries out what it decides. The rules are in the parent
//! module's documentation.

use crate::results::stats::Areas;
use crate::scenario::{Metric, ScalingSpec};
use crate::time::SimTime;
use std::collections::VecDeque;

/// What the policy asks of the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Action {
    Hold,
    /// Launch this many servers.
    Launch(u32),
    /// Remove this many servers.
    Remove(u32),
}

pub(super) struct Policy {
    spec: ScalingSpec,
    vcpus: u32,
    /// Arrivals since the last evaluation.
    arrivals: u64,
    last_eval: SimTime,
    areas_at_eval: Areas,
    working_area_at_eval: u128,
    last_scale_out: Option<SimTime>,
    /// Recent recommendations (time, desired) for scale-in stabilisation.
    history: VecDeque<(SimTime, u32)>,
    pub(super) scale_outs: u64,
    pub(super) scale_ins: u64,
}

impl Policy {
    pub(super) fn new(spec: &ScalingSpec, vcpus: u32) -> Self {
        Policy {
            spec: spec.clone(),
            vcpus,
            arrivals: 0,
            last_eval: SimTime::ZERO,
            areas_at_eval: Areas::default(),
            working_area_at_eval: 0,
            last_scale_out: None,
            history: VecDeque::new(),
            scale_outs: 0,
            scale_ins: 0,
        }
    }

    pub(super) fn evaluation(&self) -> SimTime {
        self.spec.evaluation
    }

    pub(super) fn scheduled(&self) -> &[(SimTime, u32)] {
        &self.spec.scheduled
    }

    #[inline]
    pub(super) fn on_arrival(&mut self) {
        self.arrivals += 1;
    }

    /// Reads the metric over the period since the last evaluation and
    /// decides. `areas` are the fleet's integrals up to `now`,
    /// `working_area` the pool's integral of serving and draining servers
    /// up to `now`, and `current` its serving and booting servers.
    pub(super) fn evaluate(
        &mut self,
        now: SimTime,
        areas: Areas,
        working_area: u128,
        current: u32,
    ) -> Action {
        let period = (now - self.last_eval).as_nanos() as f64;
        // Busy slots include draining servers' jobs, so the capacity they
        // are read against does too.
        let working_mean = (working_area - self.working_area_at_eval) as f64 / period;
        let busy = (areas.busy - self.areas_at_eval.busy) as f64 / period;
        let queue = (areas.queue - self.areas_at_eval.queue) as f64 / period;
        let arrivals_per_s = self.arrivals as f64 / (period / 1e9);
        self.last_eval = now;
        self.areas_at_eval = areas;
        self.working_area_at_eval = working_area;
        self.arrivals = 0;

        // The load the metric measures, in servers' worth at the target.
        let needed = match self.spec.metric {
            Metric::Cpu => busy / (self.vcpus as f64 * self.spec.target),
            Metric::RequestsPerServer => arrivals_per_s / self.spec.target,
            Metric::Queue => queue / self.spec.target,
        };
        let ratio = if working_mean > 0.0 {
            needed / working_mean
        } else if needed > 0.0 {
            f64::INFINITY
        } else {
            1.0
        };
        let desired = if (ratio - 1.0).abs() <= self.spec.tolerance {
            current
        } else {
            // Guard against 4.0000000001 becoming 5 through float noise.
            let d = (needed - 1e-9).ceil();
            if d.is_finite() {
                d.max(0.0) as u32
            } else {
                self.spec.max
            }
        };
        let floor = self.spec.minimum_at(now);
        let desired = desired.clamp(floor, self.spec.max);
        self.history.push_back((now, desired));
        while let Some(&(t, _)) = self.history.front() {
            if t + self.spec.scale_in_cooldown < now {
                self.history.pop_front();
            } else {
                break;
            }
        }
        if desired > current {
            let cooled = self
                .last_scale_out
                .is_none_or(|t| now >= t + self.spec.scale_out_cooldown);
            if cooled {
                self.last_scale_out = Some(now);
                self.scale_outs += 1;
                return Action::Launch(desired - current);
            }
        } else if desired < current {
            let stable = self
                .history
                .iter()
                .map(|&(_, d)| d)
                .max()
                .unwrap_or(desired);
            if stable < current {
                self.scale_ins += 1;
                return Action::Remove(current - stable);
            }
        }
        Action::Hold
    }

    /// What the scheduled minimum in force at `now` asks of a fleet of
    /// `current` serving and booting servers.
    pub(super) fn enforce_minimum(&mut self, now: SimTime, current: u32) -> Action {
        let floor = self.spec.minimum_at(now);
        if floor > current {
            self.scale_outs += 1;
            Action::Launch(floor - current)
        } else {
            Action::Hold
        }
    }
}
