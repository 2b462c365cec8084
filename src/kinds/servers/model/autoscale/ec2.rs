//! `controller = "ec2-target-tracking"`: EC2 Auto Scaling target tracking,
//! driven by the two CloudWatch alarms it creates.
//!
//! # Rules
//! - Each evaluation is one metric datapoint, read from the instances past
//!   their instance warmup only (serving instances still warming carry
//!   load but are left out of the aggregate).
//! - The scale-out alarm fires after `alarm_datapoints.scale_out` (3)
//!   consecutive datapoints above the target, and acts at every datapoint
//!   while it stays in alarm: the desired capacity is ceil(counted ×
//!   metric / target) and instances booting or warming count towards it,
//!   so repeated alarms add only the difference. No cooldown.
//! - The scale-in alarm fires after `alarm_datapoints.scale_in` (15)
//!   consecutive datapoints below target × (1 − tolerance), and acts only
//!   while no instance is booting or warming; it removes down to the
//!   smallest capacity that keeps the metric at or below the target.
//! - A period with no counted instance gives no datapoint: both alarms
//!   keep their state.
//! - The capacity stays within [min, max].

use crate::kinds::servers::model::autoscale::controller::{
    Action, Controller, Observation, towards,
};
use crate::kinds::servers::spec::controller::Ec2Alarms;

pub(super) struct Ec2 {
    alarms: Ec2Alarms,
    tolerance: f64,
    /// Consecutive datapoints above the target, and below its low
    /// threshold.
    above: u32,
    below: u32,
}

impl Ec2 {
    pub(super) fn new(alarms: Ec2Alarms, tolerance: f64) -> Self {
        Ec2 {
            alarms,
            tolerance,
            above: 0,
            below: 0,
        }
    }
}

impl Controller for Ec2 {
    fn decide(&mut self, obs: &Observation) -> Action {
        if let Some(ratio) = obs.ratio() {
            self.above = if ratio > 1.0 { self.above + 1 } else { 0 };
            self.below = if ratio < 1.0 - self.tolerance {
                self.below + 1
            } else {
                0
            };
        }
        let desired = obs.proportional().clamp(obs.floor, obs.max);
        if obs.current < obs.floor || obs.current > obs.max {
            // The group's own bounds apply whatever the alarms say.
            return towards(obs.current, obs.current.clamp(obs.floor, obs.max));
        }
        if self.above >= self.alarms.scale_out_datapoints && desired > obs.current {
            return Action::Launch(desired - obs.current);
        }
        if self.below >= self.alarms.scale_in_datapoints
            && obs.uncounted == 0
            && desired < obs.current
        {
            return Action::Remove(obs.current - desired);
        }
        Action::Hold
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimTime;

    const TARGET: f64 = 0.5;

    fn alarms(warmup: u64) -> Ec2Alarms {
        Ec2Alarms {
            instance_warmup: SimTime::from_secs(warmup),
            scale_out_datapoints: 3,
            scale_in_datapoints: 15,
        }
    }

    /// A group whose instances boot at once and warm for `warmup` s, run
    /// by the controller every 60 s; every serving instance runs at
    /// `util(t)` CPU. Returns the capacity after each datapoint.
    fn run(warmup: u64, to: u64, util: impl Fn(u64) -> f64) -> Vec<u32> {
        let mut ec2 = Ec2::new(alarms(warmup), 0.1);
        // When each instance finishes warming.
        let mut warm_at: Vec<u64> = vec![0; 4];
        (60..=to)
            .step_by(60)
            .map(|t| {
                // Counted over the period (t − 60, t]: warm at its start.
                let counted = warm_at.iter().filter(|&&w| w <= t - 60).count() as u32;
                let uncounted = warm_at.iter().filter(|&&w| w > t).count() as u32;
                let obs = Observation {
                    now: SimTime::from_secs(t),
                    needed: util(t) * counted as f64 / TARGET,
                    counted: counted as f64,
                    current: warm_at.len() as u32,
                    uncounted,
                    floor: 1,
                    max: 100,
                };
                match ec2.decide(&obs) {
                    Action::Launch(n) => warm_at.extend((0..n).map(|_| t + warmup)),
                    Action::Remove(n) => warm_at.truncate(warm_at.len() - n as usize),
                    Action::Hold => {}
                }
                warm_at.len() as u32
            })
            .collect()
    }

    /// Saturated from t = 0 (100 % CPU on a 50 % target). The alarm needs
    /// 3 datapoints (180 s), then asks for 2 × the counted instances; the
    /// new ones warm for 120 s, during which the metric reads only the old
    /// instances and asks for the capacity already there. So the group
    /// doubles every 180 s — 4, 4, 8 at 180 s, 16 at 360 s, 32 at 540 s —
    /// where the HPA on the same load doubles every 15 s.
    #[test]
    fn ec2_waits_for_three_datapoints_and_for_warmup_before_scaling_again() {
        let sizes = run(120, 600, |_| 1.0);
        assert_eq!(sizes, vec![4, 4, 8, 8, 8, 16, 16, 16, 32, 32]);
    }

    /// Without warmup the same load doubles at every datapoint once the
    /// alarm has fired: 8 at 180 s, 16 at 240 s, 32 at 300 s.
    #[test]
    fn without_warmup_ec2_doubles_at_each_datapoint_in_alarm() {
        let sizes = run(0, 360, |_| 1.0);
        assert_eq!(sizes, vec![4, 4, 8, 16, 32, 64]);
    }

    /// The scale-in alarm needs 15 datapoints below 45 %; then it removes
    /// down to what keeps the metric at the target (4 × 10 % / 50 % → 1).
    #[test]
    fn scale_in_waits_for_fifteen_datapoints() {
        let sizes = run(0, 960, |_| 0.1);
        assert!(sizes[..14].iter().all(|&s| s == 4), "{sizes:?}");
        assert_eq!(sizes[14..], [1, 1]);
    }

    /// No scale-in while an instance warms, however long the metric has
    /// been low; once it is warm, the next datapoint scales in.
    #[test]
    fn no_scale_in_while_an_instance_warms() {
        let mut ec2 = Ec2::new(alarms(300), 0.1);
        let obs = |t: u64, uncounted: u32| Observation {
            now: SimTime::from_secs(t * 60),
            needed: 0.4,
            counted: 4.0,
            current: 5,
            uncounted,
            floor: 1,
            max: 10,
        };
        for t in 1..=20 {
            assert_eq!(ec2.decide(&obs(t, 1)), Action::Hold);
        }
        assert_eq!(ec2.decide(&obs(21, 0)), Action::Remove(4));
    }
}
