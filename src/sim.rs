//! Runs a scenario: every architecture against the same replayed demand,
//! in parallel across architectures, each run single-threaded and
//! deterministic. Pure: no files, no printing.

use crate::cost::{self, CostBreakdown, CostSummary};
use crate::engine::{self, Scheduler};
use crate::fleet::FleetModel;
use crate::scenario::{Architecture, ArchitectureSpec, FleetSpec, Scenario};
use crate::summary::{ArchitectureResult, LatencySummary, PriceNote, RunSummary, WaitSummary};
use crate::time::SimTime;
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

/// Runs one architecture of a scenario.
pub fn run_architecture(
    scenario: &Scenario,
    arch: &Architecture,
    replication: u32,
) -> ArchitectureResult {
    match &arch.spec {
        ArchitectureSpec::Fleet(spec) => run_fleet(scenario, arch, spec, replication),
    }
}

fn run_fleet(
    scenario: &Scenario,
    arch: &Architecture,
    spec: &FleetSpec,
    replication: u32,
) -> ArchitectureResult {
    let mut model = FleetModel::new(scenario, spec, replication);
    let mut sched = Scheduler::new();
    model.start(&mut sched);
    let events = engine::run_until(&mut model, &mut sched, scenario.duration);
    let stats = model.finish(scenario.duration);
    let slots = spec.slots() as f64;
    // A fixed fleet is up before the window opens and still up after it
    // closes: it is never stopped inside it, so no minimum-charge top-up.
    let per_server = cost::billed_seconds(
        SimTime::ZERO,
        SimTime::MAX,
        scenario.warmup,
        scenario.duration,
        cost::SERVER_MINIMUM,
    );
    let total = spec.servers as f64 * per_server * spec.instance.price_per_hour / 3600.0;
    let measured_s = stats.measured_time.as_secs_f64();
    let c = stats.counts;
    let utilization = stats.mean_level(stats.measured_areas.busy) / slots;
    let inst = &spec.instance;
    ArchitectureResult {
        name: arch.name.clone(),
        kind: arch.kind().to_string(),
        servers: spec.servers,
        instance: spec.instance.name.clone(),
        requests: c,
        latency_ms: LatencySummary::from_histogram(&stats.latency),
        wait_ms: WaitSummary::from_histogram(&stats.wait),
        utilization,
        mean_in_system: stats.mean_level(stats.measured_areas.in_system),
        arrival_rate: if measured_s > 0.0 {
            c.arrived as f64 / measured_s
        } else {
            0.0
        },
        error_rate: if c.arrived > 0 {
            (c.rejected + c.timed_out) as f64 / c.arrived as f64
        } else {
            0.0
        },
        cost: CostSummary::new(
            CostBreakdown::fleet(total, utilization),
            stats.measured_time,
            c.completed,
        ),
        prices: vec![PriceNote {
            item: inst.name.clone(),
            price_usd: inst.price_per_hour,
            unit: "server-hour".into(),
            source: inst.source.clone(),
            date: inst.date.clone(),
        }],
        events,
        timeseries: stats.rows,
        latency: stats.latency,
    }
}
