//! Scenario files: reading the TOML, validating it, and the resolved
//! [`Scenario`] the simulation runs (units parsed, fleets sized, the call
//! graph checked and expanded).
//!
//! Reading is two-stage: `raw` mirrors the file with serde, denying unknown
//! keys; `validate` turns it into a `Scenario`, checking what needs the whole
//! file (names, call graph, sizes). Every error names the file, line and key.

mod autoscaled;
pub mod calls;
pub mod catalog;
mod demand;
mod error;
mod functions;
mod keys;
mod kinds;
mod microservices;
mod raw;
mod slo;
mod values;

pub use autoscaled::{AutoscaledSpec, ScalingSpec};
pub use calls::CallTree;
pub use demand::Demand;
pub use error::ScenarioError;
pub use functions::{FunctionSpec, IdleSelection, ServerlessSpec};
pub use microservices::{MicroservicesSpec, ServiceFleet};
pub use slo::{Percentile, Slo};
pub use values::{CallMode, Metric, SizeBasis};

use crate::demand::azure::AzureTrace;
use crate::dist::Dist;
use crate::scenario::catalog::Instance;
use crate::time::SimTime;
use error::ErrorContext;
use raw::{RawArchitecture, RawScenario};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use values::{Kind, Servers};

/// A validated scenario, ready to run.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// The file it was read from (for relative paths and messages).
    pub source: PathBuf,
    pub duration: SimTime,
    /// Requests arriving before this are simulated but not counted.
    pub warmup: SimTime,
    pub seed: u64,
    /// Time-series bucket width.
    pub window: SimTime,
    pub demand: Demand,
    /// In file order; the first is the entry service.
    pub services: Vec<Service>,
    /// The invocations one request causes.
    pub calls: CallTree,
    pub architectures: Vec<Architecture>,
    /// The service-level objective, if the file sets one.
    pub slo: Option<Slo>,
}

#[derive(Clone, Debug)]
pub struct Service {
    pub name: String,
    /// CPU time at 1 vCPU.
    pub work: Dist,
    pub calls: Vec<Call>,
    /// Memory recorded for it by a trace (the serverless default), in MB.
    pub memory_mb: Option<f64>,
    /// The memory a serverless function gets when neither the trace, the
    /// function nor the architecture sets one, if not the usual default.
    pub assumed_memory_mb: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    pub service: usize,
    pub mode: CallMode,
}

#[derive(Clone, Debug)]
pub struct Architecture {
    pub name: String,
    pub spec: ArchitectureSpec,
}

#[derive(Clone, Debug)]
pub enum ArchitectureSpec {
    Fleet(FleetSpec),
    Serverless(ServerlessSpec),
    Autoscaled(AutoscaledSpec),
    Microservices(MicroservicesSpec),
}

impl Architecture {
    pub fn kind(&self) -> &'static str {
        match self.spec {
            ArchitectureSpec::Fleet(_) => "fleet",
            ArchitectureSpec::Serverless(_) => "serverless",
            ArchitectureSpec::Autoscaled(_) => "autoscaled",
            ArchitectureSpec::Microservices(_) => "microservices",
        }
    }
}

/// A fixed fleet of identical servers behind one FCFS load-balancer queue.
#[derive(Clone, Debug)]
pub struct FleetSpec {
    /// Resolved server count.
    pub servers: u32,
    /// How the count was derived, if it was.
    pub sizing: Option<Sizing>,
    pub instance: Instance,
    /// Arrivals that find this many requests waiting are rejected.
    pub queue_limit: Option<u64>,
    /// A request not finished this long after arrival times out.
    pub timeout: Option<SimTime>,
}

