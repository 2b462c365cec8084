//! What a run will cost before it starts: simulated requests, time-series
//! rows and an estimate of wall time, from the resolved scenario. `check`
//! prints it; `run` refuses a run estimated past
//! [`crate::limits::MAX_RUN_SECONDS`] unless given `--force`.
//!
//! The estimate errs long: it assumes every architecture runs one after
//! the other on one core at [`crate::limits::WORKS_PER_SECOND`], and that
//! every request runs the largest call tree of the scenario. It does not
//! depend on the machine, so `check` prints the same on every one.

use super::Scenario;
use crate::limits::{self, MAX_RUN_SECONDS, WORKS_PER_SECOND};
use std::fmt::Write as _;

/// The size of one run of a scenario (all its architectures and
/// replications).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Expected arrivals over the run.
    pub requests: f64,
    /// Invocations one request causes at most.
    pub invocations: u64,
    pub architectures: u64,
    pub replications: u32,
    /// Time-series rows over every architecture.
    pub rows: u64,
    /// Estimated wall time, in seconds.
    pub wall_seconds: f64,
}

impl Scenario {
    /// The size of a run with `replications`.
    pub fn estimate(&self, replications: u32) -> Estimate {
        let requests = self.demand.profile.cumulative(self.duration);
        let invocations = self.calls.max_tree_len().max(1) as u64;
        let architectures = self.architectures.len() as u64;
        let windows = self
            .duration
            .as_nanos()
            .div_ceil(self.window.as_nanos().max(1));
        let works = requests * invocations as f64 * architectures as f64 * f64::from(replications);
        Estimate {
            requests,
            invocations,
            architectures,
            replications,
            rows: windows * architectures,
            wall_seconds: works / WORKS_PER_SECOND,
        }
    }
}

impl Estimate {
    /// Simulated invocations over every architecture and replication.
    pub fn works(&self) -> f64 {
        self.requests
            * self.invocations as f64
            * self.architectures as f64
            * f64::from(self.replications)
    }

    /// The `estimate` line of `scalesim check`.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "estimate   ~{} requests × {} architecture(s) × {} replication(s)",
            limits::count(self.requests.round()),
            self.architectures,
            self.replications
        );
        if self.invocations > 1 {
            let _ = write!(s, " × up to {} invocations", self.invocations);
        }
        let _ = writeln!(
            s,
            ", {} time-series rows; estimated run time {} on one core",
            limits::count(self.rows as f64),
            limits::wall(self.wall_seconds)
        );
        s
    }

    /// Why `run` refuses this run without `--force`, if it does.
    pub fn refusal(&self) -> Option<String> {
        if self.wall_seconds <= MAX_RUN_SECONDS {
            return None;
        }
        Some(format!(
            "the run is estimated at {} on one core: ~{} requests × {} architecture(s) × {} \
             replication(s) × up to {} invocation(s) each = {} simulated invocations, at about {} \
             a second; the limit is {}. Lower the demand (`demand.rps`, `demand.scale`, \
             `speedup`), `duration` or `replications`, or pass --force to run anyway",
            limits::wall(self.wall_seconds),
            limits::count(self.requests.round()),
            self.architectures,
            self.replications,
            self.invocations,
            limits::count(self.works()),
            limits::count(WORKS_PER_SECOND),
            limits::wall(MAX_RUN_SECONDS)
        ))
    }
}
