//! The `[demand]` table: its validation into a [`Demand`], either a rate
//! profile over the run or a trace to replay.
//!
//! A synthetic demand is built in two stages, in the order its keys are
//! checked: a base shape (`synthetic`), then the modifiers that multiply it
//! (`modifiers`: weekends, spikes, noise, scale). A trace (`trace`, and
//! `azure` for the multi-function formats) is replayed as recorded and takes
//! none of the modifiers but `scale`. The raw keys live in `raw`.

use super::values::Dur;
use crate::demand::azure::AzureTrace;
use crate::demand::synthetic::SyntheticSpec;
use crate::demand::trace::Trace;
use crate::demand::{ArrivalMode, RateProfile};
use crate::file_error::{ErrorContext, ScenarioError};
use crate::time::SimTime;
use std::sync::Arc;
use toml::Spanned;

/// The keys among those named that a raw table sets, with where.
macro_rules! given {
    ($raw:expr; $($f:ident),* $(,)?) => {{
        let mut v: Vec<(&'static str, std::ops::Range<usize>)> = Vec::new();
        $(
            if let Some(x) = &$raw.$f {
                v.push((stringify!($f), x.span()));
            }
        )*
        v
    }};
}

mod azure;
mod modifiers;
mod raw;
mod synthetic;
mod trace;

pub use raw::RawDemand;
use raw::{Arrivals, Shape};

/// The resolved demand of a scenario.
#[derive(Clone, Debug)]
pub struct Demand {
    /// The rate over time (exact for synthetic shapes).
    pub profile: RateProfile,
    pub arrivals: ArrivalMode,
    /// What the file said, for reports ("constant 180 rps").
    pub description: String,
    /// A recorded trace to replay; `profile` then summarises its rate.
    pub trace: Option<Arc<Trace>>,
    /// A multi-function trace: its functions become the services.
    pub functions: Option<Arc<AzureTrace>>,
    /// For a demand drawn at random (`bursty`, `noise`): its resolved
    /// spec, to draw it again for another replication. `profile` is
    /// replication 0's draw.
    pub redraw: Option<Arc<SyntheticSpec>>,
}

impl Demand {
    /// The rate profile replication `replication` replays. A random shape
    /// (`bursty`, `noise`) is drawn anew for each replication from (seed,
    /// replication, purpose), like every other stream, so that the
    /// intervals across replications include the randomness of the demand
    /// itself; the architectures of one replication share its draw.
    /// Replication 0 is the profile the scenario was validated with;
    /// `seed` is the scenario's.
    pub fn profile_for(&self, seed: u64, replication: u32) -> RateProfile {
        match (&self.redraw, replication) {
            (Some(spec), 1..) => spec.draw(seed, replication),
            _ => self.profile.clone(),
        }
    }
}

/// What validating the demand needs from the rest of the file.
pub(crate) struct DemandContext<'a> {
    pub ctx: &'a ErrorContext<'a>,
    pub duration: SimTime,
    pub window: SimTime,
    pub seed: u64,
}

pub(crate) fn validate_demand(
    d: &Spanned<RawDemand>,
    dc: &DemandContext,
) -> Result<Demand, ScenarioError> {
    let raw = d.get_ref();
    check_shape_keys(raw, dc.ctx)?;
    let arrivals = match raw.arrivals.unwrap_or(Arrivals::Poisson) {
        Arrivals::Poisson => ArrivalMode::Poisson,
        Arrivals::Uniform => ArrivalMode::Uniform,
    };
    if *raw.shape.get_ref() == Shape::Trace {
        return trace::validate_trace(raw, d, dc, arrivals);
    }
    let (base, mut description) = synthetic::base(d, dc)?;
    let factors = modifiers::factors(d, dc, &mut description)?;
    let spec = SyntheticSpec {
        base,
        factors,
        duration: dc.duration,
    };
    // Replication 0's draw: what fleets are sized for and `check` shows.
    let profile = spec.draw(dc.seed, 0);
    let h = dc.duration;
    if profile.cumulative(h) <= 0.0 {
        return Err(dc.ctx.at(
            Some(d.span()),
            "demand",
            format!("the demand has no requests in the run's {h}: expected a rate > 0 somewhere"),
        ));
    }
    Ok(Demand {
        profile,
        arrivals,
        description,
        trace: None,
        functions: None,
        redraw: spec.is_random().then(|| Arc::new(spec)),
    })
}

/// Rejects the first key given that its shape does not take.
fn check_shape_keys(raw: &RawDemand, ctx: &ErrorContext) -> Result<(), ScenarioError> {
    let shape = *raw.shape.get_ref();
    match raw
        .present()
        .into_iter()
        .find(|(k, _)| !shape.keys().contains(k))
    {
        None => Ok(()),
        Some((key, span)) => Err(ctx.at(
            Some(span),
            &format!("demand.{key}"),
            format!("key `{key}` does not apply to shape = \"{}\"", shape.name()),
        )),
    }
}

/// A key the table's shape needs but lacks, pointed at the table itself.
fn need(d: &Spanned<RawDemand>, ctx: &ErrorContext, key: &str, example: &str) -> ScenarioError {
    let shape = d.get_ref().shape.get_ref().name();
    ctx.at(
        Some(d.span()),
        &format!("demand.{key}"),
        format!("shape = \"{shape}\" needs `{key}` ({example})"),
    )
}

pub(crate) fn rate(
    v: &Spanned<f64>,
    key: &str,
    ctx: &ErrorContext,
    allow_zero: bool,
) -> Result<f64, ScenarioError> {
    let r = *v.get_ref();
    let ok = r.is_finite() && (r > 0.0 || (allow_zero && r == 0.0));
    if ok {
        Ok(r)
    } else {
        let what = if allow_zero { ">= 0" } else { "> 0" };
        Err(ctx.at(
            Some(v.span()),
            key,
            format!("expected a rate {what} in requests per second, found {r}"),
        ))
    }
}

/// A trace's `scale` or `speedup`: a factor > 0, 1 if not given.
fn trace_factor(
    v: &Option<Spanned<f64>>,
    key: &str,
    ctx: &ErrorContext,
) -> Result<f64, ScenarioError> {
    match v {
        None => Ok(1.0),
        Some(x) if x.get_ref().is_finite() && *x.get_ref() > 0.0 => Ok(*x.get_ref()),
        Some(x) => Err(ctx.at(
            Some(x.span()),
            key,
            format!("expected a factor > 0, found {}", x.get_ref()),
        )),
    }
}

/// A multiplying factor: finite and >= 0.
fn factor(v: &Spanned<f64>, key: &str, ctx: &ErrorContext) -> Result<f64, ScenarioError> {
    let f = *v.get_ref();
    if f.is_finite() && f >= 0.0 {
        Ok(f)
    } else {
        Err(ctx.at(
            Some(v.span()),
            key,
            format!("expected a factor >= 0, found {f}"),
        ))
    }
}

fn positive_duration(
    v: &Spanned<Dur>,
    key: &str,
    ctx: &ErrorContext,
) -> Result<SimTime, ScenarioError> {
    let t = v.get_ref().0;
    if t == SimTime::ZERO {
        Err(ctx.at(Some(v.span()), key, "expected a duration > 0"))
    } else {
        Ok(t)
    }
}
