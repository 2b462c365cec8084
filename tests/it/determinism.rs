//! Same scenario + same seed ⇒ byte-identical outputs, whatever the thread
//! count; and every architecture of a scenario replays the same requests
//! (common random numbers).

use crate::common::scenario;
use scalesim::architectures;
use std::path::Path;
use std::process::Command;

const SCENARIO: &str = r#"
name = "det"
duration = "30m"
warmup = "2m"
seed = 2024
window = "1m"
[demand]
shape = "steps"
steps = [{ at = "0s", rps = 80 }, { at = "10m", rps = 260 }, { at = "20m", rps = 120 }]
[[services]]
name = "front"
work = { dist = "normal", mean = "20ms", stddev = "15ms" }
calls = [{ service = "back", mode = "sync" }, { service = "log", mode = "async" }]
[[services]]
name = "back"
work = { dist = "empirical", p0 = "1ms", p50 = "8ms", p99 = "90ms", p100 = "400ms" }
[[services]]
name = "log"
work = { dist = "gamma", mean = "3ms", cv = 0.5 }
[[architectures]]
name = "small"
kind = "fleet"
servers = 2
instance = "c5.xlarge"
queue_limit = 200
timeout = "2s"
[[architectures]]
name = "large"
kind = "fleet"
servers = { size_for = "peak", utilization = 0.5 }
instance = "c5.xlarge"
[[architectures]]
name = "wide"
kind = "fleet"
servers = 500
instance = { vcpus = 8, memory = "1GB", price_per_hour = 0.01 }
[[architectures]]
name = "wider"
kind = "fleet"
servers = 4000
instance = { vcpus = 1, memory = "1GB", price_per_hour = 0.02 }
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "512MB"
concurrency_limit = 60
instance_concurrency = 2
[architectures.functions.back]
provisioned = 3
"#;

fn run_cli(dir: &Path, out: &str, threads: &str) -> Vec<(String, Vec<u8>)> {
    let status = Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["run", "s.toml", "--out", out, "--quiet"])
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success());
    ["summary.json", "summary.csv", "timeseries.csv"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(dir.join(out).join(f)).unwrap()))
        .collect()
}

#[test]
fn same_seed_gives_byte_identical_outputs_on_one_or_many_threads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), SCENARIO).unwrap();
    let a = run_cli(dir.path(), "a", "1");
    let b = run_cli(dir.path(), "b", "2");
    let c = run_cli(dir.path(), "c", "4");
    for ((name, x), ((_, y), (_, z))) in a.iter().zip(b.iter().zip(&c)) {
        assert!(x == y && y == z, "{name} differs between runs");
        assert!(x.len() > 100, "{name} is suspiciously small");
    }
}

#[test]
fn a_different_seed_gives_different_numbers() {
    let mut s = scenario(SCENARIO);
    let a = architectures::run(&s);
    s.seed += 1;
    let b = architectures::run(&s);
    assert_ne!(
        a.architectures[0].requests.arrived,
        b.architectures[0].requests.arrived
    );
    assert_ne!(
        a.architectures[1].latency_ms.mean,
        b.architectures[1].latency_ms.mean
    );
}

#[test]
fn every_architecture_sees_the_same_arrivals() {
    let run = architectures::run(&scenario(SCENARIO));
    let arrivals = |i: usize| -> Vec<u64> {
        run.architectures[i]
            .timeseries
            .iter()
            .map(|w| w.arrivals)
            .collect()
    };
    for i in 1..run.architectures.len() {
        assert_eq!(arrivals(0), arrivals(i), "architecture {i}");
        assert_eq!(
            run.architectures[0].requests.arrived,
            run.architectures[i].requests.arrived
        );
    }
}

/// Two fleets too large to ever queue, built differently (500 × 8 vCPUs
/// and 4000 × 1): each request's latency is exactly the sum of its work,
/// so if request k has the same work everywhere, their latency
/// distributions are identical to the last nanosecond.
#[test]
fn request_k_has_the_same_work_in_every_architecture() {
    let run = architectures::run(&scenario(SCENARIO));
    let (wide, wider) = (&run.architectures[2], &run.architectures[3]);
    assert_eq!(wide.wait_ms.fraction_waited, 0.0);
    assert_eq!(wider.wait_ms.fraction_waited, 0.0);
    assert_eq!(wide.latency.count(), wider.latency.count());
    assert_eq!(wide.latency.sum_secs(), wider.latency.sum_secs());
    assert_eq!(wide.latency.max(), wider.latency.max());
    assert_eq!(wide.latency.min(), wider.latency.min());
    assert_eq!(wide.latency.cdf_points(), wider.latency.cdf_points());
}
