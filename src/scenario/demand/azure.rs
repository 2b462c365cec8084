//! `format = "azure-functions-2019"` and `"azure-functions-2021"`: a
//! multi-function trace, each selected function becoming a service. The
//! 2019 format counts per minute in one file with two companions (durations
//! and memory); the 2021 format records each invocation in one file.

use super::raw::RawDemand;
use super::{Demand, DemandContext, trace_factor};
use crate::demand::ArrivalMode;
use crate::demand::azure::{AzureError, AzureFormat, AzureOptions, AzureTrace};
use crate::file_error::{ErrorContext, ScenarioError};
use crate::scenario::values::Dur;
use crate::time::SimTime;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use toml::Spanned;

/// The 2019 format's durations and memory files.
type Companions<'a> = Option<(&'a Spanned<String>, &'a Spanned<String>)>;

pub(super) fn validate_azure(
    raw: &RawDemand,
    file: &Spanned<String>,
    dc: &DemandContext,
    arrivals: ArrivalMode,
    format: AzureFormat,
) -> Result<Demand, ScenarioError> {
    let ctx = dc.ctx;
    check_unsupported_keys(raw, format, ctx)?;
    if format == AzureFormat::Invocations2021 {
        return load(raw, file, dc, arrivals, format, None);
    }
    let durations = companion(
        &raw.durations,
        "durations",
        "execution-time percentiles",
        file,
        ctx,
    )?;
    let memory = companion(&raw.memory, "memory", "allocated-memory", file, ctx)?;
    load(raw, file, dc, arrivals, format, Some((durations, memory)))
}

fn check_unsupported_keys(
    raw: &RawDemand,
    format: AzureFormat,
    ctx: &ErrorContext,
) -> Result<(), ScenarioError> {
    let mut unsupported = raw.unsupported_azure_keys();
    if format == AzureFormat::Invocations2021 {
        // It records each invocation's time and duration, and no triggers.
        unsupported.extend(given!(raw; durations, memory, triggers));
    }
    match unsupported.into_iter().next() {
        None => Ok(()),
        Some((key, span)) => Err(ctx.at(
            Some(span),
            &format!("demand.{key}"),
            format!(
                "key `{key}` is not supported with format = \"{}\"",
                format.name()
            ),
        )),
    }
}

/// One of the 2019 format's companion files, which it cannot do without.
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

/// Loads a multi-function trace.
fn load(
    raw: &RawDemand,
    file: &Spanned<String>,
    dc: &DemandContext,
    arrivals: ArrivalMode,
    format: AzureFormat,
    companions: Companions,
) -> Result<Demand, ScenarioError> {
    let ctx = dc.ctx;
    let top = top(raw, ctx)?;
    let (written, invocations) = (PathBuf::from(file.get_ref()), ctx.resolve(file.get_ref()));
    let companion =
        |i: usize| companions.map_or_else(PathBuf::new, |c| ctx.resolve([c.0, c.1][i].get_ref()));
    let (start, end) = bounds(raw, format, ctx)?;
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
    let trace = AzureTrace::load(options).map_err(|e| load_error(e, raw, file, companions, ctx))?;
    Ok(Demand {
        profile: trace.profile.clone(),
        arrivals,
        description: describe(&written, format, &trace),
        trace: None,
        functions: Some(Arc::new(trace)),
        redraw: None,
    })
}

fn top(raw: &RawDemand, ctx: &ErrorContext) -> Result<Option<usize>, ScenarioError> {
    match &raw.top {
        None => Ok(None),
        Some(t) if *t.get_ref() >= 1 => Ok(Some(*t.get_ref() as usize)),
        Some(t) => Err(ctx.at(
            Some(t.span()),
            "demand.top",
            format!("expected a number of functions >= 1, found {}", t.get_ref()),
        )),
    }
}

/// `start` and `end`; with the 2019 format, whole minutes, as it counts
/// per minute.
fn bounds(
    raw: &RawDemand,
    format: AzureFormat,
    ctx: &ErrorContext,
) -> Result<(SimTime, Option<SimTime>), ScenarioError> {
    let window = |v: &Option<Spanned<Dur>>, key: &str| -> Result<Option<SimTime>, ScenarioError> {
        let Some(v) = v else { return Ok(None) };
        let t = v.get_ref().0;
        if format == AzureFormat::Minutes2019 && t.as_nanos() % 60_000_000_000 != 0 {
            return Err(ctx.at(
                Some(v.span()),
                &format!("demand.{key}"),
                format!(
                    "expected a whole number of minutes with format = \"{}\" (it counts per minute), found {t}",
                    format.name()
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
    Ok((start, end))
}

/// Points a loading error at the key that named the file or the selection
/// it is about.
fn load_error(
    e: AzureError,
    raw: &RawDemand,
    file: &Spanned<String>,
    companions: Companions,
    ctx: &ErrorContext,
) -> ScenarioError {
    let (key, span) = match (e.key, companions) {
        ("durations", Some((d, _))) => ("demand.durations", d.span()),
        ("memory", Some((_, m))) => ("demand.memory", m.span()),
        ("file", _) => ("demand.file", file.span()),
        ("repeat", _) => (
            "demand.repeat",
            raw.repeat.as_ref().map_or(file.span(), |s| s.span()),
        ),
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
}

fn describe(written: &std::path::Path, format: AzureFormat, trace: &AzureTrace) -> String {
    let mut description = format!(
        "trace {} ({}, {} of {} functions, {} invocations over {} min)",
        written.display(),
        format.name(),
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
    description
}

impl RawDemand {
    /// The trace keys the Azure Functions formats do not support.
    fn unsupported_azure_keys(&self) -> Vec<(&'static str, Range<usize>)> {
        given!(self; bucket, column)
    }
}
