//! Replaying a checked trace: its rows streamed again from the file, each
//! bucket's count (or each request and its copies) spread in time.

use super::load::Trace;
use super::options::TraceFormat;
use super::rows::{Row, Rows};
use crate::demand::ArrivalMode;
use crate::demand::spread::{Spread, scaled_count};
use crate::rng::Stream;
use crate::time::SimTime;

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
        a.rows = a.trace.rows().ok();
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
            self.rows = self.trace.rows().ok();
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
