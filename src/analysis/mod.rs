//! What the numbers decide, apart from how it is shown: which
//! architectures meet the SLO and with what confidence, the Pareto
//! frontier and the cheapest choice with its savings ([`decision`]), where
//! along a swept value the choice changes ([`crossover`]), and the search
//! for the smallest value meeting a monotone condition that `plan` runs
//! ([`search`]). Pure functions of results: the terminal table, the charts
//! and the Markdown report only draw what these decided.

pub mod crossover;
pub mod decision;
pub mod search;
