//! The run loop: every (replication × architecture) of a scenario against
//! the same replayed demand, in parallel across runs, each run
//! single-threaded and deterministic, then the replications of each
//! architecture averaged with their intervals. Pure: no files, no
//! printing.

use super::{Outcome, Simulate};
use crate::engine::Queues;
use crate::pricing::cost::CostSummary;
use crate::pricing::transfer::{TransferSpec, transfer_bill};
use crate::results::metrics::Histogram;
use crate::results::replications::{Aggregate, ci95};
use crate::results::summary::{
    ArchitectureResult, LatencySummary, PriceNote, RunSummary, WaitSummary,
};
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
/// replication, architectures in file order ([`Units`]); results are
/// collected in that order and every merge is of integer counts, so the
/// outputs do not depend on the number of threads or the order units
/// finish in.
pub fn run_with(
    scenario: &Scenario,
    options: &RunOptions,
    on_unit_done: &(dyn Fn() + Sync),
) -> RunSummary {
    let scenarios = [scenario];
    let units = Units::new(&scenarios, options.replications);
    let all: Vec<u64> = (0..units.len()).collect();
    let work = || run_units(&scenarios, &units, &all, on_unit_done);
    let done = match options.jobs {
        Some(jobs) => rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .expect("a thread pool of a valid size")
            .install(work),
        None => work(),
    };
    let mut runs = done.assemble(&scenarios, &units);
    runs.pop().expect("one scenario, one summary")
}

/// One replication of one architecture at one point of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    pub point: usize,
    pub replication: u32,
    pub architecture: usize,
}

/// The numbering of the units of a batch of scenarios (a sweep's points,
/// or one scenario): point by point, then replication by replication,
/// then architectures in file order. A unit's number names the same work
/// wherever it runs (its streams come from (seed, replication, purpose)),
/// which is what lets shards split a batch and `merge` put it together.
#[derive(Clone, Debug)]
pub struct Units {
    replications: u32,
    /// Per point: the number of its first unit, and its architectures.
    points: Vec<(u64, usize)>,
    total: u64,
}

impl Units {
    pub fn new(scenarios: &[&Scenario], replications: u32) -> Units {
        let n = u64::from(replications.max(1));
        let mut total = 0;
        let points = scenarios
            .iter()
            .map(|s| {
                let first = total;
                total += n * s.architectures.len() as u64;
                (first, s.architectures.len())
            })
            .collect();
        Units {
            replications: replications.max(1),
            points,
            total,
        }
    }

    pub fn len(&self) -> u64 {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    pub fn replications(&self) -> u32 {
        self.replications
    }

    /// The unit numbered `u` (< `len()`).
    pub fn unit(&self, u: u64) -> Unit {
        let point = self.points.partition_point(|&(first, _)| first <= u) - 1;
        let (first, archs) = self.points[point];
        let within = u - first;
        Unit {
            point,
            replication: (within / archs as u64) as u32,
            architecture: (within % archs as u64) as usize,
        }
    }

    /// The numbers of point `point`'s units, in order.
    fn of_point(&self, point: usize) -> std::ops::Range<u64> {
        let (first, archs) = self.points[point];
        first..first + u64::from(self.replications) * archs as u64
    }
}

/// What running units gives: each unit's result, by unit number, with its
/// latency histogram taken out and its time series kept only for
/// replication 0; and per point and architecture, the latency histograms
/// of the units run, pooled (integer sums, so pooling in any order or in
/// several places gives the same histogram).
pub struct UnitResults {
    pub results: Vec<(u64, ArchitectureResult)>,
    pub pooled: Vec<Vec<Histogram>>,
}

impl UnitResults {
    /// Nothing yet, for `units`.
    pub fn empty(scenarios: &[&Scenario]) -> UnitResults {
        UnitResults {
            results: Vec::new(),
            pooled: scenarios
                .iter()
                .map(|s| {
                    (0..s.architectures.len())
                        .map(|_| Histogram::unallocated())
                        .collect()
                })
                .collect(),
        }
    }

