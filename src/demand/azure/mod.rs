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

use crate::demand::buckets::rate_of_counts;
use crate::demand::{ArrivalMode, RateProfile};
use crate::dist::Dist;
use crate::rng::Stream;
use crate::time::{NANOS_PER_SEC, SimTime};
use rand::Rng;
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod invocations;

const MINUTE: u64 = 60 * NANOS_PER_SEC;

/// Serverless memory bounds a trace's per-function memory is clamped to.
const MIN_MEMORY_MB: f64 = 128.0;
const MAX_MEMORY_MB: f64 = 10240.0;

/// The two Azure Functions trace formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AzureFormat {
    /// 2019: per-minute counts per function, with companion files.
    #[default]
    Minutes2019,
    /// 2021: one row per invocation, `app,func,end_timestamp,duration`.
    Invocations2021,
}

impl AzureFormat {
    /// As written in a scenario's `format`.
    pub fn name(self) -> &'static str {
        match self {
            AzureFormat::Minutes2019 => "azure-functions-2019",
            AzureFormat::Invocations2021 => "azure-functions-2021",
        }
    }
}

/// Which functions of the trace to replay, and the files.
#[derive(Clone, Debug, Default)]
pub struct AzureOptions {
    pub format: AzureFormat,
    pub invocations: PathBuf,
    pub durations: PathBuf,
    pub memory: PathBuf,
    /// Keep the N functions with the most invocations (after the filters).
    pub top: Option<usize>,
    /// Keep only these functions (full HashFunction or its short name).
    pub functions: Option<Vec<String>>,
    /// Keep only functions with one of these triggers.
    pub triggers: Option<Vec<String>>,
    /// All selected functions as one service.
    pub merge: bool,
    /// The window replayed, [start, end) from the trace's first minute
    /// column (2019: whole minutes) or its first invocation (2021).
    pub start: SimTime,
    pub end: Option<SimTime>,
    /// Rate multiplier: each recorded invocation becomes ⌊scale⌋ copies
    /// plus one more with probability scale − ⌊scale⌋.
    pub scale: f64,
    /// A trace minute lasts 1/speedup minutes.
    pub speedup: f64,
    /// Loop the replayed window until the run ends.
    pub repeat: bool,
    /// The run's length (for the rate summary of a repeated trace).
    pub horizon: SimTime,
}

/// One selected function.
#[derive(Clone, Debug)]
pub struct AzureFunction {
    pub hash: String,
    /// A short stable name (the first 8 hex digits, longer on collisions).
    pub name: String,
    pub trigger: String,
    /// Invocations over the whole trace.
    pub total: u64,
    pub work: Dist,
    /// Average allocated memory, clamped to 128–10240 MB (2019 only).
    pub memory_mb: Option<f64>,
    /// Its busiest minute within the run, in invocations per second of
    /// simulated time (after `scale` and `speedup`): what a fleet of its
    /// own is sized for.
    pub peak_rps: f64,
}

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

/// A problem with one of the files: which, where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureError {
    /// The scenario key naming the file (`file`, `durations`, `memory`), or
    /// `""` for a problem with the selection.
    pub key: &'static str,
    pub path: PathBuf,
    pub line: Option<u64>,
    pub message: String,
}

struct CsvFile {
    key: &'static str,
    path: PathBuf,
    csv: csv::Reader<BufReader<File>>,
    record: csv::StringRecord,
    line: u64,
}

impl CsvFile {
    fn open(key: &'static str, path: &Path) -> Result<CsvFile, AzureError> {
        let file = File::open(path).map_err(|e| AzureError {
            key,
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot read it: {e}"),
        })?;
        Ok(CsvFile {
            key,
            path: path.to_path_buf(),
            csv: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .trim(csv::Trim::All)
                .from_reader(BufReader::with_capacity(1 << 16, file)),
            record: csv::StringRecord::new(),
            line: 0,
        })
    }

    fn err(&self, line: Option<u64>, message: impl Into<String>) -> AzureError {
        AzureError {
            key: self.key,
            path: self.path.clone(),
            line,
            message: message.into(),
        }
    }

    fn next(&mut self) -> Result<bool, AzureError> {
        match self.csv.read_record(&mut self.record) {
            Ok(more) => {
                self.line = self.record.position().map_or(0, |p| p.line());
                Ok(more)
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                Err(self.err(Some(line), format!("unreadable row: {e}")))
            }
        }
    }