impl FleetSpec {
    pub fn slots(&self) -> u64 {
        self.servers as u64 * self.instance.vcpus as u64
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sizing {
    pub basis: SizeBasis,
    pub utilization: f64,
    /// The demand rate the size was computed for (requests per second).
    pub rate: f64,
}

/// Reads and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    load_seeded(path, None)
}

/// Reads and validates a scenario file with its seed replaced by `seed`
/// (if given). The seed must be known while validating: random demand
/// shapes (`bursty`, `noise`) are drawn then.
pub fn load_seeded(path: &Path, seed: Option<u64>) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        file: path.to_path_buf(),
        line: None,
        key: None,
        message: format!("cannot read the file: {e}"),
    })?;
    parse_seeded(&text, path, seed)
}

/// Validates scenario text; `path` is used for messages and relative paths.
pub fn parse(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
    parse_seeded(text, path, None)
}

/// [`parse`], with the file's seed replaced by `seed` (if given).
pub fn parse_seeded(text: &str, path: &Path, seed: Option<u64>) -> Result<Scenario, ScenarioError> {
    let ctx = ErrorContext { file: path, text };
    let de = toml::de::Deserializer::parse(text).map_err(|e| toml_error(&ctx, &e, ""))?;
    let raw: RawScenario = serde_path_to_error::deserialize(de).map_err(|e| {
        // `Spanned` values show up in the path as a private field: hide it.
        let key = e
            .path()
            .to_string()
            .replace(".$__serde_spanned_private_value", "");
        toml_error(&ctx, e.inner(), if key == "." { "" } else { &key })
    })?;
    validate(raw, &ctx, seed)
}

fn toml_error(ctx: &ErrorContext, e: &toml::de::Error, key: &str) -> ScenarioError {
    let message = e.message().trim().replace('\n', " ");
    ctx.at(e.span(), key, message)
}

fn validate(
    mut raw: RawScenario,
    ctx: &ErrorContext,
    seed: Option<u64>,
) -> Result<Scenario, ScenarioError> {
    if let Some(seed) = seed {
        raw.seed = seed;
    }
    let name = raw.name.get_ref().trim().to_string();
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return Err(ctx.at(
            Some(raw.name.span()),
            "name",
            "expected a non-empty name without slashes (it names the output folder)",
        ));
    }
    let duration = raw.duration.get_ref().0;
    if duration == SimTime::ZERO {
        return Err(ctx.at(
            Some(raw.duration.span()),
            "duration",
            "expected a duration > 0",
        ));
    }
    let warmup = raw.warmup.as_ref().map_or(SimTime::ZERO, |w| w.get_ref().0);
    if warmup >= duration {
        let span = raw.warmup.as_ref().map(|w| w.span());
        return Err(ctx.at(
            span,
            "warmup",
            format!("expected a warmup shorter than the duration ({duration}), found {warmup}"),
        ));
    }
    let window = match &raw.window {
        Some(w) if w.get_ref().0 == SimTime::ZERO => {
            return Err(ctx.at(Some(w.span()), "window", "expected a window > 0"));
        }
        Some(w) => w.get_ref().0,
        None => default_window(duration),
    };
    let demand = demand::validate_demand(
        &raw.demand,
        &demand::DemandContext {
            ctx,
            duration,
            window,
            seed: raw.seed,
        },
    )?;
    let slo = slo::validate(raw.slo.as_ref(), ctx)?;
    let (services, calls) = match &demand.functions {
        None => {
            let services = validate_services(&raw, ctx)?;
            let calls = CallTree::build(&services).map_err(|m| ctx.at(None, "services", m))?;
            (services, calls)
        }
        Some(trace) => trace_services(&raw, trace, ctx)?,
    };
    let load = Load {
        peak_rps: demand.profile.peak(duration),
        mean_rps: demand.profile.mean(duration),
        mean_work: calls.mean_work(&services),
    };
    let mut architectures = Vec::with_capacity(raw.architectures.len());
    let mut seen: HashMap<String, ()> = HashMap::new();
    if raw.architectures.is_empty() {
        return Err(ctx.whole_file("expected at least one [[architectures]] table"));
    }
    for (i, a) in raw.architectures.iter().enumerate() {
        let key = format!("architectures[{i}]");
        let shared = Shared {
            demand: &demand,
            duration,
            services: &services,
            calls: &calls,
        };
        let arch = validate_architecture(a, &key, ctx, &shared, &load)?;
        if seen.insert(arch.name.clone(), ()).is_some() {
            return Err(ctx.at(
                Some(a.name.span()),
                &format!("{key}.name"),
                format!(
                    "architecture name \"{}\" is used twice; names must be unique",
                    arch.name
                ),
            ));
        }
        architectures.push(arch);
    }
    Ok(Scenario {
        name,
        description: raw.description,
        source: ctx.file.to_path_buf(),
        duration,
        warmup,
        seed: raw.seed,
        window,
        demand,
        services,
        calls,
        architectures,
        slo,
    })
}

