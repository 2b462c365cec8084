//! A deterministic mutation fuzzer of the scenario loader and of each
//! trace reader (rate CSV, timestamps CSV, Azure 2019, Azure 2021), seeded
//! from the corpus of `tests/fuzz/` (see `corpus`). Each case applies one
//! to three mutations to one seed file — bytes flipped, inserted, deleted
//! or duplicated, the file cut short, lines duplicated, deleted or
//! swapped, numbers and fields swapped for extremes (0, −1, 2⁶⁴, 1e308,
//! NaN, "1ns", impossible dates) — and loads it as `check` does: the
//! loader must return a scenario with a finite estimate, or an error of
//! one line naming the scenario file; a panic fails the test, naming the
//! case and keeping its input under `target/fuzz-failures/`.
//!
//! No nightly toolchain is at hand, so this stands in for cargo-fuzz: no
//! coverage guidance, but a fixed seed and a fixed budget
//! ([`DEFAULT_CASES`] per target) make every `cargo test` run the same
//! cases. `SCALESIM_FUZZ_CASES=100000` runs more of them and
//! `SCALESIM_FUZZ_SEED=n` other ones (README, Fuzzing).

use crate::corpus::{CORPUS, REGRESSIONS, files, harness_for, trace_seeds};
use scalesim::scenario;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Cases per target in `cargo test`: together about a second of the
/// suite's time.
const DEFAULT_CASES: u64 = 400;

fn budget() -> (u64, u64) {
    let var = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .map(|v| v.parse().unwrap_or_else(|_| panic!("{name}={v}: a number")))
            .unwrap_or(default)
    };
    (
        var("SCALESIM_FUZZ_CASES", DEFAULT_CASES),
        var("SCALESIM_FUZZ_SEED", 18),
    )
}

/// SplitMix64: a fixed generator, so a case is reproducible from its seed
/// whatever version of `rand` the crate uses.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Values that have broken integer time, allocation or arithmetic, for
/// numbers and for fields.
const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "1",
    "1e308",
    "-1e308",
    "1e-308",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "1e15",
    "0.0000001",
    "nan",
    "inf",
    "1e400",
    "",
];

/// Durations and dates, for quoted strings and date fields.
const STRINGS: &[&str] = &[
    "1ns",
    "0s",
    "500000d",
    "213503d",
    "-5s",
    "1e400s",
    "",
    "1995-02-30T00:00:00Z",
    "1995-02-29 00:00:00",
    "9999-12-31T23:59:59Z",
    "1970-01-01T00:00:00-23:59",
    "0001-01-01T00:00:00Z",
];

/// Bytes a mutation inserts: the ones CSV and TOML give meaning to, and
/// broken UTF-8.
const BYTES: &[u8] = b",\n\"=[]{}-.e09# \r\t\xff\xc3";

/// Applies one random mutation to `text`.
fn mutate_once(text: &mut Vec<u8>, rng: &mut Rng) {
    let len = text.len();
    match rng.below(10) {
        0 if len > 0 => {
            let i = rng.below(len);
            text[i] = *rng.pick(BYTES);
        }
        1 => {
            let i = rng.below(len + 1);
            text.insert(i, *rng.pick(BYTES));
        }
        2 if len > 0 => {
            let i = rng.below(len);
            let n = 1 + rng.below(16.min(len - i));
            text.drain(i..i + n);
        }
        3 => text.truncate(rng.below(len + 1)),
        4 if len > 0 => {
            let i = rng.below(len);
            let n = 1 + rng.below(64.min(len - i));
            let chunk: Vec<u8> = text[i..i + n].to_vec();
            let at = rng.below(len + 1);
            text.splice(at..at, chunk);
        }
        5..=7 => lines(text, rng),
        _ => token(text, rng),
    }
}

/// Duplicates, deletes or swaps whole lines: rows given twice, headers
/// lost, time going backwards, tables repeated.
fn lines(text: &mut Vec<u8>, rng: &mut Rng) {
    let mut lines: Vec<Vec<u8>> = text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let n = lines.len();
    let i = rng.below(n);
    match rng.below(4) {
        0 => {
            let l = lines[i].clone();
            lines.insert(i + 1, l);
        }
        1 => {
            let l = lines[i].clone();
            lines.push(l);
        }
        2 => {
            lines.remove(i);
        }
        _ => {
            let j = rng.below(n);
            lines.swap(i, j);
        }
    }
    *text = lines.join(&b'\n');
}

/// Swaps a number, a quoted string or a CSV field for an extreme.
fn token(text: &mut Vec<u8>, rng: &mut Rng) {
    let is_num = |b: u8| b.is_ascii_digit() || b == b'.';
    let spans: Vec<(usize, usize, bool)> = {
        let mut v = Vec::new();
        let mut i = 0;
        while i < text.len() {
            let start = i;
            if is_num(text[i]) {
                while i < text.len() && (is_num(text[i]) || text[i] == b'e') {
                    i += 1;
                }
                v.push((start, i, false));
            } else if text[i] == b'"' {
                i += 1;
                while i < text.len() && text[i] != b'"' && text[i] != b'\n' {
                    i += 1;
                }
                v.push((start + 1, i, true));
                i += 1;
            } else {
                i += 1;
            }
        }
        v
    };
    if spans.is_empty() {
        return;
    }
    let &(a, b, quoted) = rng.pick(&spans);
    // Dates sit in unquoted CSV fields: give numbers a string sometimes.
    let with = if quoted || rng.below(4) == 0 {
        rng.pick(STRINGS)
    } else {
        rng.pick(EXTREMES)
    };
    text.splice(a..b, with.bytes());
}

fn mutated(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut text = seed.to_vec();
    for _ in 0..1 + rng.below(3) {
        mutate_once(&mut text, rng);
    }
    text
}

