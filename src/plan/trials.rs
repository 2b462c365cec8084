//! The candidates one architecture's search has simulated, under its
//! budget: a search asks for a configuration and gets its candidate back,
//! from the record when that exact configuration already ran (coordinate
//! searches revisit points), or `None` once the budget is spent or a
//! configuration turned out invalid (the search then winds down and the
//! planner reports why).

use super::evaluate::{Candidate, Evaluator, config_lines};
use toml::Value;

pub struct Trials {
    pub candidates: Vec<Candidate>,
    pub budget: u32,
    /// The budget ran out while a search still wanted to simulate.
    pub exhausted: bool,
    /// A configuration the scenario rejected: a planner bug or a bound
    /// the user set that the kind cannot take; reported as an error.
    pub failure: Option<String>,
}

impl Trials {
    pub fn new(budget: u32) -> Self {
        Trials {
            candidates: Vec::new(),
            budget,
            exhausted: false,
            failure: None,
        }
    }

    /// The index of the candidate for `values`, simulating it if needed.
    pub fn run(&mut self, ev: &mut Evaluator, values: &[(&str, Value)]) -> Option<usize> {
        let config = config_lines(values);
        if let Some(i) = self.candidates.iter().position(|c| c.config == config) {
            return Some(i);
        }
        if self.failure.is_some() {
            return None;
        }
        if ev.runs >= self.budget {
            self.exhausted = true;
            return None;
        }
        match ev.evaluate(values) {
            Ok(c) => {
                self.candidates.push(c);
                Some(self.candidates.len() - 1)
            }
            Err(e) => {
                self.failure = Some(e);
                None
            }
        }
    }

    /// Whether `values` meets the SLO with confidence (false when it could
    /// not be simulated).
    pub fn meets(&mut self, ev: &mut Evaluator, values: &[(&str, Value)]) -> bool {
        self.run(ev, values)
            .is_some_and(|i| self.candidates[i].meets)
    }

    /// The cheapest candidate meeting the SLO. The choice is made over
    /// every candidate simulated, not only the one a search converged
    /// on: where cost is not monotone in a variable, a point visited on
    /// the way can be the cheaper answer.
    pub fn cheapest_meeting(&self) -> Option<usize> {
        (0..self.candidates.len())
            .filter(|&i| self.candidates[i].meets)
            .min_by(|&a, &b| {
                self.candidates[a]
                    .cost_per_month_usd
                    .mean
                    .total_cmp(&self.candidates[b].cost_per_month_usd.mean)
            })
    }

    /// The failure, if a configuration was invalid.
    pub fn check(&mut self) -> Result<(), String> {
        match self.failure.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