/// One minute, or less for short runs so that a chart has ~100 points.
fn default_window(duration: SimTime) -> SimTime {
    let minute = SimTime::from_secs(60);
    if duration >= SimTime(minute.as_nanos() * 100) {
        minute
    } else {
        SimTime((duration.as_nanos() / 100).max(1_000_000))
    }
}

fn validate_services(raw: &RawScenario, ctx: &ErrorContext) -> Result<Vec<Service>, ScenarioError> {
    if raw.services.is_empty() {
        return Err(ctx.whole_file("expected at least one [[services]] table"));
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, s) in raw.services.iter().enumerate() {
        let name = s.name.get_ref().as_str();
        if name.trim().is_empty() {
            return Err(ctx.at(
                Some(s.name.span()),
                &format!("services[{i}].name"),
                "expected a non-empty name",
            ));
        }
        if index.insert(name, i).is_some() {
            return Err(ctx.at(
                Some(s.name.span()),
                &format!("services[{i}].name"),
                format!("service name \"{name}\" is used twice; names must be unique"),
            ));
        }
    }
    let mut services = Vec::with_capacity(raw.services.len());
    for (i, s) in raw.services.iter().enumerate() {
        let mut calls = Vec::new();
        for (j, c) in s.calls.iter().enumerate() {
            let target = c.service.get_ref().as_str();
            let key = format!("services[{i}].calls[{j}].service");
            let Some(&to) = index.get(target) else {
                let known: Vec<&str> = raw
                    .services
                    .iter()
                    .map(|s| s.name.get_ref().as_str())
                    .collect();
                return Err(ctx.at(
                    Some(c.service.span()),
                    &key,
                    format!(
                        "unknown service \"{target}\"; the services are: {}",
                        known.join(", ")
                    ),
                ));
            };
            calls.push(Call {
                service: to,
                mode: c.mode,
            });
        }
        services.push(Service {
            name: s.name.get_ref().clone(),
            work: s.work.0.clone(),
            calls,
            memory_mb: None,
            assumed_memory_mb: None,
        });
    }
    if let Some(cycle) = find_cycle(&services) {
        let names: Vec<&str> = cycle.iter().map(|&i| services[i].name.as_str()).collect();
        let first = cycle[0];
        return Err(ctx.at(
            Some(raw.services[first].name.span()),
            &format!("services[{first}].calls"),
            format!(
                "the call graph must be acyclic, but it has the cycle {}",
                names.join(" → ")
            ),
        ));
    }
    Ok(services)
}

