//! The limits each architecture hit, for `report.md` and the terminal:
//! which limit (by the key that sets it, with its value), how many
//! requests it cost and when. Read from the results as `summary.json`
//! and the time series hold them, so that a merged sharded run says the
//! same as one run in one process.
//!
//! The limits: a fleet's `queue_limit` (rejected requests) and `timeout`
//! (timed out ones), an autoscaled fleet's `max` (servers launched up to
//! it), and a serverless architecture's `concurrency_limit`,
//! `reserved_concurrency`, `max_instances` and `scale_rate` (throttled
//! requests, and asynchronous invocations held in the event queue).
//! When is the span of the time-series windows with such refusals; the
//! worst window is named when one limit alone fails the architecture's
//! requests of that sort.

use crate::kinds::serverless::results::{Limit, ServerlessResult};
use crate::kinds::serverless::spec::{FunctionSpec, ServerlessSpec};
use crate::kinds::servers::spec::FleetSpec;
use crate::numbers::thousands;
use crate::results::stats::WindowRow;
use crate::results::summary::{ArchitectureResult, RunSummary};
use crate::scenario::{ArchitectureSpec, Scenario};
use crate::time::SimTime;

/// One limit one architecture hit.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// The architecture's name.
    pub architecture: String,
    /// The limit as a reader finds it in the scenario: the key in
    /// backticks, then its value ("`queue_limit` (500)").
    pub limit: String,
    /// Requests it failed, and how ("rejected", "throttled", "timed out");
    /// for a fleet's `max`, the requests that failed in the windows at it.
    pub failed: u64,
    pub how: &'static str,
    /// Asynchronous invocations it held in the event queue (serverless).
    pub waited: u64,
    /// The architecture's arrivals in the measured period.
    pub arrived: u64,
    /// When, if known.
    pub when: Option<When>,
    /// A fleet's `max`: reached (the peak launched), not a refusal.
    pub reached: bool,
    /// Reached, but no window's mean was near it (an autoscaled
    /// architecture's own fleet; a service's has no time series).
    pub briefly: bool,
}

/// The windows a limit was hit in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct When {
    /// The start of the first window and the end of the last, in seconds.
    pub from_s: f64,
    pub to_s: f64,
    /// The window (its start, in seconds) with the most refusals and how
    /// many, when this limit alone refused in that column.
    pub worst: Option<(f64, u64)>,
}

/// Every limit every architecture of `run` hit, in architecture order.
pub fn hits(scenario: &Scenario, run: &RunSummary) -> Vec<Hit> {
    let windows = Windows {
        window_s: run.window_s,
        warmup_s: run.warmup_s,
        duration_s: run.duration_s,
    };
    let mut out = Vec::new();
    for (a, arch) in run.architectures.iter().zip(&scenario.architectures) {
        let mut hits = Vec::new();
        match &arch.spec {
            ArchitectureSpec::Fleet(f) => fleet(&mut hits, a, f, &windows),
            ArchitectureSpec::Autoscaled(x) => {
                fleet(&mut hits, a, &x.fleet, &windows);
                let peak = a.autoscaled().map_or(0, |r| r.server_stats.peak);
                if peak >= u64::from(x.scaling.max) {
                    hits.push(at_max(a, x.scaling.max, &windows));
                }
            }
            ArchitectureSpec::Microservices(m) => {
                let results = a.microservices().map_or(&[][..], |r| &r.services[..]);
                service_hits(&mut hits, a, m, results, scenario, &windows, "servers");
            }
            ArchitectureSpec::Kubernetes(k) => {
                let results = a.kubernetes().map_or(&[][..], |r| &r.services[..]);
                service_hits(
                    &mut hits,
                    a,
                    &k.deployments,
                    results,
                    scenario,
                    &windows,
                    "pods",
                );
                let pools = a
                    .kubernetes()
                    .map_or(&[][..], |r| &r.cluster.node_pools[..]);
                for (spec, r) in k.cluster.node_pools.iter().zip(pools) {
                    if r.nodes.peak >= u64::from(spec.max) && k.cluster.autoscaler.is_some() {
                        hits.push(Hit {
                            limit: format!(
                                "`max` of node pool `{}` ({} nodes)",
                                spec.name, spec.max
                            ),
                            failed: 0,
                            how: "failed",
                            when: None,
                            reached: true,
                            ..base(a)
                        });
                    }
                }
            }
            ArchitectureSpec::Serverless(s) => {
                if let Some(r) = a.serverless() {
                    serverless(&mut hits, a, s, r, &windows);
                }
            }
        }
        out.extend(hits);
    }
    out
}

