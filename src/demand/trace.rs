//! Recorded demand: replaying a trace file (`rate-csv`: requests per time
//! bucket; `timestamps-csv`: one row per request).
//!
//! A trace is read twice at load time — once to check every row and infer
//! the bucket, once to summarise its rate per minute (for fleet sizing and
//! reports) — and then streamed again by every architecture's arrival
//! source, one row at a time: a trace of 10⁸ requests replays in bounded
//! memory. This is the one part of the simulation core that reads a file;
//! the load-time check is what guarantees the replay never meets a bad row.
//!
//! Simulated time 0 is the trace's first bucket or request (or `start`
//! after it). A `rate-csv` bucket of n requests yields exactly n arrivals
//! inside it, spread as sorted uniform times (Poisson) or evenly.

use crate::demand::buckets::rate_of_counts;
use crate::demand::{ArrivalMode, RateProfile};
use crate::rng::Stream;
use crate::time::{NANOS_PER_SEC, SimTime};
use rand::Rng;
use rand_distr::{Binomial, Distribution};
use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceFormat {
    /// `timestamp,requests` rows: the count of requests in each bucket.
    RateCsv,
    /// One row per request; the timestamp column chosen by name.
    TimestampsCsv,
}

/// What the scenario asks of a trace.
#[derive(Clone, Debug)]
pub struct TraceOptions {
    pub path: PathBuf,
    pub format: TraceFormat,
    /// Bucket width of a `rate-csv` (inferred if `None`).
    pub bucket: Option<SimTime>,
    /// The column holding the counts (rate) or the timestamps, by header name.
    pub column: Option<String>,
    pub scale: f64,
    pub speedup: f64,
    /// The window of the trace replayed, from its first row.
    pub start: SimTime,
    pub end: Option<SimTime>,
    pub repeat: bool,
}

/// A checked trace, ready to stream.
#[derive(Clone, Debug)]
pub struct Trace {
    pub options: TraceOptions,
    has_header: bool,
    time_col: usize,
    value_col: usize,
    /// The first row's timestamp, in nanoseconds of the file's clock.
    origin: i128,
    /// Bucket width in trace time (rate-csv; zero for timestamps).
    bucket: i128,
    /// Length of one lap of `repeat`, in trace time.
    period: i128,
    /// Rows of the file.
    pub rows: u64,
    /// Requests recorded inside the replayed window (before `scale`).
    pub requests: u64,
    /// Expected rate over the run, per minute (or per bucket if longer).
    pub profile: RateProfile,
}

/// A problem with a trace file: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceError {
    pub line: Option<u64>,
    pub message: String,
}

impl TraceError {
    fn at(line: u64, message: impl Into<String>) -> Self {
        TraceError {
            line: Some(line),
            message: message.into(),
        }
    }
    fn file(message: impl Into<String>) -> Self {
        TraceError {
            line: None,
            message: message.into(),
        }
    }
}

/// One data row: its line, its timestamp (ns of the file's clock) and its
/// count (1 for a timestamps file).
#[derive(Clone, Copy, Debug)]
struct Row {
    line: u64,
    time: i128,
    count: u64,
}

/// Streams the data rows of a trace file.
struct Rows {
    csv: csv::Reader<BufReader<File>>,
    record: csv::StringRecord,
    time_col: usize,
    value_col: Option<usize>,
}

fn open_csv(path: &PathBuf) -> Result<csv::Reader<BufReader<File>>, TraceError> {
    let file = File::open(path).map_err(|e| TraceError::file(format!("cannot read it: {e}")))?;
    Ok(csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(BufReader::with_capacity(1 << 16, file)))
}

impl Rows {
    fn open(trace: &Trace) -> Result<Rows, TraceError> {
        let mut rows = Rows {
            csv: open_csv(&trace.options.path)?,
            record: csv::StringRecord::new(),
            time_col: trace.time_col,
            value_col: (trace.options.format == TraceFormat::RateCsv).then_some(trace.value_col),
        };
        if trace.has_header {
            rows.read_record()?;
        }
        Ok(rows)
    }

