//! Reading a trace file's data rows: each one's line, time and count, or
//! an error naming the line. Both passes of loading and every replay read
//! through here, so they all see the same rows.

use super::options::TraceError;
use crate::demand::timestamp::parse_timestamp;
use crate::demand::trace_file::csv_reader;
use crate::demand::trace_file::shown;
use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

/// One data row: its line, its timestamp (ns of the file's clock) and its
/// count (1 for a timestamps file).
#[derive(Clone, Copy, Debug)]
pub(super) struct Row {
    pub line: u64,
    pub time: i128,
    pub count: u64,
}

/// Streams the data rows of a trace file.
pub(super) struct Rows {
    csv: csv::Reader<BufReader<File>>,
    record: csv::StringRecord,
    time_col: usize,
    value_col: Option<usize>,
}

pub(super) fn open_csv(path: &PathBuf) -> Result<csv::Reader<BufReader<File>>, TraceError> {
    let file = File::open(path).map_err(|e| TraceError::file(format!("cannot read it: {e}")))?;
    Ok(csv_reader(file))
}

impl Rows {
    /// The data rows of `path`, past its header if it has one; the count
    /// read from `value_col`, or 1 per row without one.
    pub(super) fn open(
        path: &PathBuf,
        has_header: bool,
        time_col: usize,
        value_col: Option<usize>,
    ) -> Result<Rows, TraceError> {
        let mut rows = Rows {
            csv: open_csv(path)?,
            record: csv::StringRecord::new(),
            time_col,
            value_col,
        };
        if has_header {
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

    pub(super) fn next_row(&mut self) -> Result<Option<Row>, TraceError> {
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
                    "expected a timestamp (seconds, or a date-time such as 2024-05-01T13:00:00Z), found {}",
                    shown(t)
                ),
            )
        })?;
        let count = match self.value_col {
            None => 1,
            Some(c) => {
                let v = field(c, "a request count")?;
                v.parse::<u64>().map_err(|_| {
                    let limit = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                        format!(" from 0 to {}", u64::MAX)
                    } else {
                        " >= 0".to_string()
                    };
                    TraceError::at(
                        line,
                        format!(
                            "expected a request count (a whole number{limit}), found {}",
                            shown(v)
                        ),
                    )
                })?
            }
        };
        Ok(Some(Row { line, time, count }))
    }
}
