//! The Azure Functions 2021 invocation trace (Zhang et al., SOSP'21): one
//! row per invocation, `app,func,end_timestamp,duration`. Each invocation
//! arrives at end − duration and its work is exactly its duration.
//!
//! Rows are not in start order (the full trace is ordered by end time at
//! best, and the published excerpt not at all), yet the file is streamed,
//! never held. Loading measures the file's *lateness*: how far before the
//! latest end already read a row can start. The replay then keeps only the
//! rows within that reach in a heap and releases each one once no row still
//! unread can start before it. A file ordered by end time holds about
//! rate × longest duration rows at once; a shuffled file degrades to
//! holding all of it, and is still replayed exactly.
//!
//! Loading reads the file three times (check every row and find the
//! trace's first start; count and measure each function inside the window;
//! summarise the selected functions' rate), each pass in fixed memory.

use super::{AzureError, AzureFunction, AzureOptions, AzureTrace, CsvFile, MINUTE, select};
use crate::demand::buckets::rate_of_counts;
use crate::demand::trace::{Spread, parse_timestamp, scaled_count};
use crate::demand::{ArrivalMode, RateProfile};
use crate::dist::Dist;
use crate::results::metrics::Histogram;
use crate::rng::Stream;
use crate::time::{NANOS_PER_SEC, SimTime};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::path::{Path, PathBuf};

/// A function not selected for the replay.
const SKIP: u32 = u32::MAX;

/// What the replay needs to stream a checked 2021 trace.
#[derive(Clone, Debug)]
pub(super) struct Invocations {
    path: PathBuf,
    /// `app` + U+001F + `func` → index of the selected function, or SKIP.
    index: HashMap<String, u32>,
    /// The earliest start in the file (ns of its clock): trace time 0.
    origin: i128,
    /// No row starts more than this before the latest end read above it.
    lateness: i128,
    /// The replayed window of trace time, from `origin`.
    start: i128,
    end: Option<i128>,
    /// One lap of `repeat`, in trace time.
    period: i128,
    scale: f64,
    speedup: f64,
    repeat: bool,
}

impl Invocations {
    /// Trace time `rel` (from `origin`) of lap `lap`, in simulated time.
    fn sim_time(&self, rel: i128, lap: u64) -> SimTime {
        let t = rel - self.start + lap as i128 * self.period;
        let ns = if self.speedup == 1.0 {
            t
        } else {
            (t as f64 / self.speedup).round() as i128
        };
        SimTime(ns.clamp(0, u64::MAX as i128) as u64)
    }

    /// Where trace minute `m` of the window starts, in lap `lap`.
    fn minute_edge(&self, lap: u64, m: usize) -> SimTime {
        self.sim_time(self.start + m as i128 * MINUTE as i128, lap)
    }

    fn in_window(&self, rel: i128) -> bool {
        rel >= self.start && self.end.is_none_or(|e| rel < e)
    }
}

/// One row: where it starts and ends on the file's clock, how long it ran.
#[derive(Clone, Copy)]
struct Row {
    start: i128,
    end: i128,
    duration: i128,
}

/// The rows of a 2021 file, one at a time; the row's function key is left
/// in `key` (reused, so reading allocates nothing per row).
struct Rows {
    f: CsvFile,
    cols: Vec<usize>,
    key: String,
}

impl Rows {
    fn open(path: &Path) -> Result<Rows, AzureError> {
        let mut f = CsvFile::open("file", path)?;
        let cols = f.header(&["app", "func", "end_timestamp", "duration"])?;
        Ok(Rows {
            f,
            cols,
            key: String::new(),
        })
    }

    fn next(&mut self) -> Result<Option<Row>, AzureError> {
        if !self.f.next()? {
            return Ok(None);
        }
        let f = &self.f;
        let seconds = |i: usize, what: &str| -> Result<i128, AzureError> {
            let v = f.field(i, what)?;
            parse_timestamp(v).filter(|x| *x >= 0).ok_or_else(|| {
                f.err(
                    Some(f.line),
                    format!("expected {what} in seconds (a number >= 0), found \"{v}\""),
                )
            })
        };
        let end = seconds(self.cols[2], "an end_timestamp")?;
        let duration = seconds(self.cols[3], "a duration")?;
        self.key.clear();
        self.key.push_str(f.field(self.cols[0], "an app")?);
        self.key.push('\u{1f}');
        self.key.push_str(f.field(self.cols[1], "a func")?);
        Ok(Some(Row {
            start: end - duration,
            end,
            duration,
        }))
    }
}

/// Per function of the file, while loading.
struct Seen {
    /// The `func` hash (unique only within its app).
    hash: String,
    /// Invocations starting inside the window, and their durations.
    in_window: u64,
    durations: Histogram,
}

