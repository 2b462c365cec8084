//! One evaluation of a candidate configuration: the scenario file with
//! the candidate's values written in, cut down to the one architecture
//! being planned, run with the scenario's replications, and judged
//! against the SLO with confidence. Every candidate sees the same demand
//! (the same seed and replications: common random numbers), so two
//! candidates differ by their configuration, not by luck.
//!
//! A candidate is screened on its first [`SCREEN`] replications: when
//! their interval already puts it outside the SLO (the lower end of the
//! percentile's interval above the objective, or of the error rate's
//! above the allowed rate) it is recorded as missing without the rest,
//! which a search's far-off probes mostly are. Otherwise the remaining
//! replications run and join the first ones unit for unit, so the
//! candidate's numbers are exactly those of running them all at once.

use crate::analysis::decision::{self, Verdict};
use crate::architectures::{UnitResults, Units, run_units};
use crate::results::estimate::Estimate;
use crate::results::summary::{ArchitectureResult, RunSummary};
use crate::scenario::{self, Slo};
use crate::sweep::keys;
use serde::Serialize;
use std::path::Path;
use toml::{Table, Value};

/// A configuration that was simulated, and what it gave.
#[derive(Clone, Debug, Serialize)]
pub struct Candidate {
    /// The values written into the architecture's table (`servers = 7`,
    /// `instance = "c5.large"`), as TOML lines.
    pub config: Vec<String>,
    pub cost_per_month_usd: Estimate,
    /// At the SLO percentile.
    pub latency_ms: Estimate,
    pub error_rate: Estimate,
    /// Replications simulated: all of them, or the [`SCREEN`] that
    /// already showed it misses.
    pub replications: u32,
    /// "meets", "misses" or "uncertain".
    pub slo: &'static str,
    #[serde(skip)]
    pub meets: bool,
    /// Per replication: cost per month and the SLO percentile, for paired
    /// differences between candidates (replication r of every candidate
    /// replayed the same requests).
    #[serde(skip)]
    pub series: (Vec<f64>, Vec<f64>),
    /// Lambda: the share of the billed GB-seconds that are waits on I/O,
    /// which no memory size shortens; absent when nothing waits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_share: Option<f64>,
}

/// Runs candidates of one architecture.
pub struct Evaluator<'a> {
    pub doc: &'a Table,
    pub path: &'a Path,
    pub seed: Option<u64>,
    pub architecture: &'a str,
    pub replications: u32,
    pub slo: Slo,
    /// Simulations run so far (each of `replications` runs).
    pub runs: u32,
    /// Told of each candidate as it is simulated, with the simulations
    /// run so far (the CLI's progress lines).
    pub on_candidate: Option<&'a OnCandidate<'a>>,
}

/// What hears of each candidate: the architecture, the candidate, and the
/// architecture's simulations so far.
pub type OnCandidate<'a> = dyn Fn(&str, &Candidate, u32) + Sync + 'a;

