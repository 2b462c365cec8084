//! The fuzzing corpus replayed (`tests/fuzz/`): every seed loads with a
//! sane estimate, and every regression file has the outcome its header
//! states, in process and through the CLI. The seeds are the bundled
//! scenarios and small trace files for each reader
//! (`tests/fuzz/corpus/<format>/`); the regressions are one scenario (and
//! its trace files) per input that once panicked, hung or printed nonsense
//! (`tests/fuzz/regressions/`). A regression file starts with
//!
//! ```text
//! # Regression (issue 18): what used to happen.
//! # expect: error | refused | ok
//! # message: what follows `invalid scenario FILE, ` (error), or `FILE: ` (refused)
//! ```
//!
//! `error` is bad input (exit 2 from `check` and `run`, one line naming the
//! file, the line and the key); `refused` loads but `run` refuses its
//! estimate (exit 2) without `--force`; `ok` loads with an estimate within
//! the limits.

use scalesim::scenario::{self, Scenario};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const REGRESSIONS: &str = "tests/fuzz/regressions";
pub const CORPUS: &str = "tests/fuzz/corpus";

/// The outcome a regression file states in its header.
#[derive(Debug, PartialEq)]
enum Expect {
    Error(String),
    Refused(String),
    Ok,
}

fn expectation(path: &Path, text: &str) -> Expect {
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("# {name}: ")))
            .unwrap_or_else(|| panic!("{}: no `# {name}:` line", path.display()))
            .to_string()
    };
    match field("expect").as_str() {
        "error" => Expect::Error(field("message")),
        "refused" => Expect::Refused(field("message")),
        "ok" => Expect::Ok,
        other => panic!("{}: unknown expectation {other}", path.display()),
    }
}

/// The files of `dir` ending in `ext`, sorted.
pub fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

/// A loaded scenario's estimate is finite and its description prints.
pub fn assert_sane(s: &Scenario, what: &str) {
    let e = s.estimate(s.replications);
    assert!(
        e.wall_seconds >= 0.0 && e.memory_bytes > 0.0 && !e.memory_bytes.is_nan(),
        "{what}: {e:?}"
    );
    assert!(!s.describe().is_empty() && e.describe().starts_with("estimate"));
    let _ = e.refusal();
}

#[test]
fn every_regression_file_has_the_outcome_its_header_states() {
    let files = files(REGRESSIONS, "toml");
    assert!(files.len() >= 40, "{}", files.len());
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let loaded = scenario::parse(&text, path);
        match (expectation(path, &text), loaded) {
            // Trace files are named as resolved: from the scenario's folder.
            (Expect::Error(m), Err(e)) => assert_eq!(
                e.to_string()
                    .replace(&format!("{REGRESSIONS}/data/"), "data/"),
                format!("invalid scenario {}, {m}", path.display())
            ),
            (Expect::Refused(m), Ok(s)) => {
                assert_sane(&s, &path.display().to_string());
                assert_eq!(s.estimate(s.replications).refusal(), Some(m));
            }
            (Expect::Ok, Ok(s)) => {
                assert_sane(&s, &path.display().to_string());
                assert_eq!(s.estimate(s.replications).refusal(), None);
            }
            (want, got) => panic!("{}: expected {want:?}, got {:?}", path.display(), got.err()),
        }
    }
}

/// The same files through the binary: bad input and refused runs exit
/// with code 2 and one line, write nothing; the others pass `check`.
#[test]
fn the_cli_gives_each_regression_file_its_exit_code_and_line() {
    let out = tempfile::tempdir().unwrap();
    for path in files(REGRESSIONS, "toml") {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let expect = expectation(&path, &text);
        let cmd = match expect {
            Expect::Refused(_) => "run",
            _ => "check",
        };
        let target = out.path().join(name);
        let mut command = Command::new(env!("CARGO_BIN_EXE_scalesim"));
        command.args([cmd, name]).current_dir(REGRESSIONS);
        if cmd == "run" {
            command
                .args(["--quiet", "--charts", "none", "--out"])
                .arg(&target);
        }
        let got = command.output().unwrap();
        let stderr = String::from_utf8(got.stderr).unwrap();
        let (code, want) = match &expect {
            Expect::Error(m) => (2, format!("error: invalid scenario {name}, {m}\n")),
            Expect::Refused(m) => (2, format!("error: {name}: {m}\n")),
            Expect::Ok => (0, String::new()),
        };
        assert_eq!((got.status.code(), stderr), (Some(code), want), "{name}");
        assert!(!target.exists(), "{name} wrote outputs");
    }
}

/// A scenario that replays `file` (relative to the corpus) with the
/// reader of its folder.
pub fn harness(file: &str, extra: &str) -> String {
    harness_for(file, extra, "1h")
}

/// [`harness`] over `duration`.
pub fn harness_for(file: &str, extra: &str, duration: &str) -> String {
    let (format, rest) = file.split_once('/').unwrap();
    let services = "[[services]]\nname = \"api\"\nwork = \"5ms\"\n";
    let (demand, services) = match format {
        "azure-2019" => (
            "format = \"azure-functions-2019\"\nfile = \"azure-2019/invocations.csv\"\n\
             durations = \"azure-2019/durations.csv\"\nmemory = \"azure-2019/memory.csv\"\n"
                .to_string(),
            "",
        ),
        "azure-2021" => (
            "format = \"azure-functions-2021\"\nfile = \"azure-2021/invocations.csv\"\n".into(),
            "",
        ),
        _ => {
            let column = if rest == "named-column.csv" {
                "column = \"hits\"\n"
            } else {
                ""
            };
            (
                format!("format = \"{format}\"\nfile = \"{file}\"\n{column}"),
                services,
            )
        }
    };
    format!(
        "name = \"h\"\nduration = \"{duration}\"\nseed = 1\n[demand]\nshape = \"trace\"\n{demand}{extra}\n\
         {services}[[architectures]]\nname = \"l\"\nkind = \"serverless\"\n\
         [[architectures]]\nname = \"a\"\nkind = \"autoscaled\"\ninstance = \"m5.large\"\nmax = 20\n"
    )
}

/// The trace files of the corpus, as `<format>/<name>`.
pub fn trace_seeds() -> Vec<String> {
    let mut v = Vec::new();
    for format in ["rate-csv", "timestamps-csv", "azure-2019", "azure-2021"] {
        for p in files(&format!("{CORPUS}/{format}"), "csv") {
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            // The three files of a 2019 trace are one seed.
            if format != "azure-2019" || name == "invocations.csv" {
                v.push(format!("{format}/{name}"));
            }
        }
    }
    v
}

#[test]
fn every_seed_loads_with_a_sane_estimate() {
    for path in files("scenarios", "toml") {
        let text = std::fs::read_to_string(&path).unwrap();
        let s = scenario::parse(&text, &path).unwrap();
        assert_sane(&s, &path.display().to_string());
    }
    let seeds = trace_seeds();
    assert_eq!(seeds.len(), 9, "{seeds:?}");
    for seed in seeds {
        for extra in ["", "repeat = true"] {
            let text = harness(&seed, extra);
            let s = scenario::parse(&text, &Path::new(CORPUS).join("h.toml"))
                .unwrap_or_else(|e| panic!("{seed} {extra}: {e}"));
            assert_sane(&s, &seed);
            assert!(s.estimate(1).requests > 0.0, "{seed}");
        }
    }
}
