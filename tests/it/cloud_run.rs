//! Cloud Run (`platform = "cloud-run"` on a serverless architecture):
//! bills computed by hand on a constant load, request-based against
//! instance-based, concurrency sharing one instance, conservation, and the
//! messages for settings Cloud Run does not have.
//!
//! Prices (Tier 1, as in `assets/prices/cloud-run-us-central1.toml`):
//! request-based $0.000024 per vCPU-second + $0.0000025 per GiB-second +
//! $0.40 per million requests; instance-based $0.000018 + $0.000002, no
//! request fee. A 1 vCPU, 512 MiB instance: $0.00002525 per second
//! serving, or $0.000019 per second up.

use crate::common::{assert_refused, header, scenario};
use scalesim::architectures;
use scalesim::results::summary::{ArchitectureResult, KindResult};

/// One request per second, evenly spaced (the first at 0), each `work`
/// long, for an hour, on Cloud Run with `extra` keys and no cold-start
/// delay.
fn run(work: &str, extra: &str) -> ArchitectureResult {
    run_waiting(work, "0s", extra)
}

/// As [`run`], each request doing `work` of CPU then waiting `wait`.
fn run_waiting(work: &str, wait: &str, extra: &str) -> ArchitectureResult {
    let s = scenario(&format!(
        r#"
name = "cr"
duration = "1h"
[demand]
shape = "constant"
rps = 1
arrivals = "uniform"
[[services]]
name = "api"
work = "{work}"
wait = "{wait}"
[[architectures]]
name = "run"
kind = "serverless"
platform = "cloud-run"
cold_start = "0s"
{extra}
"#
    ));
    let r = architectures::run_architecture(&s, &s.architectures[0], 0);
    let c = r.requests;
    assert_eq!(
        c.arrived,
        c.completed + c.errors() + c.in_flight,
        "conservation"
    );
    r
}

fn assert_usd(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-9, "{got} against {want}");
}

#[test]
fn request_based_billing_is_requests_times_rounded_duration_times_price() {
    // 3,600 requests of 50 ms, none overlapping: each bills 100 ms.
    // 3,600 × 0.1 s × $0.00002525 = $0.00909; + 3,600 × $0.4e-6 = $0.00144.
    let r = run("50ms", "");
    assert_eq!(r.requests.completed, 3600);
    assert_usd(r.cost.total_usd, 0.00909 + 0.00144);
    let units: Vec<&str> = r.prices.iter().map(|p| p.unit.as_str()).collect();
    assert_eq!(units, ["instance-second", "million requests"]);
    assert_usd(r.prices[0].price_usd, 0.00002525);
}

#[test]
fn instance_based_billing_is_instance_seconds_times_price() {
    // One instance, up from the first request at 0 to the end (never idle
    // for 15 minutes): 3,600 s × $0.000019 = $0.0684, no request fee.
    let r = run("50ms", "billing = \"instance\"");
    assert_usd(r.cost.total_usd, 0.0684);
    assert_eq!(r.prices.len(), 1);
}

#[test]
fn the_free_tier_is_taken_pro_rata_off_each_line() {
    // An hour is 3,600 / 2,628,000 of a month: 246.58 vCPU-s, 493.15
    // GiB-s and 2,739.7 requests free. The hour used 360 instance-seconds
    // (3,600 requests × 100 ms) of 1 vCPU and 0.5 GiB: 246.58 of its 360
    // vCPU-s and all its 180 GiB-s are free, and 2,739.7 of its 3,600
    // request fees.
    let share = 3_600.0 / 2_628_000.0;
    let free = 180_000.0 * share * 0.000024 + 180.0 * 0.0000025 + 2_000_000.0 * share * 0.4e-6;
    let r = run("50ms", "free_tier = true");
    assert_usd(r.cost.total_usd, 0.00909 + 0.00144 - free);
    // Instance-based: 3,600 instance-seconds, of which 328.77 vCPU-s and
    // 616.44 GiB-s free (240,000 and 450,000 a month); no request fee.
    let free = 240_000.0 * share * 0.000018 + 450_000.0 * share * 0.000002;
    let r = run("50ms", "billing = \"instance\"\nfree_tier = true");
    assert_usd(r.cost.total_usd, 0.0684 - free);
}

