//! What a scenario asks of a multi-function trace, what loading finds, and
//! what can be wrong with its files.

use crate::demand::RateProfile;
use crate::dist::Dist;
use crate::time::SimTime;
use std::path::PathBuf;

/// The two Azure Functions trace formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AzureFormat {
    /// 2019: per-minute counts per function, with companion files.
    #[default]
    Minutes2019,
    /// 2021: one row per invocation, `app,func,end_timestamp,duration`.
    Invocations2021,
}

impl AzureFormat {
    /// As written in a scenario's `format`.
    pub fn name(self) -> &'static str {
        match self {
            AzureFormat::Minutes2019 => "azure-functions-2019",
            AzureFormat::Invocations2021 => "azure-functions-2021",
        }
    }
}

/// Which functions of the trace to replay, and the files.
#[derive(Clone, Debug, Default)]
pub struct AzureOptions {
    pub format: AzureFormat,
    pub invocations: PathBuf,
    pub durations: PathBuf,
    pub memory: PathBuf,
    /// Keep the N functions with the most invocations (after the filters).
    pub top: Option<usize>,
    /// Keep only these functions (full HashFunction or its short name).
    pub functions: Option<Vec<String>>,
    /// Keep only functions with one of these triggers.
    pub triggers: Option<Vec<String>>,
    /// All selected functions as one service.
    pub merge: bool,
    /// The window replayed, [start, end) from the trace's first minute
    /// column (2019: whole minutes) or its first invocation (2021).
    pub start: SimTime,
    pub end: Option<SimTime>,
    /// Rate multiplier: each recorded invocation becomes ⌊scale⌋ copies
    /// plus one more with probability scale − ⌊scale⌋.
    pub scale: f64,
    /// A trace minute lasts 1/speedup minutes.
    pub speedup: f64,
    /// Loop the replayed window until the run ends.
    pub repeat: bool,
    /// The run's length (for the rate summary of a repeated trace).
    pub horizon: SimTime,
}

/// One selected function.
#[derive(Clone, Debug)]
pub struct AzureFunction {
    pub hash: String,
    /// A short stable name (the first 8 hex digits, longer on collisions).
    pub name: String,
    pub trigger: String,
    /// Invocations over the whole trace.
    pub total: u64,
    pub work: Dist,
    /// Average allocated memory, clamped to 128–10240 MB (2019 only).
    pub memory_mb: Option<f64>,
    /// Its busiest minute within the run, in invocations per second of
    /// simulated time (after `scale` and `speedup`): what a fleet of its
    /// own is sized for.
    pub peak_rps: f64,
}

/// A problem with one of the files: which, where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureError {
    /// The scenario key naming the file (`file`, `durations`, `memory`), or
    /// `""` for a problem with the selection.
    pub key: &'static str,
    pub path: PathBuf,
    pub line: Option<u64>,
    pub message: String,
}

/// What loading either format finds: the selected functions and the
/// totals, before the replay state is added to make an `AzureTrace`.
pub(super) struct Summary {
    pub functions: Vec<AzureFunction>,
    pub minutes: usize,
    pub rows: u64,
    pub file_functions: usize,
    pub requests: u64,
    pub profile: RateProfile,
}
