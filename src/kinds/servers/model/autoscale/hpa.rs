//! `controller = "kubernetes-hpa"`: the HorizontalPodAutoscaler's
//! algorithm, as kube-controller-manager runs it every sync period.
//!
//! # Rules
//! - Desired = ceil(current × metric / target), or no change while
//!   |metric / target − 1| ≤ tolerance; the metric is read from ready
//!   pods only. When it asks to scale up while pods are not ready (still
//!   booting), those pods are counted as reading 0 and the ratio is
//!   recomputed: if that ratio falls within the tolerance, or below 1, the
//!   size holds — the scale-up already under way is enough.
//! - Stabilisation: the new size is at least the lowest recommendation of
//!   `scale_up.stabilization_window` and at most the highest of
//!   `scale_down.stabilization_window` (default 0 s and 300 s).
//! - Rate: each policy allows, from the size at the start of its period
//!   (now − period, exclusive), `value` pods or `value` % more (rounded
//!   up) or fewer (rounded down); `select_policy` takes the largest change
//!   (`Max`), the smallest (`Min`), or none (`Disabled`). The default
//!   scale-up allows +100 % or +4 pods per 15 s, the larger.
//! - The size stays within [min, max].

use crate::kinds::servers::keys::{PolicyType, SelectPolicy};
use crate::kinds::servers::model::autoscale::controller::{
    Action, Controller, Observation, towards,
};
use crate::kinds::servers::spec::controller::{HpaBehavior, HpaRules};
use crate::time::SimTime;
use std::collections::VecDeque;

pub(super) struct Hpa {
    behavior: HpaBehavior,
    tolerance: f64,
    /// Unstabilised recommendations (time, desired).
    recommendations: VecDeque<(SimTime, u32)>,
    /// Rescales (time, pods added) and (time, pods removed).
    ups: VecDeque<(SimTime, u32)>,
    downs: VecDeque<(SimTime, u32)>,
}

impl Hpa {
    pub(super) fn new(behavior: &HpaBehavior, tolerance: f64) -> Self {
        Hpa {
            behavior: behavior.clone(),
            tolerance,
            recommendations: VecDeque::new(),
            ups: VecDeque::new(),
            downs: VecDeque::new(),
        }
    }

    /// The replica calculator: the size the metric asks for.
    fn recommend(&self, obs: &Observation) -> u32 {
        let Some(ratio) = obs.ratio() else {
            // No ready pod to read: the HPA cannot compute and holds.
            return obs.current;
        };
        if obs.uncounted == 0 || ratio <= 1.0 {
            if (ratio - 1.0).abs() <= self.tolerance {
                return obs.current;
            }
            return obs.proportional();
        }
        let with_unready = obs.needed / (obs.counted + obs.uncounted as f64);
        if (with_unready - 1.0).abs() <= self.tolerance || with_unready < 1.0 {
            return obs.current;
        }
        obs.proportional().max(obs.current)
    }

    /// Bounds `desired` by the recommendations of the two windows, and
    /// records it.
    fn stabilize(&mut self, now: SimTime, desired: u32, current: u32) -> u32 {
        let up = self.behavior.scale_up.stabilization_window;
        let down = self.behavior.scale_down.stabilization_window;
        let (mut lowest, mut highest) = (desired, desired);
        for &(t, r) in &self.recommendations {
            // Kubernetes keeps what is strictly inside a window.
            if t + up > now {
                lowest = lowest.min(r);
            }
            if t + down > now {
                highest = highest.max(r);
            }
        }
        let longest = up.max(down);
        while self
            .recommendations
            .front()
            .is_some_and(|&(t, _)| t + longest <= now)
        {
            self.recommendations.pop_front();
        }
        self.recommendations.push_back((now, desired));
        current.max(lowest).min(highest)
    }

    /// Pods added (`ups`) or removed (`downs`) within the period ending now.
    fn changed_within(events: &VecDeque<(SimTime, u32)>, now: SimTime, period: SimTime) -> i64 {
        events
            .iter()
            .filter(|&&(t, _)| t + period > now)
            .map(|&(_, n)| n as i64)
            .sum()
    }

    /// The most pods the scale-up policies allow now.
    fn scale_up_limit(&self, now: SimTime, current: u32) -> i64 {
        let rules = &self.behavior.scale_up;
        let proposals = rules.policies.iter().map(|p| {
            let start = self.period_start(now, current, p.period);
            match p.kind {
                PolicyType::Pods => start + p.value as i64,
                PolicyType::Percent => {
                    (start as f64 * (1.0 + p.value as f64 / 100.0)).ceil() as i64
                }
            }
        });
        select(rules, proposals, true).unwrap_or(current as i64)
    }

