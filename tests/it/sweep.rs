//! Sweeps: a point is the scenario with the value written in, the
//! crossover of a flat fleet bill and a linear serverless bill is where
//! the two lines meet, the charts show it, and the outputs do not depend
//! on the thread count.

use scalesim::architectures;
use scalesim::scenario::sweep::Vary;
use scalesim::sweep::points::points;
use scalesim::sweep::run::run;
use std::path::Path;

const BREAK_EVEN: &str = r#"
name = "break-even"
duration = "2h"
seed = 3
[demand]
shape = "constant"
rps = 1
[[services]]
name = "api"
work = "100ms"
[[architectures]]
name = "fleet"
kind = "fleet"
servers = 2
instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 }
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "1769MB"
cold_start = "0ms"
"#;

#[test]
fn a_flat_and_a_linear_bill_cross_where_the_lines_meet() {
    let vary = [Vary::parse("demand.rps=2..16 lin 8").unwrap()];
    let p = points(BREAK_EVEN, Path::new("b.toml"), None, &vary).unwrap();
    let r = run(&p, &vary, 1, &|| {});
    // The fleet: 2 servers × $0.05/h × 730 h, whatever the traffic.
    for row in r.rows.iter().filter(|r| r.architecture == "fleet") {
        assert!((row.cost_per_month_usd.mean - 73.0).abs() < 1e-9, "{row:?}");
    }
    // Lambda: 0.1 s × 1769/1024 GB × $0.0000166667 + $0.20 per million,
    // per request, times the requests of a 730-hour month.
    let per_rps = 730.0 * 3600.0 * (0.1 * 1769.0 / 1024.0 * 0.000_016_666_7 + 0.2e-6);
    for row in r.rows.iter().filter(|r| r.architecture == "lambda") {
        let rps: f64 = row.values[0].parse().unwrap();
        let want = per_rps * rps;
        let err = (row.cost_per_month_usd.mean - want).abs() / want;
        assert!(
            err < 0.03,
            "at {rps} rps: {} vs {want}",
            row.cost_per_month_usd.mean
        );
    }
    let exact = 73.0 / per_rps;
    assert_eq!(r.crossovers.len(), 1, "{:?}", r.crossovers);
    let c = &r.crossovers[0];
    assert_eq!((c.below.as_str(), c.above.as_str()), ("lambda", "fleet"));
    assert!(
        c.between[0] <= exact && exact <= c.between[1],
        "{c:?} vs {exact}"
    );
    assert!(
        (c.at - exact).abs() / exact < 0.02,
        "crossover at {} rps, the lines meet at {exact:.3}",
        c.at
    );
}

#[test]
fn a_sweep_point_is_the_run_of_the_file_with_that_value_written_in() {
    let vary = [Vary::parse("architectures.fleet.servers=3,5").unwrap()];
    let p = points(BREAK_EVEN, Path::new("b.toml"), None, &vary).unwrap();
    let written = BREAK_EVEN.replace("servers = 2", "servers = 5");
    let by_hand = scalesim::scenario::parse(&written, Path::new("b.toml")).unwrap();
    let a = architectures::run(&p[1].scenario);
    let b = architectures::run(&by_hand);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}

fn scalesim_sweep(vary: &[&str], out: &Path) -> std::process::Output {
    let mut args = vec!["sweep", "scenarios/steady-api.toml", "--quiet", "--out"];
    args.push(out.to_str().unwrap());
    for v in vary {
        args.extend(["--vary", v]);
    }
    std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(&args)
        .output()
        .unwrap()
}

