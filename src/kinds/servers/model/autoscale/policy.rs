//! The measuring half of autoscaling: over each evaluation period the
//! policy reads its metric from the pool's integrals and asks the scenario's
//! [`Controller`] what to do. It owns no server: the [`Pool`](super::Pool)
//! measures what it reads and carries out what it decides.

use crate::kinds::servers::model::autoscale::controller::{Action, Controller, Observation};
use crate::kinds::servers::model::autoscale::custom::Custom;
use crate::kinds::servers::model::autoscale::ec2::Ec2;
use crate::kinds::servers::model::autoscale::hpa::Hpa;
use crate::kinds::servers::spec::controller::ControllerSpec;
use crate::kinds::servers::spec::scaling::ScalingSpec;
use crate::scenario::Metric;
use crate::time::SimTime;

/// The pool's integrals up to an evaluation, in slot- or server-nanoseconds.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Integrals {
    /// Busy slots of counted servers.
    pub counted_busy: u128,
    /// Counted servers.
    pub counted: u128,
    /// Waiting requests.
    pub queue: u128,
}

pub(super) struct Policy {
    spec: ScalingSpec,
    vcpus: u32,
    controller: Box<dyn Controller>,
    /// Arrivals since the last evaluation.
    arrivals: u64,
    last_eval: SimTime,
    at_eval: Integrals,
    pub(super) scale_outs: u64,
    pub(super) scale_ins: u64,
}

impl Policy {
    pub(super) fn new(spec: &ScalingSpec, vcpus: u32) -> Self {
        let controller: Box<dyn Controller> = match &spec.controller {
            ControllerSpec::Custom => Box::new(Custom::new(
                spec.tolerance,
                spec.scale_out_cooldown,
                spec.scale_in_cooldown,
            )),
            ControllerSpec::KubernetesHpa(b) => Box::new(Hpa::new(b, spec.tolerance)),
            ControllerSpec::Ec2TargetTracking(a) => Box::new(Ec2::new(*a, spec.tolerance)),
        };
        Policy {
            spec: spec.clone(),
            vcpus,
            controller,
            arrivals: 0,
            last_eval: SimTime::ZERO,
            at_eval: Integrals::default(),
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
    /// decides. `now` are the pool's integrals up to now; `current` its
    /// booting and serving servers, of which `uncounted` are booting or
    /// warming.
    pub(super) fn evaluate(
        &mut self,
        now: SimTime,
        integrals: Integrals,
        current: u32,
        uncounted: u32,
    ) -> Action {
        let period = (now - self.last_eval).as_nanos() as f64;
        let then = self.at_eval;
        // Busy slots include draining servers' jobs, so the capacity they
        // are read against does too.
        let counted = (integrals.counted - then.counted) as f64 / period;
        let busy = (integrals.counted_busy - then.counted_busy) as f64 / period;
        let queue = (integrals.queue - then.queue) as f64 / period;
        let arrivals_per_s = self.arrivals as f64 / (period / 1e9);
        self.last_eval = now;
        self.at_eval = integrals;
        self.arrivals = 0;

        // The load the metric measures, in servers' worth at the target.
        let needed = match self.spec.metric {
            Metric::Cpu => busy / (self.vcpus as f64 * self.spec.target),
            Metric::RequestsPerServer => arrivals_per_s / self.spec.target,
            Metric::Queue => queue / self.spec.target,
        };
        let obs = Observation {
            now,
            needed,
            counted,
            current,
            uncounted,
            floor: self.spec.minimum_at(now),
            max: self.spec.max,
        };
        let action = self.controller.decide(&obs);
        match action {
            Action::Launch(_) => self.scale_outs += 1,
            Action::Remove(_) => self.scale_ins += 1,
            Action::Hold => {}
        }
        action
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
