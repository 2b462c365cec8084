//! Multi-function traces: the Azure Functions 2019 format (Shahrad et al.,
//! "Serverless in the Wild", ATC'20) and the 2021 invocation trace (Zhang
//! et al., SOSP'21).
//!
//! Three files describe the functions: `invocations` (one row per function,
//! `HashOwner,HashApp,HashFunction,Trigger,<count per minute>…`),
//! `durations` (percentiles of execution time in ms) and `memory` (allocated
//! MB). Each selected function becomes a service with its own work
//! distribution and memory; its requests enter there.
//!
//! The per-minute counts of the selected functions are kept (a few bytes per
//! function and minute); arrivals are generated one minute at a time, each
//! minute's count exactly, spread uniformly at random inside the minute (or
//! evenly), merged across functions in time order.
//!
//! A 2021 trace has one row per invocation (`app,func,end_timestamp,
//! duration`): each arrives at end − duration with exactly that work; see
//! the `invocations` module for how it is streamed although its rows are not in
//! start order.
//!
//! This module holds the loaded trace and its arrivals; `minutes` loads a
//! 2019 trace, `invocations` loads and streams a 2021 one, `functions`
//! selects and describes the functions either way.

use crate::demand::{ArrivalMode, RateProfile};
use crate::dist::Dist;
use crate::rng::Stream;
use crate::time::SimTime;
use rand::Rng;
use std::sync::Arc;

mod csv_file;
mod functions;
mod invocations;
mod minutes;
mod options;

pub use options::{AzureError, AzureFormat, AzureFunction, AzureOptions};

/// A checked multi-function trace.
#[derive(Clone, Debug)]
pub struct AzureTrace {
    pub options: AzureOptions,
    pub functions: Vec<AzureFunction>,
    /// Per function, its count in each minute (2019).
    counts: Vec<Vec<u32>>,
    /// Where to stream a 2021 trace's invocations from.
    invocations: Option<invocations::Invocations>,
    /// Minutes of the trace replayed (one lap).
    pub minutes: usize,
    /// Rows of the invocations file.
    pub rows: u64,
    /// Functions in the file, before selection.
    pub file_functions: usize,
    /// Invocations of the selected functions.
    pub requests: u64,
    /// Rate per minute of all selected functions together.
    pub profile: RateProfile,
}

impl AzureTrace {
    /// Reads the files, checks every row, and selects the functions.
    pub fn load(options: AzureOptions) -> Result<AzureTrace, AzureError> {
        let (summary, counts, invocations) = match options.format {
            AzureFormat::Minutes2019 => {
                let (summary, counts) = minutes::load(&options)?;
                (summary, counts, None)
            }
            AzureFormat::Invocations2021 => {
                let (summary, invocations) = invocations::load(&options)?;
                (summary, Vec::new(), Some(invocations))
            }
        };
        Ok(AzureTrace {
            options,
            functions: summary.functions,
            counts,
            invocations,
            minutes: summary.minutes,
            rows: summary.rows,
            file_functions: summary.file_functions,
            requests: summary.requests,
            profile: summary.profile,
        })
    }

    /// The work of one invocation of any selected function: the mixture of
    /// their distributions weighted by invocations (for `merge = true`).
    pub fn merged_work(&self) -> Dist {
        functions::merged_work(&self.functions, self.requests)
    }
}

/// The arrivals of a multi-function trace, in time order, each with the
/// index of its function: a 2019 trace one minute at a time, a 2021 trace
/// streamed from its file.
pub struct AzureArrivals {
    trace: Arc<AzureTrace>,
    mode: ArrivalMode,
    rng: Stream,
    /// Decides the copies and drops of `scale`.
    scale_rng: Stream,
    minute: usize,
    lap: u64,
    /// The current minute's arrivals, sorted, and how many were taken.
    buf: Vec<(SimTime, u32)>,
    taken: usize,
    replay: Option<invocations::Replay>,
}

impl AzureArrivals {
    pub fn new(trace: Arc<AzureTrace>, mode: ArrivalMode, rng: Stream, scale_rng: Stream) -> Self {
        let replay = trace.invocations.as_ref().map(invocations::Replay::new);
        AzureArrivals {
            trace,
            mode,
            rng,
            scale_rng,
            minute: 0,
            lap: 0,
            buf: Vec::new(),
            taken: 0,
            replay,
        }
    }

    /// The next arrival, its function and, for a 2021 trace, its recorded
    /// work; `None` when the trace is over.
    #[inline]
    pub fn next_arrival(&mut self) -> Option<(SimTime, u32, Option<SimTime>)> {
        if let Some(replay) = &mut self.replay {
            let inv = self
                .trace
                .invocations
                .as_ref()
                .expect("a replay has its trace");
            return replay.next(inv, self.mode, &mut self.rng, &mut self.scale_rng);
        }
        while self.taken >= self.buf.len() {
            if self.minute >= self.trace.minutes {
                if !self.trace.options.repeat {
                    return None;
                }
                self.lap += 1;
                self.minute = 0;
            }
            self.fill_minute();
        }
        self.taken += 1;
        let (t, f) = self.buf[self.taken - 1];
        Some((t, f, None))
    }

    fn fill_minute(&mut self) {
        let m = self.minute;
        self.minute += 1;
        self.buf.clear();
        self.taken = 0;
        let width = minutes::minute_width(self.trace.options.speedup);
        let start = (self.lap * self.trace.minutes as u64 + m as u64) * width;
        let scale = self.trace.options.scale;
        for (f, counts) in self.trace.counts.iter().enumerate() {
            let n =
                crate::demand::spread::scaled_count(counts[m] as u64, scale, &mut self.scale_rng);
            for k in 0..n {
                let offset = match self.mode {
                    ArrivalMode::Poisson => self.rng.random_range(0..width),
                    ArrivalMode::Uniform => k * width / n,
                };
                self.buf.push((SimTime(start + offset), f as u32));
            }
        }
        self.buf.sort_unstable();
    }
}