/// The services of a multi-function trace: one per function, each an entry
/// with its share of the invocations, or all merged into one.
fn trace_services(
    raw: &RawScenario,
    trace: &AzureTrace,
    ctx: &ErrorContext,
) -> Result<(Vec<Service>, CallTree), ScenarioError> {
    if let Some(s) = raw.services.first() {
        return Err(ctx.at(
            Some(s.name.span()),
            "services",
            "a multi-function trace (format = \"azure-functions-2019\" or \"azure-functions-2021\") defines the services: remove the [[services]] tables",
        ));
    }
    if trace.options.merge {
        let services = vec![Service {
            name: "functions".to_string(),
            work: trace.merged_work(),
            calls: Vec::new(),
            memory_mb: None,
            assumed_memory_mb: assumed_memory(trace),
        }];
        let calls = CallTree::build(&services).map_err(|m| ctx.at(None, "services", m))?;
        return Ok((services, calls));
    }
    let services: Vec<Service> = trace
        .functions
        .iter()
        .map(|f| Service {
            name: f.name.clone(),
            work: f.work.clone(),
            calls: Vec::new(),
            memory_mb: f.memory_mb,
            assumed_memory_mb: assumed_memory(trace),
        })
        .collect();
    let total = trace.requests as f64;
    let entries: Vec<(usize, f64)> = trace
        .functions
        .iter()
        .enumerate()
        .map(|(i, f)| (i, f.total as f64 / total))
        .collect();
    let calls =
        CallTree::build_entries(&services, &entries).map_err(|m| ctx.at(None, "services", m))?;
    Ok((services, calls))
}