#[test]
fn the_sweep_command_writes_its_files_and_refuses_bad_keys_and_values_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let ok = dir.path().join("ok");
    let out = scalesim_sweep(&["demand.scale=0.5,1"], &ok);
    assert!(out.status.success(), "{out:?}");
    for f in ["sweep.csv", "sweep.json", "sweep.md"] {
        assert!(ok.join(f).is_file(), "{f}");
    }
    let csv = std::fs::read_to_string(ok.join("sweep.csv")).unwrap();
    assert!(
        csv.starts_with("demand.scale,architecture,cost_per_month_usd,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 2 * 2, "2 points × 2 architectures");
    for (vary, message) in [
        (
            "architectures.x.servers=1,2",
            "error: --vary architectures.x.servers: unknown architecture \"x\"; the architectures are: fleet-10, for-peak\n",
        ),
        (
            "architectures.fleet-10.servers=0",
            "error: the sweep point architectures.fleet-10.servers=0 is not a valid scenario, key `architectures[0].servers`: expected between 1 and 1000000 servers, found 0\n",
        ),
        (
            "demand.rps=5..1 lin 3",
            "error: --vary demand.rps: expected FROM < TO, found \"5..1\"\n",
        ),
    ] {
        let bad = dir.path().join("bad");
        let out = scalesim_sweep(&[vary], &bad);
        assert_eq!(out.status.code(), Some(2), "{vary}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), message);
        assert!(!bad.exists(), "{vary}: no output folder");
    }
}

/// The break-even scenario with an SLO, written to `dir`.
fn break_even_file(dir: &Path, extra: &str) -> std::path::PathBuf {
    let path = dir.join("be.toml");
    let text = format!("{BREAK_EVEN}\n[slo]\nlatency = \"2s\"\npercentile = 99\n{extra}");
    std::fs::write(&path, text).unwrap();
    path
}

fn sweep_file(file: &Path, out: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["sweep", file.to_str().unwrap(), "--quiet", "--out"])
        .arg(out)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_break_even_chart_marks_the_crossover_in_the_swept_unit_and_in_rps() {
    let dir = tempfile::tempdir().unwrap();
    let file = break_even_file(dir.path(), "");
    let out = dir.path().join("o");
    let run = sweep_file(&file, &out, &["--vary", "demand.scale=2..16 log 7"]);
    assert!(run.status.success(), "{run:?}");
    for f in ["break_even.png", "sweep_latency.png"] {
        crate::common::assert_slide_png(&out.join(f));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sweep.json")).unwrap()).unwrap();
    let c = &json["crossovers"][0];
    // At scale 1 the demand is 1 rps, so the crossover in rps is the
    // scale times the measured rate (Poisson: within a few percent).
    let (at, rps) = (c["at"].as_f64().unwrap(), c["at_rps"].as_f64().unwrap());
    assert!((rps / at - 1.0).abs() < 0.03, "{c}");
    // In the units of a decision: the constant demand's peak is its rate,
    // exactly (the profile's, not a measurement), and a month is 730 hours
    // of the mean rate.
    let peak = c["at_peak_rps"].as_f64().unwrap();
    assert!((peak - at).abs() < 1e-9 * at, "{c}");
    let month = c["at_requests_per_month"].as_f64().unwrap();
    assert!((month - rps * 3600.0 * 730.0).abs() < 1e-6 * month, "{c}");
    let svg = std::fs::read_to_string(out.join("break_even.svg")).unwrap();
    let label = format!(
        "lambda cheaper below {}× ({} rps)",
        compact(at),
        compact(rps)
    );
    for text in [
        "break-even: cost per month against demand.scale",
        "cost per month (USD)",
        "demand.scale (1× = 0.99 rps)",
        &label,
        "→ fleet",
        "strip: cheapest meeting the SLO",
    ] {
        assert!(svg.contains(text), "break_even.svg lacks {text:?}");
    }
    let svg = std::fs::read_to_string(out.join("sweep_latency.svg")).unwrap();
    for text in [
        "p99 latency against demand.scale",
        "SLO p99 ≤ 2s",
        "p99 latency",
    ] {
        assert!(svg.contains(text), "sweep_latency.svg lacks {text:?}");
    }
    let md = std::fs::read_to_string(out.join("sweep.md")).unwrap();
    assert!(md.contains("![Cost per month against demand.scale](break_even.png)"));
    assert!(
        md.contains(&format!(
            "| {}× ({} rps mean, {} rps at the peak, {} requests a month) | lambda | fleet |",
            compact(at),
            compact(rps),
            compact(peak),
            scalesim::numbers::count_in_words(month)
        )),
        "{md}"
    );
}

/// As the charts write numbers: three significant digits at most.
fn compact(v: f64) -> String {
    scalesim::report::charts::look::compact(v)
}

#[test]
fn a_sweep_writes_the_same_bytes_with_one_thread_or_two() {
    let dir = tempfile::tempdir().unwrap();
    let file = break_even_file(dir.path(), "");
    let args = |jobs: &'static str| {
        [
            "--vary",
            "demand.rps=2..16 lin 4",
            "--vary",
            "architectures.fleet.servers=1,2",
            "--replications",
            "3",
            "--jobs",
            jobs,
        ]
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(sweep_file(&file, &a, &args("1")).status.success());
    assert!(sweep_file(&file, &b, &args("2")).status.success());
    let mut names: Vec<_> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 7, "{names:?}");
    for n in names {
        assert!(
            std::fs::read(a.join(&n)).unwrap() == std::fs::read(b.join(&n)).unwrap(),
            "{n:?} differs between --jobs 1 and --jobs 2"
        );
    }
    // A grid draws one panel per value of the second key.
    let svg = std::fs::read_to_string(a.join("break_even.svg")).unwrap();
    for panel in [
        "architectures.fleet.servers=1",
        "architectures.fleet.servers=2",
    ] {
        assert!(svg.contains(panel), "no panel {panel}");
    }
}

#[test]
fn a_sweep_table_in_the_file_is_used_unless_vary_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let table = "[sweep]\nvary = [{ key = \"demand.rps\", values = [2, 4, 8] }]\n";
    let file = break_even_file(dir.path(), table);
    let out = dir.path().join("o");
    assert!(sweep_file(&file, &out, &[]).status.success());
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3 * 2, "{csv}");
    let out2 = dir.path().join("o2");
    assert!(
        sweep_file(&file, &out2, &["--vary", "demand.rps=3"])
            .status
            .success()
    );
    let csv = std::fs::read_to_string(out2.join("sweep.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + 2,
        "--vary replaces the table: {csv}"
    );
    // `check` validates every point of the table and says what it varies.
    let (code, text) = check(&file);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("sweep      demand.rps = 2 … 8 (3 values) → 3 points, each a valid scenario"),
        "{text}"
    );
    // `run` ignores the table.
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args([
            "run",
            file.to_str().unwrap(),
            "--quiet",
            "--charts",
            "none",
            "--out",
        ])
        .arg(dir.path().join("r"))
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
}