    fn read_record(&mut self) -> Result<Option<u64>, TraceError> {
        match self.csv.read_record(&mut self.record) {
            Ok(true) => Ok(Some(self.record.position().map_or(0, |p| p.line()))),
            Ok(false) => Ok(None),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                Err(TraceError::at(line, format!("unreadable row: {e}")))
            }
        }
    }

    fn next_row(&mut self) -> Result<Option<Row>, TraceError> {
        let Some(line) = self.read_record()? else {
            return Ok(None);
        };
        let field = |i: usize, what: &str| {
            self.record.get(i).ok_or_else(|| {
                TraceError::at(
                    line,
                    format!(
                        "expected {what} in column {}, but the row has {} column(s)",
                        i + 1,
                        self.record.len()
                    ),
                )
            })
        };
        let t = field(self.time_col, "a timestamp")?;
        let time = parse_timestamp(t).ok_or_else(|| {
            TraceError::at(
                line,
                format!(
                    "expected a timestamp (seconds, or a date-time such as 2024-05-01T13:00:00Z), found \"{t}\""
                ),
            )
        })?;
        let count = match self.value_col {
            None => 1,
            Some(c) => {
                let v = field(c, "a request count")?;
                v.parse::<u64>().map_err(|_| {
                    TraceError::at(
                        line,
                        format!("expected a request count (a whole number >= 0), found \"{v}\""),
                    )
                })?
            }
        };
        Ok(Some(Row { line, time, count }))
    }
}

const MINUTE: i128 = 60 * NANOS_PER_SEC as i128;

impl Trace {
    /// Checks every row of the file and summarises it over `horizon`.
    pub fn load(options: TraceOptions, horizon: SimTime) -> Result<Trace, TraceError> {
        let mut trace = Trace {
            options,
            has_header: false,
            time_col: 0,
            value_col: 1,
            origin: 0,
            bucket: 0,
            period: 0,
            rows: 0,
            requests: 0,
            profile: RateProfile::constant(0.0),
        };
        trace.read_header()?;
        trace.check_rows()?;
        trace.profile = trace.summarise(horizon)?;
        Ok(trace)
    }

    /// Decides whether the first line is a header and finds the columns.
    fn read_header(&mut self) -> Result<(), TraceError> {
        let mut csv = open_csv(&self.options.path)?;
        let mut first = csv::StringRecord::new();
        match csv.read_record(&mut first) {
            Ok(true) => {}
            Ok(false) => return Err(TraceError::file("the trace is empty: no rows")),
            Err(e) => return Err(TraceError::at(1, format!("unreadable row: {e}"))),
        }
        self.has_header = first.get(0).and_then(parse_timestamp).is_none();
        let Some(name) = &self.options.column else {
            return Ok(());
        };
        if !self.has_header {
            return Err(TraceError::at(
                1,
                format!("`column = \"{name}\"` needs a header line naming the columns"),
            ));
        }
        let index = first.iter().position(|h| h == name).ok_or_else(|| {
            let names: Vec<&str> = first.iter().collect();
            TraceError::at(
                1,
                format!(
                    "no column named \"{name}\"; the columns are: {}",
                    names.join(", ")
                ),
            )
        })?;
        match self.options.format {
            TraceFormat::RateCsv => self.value_col = index,
            TraceFormat::TimestampsCsv => self.time_col = index,
        }
        Ok(())
    }

