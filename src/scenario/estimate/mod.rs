//! What a run will cost before it starts: simulated requests, time-series
//! rows, memory and an estimate of wall time, from the resolved scenario.
//! `check` prints it; `run` and `sweep` refuse a run estimated past
//! [`crate::limits::MAX_RUN_SECONDS`] or [`crate::limits::MAX_MEMORY_BYTES`]
//! unless given `--force`.
//!
//! The estimate errs long: it assumes every architecture runs one after
//! the other on one core at [`crate::limits::WORKS_PER_SECOND`], and that
//! every request runs the largest call tree of the scenario. It does not
//! depend on the machine, so `check` prints the same on every one.

pub(crate) mod pools;

pub use pools::Pool;

use super::{ArchitectureSpec, Scenario};
use crate::limits::{self, MAX_MEMORY_BYTES, MAX_RUN_SECONDS, WORKS_PER_SECOND};
use crate::results::stats::WindowRow;
use std::fmt::Write as _;

/// A kind's share of a run's estimate; each kind implements it in its
/// `estimate` file.
pub trait Estimated {
    /// The most servers or instances it may hold records of at once, as
    /// (count, `"servers"` or `"instances"`, the key under `key` that
    /// drives them); `None` when it holds no record per server.
    fn pool(&self, s: &Scenario, key: &str) -> Option<(f64, &'static str, String)>;

    /// The most requests its queue may hold, for a kind whose queue the
    /// estimate bounds (fleets, fixed or autoscaled; `mean_work` is a
    /// request's, in seconds at one vCPU).
    fn backlog(&self, _s: &Scenario, _mean_work: f64) -> Option<f64> {
        None
    }

    /// What one invocation costs it, in the estimate's works: above 1
    /// where invocations step through shared CPUs and waits.
    fn works_per_invocation(&self, _s: &Scenario) -> f64 {
        1.0
    }
}

/// Works per invocation on a path that steps through shared CPUs and
/// waits: 100 servers at 64 requests each with waits ran at 2.7 M
/// requests/s against the 5 M the estimate assumes (README,
/// Performance), rounded up so that the estimate errs long.
pub const STEPPING_WORKS: f64 = 2.5;

/// What one run holds whatever its size (histograms, tables, buffers):
/// a small run peaks at 5 to 6 MB of resident memory (README,
/// Performance), rounded up.
const RUN_BASE_BYTES: f64 = 8e6;
/// One request waiting in a fleet's queue: its queue entry and its record.
const QUEUED_REQUEST_BYTES: f64 = 64.0;

/// The size of one run of a scenario (all its architectures and
/// replications).
#[derive(Clone, Debug, PartialEq)]
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
    /// Estimated peak memory of one run in flight plus the time series
    /// every architecture keeps, in bytes.
    pub memory_bytes: f64,
    /// The largest queue an architecture may build (requests) and its
    /// name, when one may hold more than a thousand requests.
    pub backlog: Option<(f64, String)>,
    /// Works per invocation over the architectures (above 1 where they
    /// step through shared CPUs and waits: [`STEPPING_WORKS`]).
    pub works_weight: f64,
    /// The architecture whose servers or instances take the most memory,
    /// when they may number more than [`POOL_SHOWN`].
    pub pool: Option<Pool>,
}

/// Pools of servers or instances `check` names: smaller ones take under
/// 13 MB.
const POOL_SHOWN: f64 = 100_000.0;

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
        let weight: f64 = self
            .architectures
            .iter()
            .map(|a| crate::dispatch!(ArchitectureSpec, &a.spec, x => x.works_per_invocation(self)))
            .sum();
        let works = requests * invocations as f64 * weight * f64::from(replications);
        let rows = windows * architectures;
        let backlog = self.largest_backlog();
        let pool = pools::largest(self);
        // The demand's rate profile is built while the scenario is read
        // and held by every run.
        let profile_bytes = std::mem::size_of_val(self.demand.profile.segments()) as f64;
        let memory_bytes = RUN_BASE_BYTES
            + profile_bytes
            + rows_bytes(rows)
            + backlog
                .as_ref()
                .map_or(0.0, |(n, _)| n * QUEUED_REQUEST_BYTES)
            + pool.as_ref().map_or(0.0, Pool::bytes);
        Estimate {
            requests,
            invocations,
            architectures,
            replications,
            rows,
            wall_seconds: works / WORKS_PER_SECOND,
            works_weight: weight / architectures.max(1) as f64,
            memory_bytes,
            backlog: backlog.filter(|(n, _)| *n > 1_000.0),
            pool: pool.filter(|p| p.count > POOL_SHOWN),
        }
    }

    /// The fleet (fixed or autoscaled) whose queue may grow largest, and
    /// how many requests it may hold. Microservices and serverless
    /// function queues are not estimated (README, Limits).
    fn largest_backlog(&self) -> Option<(f64, String)> {
        let work = self.calls.mean_work(&self.services);
        self.architectures
            .iter()
            .filter_map(|a| {
                let n = crate::dispatch!(ArchitectureSpec, &a.spec, x => x.backlog(self, work))?;
                Some((n, a.name.clone()))
            })
            .max_by(|x, y| x.0.total_cmp(&y.0))
    }
}