    /// Reads the header and finds the named columns.
    fn header(&mut self, names: &[&str]) -> Result<Vec<usize>, AzureError> {
        if !self.next()? {
            return Err(self.err(None, "the file is empty: no rows"));
        }
        names
            .iter()
            .map(|n| {
                self.record.iter().position(|h| h == *n).ok_or_else(|| {
                    self.err(
                        Some(self.line),
                        format!("expected a column named \"{n}\" in the header"),
                    )
                })
            })
            .collect()
    }

    fn field(&self, i: usize, what: &str) -> Result<&str, AzureError> {
        self.record.get(i).ok_or_else(|| {
            self.err(
                Some(self.line),
                format!(
                    "expected {what} in column {}, but the row has {} column(s)",
                    i + 1,
                    self.record.len()
                ),
            )
        })
    }

    fn number(&self, i: usize, what: &str) -> Result<f64, AzureError> {
        let v = self.field(i, what)?;
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| {
                self.err(
                    Some(self.line),
                    format!("expected {what} (a number >= 0), found \"{v}\""),
                )
            })
    }
}

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

impl AzureTrace {
    /// Reads the files, checks every row, and selects the functions.
    pub fn load(options: AzureOptions) -> Result<AzureTrace, AzureError> {
        if options.format == AzureFormat::Invocations2021 {
            return invocations::load(options);
        }
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
        let minute_edge = |lap: u64, i: usize| SimTime((lap * minutes as u64 + i as u64) * width);
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
            &options,
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
            let cpu_share = (mb / crate::scenario::catalog::lambda_defaults::MB_PER_VCPU).min(1.0);
            let work = work.scaled_empirical(cpu_share).unwrap_or(work);
            functions.push(AzureFunction {
                peak_rps: peak_rps(&row.counts, &options, minute_edge),
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
        Ok(AzureTrace {
            options,
            functions,
            counts,
            invocations: None,
            minutes,
            rows: file_rows,
            file_functions: file_rows as usize,
            requests,
            profile,
        })
    }
}

impl AzureTrace {
    /// The work of one invocation of any selected function: the mixture of
    /// their distributions weighted by invocations (for `merge = true`).
    /// Piecewise-linear CDFs mix exactly at the union of their breakpoints.
    pub fn merged_work(&self) -> Dist {
        let total = self.requests as f64;
        let tables: Vec<(f64, &[(f64, f64)])> = self
            .functions
            .iter()
            .filter_map(|f| match &f.work {
                Dist::Empirical { points } => Some((f.total as f64 / total, points.as_slice())),
                _ => None,
            })
            .collect();
        let mut xs: Vec<f64> = tables
            .iter()
            .flat_map(|t| t.1.iter().map(|p| p.1))
            .collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        let mix =
            |x: f64, left: bool| -> f64 { tables.iter().map(|(w, t)| w * cdf(t, x, left)).sum() };
        let mut points: Vec<(f64, f64)> = Vec::with_capacity(2 * xs.len());
        for &x in &xs {
            for left in [true, false] {
                let p = (mix(x, left) * 100.0).clamp(0.0, 100.0);
                if points.last().is_none_or(|l| p > l.0 + 1e-9) {
                    points.push((p, x));
                }
            }
        }
        points[0].0 = 0.0;
        if points.len() == 1 {
            points.push((100.0, points[0].1));
        }
        let last = points.len() - 1;
        points[last].0 = 100.0;
        Dist::empirical(points).expect("a mixture of percentile tables is one")
    }
}

/// The CDF of a percentile table (fractions, seconds) at `x`, or its limit
/// from the left.
fn cdf(points: &[(f64, f64)], x: f64, left: bool) -> f64 {
    let below = |v: f64| if left { v < x } else { v <= x };
    let n = points.iter().take_while(|p| below(p.1)).count();
    if n == 0 {
        return 0.0;
    }
    if n == points.len() {
        return 1.0;
    }
    let (a, b) = (points[n - 1], points[n]);
    if b.1 == a.1 {
        return a.0;
    }
    a.0 + (b.0 - a.0) * (x - a.1) / (b.1 - a.1)
}

/// A function's busiest minute within the run, as a rate in simulated time:
/// the peak of its own rate profile, so that a cut last minute counts as it
/// does for the whole trace's (see `demand::buckets`). `edge` places the
/// minutes as for the whole trace's profile.
fn peak_rps(
    per_minute: &[u32],
    options: &AzureOptions,
    edge: impl Fn(u64, usize) -> SimTime,
) -> f64 {
    let expected: Vec<f64> = per_minute
        .iter()
        .map(|&c| c as f64 * options.scale)
        .collect();
    rate_of_counts(&expected, options.repeat, options.horizon, edge).peak(options.horizon)
}

/// How long a trace minute lasts in simulated time, in ns.
fn minute_width(speedup: f64) -> u64 {
    ((MINUTE as f64 / speedup).round() as u64).max(1)
}

/// Which functions the selection keys keep, given each function's hash,
/// trigger and total: `functions`, then `triggers`, then `top`.
fn select(options: &AzureOptions, rows: &[(&str, &str, u64)]) -> Result<Vec<bool>, String> {
    let mut keep = vec![true; rows.len()];
    if let Some(wanted) = &options.functions {
        keep = vec![false; rows.len()];
        for w in wanted {
            let hits: Vec<usize> = (0..rows.len())
                .filter(|&i| rows[i].0 == w || (w.len() >= 8 && rows[i].0.starts_with(w.as_str())))
                .collect();
            match hits.len() {
                0 => {
                    return Err(format!(
                        "unknown function \"{w}\": no row of the invocations file has that HashFunction"
                    ));
                }
                1 => keep[hits[0]] = true,
                n => {
                    return Err(format!(
                        "function \"{w}\" is ambiguous: {n} functions' hashes start with it"
                    ));
                }
            }
        }
    }
    if let Some(triggers) = &options.triggers {
        for (k, r) in keep.iter_mut().zip(rows) {
            *k &= triggers.iter().any(|t| t.eq_ignore_ascii_case(r.1));
        }
        if !keep.contains(&true) {
            return Err(format!(
                "no function has one of the triggers {}",
                triggers.join(", ")
            ));
        }
    }
    if let Some(n) = options.top {
        // The busiest n, ties to the earlier row.
        let mut order: Vec<usize> = (0..rows.len()).filter(|&i| keep[i]).collect();
        order.sort_by(|&a, &b| rows[b].2.cmp(&rows[a].2).then(a.cmp(&b)));
        for &i in order.iter().skip(n) {
            keep[i] = false;
        }
    }
    Ok(keep)
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
        let trigger = f.field(trigger_col, "a Trigger")?.to_string();
        let mut counts = Vec::with_capacity(minutes);
        let mut total = 0u64;
        for c in first_minute..first_minute + minutes {
            let v = &f.record[c];
            let k = v.parse::<u32>().map_err(|_| {
                f.err(
                    Some(f.line),
                    format!(
                        "expected an invocation count (a whole number >= 0) in column {}, found \"{v}\"",
                        c + 1
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
    while f.next()? {
        let Some(&i) = index.get(f.field(cols[0], "a HashFunction")?) else {
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
    while f.next()? {
        let Some(&i) = index.get(f.field(cols[0], "a HashFunction")?) else {
            continue;
        };
        out[i] = Some(f.number(cols[1], "AverageAllocatedMb")?);
    }
    Ok(out)
}

/// The shortest prefix of at least 8 characters that tells the hashes
/// apart; identical hashes get a suffix `-2`, `-3`, ….
fn short_names<'a>(hashes: impl Iterator<Item = &'a str> + Clone) -> Vec<String> {
    let longest = hashes.clone().map(str::len).max().unwrap_or(0);
    let mut len = 8;
    loop {
        let mut seen: HashMap<&str, u32> = HashMap::new();
        let mut clash = false;
        let names: Vec<String> = hashes
            .clone()
            .map(|h| {
                let p = &h[..len.min(h.len())];
                let n = seen.entry(p).or_insert(0);
                *n += 1;
                clash |= *n > 1;
                if *n > 1 {
                    format!("{p}-{n}")
                } else {
                    p.to_string()
                }
            })
            .collect();
        if !clash || len >= longest {
            return names;
        }
        len += 4;
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
        let width = minute_width(self.trace.options.speedup);
        let start = (self.lap * self.trace.minutes as u64 + m as u64) * width;
        let scale = self.trace.options.scale;
        for (f, counts) in self.trace.counts.iter().enumerate() {
            let n =
                crate::demand::trace::scaled_count(counts[m] as u64, scale, &mut self.scale_rng);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_lengthen_on_collisions() {
        let a = "0123456789abcdef";
        let b = "0123456789abffff";
        let c = "fedcba9876543210";
        assert_eq!(short_names([a, a].into_iter()), vec![a, &format!("{a}-2")]);
        assert_eq!(
            short_names([a, c].into_iter()),
            vec!["01234567", "fedcba98"]
        );
        assert_eq!(short_names([a, b, c].into_iter()), vec![a, b, c]);
    }
}
