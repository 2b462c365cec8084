//! Writing results to disk: `summary.json`, `summary.csv`, `timeseries.csv`.
//!
//! Every file is first written in full to a temporary file in the output
//! folder, and only once all of them are complete are they renamed into
//! place, so an interrupted or failed run never leaves a half-written file.

use crate::results::summary::RunSummary;
use anyhow::{Context, Result};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A set of files to be published together.
#[derive(Default)]
pub struct OutputSet {
    files: Vec<(String, Vec<u8>)>,
}

impl OutputSet {
    pub fn add(&mut self, name: impl Into<String>, bytes: Vec<u8>) {
        self.files.push((name.into(), bytes));
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|(n, _)| n.as_str())
    }

    /// Writes every file to a temporary name, then renames them all into
    /// `dir`. Returns the paths written.
    pub fn publish(self, dir: &Path) -> Result<Vec<PathBuf>> {
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the output folder {}", dir.display()))?;
        let mut staged = Vec::with_capacity(self.files.len());
        for (name, bytes) in &self.files {
            let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
            let result = (|| -> std::io::Result<()> {
                let mut f = fs::File::create(&tmp)?;
                f.write_all(bytes)?;
                f.sync_all()
            })();
            if let Err(e) = result {
                let _ = fs::remove_file(&tmp);
                for (t, _) in &staged {
                    let _ = fs::remove_file(t);
                }
                return Err(e).with_context(|| format!("cannot write {}", tmp.display()));
            }
            staged.push((tmp, dir.join(name)));
        }
        let mut written = Vec::with_capacity(staged.len());
        for (tmp, dest) in staged {
            fs::rename(&tmp, &dest)
                .with_context(|| format!("cannot move {} into place", dest.display()))?;
            written.push(dest);
        }
        Ok(written)
    }
}

pub fn summary_json(run: &RunSummary) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(run).expect("a RunSummary always serializes");
    v.push(b'\n');
    v
}

pub fn summary_csv(run: &RunSummary) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "architecture",
        "kind",
        "servers",
        "instance",
        "arrived",
        "completed",
        "rejected",
        "timed_out",
        "in_flight",
        "throttled",
        "latency_mean_ms",
        "latency_p50_ms",
        "latency_p90_ms",
        "latency_p95_ms",
        "latency_p99_ms",
        "latency_p999_ms",
        "latency_max_ms",
        "wait_mean_ms",
        "wait_p99_ms",
        "utilization",
        "error_rate",
        "cost_total_usd",
        "cost_per_month_usd",
        "cost_per_million_requests_usd",
    ])?;
    for a in &run.architectures {
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
        w.write_record(&row)?;
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
                (row.rejected + row.throttled + row.timed_out).to_string(),
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

/// Every output file of a run.
pub fn outputs(run: &RunSummary) -> Result<OutputSet> {
    let mut set = OutputSet::default();
    set.add("summary.json", summary_json(run));
    set.add("summary.csv", summary_csv(run)?);
    set.add("timeseries.csv", timeseries_csv(run)?);
    Ok(set)
}
