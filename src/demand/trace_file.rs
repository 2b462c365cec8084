//! What every trace file reader shares: how a CSV file is opened (no
//! header assumed, ragged rows allowed, fields trimmed) and how trace time
//! becomes simulated time under `speedup`. One place, so that a file one
//! format reads every format reads alike, and laps line up across formats.

use crate::time::SimTime;
use std::fs::File;
use std::io::BufReader;

/// A field of a file quoted in a message: escaped, so that a field with a
/// line break (an unclosed quote swallows the lines after it) keeps the
/// message on one line, and cut after 40 characters, so that it does not
/// quote the rest of the file.
pub(crate) fn shown(field: &str) -> String {
    const MAX: usize = 40;
    match field.char_indices().nth(MAX) {
        None => format!("{field:?}"),
        Some((cut, _)) => format!("{:?}…", &field[..cut]),
    }
}

/// A name read from a file (a function's hash) in a message: as it is,
/// unless it holds a line break or another control character, then as
/// [`shown`].
pub(crate) fn named(field: &str) -> String {
    if field.chars().any(char::is_control) {
        shown(field)
    } else {
        field.to_string()
    }
}

/// A CSV reader over `file`; headers are found by each format itself.
pub(crate) fn csv_reader(file: File) -> csv::Reader<BufReader<File>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(BufReader::with_capacity(1 << 16, file))
}

/// Trace time `t` (ns from the replay's start) in simulated time: divided
/// by `speedup`, clamped to the simulated clock. A speedup of 1 is exact.
pub(crate) fn sped_up(t: i128, speedup: f64) -> SimTime {
    let ns = if speedup == 1.0 {
        t
    } else {
        (t as f64 / speedup).round() as i128
    };
    SimTime(ns.clamp(0, u64::MAX as i128) as u64)
}
