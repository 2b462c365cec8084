//! Loading a 2021 trace in three passes (see the `invocations` module doc),
//! each in fixed memory.

use super::super::functions::{peak_rps, select, short_names};
use super::super::minutes::MINUTE;
use super::super::options::{AzureError, AzureFunction, AzureOptions, Summary};
use super::duplicates::Duplicates;
use super::source::{Invocations, Rows, SKIP};
use crate::demand::RateProfile;
use crate::demand::buckets::{check_laps, rate_of_counts, summary_buckets};
use crate::dist::Dist;
use crate::results::metrics::Histogram;
use crate::time::{NANOS_PER_SEC, SimTime};
use std::collections::HashMap;

/// Per function of the file, while loading.
struct Seen {
    /// The `func` hash (unique only within its app).
    hash: String,
    /// Invocations starting inside the window, and their durations.
    in_window: u64,
    durations: Histogram,
}

/// Reads, checks and selects a 2021 trace (see the module doc).
pub(in crate::demand::azure) fn load(
    options: &AzureOptions,
) -> Result<(Summary, Invocations), AzureError> {
    let path = options.invocations.clone();
    // Pass 1: every row checked; the functions, time 0 and the lateness.
    let mut rows = Rows::open(&path)?;
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut seen: Vec<Seen> = Vec::new();
    let (mut origin, mut frontier, mut lateness) = (i128::MAX, i128::MIN, 0i128);
    // How far an end falls behind the latest end above it: the reach of
    // the search for repeated rows.
    let mut end_lateness = 0i128;
    let mut n_rows = 0u64;
    while let Some(row) = rows.next()? {
        n_rows += 1;
        if !ids.contains_key(rows.key.as_str()) {
            let hash = rows.key.split('\u{1f}').nth(1).unwrap_or("").to_string();
            ids.insert(rows.key.clone(), seen.len() as u32);
            seen.push(Seen {
                hash,
                in_window: 0,
                durations: Histogram::new(),
            });
        }
        origin = origin.min(row.start);
        frontier = frontier.max(row.end);
        lateness = lateness.max(frontier - row.start);
        end_lateness = end_lateness.max(frontier - row.end);
    }
    if n_rows == 0 {
        return Err(rows.f.err(None, "the trace is empty: no rows"));
    }
    let mut inv = Invocations {
        path: path.clone(),
        index: HashMap::new(),
        origin,
        lateness,
        start: options.start.as_nanos() as i128,
        end: options.end.map(|e| e.as_nanos() as i128),
        period: 0,
        scale: options.scale,
        speedup: options.speedup,
        repeat: options.repeat,
    };
    // Pass 2: no row given twice; each function's invocations and
    // durations inside the window.
    let mut rows = Rows::open(&path)?;
    let mut duplicates = Duplicates::new(end_lateness);
    while let Some(row) = rows.next()? {
        let id = ids[rows.key.as_str()];
        if let Err(first) = duplicates.record(id, row.end, row.duration, rows.f.line) {
            return Err(rows.f.err(
                Some(rows.f.line),
                format!(
                    "this row repeats line {first} (same app, func, end_timestamp and \
                     duration): one invocation given twice"
                ),
            ));
        }
        if inv.in_window(row.start - origin) {
            let s = &mut seen[id as usize];
            s.in_window += 1;
            s.durations.record(SimTime(row.duration as u64));
        }
    }
    let problem = |message: String| AzureError {
        key: "",
        path: path.clone(),
        line: None,
        message,
    };
    if seen.iter().all(|s| s.in_window == 0) {
        return Err(AzureError {
            key: "start",
            ..problem("the trace holds no invocations between `start` and `end`".into())
        });
    }
    let keep = select(
        options,
        &seen
            .iter()
            .map(|s| (s.hash.as_str(), "", s.in_window))
            .collect::<Vec<_>>(),
    )
    .map_err(problem)?;
    // A function with nothing in the window has no durations to describe
    // it: left out, unless the scenario named it.
    if options.functions.is_some()
        && let Some(i) = (0..seen.len()).find(|&i| keep[i] && seen[i].in_window == 0)
    {
        return Err(problem(format!(
            "function \"{}\" has no invocations between `start` and `end`",
            seen[i].hash
        )));
    }
    let kept: Vec<usize> = (0..seen.len())
        .filter(|&i| keep[i] && seen[i].in_window > 0)
        .collect();
    let mut new_index = vec![SKIP; seen.len()];
    for (j, &i) in kept.iter().enumerate() {
        new_index[i] = j as u32;
    }
    inv.index = ids
        .into_iter()
        .map(|(k, i)| (k, new_index[i as usize]))
        .collect();
    // Pass 3: the selected invocations per minute of trace time, and the
    // span of a lap.
    let mut rows = Rows::open(&path)?;
    // Per selected function: its count per trace minute.
    let mut own: Vec<Vec<u32>> = vec![Vec::new(); kept.len()];
    let (mut first, mut last, mut requests) = (i128::MAX, i128::MIN, 0u64);
    // Minutes past those the run reaches are never replayed: not counted,
    // so that a row centuries away allocates nothing.
    let reached = summary_buckets(u128::MAX, MINUTE as u128, options.horizon, options.speedup);
    while let Some(row) = rows.next()? {
        let rel = row.start - origin;
        let f = inv.index[rows.key.as_str()];
        if f == SKIP || !inv.in_window(rel) {
            continue;
        }
        let m = (rel - inv.start) / MINUTE as i128;
        let counted = match &reached {
            Ok(n) => m < *n as i128,
            Err(_) => m < crate::limits::MAX_PROFILE_PIECES as i128,
        };
        if counted {
            let m = m as usize;
            let counts = &mut own[f as usize];
            if counts.len() <= m {
                counts.resize(m + 1, 0);
            }
            counts[m] += 1;
        }
        first = first.min(rel);
        last = last.max(rel);
        requests += 1;
    }
    inv.period = match inv.end {
        Some(e) => e - inv.start,
        // One mean gap after the last invocation, as if the next came on time.
        None => {
            let gap = if requests > 1 {
                (last - first) / (requests as i128 - 1)
            } else {
                NANOS_PER_SEC as i128
            };
            last - inv.start + gap.max(1)
        }
    };
    let minutes = summary_buckets(
        (inv.period.max(0) as u128).div_ceil(MINUTE as u128),
        MINUTE as u128,
        options.horizon,
        options.speedup,
    )
    .map_err(|message| rows.f.err(None, message))?;
    let mut per_minute = vec![0u64; minutes];
    for counts in &own {
        for (total, &c) in per_minute.iter_mut().zip(counts) {
            *total += c as u64;
        }
    }
    check_laps(minutes, options.repeat, options.horizon, |lap, m| {
        inv.minute_edge(lap, m)
    })
    .map_err(|message| AzureError {
        key: "repeat",
        path: path.clone(),
        line: None,
        message,
    })?;
    let names = short_names(kept.iter().map(|&i| seen[i].hash.as_str()));
    let functions = kept
        .iter()
        .zip(names)
        .zip(&own)
        .map(|((&i, name), own)| {
            let h = &seen[i].durations;
            let points = [0.0, 25.0, 50.0, 75.0, 100.0]
                .map(|p| {
                    let t = match p {
                        0.0 => h.min(),
                        100.0 => h.max(),
                        _ => h.quantile(p / 100.0),
                    };
                    (p, t.as_secs_f64())
                })
                .to_vec();
            AzureFunction {
                hash: seen[i].hash.clone(),
                name,
                trigger: String::new(),
                total: seen[i].in_window,
                work: Dist::empirical(points).expect("quantiles make a percentile table"),
                memory_mb: None,
                peak_rps: peak_rps(own, options, |lap, m| inv.minute_edge(lap, m)),
            }
        })
        .collect();
    let profile = rate_profile(&inv, &per_minute, options.horizon);
    let summary = Summary {
        functions,
        minutes,
        rows: n_rows,
        file_functions: seen.len(),
        requests,
        profile,
    };
    Ok((summary, inv))
}

/// The expected rate: each trace minute's count × scale over its span in
/// simulated time, lap after lap to the horizon.
fn rate_profile(inv: &Invocations, per_minute: &[u64], horizon: SimTime) -> RateProfile {
    let expected: Vec<f64> = per_minute.iter().map(|&c| c as f64 * inv.scale).collect();
    rate_of_counts(&expected, inv.repeat, horizon, |lap, m| {
        inv.minute_edge(lap, m)
    })
}