/// Reads, checks and selects a 2021 trace (see the module doc).
pub(super) fn load(options: AzureOptions) -> Result<AzureTrace, AzureError> {
    let path = options.invocations.clone();
    // Pass 1: every row checked; the functions, time 0 and the lateness.
    let mut rows = Rows::open(&path)?;
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut seen: Vec<Seen> = Vec::new();
    let (mut origin, mut frontier, mut lateness) = (i128::MAX, i128::MIN, 0i128);
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
    // Pass 2: each function's invocations and durations inside the window.
    let mut rows = Rows::open(&path)?;
    while let Some(row) = rows.next()? {
        if inv.in_window(row.start - origin) {
            let s = &mut seen[ids[rows.key.as_str()] as usize];
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
        &options,
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
    while let Some(row) = rows.next()? {
        let rel = row.start - origin;
        let f = inv.index[rows.key.as_str()];
        if f == SKIP || !inv.in_window(rel) {
            continue;
        }
        let m = ((rel - inv.start) / MINUTE as i128) as usize;
        let counts = &mut own[f as usize];
        if counts.len() <= m {
            counts.resize(m + 1, 0);
        }
        counts[m] += 1;
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
    let minutes = (inv.period as u64).div_ceil(MINUTE) as usize;
    let mut per_minute = vec![0u64; minutes];
    for counts in &own {
        for (total, &c) in per_minute.iter_mut().zip(counts) {
            *total += c as u64;
        }
    }
    let names = super::short_names(kept.iter().map(|&i| seen[i].hash.as_str()));
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
                peak_rps: super::peak_rps(own, &options, |lap, m| inv.minute_edge(lap, m)),
            }
        })
        .collect();
    let profile = rate_profile(&inv, &per_minute, options.horizon);
    Ok(AzureTrace {
        options,
        functions,
        counts: Vec::new(),
        invocations: Some(inv),
        minutes,
        rows: n_rows,
        file_functions: seen.len(),
        requests,
        profile,
    })
}

/// The expected rate: each trace minute's count × scale over its span in
/// simulated time, lap after lap to the horizon.
fn rate_profile(inv: &Invocations, per_minute: &[u64], horizon: SimTime) -> RateProfile {
    let expected: Vec<f64> = per_minute.iter().map(|&c| c as f64 * inv.scale).collect();
    rate_of_counts(&expected, inv.repeat, horizon, |lap, m| {
        inv.minute_edge(lap, m)
    })
}

/// A heap entry: start in trace time, then file order to break ties.
type Pending = Reverse<(i128, u64, u32, u64)>;

/// The streaming replay of a 2021 trace (see the module doc).
pub(super) struct Replay {
    /// `None` once the current lap's file is read to its end.
    rows: Option<Rows>,
    pending: BinaryHeap<Pending>,
    /// The latest end read in this lap.
    frontier: i128,
    lap: u64,
    order: u64,
    /// The invocation being replayed under `scale`, its copies spread up
    /// to the next recorded start.
    copies: Spread,
    copy_of: (u32, SimTime),
}

impl Replay {
    pub fn new(inv: &Invocations) -> Self {
        Replay {
            // A file that became unreadable since it was checked ends the
            // trace.
            rows: Rows::open(&inv.path).ok(),
            pending: BinaryHeap::new(),
            frontier: i128::MIN,
            lap: 0,
            order: 0,
            copies: Spread::default(),
            copy_of: (0, SimTime::ZERO),
        }
    }

    /// Reads rows until the earliest pending start is final: no unread row
    /// can start before it.
    fn settle(&mut self, inv: &Invocations) {
        while let Some(rows) = &mut self.rows {
            if let Some(Reverse(top)) = self.pending.peek()
                && top.0 < self.frontier.saturating_sub(inv.lateness)
            {
                return;
            }
            let Some(row) = rows.next().ok().flatten() else {
                self.rows = None;
                return;
            };
            self.frontier = self.frontier.max(row.end);
            let f = inv.index.get(rows.key.as_str()).copied().unwrap_or(SKIP);
            let rel = row.start - inv.origin;
            if f != SKIP && inv.in_window(rel) {
                self.order += 1;
                self.pending
                    .push(Reverse((rel, self.order, f, row.duration as u64)));
            }
        }
    }

