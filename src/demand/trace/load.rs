//! Loading a trace: checking every row, finding its bucket, window and lap,
//! and summarising its rate for fleet sizing and the reports.

use super::options::{TraceError, TraceFormat, TraceOptions};
use super::rows::{Row, Rows, open_csv};
use crate::demand::RateProfile;
use crate::demand::buckets::{check_laps, rate_of_counts, summary_buckets};
use crate::demand::timestamp::parse_timestamp;
use crate::demand::trace_file::{named, sped_up};
use crate::time::{NANOS_PER_SEC, SimTime};

const MINUTE: i128 = 60 * NANOS_PER_SEC as i128;

/// A checked trace, ready to stream.
#[derive(Clone, Debug)]
pub struct Trace {
    pub options: TraceOptions,
    pub(super) has_header: bool,
    pub(super) time_col: usize,
    pub(super) value_col: usize,
    /// The first row's timestamp, in nanoseconds of the file's clock.
    pub(super) origin: i128,
    /// Bucket width in trace time (rate-csv; zero for timestamps).
    pub(super) bucket: i128,
    /// Length of one lap of `repeat`, in trace time.
    pub(super) period: i128,
    /// Rows of the file.
    pub rows: u64,
    /// Requests recorded inside the replayed window (before `scale`).
    pub requests: u64,
    /// Expected rate over the run, per minute (or per bucket if longer).
    pub profile: RateProfile,
}

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

    /// Streams the data rows of the file (again).
    pub(super) fn rows(&self) -> Result<Rows, TraceError> {
        let rate = self.options.format == TraceFormat::RateCsv;
        Rows::open(
            &self.options.path,
            self.has_header,
            self.time_col,
            rate.then_some(self.value_col),
        )
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
                format!("`column = {name:?}` needs a header line naming the columns"),
            ));
        }
        let index = first.iter().position(|h| h == name).ok_or_else(|| {
            let names = first.iter().collect::<Vec<&str>>().join(", ");
            // A header swallowed by an unclosed quote would break the
            // message over lines.
            let names = named(&names);
            TraceError::at(
                1,
                format!("no column named {name:?}; the columns are: {names}"),
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
        let mut rows = self.rows()?;
        let mut prev: Option<Row> = None;
        let mut min_gap: Option<(i128, u64)> = None;
        let mut last_in_window: Option<i128> = None;
        let mut first_in_window: Option<i128> = None;
        while let Some(row) = rows.next_row()? {
            if let Some(p) = prev {
                let gap = row.time - p.time;
                if gap < 0 {
                    return Err(TraceError::at(
                        row.line,
                        format!(
                            "timestamps go backwards: this row is before the one on line {}",
                            p.line
                        ),
                    ));
                }
                // Two requests may share a time; a bucket may not be
                // counted twice (a duplicated row, or two sources merged).
                if rate && gap == 0 {
                    return Err(TraceError::at(
                        row.line,
                        format!(
                            "a second row for the bucket at the same time as line {}; each \
                             bucket takes one row",
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
                self.requests = self.requests.checked_add(row.count).ok_or_else(|| {
                    TraceError::at(
                        row.line,
                        format!(
                            "the request counts up to this row add up to more than {} (a u64)",
                            u64::MAX
                        ),
                    )
                })?;
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
    pub(super) fn sim_time(&self, rel: i128, lap: u64) -> SimTime {
        sped_up(rel + lap as i128 * self.period, self.options.speedup)
    }

    /// The second pass: expected requests per minute of simulated time (or
    /// per bucket if longer), a bucket's count spread over the minutes it
    /// covers, laps repeated to the horizon.
    fn summarise(&self, horizon: SimTime) -> Result<RateProfile, TraceError> {
        let bin = MINUTE.max(self.sim_time(self.bucket, 0).as_nanos() as i128);
        let lap_len = self.sim_time(self.period, 0).as_nanos() as i128;
        let lap_bins = (lap_len.max(1) + bin - 1) / bin;
        // Bins of simulated time: no speedup left to apply.
        let n = summary_buckets(lap_bins.max(0) as u128, bin as u128, horizon, 1.0)
            .map_err(TraceError::file)?;
        let mut counts = vec![0.0; n];
        let (start, end) = self.window();
        let mut rows = self.rows()?;
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
        let edge = |lap, i: usize| self.sim_time(0, lap) + SimTime((i as i128 * bin) as u64);
        check_laps(counts.len(), repeat, horizon, edge).map_err(TraceError::file)?;
        Ok(rate_of_counts(&counts, repeat, horizon, |lap, i| {
            self.sim_time(0, lap) + SimTime((i as i128 * bin) as u64)
        }))
    }

    /// The replayed window of trace time, from the first row: start and end.
    pub(super) fn window(&self) -> (i128, Option<i128>) {
        (
            self.options.start.as_nanos() as i128,
            self.options.end.map(|e| e.as_nanos() as i128),
        )
    }
}