#[test]
fn concurrent_requests_share_one_instance_and_its_bill() {
    // Requests of 50 ms of CPU and 2,450 ms of wait every second: 2 or 3
    // at once, all on one instance (80 per instance), which is never
    // idle: 3,600 s × $0.00002525 = $0.0909, + 3,600 request fees =
    // $0.00144. Their CPU work never overlaps, so each takes 2.5 s.
    let r = run_waiting("50ms", "2450ms", "");
    assert!(
        (r.latency_ms.max - 2500.0).abs() < 1e-6,
        "{}",
        r.latency_ms.max
    );
    let KindResult::Serverless(d) = &r.details else {
        panic!("serverless");
    };
    assert_eq!(d.instances.peak, 1);
    assert_eq!(d.cold_starts, 1);
    assert_usd(r.cost.total_usd, 0.0909 + 0.00144);
    // One request per instance (Lambda's rule) needs three at once, and
    // the autoscaler keeps 2.5 in progress at 60 % of one each: ⌈2.5 /
    // 0.6⌉ = 5 instances.
    let r = run_waiting("50ms", "2450ms", "instance_concurrency = 1");
    let KindResult::Serverless(d) = &r.details else {
        panic!("serverless");
    };
    assert_eq!(d.instances.peak, 5);
}

#[test]
fn settings_cloud_run_does_not_have_are_refused() {
    let base = format!(
        "{}[[architectures]]\nname = \"s\"\nkind = \"serverless\"\n",
        header("1h")
    );
    assert_refused(
        &base,
        &[
            (
                "billing = \"instance\"",
                "line 12, key `architectures[0].billing`: `billing` is a Cloud Run setting: add platform = \"cloud-run\"",
            ),
            (
                "platform = \"cloud-run\"\nvcpus = 3",
                "line 13, key `architectures[0].vcpus`: expected 1, 2, 4, 6 or 8 vCPUs per Cloud Run instance, found 3",
            ),
            (
                "platform = \"cloud-run\"\ngateway = \"http\"",
                "line 13, key `architectures[0].gateway`: Cloud Run serves HTTP itself: no API gateway (leave `gateway` out)",
            ),
            (
                "platform = \"cloud-run\"\ninstance_concurrency = 1001",
                "line 13, key `architectures[0].instance_concurrency`: Cloud Run allows at most 1000 requests per instance, found 1001",
            ),
            (
                "platform = \"cloud-run\"\nmemory = \"8GB\"",
                "line 13, key `architectures[0].memory`: a Cloud Run instance of 1 vCPU takes 0.125-4 GiB, found 8 GiB for api",
            ),
            (
                "platform = \"cloud-run\"\nkeep_alive = { policy = \"hybrid-histogram\" }",
                "line 13, key `architectures[0].keep_alive`: Cloud Run keeps an idle instance for its own idle timeout: give `keep_alive` as a duration, not a hybrid-histogram policy (function `api`)",
            ),
            (
                "platform = \"azure\"",
                "line 12, key `architectures[0].platform`: unknown variant `azure`, expected `lambda` or `cloud-run`",
            ),
        ],
    );
}