    /// The first pass: every row parses, times never go backwards, the
    /// bucket is known, and the window holds requests.
    fn check_rows(&mut self) -> Result<(), TraceError> {
        let rate = self.options.format == TraceFormat::RateCsv;
        let start = self.options.start.as_nanos() as i128;
        let end = self.options.end.map(|e| e.as_nanos() as i128);
        let mut rows = Rows::open(self)?;
        let mut prev: Option<Row> = None;
        let mut min_gap: Option<(i128, u64)> = None;
        let mut last_in_window: Option<i128> = None;
        let mut first_in_window: Option<i128> = None;
        while let Some(row) = rows.next_row()? {
            if let Some(p) = prev {
                let gap = row.time - p.time;
                if gap < 0 || (rate && gap == 0) {
                    return Err(TraceError::at(
                        row.line,
                        format!(
                            "timestamps go backwards: this row is {} the one on line {}",
                            if gap == 0 {
                                "at the same time as"
                            } else {
                                "before"
                            },
                            p.line
                        ),
                    ));
                }
                if rate && min_gap.is_none_or(|(g, _)| gap < g) {
                    min_gap = Some((gap, row.line));
                }
            } else {
                self.origin = row.time;
            }
            self.rows += 1;
            let rel = row.time - self.origin;
            if rel >= start && end.is_none_or(|e| rel < e) {
                self.requests += row.count;
                if row.count > 0 || rate {
                    first_in_window.get_or_insert(rel);
                    last_in_window = Some(rel);
                }
            }
            prev = Some(row);
        }
        if self.rows == 0 {
            return Err(TraceError::file("the trace is empty: no rows"));
        }
        if rate {
            self.bucket = match (self.options.bucket, min_gap) {
                (Some(b), Some((g, line))) if (b.as_nanos() as i128) > g => {
                    return Err(TraceError::at(
                        line,
                        format!(
                            "this row is {} after the previous one, closer than the bucket ({b})",
                            SimTime(g as u64)
                        ),
                    ));
                }
                (Some(b), _) => b.as_nanos() as i128,
                (None, Some((g, _))) => g,
                (None, None) => {
                    return Err(TraceError::file(
                        "cannot infer the bucket width from a single row: set `bucket` (e.g. bucket = \"1m\")",
                    ));
                }
            };
        }
        if self.requests == 0 {
            let cut = self.options.start > SimTime::ZERO || end.is_some();
            return Err(TraceError::file(format!(
                "the trace holds no requests{}",
                if cut {
                    " between `start` and `end`"
                } else {
                    ""
                }
            )));
        }
        let first = first_in_window.unwrap_or(start);
        let last = last_in_window.unwrap_or(start);
        self.period = match end {
            Some(e) => e - start,
            None if rate => last + self.bucket - start,
            // One mean gap after the last request, as if the next came on time.
            None => {
                let n = self.requests as i128;
                let gap = if n > 1 {
                    (last - first) / (n - 1)
                } else {
                    NANOS_PER_SEC as i128
                };
                last - start + gap.max(1)
            }
        };
        Ok(())
    }

    /// Maps a trace time (ns from `start`) of lap `lap` to simulated time.
    fn sim_time(&self, rel: i128, lap: u64) -> SimTime {
        let t = rel + lap as i128 * self.period;
        let speedup = self.options.speedup;
        let ns = if speedup == 1.0 {
            t
        } else {
            (t as f64 / speedup).round() as i128
        };
        SimTime(ns.clamp(0, u64::MAX as i128) as u64)
    }

    /// The second pass: expected requests per minute of simulated time (or
    /// per bucket if longer), a bucket's count spread over the minutes it
    /// covers, laps repeated to the horizon.
    fn summarise(&self, horizon: SimTime) -> Result<RateProfile, TraceError> {
        let bin = MINUTE.max(self.sim_time(self.bucket, 0).as_nanos() as i128);
        let lap_len = self.sim_time(self.period, 0).as_nanos() as i128;
        let lap_bins = (lap_len.max(1) + bin - 1) / bin;
        let horizon_bins = (horizon.as_nanos() as i128 + bin - 1) / bin;
        let n = lap_bins.min(horizon_bins).max(1) as usize;
        let mut counts = vec![0.0; n];
        let (start, end) = self.window();
        let mut rows = Rows::open(self)?;
        while let Some(row) = rows.next_row()? {
            let rel = row.time - self.origin - start;
            if rel < 0 || end.is_some_and(|e| rel >= e - start) {
                continue;
            }
            let a = self.sim_time(rel, 0).as_nanos() as i128;
            let b = self.sim_time(rel + self.bucket, 0).as_nanos() as i128;
            let expected = row.count as f64 * self.options.scale;
            if b <= a {
                if let Some(c) = counts.get_mut((a / bin) as usize) {
                    *c += expected;
                }
                continue;
            }
            let mut i = a / bin;
            while i * bin < b && (i as usize) < n {
                let overlap = b.min((i + 1) * bin) - a.max(i * bin);
                counts[i as usize] += expected * overlap as f64 / (b - a) as f64;
                i += 1;
            }
        }
        let repeat = self.options.repeat;
        Ok(rate_of_counts(&counts, repeat, horizon, |lap, i| {
            self.sim_time(0, lap) + SimTime((i as i128 * bin) as u64)
        }))
    }

    /// The replayed window of trace time, from the first row: start and end.
    fn window(&self) -> (i128, Option<i128>) {
        (
            self.options.start.as_nanos() as i128,
            self.options.end.map(|e| e.as_nanos() as i128),
        )
    }
}

