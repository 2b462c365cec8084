//! The serverless platform against hand-computed micro-scenarios, closed
//! forms (Erlang B, M/G/∞, the sparse-traffic cold-start probability) and
//! SimFaaS's published reference case.

use proptest::prelude::*;
use scalesim::kinds::serverless::results::ServerlessResult;
use scalesim::results::queueing::erlang_b;
use scalesim::results::summary::ArchitectureResult;

/// Lambda x86: $ per GB-second, $ per request.
const GB_S: f64 = 0.0000166667;
const REQ: f64 = 0.20 / 1e6;

pub use crate::common::run_first as run;

fn sv(r: &ArchitectureResult) -> &ServerlessResult {
    r.serverless().expect("a serverless result")
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// Three requests, 100 s apart (arrivals at 0, 100 and 200 s), 100 ms of
/// work on 2 GB (no slowdown: 2048 MB > 1769 MB), cold start 300 ms.
fn three_requests(keep_alive: &str) -> ArchitectureResult {
    three_requests_with(&format!("keep_alive = \"{keep_alive}\""))
}

/// [`three_requests`] with the architecture's other keys given by `keys`.
pub fn three_requests_with(keys: &str) -> ArchitectureResult {
    run(&format!(
        r#"
name = "three"
duration = "250s"
[demand]
shape = "constant"
rps = 0.01
arrivals = "uniform"
[[services]]
name = "f"
work = "100ms"
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "2048MB"
cold_start = "300ms"
{keys}
"#
    ))
}

/// Keep-alive 150 s outlives the 99.6 s idle gaps: one cold start (400 ms),
/// then two warm invocations (100 ms). Billed 0.4 + 0.1 + 0.1 s × 2 GB =
/// 1.2 GB-s. One instance for the whole 250 s, idle 99.6 + 99.9 + 49.9 s.
#[test]
fn three_invocations_with_one_cold_start() {
    let r = three_requests("150s");
    let s = sv(&r);
    assert_eq!(r.requests.completed, 3);
    assert_eq!(s.cold_starts, 1);
    assert!(close(s.cold_start_fraction, 1.0 / 3.0, 1e-12));
    assert!(close(r.latency_ms.max, 400.0, 1e-6) && close(r.latency_ms.mean, 200.0, 1e-6));
    assert!(close(r.cost.breakdown.compute_usd, 1.2 * GB_S, 1e-15));
    assert!(close(r.cost.breakdown.requests_usd, 3.0 * REQ, 1e-15));
    assert!(
        close(r.cost.total_usd, 1.2 * GB_S + 3.0 * REQ, 1e-12),
        "{}",
        r.cost.total_usd
    );
    assert!(close(s.instances.mean, 1.0, 1e-12) && s.instances.peak == 1);
    assert!(
        close(s.idle_gb_seconds, 249.4 * 2.0, 1e-6),
        "{}",
        s.idle_gb_seconds
    );
    // The wait is until the handler starts: the cold start, once.
    assert!(close(r.wait_ms.mean, 100.0, 1e-6));
}

/// Keep-alive 60 s: each instance expires before the next request, so all
/// three are cold (0.8 GB-s each). Instances live 0–60.4 s, 100–160.4 s
/// and 200–250 s: a mean of 170.8 / 250.
#[test]
fn keep_alive_expiry_makes_every_invocation_cold() {
    let r = three_requests("60s");
    let s = sv(&r);
    assert_eq!(s.cold_starts, 3);
    assert!(close(r.latency_ms.mean, 400.0, 1e-6));
    assert!(
        close(r.cost.total_usd, 2.4 * GB_S + 3.0 * REQ, 1e-12),
        "{}",
        r.cost.total_usd
    );
    assert!(
        close(s.instances.mean, 170.8 / 250.0, 1e-9),
        "{}",
        s.instances.mean
    );
    // The time series sees the three cold starts.
    assert_eq!(r.timeseries.iter().map(|w| w.cold_starts).sum::<u64>(), 3);
}

/// Which idle instance serves. Arrivals at 0, 0.5, 2, 10 and 18 s; 1.8 s of
/// work; no cold-start delay; keep-alive 10 s. A (started 0) serves 0–1.8;
/// B (started 0.5) serves 0.5–2.3; at 2 s only A is idle and serves 2–3.8.
/// At 10 s both are idle: A last used at 3.8, B at 2.3.
/// - MRU takes A (10–11.8); B expires at 12.3; at 18 A is still warm.
///   Instance-seconds: A 20 + B 11.8 = 31.8.
/// - LRU and "newest" (B started later) take B (10–11.8); A expires at 13.8;
///   at 18 B is warm. Instance-seconds: B 19.5 + A 13.8 = 33.3.
#[test]
fn idle_selection_picks_the_documented_instance() {
    let with = |policy: &str| {
        run(&format!(
            r#"
name = "mru"
duration = "20s"
[demand]
shape = "steps"
steps = [{{ at = "0s", rps = 2 }}, {{ at = "1s", rps = 0 }}, {{ at = "2s", rps = 0.125 }}]
arrivals = "uniform"
[[services]]
name = "f"
work = "1800ms"
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "2048MB"
cold_start = "0ms"
keep_alive = "10s"
idle_selection = "{policy}"
"#
        ))
    };
    for (policy, instance_seconds) in [("mru", 31.8), ("lru", 33.3), ("newest", 33.3)] {
        let r = with(policy);
        let s = sv(&r);
        assert_eq!(r.requests.completed, 5, "{policy}");
        assert_eq!(s.cold_starts, 2, "{policy}");
        assert!(
            close(s.instances.mean * 20.0, instance_seconds, 1e-9),
            "{policy}: {} instance-seconds",
            s.instances.mean * 20.0
        );
    }
}

/// One request at time 0 (rps 0.1, uniform) through api (100 ms) calling
/// db (300 ms) with `mode`, on 2 GB functions without cold starts and a
/// 10 ms hop.
fn chain(mode: &str, gateway: &str, duration: &str) -> String {
    format!(
        r#"
name = "chain"
duration = "{duration}"
[demand]
shape = "constant"
rps = 0.1
arrivals = "uniform"
[[services]]
name = "api"
work = "100ms"
calls = [{{ service = "db", mode = "{mode}" }}]
[[services]]
name = "db"
work = "300ms"
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "2048MB"
cold_start = "0ms"
hop_latency = "10ms"
gateway = "{gateway}"
"#
    )
}

/// A sync chain is billed for the wait. `api` (100 ms) calls `db` (300 ms)
/// with a 10 ms hop. Sync: api runs 0–0.1 s, waits until db ends at 0.41 s:
/// billed 410 ms; db 300 ms; at 2 GB that is 1.42 GB-s. Async: api is billed
/// 100 ms only (0.8 GB-s in all). Both end at 410 ms. With an HTTP gateway
/// (5 ms, $1 per million) the latency is 415 ms.
#[test]
fn a_sync_chain_is_billed_for_the_wait() {
    let with = |mode: &str, gateway: &str| run(&chain(mode, gateway, "10s"));
    let sync = with("sync", "none");
    assert_eq!(sync.requests.completed, 1);
    assert!(close(sync.latency_ms.max, 410.0, 1e-6));
    assert!(
        close(sync.cost.total_usd, 1.42 * GB_S + 2.0 * REQ, 1e-15),
        "{}",
        sync.cost.total_usd
    );
    let functions = &sv(&sync).functions;
    assert!(close(functions[0].billed_gb_seconds, 0.82, 1e-12));
    assert!(close(functions[1].billed_gb_seconds, 0.6, 1e-12));

    let async_ = with("async", "none");
    assert!(close(async_.latency_ms.max, 410.0, 1e-6));
    assert!(close(async_.cost.total_usd, 0.8 * GB_S + 2.0 * REQ, 1e-15));

    let gw = with("sync", "http");
    assert!(close(gw.latency_ms.max, 415.0, 1e-6));
    assert!(close(gw.cost.breakdown.gateway_usd, 1.0 / 1e6, 1e-15));
}

/// The run ends at 250 ms while the chain above is running: api has run
/// 250 ms (0.5 GB-s at 2 GB), db 140 ms since 110 ms (0.28 GB-s). Both are
/// billed for that, as a fleet's servers are billed to the end of the run.
#[test]
fn invocations_running_at_the_end_are_billed_for_what_ran() {
    let r = run(&chain("sync", "none", "250ms"));
    assert_eq!(r.requests.completed, 0);
    let functions = &sv(&r).functions;
    assert!(close(functions[0].billed_gb_seconds, 0.5, 1e-12));
    assert!(close(functions[1].billed_gb_seconds, 0.28, 1e-12));
    assert!(close(r.cost.total_usd, 0.78 * GB_S + 2.0 * REQ, 1e-15));
    // Without a warm-up, every invocation started is billed exactly once.
    let r = run(r#"
name = "busy"
duration = "1m"
seed = 4
[demand]
shape = "constant"
rps = 50
[[services]]
name = "f"
work = { dist = "gamma", mean = "2s", cv = 1.5 }
[[architectures]]
name = "lambda"
kind = "serverless"
"#);
    let f = &sv(&r).functions[0];
    assert!(f.invocations > 2_500);
    assert_eq!(f.billed_invocations, f.invocations);
}

/// CPU follows memory: 100 ms of work at 512 MB takes 100 × 1769 / 512 ms;
/// at 3008 MB no less than 100 ms.
#[test]
fn cpu_follows_memory() {
    let with = |memory: &str| {
        run(&format!(
            r#"
name = "memory"
duration = "10s"
[demand]
shape = "constant"
rps = 1
arrivals = "uniform"
[[services]]
name = "f"
work = "100ms"
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "{memory}"
cold_start = "0ms"
"#
        ))
    };
    assert!(close(
        with("512MB").latency_ms.max,
        100.0 * 1769.0 / 512.0,
        1e-6
    ));
    assert!(close(with("3008MB").latency_ms.max, 100.0, 1e-9));
    // Billed: 346 ms (rounded up) × 0.5 GB per invocation.
    let r = with("512MB");
    assert!(close(
        sv(&r).functions[0].billed_gb_seconds,
        10.0 * 0.346 * 0.5,
        1e-9
    ));
}

/// Provisioned instances serve first and never cold-start; they cost their
/// GB-seconds for the whole period plus the lower execution price.
#[test]
fn provisioned_instances_are_warm_and_billed_while_provisioned() {
    let r = run(r#"
name = "provisioned"
duration = "1h"
[demand]
shape = "constant"
rps = 0.001
arrivals = "uniform"
[[services]]
name = "f"
work = "100ms"
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "2048MB"
cold_start = "1s"
keep_alive = "1m"
[architectures.functions.f]
provisioned = 2
"#);
    let s = sv(&r);
    // Arrivals at 0, 1000, 2000, 3000 s: all on provisioned instances.
    assert_eq!((r.requests.completed, s.cold_starts), (4, 0));
    assert!(close(r.latency_ms.max, 100.0, 1e-9));
    let b = r.cost.breakdown;
    assert!(
        close(b.provisioned_usd, 2.0 * 2.0 * 0.0000041667 * 3600.0, 1e-12),
        "{}",
        b.provisioned_usd
    );
    assert!(
        close(b.compute_usd, 4.0 * 0.2 * 0.0000097222, 1e-15),
        "{}",
        b.compute_usd
    );
    assert!(close(s.instances.mean, 2.0, 1e-12));
    assert!(r.timeseries.iter().all(|w| w.provisioned_instances == 2.0));
}

/// With a concurrency limit c and synchronous invocations there is no
/// queue: the throttled fraction is Erlang B(c, λ·E[S]), whatever the
/// service distribution. λ = 50/s, E[S] = 0.2 s, c = 10: B = 0.2146.
#[test]
fn throttling_matches_erlang_b() {
    let r = run(r#"
name = "erlang-b"
duration = "6h"
warmup = "10m"
seed = 5
[demand]
shape = "constant"
rps = 50
[[services]]
name = "f"
work = { dist = "lognormal", median = "150ms", p99 = "600ms" }
[[architectures]]
name = "limited"
kind = "serverless"
memory = "1769MB"
cold_start = "0ms"
concurrency_limit = 10
"#);
    let a = 50.0 * (0.15f64.ln() + 0.5 * ((0.6f64 / 0.15).ln() / 2.326_347_874).powi(2)).exp();
    let b = erlang_b(10, a);
    let c = r.requests;
    let observed = c.throttled as f64 / c.arrived as f64;
    eprintln!("offered {a:.3} erlangs: throttled {observed:.4}, Erlang B {b:.4}");
    assert!(c.arrived > 1_000_000);
    assert!(
        (observed - b).abs() < 0.004,
        "throttled {observed} vs Erlang B {b}"
    );
    assert_eq!(c.arrived, c.completed + c.throttled + c.in_flight);
    assert_eq!(sv(&r).throttled, c.throttled);
}

/// No limits: the busy-instance count is M/G/∞, with mean λ·E[S].
#[test]
fn unlimited_concurrency_is_m_g_infinity() {
    let r = run(r#"
name = "mginf"
duration = "2h"
warmup = "5m"
seed = 8
[demand]
shape = "constant"
rps = 200
[[services]]
name = "f"
work = { dist = "gamma", mean = "50ms", cv = 2.0 }
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "1769MB"
cold_start = "0ms"
concurrency_limit = 100000
"#);
    let busy = r.utilization * sv(&r).instances.mean;
    eprintln!(
        "mean busy {busy:.4} vs λE[S] = 10, instances {:?}",
        sv(&r).instances
    );
    assert!((busy / 10.0 - 1.0).abs() < 0.01, "{busy}");
    assert_eq!(r.requests.throttled, 0);
    // Little's law: the same number as requests in the system.
    assert!((r.mean_in_system / busy - 1.0).abs() < 1e-3);
}

/// Sparse traffic (λ·E[S] ≪ 1) with keep-alive T: a request is cold when
/// the gap since the previous one ended exceeds T, so P(cold) ≈ e^(−λT).
#[test]
fn sparse_traffic_cold_start_probability() {
    let r = run(r#"
name = "sparse"
duration = "120d"
seed = 21
window = "1d"
[demand]
shape = "constant"
rps = 0.02
[[services]]
name = "f"
work = "50ms"
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "1769MB"
cold_start = "50ms"
keep_alive = "60s"
"#);
    let n = r.requests.completed as f64;
    let p = sv(&r).cold_start_fraction;
    // Gap measured from the previous request's end (≈ 65 ms after it arrived).
    let exact = (-0.02f64 * 60.065).exp();
    let se = (exact * (1.0 - exact) / n).sqrt();
    eprintln!(
        "P(cold) {p:.5} over {n} requests; e^-λT = {:.5}",
        (-0.02f64 * 60.0).exp()
    );
    assert!(n > 200_000.0);
    assert!(
        (p - exact).abs() < 4.0 * se,
        "P(cold) {p} vs {exact} ± {se}"
    );
    assert!((p / (-1.2f64).exp() - 1.0).abs() < 0.02);
}

/// SimFaaS's README case: λ = 0.9/s, warm service 1.991 s, cold 2.244 s,
/// keep-alive 600 s, newest instance first: P(cold) ≈ 0.0014 and a mean of
/// 7.66 instances.
#[test]
fn agrees_with_simfaas() {
    let r = run(r#"
name = "simfaas"
duration = "30d"
warmup = "1d"
seed = 3
window = "1h"
[demand]
shape = "constant"
rps = 0.9
[[services]]
name = "f"
work = { dist = "exponential", mean = "1991ms" }
[[architectures]]
name = "simfaas"
kind = "serverless"
memory = "1769MB"
cold_start = { dist = "exponential", mean = "253ms" }
keep_alive = "600s"
idle_selection = "newest"
"#);
    let s = sv(&r);
    eprintln!(
        "P(cold) {:.5}, instances {:.3}",
        s.cold_start_fraction, s.instances.mean
    );
    assert!(r.requests.completed > 2_000_000);
    assert!(
        (s.cold_start_fraction / 0.0014 - 1.0).abs() < 0.15,
        "{}",
        s.cold_start_fraction
    );
    assert!(
        (s.instances.mean / 7.66 - 1.0).abs() < 0.02,
        "{}",
        s.instances.mean
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    /// Any small serverless scenario conserves requests, and never runs
    /// more executions than the account allows.
    #[test]
    fn any_serverless_run_conserves_requests(
        rps in 1.0f64..300.0,
        limit in 3u32..40,
        scale in 1u32..20,
        k in 1u32..4,
        work_ms in 1u32..300,
        call in 0usize..3,
        provisioned in 0u32..3,
        seed in 0u64..1000,
    ) {
        let calls = ["", r#"calls = [{ service = "b", mode = "sync" }]"#, r#"calls = [{ service = "b", mode = "async" }]"#][call];
        let r = run(&format!(
            r#"
name = "prop"
duration = "3m"
warmup = "20s"
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
name = "lambda"
kind = "serverless"
memory = "512MB"
keep_alive = "30s"
concurrency_limit = {limit}
scale_rate = {{ instances = {scale}, per = "5s" }}
instance_concurrency = {k}
[architectures.functions.a]
provisioned = {provisioned}
"#
        ));
        let c = r.requests;
        prop_assert_eq!(c.arrived, c.completed + c.rejected + c.throttled + c.timed_out + c.in_flight);
        prop_assert!(r.timeseries.iter().all(|w| w.busy_slots <= limit as f64 + 1e-9));
        let s = sv(&r);
        prop_assert!(s.functions[0].instances.peak >= provisioned as u64);
    }
}

/// With `instance_concurrency` > 1, invocations that join an instance still
/// in its cold start wait for it too. Five requests 10 ms apart (0–40 ms)
/// share one instance (10 per instance) whose cold start takes 500 ms; each
/// works 10 ms: they end at 510 ms, latencies 510, 500, 490, 480, 470 ms,
/// and every one met the cold start.
#[test]
fn joiners_wait_for_the_instances_cold_start() {
    let r = run(r#"
name = "joiners"
duration = "2s"
[demand]
shape = "steps"
steps = [{ at = "0s", rps = 100 }, { at = "50ms", rps = 0 }]
arrivals = "uniform"
[[services]]
name = "f"
work = "10ms"
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "2048MB"
cold_start = "500ms"
instance_concurrency = 10
"#);
    let s = sv(&r);
    assert_eq!((r.requests.completed, s.cold_starts), (5, 1));
    assert!(
        close(r.latency_ms.max, 510.0, 1e-6) && close(r.latency_ms.mean, 490.0, 1e-6),
        "{:?}",
        r.latency_ms
    );
    assert!(close(s.cold_start_fraction, 1.0, 1e-12));
    assert_eq!(s.instances.peak, 1);
}
