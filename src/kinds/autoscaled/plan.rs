//! Planning an autoscaled fleet: the policy's CPU target (0.30–0.90 in
//! steps of 0.05) and `min`, with `max` kept as the cap.
//!
//! Why this search. Latency gets worse as the target rises (each server
//! runs hotter and the fleet has less headroom while new servers boot)
//! and better as `min` rises (the floor absorbs a rush before the policy
//! reacts), so for a fixed `min` meeting the SLO is monotone in the
//! target: the highest meeting target is found by bisection on the grid,
//! O(log 13) simulations. Cost is *not* monotone in either variable: a
//! higher target runs fewer servers but can oscillate, and a lower `min`
//! saves the floor's idle hours but forces a lower target. So `min` walks
//! a doubling ladder (… min/2, min, 2·min …, up to `max`) from the value
//! as written, in the direction where the cost falls, stopping when it
//! rises (cost along the ladder is taken as unimodal), and each step
//! reuses the neighbour's target as the bracket: a lower `min` can only
//! lower the highest meeting target, a higher one only raise it. The
//! answer is the cheapest meeting candidate of all those simulated.

use crate::analysis::search::smallest_meeting;
use crate::kinds::autoscaled::spec::AutoscaledSpec;
use crate::kinds::fleet::plan::closest;
use crate::kinds::servers::spec::scaling::ScalingSpec;
use crate::plan::architecture::ArchitecturePlan;
use crate::plan::architecture::Planner;
use crate::plan::evaluate::{Evaluator, config_lines};
use crate::plan::trials::Trials;
use crate::pricing::commitment::FleetPricing;
use crate::pricing::cost::HOURS_PER_MONTH;
use crate::scenario::Scenario;
use crate::scenario::plan::PlanSpec;
use crate::scenario::{ArchitectureSpec, Metric};
use toml::{Table, Value};

/// The CPU target grid: 0.30, 0.35, …, 0.90.
const TARGETS: u32 = 13;

fn target_at(i: u32) -> f64 {
    f64::from(30 + 5 * i) / 100.0
}

/// What may change, from `[plan] vary`.
#[derive(Clone, Copy, Debug)]
pub struct Vary {
    pub target: bool,
    pub min: bool,
}

/// One `min` of the ladder and the highest target index meeting there.
#[derive(Clone, Copy)]
struct Rung {
    min: u32,
    target: Option<u32>,
    cost: Option<f64>,
}

struct Search<'e, 'a> {
    ev: &'e mut Evaluator<'a>,
    trials: Trials,
    metric: Metric,
    /// The grid index of the written target, or its value when the target
    /// is held (a metric other than CPU, or not in `vary`).
    targets: Targets,
}

#[derive(Clone, Copy)]
enum Targets {
    Grid,
    Held(f64),
}

impl Search<'_, '_> {
    fn values(&self, min: u32, target: u32) -> Vec<(&'static str, Value)> {
        let t = match self.targets {
            Targets::Grid => target_at(target),
            Targets::Held(t) => t,
        };
        let mut policy = Table::new();
        policy.insert(
            "metric".into(),
            Value::String(metric_name(self.metric).into()),
        );
        policy.insert("target".into(), Value::Float(t));
        vec![
            ("min", Value::Integer(i64::from(min))),
            ("policy", Value::Table(policy)),
        ]
    }

    /// The highest target index in [lo, hi] meeting the SLO at `min`,
    /// starting from `guess`.
    fn rung(&mut self, min: u32, lo: u32, hi: u32, guess: u32) -> Rung {
        // smallest_meeting looks for the smallest meeting n; the highest
        // meeting target is the smallest meeting distance from the top.
        let top = match self.targets {
            Targets::Grid => TARGETS - 1,
            Targets::Held(_) => 0,
        };
        let found = smallest_meeting(top - hi, top - lo, top - guess.clamp(lo, hi), |j| {
            let v = self.values(min, top - j);
            self.trials.meets(self.ev, &v)
        })
        .map(|j| top - j);
        let cost = found.map(|t| {
            let v = self.values(min, t);
            let i = self
                .trials
                .run(self.ev, &v)
                .expect("evaluated by the search");
            self.trials.candidates[i].cost_per_month_usd.mean
        });
        Rung {
            min,
            target: found,
            cost,
        }
    }
}

