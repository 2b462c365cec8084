//! The decision an autoscaling controller makes at each evaluation, from
//! what it observes: the trait every controller implements, so that each
//! can be tested on hand-written observations without a simulation.

use crate::time::SimTime;

/// What a controller asks of the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    Hold,
    /// Launch this many servers.
    Launch(u32),
    /// Remove this many servers.
    Remove(u32),
}

/// What a controller sees at an evaluation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Observation {
    pub now: SimTime,
    /// The load the metric measured over the period, in servers' worth at
    /// the target: for `cpu`, the busy vCPUs of the counted servers over
    /// (vCPUs per server × target). The metric over the target is
    /// `needed / counted`.
    pub needed: f64,
    /// Mean number of counted servers over the period: serving or
    /// draining, and past their instance warmup.
    pub counted: f64,
    /// Servers launched and not removed (booting, warming or serving): the
    /// size a controller compares its desired size with.
    pub current: u32,
    /// Of `current`, those not counted now: booting, or serving within
    /// their instance warmup.
    pub uncounted: u32,
    /// The minimum in force now and the maximum.
    pub floor: u32,
    pub max: u32,
}

impl Observation {
    /// The metric over its target, or `None` without a counted server to
    /// read it from.
    pub fn ratio(&self) -> Option<f64> {
        (self.counted > 0.0).then(|| self.needed / self.counted)
    }

    /// The smallest size that brings the metric down to its target.
    pub fn proportional(&self) -> u32 {
        // Guard against 4.0000000001 becoming 5 through float noise.
        let d = (self.needed - 1e-9).ceil();
        if d.is_finite() {
            d.clamp(0.0, u32::MAX as f64) as u32
        } else {
            self.max
        }
    }
}

/// An autoscaling algorithm: one decision per evaluation.
pub(crate) trait Controller {
    fn decide(&mut self, obs: &Observation) -> Action;
}

/// The action that moves `current` to `desired`.
pub(crate) fn towards(current: u32, desired: u32) -> Action {
    use std::cmp::Ordering::*;
    match desired.cmp(&current) {
        Greater => Action::Launch(desired - current),
        Less => Action::Remove(current - desired),
        Equal => Action::Hold,
    }
}