#[test]
fn a_bad_sweep_table_names_the_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    for (table, key, message) in [
        (
            "vary = [{ key = \"demand.rps\", values = \"5..1 lin 3\" }]",
            "sweep.vary.values",
            "expected FROM < TO, found \"5..1\"",
        ),
        (
            "vary = []",
            "sweep.vary",
            "expected 1 to 2 keys to vary, found 0",
        ),
        (
            "vary = [{ key = \"demand.rps\", values = [true] }]",
            "sweep.vary.values",
            "expected numbers, durations or memory sizes, found true",
        ),
    ] {
        let file = break_even_file(dir.path(), &format!("[sweep]\n{table}\n"));
        let out = dir.path().join("o");
        let run = sweep_file(&file, &out, &[]);
        assert_eq!(run.status.code(), Some(2), "{table}");
        let text = std::fs::read_to_string(&file).unwrap();
        let line = 1 + text.lines().position(|l| l.starts_with("vary")).unwrap();
        let want = format!(
            "invalid scenario {}, line {line}, key `{key}`: {message}",
            file.display(),
        );
        assert!(
            String::from_utf8_lossy(&run.stderr).contains(&want),
            "{table}: {}\nwanted {want}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(!out.exists());
    }
    // A key the file does not have: `check` refuses it like the sweep.
    let file = break_even_file(
        dir.path(),
        "[sweep]\nvary = [{ key = \"architectures.nope.servers\", values = \"1,2\" }]\n",
    );
    let (code, text) = check(&file);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("unknown architecture \"nope\""), "{text}");
    let run = sweep_file(&file, &dir.path().join("o"), &[]);
    assert_eq!(run.status.code(), Some(2));
    let none = break_even_file(dir.path(), "");
    let run = sweep_file(&none, &dir.path().join("o"), &[]);
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&run.stderr),
        format!(
            "error: nothing to vary: give --vary KEY=VALUES, or a [sweep] table in {}\n",
            none.display()
        )
    );
}

/// `scalesim check FILE`: the exit code, and standard output then error.
fn check(file: &Path) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["check", file.to_str().unwrap()])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap(), text)
}