    /// The next invocation: when, which function, and its recorded work.
    pub fn next(
        &mut self,
        inv: &Invocations,
        mode: ArrivalMode,
        rng: &mut Stream,
        scale_rng: &mut Stream,
    ) -> Option<(SimTime, u32, Option<SimTime>)> {
        loop {
            if let Some(t) = self.copies.next(mode, rng) {
                let (f, work) = self.copy_of;
                return Some((t, f, Some(work)));
            }
            self.settle(inv);
            let Some(Reverse((rel, _, f, work))) = self.pending.pop() else {
                if self.rows.is_none() && inv.repeat {
                    self.lap += 1;
                    self.frontier = i128::MIN;
                    self.rows = Rows::open(&inv.path).ok();
                    if self.rows.is_some() {
                        continue;
                    }
                }
                return None;
            };
            let t = inv.sim_time(rel, self.lap);
            let work = SimTime(work);
            if inv.scale == 1.0 {
                return Some((t, f, Some(work)));
            }
            // Copies spread from this start to the next recorded one (or
            // the lap's end), the first exactly on time; none if thinned.
            let n = scaled_count(1, inv.scale, scale_rng);
            self.settle(inv);
            let next = match self.pending.peek() {
                Some(Reverse(p)) => inv.sim_time(p.0, self.lap),
                None => inv.sim_time(inv.start + inv.period, self.lap),
            };
            let width = next.saturating_sub(t).as_nanos() as f64;
            self.copies = Spread::new(t, width, n, true);
            self.copy_of = (f, work);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replay_all(
        name: &str,
        text: &str,
        options: impl FnOnce(&mut AzureOptions),
    ) -> Vec<(f64, u32, f64)> {
        let path = std::env::temp_dir().join(format!("scalesim-{name}-{}.csv", std::process::id()));
        std::fs::write(&path, text).unwrap();
        let mut o = AzureOptions {
            format: super::super::AzureFormat::Invocations2021,
            invocations: path.clone(),
            scale: 1.0,
            speedup: 1.0,
            horizon: SimTime::from_secs(3600),
            ..AzureOptions::default()
        };
        options(&mut o);
        let trace = load(o).unwrap();
        let inv = trace.invocations.as_ref().unwrap();
        let mut r = Replay::new(inv);
        let mut rng = crate::rng::stream(1, 0, "a");
        let mut srng = crate::rng::stream(1, 0, "b");
        let mut out = Vec::new();
        while let Some((t, f, w)) = r.next(inv, ArrivalMode::Poisson, &mut rng, &mut srng) {
            out.push((t.as_secs_f64(), f, w.unwrap().as_secs_f64()));
            if out.len() > 100 {
                break;
            }
        }
        std::fs::remove_file(&path).unwrap();
        out
    }

    const SHUFFLED: &str = "app,func,end_timestamp,duration\n\
        a,f,10,2\n\
        a,g,5,5\n\
        b,f,30,1\n\
        a,f,7,1\n\
        a,g,12,0.5\n";

    #[test]
    fn shuffled_rows_replay_in_start_order_with_their_durations() {
        // Starts 8, 0, 29, 6, 11.5: time 0 is the earliest start.
        let got = replay_all("shuffled", SHUFFLED, |_| {});
        let want = [
            (0.0, 1, 5.0),
            (6.0, 0, 1.0),
            (8.0, 0, 2.0),
            (11.5, 1, 0.5),
            (29.0, 2, 1.0),
        ];
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g.0 - w.0).abs() < 1e-9 && g.1 == w.1 && (g.2 - w.2).abs() < 1e-9);
        }
    }

    #[test]
    fn the_lateness_bounds_what_is_held() {
        // Ordered by end, durations at most 2 s: a start is never more than
        // 2 s behind the latest end read.
        let mut text = String::from("app,func,end_timestamp,duration\n");
        for i in 0..50 {
            text += &format!("a,f,{},{}\n", 10 + i, (i % 3) as f64);
        }
        let path = std::env::temp_dir().join(format!("scalesim-late-{}.csv", std::process::id()));
        std::fs::write(&path, &text).unwrap();
        let trace = load(AzureOptions {
            format: super::super::AzureFormat::Invocations2021,
            invocations: path.clone(),
            scale: 1.0,
            speedup: 1.0,
            ..AzureOptions::default()
        })
        .unwrap();
        let inv = trace.invocations.as_ref().unwrap();
        assert_eq!(inv.lateness, 2 * NANOS_PER_SEC as i128);
        let mut r = Replay::new(inv);
        let (mut rng, mut srng) = (crate::rng::stream(1, 0, "a"), crate::rng::stream(1, 0, "b"));
        let (mut most, mut last, mut n) = (0, SimTime::ZERO, 0);
        while let Some((t, _, _)) = r.next(inv, ArrivalMode::Poisson, &mut rng, &mut srng) {
            assert!(t >= last);
            last = t;
            most = most.max(r.pending.len());
            n += 1;
        }
        std::fs::remove_file(&path).unwrap();
        assert_eq!(n, 50);
        assert!(most <= 4, "held {most} rows at once");
    }

    #[test]
    fn window_speedup_and_repeat_map_trace_time() {
        // Window [5 s, 12 s) holds starts 6, 8, 11.5; sped up × 2, a lap
        // lasts 3.5 s.
        let got = replay_all("window", SHUFFLED, |o| {
            o.start = SimTime::from_secs(5);
            o.end = Some(SimTime::from_secs(12));
            o.speedup = 2.0;
            o.repeat = true;
            o.horizon = SimTime::from_secs(7);
        });
        let times: Vec<f64> = got.iter().take(6).map(|g| g.0).collect();
        assert_eq!(times, vec![0.5, 1.5, 3.25, 4.0, 5.0, 6.75]);
    }
}
