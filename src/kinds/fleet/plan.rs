//! Planning a fixed fleet: for each instance type, the smallest server
//! count whose SLO percentile and error rate meet the SLO with confidence.
//! The count starts from Erlang C (the M/M/c response-time percentile at
//! the peak rate, with exponential work of the scenario's mean), then
//! exponential and binary search by simulation: latency never gets worse
//! with more servers, so O(log N) simulations find it. Across instance
//! types the cheapest wins.

use crate::analysis::search::smallest_meeting;
use crate::kinds::servers::spec::FleetSpec;
use crate::plan::architecture::ArchitecturePlan;
use crate::plan::architecture::Planner;
use crate::plan::evaluate::{Candidate, Evaluator, config_lines};
use crate::results::queueing::MMc;
use crate::scenario::Scenario;
use crate::scenario::plan::PlanSpec;
use crate::scenario::{ArchitectureSpec, Slo};
use toml::Value;

/// What the fleet must carry: the peak arrival rate and the mean work of
/// one request, in seconds at one vCPU.
#[derive(Clone, Copy, Debug)]
pub struct FleetLoad {
    pub peak_rps: f64,
    pub mean_work: f64,
}

/// The Erlang C starting point: the fewest servers of `vcpus` each whose
/// M/M/c response-time percentile is within the SLO (an exact answer for
/// Poisson arrivals and exponential work at a constant peak rate), or
/// just above the stability bound when no count reaches it.
pub fn erlang_guess(load: FleetLoad, vcpus: u32, slo: &Slo) -> u32 {
    let (lambda, mu) = (load.peak_rps, 1.0 / load.mean_work.max(1e-12));
    let q = slo.percentile.value() / 100.0;
    let target = slo.latency.as_secs_f64();
    let stable = (lambda / mu).floor() as u32 + 1;
    let mut slots = stable.max(1);
    // The response can never beat the work's own percentile; past a
    // generous number of extra slots, stop looking.
    while slots < stable.saturating_mul(4).max(stable + 64) {
        if MMc::new(lambda, mu, slots).response_quantile(q) <= target {
            return slots.div_ceil(vcpus.max(1)).max(1);
        }
        slots += 1;
    }
    stable.div_ceil(vcpus.max(1)).max(1)
}

/// Plans a fleet over `instances` (empty: its own).
pub fn plan(
    ev: &mut Evaluator,
    instances: &[String],
    load: FleetLoad,
    max_servers: u32,
    budget: u32,
) -> Result<ArchitecturePlan, String> {
    let own = ev.resolve(&[])?;
    let ArchitectureSpec::Fleet(f) = &own.architectures[0].spec else {
        unreachable!("plan::fleet is called for fleets only")
    };
    let types: Vec<Option<String>> = if instances.is_empty() {
        vec![None]
    } else {
        instances.iter().cloned().map(Some).collect()
    };
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut best: Option<usize> = None;
    let mut notes = Vec::new();
    for t in &types {
        let with_type = |n: u32| -> Vec<(&'static str, Value)> {
            let mut v = vec![("servers", Value::Integer(i64::from(n)))];
            if let Some(t) = t {
                v.push(("instance", Value::String(t.clone())));
            }
            v
        };
        let (vcpus, speed) = match t {
            None => (f.instance.vcpus, f.instance.speed),
            Some(_) => match &ev.resolve(&with_type(1))?.architectures[0].spec {
                ArchitectureSpec::Fleet(g) => (g.instance.vcpus, g.instance.speed),
                _ => unreachable!("still a fleet"),
            },
        };
        // A faster vCPU does the same work in less time.
        let load_here = FleetLoad {
            mean_work: load.mean_work / speed,
            ..load
        };
        let guess = erlang_guess(load_here, vcpus, &ev.slo).min(max_servers);
        let mut failure: Option<String> = None;
        let mut exhausted = false;
        let found = smallest_meeting(1, max_servers, guess, |n| {
            if failure.is_some() || ev.runs >= budget {
                exhausted |= failure.is_none();
                return false;
            }
            match ev.evaluate(&with_type(n)) {
                Ok(c) => {
                    let meets = c.meets;
                    candidates.push(c);
                    meets
                }
                Err(e) => {
                    failure = Some(e);
                    false
                }
            }
        });
        if let Some(e) = failure {
            return Err(e);
        }
        let name = t.clone().unwrap_or_else(|| f.instance.name.clone());
        match found {
            Some(n) if !exhausted => {
                let i = candidates
                    .iter()
                    .position(|c| c.meets && c.config == config_lines(&with_type(n)))
                    .expect("the answer was evaluated");
                if best.is_none_or(|b| {
                    candidates[i].cost_per_month_usd.mean < candidates[b].cost_per_month_usd.mean
                }) {
                    best = Some(i);
                }
            }
            _ if exhausted => notes.push(format!(
                "on {name}: the budget of {budget} simulations ran out before the search ended"
            )),
            _ => notes.push(format!(
                "on {name}: even {max_servers} servers miss the SLO ({})",
                closest(&candidates, &ev.slo)
            )),
        }
    }
    Ok(ArchitecturePlan::new(ev, candidates, best, notes))
}

/// The best candidate's numbers against the SLO, for a one-line reason.
pub(crate) fn closest(candidates: &[Candidate], slo: &Slo) -> String {
    match candidates
        .iter()
        .min_by(|a, b| a.latency_ms.mean.total_cmp(&b.latency_ms.mean))
    {
        Some(c) => format!(
            "the best, {}, has {} {:.1} ms against {} and {:.3} % errors",
            c.config.join(", "),
            slo.percentile,
            c.latency_ms.mean,
            slo.latency,
            c.error_rate.mean * 100.0
        ),
        None => "nothing was simulated".into(),
    }
}

impl Planner for FleetSpec {
    fn varied(&self, plan: &PlanSpec) -> bool {
        plan.varies("servers")
    }

    fn plan(&self, ev: &mut Evaluator, s: &Scenario) -> Result<ArchitecturePlan, String> {
        let load = FleetLoad {
            peak_rps: s.demand.profile.peak(s.duration),
            mean_work: s.calls.mean_work(&s.services),
        };
        plan(
            ev,
            &s.plan.instances,
            load,
            s.plan.max_servers,
            s.plan.budget,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Percentile;
    use crate::time::SimTime;

    #[test]
    fn the_guess_is_the_exact_m_m_c_answer() {
        // λ = 40/s, 100 ms work: a = 4 erlangs. p99 ≤ 500 ms.
        let slo = Slo {
            latency: SimTime::from_millis(500),
            percentile: Percentile::P99,
            max_error_rate: None,
        };
        let load = FleetLoad {
            peak_rps: 40.0,
            mean_work: 0.1,
        };
        let c = erlang_guess(load, 1, &slo);
        let q = |c: u32| MMc::new(40.0, 10.0, c).response_quantile(0.99);
        assert!(
            q(c) <= 0.5 && q(c - 1) > 0.5,
            "c = {c}: {} / {}",
            q(c),
            q(c - 1)
        );
        // On 2-vCPU servers: half as many, rounded up.
        assert_eq!(erlang_guess(load, 2, &slo), c.div_ceil(2));
    }
}