/// Arrival times replayed from a checked trace, streamed from its file.
pub struct TraceArrivals {
    trace: std::sync::Arc<Trace>,
    mode: ArrivalMode,
    /// Spreads arrivals inside a bucket (the arrivals stream).
    rng: Stream,
    /// Decides which requests `scale` keeps or copies.
    scale_rng: Stream,
    rows: Option<Rows>,
    lap: u64,
    /// The next row in the window, read ahead (a copy spreads up to it).
    ahead: Option<Row>,
    group: Spread,
}

/// A run of arrivals spread over [start, start + width): a bucket's
/// requests, or a recorded request and its copies under `scale` (the first
/// exactly at `start`).
#[derive(Default)]
pub(crate) struct Spread {
    pub start: SimTime,
    pub width: f64,
    pub total: u64,
    done: u64,
    /// Position in [0, 1) of the last arrival placed (Poisson spreading).
    pos: f64,
    pub first_exact: bool,
}

impl Spread {
    pub fn new(start: SimTime, width: f64, total: u64, first_exact: bool) -> Self {
        Spread {
            start,
            width,
            total,
            first_exact,
            ..Spread::default()
        }
    }

    /// The next arrival of the run, in time order; `None` when all are out.
    /// Poisson spreading places the sorted uniforms one at a time, so a run
    /// of a million requests needs no buffer.
    #[inline]
    pub fn next(&mut self, mode: ArrivalMode, rng: &mut Stream) -> Option<SimTime> {
        if self.done >= self.total {
            return None;
        }
        let (k, n) = (self.done, self.total);
        self.done += 1;
        let x = if self.first_exact && k == 0 {
            0.0
        } else {
            match mode {
                ArrivalMode::Uniform => k as f64 / n as f64,
                ArrivalMode::Poisson => {
                    // The next of the remaining n − k sorted uniforms on
                    // (pos, 1): pos + (1 − pos)(1 − U^{1/(n−k)}).
                    let u: f64 = 1.0 - rng.random::<f64>();
                    self.pos += (1.0 - self.pos) * (1.0 - u.powf(1.0 / (n - k) as f64));
                    self.pos
                }
            }
        };
        let offset = ((x * self.width) as u64).min((self.width as u64).saturating_sub(1));
        Some(self.start + SimTime(offset))
    }
}

/// How many requests a recorded `n` becomes under `scale`: n × ⌊scale⌋
/// plus a binomial share of the fraction (thinning below 1), drawn from
/// the scale stream so that every architecture sees the same copies.
pub(crate) fn scaled_count(n: u64, scale: f64, rng: &mut Stream) -> u64 {
    if scale == 1.0 {
        return n;
    }
    let whole = scale.floor();
    let frac = scale - whole;
    let extra = if frac > 0.0 && n > 0 {
        Binomial::new(n, frac).map_or(0, |b| b.sample(rng))
    } else {
        0
    };
    n * whole as u64 + extra
}

impl TraceArrivals {
    pub fn new(
        trace: std::sync::Arc<Trace>,
        mode: ArrivalMode,
        rng: Stream,
        scale_rng: Stream,
    ) -> Self {
        let mut a = TraceArrivals {
            trace,
            mode,
            rng,
            scale_rng,
            rows: None,
            lap: 0,
            ahead: None,
            group: Spread::default(),
        };
        a.rows = Rows::open(&a.trace).ok();
        a.ahead = a.next_in_window();
        a
    }

    /// The next row inside the replayed window, looping laps with `repeat`.
    /// A file that became unreadable since it was checked ends the trace.
    fn next_in_window(&mut self) -> Option<Row> {
        let (start, end) = self.trace.window();
        loop {
            let row = self.rows.as_mut()?.next_row().ok().flatten();
            if let Some(r) = row {
                let rel = r.time - self.trace.origin;
                if rel < start {
                    continue;
                }
                if end.is_none_or(|e| rel < e) {
                    return Some(Row {
                        time: rel - start,
                        ..r
                    });
                }
            }
            // Past the window or at the end of the file: a new lap, or done.
            if !self.trace.options.repeat {
                self.rows = None;
                return None;
            }
            self.lap += 1;
            self.rows = Rows::open(&self.trace).ok();
        }
    }

