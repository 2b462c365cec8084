//! Planning microservices: the server count of every service on a fixed
//! fleet (services on autoscaled fleets keep their policy as written).
//!
//! Why this search. The services share one end-to-end SLO, so no service
//! can be sized alone, and a joint grid grows as the product of the
//! counts. Every service starts at its load lower bound (the fewest
//! servers with more vCPUs than its offered load at the peak: below that
//! its queue grows through the peak whatever the others do); from there
//! servers are added where they buy the most SLO per dollar, one service
//! at a time, until the SLO holds with confidence. A greedy climb can
//! overshoot on a service bought early, so each service is then taken
//! back down to the fewest servers that still meet the SLO with the
//! others held (a monotone one-variable question: bisection). Latency
//! never gets worse with another server on any service, which is what
//! makes both phases sound.

use crate::analysis::search::smallest_meeting;
use crate::kinds::fleet::plan::closest;
use crate::kinds::microservices::spec::MicroservicesSpec;
use crate::kinds::microservices::spec::{ServiceFleet, service_peak_erlangs};
use crate::plan::architecture::ArchitecturePlan;
use crate::plan::architecture::Planner;
use crate::plan::evaluate::{Candidate, Evaluator, config_lines};
use crate::plan::trials::Trials;
use crate::scenario::Scenario;
use crate::scenario::plan::PlanSpec;
use crate::scenario::{ArchitectureSpec, Slo};
use toml::Value;

/// One service whose server count the plan varies.
struct Varied {
    /// The key written into the architecture's table.
    key: String,
    lower: u32,
}

struct Search<'e, 'a> {
    ev: &'e mut Evaluator<'a>,
    trials: Trials,
    varied: Vec<Varied>,
}

impl Search<'_, '_> {
    fn run(&mut self, counts: &[u32]) -> Option<usize> {
        let values: Vec<(&str, Value)> = self
            .varied
            .iter()
            .zip(counts)
            .map(|(v, &n)| (v.key.as_str(), Value::Integer(i64::from(n))))
            .collect();
        self.trials.run(self.ev, &values)
    }

    fn candidate(&self, i: usize) -> &Candidate {
        &self.trials.candidates[i]
    }
}

/// How far a candidate is from the SLO: the larger of its percentile over
/// the objective and its error rate over the allowed one (1 at the
/// boundary, below 1 inside). One number, so that a server that cuts
/// errors and one that cuts latency can be compared per dollar. Means,
/// not interval ends: a candidate ruled out on its first replications
/// has a far wider interval than its neighbours, not a worse latency.
fn shortfall(c: &Candidate, slo: &Slo) -> f64 {
    let latency = c.latency_ms.mean / (slo.latency.as_secs_f64() * 1e3);
    let errors = match slo.max_error_rate {
        Some(e) if e > 0.0 => c.error_rate.mean / e,
        Some(_) if c.error_rate.mean > 0.0 => f64::INFINITY,
        _ => 0.0,
    };
    let s = latency.max(errors);
    if s.is_nan() { f64::INFINITY } else { s }
}