    /// The fewest pods the scale-down policies allow now.
    fn scale_down_limit(&self, now: SimTime, current: u32) -> i64 {
        let rules = &self.behavior.scale_down;
        let proposals = rules.policies.iter().map(|p| {
            let start = self.period_start(now, current, p.period);
            match p.kind {
                PolicyType::Pods => start - p.value as i64,
                // Truncated, as Kubernetes converts to an integer.
                PolicyType::Percent => (start as f64 * (1.0 - p.value as f64 / 100.0)) as i64,
            }
        });
        select(rules, proposals, false).unwrap_or(current as i64)
    }

    fn period_start(&self, now: SimTime, current: u32, period: SimTime) -> i64 {
        current as i64 - Self::changed_within(&self.ups, now, period)
            + Self::changed_within(&self.downs, now, period)
    }

    /// Holds `desired` within what the rate policies and [floor, max]
    /// allow.
    fn limit_rate(&self, obs: &Observation, desired: u32) -> u32 {
        let current = obs.current;
        if desired > current {
            let limit = self.scale_up_limit(obs.now, current).max(current as i64);
            let allowed = (obs.max as i64).min(limit);
            (desired as i64).min(allowed) as u32
        } else if desired < current {
            let limit = self.scale_down_limit(obs.now, current).min(current as i64);
            let allowed = (obs.floor as i64).max(limit);
            (desired as i64).max(allowed) as u32
        } else {
            desired
        }
    }

    fn record(&mut self, now: SimTime, current: u32, new: u32) {
        let (events, n, rules) = if new > current {
            (&mut self.ups, new - current, &self.behavior.scale_up)
        } else {
            (&mut self.downs, current - new, &self.behavior.scale_down)
        };
        let longest = rules
            .policies
            .iter()
            .map(|p| p.period)
            .max()
            .unwrap_or(SimTime::ZERO);
        while events.front().is_some_and(|&(t, _)| t + longest <= now) {
            events.pop_front();
        }
        events.push_back((now, n));
    }
}

/// The proposal `select_policy` picks: for scale-up `Max` is the highest
/// limit, for scale-down the lowest; `None` when scaling is disabled.
fn select(rules: &HpaRules, proposals: impl Iterator<Item = i64>, up: bool) -> Option<i64> {
    match (rules.select_policy, up) {
        (SelectPolicy::Disabled, _) => None,
        (SelectPolicy::Max, true) | (SelectPolicy::Min, false) => proposals.max(),
        (SelectPolicy::Min, true) | (SelectPolicy::Max, false) => proposals.min(),
    }
}

