//! `shape = "trace"`: which keys a trace takes, its `file` and `format`, and
//! the single-series CSV formats (`rate-csv`, `timestamps-csv`). The
//! multi-function Azure formats are handed on to `azure`.

use super::raw::{Format, RawDemand};
use super::{Demand, DemandContext, azure, positive_duration, trace_factor};
use crate::demand::ArrivalMode;
use crate::demand::azure::AzureFormat;
use crate::demand::trace::{Trace, TraceFormat, TraceOptions};
use crate::file_error::{ErrorContext, ScenarioError};
use crate::time::SimTime;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use toml::Spanned;

pub(super) fn validate_trace(
    raw: &RawDemand,
    d: &Spanned<RawDemand>,
    dc: &DemandContext,
    arrivals: ArrivalMode,
) -> Result<Demand, ScenarioError> {
    let ctx = dc.ctx;
    reject_synthetic_keys(raw, ctx)?;
    let (file, format) = file_and_format(raw, d, ctx)?;
    let format = match format {
        Format::RateCsv => TraceFormat::RateCsv,
        Format::TimestampsCsv => TraceFormat::TimestampsCsv,
        Format::AzureFunctions2019 => {
            return azure::validate_azure(raw, file, dc, arrivals, AzureFormat::Minutes2019);
        }
        Format::AzureFunctions2021 => {
            return azure::validate_azure(raw, file, dc, arrivals, AzureFormat::Invocations2021);
        }
    };
    check_csv_keys(raw, format, ctx)?;
    let (written, options) = csv_options(raw, file, format, ctx)?;
    let path = options.path.clone();
    let trace = Trace::load(options, dc.duration).map_err(|e| {
        let line = e.line.map(|l| format!(", line {l}")).unwrap_or_default();
        ctx.at(
            Some(file.span()),
            "demand.file",
            format!("trace {}{line}: {}", path.display(), e.message),
        )
    })?;
    Ok(Demand {
        profile: trace.profile.clone(),
        arrivals,
        description: describe(&written, &trace),
        trace: Some(Arc::new(trace)),
        functions: None,
        redraw: None,
    })
}

/// A trace is replayed as recorded: the synthetic modifiers other than
/// `scale` make no sense on it.
fn reject_synthetic_keys(raw: &RawDemand, ctx: &ErrorContext) -> Result<(), ScenarioError> {
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
    Ok(())
}

fn file_and_format<'a>(
    raw: &'a RawDemand,
    d: &Spanned<RawDemand>,
    ctx: &ErrorContext,
) -> Result<(&'a Spanned<String>, Format), ScenarioError> {
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
    Ok((file, *format.get_ref()))
}

/// Rejects the keys of the other formats.
fn check_csv_keys(
    raw: &RawDemand,
    format: TraceFormat,
    ctx: &ErrorContext,
) -> Result<(), ScenarioError> {
    if let Some((key, span)) = raw.azure_keys().into_iter().next() {
        return Err(ctx.at(
            Some(span),
            &format!("demand.{key}"),
            format!(
                "key `{key}` applies to format = \"azure-functions-2019\" or \"azure-functions-2021\" only"
            ),
        ));
    }
    if let (TraceFormat::TimestampsCsv, Some(b)) = (format, &raw.bucket) {
        return Err(ctx.at(
            Some(b.span()),
            "demand.bucket",
            "key `bucket` applies to format = \"rate-csv\" only",
        ));
    }
    Ok(())
}

/// How to read a CSV trace, and its path as written (for the description).
fn csv_options(
    raw: &RawDemand,
    file: &Spanned<String>,
    format: TraceFormat,
    ctx: &ErrorContext,
) -> Result<(PathBuf, TraceOptions), ScenarioError> {
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
    let (written, path) = (PathBuf::from(file.get_ref()), ctx.resolve(file.get_ref()));
    let options = TraceOptions {
        path,
        format,
        bucket,
        column: raw.column.as_ref().map(|c| c.get_ref().clone()),
        scale,
        speedup,
        start,
        end,
        repeat: raw.repeat.as_ref().is_some_and(|r| *r.get_ref()),
    };
    Ok((written, options))
}

fn describe(written: &std::path::Path, trace: &Trace) -> String {
    let mut description = format!(
        "trace {} ({} rows, {} requests)",
        written.display(),
        trace.rows,
        trace.requests
    );
    let o = &trace.options;
    for (what, v) in [("scaled ×", o.scale), ("sped up ×", o.speedup)] {
        if v != 1.0 {
            description += &format!(", {what} {v}");
        }
    }
    if o.repeat {
        description += ", repeated";
    }
    description
}

impl RawDemand {
    /// The keys of the Azure Functions formats that were given, with where.
    fn azure_keys(&self) -> Vec<(&'static str, Range<usize>)> {
        given!(self; durations, memory, top, functions, triggers, merge)
    }
}
