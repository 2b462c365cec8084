//! What a scenario asks of a trace, and what can be wrong with its file.

use crate::time::SimTime;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceFormat {
    /// `timestamp,requests` rows: the count of requests in each bucket.
    RateCsv,
    /// One row per request; the timestamp column chosen by name.
    TimestampsCsv,
}

/// What the scenario asks of a trace.
#[derive(Clone, Debug)]
pub struct TraceOptions {
    pub path: PathBuf,
    pub format: TraceFormat,
    /// Bucket width of a `rate-csv` (inferred if `None`).
    pub bucket: Option<SimTime>,
    /// The column holding the counts (rate) or the timestamps, by header name.
    pub column: Option<String>,
    pub scale: f64,
    pub speedup: f64,
    /// The window of the trace replayed, from its first row.
    pub start: SimTime,
    pub end: Option<SimTime>,
    pub repeat: bool,
}

/// A problem with a trace file: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceError {
    pub line: Option<u64>,
    pub message: String,
}

impl TraceError {
    pub(super) fn at(line: u64, message: impl Into<String>) -> Self {
        TraceError {
            line: Some(line),
            message: message.into(),
        }
    }
    pub(super) fn file(message: impl Into<String>) -> Self {
        TraceError {
            line: None,
            message: message.into(),
        }
    }
}
