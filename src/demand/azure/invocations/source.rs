//! A checked 2021 trace as the replay needs it (where its file is, which
//! functions are selected, its window and laps), and the reader of its
//! rows.

use super::super::csv_file::CsvFile;
use super::super::minutes::MINUTE;
use super::super::options::AzureError;
use crate::demand::timestamp::parse_timestamp;
use crate::demand::trace_file::shown;
use crate::demand::trace_file::sped_up;
use crate::time::SimTime;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A function not selected for the replay.
pub(super) const SKIP: u32 = u32::MAX;

/// What the replay needs to stream a checked 2021 trace.
#[derive(Clone, Debug)]
pub(in crate::demand::azure) struct Invocations {
    pub(super) path: PathBuf,
    /// `app` + U+001F + `func` → index of the selected function, or SKIP.
    pub(super) index: HashMap<String, u32>,
    /// The earliest start in the file (ns of its clock): trace time 0.
    pub(super) origin: i128,
    /// No row starts more than this before the latest end read above it.
    pub(super) lateness: i128,
    /// The replayed window of trace time, from `origin`.
    pub(super) start: i128,
    pub(super) end: Option<i128>,
    /// One lap of `repeat`, in trace time.
    pub(super) period: i128,
    pub(super) scale: f64,
    pub(super) speedup: f64,
    pub(super) repeat: bool,
}

impl Invocations {
    /// Trace time `rel` (from `origin`) of lap `lap`, in simulated time.
    pub(super) fn sim_time(&self, rel: i128, lap: u64) -> SimTime {
        sped_up(rel - self.start + lap as i128 * self.period, self.speedup)
    }

    /// Where trace minute `m` of the window starts, in lap `lap`.
    pub(super) fn minute_edge(&self, lap: u64, m: usize) -> SimTime {
        self.sim_time(self.start + m as i128 * MINUTE as i128, lap)
    }

    pub(super) fn in_window(&self, rel: i128) -> bool {
        rel >= self.start && self.end.is_none_or(|e| rel < e)
    }
}

/// One row: where it starts and ends on the file's clock, how long it ran.
#[derive(Clone, Copy)]
pub(super) struct Row {
    pub start: i128,
    pub end: i128,
    pub duration: i128,
}

/// The rows of a 2021 file, one at a time; the row's function key is left
/// in `key` (reused, so reading allocates nothing per row).
pub(super) struct Rows {
    pub f: CsvFile,
    cols: Vec<usize>,
    pub key: String,
}

impl Rows {
    pub(super) fn open(path: &Path) -> Result<Rows, AzureError> {
        let mut f = CsvFile::open("file", path)?;
        let cols = f.header(&["app", "func", "end_timestamp", "duration"])?;
        Ok(Rows {
            f,
            cols,
            key: String::new(),
        })
    }

    pub(super) fn next(&mut self) -> Result<Option<Row>, AzureError> {
        if !self.f.next()? {
            return Ok(None);
        }
        let f = &self.f;
        let seconds = |i: usize, what: &str| -> Result<i128, AzureError> {
            let v = f.field(i, what)?;
            parse_timestamp(v).filter(|x| *x >= 0).ok_or_else(|| {
                f.err(
                    Some(f.line),
                    format!(
                        "expected {what} in seconds (a number >= 0), found {}",
                        shown(v)
                    ),
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