/// `check` prices a Cloud Run service by the instance-second, as it is
/// billed, not by Lambda's GB-second (which is zero there).
#[test]
fn check_prints_the_instance_second_price() {
    let dir = tempfile::tempdir().unwrap();
    for (billing, price) in [
        ("request", "$0.00002525/instance-s while serving"),
        ("instance", "$0.000019/instance-s"),
    ] {
        let text = format!(
            "{}[[architectures]]\nname = \"s\"\nkind = \"serverless\"\nplatform = \"cloud-run\"\n\
             billing = \"{billing}\"\n",
            header("1h")
        );
        std::fs::write(dir.path().join("s.toml"), text).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
            .args(["check", "s.toml"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let line = stdout.lines().find(|l| l.contains("per instance")).unwrap();
        assert!(line.ends_with(price), "{billing}: {line}");
        assert!(!line.contains("GB-s"), "{line}");
    }
}

/// Cloud Run at `max_instances` with no pending time and instant starts
/// is a loss system of max_instances × instance_concurrency servers: the
/// throttled fraction is Erlang B(c, λ·E[S]). λ = 50/s, E[S] = 0.2 s
/// (exponential), c = 10 as 10 × 1 and as 2 × 5: B(10, 10) = 0.2146. The
/// 0.2 s is a wait on I/O, so that five requests on one vCPU do not slow
/// each other (CPU work would: see the processor-sharing tests below).
#[test]
fn max_instances_without_pending_time_throttle_as_erlang_b() {
    use scalesim::results::queueing::erlang_b;
    let b = erlang_b(10, 10.0);
    for (max, per) in [(10, 1), (2, 5)] {
        let s = scenario(&format!(
            r#"
name = "cr-erlang-b"
duration = "12h"
warmup = "10m"
seed = 11
[demand]
shape = "constant"
rps = 50
[[services]]
name = "api"
work = "0s"
wait = {{ dist = "exponential", mean = "200ms" }}
[[architectures]]
name = "run"
kind = "serverless"
platform = "cloud-run"
cold_start = "0s"
keep_alive = "1h"
instance_concurrency = {per}
max_instances = {max}
pending_timeout = "0s"
"#
        ));
        let r = architectures::run_architecture(&s, &s.architectures[0], 0);
        let c = r.requests;
        let observed = c.throttled as f64 / c.arrived as f64;
        eprintln!("{max} × {per}: throttled {observed:.4}, Erlang B {b:.4}");
        assert!(c.arrived > 2_000_000);
        assert!(
            (observed - b).abs() < 0.002,
            "{max} × {per}: throttled {observed} vs Erlang B {b}"
        );
        assert_eq!(c.arrived, c.completed + c.throttled + c.in_flight);
        let KindResult::Serverless(d) = &r.details else {
            panic!("serverless");
        };
        assert_eq!(d.instances.peak, max as u64);
    }
}

/// One instance of one slot, requests every second from 0 for 10 s, each
/// 2.4 s of work, pending up to 1.5 s. By hand: #0 runs 0–2.4; #1 waits
/// from 1 to 2.4 and runs to 4.8; #2 and #3 wait 1.5 s and fail at 3.5
/// and 4.5; #4 runs 4.8–7.2; #5 fails at 6.5; #6 runs 7.2–9.6; #7 and #8
/// fail; #9 starts at 9.6 and is still running at 10 s. Latencies 2.4,
/// 3.8, 3.2 and 3.6 s; the instance serves without a break from 0 to the
/// end: 10 s × $0.00002525 + 5 request fees × $0.40/M = $0.0002545.
#[test]
fn a_request_at_max_instances_waits_its_pending_time_then_fails() {
    let s = scenario(
        r#"
name = "cr-pending"
duration = "10s"
window = "1s"
[demand]
shape = "constant"
rps = 1
arrivals = "uniform"
[[services]]
name = "api"
work = "2400ms"
[[architectures]]
name = "run"
kind = "serverless"
platform = "cloud-run"
cold_start = "0s"
instance_concurrency = 1
max_instances = 1
pending_timeout = "1500ms"
"#,
    );
    let r = architectures::run_architecture(&s, &s.architectures[0], 0);
    let c = r.requests;
    assert_eq!(
        (c.arrived, c.completed, c.throttled, c.in_flight),
        (10, 4, 5, 1)
    );
    assert!(
        (r.latency_ms.mean - 3250.0).abs() < 1e-6,
        "{}",
        r.latency_ms.mean
    );
    assert!(
        (r.latency_ms.max - 3800.0).abs() < 1e-6,
        "{}",
        r.latency_ms.max
    );
    assert_usd(r.cost.total_usd, 10.0 * 0.00002525 + 5.0 * 0.4e-6);
    let KindResult::Serverless(d) = &r.details else {
        panic!("serverless");
    };
    assert_eq!((d.instances.peak, d.throttled), (1, 5));
}

#[test]
fn max_instances_is_refused_where_it_does_not_apply() {
    let base = format!(
        "{}[[architectures]]\nname = \"s\"\nkind = \"serverless\"\n",
        header("1h")
    );
    assert_refused(
        &base,
        &[
            (
                "max_instances = 5",
                "line 12, key `architectures[0].max_instances`: `max_instances` is a Cloud Run setting (add platform = \"cloud-run\"); a Lambda function is capped by `reserved_concurrency`",
            ),
            (
                "[architectures.functions.api]\npending_timeout = \"10s\"",
                "line 13, key `architectures[0].functions.api.pending_timeout`: `pending_timeout` is a Cloud Run setting (add platform = \"cloud-run\"); a Lambda function is capped by `reserved_concurrency`",
            ),
            (
                "platform = \"cloud-run\"\nmax_instances = 0",
                "line 13, key `architectures[0].max_instances`: expected a whole number >= 1, found 0",
            ),
            (
                "platform = \"cloud-run\"\nbilling = \"instance\"\nmax_instances = 2\n[architectures.functions.api]\nprovisioned = 3",
                "key `architectures[0].functions.api.provisioned`: provisioned = 3 minimum instances exceed max_instances = 2",
            ),
        ],
    );
}

/// An async call to a service at its `max_instances` waits in the
/// service's queue without a deadline: nothing is throttled, the queued
/// work runs as the one slot frees (a request a second, `b` taking 2.4 s:
/// 4 of 10 requests done at 10 s, the other 6 still waiting or running).
#[test]
fn an_async_call_at_max_instances_waits_without_a_deadline() {
    let s = scenario(
        r#"
name = "cr-async"
duration = "10s"
window = "1s"
[demand]
shape = "constant"
rps = 1
arrivals = "uniform"
[[services]]
name = "a"
work = "10ms"
calls = [{ service = "b", mode = "async" }]
[[services]]
name = "b"
work = "2400ms"
[[architectures]]
name = "run"
kind = "serverless"
platform = "cloud-run"
cold_start = "0s"
[architectures.functions.b]
instance_concurrency = 1
max_instances = 1
pending_timeout = "1s"
"#,
    );
    let r = architectures::run_architecture(&s, &s.architectures[0], 0);
    let c = r.requests;
    assert_eq!(
        (c.arrived, c.completed, c.throttled, c.in_flight),
        (10, 4, 0, 6)
    );
    let KindResult::Serverless(d) = &r.details else {
        panic!("serverless");
    };
    assert_eq!(d.functions[1].instances.peak, 1);
    assert!(d.functions[1].async_throttled > 0);
}

/// `check` shows the cap and the pending time.
#[test]
fn check_prints_max_instances_and_the_pending_time() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}[[architectures]]\nname = \"s\"\nkind = \"serverless\"\nplatform = \"cloud-run\"\n\
         max_instances = 7\n",
        header("1h")
    );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["check", "s.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(", at most 7 instances (pending up to 1m), "),
        "{stdout}"
    );
}

