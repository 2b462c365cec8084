//! Laws every run must obey, whatever the scenario: Little's law,
//! conservation of requests, and that more servers never make waiting
//! worse for the same demand.

use crate::common::{self, scenario};
use proptest::prelude::*;
use scalesim::architectures;
use scalesim::results::summary::ArchitectureResult;

fn run_one(text: &str) -> ArchitectureResult {
    let s = scenario(text);
    architectures::run_architecture(&s, &s.architectures[0], 0)
}

fn assert_conserved(r: &ArchitectureResult) {
    let c = &r.requests;
    assert_eq!(
        c.arrived,
        c.completed + c.rejected + c.throttled + c.timed_out + c.in_flight,
        "{}: {c:?}",
        r.name
    );
}

/// L = λW over the measured windows of the time series: the time-average
/// number in the system equals the arrival rate times the mean time in
/// the system. Checked on a non-stationary (steps) demand with sync and
/// async calls, where nothing but bookkeeping makes it hold.
#[test]
fn littles_law_holds_over_the_time_series() {
    let r = run_one(
        r#"
name = "little"
duration = "3h"
warmup = "10m"
seed = 11
window = "1m"
[demand]
shape = "steps"
steps = [{ at = "0s", rps = 100 }, { at = "1h", rps = 220 }, { at = "2h", rps = 60 }]
[[services]]
name = "front"
work = { dist = "gamma", mean = "20ms", cv = 2.0 }
calls = [{ service = "db", mode = "sync" }, { service = "audit", mode = "async" }]
[[services]]
name = "db"
work = { dist = "lognormal", median = "8ms", p99 = "80ms" }
[[services]]
name = "audit"
work = "5ms"
[[architectures]]
name = "f"
kind = "fleet"
servers = 3
instance = "c5.xlarge"
"#,
    );
    let measured: Vec<_> = r.timeseries.iter().filter(|w| w.start_s >= 600.0).collect();
    let t = measured.len() as f64 * 60.0;
    let l = measured.iter().map(|w| w.in_system).sum::<f64>() * 60.0 / t;
    let lambda = r.requests.arrived as f64 / t;
    let w = r.latency_ms.mean / 1e3;
    eprintln!(
        "L = {l:.4}, λW = {:.4} (λ = {lambda:.2}/s, W = {w:.5} s)",
        lambda * w
    );
    assert!(r.requests.arrived > 1_000_000);
    assert!(
        (l / (lambda * w) - 1.0).abs() < 0.002,
        "L = {l}, λW = {}",
        lambda * w
    );
    // The summary's own mean_in_system is the same integral.
    assert!((r.mean_in_system / l - 1.0).abs() < 1e-9);
}

/// Conservation on every bundled scenario (some reject and time out).
#[test]
fn bundled_scenarios_conserve_requests() {
    for b in common::bundled_runs() {
        for r in &b.run.architectures {
            assert_conserved(r);
        }
    }
}

/// A fleet with a short timeout and a small queue, overloaded: every
/// outcome happens, and each request is counted exactly once. The time
/// series, which counts every request including the warmup's, agrees.
#[test]
fn overload_conserves_requests_in_the_summary_and_the_time_series() {
    let r = run_one(
        r#"
name = "overload"
duration = "20m"
seed = 3
window = "1m"
[demand]
shape = "constant"
rps = 200
[[services]]
name = "api"
work = { dist = "exponential", mean = "40ms" }
calls = [{ service = "tail", mode = "async" }]
[[services]]
name = "tail"
work = { dist = "exponential", mean = "10ms" }
[[architectures]]
name = "f"
kind = "fleet"
servers = 5
instance = { vcpus = 2, memory = "4GB", price_per_hour = 0.1 }
queue_limit = 20
timeout = "150ms"
"#,
    );
    let c = r.requests;
    assert!(
        c.rejected > 1000 && c.timed_out > 1000 && c.completed > 100_000,
        "{c:?}"
    );
    assert_conserved(&r);
    let sum = |f: fn(&scalesim::results::stats::WindowRow) -> u64| {
        r.timeseries.iter().map(f).sum::<u64>()
    };
    assert_eq!(sum(|w| w.arrivals), c.arrived);
    assert_eq!(sum(|w| w.completions), c.completed);
    assert_eq!(sum(|w| w.rejected), c.rejected);
    assert_eq!(sum(|w| w.timed_out), c.timed_out);
    // Nothing exceeds its bound.
    assert!(
        r.latency_ms.max <= 150.0 + 1e-6,
        "max latency {}",
        r.latency_ms.max
    );
    assert!(r.timeseries.iter().all(|w| w.queue_length <= 20.0));
    assert!(r.timeseries.iter().all(|w| w.busy_slots <= 10.0 + 1e-9));
}

