//! What plan found for one architecture: the cheapest candidate meeting
//! the SLO, every candidate it simulated, and why the search stopped.

use super::evaluate::{Candidate, Evaluator};
use serde::Serialize;

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
