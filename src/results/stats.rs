//! Per-run statistics of one architecture: request counts, latency and wait
//! histograms, time integrals (busy slots, queue, requests in system,
//! servers) and the windowed time series.
//!
//! Everything streams. Windows close as simulated time passes their end
//! (events arrive in time order), so the only per-window state kept is one
//! finished row per window; a run's memory is fixed by its duration and
//! window, never by its number of requests.
//!
//! # Layout
//! The types a finished run hands over are here; the [`Collector`] that a
//! model feeds while it runs is in `collector`, and the [`Level`] a model
//! keeps beside it (per service, per function) in `level`.

use crate::results::metrics::Histogram;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

mod collector;
mod level;

pub use collector::Collector;
pub use level::{Level, LevelSummary};

/// Counts of requests that arrived in the measured period (after warmup).
/// Conservation: arrived = completed + rejected + throttled + timed_out +
/// interrupted + in_flight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestCounts {
    pub arrived: u64,
    pub completed: u64,
    pub rejected: u64,
    /// Failed because a synchronous invocation hit a serverless limit (429).
    pub throttled: u64,
    pub timed_out: u64,
    pub in_flight: u64,
    /// Failed because work they had running was lost to a spot
    /// interruption (absent from the JSON when none was).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub interrupted: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl RequestCounts {
    /// Requests that failed: rejected, throttled, timed out or lost to a
    /// spot interruption.
    pub fn errors(&self) -> u64 {
        self.rejected + self.throttled + self.timed_out + self.interrupted
    }
}

/// One time-series window.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WindowRow {
    pub start_s: f64,
    pub arrivals: u64,
    pub completions: u64,
    pub rejected: u64,
    pub throttled: u64,
    pub timed_out: u64,
    /// Lost to spot interruptions.
    #[serde(default)]
    pub interrupted: u64,
    /// Instances started cold in the window (serverless).
    pub cold_starts: u64,
    /// Time-averaged over the window.
    pub busy_slots: f64,
    pub queue_length: f64,
    pub in_system: f64,
    pub servers: f64,
    /// Serverless: warm instances doing nothing, and provisioned instances.
    pub idle_instances: f64,
    pub provisioned_instances: f64,
    /// Autoscaled: servers launched but not serving yet, and servers
    /// draining (included in `servers`).
    pub booting_servers: f64,
    pub draining_servers: f64,
    /// p99 latency of the requests that completed in the window (0 if none).
    pub p99_ms: f64,
    /// The other percentiles an SLO may name, likewise.
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p95_ms: f64,
    pub p999_ms: f64,
    /// Cumulative cost at the end of the window.
    pub cost_usd: f64,
}

impl WindowRow {
    /// Requests that failed in the window, whatever the cause.
    pub fn errors(&self) -> u64 {
        self.rejected + self.throttled + self.timed_out + self.interrupted
    }

    /// The window's latency at percentile `p` (50, 90, 95, 99 or 99.9).
    pub fn latency_ms_at(&self, p: f64) -> f64 {
        match p {
            50.0 => self.p50_ms,
            90.0 => self.p90_ms,
            95.0 => self.p95_ms,
            99.9 => self.p999_ms,
            _ => self.p99_ms,
        }
    }
}

/// Time integrals, in (count × nanoseconds), exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Areas {
    pub busy: u128,
    pub queue: u128,
    pub in_system: u128,
    pub servers: u128,
    pub idle: u128,
    pub provisioned: u128,
    pub booting: u128,
    pub draining: u128,
}

impl Areas {
    fn minus(self, o: Areas) -> Areas {
        Areas {
            busy: self.busy - o.busy,
            queue: self.queue - o.queue,
            in_system: self.in_system - o.in_system,
            servers: self.servers - o.servers,
            idle: self.idle - o.idle,
            provisioned: self.provisioned - o.provisioned,
            booting: self.booting - o.booting,
            draining: self.draining - o.draining,
        }
    }
}

/// What a finished run's collector hands over.
#[derive(Debug)]
pub struct RunStats {
    pub counts: RequestCounts,
    pub latency: Histogram,
    pub wait: Histogram,
    /// Integrals over the measured period [warmup, end).
    pub measured_areas: Areas,
    pub measured_time: SimTime,
    pub rows: Vec<WindowRow>,
    /// Bytes sent to the internet, when the scenario's services send any.
    pub transfer: Option<crate::pricing::transfer::TransferBytes>,
}

impl RunStats {
    /// Time-average of a level over the measured period.
    pub fn mean_level(&self, area: u128) -> f64 {
        let t = self.measured_time.as_nanos();
        if t == 0 { 0.0 } else { area as f64 / t as f64 }
    }
}
