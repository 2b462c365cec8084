//! Autoscaled fleets: target tracking converges to the size theory
//! predicts and stays there; capacity arrives late (evaluation + boot) and
//! leaves late (stabilisation); scaling loses no request; billing is the
//! integral of launched servers with the per-server minimum.

use crate::common::{assert_refused, header, scenario};
use scalesim::architectures;
use scalesim::kinds::autoscaled::results::AutoscaledResult;
use scalesim::results::stats::WindowRow;
use scalesim::results::summary::ArchitectureResult;

use crate::common::run_first as run;

fn auto(r: &ArchitectureResult) -> &AutoscaledResult {
    r.autoscaled().expect("an autoscaled result")
}

fn steps_scenario(boot: &str) -> String {
    format!(
        r#"
name = "steps"
duration = "6h"
warmup = "30m"
seed = 4
window = "30s"
[demand]
shape = "steps"
steps = [{{ at = "0s", rps = 200 }}, {{ at = "2h", rps = 600 }}, {{ at = "4h", rps = 200 }}]
[[services]]
name = "api"
work = {{ dist = "exponential", mean = "50ms" }}
[[architectures]]
name = "asg"
kind = "autoscaled"
instance = "m5.large"
min = 2
max = 40
policy = {{ metric = "cpu", target = 0.6 }}
evaluation = "1m"
boot_time = "{boot}"
scale_out_cooldown = "1m"
scale_in_cooldown = "5m"
tolerance = 0.1
"#
    )
}

fn window_at(rows: &[WindowRow], t: f64) -> &WindowRow {
    rows.iter().find(|w| w.start_s == t).expect("a window")
}

