//! Runs a scenario: every architecture against the same replayed demand,
//! in parallel across architectures, each run single-threaded and
//! deterministic. Pure: no files, no printing.

use crate::architectures::fleet::FleetModel;
use crate::architectures::microservices::MicroservicesModel;
use crate::architectures::serverless::ServerlessModel;
use crate::engine::{self, Scheduler};
use crate::results::cost::{self, CostBreakdown, CostSummary};
use crate::results::stats::RunStats;
use crate::results::summary::{
    ArchitectureResult, AutoscaledResult, LatencySummary, MicroservicesResult, PriceNote,
    RunSummary, ServerlessResult, ServiceFleetResult, WaitSummary,
};
use crate::scenario::{
    Architecture, ArchitectureSpec, AutoscaledSpec, FleetSpec, MicroservicesSpec, Scenario,
    ServerlessSpec,
};
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
        ArchitectureSpec::Serverless(spec) => run_serverless(scenario, arch, spec, replication),
        ArchitectureSpec::Autoscaled(spec) => run_autoscaled(scenario, arch, spec, replication),
        ArchitectureSpec::Microservices(spec) => {
            run_microservices(scenario, arch, spec, replication)
        }
    }
}

fn run_fleet(
    scenario: &Scenario,
    arch: &Architecture,
    spec: &FleetSpec,
    replication: u32,
) -> ArchitectureResult {
    let mut model = FleetModel::new(scenario, spec, None, replication);
    let mut sched = Scheduler::new();
    model.start(&mut sched);
    let events = engine::run_until(&mut model, &mut sched, scenario.duration);
    let (stats, _) = model.finish(scenario.duration);
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
    let utilization = stats.mean_level(stats.measured_areas.busy) / slots;
    let inst = &spec.instance;
    let prices = vec![PriceNote {
        item: inst.name.clone(),
        price_usd: inst.price_per_hour,
        unit: "server-hour".into(),
        source: inst.source.clone(),
        date: inst.date.clone(),
    }];
    let kind_specific = KindSpecific {
        servers: spec.servers,
        instance: inst.name.clone(),
        utilization,
        cost: CostBreakdown::fleet(total, utilization),
        prices,
        serverless: None,
        autoscaled: None,
        microservices: None,
    };
    assemble(arch, stats, events, kind_specific)
}

/// The parts of a result that differ by architecture kind.
struct KindSpecific {
    servers: u32,
    instance: String,
    utilization: f64,
    cost: CostBreakdown,
    prices: Vec<PriceNote>,
    serverless: Option<ServerlessResult>,
    autoscaled: Option<AutoscaledResult>,
    microservices: Option<MicroservicesResult>,
}

/// Builds the result every kind shares from a finished run's statistics.
fn assemble(
    arch: &Architecture,
    stats: RunStats,
    events: u64,
    k: KindSpecific,
) -> ArchitectureResult {
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
        serverless: k.serverless,
        autoscaled: k.autoscaled,
        microservices: k.microservices,
        events,
        timeseries: stats.rows,
        latency: stats.latency,
    }
}

fn run_serverless(
    scenario: &Scenario,
    arch: &Architecture,
    spec: &ServerlessSpec,
    replication: u32,
) -> ArchitectureResult {
    let mut model = ServerlessModel::new(scenario, spec, replication);
    let mut sched = Scheduler::new();
    model.start(&mut sched);
    let events = engine::run_until(&mut model, &mut sched, scenario.duration);
    let run = model.finish(scenario.duration, spec.free_tier);
    let stats = run.stats;
    // Executions over instance capacity (instances × per-instance slots).
    let slots: f64 = run
        .functions
        .iter()
        .zip(&spec.functions)
        .map(|(r, f)| r.instances.mean * f.instance_concurrency as f64)
        .sum();
    let busy = stats.mean_level(stats.measured_areas.busy);
    let first = &spec.functions[0];
    let mut prices = Vec::new();
    let mut seen = Vec::new();
    for f in &spec.functions {
        let p = &f.pricing;
        let key = (f.cpu, p.gb_second.to_bits());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        prices.push(PriceNote {
            item: format!("function duration ({:?})", f.cpu),
            price_usd: p.gb_second,
            unit: "GB-second".into(),
            source: p.source.clone(),
            date: p.date.clone(),
        });
    }
    let p = &first.pricing;
    prices.push(PriceNote {
        item: "function invocations".into(),
        price_usd: p.request_per_million,
        unit: "million requests".into(),
        source: p.source.clone(),
        date: p.date.clone(),
    });
    if spec.functions.iter().any(|f| f.provisioned > 0) {
        prices.push(PriceNote {
            item: "provisioned concurrency".into(),
            price_usd: p.provisioned_gb_second,
            unit: "GB-second".into(),
            source: p.source.clone(),
            date: p.date.clone(),
        });
    }
    if p.gateway_per_million > 0.0 {
        prices.push(PriceNote {
            item: format!("API gateway ({:?})", spec.gateway),
            price_usd: p.gateway_per_million,
            unit: "million requests".into(),
            source: p.source.clone(),
            date: p.date.clone(),
        });
    }
    let c = stats.counts;
    let kind_specific = KindSpecific {
        servers: run.instances.peak as u32,
        instance: format!("{} function(s)", spec.functions.len()),
        utilization: if slots > 0.0 { busy / slots } else { 0.0 },
        cost: run.cost,
        prices,
        serverless: Some(ServerlessResult {
            cold_starts: run.functions.iter().map(|f| f.cold_starts).sum(),
            cold_start_fraction: if c.completed > 0 {
                run.cold_completed as f64 / c.completed as f64
            } else {
                0.0
            },
            throttled: run.functions.iter().map(|f| f.throttled).sum(),
            async_throttled: run.functions.iter().map(|f| f.async_throttled).sum(),
            instances: run.instances,
            idle_gb_seconds: run.idle_gb_seconds,
            functions: run.functions,
        }),
        autoscaled: None,
        microservices: None,
    };
    assemble(arch, stats, events, kind_specific)
}