/// More servers, same seed, same requests: the mean wait never rises and
/// the p99 latency never rises (FCFS with identical work sequences).
#[test]
fn more_servers_never_raise_the_wait() {
    let mut last_wait = f64::INFINITY;
    let mut last_p99 = f64::INFINITY;
    for servers in 9..=16 {
        let r = run_one(&format!(
            r#"
name = "mono"
duration = "1h"
warmup = "5m"
seed = 5
[demand]
shape = "constant"
rps = 170
[[services]]
name = "api"
work = {{ dist = "lognormal", median = "40ms", p99 = "300ms" }}
[[architectures]]
name = "f"
kind = "fleet"
servers = {servers}
instance = {{ vcpus = 1, memory = "2GB", price_per_hour = 0.05 }}
"#
        ));
        eprintln!(
            "{servers} servers: mean wait {:.3} ms, p99 {:.1} ms",
            r.wait_ms.mean, r.latency_ms.p99
        );
        assert!(
            r.wait_ms.mean <= last_wait,
            "{servers} servers: wait {} > {last_wait}",
            r.wait_ms.mean
        );
        assert!(
            r.latency_ms.p99 <= last_p99 * 1.0001,
            "{servers} servers: p99 {} > {last_p99}",
            r.latency_ms.p99
        );
        last_wait = r.wait_ms.mean;
        last_p99 = r.latency_ms.p99;
    }
    assert!(
        last_wait < 1.0,
        "16 servers at ρ ≈ 0.6 should hardly wait: {last_wait} ms"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Any small fleet scenario conserves requests, in the summary and in
    /// the time series, and never has more busy slots than it owns.
    #[test]
    fn any_fleet_conserves_requests(
        rps in 1.0f64..400.0,
        servers in 1u32..6,
        vcpus in 1u32..4,
        work_ms in 1u32..200,
        queue_limit in proptest::option::of(0u64..100),
        timeout_ms in proptest::option::of(20u64..2000),
        call in 0usize..3,
        seed in 0u64..1000,
        warmup_s in 0u64..60,
    ) {
        let calls = ["", r#"calls = [{ service = "b", mode = "sync" }]"#, r#"calls = [{ service = "b", mode = "async" }]"#][call];
        let mut arch = format!(
            "name = \"f\"\nkind = \"fleet\"\nservers = {servers}\ninstance = {{ vcpus = {vcpus}, memory = \"2GB\", price_per_hour = 0.1 }}\n"
        );
        if let Some(q) = queue_limit { arch += &format!("queue_limit = {q}\n"); }
        if let Some(t) = timeout_ms { arch += &format!("timeout = \"{t}ms\"\n"); }
        let r = run_one(&format!(
            r#"
name = "prop"
duration = "2m"
warmup = "{warmup_s}s"
seed = {seed}
window = "10s"
[demand]
shape = "constant"
rps = {rps}
[[services]]
name = "a"
work = {{ dist = "exponential", mean = "{work_ms}ms" }}
{calls}
[[services]]
name = "b"
work = "{work_ms}ms"
[[architectures]]
{arch}
"#
        ));
        let c = r.requests;
        prop_assert_eq!(c.arrived, c.completed + c.rejected + c.timed_out + c.in_flight);
        let all: u64 = r.timeseries.iter().map(|w| w.arrivals).sum();
        prop_assert!(all >= c.arrived);
        if warmup_s == 0 {
            prop_assert_eq!(all, c.arrived);
        }
        let slots = (servers * vcpus) as f64;
        prop_assert!(r.timeseries.iter().all(|w| w.busy_slots <= slots + 1e-9));
        prop_assert!(r.utilization <= 1.0 + 1e-9);
        if let Some(t) = timeout_ms {
            prop_assert!(r.latency_ms.max <= t as f64 + 1e-6);
        }
        if queue_limit.is_none() && timeout_ms.is_none() {
            prop_assert_eq!(c.rejected + c.timed_out, 0);
        }
    }
}