/// A cycle in the call graph, as the list of services along it (first repeated last).
fn find_cycle(services: &[Service]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        s: usize,
        services: &[Service],
        marks: &mut [Mark],
        path: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        marks[s] = Mark::Open;
        path.push(s);
        for c in &services[s].calls {
            match marks[c.service] {
                Mark::Open => {
                    let start = path.iter().position(|&p| p == c.service).unwrap_or(0);
                    let mut cycle = path[start..].to_vec();
                    cycle.push(c.service);
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(cycle) = visit(c.service, services, marks, path) {
                        return Some(cycle);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks[s] = Mark::Done;
        None
    }
    let mut marks = vec![Mark::New; services.len()];
    for s in 0..services.len() {
        if marks[s] == Mark::New
            && let Some(c) = visit(s, services, &mut marks, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

/// A 2021 trace records durations but no memory: its functions get the
/// memory of one full vCPU unless something sets theirs, so that the
/// recorded durations replay unchanged on serverless as on a fleet.
fn assumed_memory(trace: &AzureTrace) -> Option<f64> {
    (trace.options.format == crate::demand::azure::AzureFormat::Invocations2021)
        .then_some(crate::scenario::catalog::lambda_defaults::MB_PER_VCPU)
}

/// What every architecture is validated against.
pub(super) struct Shared<'a> {
    pub demand: &'a Demand,
    pub duration: SimTime,
    pub services: &'a [Service],
    pub calls: &'a CallTree,
}

/// What a fleet sized from the demand must serve: the architecture's whole
/// demand, or one service's share of it within microservices.
#[derive(Clone, Copy, Debug)]
pub(super) struct Load {
    /// Requests per second reaching it at the peak and on average.
    pub peak_rps: f64,
    pub mean_rps: f64,
    /// Work per such request, in seconds at one vCPU.
    pub mean_work: f64,
}

fn validate_architecture(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    shared: &Shared,
    load: &Load,
) -> Result<Architecture, ScenarioError> {
    let services = shared.services;
    let name = checked_name(a, key, ctx)?;
    match a.kind.get_ref() {
        Kind::Microservices => Ok(Architecture {
            name,
            spec: ArchitectureSpec::Microservices(microservices::validate_microservices(
                a, key, ctx, shared,
            )?),
        }),
        Kind::Autoscaled => Ok(Architecture {
            name,
            spec: ArchitectureSpec::Autoscaled(autoscaled::validate_autoscaled(a, key, ctx)?),
        }),
        Kind::Serverless => Ok(Architecture {
            name,
            spec: ArchitectureSpec::Serverless(functions::validate_serverless(
                a, key, services, ctx,
            )?),
        }),
        Kind::Fleet => Ok(Architecture {
            name,
            spec: ArchitectureSpec::Fleet(validate_fleet(a, key, ctx, load)?),
        }),
    }
}

/// The name of an architecture (or of a service's fleet within one), once
/// its keys are known to fit its kind.
pub(super) fn checked_name(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
) -> Result<String, ScenarioError> {
    let name = a.name.get_ref().trim().to_string();
    if name.is_empty() || name.contains(['/', '\\', ',']) {
        return Err(ctx.at(
            Some(a.name.span()),
            &format!("{key}.name"),
            "expected a non-empty name without slashes or commas",
        ));
    }
    kinds::check_kind_keys(a, key, ctx)?;
    Ok(name)
}

/// A `kind = "fleet"` table: its servers (counted or sized for `load`),
/// instance and limits.
pub(super) fn validate_fleet(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    load: &Load,
) -> Result<FleetSpec, ScenarioError> {
    let instance = fleet_instance(a, key, ctx)?;
    let servers_raw = a.servers.as_ref().ok_or_else(|| {
        ctx.at(
            Some(a.kind.span()),
            &format!("{key}.servers"),
            "a fleet needs `servers`: a count, or { size_for = \"peak\", utilization = 0.6 }",
        )
    })?;
    let (servers, sizing) = match *servers_raw.get_ref() {
        Servers::Count(n) if (1..=1_000_000).contains(&n) => (n as u32, None),
        Servers::Count(n) => {
            return Err(ctx.at(
                Some(servers_raw.span()),
                &format!("{key}.servers"),
                format!("expected between 1 and 1000000 servers, found {n}"),
            ));
        }
        Servers::SizeFor { basis, utilization } => {
            let rate = match basis {
                SizeBasis::Peak => load.peak_rps,
                SizeBasis::Mean => load.mean_rps,
            };
            let n = size_fleet(rate, load.mean_work, instance.vcpus, utilization);
            (
                n,
                Some(Sizing {
                    basis,
                    utilization,
                    rate,
                }),
            )
        }
    };
    let (queue_limit, timeout) = fleet_limits(a, key, ctx)?;
    Ok(FleetSpec {
        servers,
        sizing,
        instance,
        queue_limit,
        timeout,
    })
}

/// The `instance` of a fleet or autoscaled architecture.
pub(super) fn fleet_instance(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
) -> Result<Instance, ScenarioError> {
    a.instance.as_ref().map(|i| i.0.clone()).ok_or_else(|| {
        ctx.at(
            Some(a.kind.span()),
            &format!("{key}.instance"),
            "a fleet needs `instance`: a type name such as \"m5.large\" or { vcpus = 2, memory = \"8GB\", price_per_hour = 0.096 }",
        )
    })
}

/// `queue_limit` and `timeout` of a fleet or autoscaled architecture.
pub(super) fn fleet_limits(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
) -> Result<(Option<u64>, Option<SimTime>), ScenarioError> {
    let queue_limit = match &a.queue_limit {
        Some(q) if *q.get_ref() < 0 => {
            return Err(ctx.at(
                Some(q.span()),
                &format!("{key}.queue_limit"),
                format!("expected a queue limit >= 0, found {}", q.get_ref()),
            ));
        }
        Some(q) => Some(*q.get_ref() as u64),
        None => None,
    };
    let timeout = match &a.timeout {
        Some(t) if t.get_ref().0 == SimTime::ZERO => {
            return Err(ctx.at(
                Some(t.span()),
                &format!("{key}.timeout"),
                "expected a timeout > 0",
            ));
        }
        Some(t) => Some(t.get_ref().0),
        None => None,
    };
    Ok((queue_limit, timeout))
}

/// The smallest N with rate × mean_work / (N × vcpus) ≤ utilization (at least 1).
pub fn size_fleet(rate: f64, mean_work: f64, vcpus: u32, utilization: f64) -> u32 {
    let load = rate * mean_work / (vcpus as f64 * utilization);
    // Guard against 6.0000000001 becoming 7 through float noise.
    let n = (load - 1e-9).ceil();
    n.clamp(1.0, u32::MAX as f64) as u32
}

impl Scenario {
    /// One line per architecture whose size was derived from the demand,
    /// so the user sees what "sized for the peak" resolved to.
    pub fn sizing_notes(&self) -> Vec<String> {
        self.architectures
            .iter()
            .filter_map(|a| match &a.spec {
                ArchitectureSpec::Fleet(f) => f.sizing.map(|z| {
                    format!(
                        "{}: {} × {} (sized for the {} of {:.2} rps at {:.0}% utilisation)",
                        a.name,
                        f.servers,
                        f.instance.name,
                        format!("{:?}", z.basis).to_lowercase(),
                        z.rate,
                        z.utilization * 100.0
                    )
                }),
                ArchitectureSpec::Serverless(_)
                | ArchitectureSpec::Autoscaled(_)
                | ArchitectureSpec::Microservices(_) => None,
            })
            .collect()
    }

    /// A human description of the resolved scenario, for `scalesim check`.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        let h = self.duration;
        let _ = writeln!(s, "scenario   {}", self.name);
        if !self.description.is_empty() {
            let _ = writeln!(s, "           {}", self.description);
        }
        let _ = writeln!(
            s,
            "duration   {} (warmup {}), window {}, seed {}",
            h, self.warmup, self.window, self.seed
        );
        let p = &self.demand.profile;
        let _ = writeln!(
            s,
            "demand     {}, {:?} arrivals: mean {:.2} rps, peak {:.2} rps, {:.0} requests expected",
            self.demand.description,
            self.demand.arrivals,
            p.mean(h),
            p.peak(h),
            p.cumulative(h)
        );
        let _ = writeln!(s, "services");
        for svc in &self.services {
            let calls: Vec<String> = svc
                .calls
                .iter()
                .map(|c| format!("{} ({:?})", self.services[c.service].name, c.mode).to_lowercase())
                .collect();
            let _ = writeln!(
                s,
                "  {:<12} work {} (mean {}){}",
                svc.name,
                svc.work.describe(),
                SimTime::from_secs_f64(svc.work.mean()),
                if calls.is_empty() {
                    String::new()
                } else {
                    format!(", calls {}", calls.join(", "))
                }
            );
        }
        let mean_work = SimTime::from_secs_f64(self.calls.mean_work(&self.services));
        if self.calls.entries.len() == 1 {
            let _ = writeln!(
                s,
                "  a request causes {} invocation(s), mean work {mean_work} at 1 vCPU",
                self.calls.len(),
            );
        } else {
            let _ = writeln!(
                s,
                "  requests enter at {} services (one per function), mean work {mean_work} at 1 vCPU",
                self.calls.entries.len(),
            );
        }
        if let Some(slo) = &self.slo {
            let _ = writeln!(s, "slo        {slo}");
        }
        let _ = writeln!(s, "architectures");
        for a in &self.architectures {
            match &a.spec {
                ArchitectureSpec::Fleet(f) => {
                    let how = match f.sizing {
                        Some(z) => format!(
                            " (sized for the {:?} of {:.2} rps at {:.0}% utilisation)",
                            z.basis,
                            z.rate,
                            z.utilization * 100.0
                        )
                        .to_lowercase(),
                        None => String::new(),
                    };
                    let _ = writeln!(
                        s,
                        "  {:<12} fleet of {} × {} ({} vCPU, ${}/h){}{}{}",
                        a.name,
                        f.servers,
                        f.instance.name,
                        f.instance.vcpus,
                        f.instance.price_per_hour,
                        how,
                        f.queue_limit
                            .map(|q| format!(", queue limit {q}"))
                            .unwrap_or_default(),
                        f.timeout
                            .map(|t| format!(", timeout {t}"))
                            .unwrap_or_default(),
                    );
                }
                ArchitectureSpec::Microservices(m) => {
                    let _ = writeln!(s, "  {:<12} microservices, hop {}", a.name, m.hop_latency);
                    for (svc, f) in self.services.iter().zip(&m.fleets) {
                        let what = match f {
                            ServiceFleet::Fixed(f) => {
                                format!(
                                    "fleet of {} × {} ({} vCPU)",
                                    f.servers, f.instance.name, f.instance.vcpus
                                )
                            }
                            ServiceFleet::Autoscaled(x) => format!(
                                "autoscaled {}..{} × {} ({} vCPU), {:?} target {}",
                                x.scaling.min,
                                x.scaling.max,
                                x.fleet.instance.name,
                                x.fleet.instance.vcpus,
                                x.scaling.metric,
                                x.scaling.target
                            ),
                        };
                        let _ = writeln!(s, "    {:<10} {what}", svc.name);
                    }
                }
                ArchitectureSpec::Autoscaled(x) => {
                    let z = &x.scaling;
                    let f = &x.fleet;
                    // Where target tracking on CPU should settle for the mean demand.
                    let settle = match z.metric {
                        Metric::Cpu => format!(
                            ", settles near {} for the mean demand",
                            size_fleet(
                                self.demand.profile.mean(h),
                                self.calls.mean_work(&self.services),
                                f.instance.vcpus,
                                z.target
                            )
                        ),
                        _ => String::new(),
                    };
                    let _ = writeln!(
                        s,
                        "  {:<12} autoscaled {} × {} ({} vCPU, ${}/h), {}..{} servers, {:?} target {}, every {}, boot {}, cooldown out {} / in {}, tolerance {}{}",
                        a.name,
                        f.servers,
                        f.instance.name,
                        f.instance.vcpus,
                        f.instance.price_per_hour,
                        z.min,
                        z.max,
                        z.metric,
                        z.target,
                        z.evaluation,
                        z.boot_time.describe(),
                        z.scale_out_cooldown,
                        z.scale_in_cooldown,
                        z.tolerance,
                        settle
                    );
                }
                ArchitectureSpec::Serverless(sv) => {
                    let _ = writeln!(
                        s,
                        "  {:<12} serverless, account concurrency {}, gateway {:?}{}",
                        a.name,
                        sv.concurrency_limit,
                        sv.gateway,
                        if sv.gateway_latency > SimTime::ZERO {
                            format!(" (+{})", sv.gateway_latency)
                        } else {
                            String::new()
                        }
                    );
                    for f in &sv.functions {
                        let _ = writeln!(
                            s,
                            "    {:<10} {} MB {:?} (work × {:.2}), cold start {}, keep-alive {}, {} new per {}, {} per instance, {:?} idle selection, hop {}{}{}, ${}/GB-s",
                            f.name,
                            f.memory_mb,
                            f.cpu,
                            f.slowdown(),
                            f.cold_start.describe(),
                            f.keep_alive,
                            f.scale_instances,
                            f.scale_per,
                            f.instance_concurrency,
                            f.idle_selection,
                            f.hop_latency,
                            if f.provisioned > 0 {
                                format!(", {} provisioned", f.provisioned)
                            } else {
                                String::new()
                            },
                            f.reserved_concurrency
                                .map(|r| format!(", reserved {r}"))
                                .unwrap_or_default(),
                            f.pricing.gb_second,
                        );
                    }
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizing_takes_the_smallest_fleet_under_the_target() {
        // 180 rps × 50 ms = 9 busy vCPUs; at 60 % on 2-vCPU servers: 7.5 → 8.
        assert_eq!(size_fleet(180.0, 0.05, 2, 0.6), 8);
        // Exactly on the boundary stays there.
        assert_eq!(size_fleet(120.0, 0.05, 1, 1.0), 6);
        assert_eq!(size_fleet(0.0, 0.05, 1, 0.5), 1);
    }
}
