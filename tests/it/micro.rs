//! Hand-computed micro-scenarios: evenly spaced arrivals (the k-th at
//! k / rate, k = 0, 1, …), constant work, one or two slots. Every latency,
//! count and dollar below is worked out by hand in the comments.

use crate::common::scenario;
use scalesim::architectures;
use scalesim::results::summary::ArchitectureResult;

const NS: f64 = 1e-6; // one nanosecond, in milliseconds

fn run(body: &str) -> ArchitectureResult {
    let s = scenario(&format!("name = \"micro\"\nseed = 1\n{body}"));
    architectures::run_architecture(&s, &s.architectures[0], 0)
}

/// 10 evenly spaced requests per second for 1 s onto one 1-vCPU server
/// ($3.60/h), with constant `work` and extra fleet keys.
fn one_slot(work: &str, fleet_keys: &str) -> ArchitectureResult {
    run(&format!(
        r#"
duration = "1s"
[demand]
shape = "constant"
rps = 10
arrivals = "uniform"
[[services]]
name = "api"
work = "{work}"
[[architectures]]
name = "one"
kind = "fleet"
servers = 1
instance = {{ vcpus = 1, memory = "1GB", price_per_hour = 3.6 }}
{fleet_keys}
"#
    ))
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// 10 rps, 150 ms of work on one slot for 1 s: the queue grows by 50 ms
/// per request. Request k arrives at 0.1k s and ends at 0.15(k+1) s, so its
/// latency is 150 + 50k ms and its wait 50k ms. Requests 0–5 end before
/// 1 s; request 6 starts at 0.9 s and is still running; 7–9 are queued.
#[test]
fn a_queue_that_grows_by_fifty_ms_per_request() {
    let r = one_slot("150ms", "");
    let c = r.requests;
    assert_eq!(
        (c.arrived, c.completed, c.rejected, c.timed_out, c.in_flight),
        (10, 6, 0, 0, 4)
    );
    // latencies 150, 200, …, 400 ms
    assert!(close(r.latency_ms.mean, 275.0, NS), "{}", r.latency_ms.mean);
    assert!(close(r.latency_ms.max, 400.0, NS), "{}", r.latency_ms.max);
    // waits of the 7 started requests: 0, 50, …, 300 ms
    assert!(close(r.wait_ms.mean, 150.0, NS), "{}", r.wait_ms.mean);
    assert!(close(r.wait_ms.fraction_waited, 6.0 / 7.0, 1e-12));
    // The slot is never idle.
    assert!(close(r.utilization, 1.0, 1e-9));
    // One server at $3.60/h = $0.001/s for 1 s.
    assert!(
        close(r.cost.total_usd, 0.001, 1e-12),
        "{}",
        r.cost.total_usd
    );
    assert!(close(r.cost.per_month_usd, 3.6 * 730.0, 1e-6));
    assert!(close(
        r.cost.per_million_requests_usd,
        0.001 / 6.0 * 1e6,
        1e-6
    ));
}

/// Sync and async calls on a monolith fleet. One request per second;
/// `api` (10 ms) calls `db` (20 ms) synchronously, then `audit` (5 ms)
/// asynchronously. On one slot: api and db run back to back (0–30 ms);
/// the async audit job is queued at 30 ms and runs 30–35 ms. Latency is
/// 35 ms: until the last work the request caused.
#[test]
fn sync_calls_run_inline_and_async_calls_queue() {
    let body = |calls: &str, vcpus: u32| {
        format!(
            r#"
duration = "10s"
[demand]
shape = "constant"
rps = 1
arrivals = "uniform"
[[services]]
name = "api"
work = "10ms"
calls = [{calls}]
[[services]]
name = "db"
work = "20ms"
[[services]]
name = "audit"
work = "5ms"
[[architectures]]
name = "f"
kind = "fleet"
servers = 1
instance = {{ vcpus = {vcpus}, memory = "1GB", price_per_hour = 0.1 }}
"#
        )
    };
    let sync_then_async =
        r#"{ service = "db", mode = "sync" }, { service = "audit", mode = "async" }"#;
    let async_then_sync =
        r#"{ service = "audit", mode = "async" }, { service = "db", mode = "sync" }"#;

    let r = run(&body(sync_then_async, 1));
    assert_eq!(r.requests.completed, 10);
    assert!(close(r.latency_ms.max, 35.0, NS) && close(r.latency_ms.mean, 35.0, NS));
    assert!(close(r.utilization, 0.035, 1e-9), "{}", r.utilization);

    // Async first on one slot: audit is queued at 10 ms behind the caller,
    // who keeps its slot for db until 30 ms; audit runs 30–35 ms.
    let r = run(&body(async_then_sync, 1));
    assert!(close(r.latency_ms.max, 35.0, NS), "{}", r.latency_ms.max);

    // On two slots, audit runs 10–15 ms beside db: the request ends at 30 ms.
    let r = run(&body(async_then_sync, 2));
    assert!(close(r.latency_ms.max, 30.0, NS) && close(r.latency_ms.mean, 30.0, NS));
    // 35 ms of work per second on 2 slots.
    assert!(close(r.utilization, 0.0175, 1e-9), "{}", r.utilization);
}

/// Timeouts that free the slot still waste the work (congestive collapse).
/// 10 rps, 150 ms work, one slot, timeout 240 ms:
/// req 0: 0–150 ms, done (150 ms). req 1: arrives 100, runs 150–300, done
/// (200 ms). req 2: arrives 200, starts 300, would end 450 > 440: times out
/// at 440 and frees the slot; req 3 starts 440, times out at 540; and so on
/// for reqs 2–7 (timeouts at 440, 540, …, 940). Reqs 8 and 9 are still in
/// the system at 1 s.
#[test]
fn timeouts_free_the_slot_but_waste_the_work() {
    let r = one_slot("150ms", "timeout = \"240ms\"");
    let c = r.requests;
    assert_eq!(
        (c.arrived, c.completed, c.rejected, c.timed_out, c.in_flight),
        (10, 2, 0, 6, 2)
    );
    assert!(close(r.latency_ms.mean, 175.0, NS) && close(r.latency_ms.max, 200.0, NS));
    assert!(close(r.utilization, 1.0, 1e-9));
}

/// A queue limit of 1 on one slot, 10 rps, 240 ms work:
/// req 0 runs 0–240. req 1 (100) queues, runs 240–480. req 2 (200): queue
/// full, rejected. req 3 (300) queues, runs 480–720. req 4 (400) rejected.
/// req 5 (500) queues, runs 720–960. reqs 6, 7 (600, 700) rejected. req 8
/// (800) queues, starts 960, still running at 1 s. req 9 (900) rejected.
/// Latencies 240, 380, 420, 460 ms; waits 0, 140, 180, 220, 160 ms.
#[test]
fn a_full_queue_rejects() {
    let r = one_slot("240ms", "queue_limit = 1");
    let c = r.requests;
    assert_eq!(
        (c.arrived, c.completed, c.rejected, c.timed_out, c.in_flight),
        (10, 4, 5, 0, 1)
    );
    assert!(close(r.latency_ms.mean, 375.0, NS) && close(r.latency_ms.max, 460.0, NS));
    assert!(close(r.wait_ms.mean, 140.0, NS), "{}", r.wait_ms.mean);
    assert!(close(r.error_rate, 0.5, 1e-12));
}

/// Cost: 3 servers at $0.36/h ($0.0001/s each). Over 10 minutes with a
/// 5-minute warmup, the measured 300 s cost 3 × 300 × 0.0001 = $0.09; a
/// month of 730 h costs 3 × 0.36 × 730 = $788.40. The time series' running
/// cost includes the warmup: $0.18 at the end.
#[test]
fn fleet_cost_is_servers_times_time_times_price() {
    let r = run(r#"
duration = "10m"
warmup = "5m"
window = "1m"
[demand]
shape = "constant"
rps = 5
[[services]]
name = "api"
work = "10ms"
[[architectures]]
name = "f"
kind = "fleet"
servers = 3
instance = { vcpus = 2, memory = "4GB", price_per_hour = 0.36 }
"#);
    assert!(close(r.cost.total_usd, 0.09, 1e-12), "{}", r.cost.total_usd);
    assert!(
        close(r.cost.per_month_usd, 788.4, 1e-9),
        "{}",
        r.cost.per_month_usd
    );
    assert_eq!(r.timeseries.len(), 10);
    assert!(
        close(r.timeseries[9].cost_usd, 0.18, 1e-12),
        "{}",
        r.timeseries[9].cost_usd
    );
    assert!(close(r.timeseries[0].cost_usd, 0.018, 1e-12));
    assert!(r.timeseries.iter().all(|w| w.servers == 3.0));
    // The busy share of the bill is compute, the rest idle capacity:
    // 5 rps × 10 ms = 0.05 busy vCPUs of 6, up to the Poisson noise.
    let b = r.cost.breakdown;
    assert!(close(b.compute_usd + b.idle_usd, 0.09, 1e-12));
    assert!(close(b.compute_usd, 0.09 * r.utilization, 1e-15));
    assert!(close(r.utilization, 0.05 / 6.0, 0.001), "{}", r.utilization);
    assert_eq!(b.requests_usd + b.gateway_usd + b.provisioned_usd, 0.0);
    assert_eq!(r.prices[0].price_usd, 0.36);
}

/// Sizing on a steps demand of 100 rps for 1 h then 300 rps for 1 h, with
/// 50 ms of work per request. For the peak at 60 % on 2-vCPU m5.large:
/// 300 × 0.05 = 15 vCPUs, / (2 × 0.6) = 12.5, so 13 servers. For the mean
/// (200 rps) at 100 % on 1-vCPU servers: 200 × 0.05 = 10 servers.
#[test]
fn fleets_sized_from_the_demand() {
    let s = scenario(
        r#"
name = "sizing"
duration = "2h"
[demand]
shape = "steps"
steps = [{ at = "0s", rps = 100 }, { at = "1h", rps = 300 }]
[[services]]
name = "api"
work = { dist = "exponential", mean = "50ms" }
[[architectures]]
name = "peak"
kind = "fleet"
servers = { size_for = "peak", utilization = 0.6 }
instance = "m5.large"
[[architectures]]
name = "mean"
kind = "fleet"
servers = { size_for = "mean", utilization = 1.0 }
instance = { vcpus = 1, memory = "1GB", price_per_hour = 0.01 }
"#,
    );
    let servers: Vec<u32> = s
        .architectures
        .iter()
        .map(|a| match &a.spec {
            scalesim::scenario::ArchitectureSpec::Fleet(f) => f.servers,
            _ => unreachable!("both are fleets"),
        })
        .collect();
    assert_eq!(servers, vec![13, 10]);
}
