//! Shared helpers for the integration tests: small scenario builders and
//! checks. Queueing theory comes from the crate (`results::queueing`).
#![allow(dead_code)]

use scalesim::architectures;
pub use scalesim::results::queueing::MMc;
use scalesim::results::summary::RunSummary;
use scalesim::scenario::{self, Scenario};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// For each (text to replace in `base`, its replacement, expected message):
/// `scalesim run` and `scalesim check` of the edited file exit with code
/// 2, print exactly `error: invalid scenario bad.toml, <message>` and
/// nothing else, and write no output.
pub fn assert_bad_input(base: &str, cases: &[(&str, &str, &str)]) {
    let files: Vec<(&str, String, &str)> = cases
        .iter()
        .map(|(from, to, expected)| {
            assert!(base.contains(from), "{from}");
            (*to, base.replacen(from, to, 1), *expected)
        })
        .collect();
    assert_bad_files(&files);
}

/// Like [`assert_bad_input`], for each (text appended to `base`, expected
/// message): the CLI twin of [`assert_refused`].
pub fn assert_bad_appended(base: &str, cases: &[(&str, &str)]) {
    let files: Vec<(&str, String, &str)> = cases
        .iter()
        .map(|(extra, expected)| (*extra, format!("{base}{extra}\n"), *expected))
        .collect();
    assert_bad_files(&files);
}

/// For each (what was changed, the file's text, expected message): the
/// checks of [`assert_bad_input`].
fn assert_bad_files(cases: &[(&str, String, &str)]) {
    let dir = tempfile::tempdir().unwrap();
    for (change, text, expected) in cases {
        std::fs::write(dir.path().join("bad.toml"), text).unwrap();
        for cmd in ["run", "check"] {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
                .args([cmd, "bad.toml"])
                .current_dir(dir.path())
                .output()
                .expect("the binary runs");
            assert_eq!(out.status.code(), Some(2), "{cmd} {change}");
            let stderr = String::from_utf8(out.stderr).unwrap();
            let want = format!("error: invalid scenario bad.toml, {expected}\n");
            assert_eq!(stderr, want, "for `{change}`");
            assert!(out.stdout.is_empty());
        }
        assert!(
            !dir.path().join("output").exists(),
            "outputs written for `{change}`"
        );
    }
}

/// For each (text appended to `base`, expected message): parsing the
/// result as `bad.toml` fails with exactly `invalid scenario bad.toml,
/// <message>`. The in-process twin of [`assert_bad_input`].
pub fn assert_refused(base: &str, cases: &[(&str, &str)]) {
    for (extra, expected) in cases {
        assert_parse_error(&format!("{base}{extra}\n"), expected);
    }
}

/// Parsing `text` as `bad.toml` fails with exactly `invalid scenario
/// bad.toml, <message>`.
pub fn assert_parse_error(text: &str, message: &str) {
    let err = scenario::parse(text, Path::new("bad.toml")).expect_err(text);
    assert_eq!(
        err.to_string(),
        format!("invalid scenario bad.toml, {message}"),
        "for\n{text}"
    );
}

/// The first 8 lines of the small bad-input scenarios: name "x",
/// `duration`, a constant demand of 5 rps and one service `api` of 5 ms.
/// Error messages count lines from it: what follows starts at line 9.
pub fn header(duration: &str) -> String {
    format!(
        "name = \"x\"\nduration = \"{duration}\"\n[demand]\nshape = \"constant\"\nrps = 5.0\n\
         [[services]]\nname = \"api\"\nwork = \"5ms\"\n"
    )
}

/// `scalesim check s.toml` of `scenario`, written in `dir`: exit code and
/// standard error.
pub fn check_in(dir: &Path, scenario: &str) -> (i32, String) {
    std::fs::write(dir.join("s.toml"), scenario).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["check", "s.toml"])
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Parses scenario text as if it came from `test.toml`.
pub fn scenario(text: &str) -> Scenario {
    scenario::parse(text, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}"))
}

/// Replication 0 of the first architecture of scenario text (from
/// `test.toml`): what most single-architecture tests look at.
pub fn run_first(text: &str) -> scalesim::results::summary::ArchitectureResult {
    let s = scenario(text);
    architectures::run_architecture(&s, &s.architectures[0], 0)
}

/// Mean and standard error of a sample.
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

/// A one-service scenario with exponential work on one fleet of `c`
/// one-vCPU servers.
pub fn mmc_scenario(m: MMc, hours: f64, seed: u64) -> Scenario {
    let mean_ms = 1000.0 / m.mu;
    scenario(&format!(
        r#"
name = "mmc"
duration = "{secs}s"
warmup = "5m"
seed = {seed}
window = "1m"
[demand]
shape = "constant"
rps = {lambda}
[[services]]
name = "api"
work = {{ dist = "exponential", mean = "{mean_ms}ms" }}
[[architectures]]
name = "fleet"
kind = "fleet"
servers = {c}
instance = {{ vcpus = 1, memory = "2GB", price_per_hour = 0.05 }}
"#,
        secs = (hours * 3600.0).round() as u64 + 300,
        lambda = m.lambda,
        c = m.servers,
    ))
}

/// A bundled scenario (`scenarios/*.toml`) and its run with its file's seed.
pub struct BundledRun {
    /// The file stem, e.g. `steady-api`.
    pub name: String,
    /// The path relative to the crate root, as a user would pass it.
    pub file: PathBuf,
    pub scenario: Scenario,
    pub run: RunSummary,
}

/// Every bundled scenario, sorted by file name, each run once for the
/// whole test binary (one thread per scenario: they take from under a
/// second to several seconds each) however many tests look at them.
pub fn bundled_runs() -> &'static [BundledRun] {
    static RUNS: OnceLock<Vec<BundledRun>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let mut files: Vec<PathBuf> = std::fs::read_dir("scenarios")
            .expect("the tests run in the crate root")
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        assert!(files.len() >= 6, "bundled scenarios: {files:?}");
        std::thread::scope(|scope| {
            let handles: Vec<_> = files
                .into_iter()
                .map(|file| {
                    scope.spawn(move || {
                        let scenario = scenario::load(&file).unwrap_or_else(|e| panic!("{e}"));
                        let run = architectures::run(&scenario);
                        let name = file.file_stem().unwrap().to_str().unwrap().to_string();
                        BundledRun {
                            name,
                            file,
                            scenario,
                            run,
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a bundled scenario runs"))
                .collect()
        })
    })
}

/// `path` is a PNG that decodes, at slide size, and not blank: text and
/// lines drew something dark.
pub fn assert_slide_png(path: &Path) {
    let png =
        image::load_from_memory_with_format(&std::fs::read(path).unwrap(), image::ImageFormat::Png)
            .unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()));
    assert_eq!(
        (png.width(), png.height()),
        (1600, 900),
        "{}",
        path.display()
    );
    let dark = png.to_luma8().pixels().filter(|p| p.0[0] < 100).count();
    assert!(
        dark > 5_000,
        "{} looks empty ({dark} dark pixels)",
        path.display()
    );
}