fn metric_name(m: Metric) -> &'static str {
    match m {
        Metric::Cpu => "cpu",
        Metric::RequestsPerServer => "requests_per_server",
        Metric::Queue => "queue",
    }
}

/// The `min` ladder around the written value: halving down to 1 (0 when
/// written), doubling up to `max`.
fn ladder(written: u32, max: u32) -> (Vec<u32>, Vec<u32>) {
    let floor = written.min(1);
    let mut down = Vec::new();
    let mut m = written;
    while m > floor {
        m = (m / 2).max(floor);
        down.push(m);
    }
    let mut up = Vec::new();
    let mut m = written;
    while m < max {
        m = (m.max(1) * 2).min(max);
        up.push(m);
    }
    (down, up)
}

/// Plans an autoscaled fleet.
pub fn plan(ev: &mut Evaluator, vary: Vary, budget: u32) -> Result<ArchitecturePlan, String> {
    let own = ev.resolve(&[])?;
    let ArchitectureSpec::Autoscaled(a) = &own.architectures[0].spec else {
        unreachable!("plan::autoscaled is called for autoscaled fleets only")
    };
    let scaling: &ScalingSpec = &a.scaling;
    let mut notes = Vec::new();
    let targets = if vary.target && scaling.metric == Metric::Cpu {
        Targets::Grid
    } else {
        if vary.target {
            notes.push(format!(
                "target held at {} as written: the 0.30–0.90 search is for CPU targets, and this policy tracks {}",
                scaling.target,
                metric_name(scaling.metric)
            ));
        }
        Targets::Held(scaling.target)
    };
    let written_index = match targets {
        Targets::Grid => {
            (((scaling.target - 0.30) / 0.05).round().max(0.0) as u32).min(TARGETS - 1)
        }
        Targets::Held(_) => 0,
    };
    let top = match targets {
        Targets::Grid => TARGETS - 1,
        Targets::Held(_) => 0,
    };
    let mut s = Search {
        ev,
        trials: Trials::new(budget),
        metric: scaling.metric,
        targets,
    };
    let (max, written_min) = (scaling.max, scaling.min);
    let mut pruned = None;
    let server_hour = match (&a.fleet.spot, &a.fleet.pricing) {
        // A spot fleet replaces an interrupted server at its notice, so it
        // still bills at least `min` servers, at the spot price.
        (Some(spot), _) => spot.price_per_hour,
        (None, FleetPricing::OnDemand) => a.fleet.instance.price_per_hour,
        (None, FleetPricing::Committed(c)) => c.price_per_hour.min(a.fleet.instance.price_per_hour),
    };
    let start = s.rung(written_min, 0, top, written_index);
    let mut rungs = vec![start];
    if vary.min {
        let (down, up) = ladder(written_min, max);
        // Down while cheaper: a lower floor can only lower the target.
        let mut prev = start;
        for &m in &down {
            let Some(hi) = prev.target else { break };
            let r = s.rung(m, 0, hi, hi);
            rungs.push(r);
            if !cheaper(r, prev) {
                break;
            }
            prev = r;
        }
        // Up when going down did not pay (or nothing met): a higher
        // floor can only raise the target.
        if rungs.len() <= 2 && !rungs.iter().skip(1).any(|r| cheaper(*r, start)) {
            let mut prev = start;
            for &m in &up {
                // The fleet never runs below `min`, so m servers all month
                // at the lowest rate a server-hour can cost is a lower
                // bound of any cost at this rung and every one above.
                let floor = f64::from(m) * server_hour * HOURS_PER_MONTH;
                if let Some(best) = s.trials.cheapest_meeting() {
                    let best = s.trials.candidates[best].cost_per_month_usd.mean;
                    if floor >= best {
                        pruned = Some(format!(
                            "min = {m} and above not simulated: {m} servers all month cost {} at least, more than the {} found",
                            crate::numbers::usd(floor),
                            crate::numbers::usd(best)
                        ));
                        break;
                    }
                }
                let lo = prev.target.unwrap_or(0);
                let r = s.rung(m, lo, top, prev.target.unwrap_or(top));
                rungs.push(r);
                if prev.cost.is_some() && !cheaper(r, prev) {
                    break;
                }
                prev = r;
            }
        }
    }
    s.trials.check()?;
    let best = s.trials.cheapest_meeting();
    match best {
        Some(b) => notes.extend(binding(&s, &rungs, b, vary)),
        None if s.trials.exhausted => notes.push(format!(
            "the budget of {budget} simulations ran out before any configuration met the SLO ({})",
            closest(&s.trials.candidates, &s.ev.slo)
        )),
        None => notes.push(format!(
            "even min = {} at target {} misses the SLO ({})",
            rungs.iter().map(|r| r.min).max().unwrap_or(written_min),
            match targets {
                Targets::Grid => target_at(0),
                Targets::Held(t) => t,
            },
            closest(&s.trials.candidates, &s.ev.slo)
        )),
    }
    // After the lines on what bound the answer, which matter more.
    notes.extend(pruned);
    if best.is_some() && s.trials.exhausted {
        notes.push(format!(
            "the budget of {budget} simulations ran out before the search ended"
        ));
    }
    Ok(ArchitecturePlan::new(
        s.ev,
        s.trials.candidates,
        best,
        notes,
    ))
}

