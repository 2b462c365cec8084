//! Scenario files: reading the TOML, validating it, and the resolved
//! [`Scenario`] the simulation runs (units parsed, fleets sized, the call
//! graph checked and expanded).
//!
//! Reading is two-stage: `raw` mirrors the file with serde, denying unknown
//! keys; `validate` turns it into a `Scenario`, checking what needs the whole
//! file (names, call graph, sizes). Every error names the file, line and key.

pub mod architecture;
pub mod calls;
mod demand;
pub mod describe;
pub use describe::spelled;

pub(crate) mod context;
pub mod estimate;
pub(crate) mod instance;
mod keys;
pub(crate) mod kind;
mod kind_keys;
pub mod plan;
pub mod prices;
pub(crate) mod raw;
pub mod report;
pub mod service;
mod services;
mod slo;
pub mod sweep;
pub mod transfer;
pub(crate) mod values;

pub use crate::file_error::ScenarioError;
pub use architecture::{Architecture, ArchitectureSpec};
pub use calls::CallTree;
pub use demand::Demand;
pub use estimate::{Estimate, sweep_estimate};
pub use service::{Call, Service};
pub use slo::{Percentile, Slo};
pub use values::{CallMode, MAX_REPLICATIONS, Metric, ScaleRefill, SizeBasis, check_replications};

use crate::file_error::ErrorContext;
use crate::pricing::catalog::Prices;
use crate::time::SimTime;
use architecture::validate_architectures;
use context::Shared;
use raw::RawScenario;
use services::{trace_services, validate_services};
use std::path::{Path, PathBuf};

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
    /// Independent runs of every architecture, each drawing its random
    /// streams from (seed, replication, purpose); 1 unless the file or the
    /// command line asks for more.
    pub replications: u32,
    /// The `[sweep]` table's varied keys (empty without one).
    pub sweep: Vec<sweep::Vary>,
    /// The `[plan]` table (defaults without one).
    pub plan: plan::PlanSpec,
    /// Time-series bucket width.
    pub window: SimTime,
    pub demand: Demand,
    /// In file order; the first is the entry service.
    pub services: Vec<Service>,
    /// The invocations one request causes.
    pub calls: CallTree,
    pub architectures: Vec<Architecture>,
    /// The file's architectures `[report] architectures` leaves out (not
    /// run), in file order.
    pub left_out: Vec<String>,
    /// The charts' size in pixels (`[report] chart_size`).
    pub chart_size: (u32, u32),
    /// The service-level objective, if the file sets one.
    pub slo: Option<Slo>,
    /// The region and price files it is priced with.
    pub prices: prices::PriceScope,
}

impl Scenario {
    /// What every architecture of this scenario is validated against.
    pub fn shared(&self) -> Shared<'_> {
        Shared {
            demand: &self.demand,
            duration: self.duration,
            services: &self.services,
            calls: &self.calls,
        }
    }
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
    let raw: RawScenario = ctx.deserialize()?;
    let (scope, prices) = prices::read(&raw, &ctx)?;
    prices::check_instances(&raw, &ctx, &prices)?;
    validate(raw, &ctx, seed, scope, &prices)
}

fn validate(
    mut raw: RawScenario,
    ctx: &ErrorContext,
    seed: Option<u64>,
    scope: prices::PriceScope,
    prices: &Prices,
) -> Result<Scenario, ScenarioError> {
    if let Some(seed) = seed {
        raw.seed = seed;
    }
    let name = scenario_name(&raw, ctx)?;
    let (duration, warmup, window) = run_times(&raw, ctx)?;
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
    let shared = Shared {
        demand: &demand,
        duration,
        services: &services,
        calls: &calls,
    };
    let architectures = validate_architectures(&raw, ctx, &shared, prices)?;
    let (architectures, left_out) = report::select(raw.report.as_ref(), architectures, ctx)?;
    let chart_size = report::chart_size(raw.report.as_ref(), ctx)?;
    Ok(Scenario {
        name,
        description: raw.description,
        source: ctx.file.to_path_buf(),
        duration,
        warmup,
        seed: raw.seed,
        replications: raw.replications.map_or(1, |r| r.0),
        sweep: sweep::validate(raw.sweep.as_ref(), ctx)?,
        plan: plan::validate(raw.plan.as_ref(), ctx)?,
        window,
        demand,
        services,
        calls,
        architectures,
        left_out,
        chart_size,
        slo,
        prices: scope,
    })
}

/// The name, which becomes the output folder's name.
fn scenario_name(raw: &RawScenario, ctx: &ErrorContext) -> Result<String, ScenarioError> {
    let name = raw.name.get_ref().trim().to_string();
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return Err(ctx.at(
            Some(raw.name.span()),
            "name",
            "expected a non-empty name without slashes (it names the output folder)",
        ));
    }
    Ok(name)
}

/// `duration`, `warmup` (shorter than it) and the chart `window`.
fn run_times(
    raw: &RawScenario,
    ctx: &ErrorContext,
) -> Result<(SimTime, SimTime, SimTime), ScenarioError> {
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
    crate::limits::pieces(
        "window",
        window,
        duration,
        "time-series rows",
        crate::limits::MAX_WINDOWS,
    )
    .map_err(|m| ctx.at(raw.window.as_ref().map(|w| w.span()), "window", m))?;
    Ok((duration, warmup, window))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid scenario with `extra` added at the top level, on line 4.
    fn with(extra: &str) -> Result<Scenario, ScenarioError> {
        let text = format!(
            "name = \"r\"\nduration = \"2m\"\nseed = 9\n{extra}\n\n[demand]\nshape = \"constant\"\nrps = 20.0\n\n\
             [[services]]\nname = \"api\"\nwork = \"5ms\"\n\n\
             [[architectures]]\nname = \"vm\"\nkind = \"fleet\"\nservers = 2\ninstance = \"m5.large\"\n"
        );
        parse(&text, Path::new("r.toml"))
    }

    #[test]
    fn replications_default_to_one_and_are_not_described() {
        let s = with("").unwrap();
        assert_eq!(s.replications, 1);
        assert!(!s.describe().contains("replications"));
    }

    #[test]
    fn replications_are_read_and_described_after_the_duration() {
        let s = with("replications = 30").unwrap();
        assert_eq!(s.replications, 30);
        let text = s.describe();
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.starts_with("duration"))
            .unwrap();
        assert_eq!(
            lines[at + 1],
            "replications 30 (independent seeds: every stream drawn from (seed, replication, purpose))"
        );
        assert_eq!(with("replications = 10000").unwrap().replications, 10_000);
    }

    #[test]
    fn bad_replications_name_the_file_line_and_key() {
        for (value, found) in [
            ("0", "0"),
            ("-1", "-1"),
            ("10001", "10001"),
            ("2.5", "2.5"),
            ("\"3\"", "\"3\""),
        ] {
            let e = with(&format!("replications = {value}")).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!(
                    "invalid scenario r.toml, line 4, key `replications`: expected a whole \
                     number of replications between 1 and 10000, found {found}"
                ),
                "replications = {value}"
            );
        }
    }

    #[test]
    fn the_command_line_gets_the_same_check() {
        assert_eq!(check_replications(30), Ok(30));
        assert!(check_replications(0).unwrap_err().ends_with("found 0"));
        assert!(check_replications(i64::MAX).is_err());
    }
}
