//! What plan found for one architecture: the cheapest candidate meeting
//! the SLO, every candidate it simulated, and why the search stopped.

use super::evaluate::{Candidate, Evaluator};
use crate::scenario::Scenario;
use crate::scenario::plan::PlanSpec;
use serde::Serialize;

/// How plan searches a kind's configurations; each kind implements it in
/// its `plan` file.
pub trait Planner {
    /// Whether `[plan] vary` names any of the kind's variables (if not,
    /// the architecture is evaluated as written).
    fn varied(&self, plan: &PlanSpec) -> bool;

    /// The cheapest configuration meeting the SLO, searched with `ev`
    /// (which evaluates candidates of this architecture of `s`).
    fn plan(&self, ev: &mut Evaluator, s: &Scenario) -> Result<ArchitecturePlan, String>;
}

/// What plan found for one architecture.
#[derive(Clone, Debug, Serialize)]
pub struct ArchitecturePlan {
    pub architecture: String,
    pub kind: String,
    /// The cheapest candidate meeting the SLO, if any.
    pub choice: Option<Candidate>,
    /// Why there is no choice, or what limited the search, one line each.
    pub notes: Vec<String>,
    /// Every candidate simulated, in the order the search ran them.
    pub candidates: Vec<Candidate>,
    /// Simulations run (each with every replication).
    pub simulations: u32,
}

impl ArchitecturePlan {
    pub(crate) fn new(
        ev: &Evaluator,
        candidates: Vec<Candidate>,
        best: Option<usize>,
        notes: Vec<String>,
    ) -> Self {
        ArchitecturePlan {
            architecture: ev.architecture.to_string(),
            kind: String::new(),
            choice: best.map(|i| candidates[i].clone()),
            notes,
            simulations: ev.runs,
            candidates,
        }
    }
}
