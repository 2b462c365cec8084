//! `controller = "custom"`: scalesim's own hybrid of EC2 Auto Scaling and
//! the Kubernetes HPA — the HPA's proportional rule and tolerance, a
//! scale-out cooldown, and scale-in only down to the highest recommendation
//! of the `scale_in_cooldown` window.

use crate::kinds::servers::model::autoscale::controller::{Action, Controller, Observation};
use crate::time::SimTime;
use std::collections::VecDeque;

pub(super) struct Custom {
    tolerance: f64,
    scale_out_cooldown: SimTime,
    scale_in_cooldown: SimTime,
    last_scale_out: Option<SimTime>,
    /// Recent recommendations (time, desired) for scale-in stabilisation.
    history: VecDeque<(SimTime, u32)>,
}

impl Custom {
    pub(super) fn new(
        tolerance: f64,
        scale_out_cooldown: SimTime,
        scale_in_cooldown: SimTime,
    ) -> Self {
        Custom {
            tolerance,
            scale_out_cooldown,
            scale_in_cooldown,
            last_scale_out: None,
            history: VecDeque::new(),
        }
    }
}

impl Controller for Custom {
    fn decide(&mut self, obs: &Observation) -> Action {
        let now = obs.now;
        let ratio = match obs.ratio() {
            Some(r) => r,
            None if obs.needed > 0.0 => f64::INFINITY,
            None => 1.0,
        };
        let desired = if (ratio - 1.0).abs() <= self.tolerance {
            obs.current
        } else {
            obs.proportional()
        };
        let desired = desired.clamp(obs.floor, obs.max);
        self.history.push_back((now, desired));
        while let Some(&(t, _)) = self.history.front() {
            if t + self.scale_in_cooldown < now {
                self.history.pop_front();
            } else {
                break;
            }
        }
        if desired > obs.current {
            let cooled = self
                .last_scale_out
                .is_none_or(|t| now >= t + self.scale_out_cooldown);
            if cooled {
                self.last_scale_out = Some(now);
                return Action::Launch(desired - obs.current);
            }
        } else if desired < obs.current {
            let stable = self
                .history
                .iter()
                .map(|&(_, d)| d)
                .max()
                .unwrap_or(desired);
            if stable < obs.current {
                return Action::Remove(obs.current - stable);
            }
        }
        Action::Hold
    }
}
