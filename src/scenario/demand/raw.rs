//! The `[demand]` table as written: serde structs mirroring its keys, with
//! unknown keys denied, and which shape-specific keys each shape takes.
//! Kept apart from the validation so that `scenario::raw` can name the
//! table without pulling in how it is checked.

use crate::scenario::values::Dur;
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;

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
    pub(super) fn name(self) -> &'static str {
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
    pub(super) fn keys(self) -> &'static [&'static str] {
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

#[derive(Clone, Debug, Deserialize)]
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
    pub(super) fn present(&self) -> Vec<(&'static str, Range<usize>)> {
        given!(
            self; rps, steps, from_rps, to_rps, over, min_rps, peak_rps, peak_at,
            weekend_factor, hourly, states, at, rise, hold, decay, multiplier,
            file, format, bucket, column, speedup, start, end, repeat,
            durations, memory, top, functions, triggers, merge
        )
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub at: Dur,
    pub rps: Spanned<f64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawState {
    pub rps: Spanned<f64>,
    pub mean_sojourn: Spanned<Dur>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpike {
    pub at: Dur,
    pub rise: Option<Dur>,
    pub hold: Option<Dur>,
    pub decay: Option<Dur>,
    pub multiplier: Spanned<f64>,
}
