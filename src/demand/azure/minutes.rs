//! The Azure Functions 2019 format (Shahrad et al., "Serverless in the
//! Wild", ATC'20): loading its three files and keeping the selected
//! functions' counts per minute.

use super::csv_file::{CsvFile, FirstRows};
use super::functions::{peak_rps, select, short_names};
use super::options::{AzureError, AzureFunction, AzureOptions, Summary};
use crate::demand::buckets::{check_laps, rate_of_counts};
use crate::demand::trace_file::shown;
use crate::dist::Dist;
use crate::time::{NANOS_PER_SEC, SimTime};
use std::collections::HashMap;
use std::path::Path;

pub(super) const MINUTE: u64 = 60 * NANOS_PER_SEC;

/// Serverless memory bounds a trace's per-function memory is clamped to.
const MIN_MEMORY_MB: f64 = 128.0;
const MAX_MEMORY_MB: f64 = 10240.0;

/// A row of the invocations file, before selection.
struct Row {
    hash: String,
    trigger: String,
    counts: Vec<u32>,
    total: u64,
}

const PERCENTILES: [(&str, f64); 7] = [
    ("percentile_Average_0", 0.0),
    ("percentile_Average_1", 1.0),
    ("percentile_Average_25", 25.0),
    ("percentile_Average_50", 50.0),
    ("percentile_Average_75", 75.0),
    ("percentile_Average_99", 99.0),
    ("percentile_Average_100", 100.0),
];

/// Reads the three files, checks every row, and selects the functions;
/// with the summary, each selected function's count per replayed minute.
pub(super) fn load(options: &AzureOptions) -> Result<(Summary, Vec<Vec<u32>>), AzureError> {
    let (mut rows, file_rows, all_minutes) = read_invocations(&options.invocations)?;
    // The replayed window of minute columns.
    let first = (options.start.as_nanos() / MINUTE) as usize;
    let end = options.end.map_or(all_minutes, |e| {
        ((e.as_nanos() / MINUTE) as usize).min(all_minutes)
    });
    if first >= end {
        return Err(AzureError {
            key: "start",
            path: options.invocations.clone(),
            line: None,
            message: format!(
                "the trace has {all_minutes} minute columns: `start` must be before its end"
            ),
        });
    }
    let minutes = end - first;
    let width = minute_width(options.speedup);
    // Minute i of lap `lap` in simulated time: laps follow each other
    // without a gap, every minute whole.
    let minute_edge =
        |lap: u64, i: usize| SimTime((lap * minutes as u64 + i as u64).saturating_mul(width));
    check_laps(minutes, options.repeat, options.horizon, minute_edge).map_err(|message| {
        AzureError {
            key: "repeat",
            path: options.invocations.clone(),
            line: None,
            message,
        }
    })?;
    if minutes < all_minutes {
        for r in &mut rows {
            r.counts = r.counts[first..end].to_vec();
            r.total = r.counts.iter().map(|&c| c as u64).sum();
        }
    }
    let selection_err = |message: String| AzureError {
        key: "",
        path: options.invocations.clone(),
        line: None,
        message,
    };
    let keep = select(
        options,
        &rows
            .iter()
            .map(|r| (r.hash.as_str(), r.trigger.as_str(), r.total))
            .collect::<Vec<_>>(),
    )
    .map_err(selection_err)?;
    let selected: Vec<Row> = rows
        .into_iter()
        .zip(keep)
        .filter_map(|(r, k)| k.then_some(r))
        .collect();
    let requests: u64 = selected.iter().map(|r| r.total).sum();
    if requests == 0 {
        return Err(selection_err(
            "the trace holds no invocations of the selected functions".into(),
        ));
    }
    let index: HashMap<&str, usize> = selected
        .iter()
        .enumerate()
        .map(|(i, r)| (r.hash.as_str(), i))
        .collect();
    let works = read_durations(&options.durations, &index)?;
    let memory = read_memory(&options.memory, &index)?;
    let names = short_names(selected.iter().map(|r| r.hash.as_str()));
    let mut functions = Vec::with_capacity(selected.len());
    let mut counts = Vec::with_capacity(selected.len());
    for (i, row) in selected.into_iter().enumerate() {
        let missing = |key: &'static str, path: &Path| AzureError {
            key,
            path: path.to_path_buf(),
            line: None,
            message: format!("function {} has no row", row.hash),
        };
        let work = works[i]
            .clone()
            .ok_or_else(|| missing("durations", &options.durations))?;
        let mb = memory[i].ok_or_else(|| missing("memory", &options.memory))?;
        let mb = mb.clamp(MIN_MEMORY_MB, MAX_MEMORY_MB);
        // The trace records how long each function ran at its memory;
        // `work` is CPU time at one vCPU, so undo the memory's CPU
        // share: replayed on serverless at that memory, a function
        // takes exactly its recorded durations.
        let cpu_share = (mb / crate::pricing::catalog::lambda_defaults::MB_PER_VCPU).min(1.0);
        let work = work.scaled_empirical(cpu_share).unwrap_or(work);
        functions.push(AzureFunction {
            peak_rps: peak_rps(&row.counts, options, minute_edge),
            name: names[i].clone(),
            hash: row.hash,
            trigger: row.trigger,
            total: row.total,
            work,
            memory_mb: Some(mb),
        });
        counts.push(row.counts);
    }
    // The expected count per (sped-up) minute, lap after lap.
    let per_minute: Vec<f64> = (0..minutes)
        .map(|m| counts.iter().map(|c| c[m] as u64).sum::<u64>() as f64 * options.scale)
        .collect();
    let profile = rate_of_counts(&per_minute, options.repeat, options.horizon, minute_edge);
    let summary = Summary {
        functions,
        minutes,
        rows: file_rows,
        file_functions: file_rows as usize,
        requests,
        profile,
    };
    Ok((summary, counts))
}