    /// Starts the group of the next row; false at the end of the trace.
    fn next_group(&mut self) -> bool {
        let Some(row) = self.ahead else {
            return false;
        };
        let lap = self.lap;
        self.ahead = self.next_in_window();
        let trace = &self.trace;
        let start = trace.sim_time(row.time, lap);
        let (end, first_exact) = match trace.options.format {
            TraceFormat::RateCsv => (trace.sim_time(row.time + trace.bucket, lap), false),
            TraceFormat::TimestampsCsv => (
                self.ahead
                    .map_or(start, |a| trace.sim_time(a.time, self.lap)),
                true,
            ),
        };
        let total = scaled_count(row.count, trace.options.scale, &mut self.scale_rng);
        let width = end.saturating_sub(start).as_nanos() as f64;
        self.group = Spread::new(start, width, total, first_exact);
        true
    }

    /// The next arrival time, or `None` when the trace is over.
    #[inline]
    pub fn next_arrival(&mut self) -> Option<SimTime> {
        loop {
            if let Some(t) = self.group.next(self.mode, &mut self.rng) {
                return Some(t);
            }
            if !self.next_group() {
                return None;
            }
        }
    }
}

/// Parses seconds ("12", "1700000000.25") or a date-time
/// ("1995-07-01T00:01", "2023-11-16 18:17:03.9799600", "…Z", "…+02:00")
/// into nanoseconds. Date-times without a zone are read as UTC: only
/// differences matter.
pub fn parse_timestamp(s: &str) -> Option<i128> {
    let s = s.trim();
    if s.len() >= 10 && s.as_bytes()[4] == b'-' {
        parse_datetime(s)
    } else {
        parse_seconds(s)
    }
}

fn parse_seconds(s: &str) -> Option<i128> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || int.len() > 20
    {
        return None;
    }
    let whole: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    Some(whole * NANOS_PER_SEC as i128 + fraction_ns(frac))
}

/// "25" after a decimal point → 250,000,000 ns (digits past 9 dropped).
fn fraction_ns(frac: &str) -> i128 {
    let mut ns: i128 = 0;
    for (i, b) in frac.bytes().take(9).enumerate() {
        ns += (b - b'0') as i128 * 10i128.pow(8 - i as u32);
    }
    ns
}

fn parse_datetime(s: &str) -> Option<i128> {
    let num = |t: &str| -> Option<i64> {
        (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())?
    };
    let (y, m, d) = (num(&s[0..4])?, num(s.get(5..7)?)?, num(s.get(8..10)?)?);
    if s.as_bytes().get(7) != Some(&b'-') || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) * 86_400;
    let mut rest = &s[10..];
    let mut frac = 0;
    if let Some(time) = rest.strip_prefix(['T', ' ']) {
        let (hh, mm) = (num(time.get(0..2)?)?, num(time.get(3..5)?)?);
        if time.as_bytes()[2] != b':' || hh > 23 || mm > 59 {
            return None;
        }
        secs += hh * 3600 + mm * 60;
        rest = &time[5..];
        if let Some(sec) = rest.strip_prefix(':') {
            let ss = num(sec.get(0..2)?)?;
            if ss > 60 {
                return None;
            }
            secs += ss;
            rest = &sec[2..];
            if let Some(f) = rest.strip_prefix('.') {
                let digits = f.bytes().take_while(u8::is_ascii_digit).count();
                frac = fraction_ns(&f[..digits]);
                rest = &f[digits..];
            }
        }
    }
    let zone = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let z = rest[1..].replace(':', "");
            if z.len() != 4 {
                return None;
            }
            sign * (num(&z[0..2])? * 3600 + num(&z[2..4])? * 60)
        }
    };
    Some((secs - zone) as i128 * NANOS_PER_SEC as i128 + frac)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_as_seconds_or_date_times() {
        let s = NANOS_PER_SEC as i128;
        assert_eq!(parse_timestamp("12"), Some(12 * s));
        assert_eq!(parse_timestamp("0.25"), Some(s / 4));
        assert_eq!(parse_timestamp("1970-01-02T00:00"), Some(86_400 * s));
        assert_eq!(
            parse_timestamp("1970-01-01T00:01:02.5Z"),
            Some(62 * s + s / 2)
        );
        assert_eq!(parse_timestamp("1970-01-01 01:00:00+01:00"), Some(0));
        assert_eq!(
            parse_timestamp("2023-11-16 18:17:03.9799600"),
            Some(1_700_158_623 * s + 979_960_000)
        );
        assert_eq!(parse_timestamp("2000-03-01"), Some(951_868_800 * s));
        for bad in [
            "",
            "abc",
            "-1",
            "1e3",
            "1995-13-01",
            "1995-07-01T25:00",
            "12:00",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}