/// The estimate of a sweep: the sum of its points' runs, each with
/// `replications`; the memory of the largest point (points run one after
/// the other as far as memory goes: a finished point keeps only its
/// summary).
pub fn sweep_estimate<'a>(
    points: impl IntoIterator<Item = &'a Scenario>,
    replications: u32,
) -> Option<Estimate> {
    points
        .into_iter()
        .map(|s| s.estimate(replications))
        .reduce(|a, b| Estimate {
            requests: a.requests + b.requests,
            invocations: a.invocations.max(b.invocations),
            architectures: a.architectures.max(b.architectures),
            replications,
            rows: a.rows + b.rows,
            wall_seconds: a.wall_seconds + b.wall_seconds,
            works_weight: a.works_weight.max(b.works_weight),
            memory_bytes: a.memory_bytes.max(b.memory_bytes),
            backlog: match (a.backlog, b.backlog) {
                (Some(x), Some(y)) => Some(if x.0 >= y.0 { x } else { y }),
                (x, y) => x.or(y),
            },
            pool: match (a.pool, b.pool) {
                (Some(x), Some(y)) => Some(if x.bytes() >= y.bytes() { x } else { y }),
                (x, y) => x.or(y),
            },
        })
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
            ", {} time-series rows; estimated run time {} on one core, memory {} per run in flight",
            limits::count(self.rows as f64),
            limits::wall(self.wall_seconds),
            limits::bytes(self.memory_bytes)
        );
        if let Some((n, name)) = &self.backlog {
            let _ = writeln!(
                s,
                "           `{name}` may queue up to ~{} requests (demand beyond its capacity, no queue_limit)",
                limits::count(n.round())
            );
        }
        if let Some(p) = &self.pool {
            let _ = writeln!(
                s,
                "           `{}` may hold up to ~{} {} ({}, `{}`)",
                p.architecture,
                limits::count(p.count.round()),
                p.what,
                limits::bytes(p.bytes()),
                p.key
            );
        }
        s
    }

    /// Why `run` refuses this run without `--force`, if it does.
    pub fn refusal(&self) -> Option<String> {
        if self.wall_seconds <= MAX_RUN_SECONDS {
            return (self.memory_bytes > MAX_MEMORY_BYTES).then(|| self.memory_refusal());
        }
        Some(format!(
            "the run is estimated at {} on one core: ~{} requests × {} architecture(s) × {} \
             replication(s) × up to {} invocation(s) each = {} simulated invocations, at about {} \
             a second{}; the limit is {}. Lower the demand (`demand.rps`, `demand.scale`, \
             `speedup`), `duration` or `replications`, or pass --force to run anyway",
            limits::wall(self.wall_seconds),
            limits::count(self.requests.round()),
            self.architectures,
            self.replications,
            self.invocations,
            limits::count(self.works()),
            limits::count(WORKS_PER_SECOND),
            if self.works_weight > 1.0 {
                format!(
                    " ({STEPPING_WORKS} times as long for invocations that share CPUs or wait on I/O)"
                )
            } else {
                String::new()
            },
            limits::wall(MAX_RUN_SECONDS)
        ))
    }

    fn memory_refusal(&self) -> String {
        let rows_bytes = rows_bytes(self.rows);
        let backlog_bytes = self
            .backlog
            .as_ref()
            .map_or(0.0, |(n, _)| n * QUEUED_REQUEST_BYTES);
        let driver = match (&self.pool, &self.backlog) {
            (Some(p), _) if p.bytes() >= rows_bytes.max(backlog_bytes) => format!(
                "`{}` may hold up to ~{} {} ({}), set by `{}`. {} it",
                p.architecture,
                limits::count(p.count.round()),
                p.what,
                limits::bytes(p.bytes()),
                p.key,
                // Fewer interruptions need a longer time between them.
                if p.key.ends_with("mean_time_between_interruptions") {
                    "Raise"
                } else {
                    "Lower"
                }
            ),
            (_, Some((n, name))) if n * QUEUED_REQUEST_BYTES >= rows_bytes => format!(
                "`{name}` may queue up to ~{} requests ({}): demand outruns its capacity and \
                 nothing bounds its queue. Give it a `queue_limit` or a `timeout`, more servers \
                 (or a higher `max`), or less demand",
                limits::count(n.round()),
                limits::bytes(n * QUEUED_REQUEST_BYTES)
            ),
            _ => format!(
                "{} time-series rows ({}). Use a longer `window`",
                limits::count(self.rows as f64),
                limits::bytes(rows_bytes)
            ),
        };
        format!(
            "the run is estimated to need {} of memory; the limit is {}: {driver}, or pass \
             --force to run anyway",
            limits::bytes(self.memory_bytes),
            limits::bytes(MAX_MEMORY_BYTES)
        )
    }
}

/// The memory `rows` time-series rows hold.
fn rows_bytes(rows: u64) -> f64 {
    rows as f64 * std::mem::size_of::<WindowRow>() as f64
}