/// One Cloud Run instance of 1 vCPU taking every request is M/M/1 under
/// processor sharing: 16 requests/s of exponential 50 ms work (ρ = 0.8)
/// take S / (1 − ρ) = 250 ms on average. Four seeds; the theory must lie
/// within four standard errors of their mean, the error under 3 %.
#[test]
fn one_instance_sharing_its_vcpu_is_m_m_1_ps() {
    let means: Vec<f64> = [21u64, 22, 23, 24]
        .iter()
        .map(|seed| {
            let s = scenario(&format!(
                r#"
name = "cr-ps"
duration = "18h"
warmup = "10m"
seed = {seed}
[demand]
shape = "constant"
rps = 16
[[services]]
name = "api"
work = {{ dist = "exponential", mean = "50ms" }}
[[architectures]]
name = "run"
kind = "serverless"
platform = "cloud-run"
cold_start = "0s"
keep_alive = "1h"
instance_concurrency = 1000
max_instances = 1
"#
            ));
            let r = architectures::run_architecture(&s, &s.architectures[0], 0);
            assert!(r.requests.completed > 1_000_000);
            assert_eq!(r.requests.throttled, 0);
            r.latency_ms.mean
        })
        .collect();
    let (m, se) = crate::common::mean_se(&means);
    eprintln!("Cloud Run M/M/1-PS: {m:.2} ± {se:.2} ms, theory 250 ms");
    assert!(se / 250.0 < 0.03, "{se}");
    assert!((m - 250.0).abs() <= 4.0 * se, "{m} ± {se}");
}

