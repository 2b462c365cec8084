//! Reading the CSV files of a multi-function trace: rows with their line
//! numbers, named columns, and errors that name the scenario key of the
//! file, the file and the line.

use super::options::AzureError;
use crate::demand::trace_file::csv_reader;
use crate::demand::trace_file::{named, shown};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

pub(super) struct CsvFile {
    pub key: &'static str,
    pub path: PathBuf,
    pub csv: csv::Reader<BufReader<File>>,
    pub record: csv::StringRecord,
    pub line: u64,
}

impl CsvFile {
    pub fn open(key: &'static str, path: &Path) -> Result<CsvFile, AzureError> {
        let file = File::open(path).map_err(|e| AzureError {
            key,
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot read it: {e}"),
        })?;
        Ok(CsvFile {
            key,
            path: path.to_path_buf(),
            csv: csv_reader(file),
            record: csv::StringRecord::new(),
            line: 0,
        })
    }

    pub fn err(&self, line: Option<u64>, message: impl Into<String>) -> AzureError {
        AzureError {
            key: self.key,
            path: self.path.clone(),
            line,
            message: message.into(),
        }
    }

    pub fn next(&mut self) -> Result<bool, AzureError> {
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
    pub fn header(&mut self, names: &[&str]) -> Result<Vec<usize>, AzureError> {
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

    pub fn field(&self, i: usize, what: &str) -> Result<&str, AzureError> {
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

    pub fn number(&self, i: usize, what: &str) -> Result<f64, AzureError> {
        let v = self.field(i, what)?;
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| {
                self.err(
                    Some(self.line),
                    format!("expected {what} (a number >= 0), found {}", shown(v)),
                )
            })
    }
}

/// The line of each function's row so far: a function given twice would
/// have one of its rows silently ignored, or two selected functions
/// sharing one name.
#[derive(Default)]
pub(super) struct FirstRows(HashMap<String, u64>);

impl FirstRows {
    /// Records the current row of `f` as the one of function `hash`, or
    /// fails naming both lines if it already has one.
    pub fn record(&mut self, f: &CsvFile, hash: &str) -> Result<(), AzureError> {
        match self.0.entry(hash.to_string()) {
            Entry::Vacant(v) => {
                v.insert(f.line);
                Ok(())
            }
            Entry::Occupied(o) => Err(f.err(
                Some(f.line),
                format!(
                    "function {} has a second row here; its first is on line {}",
                    named(hash),
                    o.get()
                ),
            )),
        }
    }
}
