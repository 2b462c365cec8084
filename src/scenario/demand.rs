//! The `[demand]` table: its raw keys as written, and their validation into
//! a [`Demand`] (a rate profile over the run, or a trace to replay).

use super::error::{ErrorContext, ScenarioError};
use super::values::Dur;
use crate::demand::azure::{AzureFormat, AzureOptions, AzureTrace};
use crate::demand::shapes::{self, BurstState, Spike};
use crate::demand::trace::{Trace, TraceFormat, TraceOptions};
use crate::demand::{ArrivalMode, RateProfile, Segment};
use crate::rng;
use crate::time::SimTime;
use serde::Deserialize;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use toml::Spanned;

/// The keys among those named that a raw table sets, with where.
macro_rules! given {
    ($raw:expr; $($f:ident),* $(,)?) => {{
        let mut v: Vec<(&'static str, Range<usize>)> = Vec::new();
        $(
            if let Some(x) = &$raw.$f {
                v.push((stringify!($f), x.span()));
            }
        )*
        v
    }};
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    Constant,
    Steps,
    Ramp,
    Diurnal,
    Hourly,
    Spike,
    Bursty,
    Trace,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    RateCsv,
    TimestampsCsv,
    #[serde(rename = "azure-functions-2019")]
    AzureFunctions2019,
    #[serde(rename = "azure-functions-2021")]
    AzureFunctions2021,
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::Constant => "constant",
            Shape::Steps => "steps",
            Shape::Ramp => "ramp",
            Shape::Diurnal => "diurnal",
            Shape::Hourly => "hourly",
            Shape::Spike => "spike",
            Shape::Bursty => "bursty",
            Shape::Trace => "trace",
        }
    }

    /// The shape-specific keys it takes (the common ones are always allowed).
    fn keys(self) -> &'static [&'static str] {
        match self {
            Shape::Constant => &["rps"],
            Shape::Steps => &["steps"],
            Shape::Ramp => &["from_rps", "to_rps", "over"],
            Shape::Diurnal => &["min_rps", "peak_rps", "peak_at", "weekend_factor"],
            Shape::Hourly => &["hourly", "weekend_factor"],
            Shape::Spike => &["rps", "at", "rise", "hold", "decay", "multiplier"],
            Shape::Bursty => &["states"],
            Shape::Trace => &[
                "file",
                "format",
                "bucket",
                "column",
                "speedup",
                "start",
                "end",
                "repeat",
                "durations",
                "memory",
                "top",
                "functions",
                "triggers",
                "merge",
            ],
        }
    }
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Arrivals {
    Poisson,
    Uniform,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDemand {
    pub shape: Spanned<Shape>,
    pub arrivals: Option<Arrivals>,
    pub rps: Option<Spanned<f64>>,
    pub steps: Option<Spanned<Vec<RawStep>>>,
    pub from_rps: Option<Spanned<f64>>,
    pub to_rps: Option<Spanned<f64>>,
    pub over: Option<Spanned<Dur>>,
    pub min_rps: Option<Spanned<f64>>,
    pub peak_rps: Option<Spanned<f64>>,
    pub peak_at: Option<Spanned<String>>,
    pub weekend_factor: Option<Spanned<f64>>,
    pub hourly: Option<Spanned<Vec<f64>>>,
    pub states: Option<Spanned<Vec<RawState>>>,
    pub at: Option<Spanned<Dur>>,
    pub rise: Option<Spanned<Dur>>,
    pub hold: Option<Spanned<Dur>>,
    pub decay: Option<Spanned<Dur>>,
    pub multiplier: Option<Spanned<f64>>,
    #[serde(default)]
    pub events: Vec<Spanned<RawSpike>>,
    pub noise: Option<Spanned<f64>>,
    pub noise_window: Option<Spanned<Dur>>,
    pub scale: Option<Spanned<f64>>,
    pub file: Option<Spanned<String>>,
    pub format: Option<Spanned<Format>>,
    pub bucket: Option<Spanned<Dur>>,
    pub column: Option<Spanned<String>>,
    pub speedup: Option<Spanned<f64>>,
    pub start: Option<Spanned<Dur>>,
    pub end: Option<Spanned<Dur>>,
    pub repeat: Option<Spanned<bool>>,
    pub durations: Option<Spanned<String>>,
    pub memory: Option<Spanned<String>>,
    pub top: Option<Spanned<i64>>,
    pub functions: Option<Spanned<Vec<String>>>,
    pub triggers: Option<Spanned<Vec<String>>>,
    pub merge: Option<Spanned<bool>>,
}

impl RawDemand {
    /// The shape-specific keys that were given, with where.
    fn present(&self) -> Vec<(&'static str, Range<usize>)> {
        given!(
            self; rps, steps, from_rps, to_rps, over, min_rps, peak_rps, peak_at,
            weekend_factor, hourly, states, at, rise, hold, decay, multiplier,
            file, format, bucket, column, speedup, start, end, repeat,
            durations, memory, top, functions, triggers, merge
        )
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub at: Dur,
    pub rps: Spanned<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawState {
    pub rps: Spanned<f64>,
    pub mean_sojourn: Spanned<Dur>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpike {
    pub at: Dur,
    pub rise: Option<Dur>,
    pub hold: Option<Dur>,
    pub decay: Option<Dur>,
    pub multiplier: Spanned<f64>,
}

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
    let ctx = dc.ctx;
    let shape = *raw.shape.get_ref();
    if let Some((key, span)) = raw
        .present()
        .into_iter()
        .find(|(k, _)| !shape.keys().contains(k))
    {
        return Err(ctx.at(
            Some(span),
            &format!("demand.{key}"),
            format!("key `{key}` does not apply to shape = \"{}\"", shape.name()),
        ));
    }
    let arrivals = match raw.arrivals.unwrap_or(Arrivals::Poisson) {
        Arrivals::Poisson => ArrivalMode::Poisson,
        Arrivals::Uniform => ArrivalMode::Uniform,
    };
    let need = |key: &str, example: &str| {
        ctx.at(
            Some(d.span()),
            &format!("demand.{key}"),
            format!("shape = \"{}\" needs `{key}` ({example})", shape.name()),
        )
    };
    let h = dc.duration;
    let (mut profile, mut description) = match shape {
        Shape::Constant | Shape::Spike => {
            let rps = raw.rps.as_ref().ok_or_else(|| need("rps", "rps = 100"))?;
            let r = rate(rps, "demand.rps", ctx, false)?;
            (RateProfile::constant(r), format!("constant {r} rps"))
        }
        Shape::Steps => steps(raw, d, ctx)?,
        Shape::Ramp => {
            let from = raw
                .from_rps
                .as_ref()
                .ok_or_else(|| need("from_rps", "from_rps = 10"))?;
            let to = raw
                .to_rps
                .as_ref()
                .ok_or_else(|| need("to_rps", "to_rps = 100"))?;
            let over = raw
                .over
                .as_ref()
                .ok_or_else(|| need("over", "over = \"1h\""))?;
            let (a, b) = (
                rate(from, "demand.from_rps", ctx, true)?,
                rate(to, "demand.to_rps", ctx, true)?,
            );
            let o = positive_duration(over, "demand.over", ctx)?;
            if a == 0.0 && b == 0.0 {
                return Err(ctx.at(
                    Some(to.span()),
                    "demand.to_rps",
                    "a ramp from 0 to 0 has no requests: expected a rate > 0",
                ));
            }
            (
                shapes::ramp(a, b, o),
                format!("ramp {a} → {b} rps over {o}"),
            )
        }
        Shape::Diurnal => {
            let min = raw
                .min_rps
                .as_ref()
                .ok_or_else(|| need("min_rps", "min_rps = 20"))?;
            let peak = raw
                .peak_rps
                .as_ref()
                .ok_or_else(|| need("peak_rps", "peak_rps = 200"))?;
            let (lo, hi) = (
                rate(min, "demand.min_rps", ctx, true)?,
                rate(peak, "demand.peak_rps", ctx, false)?,
            );
            if lo > hi {
                return Err(ctx.at(
                    Some(min.span()),
                    "demand.min_rps",
                    format!("expected min_rps <= peak_rps ({hi}), found {lo}"),
                ));
            }
            let at = match &raw.peak_at {
                Some(p) => time_of_day(p.get_ref())
                    .map_err(|m| ctx.at(Some(p.span()), "demand.peak_at", m))?,
                None => SimTime::from_secs(13 * 3600),
            };
            (
                shapes::diurnal(lo, hi, at, h),
                format!("diurnal {lo}–{hi} rps, peak at {}", clock(at)),
            )
        }
        Shape::Hourly => {
            let v = raw
                .hourly
                .as_ref()
                .ok_or_else(|| need("hourly", "24 rates, one per hour"))?;
            let values: [f64; 24] = v.get_ref().as_slice().try_into().map_err(|_| {
                ctx.at(
                    Some(v.span()),
                    "demand.hourly",
                    format!(
                        "expected 24 values (00:00 to 23:00), found {}",
                        v.get_ref().len()
                    ),
                )
            })?;
            if let Some(x) = values.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
                return Err(ctx.at(
                    Some(v.span()),
                    "demand.hourly",
                    format!("expected rates >= 0, found {x}"),
                ));
            }
            if values.iter().all(|x| *x == 0.0) {
                return Err(ctx.at(
                    Some(v.span()),
                    "demand.hourly",
                    "expected at least one rate > 0",
                ));
            }
            (shapes::hourly(&values, h), "hourly rates".to_string())
        }
        Shape::Bursty => bursty(raw, d, dc)?,
        Shape::Trace => return trace(raw, d, dc, arrivals),
    };
    if let Some(w) = &raw.weekend_factor {
        let f = factor(w, "demand.weekend_factor", ctx)?;
        profile = profile.times(&shapes::weekend(f, h), shapes::PRODUCT_PIECE);
        description += &format!(", weekends × {f}");
    }
    let mut spikes = Vec::new();
    if shape == Shape::Spike {
        let at = raw.at.as_ref().ok_or_else(|| need("at", "at = \"2h\""))?;
        let m = raw
            .multiplier
            .as_ref()
            .ok_or_else(|| need("multiplier", "multiplier = 10"))?;
        let get = |x: &Option<Spanned<Dur>>| x.as_ref().map_or(SimTime::ZERO, |v| v.get_ref().0);
        spikes.push(Spike {
            at: at.get_ref().0,
            rise: get(&raw.rise),
            hold: get(&raw.hold),
            decay: get(&raw.decay),
            multiplier: factor(m, "demand.multiplier", ctx)?,
        });
    }
    for (i, e) in raw.events.iter().enumerate() {
        let r = e.get_ref();
        let get = |x: &Option<Dur>| x.map_or(SimTime::ZERO, |v| v.0);
        spikes.push(Spike {
            at: r.at.0,
            rise: get(&r.rise),
            hold: get(&r.hold),
            decay: get(&r.decay),
            multiplier: factor(
                &r.multiplier,
                &format!("demand.events[{i}].multiplier"),
                ctx,
            )?,
        });
    }
    for s in &spikes {
        profile = profile.times(&s.envelope(), shapes::PRODUCT_PIECE);
        description += &format!(
            ", × {} spike at {} for {}",
            s.multiplier,
            s.at,
            s.rise + s.hold + s.decay
        );
    }
    if let Some(n) = &raw.noise {
        let cv = *n.get_ref();
        if !(cv.is_finite() && (0.0..=10.0).contains(&cv)) {
            return Err(ctx.at(
                Some(n.span()),
                "demand.noise",
                format!("expected a coefficient of variation between 0 and 10, found {cv}"),
            ));
        }
        let w = match &raw.noise_window {
            Some(w) => positive_duration(w, "demand.noise_window", ctx)?,
            None => dc.window,
        };
        let mut r = rng::stream(dc.seed, 0, rng::purpose::DEMAND_NOISE);
        profile = profile.times(&shapes::noise(cv, w, h, &mut r), shapes::PRODUCT_PIECE);
        description += &format!(", noise {cv} per {w}");
    } else if let Some(w) = &raw.noise_window {
        return Err(ctx.at(
            Some(w.span()),
            "demand.noise_window",
            "`noise_window` needs `noise` (the coefficient of variation per window)",
        ));
    }
    if let Some(s) = &raw.scale {
        let f = factor(s, "demand.scale", ctx)?;
        profile = profile.scaled(f);
        description += &format!(", scaled × {f}");
    }
    if profile.cumulative(h) <= 0.0 {
        return Err(ctx.at(
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
    })
}

fn trace(
    raw: &RawDemand,
    d: &Spanned<RawDemand>,
    dc: &DemandContext,
    arrivals: ArrivalMode,
) -> Result<Demand, ScenarioError> {
    let ctx = dc.ctx;
    if let Some(e) = raw.events.first() {
        return Err(ctx.at(
            Some(e.span()),
            "demand.events",
            "`events` do not apply to shape = \"trace\" (a trace is replayed as recorded)",
        ));
    }
    if let Some(n) = &raw.noise {
        return Err(ctx.at(
            Some(n.span()),
            "demand.noise",
            "key `noise` does not apply to shape = \"trace\"",
        ));
    }
    let file = raw.file.as_ref().ok_or_else(|| {
        ctx.at(
            Some(d.span()),
            "demand.file",
            "shape = \"trace\" needs `file` (a path relative to this scenario's folder)",
        )
    })?;
    let format = raw.format.as_ref().ok_or_else(|| {
        ctx.at(
            Some(d.span()),
            "demand.format",
            "shape = \"trace\" needs `format` (\"rate-csv\", \"timestamps-csv\" or \"azure-functions-2019\")",
        )
    })?;
    let format_kind = match format.get_ref() {
        Format::RateCsv => TraceFormat::RateCsv,
        Format::TimestampsCsv => TraceFormat::TimestampsCsv,
        Format::AzureFunctions2019 => {
            return azure_trace(raw, file, dc, arrivals, AzureFormat::Minutes2019);
        }
        Format::AzureFunctions2021 => {
            return azure_trace(raw, file, dc, arrivals, AzureFormat::Invocations2021);
        }
    };
    if let Some((key, span)) = raw.azure_keys().into_iter().next() {
        return Err(ctx.at(
            Some(span),
            &format!("demand.{key}"),
            format!(
                "key `{key}` applies to format = \"azure-functions-2019\" or \"azure-functions-2021\" only"
            ),
        ));
    }
    if let (TraceFormat::TimestampsCsv, Some(b)) = (format_kind, &raw.bucket) {
        return Err(ctx.at(
            Some(b.span()),
            "demand.bucket",
            "key `bucket` applies to format = \"rate-csv\" only",
        ));
    }
    let scale = trace_factor(&raw.scale, "demand.scale", ctx)?;
    let speedup = trace_factor(&raw.speedup, "demand.speedup", ctx)?;
    let start = raw.start.as_ref().map_or(SimTime::ZERO, |s| s.get_ref().0);
    let end = raw.end.as_ref().map(|e| e.get_ref().0);
    if let (Some(e), Some(span)) = (end, raw.end.as_ref().map(|e| e.span()))
        && e <= start
    {
        return Err(ctx.at(
            Some(span),
            "demand.end",
            format!("expected `end` after `start` ({start}), found {e}"),
        ));
    }
    let bucket = match &raw.bucket {
        Some(b) => Some(positive_duration(b, "demand.bucket", ctx)?),
        None => None,
    };
    let (written, path) = relative_path(file.get_ref(), ctx);
    let options = TraceOptions {
        path: path.clone(),
        format: format_kind,
        bucket,
        column: raw.column.as_ref().map(|c| c.get_ref().clone()),
        scale,
        speedup,
        start,
        end,
        repeat: raw.repeat.as_ref().is_some_and(|r| *r.get_ref()),
    };
    let trace = Trace::load(options, dc.duration).map_err(|e| {
        let line = e.line.map(|l| format!(", line {l}")).unwrap_or_default();
        ctx.at(
            Some(file.span()),
            "demand.file",
            format!("trace {}{line}: {}", path.display(), e.message),
        )
    })?;
    let mut description = format!(
        "trace {} ({} rows, {} requests)",
        written.display(),
        trace.rows,
        trace.requests
    );
    for (what, v) in [("scaled ×", scale), ("sped up ×", speedup)] {
        if v != 1.0 {
            description += &format!(", {what} {v}");
        }
    }
    if trace.options.repeat {
        description += ", repeated";
    }
    Ok(Demand {
        profile: trace.profile.clone(),
        arrivals,
        description,
        trace: Some(Arc::new(trace)),
        functions: None,
    })
}

/// A path as written, and resolved against the scenario file's folder.
fn relative_path(written: &str, ctx: &ErrorContext) -> (PathBuf, PathBuf) {
    let written = PathBuf::from(written);
    let path = match ctx.file.parent() {
        Some(dir) if written.is_relative() => dir.join(&written),
        _ => written.clone(),
    };
    (written, path)
}

impl RawDemand {
    /// The keys of the Azure Functions format that were given, with where.
    fn azure_keys(&self) -> Vec<(&'static str, Range<usize>)> {
        given!(self; durations, memory, top, functions, triggers, merge)
    }

    /// The trace keys the Azure Functions formats do not support.
    fn unsupported_azure_keys(&self) -> Vec<(&'static str, Range<usize>)> {
        given!(self; bucket, column)
    }
}

/// `format = "azure-functions-2019"`: the invocations file and its two
/// companions; each selected function becomes a service.
fn azure_trace(
    raw: &RawDemand,
    file: &Spanned<String>,
    dc: &DemandContext,
    arrivals: ArrivalMode,
    format: AzureFormat,
) -> Result<Demand, ScenarioError> {
    let ctx = dc.ctx;
    let name = format.name();
    let mut unsupported = raw.unsupported_azure_keys();
    if format == AzureFormat::Invocations2021 {
        // It records each invocation's time and duration, and no triggers.
        unsupported.extend(given!(raw; durations, memory, triggers));
    }
    if let Some((key, span)) = unsupported.into_iter().next() {
        return Err(ctx.at(
            Some(span),
            &format!("demand.{key}"),
            format!("key `{key}` is not supported with format = \"{name}\""),
        ));
    }
    if format == AzureFormat::Invocations2021 {
        return azure_load(raw, file, dc, arrivals, format, None);
    }
    fn companion<'a>(
        v: &'a Option<Spanned<String>>,
        key: &str,
        example: &str,
        file: &Spanned<String>,
        ctx: &ErrorContext,
    ) -> Result<&'a Spanned<String>, ScenarioError> {
        v.as_ref().ok_or_else(|| {
            ctx.at(
                Some(file.span()),
                &format!("demand.{key}"),
                format!(
                    "format = \"azure-functions-2019\" needs `{key}` (the {example} file, e.g. {key} = \"{key}.csv\")"
                ),
            )
        })
    }
    let durations = companion(
        &raw.durations,
        "durations",
        "execution-time percentiles",
        file,
        ctx,
    )?;
    let memory = companion(&raw.memory, "memory", "allocated-memory", file, ctx)?;
    azure_load(raw, file, dc, arrivals, format, Some((durations, memory)))
}

/// Loads a multi-function trace; `companions` are the 2019 format's
/// durations and memory files.
fn azure_load(
    raw: &RawDemand,
    file: &Spanned<String>,
    dc: &DemandContext,
    arrivals: ArrivalMode,
    format: AzureFormat,
    companions: Option<(&Spanned<String>, &Spanned<String>)>,
) -> Result<Demand, ScenarioError> {
    let ctx = dc.ctx;
    let name = format.name();
    let top = match &raw.top {
        None => None,
        Some(t) if *t.get_ref() >= 1 => Some(*t.get_ref() as usize),
        Some(t) => {
            return Err(ctx.at(
                Some(t.span()),
                "demand.top",
                format!("expected a number of functions >= 1, found {}", t.get_ref()),
            ));
        }
    };
    let (written, invocations) = relative_path(file.get_ref(), ctx);
    let companion = |i: usize| {
        companions.map_or_else(PathBuf::new, |c| {
            relative_path([c.0, c.1][i].get_ref(), ctx).1
        })
    };
    // 2019 counts per minute: its window is whole minutes.
    let window = |v: &Option<Spanned<Dur>>, key: &str| -> Result<Option<SimTime>, ScenarioError> {
        let Some(v) = v else { return Ok(None) };
        let t = v.get_ref().0;
        if format == AzureFormat::Minutes2019 && t.as_nanos() % 60_000_000_000 != 0 {
            return Err(ctx.at(
                Some(v.span()),
                &format!("demand.{key}"),
                format!(
                    "expected a whole number of minutes with format = \"{name}\" (it counts per minute), found {t}"
                ),
            ));
        }
        Ok(Some(t))
    };
    let start = window(&raw.start, "start")?.unwrap_or(SimTime::ZERO);
    let end = window(&raw.end, "end")?;
    if let (Some(e), Some(span)) = (end, raw.end.as_ref().map(|e| e.span()))
        && e <= start
    {
        return Err(ctx.at(Some(span), "demand.end", "expected `end` after `start`"));
    }
    let speedup = trace_factor(&raw.speedup, "demand.speedup", ctx)?;
    let scale = trace_factor(&raw.scale, "demand.scale", ctx)?;
    let options = AzureOptions {
        start,
        end,
        scale,
        speedup,
        repeat: raw.repeat.as_ref().is_some_and(|r| *r.get_ref()),
        horizon: dc.duration,
        format,
        invocations,
        durations: companion(0),
        memory: companion(1),
        top,
        functions: raw.functions.as_ref().map(|f| f.get_ref().clone()),
        triggers: raw.triggers.as_ref().map(|f| f.get_ref().clone()),
        merge: raw.merge.as_ref().is_some_and(|m| *m.get_ref()),
    };
    let trace = AzureTrace::load(options).map_err(|e| {
        let (key, span) = match (e.key, companions) {
            ("durations", Some((d, _))) => ("demand.durations", d.span()),
            ("memory", Some((_, m))) => ("demand.memory", m.span()),
            ("file", _) => ("demand.file", file.span()),
            ("start", _) => (
                "demand.start",
                raw.start.as_ref().map_or(file.span(), |s| s.span()),
            ),
            _ => match (&raw.functions, &raw.triggers) {
                (Some(f), _) if e.message.contains("function \"") => ("demand.functions", f.span()),
                (_, Some(t)) if e.message.contains("trigger") => ("demand.triggers", t.span()),
                _ => ("demand.file", file.span()),
            },
        };
        let message = if e.key.is_empty() {
            e.message
        } else {
            let line = e.line.map(|l| format!(", line {l}")).unwrap_or_default();
            format!("trace {}{line}: {}", e.path.display(), e.message)
        };
        ctx.at(Some(span), key, message)
    })?;
    let mut description = format!(
        "trace {} ({name}, {} of {} functions, {} invocations over {} min)",
        written.display(),
        trace.functions.len(),
        trace.file_functions,
        trace.requests,
        trace.minutes
    );
    let o = &trace.options;
    if o.start > SimTime::ZERO || o.end.is_some() {
        let to = o
            .end
            .map_or_else(|| "the end".to_string(), |e| e.to_string());
        description += &format!(", from {} to {to}", o.start);
    }
    for (what, v) in [("scaled ×", o.scale), ("sped up ×", o.speedup)] {
        if v != 1.0 {
            description += &format!(", {what} {v}");
        }
    }
    if o.repeat {
        description += ", repeated";
    }
    if o.merge {
        description += ", merged into one service";
    }
    Ok(Demand {
        profile: trace.profile.clone(),
        arrivals,
        description,
        trace: None,
        functions: Some(Arc::new(trace)),
    })
}

fn steps(
    raw: &RawDemand,
    d: &Spanned<RawDemand>,
    ctx: &ErrorContext,
) -> Result<(RateProfile, String), ScenarioError> {
    let steps = raw.steps.as_ref().ok_or_else(|| {
        ctx.at(
            Some(d.span()),
            "demand.steps",
            "shape = \"steps\" needs `steps = [{ at = \"0s\", rps = 50 }, …]`",
        )
    })?;
    let mut segments = Vec::new();
    for (i, s) in steps.get_ref().iter().enumerate() {
        let r = rate(&s.rps, &format!("demand.steps[{i}].rps"), ctx, true)?;
        segments.push(Segment::flat(s.at.0, r));
    }
    let mut starts: Vec<SimTime> = segments.iter().map(|s| s.start).collect();
    starts.sort();
    if starts.windows(2).any(|w| w[0] == w[1]) {
        return Err(ctx.at(
            Some(steps.span()),
            "demand.steps",
            "two steps start at the same time",
        ));
    }
    if segments.iter().all(|s| s.rate == 0.0) {
        return Err(ctx.at(
            Some(steps.span()),
            "demand.steps",
            "expected at least one step with a rate > 0",
        ));
    }
    let n = segments.len();
    Ok((RateProfile::steps(segments), format!("{n} steps")))
}

fn bursty(
    raw: &RawDemand,
    d: &Spanned<RawDemand>,
    dc: &DemandContext,
) -> Result<(RateProfile, String), ScenarioError> {
    let ctx = dc.ctx;
    let states = raw.states.as_ref().ok_or_else(|| {
        ctx.at(
            Some(d.span()),
            "demand.states",
            "shape = \"bursty\" needs `states = [{ rps = 10, mean_sojourn = \"5m\" }, { rps = 200, mean_sojourn = \"30s\" }]`",
        )
    })?;
    let mut list = Vec::new();
    for (i, s) in states.get_ref().iter().enumerate() {
        list.push(BurstState {
            rate: rate(&s.rps, &format!("demand.states[{i}].rps"), ctx, true)?,
            mean_sojourn: positive_duration(
                &s.mean_sojourn,
                &format!("demand.states[{i}].mean_sojourn"),
                ctx,
            )?,
        });
    }
    if list.len() < 2 {
        return Err(ctx.at(
            Some(states.span()),
            "demand.states",
            format!("expected at least 2 states, found {}", list.len()),
        ));
    }
    let mut r = rng::stream(dc.seed, 0, rng::purpose::DEMAND_BURSTS);
    let n = list.len();
    Ok((
        shapes::bursty(&list, dc.duration, &mut r),
        format!("bursty, {n} states"),
    ))
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

/// A multiplying factor: finite and >= 0.
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

/// "13:00" or "13:30:15" → time since midnight.
fn time_of_day(s: &str) -> Result<SimTime, String> {
    let bad = || format!("expected a time of day such as \"13:00\", found \"{s}\"");
    let parts: Vec<&str> = s.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(bad());
    }
    let num = |p: &str, max: u64| {
        p.parse::<u64>()
            .ok()
            .filter(|v| *v < max && p.len() == 2)
            .ok_or_else(bad)
    };
    let h = num(parts[0], 24)?;
    let m = num(parts[1], 60)?;
    let sec = parts.get(2).map_or(Ok(0), |p| num(p, 60))?;
    Ok(SimTime::from_secs(h * 3600 + m * 60 + sec))
}

fn clock(t: SimTime) -> String {
    let s = t.as_nanos() / 1_000_000_000;
    format!("{:02}:{:02}", s / 3600, s / 60 % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_of_day_reads_hours_minutes_and_seconds() {
        assert_eq!(time_of_day("13:00"), Ok(SimTime::from_secs(46_800)));
        assert_eq!(time_of_day("00:01:30"), Ok(SimTime::from_secs(90)));
        assert!(time_of_day("24:00").is_err());
        assert!(time_of_day("1pm").is_err());
        assert!(time_of_day("7:00").is_err());
    }
}
