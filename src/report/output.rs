//! Writing results to disk: `summary.json`, `summary.csv`, `timeseries.csv`.
//!
//! They are published as one set with the charts and the report, by
//! [`OutputSet`] (see `report::publish`).

use crate::results::summary::{ArchitectureResult, RunSummary};
use anyhow::Result;

pub use super::publish::OutputSet;

pub fn summary_json(run: &RunSummary) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(run).expect("a RunSummary always serializes");
    v.push(b'\n');
    v
}

/// The columns of `summary.csv` (and of `replications.csv` after its
/// `replication` column), each numeric one with where its interval sits in
/// `ci95`.
const SUMMARY_COLUMNS: [(&str, Option<&str>); 24] = [
    ("architecture", None),
    ("kind", None),
    ("servers", Some("servers")),
    ("instance", None),
    ("arrived", Some("requests.arrived")),
    ("completed", Some("requests.completed")),
    ("rejected", Some("requests.rejected")),
    ("timed_out", Some("requests.timed_out")),
    ("in_flight", Some("requests.in_flight")),
    ("throttled", Some("requests.throttled")),
    ("latency_mean_ms", Some("latency_ms.mean")),
    ("latency_p50_ms", Some("latency_ms.p50")),
    ("latency_p90_ms", Some("latency_ms.p90")),
    ("latency_p95_ms", Some("latency_ms.p95")),
    ("latency_p99_ms", Some("latency_ms.p99")),
    ("latency_p999_ms", Some("latency_ms.p999")),
    ("latency_max_ms", Some("latency_ms.max")),
    ("wait_mean_ms", Some("wait_ms.mean")),
    ("wait_p99_ms", Some("wait_ms.p99")),
    ("utilization", Some("utilization")),
    ("error_rate", Some("error_rate")),
    ("cost_total_usd", Some("cost.total_usd")),
    ("cost_per_month_usd", Some("cost.per_month_usd")),
    (
        "cost_per_million_requests_usd",
        Some("cost.per_million_requests_usd"),
    ),
];

/// One architecture's `summary.csv` row.
fn summary_row(a: &ArchitectureResult) -> Vec<String> {
    let r = &a.requests;
    let l = &a.latency_ms;
    let mut row = vec![
        a.name.clone(),
        a.kind.clone(),
        a.servers.to_string(),
        a.instance.clone(),
    ];
    row.extend(
        [
            r.arrived,
            r.completed,
            r.rejected,
            r.timed_out,
            r.in_flight,
            r.throttled,
        ]
        .map(|x| x.to_string()),
    );
    row.extend(
        [
            l.mean,
            l.p50,
            l.p90,
            l.p95,
            l.p99,
            l.p999,
            l.max,
            a.wait_ms.mean,
            a.wait_ms.p99,
            a.utilization,
            a.error_rate,
            a.cost.total_usd,
            a.cost.per_month_usd,
            a.cost.per_million_requests_usd,
        ]
        .map(|x| x.to_string()),
    );
    row
}

/// The `[low, high]` interval at a dotted `path` of `ci95`.
fn interval(ci95: &serde_json::Value, path: &str) -> (f64, f64) {
    let v = path.split('.').fold(ci95, |v, k| &v[k]);
    (
        v[0].as_f64().unwrap_or(f64::NAN),
        v[1].as_f64().unwrap_or(f64::NAN),
    )
}

/// One row per architecture. With replications every number is the mean
/// over them, and each numeric column gets `_low` and `_high` columns with
/// its 95 % interval, after the usual ones.
pub fn summary_csv(run: &RunSummary) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let numeric = || {
        SUMMARY_COLUMNS
            .iter()
            .filter_map(|(c, p)| p.map(|p| (*c, p)))
    };
    let mut header: Vec<String> = SUMMARY_COLUMNS.iter().map(|(c, _)| c.to_string()).collect();
    if run.replications > 1 {
        for (c, _) in numeric() {
            header.push(format!("{c}_low"));
            header.push(format!("{c}_high"));
        }
    }
    w.write_record(&header)?;
    for a in &run.architectures {
        let mut row = summary_row(a);
        if let (true, Some(ci)) = (run.replications > 1, &a.ci95) {
            for (_, path) in numeric() {
                let (low, high) = interval(ci, path);
                row.push(low.to_string());
                row.push(high.to_string());
            }
        }
        w.write_record(&row)?;
    }
    Ok(w.into_inner()?)
}

/// With replications: one row per (replication, architecture), the raw
/// numbers of each run, replication by replication.
pub fn replications_csv(run: &RunSummary) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["replication".to_string()];
    header.extend(SUMMARY_COLUMNS.iter().map(|(c, _)| c.to_string()));
    w.write_record(&header)?;
    for r in 0..run.replications as usize {
        for a in &run.architectures {
            if let Some(rep) = a.replicas.get(r) {
                let mut row = vec![r.to_string()];
                row.extend(summary_row(rep));
                w.write_record(&row)?;
            }
        }
    }
    Ok(w.into_inner()?)
}

pub fn timeseries_csv(run: &RunSummary) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "window_start_s",
        "architecture",
        "arrivals",
        "completions",
        "errors",
        "rejected",
        "timed_out",
        "busy_slots",
        "queue_length",
        "in_system",
        "servers",
        "p99_ms",
        "cost_usd",
        "throttled",
        "cold_starts",
        "idle_instances",
        "provisioned_instances",
        "booting_servers",
        "draining_servers",
        "p50_ms",
        "p90_ms",
        "p95_ms",
        "p999_ms",
    ])?;
    let windows = run
        .architectures
        .iter()
        .map(|a| a.timeseries.len())
        .max()
        .unwrap_or(0);
    for i in 0..windows {
        for a in &run.architectures {
            let Some(row) = a.timeseries.get(i) else {
                continue;
            };
            w.write_record([
                row.start_s.to_string(),
                a.name.clone(),
                row.arrivals.to_string(),
                row.completions.to_string(),
                row.errors().to_string(),
                row.rejected.to_string(),
                row.timed_out.to_string(),
                row.busy_slots.to_string(),
                row.queue_length.to_string(),
                row.in_system.to_string(),
                row.servers.to_string(),
                row.p99_ms.to_string(),
                row.cost_usd.to_string(),
                row.throttled.to_string(),
                row.cold_starts.to_string(),
                row.idle_instances.to_string(),
                row.provisioned_instances.to_string(),
                row.booting_servers.to_string(),
                row.draining_servers.to_string(),
                row.p50_ms.to_string(),
                row.p90_ms.to_string(),
                row.p95_ms.to_string(),
                row.p999_ms.to_string(),
            ])?;
        }
    }
    Ok(w.into_inner()?)
}

/// Refuses a summary with a number that is not finite: nothing of it is
/// written (nor drawn).
pub fn check_finite(run: &RunSummary) -> Result<()> {
    if let Some(path) = crate::results::finite::first_non_finite(run) {
        anyhow::bail!(
            "internal error: `{path}` of the summary is not a finite number; no output was \
             written (please report the scenario)"
        );
    }
    Ok(())
}

/// Every output file of a run.
pub fn outputs(run: &RunSummary) -> Result<OutputSet> {
    check_finite(run)?;
    let mut set = OutputSet::default();
    set.add("summary.json", summary_json(run));
    set.add("summary.csv", summary_csv(run)?);
    set.add("timeseries.csv", timeseries_csv(run)?);
    if run.replications > 1 {
        set.add("replications.csv", replications_csv(run)?);
    }
    Ok(set)
}
