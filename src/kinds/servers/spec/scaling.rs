//! What an autoscaling policy is, resolved from the file: the size
//! limits, the metric and its target, the timings and scheduled minimums,
//! and the controller. An autoscaled architecture has one, and so has each
//! autoscaled service fleet of a microservices architecture; the server
//! pool ([`crate::kinds::servers::model`]) runs it.

use super::controller::ControllerSpec;
use crate::dist::Dist;
use crate::scenario::values::Metric;
use crate::time::SimTime;

#[derive(Clone, Debug)]
pub struct ScalingSpec {
    pub min: u32,
    pub max: u32,
    pub metric: Metric,
    pub target: f64,
    /// How often the metric is read, averaged over that period.
    pub evaluation: SimTime,
    /// Launch to serving: billed, not serving.
    pub boot_time: Dist,
    pub scale_out_cooldown: SimTime,
    /// Stabilisation: scale in only to the highest recommendation of this
    /// window.
    pub scale_in_cooldown: SimTime,
    /// No action while |metric / target − 1| ≤ tolerance.
    pub tolerance: f64,
    /// Daily minimums: (time of day, minimum), sorted by time.
    pub scheduled: Vec<(SimTime, u32)>,
    /// The algorithm that turns the metric into a size.
    pub controller: ControllerSpec,
}

/// Defaults and where they come from.
pub mod defaults {
    use crate::time::SimTime;
    /// EC2 target tracking reads 60-second metrics.
    pub const EVALUATION: SimTime = SimTime::from_secs(60);
    /// Kubernetes HPA: 10 % tolerance.
    pub const TOLERANCE: f64 = 0.1;
    /// Kubernetes HPA: 300 s scale-down stabilisation window.
    pub const SCALE_IN_COOLDOWN: SimTime = SimTime::from_secs(300);
    /// Kubernetes HPA scales up without a stabilisation window; one
    /// evaluation period between scale-outs lets new capacity show up in
    /// the metric.
    pub const SCALE_OUT_COOLDOWN: SimTime = SimTime::from_secs(60);
    /// A VM boots and warms up in 60–180 s; 90 s is the default here.
    pub const BOOT_TIME: SimTime = SimTime::from_secs(90);
    /// Without a policy: keep CPU at 60 %.
    pub const CPU_TARGET: f64 = 0.6;
}

impl ScalingSpec {
    /// The minimum in force at simulated time `t` (t = 0 is 00:00): `min`,
    /// raised by the latest scheduled minimum of the day (the last one of
    /// the day carries over midnight).
    pub fn minimum_at(&self, t: SimTime) -> u32 {
        let day = SimTime::from_secs(86_400).as_nanos();
        let tod = SimTime(t.as_nanos() % day);
        let scheduled = self
            .scheduled
            .iter()
            .rev()
            .find(|(at, _)| *at <= tod)
            .or(self.scheduled.last())
            .map_or(0, |&(_, m)| m);
        self.min.max(scheduled)
    }
}