/// 180 requests/s of 50 ms CPU are 9 vCPUs of work. At Cloud Run's 80
/// requests per instance they no longer run on about one vCPU (as they
/// did when requests on one instance did not slow each other): the
/// instances up, and the instance time billed, hold at least the 9 vCPUs.
#[test]
fn eighty_requests_on_one_vcpu_still_need_the_cpu_seconds_of_their_work() {
    let s = scenario(
        r#"
name = "cr-80"
duration = "2h"
warmup = "10m"
seed = 3
[demand]
shape = "constant"
rps = 180
[[services]]
name = "api"
work = { dist = "exponential", mean = "50ms" }
[[architectures]]
name = "run"
kind = "serverless"
platform = "cloud-run"
vcpus = 1
memory = "512MB"
instance_concurrency = 80
cold_start = "400ms"
"#,
    );
    let r = architectures::run_architecture(&s, &s.architectures[0], 0);
    let KindResult::Serverless(d) = &r.details else {
        panic!("serverless");
    };
    assert!(d.instances.mean >= 9.0, "{} instances", d.instances.mean);
    // Request-based: billed while serving, at $0.00002525 an instance-second.
    let measured = 6_600.0;
    let fees = r.requests.completed as f64 * 0.4e-6;
    let instance_seconds = (r.cost.total_usd - fees) / 0.00002525;
    assert!(
        instance_seconds >= 9.0 * measured * 0.98,
        "{instance_seconds} instance-seconds for {} of CPU",
        9.0 * measured
    );
}

/// A Cloud Run service of one-vCPU instances under a constant Poisson
/// load, for two hours after ten minutes of warm-up, with `extra` keys.
fn autoscaled(rps: u32, work: &str, wait: &str, extra: &str) -> ArchitectureResult {
    let s = scenario(&format!(
        r#"
name = "cr-scale"
duration = "2h"
warmup = "10m"
seed = 5
[demand]
shape = "constant"
rps = {rps}
[[services]]
name = "api"
work = {work}
wait = {wait}
[[architectures]]
name = "run"
kind = "serverless"
platform = "cloud-run"
vcpus = 1
instance_concurrency = 80
cold_start = "400ms"
{extra}
"#
    ));
    let r = architectures::run_architecture(&s, &s.architectures[0], 0);
    let c = r.requests;
    assert_eq!(c.arrived, c.completed + c.errors() + c.in_flight);
    assert_eq!(c.errors(), 0);
    r
}

/// The mean instances the autoscaler kept in rotation (the instances up
/// also count those it let go, kept idle up to 15 minutes).
fn mean_instances(r: &ArchitectureResult) -> f64 {
    let KindResult::Serverless(d) = &r.details else {
        panic!("serverless");
    };
    let a = d.functions[0].autoscaler.as_ref().expect("Cloud Run");
    assert!(d.instances.mean >= a.in_rotation.mean);
    a.in_rotation.mean
}