fn cheaper(r: Rung, than: Rung) -> bool {
    match (r.cost, than.cost) {
        (Some(a), Some(b)) => a < b,
        (Some(_), None) => true,
        _ => false,
    }
}

/// One line on which variable bound the answer: the SLO capping the
/// target, the target at the top of its range, and what moving `min`
/// did.
fn binding(s: &Search, rungs: &[Rung], best: usize, vary: Vary) -> Vec<String> {
    let chosen = &s.trials.candidates[best];
    let Some(r) = rungs.iter().find(|r| {
        r.target
            .is_some_and(|t| config_lines(&s.values(r.min, t)) == chosen.config)
    }) else {
        return Vec::new();
    };
    let t = r.target.expect("found above");
    let mut lines = Vec::new();
    match s.targets {
        Targets::Grid if t + 1 < TARGETS => lines.push(format!(
            "bound by the SLO on the target: {:.2} does not meet it with confidence at min = {}",
            target_at(t + 1),
            r.min
        )),
        Targets::Grid => lines.push(format!(
            "the target is at the top of its range ({:.2}): the SLO would allow a hotter fleet",
            target_at(t)
        )),
        Targets::Held(_) => {}
    }
    if vary.min {
        for o in rungs.iter().filter(|o| o.min != r.min) {
            lines.push(match o.cost {
                Some(c) if (c - chosen.cost_per_month_usd.mean).abs() < 0.005 => format!(
                    "min = {} costs the same at its best target: the floor never binds there",
                    o.min
                ),
                Some(c) => format!(
                    "min = {} costs ${:.2} a month more at its best target",
                    o.min,
                    c - chosen.cost_per_month_usd.mean
                ),
                None => format!("min = {} misses the SLO at every target tried", o.min),
            });
        }
    }
    lines
}

impl Planner for AutoscaledSpec {
    fn varied(&self, plan: &PlanSpec) -> bool {
        plan.varies("target") || plan.varies("min")
    }

    fn plan(&self, ev: &mut Evaluator, s: &Scenario) -> Result<ArchitecturePlan, String> {
        let vary = Vary {
            target: s.plan.varies("target"),
            min: s.plan.varies("min"),
        };
        plan(ev, vary, s.plan.budget)
    }
}
