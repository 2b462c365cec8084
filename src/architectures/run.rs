//! The run loop: every (replication × architecture) of a scenario against
//! the same replayed demand, in parallel across runs, each run
//! single-threaded and deterministic, then the replications of each
//! architecture averaged with their intervals. Pure: no files, no
//! printing.

use super::{Kind, Outcome};
use crate::engine::{self, Scheduler};
use crate::results::cost::CostSummary;
use crate::results::metrics::Histogram;
use crate::results::replications::{Aggregate, ci95};
use crate::results::summary::{ArchitectureResult, LatencySummary, RunSummary, WaitSummary};
use crate::scenario::{Architecture, ArchitectureSpec, Scenario};
use rayon::prelude::*;
use std::sync::Mutex;

/// How to run a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Independent replications (≥ 1).
    pub replications: u32,
    /// Threads to run on; `None`: rayon's global pool (all cores).
    pub jobs: Option<usize>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            replications: 1,
            jobs: None,
        }
    }
}

/// Runs every architecture of `scenario` once (replication 0). Results
/// come back in file order whatever the number of threads.
pub fn run(scenario: &Scenario) -> RunSummary {
    run_with(scenario, &RunOptions::default(), &|| {})
}

/// Runs every (replication × architecture) unit of `scenario`, calling
/// `on_unit_done` after each (for progress), and summarises each
/// architecture over its replications. Units are numbered replication by
/// replication, architectures in file order; results are collected in that
/// order and every merge is of integer counts, so the outputs do not
/// depend on the number of threads or the order units finish in.
pub fn run_with(
    scenario: &Scenario,
    options: &RunOptions,
    on_unit_done: &(dyn Fn() + Sync),
) -> RunSummary {
    let n = options.replications.max(1);
    let archs = scenario.architectures.len();
    let units: Vec<(u32, usize)> = (0..n)
        .flat_map(|r| (0..archs).map(move |a| (r, a)))
        .collect();
    // With replications, each architecture's latency histograms are pooled
    // as runs finish, so memory does not grow with the replication count.
    let pooled: Vec<Mutex<Histogram>> = (0..archs)
        .map(|_| Mutex::new(Histogram::unallocated()))
        .collect();
    let work = || -> Vec<ArchitectureResult> {
        units
            .par_iter()
            .map(|&(r, a)| {
                let mut result = run_architecture(scenario, &scenario.architectures[a], r);
                if n > 1 {
                    let hist = std::mem::replace(&mut result.latency, Histogram::unallocated());
                    pooled[a].lock().expect("no run panics").merge(&hist);
                    if r > 0 {
                        result.timeseries = Vec::new();
                    }
                }
                on_unit_done();
                result
            })
            .collect()
    };
    let mut results = match options.jobs {
        Some(jobs) => rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .expect("a thread pool of a valid size")
            .install(work),
        None => work(),
    };
    let architectures = if n == 1 {
        results
    } else {
        let mut by_arch: Vec<Vec<ArchitectureResult>> = (0..archs).map(|_| Vec::new()).collect();
        for (i, r) in results.drain(..).enumerate() {
            by_arch[i % archs].push(r);
        }
        by_arch
            .into_iter()
            .zip(pooled)
            .map(|(reps, hist)| summarise(reps, hist.into_inner().expect("no run panics")))
            .collect()
    };
    let summary = RunSummary {
        scenario: scenario.name.clone(),
        description: scenario.description.clone(),
        seed: scenario.seed,
        duration_s: scenario.duration.as_secs_f64(),
        warmup_s: scenario.warmup.as_secs_f64(),
        window_s: scenario.window.as_secs_f64(),
        replications: n,
        architectures,
        comparisons: Vec::new(),
    };
    debug_assert_eq!(
        crate::results::finite::first_non_finite(&summary),
        None,
        "a non-finite result"
    );
    summary
}

/// One architecture over its replications: every number the mean, its
/// interval in `ci95`, the latency histogram pooled over all replications,
/// and the time series of replication 0.
fn summarise(mut reps: Vec<ArchitectureResult>, latency: Histogram) -> ArchitectureResult {
    let timeseries = std::mem::take(&mut reps[0].timeseries);
    let refs: Vec<&ArchitectureResult> = reps.iter().collect();
    let mean = |f: fn(&ArchitectureResult) -> f64| {
        f64::mean_of(
            &refs
                .iter()
                .map(|r| f(r))
                .collect::<Vec<_>>()
                .iter()
                .collect::<Vec<_>>(),
        )
    };
    macro_rules! field {
        ($f:ident) => {
            Aggregate::mean_of(&refs.iter().map(|r| &r.$f).collect::<Vec<_>>())
        };
    }
    let first = refs[0];
    ArchitectureResult {
        name: first.name.clone(),
        kind: first.kind.clone(),
        servers: field!(servers),
        instance: first.instance.clone(),
        requests: field!(requests),
        latency_ms: field!(latency_ms),
        wait_ms: field!(wait_ms),
        utilization: mean(|r| r.utilization),
        mean_in_system: mean(|r| r.mean_in_system),
        arrival_rate: mean(|r| r.arrival_rate),
        error_rate: mean(|r| r.error_rate),
        cost: field!(cost),
        prices: first.prices.clone(),
        details: field!(details),
        events: field!(events),
        ci95: Some(ci95(&refs)),
        timeseries,
        latency,
        replicas: reps,
    }
}

/// Runs one replication of one architecture of a scenario.
pub fn run_architecture(
    scenario: &Scenario,
    arch: &Architecture,
    replication: u32,
) -> ArchitectureResult {
    run_on(scenario, arch, replication, false)
}

/// [`run_architecture`] with every arrival pushed through the event heap
/// instead of waiting beside it (`Scheduler::with_feed_in_heap`): the
/// plain event queue, for the differential test that proves the feed
/// changes no output. Slower; not for real runs.
#[doc(hidden)]
pub fn run_architecture_on_plain_heap(
    scenario: &Scenario,
    arch: &Architecture,
    replication: u32,
) -> ArchitectureResult {
    run_on(scenario, arch, replication, true)
}

fn run_on(
    scenario: &Scenario,
    arch: &Architecture,
    replication: u32,
    feed_in_heap: bool,
) -> ArchitectureResult {
    let r = replication;
    let p = feed_in_heap;
    // The one place that lists the kinds.
    let (outcome, events) = match &arch.spec {
        ArchitectureSpec::Fleet(spec) => simulate(spec, scenario, r, p),
        ArchitectureSpec::Autoscaled(spec) => simulate(spec, scenario, r, p),
        ArchitectureSpec::Microservices(spec) => simulate(spec, scenario, r, p),
        ArchitectureSpec::Serverless(spec) => simulate(spec, scenario, r, p),
    };
    assemble(arch, outcome, events)
}

/// Builds, runs and closes one kind's model. Returns its outcome and the
/// number of events handled.
fn simulate<K: Kind>(
    kind: &K,
    scenario: &Scenario,
    replication: u32,
    feed_in_heap: bool,
) -> (Outcome, u64) {
    let mut model = kind.build(scenario, replication);
    let sched = if feed_in_heap {
        Scheduler::with_feed_in_heap()
    } else {
        Scheduler::new()
    };
    let events = engine::simulate_on(&mut model, sched, scenario.duration);
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
        ci95: None,
        replicas: Vec::new(),
        timeseries: stats.rows,
        latency: stats.latency,
    }
}