/// Loads `text` as `check` does, from `path`: a scenario with a finite
/// estimate or an error of one line naming the file; a panic is returned.
fn load(text: &str, path: &Path) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| match scenario::parse(text, path) {
        Ok(s) => crate::corpus::assert_sane(&s, "mutated"),
        Err(e) => {
            let m = e.to_string();
            assert!(
                m.starts_with(&format!("invalid scenario {}", path.display())),
                "{m}"
            );
            assert!(!m.contains('\n'), "an error of more than one line: {m}");
        }
    }))
    .map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

/// Where a target writes each case before loading it: an abort (an
/// allocation that fails cannot be caught) leaves the case there.
fn work_dir(target: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/fuzz-work")
        .join(target);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Keeps a failing case's files under `target/fuzz-failures/` and fails,
/// naming it.
fn failed(target: &str, case: u64, files: &[(&str, &[u8])], panic: &str) -> ! {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/fuzz-failures")
        .join(format!("{target}-{case}"));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    panic!(
        "fuzz target {target}, case {case}: {panic}; its files are in {}",
        dir.display()
    );
}

#[test]
fn mutated_scenarios_load_or_fail_cleanly() {
    let (cases, seed) = budget();
    let mut rng = Rng(seed);
    // Bundled scenarios resolve their traces from `scenarios/`, the
    // regressions theirs from their own folder.
    let mut seeds: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for dir in ["scenarios", REGRESSIONS] {
        for p in files(dir, "toml") {
            let bytes = std::fs::read(&p).unwrap();
            // The 600-service chain is slow to mutate and adds nothing.
            if bytes.len() < 20_000 {
                seeds.push((Path::new(dir).join("fuzz.toml"), bytes));
            }
        }
    }
    let work = work_dir("scenario");
    for case in 0..cases {
        let (path, seed) = rng.pick(&seeds);
        let bytes = mutated(seed, &mut rng);
        std::fs::write(work.join("fuzz.toml"), &bytes).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        if let Err(p) = load(&text, path) {
            failed("scenario", case, &[("fuzz.toml", &bytes)], &p);
        }
    }
}

/// Mutates the trace files of `format` (one file of a set each case) and
/// loads them through a scenario with `repeat`, `speedup`, `bucket`,
/// `start` and `scale` drawn at random.
fn fuzz_reader(format: &str) {
    let (cases, seed) = budget();
    // Each target its own cases: the seed mixed with its name (FNV-1a).
    let name = format.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = Rng(seed ^ name);
    let dir = work_dir(format);
    let sub = dir.join(format);
    std::fs::create_dir_all(&sub).unwrap();
    let mut set: Vec<(String, Vec<u8>)> = files(&format!("{CORPUS}/{format}"), "csv")
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    set.sort();
    let seeds: Vec<String> = trace_seeds()
        .into_iter()
        .filter(|s| s.starts_with(&format!("{format}/")))
        .collect();
    let options = [
        "",
        "repeat = true",
        "speedup = 60.0",
        "speedup = 1e15\nrepeat = true",
        "bucket = \"1ns\"",
        "bucket = \"1m\"",
        "start = \"1m\"",
        "end = \"1ns\"\nrepeat = true",
        "scale = 1e9",
        "scale = 0.001",
    ];
    let path = dir.join("h.toml");
    for case in 0..cases {
        let seed_file = rng.pick(&seeds).clone();
        let mut extra = *rng.pick(&options);
        if extra.starts_with("bucket") && format != "rate-csv" {
            extra = "";
        }
        // Mostly a minute: laps near the limit on rate pieces (10 million
        // of them, a second to build) come with long runs; an hour too.
        let duration = if rng.below(10) == 0 { "1h" } else { "1m" };
        let text = harness_for(&seed_file, extra, duration);
        // Every file of the set in place, one of those read mutated.
        let victim = if format == "azure-2019" {
            rng.below(set.len())
        } else {
            let name = seed_file.rsplit('/').next().unwrap();
            set.iter().position(|(n, _)| n == name).unwrap()
        };
        let mut written: Vec<(String, Vec<u8>)> = Vec::new();
        for (i, (name, bytes)) in set.iter().enumerate() {
            let bytes = if i == victim {
                mutated(bytes, &mut rng)
            } else {
                bytes.clone()
            };
            std::fs::write(sub.join(name), &bytes).unwrap();
            written.push((name.clone(), bytes));
        }
        std::fs::write(&path, &text).unwrap();
        if let Err(p) = load(&text, &path) {
            let mut files: Vec<(&str, &[u8])> = vec![("h.toml", text.as_bytes())];
            files.extend(written.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
            failed(format, case, &files, &p);
        }
    }
}

#[test]
fn mutated_rate_csv_traces_load_or_fail_cleanly() {
    fuzz_reader("rate-csv");
}

#[test]
fn mutated_timestamps_csv_traces_load_or_fail_cleanly() {
    fuzz_reader("timestamps-csv");
}

#[test]
fn mutated_azure_2019_traces_load_or_fail_cleanly() {
    fuzz_reader("azure-2019");
}

#[test]
fn mutated_azure_2021_traces_load_or_fail_cleanly() {
    fuzz_reader("azure-2021");
}

#[test]
fn the_mutations_are_deterministic_and_change_the_seed() {
    let seed = b"timestamp,requests\n0,5\n60,7\n".to_vec();
    let run = || {
        let mut rng = Rng(7);
        (0..50)
            .map(|_| mutated(&seed, &mut rng))
            .collect::<Vec<_>>()
    };
    let a = run();
    assert_eq!(a, run());
    assert!(a.iter().filter(|m| **m != seed).count() > 40);
}