    /// Every point's summary, in point order. Needs every unit, once, in
    /// order (the caller checks: `merge` names what is missing).
    pub fn assemble(self, scenarios: &[&Scenario], units: &Units) -> Vec<RunSummary> {
        let n = units.replications();
        let mut results = self.results.into_iter();
        scenarios
            .iter()
            .zip(self.pooled)
            .enumerate()
            .map(|(p, (scenario, pooled))| {
                let reps: Vec<ArchitectureResult> = units
                    .of_point(p)
                    .map(|u| {
                        let (got, r) = results.next().expect("every unit");
                        assert_eq!(got, u, "units in order");
                        r
                    })
                    .collect();
                summary(scenario, n, reps, pooled)
            })
            .collect()
    }
}

/// Runs the units numbered `numbers` (ascending) of a batch, in parallel
/// on the current pool, calling `on_unit_done` after each.
pub fn run_units(
    scenarios: &[&Scenario],
    units: &Units,
    numbers: &[u64],
    on_unit_done: &(dyn Fn() + Sync),
) -> UnitResults {
    // Histograms are pooled as runs finish, so memory does not grow with
    // the replication count.
    let pooled: Vec<Vec<Mutex<Histogram>>> = scenarios
        .iter()
        .map(|s| {
            (0..s.architectures.len())
                .map(|_| Mutex::new(Histogram::unallocated()))
                .collect()
        })
        .collect();
    let results = numbers
        .par_iter()
        .map(|&u| {
            let Unit {
                point,
                replication,
                architecture,
            } = units.unit(u);
            let scenario = scenarios[point];
            let arch = &scenario.architectures[architecture];
            let mut result = run_architecture(scenario, arch, replication);
            let hist = std::mem::replace(&mut result.latency, Histogram::unallocated());
            pooled[point][architecture]
                .lock()
                .expect("no run panics")
                .merge(&hist);
            if replication > 0 {
                result.timeseries = Vec::new();
            }
            on_unit_done();
            (u, result)
        })
        .collect();
    UnitResults {
        results,
        pooled: pooled
            .into_iter()
            .map(|p| {
                p.into_iter()
                    .map(|h| h.into_inner().expect("no run panics"))
                    .collect()
            })
            .collect(),
    }
}

/// One point's summary from its units' results (in unit order) and its
/// pooled latency histograms: with one replication, each architecture's
/// own result; with more, the replications averaged.
fn summary(
    scenario: &Scenario,
    n: u32,
    mut results: Vec<ArchitectureResult>,
    pooled: Vec<Histogram>,
) -> RunSummary {
    let archs = scenario.architectures.len();
    let architectures = if n == 1 {
        for (r, hist) in results.iter_mut().zip(pooled) {
            r.latency = hist;
        }
        results
    } else {
        let mut by_arch: Vec<Vec<ArchitectureResult>> = (0..archs).map(|_| Vec::new()).collect();
        for (i, r) in results.drain(..).enumerate() {
            by_arch[i % archs].push(r);
        }
        by_arch
            .into_iter()
            .zip(pooled)
            .map(|(reps, hist)| summarise(reps, hist))
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
        spot: field!(spot),
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
    run_architecture_on(scenario, arch, replication, Queues::Usual)
}

/// [`run_architecture`] on a scheduler that keeps arrivals and
/// completions as `queues` says: the differential tests run models with
/// everything in the heap, or every completion on the calendar, to prove
/// that where events wait changes no output. Not for real runs.
#[doc(hidden)]
pub fn run_architecture_on(
    scenario: &Scenario,
    arch: &Architecture,
    replication: u32,
    queues: Queues,
) -> ArchitectureResult {
    let r = replication;
    let p = queues;
    let (mut outcome, events) =
        crate::dispatch!(ArchitectureSpec, &arch.spec, x => x.simulate(scenario, r, p));
    if let Some(t) = &arch.transfer {
        bill_transfer(t, &mut outcome);
    }
    assemble(arch, outcome, events)
}

/// Adds the data-transfer part to a finished run's cost, with its prices:
/// it is the same for every kind, so no kind computes it.
fn bill_transfer(t: &TransferSpec, k: &mut Outcome) {
    let bytes = k.stats.transfer.unwrap_or_default();
    let bill = transfer_bill(t, bytes, k.stats.measured_time);
    k.cost.egress_usd = Some(bill.egress_usd);
    k.cost.nat_gateway_usd = bill.nat_gateway_usd;
    k.prices.push(PriceNote {
        item: format!("internet egress ({})", t.region),
        price_usd: t.egress_per_gb,
        unit: "GB (2^30 bytes)".into(),
        source: t.egress_source.clone(),
        date: t.egress_date.clone(),
    });
    if let Some(n) = &t.nat {
        let note = |item: String, price_usd: f64, unit: &str| PriceNote {
            item,
            price_usd,
            unit: unit.into(),
            source: n.source.clone(),
            date: n.date.clone(),
        };
        k.prices.push(note(
            format!("NAT gateway × {}", n.count),
            n.per_hour,
            "gateway-hour",
        ));
        k.prices.push(note(
            "NAT gateway data processed".into(),
            n.per_gb,
            "GB (2^30 bytes)",
        ));
    }
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
        spot: k.spot,
        events,
        ci95: None,
        replicas: Vec::new(),
        timeseries: stats.rows,
        latency: stats.latency,
    }
}
