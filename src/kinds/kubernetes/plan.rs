//! Planning a Kubernetes architecture: the HPA's CPU target of its
//! deployments (as written, a share of the CPU request), one target for
//! every HPA-scaled deployment, from 0.30 to 0.90 in steps of 0.05.
//!
//! Why this search. A higher target runs fewer pods, hotter, so fewer
//! nodes, and leaves less headroom while new pods wait for a node: meeting
//! the SLO is monotone in the target, and the highest meeting target is
//! found by bisection on the grid, O(log 13) simulations. Cost is close to
//! monotone the other way (fewer pods, fewer nodes) but nodes come in
//! whole units, so every simulated candidate is kept and the cheapest
//! meeting one is the answer. Node types, pod requests and node-pool
//! minimums are not searched yet (README, Kubernetes).

use crate::analysis::search::smallest_meeting;
use crate::kinds::fleet::plan::closest;
use crate::kinds::kubernetes::spec::KubernetesSpec;
use crate::kinds::microservices::spec::ServiceFleet;
use crate::plan::architecture::{ArchitecturePlan, Planner};
use crate::plan::evaluate::Evaluator;
use crate::plan::trials::Trials;
use crate::scenario::plan::PlanSpec;
use crate::scenario::{Metric, Scenario};
use toml::{Table, Value};

/// The target grid: 0.30, 0.35, …, 0.90.
const TARGETS: u32 = 13;

fn target_at(i: u32) -> f64 {
    f64::from(30 + 5 * i) / 100.0
}

/// The HPA deployments on CPU, by name.
fn scaled(spec: &KubernetesSpec, s: &Scenario) -> Vec<String> {
    spec.deployments
        .fleets
        .iter()
        .zip(&spec.pods)
        .zip(&s.services)
        .filter_map(|((f, pod), svc)| match f {
            ServiceFleet::Autoscaled(x) if !pod.fixed && x.scaling.metric == Metric::Cpu => {
                Some(svc.name.clone())
            }
            _ => None,
        })
        .collect()
}

/// Every scaled deployment's `policy` at grid point `i`.
fn values(names: &[String], i: u32) -> Vec<(String, Value)> {
    names
        .iter()
        .map(|n| {
            let mut policy = Table::new();
            policy.insert("metric".into(), Value::String("cpu".into()));
            policy.insert("target".into(), Value::Float(target_at(i)));
            (format!("services.{n}.policy"), Value::Table(policy))
        })
        .collect()
}

impl Planner for KubernetesSpec {
    fn varied(&self, plan: &PlanSpec) -> bool {
        plan.varies("target") && self.pods.iter().any(|p| !p.fixed)
    }

    fn plan(&self, ev: &mut Evaluator, s: &Scenario) -> Result<ArchitecturePlan, String> {
        let names = scaled(self, s);
        let budget = s.plan.budget;
        let mut trials = Trials::new(budget);
        // The written target of the first scaled deployment, as written
        // (the model's is over the limit).
        let written = self
            .deployments
            .fleets
            .iter()
            .zip(&self.pods)
            .find_map(|(f, pod)| match f {
                ServiceFleet::Autoscaled(x) if !pod.fixed => {
                    Some(x.scaling.target * pod.cpu_limit_m as f64 / pod.requests.cpu_m as f64)
                }
                _ => None,
            })
            .unwrap_or(0.6);
        let guess = ((written * 100.0 - 30.0) / 5.0).round().clamp(0.0, 12.0) as u32;
        // j counts down from the top of the grid: meeting is monotone in it.
        let top = TARGETS - 1;
        let found = smallest_meeting(0, top, top - guess, |j| {
            let v = values(&names, top - j);
            let refs: Vec<(&str, Value)> = v.iter().map(|(k, x)| (k.as_str(), x.clone())).collect();
            trials.meets(ev, &refs)
        });
        trials.check()?;
        let best = trials.cheapest_meeting();
        let mut notes = Vec::new();
        match (best, found) {
            (Some(_), Some(0)) => notes.push(format!(
                "the target is at the top of its range ({:.2}): the SLO would allow hotter pods",
                target_at(top)
            )),
            (Some(_), Some(j)) => notes.push(format!(
                "bound by the SLO on the target: {:.2} does not meet it with confidence",
                target_at(top - j + 1)
            )),
            (None, _) if trials.exhausted => notes.push(format!(
                "the budget of {budget} simulations ran out before any configuration met the SLO ({})",
                closest(&trials.candidates, &ev.slo)
            )),
            _ => notes.push(format!(
                "even target {:.2} misses the SLO ({}): the nodes' provisioning, the pods' requests or a pool's max bind, which plan does not vary",
                target_at(0),
                closest(&trials.candidates, &ev.slo)
            )),
        }
        if best.is_some() && trials.exhausted {
            notes.push(format!(
                "the budget of {budget} simulations ran out before the search ended"
            ));
        }
        Ok(ArchitecturePlan::new(ev, trials.candidates, best, notes))
    }
}