/// 200 rps × 50 ms = 10 busy vCPUs; at 60 % of 2-vCPU servers the policy
/// should hold ceil(10 / 1.2) = 9 servers, and once there stop acting.
#[test]
fn constant_demand_converges_and_stops_acting() {
    let r = run(&steps_scenario("90s"));
    let settled: Vec<&WindowRow> = r
        .timeseries
        .iter()
        .filter(|w| w.start_s >= 1800.0 && w.start_s < 7200.0)
        .collect();
    assert!(
        settled.iter().all(|w| w.servers == 9.0),
        "{:?}",
        settled.iter().map(|w| w.servers).collect::<Vec<_>>()
    );
    // And again after the peak has passed and the fleet has scaled in.
    let after: Vec<&WindowRow> = r
        .timeseries
        .iter()
        .filter(|w| w.start_s >= 4.0 * 3600.0 + 900.0)
        .collect();
    assert!(after.iter().all(|w| w.servers == 9.0));
    // 600 rps: 30 vCPUs / 1.2 = 25, and 26 is within the 10 % tolerance.
    let peak: Vec<f64> = r
        .timeseries
        .iter()
        .filter(|w| w.start_s >= 2.0 * 3600.0 + 1800.0 && w.start_s < 4.0 * 3600.0)
        .map(|w| w.servers)
        .collect();
    assert!(
        peak.iter()
            .all(|&n| n == peak[0] && (25.0..=28.0).contains(&n)),
        "{peak:?}"
    );
    // Few actions in all: up at the start, out at the step (in a few
    // rounds while CPU is saturated), back in after each overshoot.
    // A sanity bound on the actions: out in a few rounds while CPU is
    // saturated at the step, back in after the overshoot.
    let a = auto(&r).scaling_actions;
    assert!(a.out <= 16 && a.r#in <= 6, "{a:?}");
}

/// A step up: nothing can serve before the next evaluation plus the boot
/// time, and latency spikes meanwhile. A step down: capacity stays for the
/// 5-minute stabilisation window, then leaves.
#[test]
fn capacity_arrives_and_leaves_late() {
    let r = run(&steps_scenario("90s"));
    let rows = &r.timeseries;
    let step = 7200.0;
    // Launched within the first evaluation after the step ...
    let first_launch = rows
        .iter()
        .find(|w| w.start_s >= step && w.servers > 9.0)
        .unwrap()
        .start_s;
    assert!(
        first_launch <= step + 60.0,
        "first launch in window {first_launch}"
    );
    // ... but booting for 90 s: nothing new serves in the first 2 minutes.
    for t in [step, step + 30.0, step + 60.0, step + 90.0] {
        let w = window_at(rows, t);
        assert!(
            w.servers - w.booting_servers <= 9.0 + 1e-9,
            "serving at {t}: {}",
            w.servers - w.booting_servers
        );
    }
    assert!(
        window_at(rows, step + 180.0).servers - window_at(rows, step + 180.0).booting_servers > 9.0
    );
    // Latency meanwhile: p99 in the first minutes far above the steady one.
    let before = window_at(rows, step - 60.0).p99_ms;
    let during = window_at(rows, step + 150.0).p99_ms;
    assert!(
        during > 10.0 * before,
        "p99 {before} ms before, {during} ms during the lag"
    );
    // The step down at 4 h: servers stay for the stabilisation window.
    let down = 4.0 * 3600.0;
    let high = window_at(rows, down - 60.0).servers;
    for t in [down, down + 60.0, down + 120.0, down + 180.0, down + 240.0] {
        assert_eq!(window_at(rows, t).servers, high, "at {t}");
    }
    assert!(
        window_at(rows, down + 420.0).servers <= 10.0,
        "{}",
        window_at(rows, down + 420.0).servers
    );
}

/// A flash crowd (10× for 15 minutes): with boot time 0 the autoscaled
/// fleet's p99 is far lower than with 120 s; the lag is the boot.
#[test]
fn the_lag_is_the_boot_time() {
    let with = |boot: &str| {
        run(&format!(
            r#"
name = "flash"
duration = "2h"
seed = 4
window = "1m"
[demand]
shape = "steps"
steps = [{{ at = "0s", rps = 100 }}, {{ at = "1h", rps = 1000 }}, {{ at = "75m", rps = 100 }}]
[[services]]
name = "api"
work = {{ dist = "exponential", mean = "50ms" }}
[[architectures]]
name = "asg"
kind = "autoscaled"
instance = "m5.large"
min = 2
max = 80
evaluation = "30s"
scale_out_cooldown = "0s"
boot_time = "{boot}"
"#
        ))
    };
    let (slow, fast) = (with("120s"), with("0s"));
    let (s, f) = (slow.latency_ms.p99, fast.latency_ms.p99);
    eprintln!("p99: boot 120 s {s:.0} ms, boot 0 s {f:.0} ms");
    assert!(s > 3.0 * f, "boot 120 s: {s} ms, boot 0: {f} ms");
    // Before the crowd both sit at the same size with the same latency.
    let before = |r: &ArchitectureResult| window_at(&r.timeseries, 3000.0).p99_ms;
    assert!((before(&slow) / before(&fast) - 1.0).abs() < 0.05);
}

/// Scale-in with busy servers drains them; timeouts and queue limits act;
/// every request is accounted for.
#[test]
fn scaling_loses_no_request() {
    let r = run(r#"
name = "churn"
duration = "3h"
seed = 9
window = "1m"
[demand]
shape = "steps"
steps = [{ at = "0s", rps = 50 }, { at = "20m", rps = 900 }, { at = "40m", rps = 30 }, { at = "1h", rps = 700 }, { at = "80m", rps = 10 }, { at = "2h", rps = 500 }]
[[services]]
name = "api"
work = { dist = "lognormal", median = "40ms", p99 = "2s" }
calls = [{ service = "tail", mode = "async" }]
[[services]]
name = "tail"
work = { dist = "exponential", mean = "30ms" }
[[architectures]]
name = "asg"
kind = "autoscaled"
instance = "c5.xlarge"
min = 1
max = 30
boot_time = { dist = "uniform", min = "20s", max = "60s" }
scale_in_cooldown = "2m"
queue_limit = 3000
timeout = "20s"
"#);
    let c = r.requests;
    let a = auto(&r);
    eprintln!("{c:?} {a:?}");
    assert!(a.scaling_actions.r#in >= 2 && a.scaling_actions.out >= 3);
    assert_eq!(
        c.arrived,
        c.completed + c.rejected + c.timed_out + c.in_flight
    );
    assert_eq!(
        r.timeseries.iter().map(|w| w.arrivals).sum::<u64>(),
        c.arrived
    );
}

/// Billing: 3 servers at $0.36/h ($0.0001/s) for 10 minutes of almost no
/// demand; the first evaluation (30 s) keeps 1 (the minimum) and stops two
/// idle servers after 30 s of life: each pays the 60 s minimum. Billed
/// 60 + 60 + 600 = 720 server-seconds = $0.072; the time series' running
/// cost, the integral of launched servers, is 30 + 30 + 600 = 660 s.
#[test]
fn cost_is_launched_server_time_with_the_minimum() {
    let r = run(r#"
name = "bill"
duration = "10m"
window = "1m"
[demand]
shape = "constant"
rps = 0.001
arrivals = "uniform"
[[services]]
name = "api"
work = "10ms"
[[architectures]]
name = "asg"
kind = "autoscaled"
instance = { vcpus = 2, memory = "4GB", price_per_hour = 0.36 }
min = 1
max = 3
initial = 3
evaluation = "30s"
scale_in_cooldown = "0s"
"#);
    let a = auto(&r);
    assert_eq!((a.scaling_actions.out, a.scaling_actions.r#in), (0, 1));
    assert!(
        (r.cost.total_usd - 0.072).abs() < 1e-12,
        "{}",
        r.cost.total_usd
    );
    assert!((a.server_hours - 720.0 / 3600.0).abs() < 1e-12);
    let last = r.timeseries.last().unwrap();
    assert!((last.cost_usd - 0.066).abs() < 1e-12, "{}", last.cost_usd);
    assert_eq!((a.server_stats.peak, a.server_stats.min), (3, 1));
    assert!((a.server_stats.mean - 660.0 / 600.0).abs() < 1e-12);
}

/// Scheduled minimums apply at their times of day, without waiting for an
/// evaluation: 5 servers from 01:00, back to the policy after 02:00.
#[test]
fn scheduled_minimums_apply_at_their_times() {
    let r = run(r#"
name = "scheduled"
duration = "3h"
window = "1m"
[demand]
shape = "constant"
rps = 1
[[services]]
name = "api"
work = "10ms"
[[architectures]]
name = "asg"
kind = "autoscaled"
instance = "m5.large"
min = 1
max = 10
evaluation = "5m"
boot_time = "0s"
scale_in_cooldown = "5m"
scheduled = [{ at = "01:00", min = 5 }, { at = "02:00", min = 1 }]
"#);
    let rows = &r.timeseries;
    assert_eq!(window_at(rows, 3540.0).servers, 1.0);
    assert_eq!(window_at(rows, 3600.0).servers, 5.0);
    assert_eq!(window_at(rows, 7140.0).servers, 5.0);
    assert_eq!(window_at(rows, 3.0 * 3600.0 - 60.0).servers, 1.0);
}

#[test]
fn bad_autoscaled_input_is_refused_with_the_exact_message() {
    let base = header("1h")
        + "[[architectures]]\nname = \"a\"\nkind = \"autoscaled\"\ninstance = \"m5.large\"\n";
    let cases: &[(&str, &str)] = &[
        (
            "min = 5\nmax = 2",
            "line 13, key `architectures[0].min`: expected min <= max, found min = 5, max = 2",
        ),
        (
            "max = 5\npolicy = { metric = \"cpu\", target = 1.5 }",
            "line 14, key `architectures[0].policy.target`: expected a cpu target in (0, 1], found 1.5",
        ),
        (
            "max = 5\npolicy = { metric = \"cpu\", target = 0.0 }",
            "line 14, key `architectures[0].policy.target`: expected a cpu target in (0, 1], found 0",
        ),
        (
            "min = 1",
            "line 11, key `architectures[0].max`: an autoscaled fleet needs `max`, the most servers it may run",
        ),
        (
            "max = 5\nservers = 3",
            "line 14, key `architectures[0].servers`: key `servers` does not apply to kind = \"autoscaled\"",
        ),
        (
            "max = 5\nscheduled = [{ at = \"25:00\", min = 2 }]",
            "line 14, key `architectures[0].scheduled[0].at`: expected a time of day \"HH:MM\", found \"25:00\"",
        ),
    ];
    assert_refused(&base, cases);
}

/// An autoscaling group pinned at min = max = 3 is a fixed fleet of 3: with
/// an overload and a timeout, the same requests complete, time out and
/// queue, with the same latencies, because a timed-out request frees its
/// slots at once on both (and the group never scales).
#[test]
fn a_pinned_group_times_out_like_a_fixed_fleet() {
    let summary = architectures::run(&scenario(
        r#"
name = "pinned"
duration = "20m"
seed = 9
[demand]
shape = "steps"
steps = [{ at = "0s", rps = 60 }, { at = "5m", rps = 200 }, { at = "10m", rps = 60 }]
[[services]]
name = "api"
work = { dist = "gamma", mean = "40ms", cv = 2.0 }
calls = [{ service = "db", mode = "async" }]
[[services]]
name = "db"
work = "5ms"
[[architectures]]
name = "fixed"
kind = "fleet"
servers = 3
instance = "m5.large"
timeout = "800ms"
[[architectures]]
name = "pinned"
kind = "autoscaled"
min = 3
max = 3
instance = "m5.large"
timeout = "800ms"
"#,
    ));
    let (fixed, pinned) = (&summary.architectures[0], &summary.architectures[1]);
    assert!(fixed.requests.timed_out > 1_000, "{:?}", fixed.requests);
    assert_eq!(fixed.requests, pinned.requests);
    assert_eq!(fixed.latency_ms, pinned.latency_ms);
    assert!((fixed.utilization - pinned.utilization).abs() < 1e-9);
    assert_eq!(auto(pinned).scaling_actions.out, 0);
}

/// Microservices: a sync call holds the caller's slot while the callee's
/// fleet serves it. One baker (10 ms) calls one oven (100 ms) with a 1 ms
/// hop, ten requests a second, one slot each. The baker is held 111 ms per
/// order, so order k waits 11k ms for it: latency 111 + 11k ms, and order k
/// ends at 111(k + 1) ms: orders 0–8 end within the second.
/// Two bakers remove the wait: every order takes 111 ms.
/// One baker (10 ms) calling one oven (100 ms) with `mode`, ten orders a
/// second for one second, one slot per server, `bakers` baker servers and
/// `extra` architecture keys.
fn bakery_micro(bakers: u32, mode: &str, extra: &str) -> ArchitectureResult {
    run(&format!(
        r#"
name = "bakery-micro"
duration = "1s"
[demand]
shape = "constant"
rps = 10
arrivals = "uniform"
[[services]]
name = "baker"
work = "10ms"
calls = [{{ service = "oven", mode = "{mode}" }}]
[[services]]
name = "oven"
work = "100ms"
[[architectures]]
name = "k8s"
kind = "microservices"
hop_latency = "1ms"
servers = 1
instance = {{ vcpus = 1, memory = "1GB", price_per_hour = 3.6 }}
{extra}
[architectures.services.baker]
servers = {bakers}
"#
    ))
}

#[test]
fn microservices_sync_calls_hold_the_callers_slot() {
    let with = |bakers: u32, mode: &str| bakery_micro(bakers, mode, "");
    let one = with(1, "sync");
    let c = one.requests;
    assert_eq!((c.arrived, c.completed, c.in_flight), (10, 9, 1));
    assert!(
        (one.latency_ms.mean - 155.0).abs() < 1e-6,
        "{}",
        one.latency_ms.mean
    );
    assert!((one.latency_ms.max - 199.0).abs() < 1e-6);
    let services = &one.microservices().unwrap().services;
    assert_eq!(
        services.iter().map(|s| s.servers).collect::<Vec<_>>(),
        [1, 1]
    );
    // 2 servers at $3.60/h for 1 s.
    assert!((one.cost.total_usd - 0.002).abs() < 1e-12);

    let two = with(2, "sync");
    assert_eq!(two.requests.completed, 9);
    assert!(
        (two.latency_ms.max - 111.0).abs() < 1e-6 && (two.latency_ms.mean - 111.0).abs() < 1e-6
    );

    // Async: the baker is free after 10 ms; the oven keeps pace (100 ms per
    // 100 ms), so every order also takes 111 ms with a single baker.
    let events = with(1, "async");
    assert!((events.latency_ms.max - 111.0).abs() < 1e-6);
}

/// The same bakery with an end-to-end `timeout` of 150 ms: order k would
/// take 111 + 11k ms, so orders 0–3 complete, 4–8 time out (their running
/// work still finishes, so the timing of the others is unchanged) and 9 is
/// still in flight at 1 s. With 5 ms every order times out during its
/// baker step, and the oven is never called.
#[test]
fn microservices_requests_time_out_end_to_end() {
    let r = bakery_micro(1, "sync", "timeout = \"150ms\"");
    let c = r.requests;
    assert_eq!(
        (c.arrived, c.completed, c.timed_out, c.in_flight),
        (10, 4, 5, 1)
    );
    assert!((r.latency_ms.max - 144.0).abs() < 1e-6);
    assert!((r.latency_ms.mean - 127.5).abs() < 1e-6);
    let r = bakery_micro(1, "sync", "timeout = \"5ms\"");
    assert_eq!((r.requests.completed, r.requests.timed_out), (0, 10));
    let services = &r.microservices().unwrap().services;
    assert!(services[0].utilization > 0.09, "the baker worked");
    assert_eq!(services[1].utilization, 0.0, "the oven was never called");
}

#[test]
fn bad_microservices_input_is_refused_with_the_exact_message() {
    let base = header("1h")
        + "[[architectures]]\nname = \"k\"\nkind = \"microservices\"\nservers = 2\ninstance = \"m5.large\"\n";
    let cases: &[(&str, &str)] = &[
        (
            "[architectures.services.db]\nservers = 1",
            "line 14, key `architectures[0].services.db`: unknown service \"db\"; the services are: api",
        ),
        (
            "[architectures.services.api]\nkind = \"serverless\"",
            "line 15, key `architectures[0].services.api.kind`: a service runs on kind = \"fleet\" or \"autoscaled\"",
        ),
        (
            "[architectures.services.api]\nkind = \"autoscaled\"\nmin = 3\nmax = 2",
            "line 16, key `architectures[0].services.api.min`: expected min <= max, found min = 3, max = 2",
        ),
        (
            "timeout = \"0s\"",
            "line 14, key `architectures[0].timeout`: expected a timeout > 0",
        ),
    ];
    assert_refused(&base, cases);
}