/// Plans a microservices architecture.
pub fn plan(ev: &mut Evaluator, max_servers: u32, budget: u32) -> Result<ArchitecturePlan, String> {
    let own = ev.resolve(&[])?;
    let ArchitectureSpec::Microservices(m) = &own.architectures[0].spec else {
        unreachable!("plan::microservices is called for microservices only")
    };
    let mut notes = Vec::new();
    let mut varied = Vec::new();
    let mut held = Vec::new();
    for (i, (svc, fleet)) in own.services.iter().zip(&m.fleets).enumerate() {
        match fleet {
            ServiceFleet::Fixed(f) => {
                let vcpus = f64::from(f.instance.vcpus.max(1));
                let erlangs = service_peak_erlangs(&own.shared(), i, m.hop_latency);
                let lower = ((erlangs / vcpus).floor() as u32).saturating_add(1);
                varied.push(Varied {
                    key: format!("services.{}.servers", svc.name),
                    lower: lower.clamp(1, max_servers),
                });
            }
            ServiceFleet::Autoscaled(_) => held.push(svc.name.as_str()),
        }
    }
    if !held.is_empty() {
        notes.push(format!(
            "autoscaled service(s) {} keep their policy as written: only fixed fleets' server counts are searched here",
            held.join(", ")
        ));
    }
    let mut s = Search {
        ev,
        trials: Trials::new(budget),
        varied,
    };
    if s.varied.is_empty() {
        let i = s.run(&[]);
        s.trials.check()?;
        let best = i.filter(|&i| s.candidate(i).meets);
        return Ok(ArchitecturePlan::new(
            s.ev,
            s.trials.candidates,
            best,
            notes,
        ));
    }
    let slo = s.ev.slo;
    let mut counts: Vec<u32> = s.varied.iter().map(|v| v.lower).collect();
    let mut at = s.run(&counts);
    // Climb: one service a step, the one whose extra servers lower the
    // shortfall most per dollar. A step adds about 1/16 of the service's
    // servers (at least one), so that a fleet of hundreds climbs in tens
    // of steps, not hundreds.
    let mut stuck = false;
    while let Some(cur) = at {
        if s.candidate(cur).meets {
            break;
        }
        let (short, cost) = (
            shortfall(s.candidate(cur), &slo),
            s.candidate(cur).cost_per_month_usd.mean,
        );
        let mut best: Option<(f64, Vec<u32>, usize)> = None;
        let mut meeting: Option<(f64, Vec<u32>, usize)> = None;
        for k in 0..counts.len() {
            if counts[k] >= max_servers {
                continue;
            }
            let mut next = counts.clone();
            next[k] = (counts[k] + (counts[k] / 16).max(1)).min(max_servers);
            let Some(i) = s.run(&next) else { break };
            let c = s.candidate(i);
            let extra = (c.cost_per_month_usd.mean - cost).max(1e-9);
            if c.meets
                && meeting
                    .as_ref()
                    .is_none_or(|m| c.cost_per_month_usd.mean < m.0)
            {
                meeting = Some((c.cost_per_month_usd.mean, next.clone(), i));
            }
            let gain = (short - shortfall(c, &slo)) / extra;
            if best.as_ref().is_none_or(|b| gain > b.0) {
                best = Some((gain, next, i));
            }
        }
        match meeting.or(best) {
            Some((gain, next, i)) if gain > 0.0 || s.candidate(i).meets => {
                counts = next;
                at = Some(i);
            }
            Some(_) => {
                stuck = true;
                break;
            }
            None => break,
        }
    }
    // Descend: each service to the fewest servers still meeting the SLO
    // with the others held, in service order.
    if at.is_some_and(|i| s.candidate(i).meets) {
        for k in 0..counts.len() {
            let lower = s.varied[k].lower.min(counts[k]);
            let high = counts[k];
            let mut trial = counts.clone();
            let found = smallest_meeting(lower, high, high, |n| {
                trial[k] = n;
                s.run(&trial).is_some_and(|i| s.trials.candidates[i].meets)
            });
            if let Some(n) = found {
                counts[k] = n;
            }
        }
    }
    s.trials.check()?;
    let best = s.trials.cheapest_meeting();
    if best.is_none() {
        let tried = closest(&s.trials.candidates, &slo);
        notes.push(if s.trials.exhausted {
            format!(
                "the budget of {budget} simulations ran out before any configuration met the SLO ({tried})"
            )
        } else if stuck {
            format!(
                "another server on any one service no longer brings the SLO closer: what is left is outside the fixed fleets (hop latency, autoscaled services or the work itself) ({tried})"
            )
        } else {
            format!("even {max_servers} servers on each service miss the SLO ({tried})")
        });
    } else if s.trials.exhausted {
        notes.push(format!(
            "the budget of {budget} simulations ran out before the search ended"
        ));
    }
    if let Some(b) = best {
        let bound: Vec<String> = s
            .varied
            .iter()
            .zip(&counts)
            .filter(|(v, n)| **n == v.lower)
            .map(|(v, _)| v.key.trim_end_matches(".servers").to_string())
            .collect();
        let chosen: Vec<(&str, Value)> = s
            .varied
            .iter()
            .zip(&counts)
            .map(|(v, &n)| (v.key.as_str(), Value::Integer(i64::from(n))))
            .collect();
        if !bound.is_empty() && s.trials.candidates[b].config == config_lines(&chosen) {
            notes.push(format!(
                "at the load lower bound (the fewest servers keeping up with the peak): {}",
                bound.join(", ")
            ));
        }
    }
    Ok(ArchitecturePlan::new(
        s.ev,
        s.trials.candidates,
        best,
        notes,
    ))
}

impl Planner for MicroservicesSpec {
    fn varied(&self, plan: &PlanSpec) -> bool {
        plan.varies("servers")
    }

    fn plan(&self, ev: &mut Evaluator, s: &Scenario) -> Result<ArchitecturePlan, String> {
        plan(ev, s.plan.max_servers, s.plan.budget)
    }
}