impl Controller for Hpa {
    fn decide(&mut self, obs: &Observation) -> Action {
        let current = obs.current;
        let new = if current == 0 {
            // Kubernetes disables autoscaling of a workload scaled to zero.
            return Action::Hold;
        } else if current > obs.max {
            obs.max
        } else if current < obs.floor {
            obs.floor
        } else {
            let desired = self.recommend(obs);
            let stable = self.stabilize(obs.now, desired, current);
            self.limit_rate(obs, stable)
        };
        if new != current {
            self.record(obs.now, current, new);
        }
        towards(current, new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::servers::keys::HpaPolicy;

    const TARGET: f64 = 0.3;

    /// `ready` pods at CPU utilisation `util` (of their requests), with
    /// `booting` pods not ready yet, between min 4 and max 50.
    fn obs(secs: u64, util: f64, ready: u32, booting: u32) -> Observation {
        Observation {
            now: SimTime::from_secs(secs),
            needed: util * ready as f64 / TARGET,
            counted: ready as f64,
            current: ready + booting,
            uncounted: booting,
            floor: 4,
            max: 50,
        }
    }

    /// Runs the controller every 15 s from `from` to `to` (inclusive) on
    /// pods that are ready at once, at utilisation `util(t)`; returns the
    /// size after each sync.
    fn run(
        hpa: &mut Hpa,
        pods: &mut u32,
        from: u64,
        to: u64,
        util: impl Fn(u64) -> f64,
    ) -> Vec<u32> {
        (from..=to)
            .step_by(15)
            .map(|t| {
                match hpa.decide(&obs(t, util(t), *pods, 0)) {
                    Action::Launch(n) => *pods += n,
                    Action::Remove(n) => *pods -= n,
                    Action::Hold => {}
                }
                *pods
            })
            .collect()
    }

    /// A step from 10 % to 90 % CPU (target 30 %) on 4 pods: each sync
    /// asks for 3× the pods and the default policy (+100 % or +4 per 15 s,
    /// the larger) allows double: 4 → 8 → 16 → 32, then max = 50. When the
    /// load falls back to 10 % (17 pods' worth) the size holds for the
    /// 300 s window after the last high recommendation (at 60 s, 96 pods),
    /// then drops at once (100 % per 15 s allowed).
    #[test]
    fn hpa_doubles_per_sync_after_a_step_and_scales_down_after_the_window() {
        let mut hpa = Hpa::new(
            &crate::kinds::servers::spec::controller::defaults::hpa_behavior(),
            0.1,
        );
        let mut pods = 4;
        // 10 % for five minutes: desired 2, held at min = 4.
        assert!(
            run(&mut hpa, &mut pods, 0, 300, |_| 0.1)
                .iter()
                .all(|&p| p == 4)
        );
        let up = run(&mut hpa, &mut pods, 315, 375, |_| 0.9);
        assert_eq!(up, vec![8, 16, 32, 50, 50]);
        // 10 % from 390 s: 50 × 0.1 / 0.3 = 16.7 → 17 pods, after the
        // highest recommendation (150 at 375 s) leaves the window at 675 s.
        let down = run(&mut hpa, &mut pods, 390, 690, |_| 0.1);
        let held = down.iter().take_while(|&&p| p == 50).count();
        assert_eq!(390 + 15 * held as u64, 675);
        assert_eq!(&down[held..], &[17, 17]);
    }

    /// From 1 pod asked to go to 10, the Pods policy (+4) beats the
    /// Percent one (+100 %): 1 → 5; with `select_policy = "Min"` the
    /// smaller wins: 1 → 2; `Disabled` holds.
    #[test]
    fn the_select_policy_picks_the_larger_or_smaller_change() {
        let mut o = obs(15, 0.9, 1, 0);
        o.floor = 1;
        o.needed = 10.0;
        let mut max = Hpa::new(
            &crate::kinds::servers::spec::controller::defaults::hpa_behavior(),
            0.1,
        );
        assert_eq!(max.decide(&o), Action::Launch(4));
        let mut b = crate::kinds::servers::spec::controller::defaults::hpa_behavior();
        b.scale_up.select_policy = SelectPolicy::Min;
        let mut min = Hpa::new(&b, 0.1);
        assert_eq!(min.decide(&o), Action::Launch(1));
        b.scale_up.select_policy = SelectPolicy::Disabled;
        assert_eq!(Hpa::new(&b, 0.1).decide(&o), Action::Hold);
        // A Pods policy over 60 s counts what it already added in that
        // period: +2 per minute allows 1 → 3, then nothing until 75 s.
        b.scale_up = HpaRules {
            policies: vec![HpaPolicy {
                kind: PolicyType::Pods,
                value: 2,
                period: SimTime::from_secs(60),
            }],
            select_policy: SelectPolicy::Max,
            stabilization_window: SimTime::ZERO,
        };
        let mut slow = Hpa::new(&b, 0.1);
        assert_eq!(slow.decide(&o), Action::Launch(2));
        let mut at = |t: u64| {
            let mut o = obs(t, 0.9, 3, 0);
            o.floor = 1;
            slow.decide(&o)
        };
        assert_eq!(at(30), Action::Hold);
        assert_eq!(at(60), Action::Hold);
        assert_eq!(at(75), Action::Launch(2));
    }

    /// 4 ready pods saturated (100 % at a 50 % target) while 4 more boot:
    /// counting the booting pods at 0 gives exactly the target, so the
    /// scale-up under way is enough and the size holds; without them
    /// booting it would double again.
    #[test]
    fn pods_not_ready_count_as_idle_when_scaling_up() {
        let mut hpa = Hpa::new(
            &crate::kinds::servers::spec::controller::defaults::hpa_behavior(),
            0.1,
        );
        let mut o = obs(15, 1.0, 4, 4);
        o.needed = 4.0 / 0.5;
        assert_eq!(hpa.decide(&o), Action::Hold);
        let mut o = obs(30, 1.0, 8, 0);
        o.needed = 8.0 / 0.5;
        assert_eq!(hpa.decide(&o), Action::Launch(8));
    }

    /// Scale-down limited to 1 pod per 15 s walks down one at a time.
    #[test]
    fn a_scale_down_policy_limits_the_rate() {
        let mut b = crate::kinds::servers::spec::controller::defaults::hpa_behavior();
        b.scale_down = HpaRules {
            policies: vec![HpaPolicy {
                kind: PolicyType::Pods,
                value: 1,
                period: SimTime::from_secs(15),
            }],
            select_policy: SelectPolicy::Max,
            stabilization_window: SimTime::ZERO,
        };
        let mut hpa = Hpa::new(&b, 0.1);
        let mut pods = 8;
        let sizes = run(&mut hpa, &mut pods, 15, 75, |_| 0.0);
        assert_eq!(sizes, vec![7, 6, 5, 4, 4]);
    }
}