/// How long a trace minute lasts in simulated time, in ns.
pub(super) fn minute_width(speedup: f64) -> u64 {
    ((MINUTE as f64 / speedup).round() as u64).max(1)
}

/// Every row of the invocations file: its counts must be whole numbers,
/// as many as the header's minute columns.
fn read_invocations(path: &Path) -> Result<(Vec<Row>, u64, usize), AzureError> {
    let mut f = CsvFile::open("file", path)?;
    let cols = f.header(&["HashFunction", "Trigger"])?;
    let (hash_col, trigger_col) = (cols[0], cols[1]);
    let first_minute = trigger_col.max(hash_col) + 1;
    let minutes = f.record.len().saturating_sub(first_minute);
    if minutes == 0 {
        return Err(f.err(
            Some(f.line),
            "expected minute columns after HashOwner,HashApp,HashFunction,Trigger",
        ));
    }
    let mut rows = Vec::new();
    let mut n = 0;
    let mut first_rows = FirstRows::default();
    while f.next()? {
        n += 1;
        if f.record.len() != first_minute + minutes {
            return Err(f.err(
                Some(f.line),
                format!(
                    "expected {} columns (as the header), found {}",
                    first_minute + minutes,
                    f.record.len()
                ),
            ));
        }
        let hash = f.field(hash_col, "a HashFunction")?.to_string();
        first_rows.record(&f, &hash)?;
        let trigger = f.field(trigger_col, "a Trigger")?.to_string();
        let mut counts = Vec::with_capacity(minutes);
        let mut total = 0u64;
        for c in first_minute..first_minute + minutes {
            let v = &f.record[c];
            let k = v.parse::<u32>().map_err(|_| {
                // A whole number too large for a minute's count says so.
                let limit = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                    format!(" from 0 to {}", u32::MAX)
                } else {
                    " >= 0".to_string()
                };
                f.err(
                    Some(f.line),
                    format!(
                        "expected an invocation count (a whole number{limit}) in column {}, found {}",
                        c + 1,
                        shown(v)
                    ),
                )
            })?;
            total += k as u64;
            counts.push(k);
        }
        rows.push(Row {
            hash,
            trigger,
            counts,
            total,
        });
    }
    if rows.is_empty() {
        return Err(f.err(None, "the trace is empty: no rows"));
    }
    Ok((rows, n, minutes))
}

/// The work distribution of each selected function (by its index), from
/// its duration percentiles in ms.
fn read_durations(
    path: &Path,
    index: &HashMap<&str, usize>,
) -> Result<Vec<Option<Dist>>, AzureError> {
    let mut f = CsvFile::open("durations", path)?;
    let mut names = vec!["HashFunction"];
    names.extend(PERCENTILES.iter().map(|p| p.0));
    let cols = f.header(&names)?;
    let mut out = vec![None; index.len()];
    let mut first_rows = FirstRows::default();
    while f.next()? {
        let hash = f.field(cols[0], "a HashFunction")?;
        first_rows.record(&f, hash)?;
        let Some(&i) = index.get(hash) else {
            continue;
        };
        let mut points = Vec::with_capacity(PERCENTILES.len());
        for (&c, (name, p)) in cols[1..].iter().zip(PERCENTILES) {
            points.push((p, f.number(c, name)? / 1000.0));
        }
        let dist = Dist::empirical(points).map_err(|m| f.err(Some(f.line), m))?;
        out[i] = Some(dist);
    }
    Ok(out)
}

/// The average allocated memory (MB) of each selected function.
fn read_memory(path: &Path, index: &HashMap<&str, usize>) -> Result<Vec<Option<f64>>, AzureError> {
    let mut f = CsvFile::open("memory", path)?;
    let cols = f.header(&["HashFunction", "AverageAllocatedMb"])?;
    let mut out = vec![None; index.len()];
    let mut first_rows = FirstRows::default();
    while f.next()? {
        let hash = f.field(cols[0], "a HashFunction")?;
        first_rows.record(&f, hash)?;
        let Some(&i) = index.get(hash) else {
            continue;
        };
        out[i] = Some(f.number(cols[1], "AverageAllocatedMb")?);
    }
    Ok(out)
}
