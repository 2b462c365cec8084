//! The run loop: every architecture of a scenario against the same
//! replayed demand, in parallel across architectures, each run
//! single-threaded and deterministic. Pure: no files, no printing.

use super::{Kind, Outcome};
use crate::engine;
use crate::results::cost::CostSummary;
use crate::results::summary::{ArchitectureResult, LatencySummary, RunSummary, WaitSummary};
use crate::scenario::{Architecture, ArchitectureSpec, Scenario};
use rayon::prelude::*;

/// Runs every architecture of `scenario` (replication 0). Results come back
/// in file order whatever the number of threads.
pub fn run(scenario: &Scenario) -> RunSummary {
    let architectures = scenario
        .architectures
        .par_iter()
        .map(|a| run_architecture(scenario, a, 0))
        .collect();
    RunSummary {
        scenario: scenario.name.clone(),
        description: scenario.description.clone(),
        seed: scenario.seed,
        duration_s: scenario.duration.as_secs_f64(),
        warmup_s: scenario.warmup.as_secs_f64(),
        window_s: scenario.window.as_secs_f64(),
        architectures,
    }
}

/// Runs one replication of one architecture of a scenario.
pub fn run_architecture(
    scenario: &Scenario,
    arch: &Architecture,
    replication: u32,
) -> ArchitectureResult {
    // The one place that lists the kinds.
    let (outcome, events) = match &arch.spec {
        ArchitectureSpec::Fleet(spec) => simulate(spec, scenario, replication),
        ArchitectureSpec::Autoscaled(spec) => simulate(spec, scenario, replication),
        ArchitectureSpec::Microservices(spec) => simulate(spec, scenario, replication),
        ArchitectureSpec::Serverless(spec) => simulate(spec, scenario, replication),
    };
    assemble(arch, outcome, events)
}

/// Builds, runs and closes one kind's model. Returns its outcome and the
/// number of events handled.
fn simulate<K: Kind>(kind: &K, scenario: &Scenario, replication: u32) -> (Outcome, u64) {
    let mut model = kind.build(scenario, replication);
    let events = engine::simulate(&mut model, scenario.duration);
    (kind.finish(scenario, model), events)
}

/// Builds the result every kind shares from a finished run.
fn assemble(arch: &Architecture, k: Outcome, events: u64) -> ArchitectureResult {
    let stats = k.stats;
    let measured_s = stats.measured_time.as_secs_f64();
    let c = stats.counts;
    let per = |n: u64, d: f64| if d > 0.0 { n as f64 / d } else { 0.0 };
    ArchitectureResult {
        name: arch.name.clone(),
        kind: arch.kind().to_string(),
        servers: k.servers,
        instance: k.instance,
        requests: c,
        latency_ms: LatencySummary::from_histogram(&stats.latency),
        wait_ms: WaitSummary::from_histogram(&stats.wait),
        utilization: k.utilization,
        mean_in_system: stats.mean_level(stats.measured_areas.in_system),
        arrival_rate: per(c.arrived, measured_s),
        error_rate: per(c.errors(), c.arrived as f64),
        cost: CostSummary::new(k.cost, stats.measured_time, c.completed),
        prices: k.prices,
        details: k.details,
        events,
        timeseries: stats.rows,
        latency: stats.latency,
    }
}
