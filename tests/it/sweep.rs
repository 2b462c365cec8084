//! Sweeps: a point is the scenario with the value written in, and the
//! crossover of a flat fleet bill and a linear serverless bill is where
//! the two lines meet.

use scalesim::architectures;
use scalesim::sweep::points::{Vary, points};
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