/// The limits of a microservices architecture's service fleets (or a
/// Kubernetes architecture's deployments, whose servers are `unit`).
fn service_hits(
    hits: &mut Vec<Hit>,
    a: &ArchitectureResult,
    m: &crate::kinds::microservices::spec::MicroservicesSpec,
    results: &[crate::kinds::microservices::results::ServiceFleetResult],
    scenario: &Scenario,
    windows: &Windows,
    unit: &str,
) {
    let services = |with: &dyn Fn(&FleetSpec) -> Option<String>| {
        m.fleets
            .iter()
            .zip(&scenario.services)
            .filter_map(|(f, s)| with(f.fleet()).map(|v| format!("`{}`: {v}", s.name)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let queues = services(&|f| f.queue_limit.map(|q| q.to_string()));
    if a.requests.rejected > 0 {
        hits.push(from_series(
            a,
            format!("`queue_limit` ({queues})"),
            "rejected",
            a.requests.rejected,
            |r| r.rejected,
            windows,
        ));
    }
    if let Some(t) = m.timeout.filter(|_| a.requests.timed_out > 0) {
        hits.push(from_series(
            a,
            format!("`timeout` ({t})"),
            "timed out",
            a.requests.timed_out,
            |r| r.timed_out,
            windows,
        ));
    }
    for ((f, s), r) in m.fleets.iter().zip(&scenario.services).zip(results) {
        // A Kubernetes deployment of fixed replicas is pooled with min = max.
        if let crate::kinds::microservices::spec::ServiceFleet::Autoscaled(x) = f
            && r.kind != "fixed"
            && r.servers >= u64::from(x.scaling.max)
        {
            hits.push(Hit {
                limit: format!("`max` of service `{}` ({} {unit})", s.name, x.scaling.max),
                failed: 0,
                how: "failed",
                when: None,
                reached: true,
                ..base(a)
            });
        }
    }
}

/// The measured windows of a run.
struct Windows {
    window_s: f64,
    warmup_s: f64,
    duration_s: f64,
}

impl Windows {
    /// The windows, counted after warm-up, where `column` is above zero.
    fn when(&self, rows: &[WindowRow], column: impl Fn(&WindowRow) -> u64) -> Option<When> {
        let mut hit = rows
            .iter()
            .filter(|r| r.start_s + self.window_s > self.warmup_s && column(r) > 0);
        let first = hit.next()?;
        let (mut last, mut worst) = (first, first);
        for r in hit {
            last = r;
            if column(r) > column(worst) {
                worst = r;
            }
        }
        Some(When {
            from_s: first.start_s,
            to_s: self.end(last.start_s),
            worst: Some((worst.start_s, column(worst))),
        })
    }

    /// The windows holding the instants `first` and `last` (seconds).
    fn span(&self, first: f64, last: f64) -> When {
        let start = |t: f64| (t / self.window_s).floor() * self.window_s;
        When {
            from_s: start(first),
            to_s: self.end(start(last)),
            worst: None,
        }
    }

    fn end(&self, start_s: f64) -> f64 {
        (start_s + self.window_s).min(self.duration_s)
    }
}

fn base(a: &ArchitectureResult) -> Hit {
    Hit {
        architecture: a.name.clone(),
        limit: String::new(),
        failed: 0,
        how: "",
        waited: 0,
        arrived: a.requests.arrived,
        when: None,
        reached: false,
        briefly: false,
    }
}

/// A limit that alone fails requests in one column of the time series.
fn from_series(
    a: &ArchitectureResult,
    limit: String,
    how: &'static str,
    failed: u64,
    column: impl Fn(&WindowRow) -> u64,
    windows: &Windows,
) -> Hit {
    Hit {
        limit,
        how,
        failed,
        when: windows.when(&a.timeseries, column),
        ..base(a)
    }
}

/// A fleet's (or an autoscaled fleet's) `queue_limit` and `timeout`.
fn fleet(hits: &mut Vec<Hit>, a: &ArchitectureResult, f: &FleetSpec, windows: &Windows) {
    if let Some(q) = f.queue_limit.filter(|_| a.requests.rejected > 0) {
        hits.push(from_series(
            a,
            format!("`queue_limit` ({q})"),
            "rejected",
            a.requests.rejected,
            |r| r.rejected,
            windows,
        ));
    }
    if let Some(t) = f.timeout.filter(|_| a.requests.timed_out > 0) {
        hits.push(from_series(
            a,
            format!("`timeout` ({t})"),
            "timed out",
            a.requests.timed_out,
            |r| r.timed_out,
            windows,
        ));
    }
}

/// An autoscaled fleet that launched up to its `max`: when is the
/// windows whose mean server count is above `max` − 1 (so at `max` for
/// some of the window), and the requests that failed in them.
fn at_max(a: &ArchitectureResult, max: u32, windows: &Windows) -> Hit {
    let at = |r: &WindowRow| r.servers > f64::from(max) - 1.0;
    let failed = a
        .timeseries
        .iter()
        .filter(|r| r.start_s + windows.window_s > windows.warmup_s && at(r))
        .map(WindowRow::errors)
        .sum();
    let when = windows
        .when(&a.timeseries, |r| u64::from(at(r)))
        .map(|w| When { worst: None, ..w });
    Hit {
        limit: format!("`max` ({max} servers)"),
        how: "failed",
        failed,
        briefly: when.is_none(),
        when,
        reached: true,
        ..base(a)
    }
}

/// A serverless architecture's limits, from its functions' refusals by
/// limit; when none is broken down, every refusal was a synchronous one
/// by the account's `concurrency_limit` and the time series says when.
fn serverless(
    hits: &mut Vec<Hit>,
    a: &ArchitectureResult,
    spec: &ServerlessSpec,
    r: &ServerlessResult,
    windows: &Windows,
) {
    let account = format!("`concurrency_limit` ({})", spec.concurrency_limit);
    let broken_down = r.functions.iter().any(|f| !f.refused_by.is_empty());
    if !broken_down {
        let throttled: u64 = r.functions.iter().map(|f| f.throttled).sum();
        if throttled > 0 {
            hits.push(from_series(
                a,
                account,
                "throttled",
                throttled,
                |w| w.throttled,
                windows,
            ));
        }
        return;
    }
    // The account's limit is what the other limits leave of each
    // function's refusals (with replications the breakdown of a
    // replication whose refusals were all the account's is empty).
    let mut own: Vec<Hit> = Vec::new();
    let (mut acc_failed, mut acc_waited, mut acc_span) = (0, 0, None::<[f64; 2]>);
    for (f, fs) in r.functions.iter().zip(&spec.functions) {
        let (mut failed, mut waited) = (f.throttled, f.async_throttled);
        for limit in Limit::ALL {
            let Some(n) = f.refused_by.get(limit) else {
                continue;
            };
            if limit == Limit::ConcurrencyLimit {
                if let Some([first, last]) = n.span_s {
                    acc_span = Some(
                        acc_span.map_or([first, last], |[f0, l0]| [f0.min(first), l0.max(last)]),
                    );
                }
                continue;
            }
            failed = failed.saturating_sub(n.throttled);
            waited = waited.saturating_sub(n.async_throttled);
            own.push(Hit {
                limit: function_limit(limit, fs),
                how: "throttled",
                failed: n.throttled,
                waited: n.async_throttled,
                when: n.span_s.map(|[first, last]| windows.span(first, last)),
                ..base(a)
            });
        }
        acc_failed += failed;
        acc_waited += waited;
    }
    if acc_failed + acc_waited > 0 {
        hits.push(Hit {
            limit: account,
            how: "throttled",
            failed: acc_failed,
            waited: acc_waited,
            when: acc_span.map(|[first, last]| windows.span(first, last)),
            ..base(a)
        });
    }
    hits.extend(own);
    // The worst window of the time series' throttles is one limit's when
    // only that limit failed requests.
    let failing: Vec<usize> = (0..hits.len()).filter(|&i| hits[i].failed > 0).collect();
    if let [only] = failing[..]
        && let Some(w) = windows.when(&a.timeseries, |w| w.throttled)
    {
        hits[only].when = Some(w);
    }
}

/// "`reserved_concurrency` of function `api` (50)".
fn function_limit(limit: Limit, f: &FunctionSpec) -> String {
    let value = match limit {
        Limit::ConcurrencyLimit => String::new(),
        Limit::ReservedConcurrency => f.reserved_concurrency.unwrap_or(0).to_string(),
        Limit::MaxInstances => f.max_instances.unwrap_or(0).to_string(),
        Limit::ScaleRate => format!("{} per {}", f.scale_instances, f.scale_per),
    };
    format!("`{}` of function `{}` ({value})", limit.key(), f.name)
}

impl Hit {
    /// The sentence about it, after the architecture's name:
    /// "`queue_limit` (500) rejected 1,234 requests (0.52% of arrivals)
    /// from 1h to 1.25h; the worst 1m window, from 1.05h, had 310".
    pub fn sentence(&self, window: SimTime) -> String {
        let share = |n: u64| format!("{:.2}%", n as f64 / self.arrived.max(1) as f64 * 100.0);
        let requests =
            |n: u64| format!("{} request{}", thousands(n), if n == 1 { "" } else { "s" });
        let mut s = self.limit.clone();
        if self.reached {
            s += " reached";
        } else {
            let mut what = Vec::new();
            if self.failed > 0 {
                what.push(format!(
                    "{} {} ({} of arrivals)",
                    self.how,
                    requests(self.failed),
                    share(self.failed)
                ));
            }
            if self.waited > 0 {
                what.push(format!(
                    "held {} asynchronous invocation{} in the event queue",
                    thousands(self.waited),
                    if self.waited == 1 { "" } else { "s" }
                ));
            }
            s += " ";
            s += &what.join(" and ");
        }
        match self.when {
            Some(w) => {
                let at = if self.reached { ", at it" } else { "" };
                s += &format!(
                    "{at} from {} to {}",
                    SimTime::from_secs_f64(w.from_s),
                    SimTime::from_secs_f64(w.to_s)
                );
                if let Some((start, n)) = w.worst {
                    s += &format!(
                        "; the worst {window} window, from {}, had {}",
                        SimTime::from_secs_f64(start),
                        thousands(n)
                    );
                }
            }
            None if self.briefly => s += " briefly",
            None => {}
        }
        if self.reached && self.when.is_some() {
            s += &format!(
                "; {} failed in those windows ({} of arrivals)",
                requests(self.failed),
                share(self.failed)
            );
        }
        s
    }
}