impl Evaluator<'_> {
    /// Writes `values` (key, TOML value) into the architecture's table,
    /// runs it and judges it; an invalid configuration is an error naming
    /// the values.
    pub fn evaluate(&mut self, values: &[(&str, Value)]) -> Result<Candidate, String> {
        let s = self.resolve(values)?;
        let config = config_lines(values);
        let run = self.run_screened(&s);
        self.runs += 1;
        let a = &run.architectures[0];
        let verdict = decision::verdict(&self.slo, a);
        let c = Candidate {
            config,
            cost_per_month_usd: decision::cost_per_month(a),
            latency_ms: decision::slo_latency(Some(&self.slo), a),
            error_rate: decision::error_rate(a),
            replications: run.replications,
            slo: match verdict {
                Verdict::Meets => "meets",
                Verdict::Misses => "misses",
                Verdict::Uncertain => "uncertain",
            },
            meets: verdict == Verdict::Meets,
            series: series(&self.slo, a),
            waiting_share: a.serverless().and_then(|s| s.waiting_share()),
        };
        if let Some(tell) = self.on_candidate {
            tell(self.architecture, &c, self.runs);
        }
        Ok(c)
    }

    /// Runs the candidate's first [`SCREEN`] replications, and the rest
    /// unless those already show it misses the SLO.
    fn run_screened(&self, s: &scenario::Scenario) -> RunSummary {
        let scenarios = [s];
        let n = self.replications.max(1);
        let head_units = Units::new(&scenarios, n.min(SCREEN));
        let numbers: Vec<u64> = (0..head_units.len()).collect();
        let head = run_units(&scenarios, &head_units, &numbers, &|| {});
        if n <= SCREEN {
            return assemble(head, &scenarios, &head_units);
        }
        let peek = assemble(
            UnitResults {
                results: head.results.clone(),
                pooled: head.pooled.clone(),
            },
            &scenarios,
            &head_units,
        );
        if decision::verdict(&self.slo, &peek.architectures[0]) == Verdict::Misses {
            return peek;
        }
        // Unit numbers do not depend on the replication count (replication
        // by replication, then architecture), so the first units of the
        // full run are exactly the ones already run.
        let all = Units::new(&scenarios, n);
        let rest: Vec<u64> = (head_units.len()..all.len()).collect();
        let mut tail = run_units(&scenarios, &all, &rest, &|| {});
        let mut results = head.results;
        results.append(&mut tail.results);
        let mut pooled = head.pooled;
        for (mine, theirs) in pooled.iter_mut().zip(&tail.pooled) {
            for (h, t) in mine.iter_mut().zip(theirs) {
                h.merge(t);
            }
        }
        assemble(UnitResults { results, pooled }, &scenarios, &all)
    }

    /// The scenario with `values` written into the architecture's table,
    /// holding that architecture only, validated but not run.
    pub fn resolve(&self, values: &[(&str, Value)]) -> Result<scenario::Scenario, String> {
        let mut doc = self.doc.clone();
        let table = keys::named_element(&mut doc, "architectures", self.architecture)?;
        for (k, v) in values {
            keys::insert(table, k, v.clone())?;
        }
        let config = config_lines(values);
        // Only the planned architecture runs: the others would cost time
        // and change nothing (each architecture's streams are its own).
        if let Some(Value::Array(items)) = doc.get_mut("architectures") {
            items.retain(|t| t.get("name").and_then(Value::as_str) == Some(self.architecture));
        }
        // `[report]` chose the architectures planned; the candidate is one.
        doc.remove("report");
        let text = toml::to_string(&doc).map_err(|e| e.to_string())?;
        scenario::parse_seeded(&text, self.path, self.seed).map_err(|e| {
            format!(
                "{} with {} is not a valid configuration: {}",
                self.architecture,
                config.join(", "),
                e.message
            )
        })
    }
}

/// Replications a candidate runs before it can be ruled out: the fewest
/// that give an interval.
pub const SCREEN: u32 = 2;

fn assemble(done: UnitResults, scenarios: &[&scenario::Scenario], units: &Units) -> RunSummary {
    done.assemble(scenarios, units)
        .pop()
        .expect("one scenario, one summary")
}

fn series(slo: &Slo, a: &ArchitectureResult) -> (Vec<f64>, Vec<f64>) {
    let reps: &[ArchitectureResult] = if a.replicas.is_empty() {
        std::slice::from_ref(a)
    } else {
        &a.replicas
    };
    (
        reps.iter().map(|r| r.cost.per_month_usd).collect(),
        reps.iter()
            .map(|r| slo.percentile.of(&r.latency_ms))
            .collect(),
    )
}

/// Values as the TOML lines a user would paste (`servers = 7`).
pub fn config_lines(values: &[(&str, Value)]) -> Vec<String> {
    values.iter().map(|(k, v)| format!("{k} = {v}")).collect()
}