/// The CPU driver: 180 requests/s of 50 ms CPU use 9 vCPUs, so the
/// autoscaler keeps ⌈9 / 0.6⌉ = 15 instances (16 when a minute's average
/// comes out above 9; its spread is about 1.4 %), ⌈9 / 0.9⌉ = 10 at a 90 %
/// target. Requests go to the least loaded instance, so the mean response
/// beats 15 separate M/M/1-PS queues at ρ = 0.6 (50 / 0.4 = 125 ms).
#[test]
fn the_cpu_driver_keeps_a_minute_of_cpu_at_its_target() {
    let work = r#"{ dist = "exponential", mean = "50ms" }"#;
    let r = autoscaled(180, work, "\"0s\"", "");
    let n = mean_instances(&r);
    eprintln!(
        "CPU driver at 60 %: {n:.2} instances, mean {:.1} ms, p99 {:.1} ms",
        r.latency_ms.mean, r.latency_ms.p99
    );
    assert!((15.0..15.6).contains(&n), "{n} instances");
    assert!(
        (50.0..125.0).contains(&r.latency_ms.mean),
        "{}",
        r.latency_ms.mean
    );
    let r = autoscaled(180, work, "\"0s\"", "cpu_target = 0.9");
    let n = mean_instances(&r);
    eprintln!(
        "CPU driver at 90 %: {n:.2} instances, mean {:.1} ms",
        r.latency_ms.mean
    );
    assert!((10.0..10.6).contains(&n), "{n} instances");
}

/// The concurrency driver: 100 requests/s that wait 1 s on I/O (and use
/// 1 ms of CPU) keep 100 in progress (M/G/∞), so the autoscaler keeps
/// ⌈100 / (80 × 0.6)⌉ = 3 instances, ⌈100 / (80 × 0.95)⌉ = 2 at a 95 %
/// target; the CPU driver (0.1 vCPU) asks for one.
#[test]
fn the_concurrency_driver_keeps_requests_in_progress_at_its_target() {
    let wait = r#"{ dist = "exponential", mean = "1s" }"#;
    for (extra, want) in [("", 3.0), ("concurrency_target = 0.95", 2.0)] {
        let r = autoscaled(100, "\"1ms\"", wait, extra);
        let n = mean_instances(&r);
        eprintln!("concurrency driver `{extra}`: {n:.3} instances");
        assert!((want - 0.02..want + 0.1).contains(&n), "{n} for {want}");
    }
}

#[test]
fn autoscaling_targets_are_checked() {
    let base = format!(
        "{}[[architectures]]\nname = \"s\"\nkind = \"serverless\"\n",
        header("1h")
    );
    assert_refused(
        &base,
        &[
            (
                "platform = \"cloud-run\"\ncpu_target = 0.95",
                "line 13, key `architectures[0].cpu_target`: expected 0 (off) or a utilisation between 0.1 and 0.9, found 0.95 (Cloud Run's `cpu_target` allows 10-90 %)",
            ),
            (
                "platform = \"cloud-run\"\ncpu_target = 0\n[architectures.functions.api]\nconcurrency_target = 0",
                "line 15, key `architectures[0].functions.api.concurrency_target`: `cpu_target` and `concurrency_target` cannot both be 0: Cloud Run scales on at least one",
            ),
            (
                "concurrency_target = 0.5",
                "line 12, key `architectures[0].concurrency_target`: `concurrency_target` is a Cloud Run setting (add platform = \"cloud-run\"); a Lambda function starts an environment for each invocation that finds none free",
            ),
        ],
    );
}

/// A Cloud Run instance of 512 MB whose service takes 256 MB of base and
/// 100 MB a request holds ⌊256 / 100⌋ = 2 requests, not 80.
#[test]
fn an_instance_takes_no_more_requests_than_its_memory_holds() {
    let s = scenario(
        r#"
name = "cr-memory"
duration = "1h"
[demand]
shape = "constant"
rps = 1
[[services]]
name = "api"
work = "50ms"
request_memory = "100MB"
base_memory = "256MB"
[[architectures]]
name = "run"
kind = "serverless"
platform = "cloud-run"
memory = "512MB"
"#,
    );
    let scalesim::scenario::ArchitectureSpec::Serverless(spec) = &s.architectures[0].spec else {
        panic!("serverless");
    };
    assert_eq!(spec.functions[0].instance_concurrency, 2);
}
