//! `scalesim plan`: for each architecture, the cheapest configuration that
//! meets the SLO with confidence. A candidate is the scenario file with
//! the candidate's values written into the architecture's table
//! ([`evaluate`]), so the answer is exactly what the user would get by
//! pasting it; searches are per kind ([`fleet`]) over the monotone
//! [`search`].
//!
//! Planned: fixed fleets (server count, per instance type), autoscaled
//! fleets (target and `min`, [`autoscaled`]), microservices (each fixed
//! service's server count, [`microservices`]) and serverless functions
//! (memory and provisioned concurrency, [`serverless`]). An architecture
//! none of whose variables `[plan] vary` names is evaluated as written.

pub mod architecture;
pub mod evaluate;
pub mod output;
pub mod trials;

use crate::results::estimate::{Estimate, paired};
use crate::scenario::{ArchitectureSpec, Scenario};
pub use architecture::{ArchitecturePlan, Planner};
use evaluate::{Candidate, Evaluator};
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;
use toml::Table;

/// The plan of a whole scenario.
#[derive(Clone, Debug, Serialize)]
pub struct PlanResult {
    pub scenario: String,
    pub replications: u32,
    /// "p99 ≤ 300ms, errors ≤ 0.1 %".
    pub slo: String,
    /// The SLO itself, for the chart and the margins.
    #[serde(skip)]
    pub objective: crate::scenario::Slo,
    /// The charts' size in pixels (the scenario's `[report] chart_size`).
    #[serde(skip)]
    pub chart_size: (u32, u32),
    pub seed: u64,
    pub architectures: Vec<ArchitecturePlan>,
    /// Each planned architecture against the cheapest, as paired
    /// differences over replications (with 2 or more).
    pub comparisons: Vec<PlanComparison>,
}

/// One chosen configuration against the cheapest: differences (this one
/// minus the cheapest) paired replication by replication.
#[derive(Clone, Debug, Serialize)]
pub struct PlanComparison {
    pub architecture: String,
    pub reference: String,
    pub cost_per_month_usd: Estimate,
    /// At the SLO percentile.
    pub latency_ms: Estimate,
    pub cost_significant: bool,
    pub latency_significant: bool,
}

/// Plans every architecture of `s` (read from `text` at `path`), each on
/// the thread pool; the result does not depend on the thread count.
pub fn plan(
    s: &Scenario,
    text: &str,
    path: &Path,
    seed: Option<u64>,
    replications: u32,
) -> Result<PlanResult, String> {
    plan_telling(s, text, path, seed, replications, None)
}

/// [`plan`], telling `on_candidate` of each candidate as it is simulated
/// (from the thread planning its architecture).
pub fn plan_telling(
    s: &Scenario,
    text: &str,
    path: &Path,
    seed: Option<u64>,
    replications: u32,
    on_candidate: Option<&evaluate::OnCandidate<'_>>,
) -> Result<PlanResult, String> {
    let slo = s.slo.ok_or_else(|| {
        format!(
            "{} has no [slo]: plan searches for the cheapest configuration meeting it",
            path.display()
        )
    })?;
    let doc: Table = text
        .parse()
        .map_err(|e: toml::de::Error| e.message().to_string())?;
    let plans: Vec<Result<ArchitecturePlan, String>> = s
        .architectures
        .par_iter()
        .map(|a| {
            let mut ev = Evaluator {
                doc: &doc,
                path,
                seed,
                architecture: &a.name,
                replications,
                slo,
                runs: 0,
                on_candidate,
            };
            let varied = crate::dispatch!(ArchitectureSpec, &a.spec, x => x.varied(&s.plan));
            let mut p = if varied {
                crate::dispatch!(ArchitectureSpec, &a.spec, x => x.plan(&mut ev, s))?
            } else {
                as_written(&mut ev)?
            };
            p.kind = a.kind().to_string();
            Ok(p)
        })
        .collect();
    let mut r = PlanResult {
        scenario: s.name.clone(),
        replications,
        slo: slo_text(&slo),
        objective: slo,
        chart_size: s.chart_size,
        seed: s.seed,
        architectures: plans.into_iter().collect::<Result<_, _>>()?,
        comparisons: Vec::new(),
    };
    r.comparisons = comparisons(&r);
    Ok(r)
}

/// Paired differences against the cheapest plan. Every candidate of every
/// architecture ran the scenario's seed and replications, so replication
/// r of two chosen configurations saw the same requests and the pairing
/// cancels the demand's noise.
fn comparisons(r: &PlanResult) -> Vec<PlanComparison> {
    let ranked = ranking(r);
    let Some(&(base_plan, base)) = ranked.first() else {
        return Vec::new();
    };
    if r.replications < 2 {
        return Vec::new();
    }
    ranked[1..]
        .iter()
        .filter(|(_, c)| c.series.0.len() == base.series.0.len())
        .map(|(a, c)| {
            let cost = paired(&c.series.0, &base.series.0);
            let latency = paired(&c.series.1, &base.series.1);
            PlanComparison {
                architecture: a.architecture.clone(),
                reference: base_plan.architecture.clone(),
                cost_per_month_usd: cost,
                latency_ms: latency,
                cost_significant: cost.excludes_zero(),
                latency_significant: latency.excludes_zero(),
            }
        })
        .collect()
}

/// The architecture as written, for reference: `[plan] vary` names none
/// of its variables.
fn as_written(ev: &mut Evaluator) -> Result<ArchitecturePlan, String> {
    let c = ev.evaluate(&[])?;
    let meets = c.meets;
    let mut p = ArchitecturePlan::new(ev, vec![c], meets.then_some(0), Vec::new());
    p.notes.push(
        "not searched: [plan] vary names none of its variables; this is the configuration as written"
            .into(),
    );
    Ok(p)
}

fn slo_text(slo: &crate::scenario::Slo) -> String {
    match slo.max_error_rate {
        Some(e) => format!(
            "{} ≤ {}, errors ≤ {}%",
            slo.percentile,
            slo.latency,
            e * 100.0
        ),
        None => format!("{} ≤ {}", slo.percentile, slo.latency),
    }
}

/// The planned architectures that met the SLO, cheapest first.
pub fn ranking(r: &PlanResult) -> Vec<(&ArchitecturePlan, &Candidate)> {
    let mut v: Vec<_> = r
        .architectures
        .iter()
        .filter_map(|a| a.choice.as_ref().map(|c| (a, c)))
        .collect();
    v.sort_by(|a, b| {
        a.1.cost_per_month_usd
            .mean
            .total_cmp(&b.1.cost_per_month_usd.mean)
    });
    v
}
