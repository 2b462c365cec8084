//! The architectures a scenario compares, one module per kind, and what
//! they share: the request stream every kind replays ([`requests`]), the
//! reusable records of requests in flight ([`records`]) and the run loop
//! ([`run`]).
//!
//! # Kinds as plug-ins
//!
//! A kind is a resolved spec (from [`crate::scenario`]) that implements
//! [`Kind`]: it builds an event-driven model for one replication and, once
//! the run loop has run that model to the end of the scenario, turns it
//! into an [`Outcome`] — the kind's cost, price notes, headline numbers
//! and kind-specific results. The run loop ([`run::run_architecture`]) is
//! the same for every kind; the only place that lists the kinds is its
//! dispatch on [`crate::scenario::ArchitectureSpec`].

pub mod calls;
pub mod records;
pub mod requests;
pub mod run;
pub mod sharing;

pub use run::{RunOptions, Unit, UnitResults, Units, run, run_architecture, run_units, run_with};

use crate::engine::{self, Model, Queues, Scheduler};
use crate::kinds::servers::results::SpotResult;
use crate::pricing::cost::CostBreakdown;
use crate::results::stats::RunStats;
use crate::results::summary::{KindResult, PriceNote};
use crate::scenario::Scenario;

/// One kind of architecture, as the run loop sees it.
pub trait Kind {
    /// The model of one replication.
    type Model: Model;

    /// The model of replication `replication` of `scenario`, with nothing
    /// scheduled yet: the run loop starts it.
    fn build(&self, scenario: &Scenario, replication: u32) -> Self::Model;

    /// Closes a model that has run to the end of the scenario.
    fn finish(&self, scenario: &Scenario, model: Self::Model) -> Outcome;
}

/// How the run loop runs a kind: builds its model for one replication,
/// runs it to the end of the scenario and closes it, returning its
/// outcome and the number of events handled. Each kind implements it in
/// its `model`, as [`simulate`] of the [`Kind`] that fits the spec.
pub trait Simulate {
    fn simulate(&self, scenario: &Scenario, replication: u32, queues: Queues) -> (Outcome, u64);
}

/// Builds, runs and closes one kind's model. Returns its outcome and the
/// number of events handled.
pub fn simulate<K: Kind>(
    kind: &K,
    scenario: &Scenario,
    replication: u32,
    queues: Queues,
) -> (Outcome, u64) {
    let mut model = kind.build(scenario, replication);
    let sched = Scheduler::with_queues(queues);
    let events = engine::simulate_on(&mut model, sched, scenario.duration);
    (kind.finish(scenario, model), events)
}

/// What a finished run of one kind hands to the summary.
pub struct Outcome {
    pub stats: RunStats,
    /// The fixed number of servers, or the peak launched (autoscaled), or
    /// the peak number of instances (serverless).
    pub servers: u32,
    /// The instance type, or a short description of what ran.
    pub instance: String,
    /// Busy slot-time over available slot-time in the measured period.
    pub utilization: f64,
    pub cost: CostBreakdown,
    /// The prices behind `cost`.
    pub prices: Vec<PriceNote>,
    pub details: KindResult,
    /// A fleet on spot: its interruptions.
    pub spot: Option<SpotResult>,
}