fn run_autoscaled(
    scenario: &Scenario,
    arch: &Architecture,
    spec: &AutoscaledSpec,
    replication: u32,
) -> ArchitectureResult {
    let mut model = FleetModel::new(scenario, &spec.fleet, Some(&spec.scaling), replication);
    let mut sched = Scheduler::new();
    model.start(&mut sched);
    let events = engine::run_until(&mut model, &mut sched, scenario.duration);
    let (stats, pool) = model.finish(scenario.duration);
    let pool = pool.expect("an autoscaled fleet has a pool");
    let inst = &spec.fleet.instance;
    let working_slots = pool.working_mean * inst.vcpus as f64;
    let busy = stats.mean_level(stats.measured_areas.busy);
    let utilization = if working_slots > 0.0 {
        busy / working_slots
    } else {
        0.0
    };
    let kind_specific = KindSpecific {
        servers: pool.servers.peak as u32,
        instance: inst.name.clone(),
        utilization,
        cost: CostBreakdown::fleet(
            pool.cost_usd,
            utilization * pool.working_mean / pool.servers.mean.max(1e-12),
        ),
        prices: vec![PriceNote {
            item: inst.name.clone(),
            price_usd: inst.price_per_hour,
            unit: "server-hour".into(),
            source: inst.source.clone(),
            date: inst.date.clone(),
        }],
        serverless: None,
        autoscaled: Some(AutoscaledResult {
            server_stats: pool.servers,
            scaling_actions: crate::results::summary::ScalingActions {
                out: pool.scale_outs,
                r#in: pool.scale_ins,
            },
            server_hours: pool.server_seconds / 3600.0,
        }),
        microservices: None,
    };
    assemble(arch, stats, events, kind_specific)
}

fn run_microservices(
    scenario: &Scenario,
    arch: &Architecture,
    spec: &MicroservicesSpec,
    replication: u32,
) -> ArchitectureResult {
    let mut model = MicroservicesModel::new(scenario, spec, replication);
    let mut sched = Scheduler::new();
    model.start(&mut sched);
    let events = engine::run_until(&mut model, &mut sched, scenario.duration);
    let (stats, runs) = model.finish(scenario.duration);
    let mut services = Vec::with_capacity(runs.len());
    let (mut total, mut slots, mut peak) = (0.0, 0.0, 0u64);
    let mut prices: Vec<PriceNote> = Vec::new();
    for ((svc, fleet), run) in scenario.services.iter().zip(&spec.fleets).zip(runs) {
        let (inst, kind) = (&fleet.fleet().instance, fleet.kind());
        let cost = run.pool.as_ref().map_or(run.fixed_cost_usd, |p| p.cost_usd);
        total += cost;
        slots += run.mean_slots;
        peak += run.servers;
        if !prices.iter().any(|p| p.item == inst.name) {
            prices.push(PriceNote {
                item: inst.name.clone(),
                price_usd: inst.price_per_hour,
                unit: "server-hour".into(),
                source: inst.source.clone(),
                date: inst.date.clone(),
            });
        }
        services.push(ServiceFleetResult {
            name: svc.name.clone(),
            kind: kind.into(),
            servers: run.servers,
            instance: inst.name.clone(),
            utilization: if run.mean_slots > 0.0 {
                run.mean_busy / run.mean_slots
            } else {
                0.0
            },
            mean_queue: run.mean_queue,
            cost_usd: cost,
            autoscaled: run.pool.map(|p| AutoscaledResult {
                server_stats: p.servers,
                scaling_actions: crate::results::summary::ScalingActions {
                    out: p.scale_outs,
                    r#in: p.scale_ins,
                },
                server_hours: p.server_seconds / 3600.0,
            }),
        });
    }
    let busy = stats.mean_level(stats.measured_areas.busy);
    let utilization = if slots > 0.0 { busy / slots } else { 0.0 };
    let kind_specific = KindSpecific {
        servers: peak as u32,
        instance: format!("{} fleet(s)", services.len()),
        utilization,
        cost: CostBreakdown::fleet(total, utilization),
        prices,
        serverless: None,
        autoscaled: None,
        microservices: Some(MicroservicesResult { services }),
    };
    assemble(arch, stats, events, kind_specific)
}
