//! Servers as they really run, against queueing theory: requests that
//! share a server's vCPUs (processor sharing, when `concurrency` is above
//! the vCPUs) and waits on I/O that hold a request's place but no CPU.
//!
//! Each check runs several seeds of about a million measured requests;
//! the seeds' spread gives the standard error, the theory must lie within
//! four of them, and the standard error must be a small share of the
//! theory, so that a real bug (a rate a few percent off, a wait counted as
//! CPU) cannot hide in a wide interval.

use crate::common::{mean_se, scenario};
use scalesim::architectures::run_architecture;
use scalesim::results::queueing::MMc;
use scalesim::results::summary::ArchitectureResult;

const SEEDS: [u64; 4] = [11, 12, 13, 14];

/// A one-service scenario of `rps` Poisson arrivals with `work` (and
/// `wait`) on `servers` servers of `vcpus` taking `concurrency` requests.
fn fleet(rps: f64, work: &str, wait: Option<&str>, shape: Shape, seed: u64) -> String {
    let wait = wait.map_or(String::new(), |w| format!("wait = {w}\n"));
    format!(
        r#"
name = "sharing"
duration = "{secs}s"
warmup = "5m"
seed = {seed}
window = "1m"
[demand]
shape = "constant"
rps = {rps}
[[services]]
name = "api"
work = {work}
{wait}
[[architectures]]
name = "fleet"
kind = "fleet"
servers = {servers}
concurrency = {concurrency}
instance = {{ vcpus = {vcpus}, memory = "2GB", price_per_hour = 0.05 }}
"#,
        secs = 300 + (1_000_000.0 / rps).round() as u64,
        servers = shape.servers,
        concurrency = shape.concurrency,
        vcpus = shape.vcpus,
    )
}

#[derive(Clone, Copy)]
struct Shape {
    servers: u32,
    vcpus: u32,
    concurrency: u32,
}

/// One server of `vcpus`, as many requests at once as arrive.
const fn unlimited(vcpus: u32) -> Shape {
    Shape {
        servers: 1,
        vcpus,
        concurrency: 100_000,
    }
}

fn runs(text: impl Fn(u64) -> String) -> Vec<ArchitectureResult> {
    SEEDS
        .iter()
        .map(|&seed| {
            let s = scenario(&text(seed));
            let r = run_architecture(&s, &s.architectures[0], 0);
            assert!(r.requests.completed > 900_000, "{}", r.requests.completed);
            assert_eq!(
                r.requests.arrived,
                r.requests.completed + r.requests.in_flight,
                "every request is completed or still in flight"
            );
            r
        })
        .collect()
}

/// Asserts that `theory` lies within 4 standard errors of the seeds' mean
/// of `what`, and that the standard error is under `max_rel_se` of it.
fn assert_theory(
    label: &str,
    rs: &[ArchitectureResult],
    what: impl Fn(&ArchitectureResult) -> f64,
    theory: f64,
    max_rel_se: f64,
) {
    let xs: Vec<f64> = rs.iter().map(what).collect();
    let (m, se) = mean_se(&xs);
    eprintln!(
        "{label}: simulated {m:.5} ± {se:.5}, theory {theory:.5} ({:+.2}%)",
        (m / theory - 1.0) * 100.0
    );
    assert!(se / theory < max_rel_se, "{label}: se {se} too wide");
    assert!(
        (m - theory).abs() <= 4.0 * se,
        "{label}: {m} ± {se} is more than 4 standard errors from {theory}"
    );
}

fn mean_response_s(r: &ArchitectureResult) -> f64 {
    r.latency_ms.mean / 1e3
}

#[test]
fn mm1_ps_mean_response_is_s_over_one_minus_rho() {
    // S = 10 ms at 80 requests/s: ρ = 0.8, E[T] = S / (1 − ρ) = 50 ms.
    let work = r#"{ dist = "exponential", mean = "10ms" }"#;
    let rs = runs(|seed| fleet(80.0, work, None, unlimited(1), seed));
    assert_theory("M/M/1-PS E[T]", &rs, mean_response_s, 0.050, 0.03);
    assert_theory("utilisation", &rs, |r| r.utilization, 0.8, 0.01);
    // Little's law on the same runs: L = λ E[T].
    assert_theory("M/M/1-PS L", &rs, |r| r.mean_in_system, 4.0, 0.03);
}

#[test]
fn mg1_ps_mean_response_is_insensitive_to_the_work_distribution() {
    // Deterministic and lognormal work of the same 10 ms mean give the same
    // E[T] = 50 ms under processor sharing, where FCFS would give M/D/1's
    // 30 ms for the deterministic one (checked below, so that the test
    // fails if the shared path silently falls back to one job per vCPU).
    let det = runs(|seed| fleet(80.0, r#""10ms""#, None, unlimited(1), seed));
    assert_theory("M/D/1-PS E[T]", &det, mean_response_s, 0.050, 0.03);
    // Lognormal with median 8 ms: mean 8 exp(σ²/2) with σ from p99 = 30 ms.
    let sigma = (30.0f64 / 8.0).ln() / 2.326_347_874_040_841;
    let mean = 0.008 * (sigma * sigma / 2.0).exp();
    let rps = 0.8 / mean;
    let logn = r#"{ dist = "lognormal", median = "8ms", p99 = "30ms" }"#;
    let rs = runs(|seed| fleet(rps, logn, None, unlimited(1), seed));
    assert_theory("M/LN/1-PS E[T]", &rs, mean_response_s, mean / 0.2, 0.03);

    let fcfs = Shape {
        servers: 1,
        vcpus: 1,
        concurrency: 1,
    };
    let rs = runs(|seed| fleet(80.0, r#""10ms""#, None, fcfs, seed));
    // M/D/1: E[T] = S + ρ S / (2 (1 − ρ)) = 10 + 20 = 30 ms.
    assert_theory("M/D/1 FCFS E[T]", &rs, mean_response_s, 0.030, 0.03);
}

#[test]
fn c_vcpus_with_unlimited_concurrency_hold_mm_c_in_system() {
    // Exponential work on one server of 4 vCPUs taking every request: the
    // number in system is a birth–death chain with death rate min(n, 4) µ,
    // exactly M/M/4's; its mean L = Lq + λ/µ from Erlang C.
    let m = MMc::new(320.0, 100.0, 4);
    let l = m.lambda * m.mean_response();
    let work = r#"{ dist = "exponential", mean = "10ms" }"#;
    let rs = runs(|seed| fleet(320.0, work, None, unlimited(4), seed));
    assert_theory("M/M/4 L", &rs, |r| r.mean_in_system, l, 0.03);
    assert_theory("utilisation", &rs, |r| r.utilization, 0.8, 0.01);
}

#[test]
fn waits_alone_are_an_infinite_server_queue() {
    // No CPU work and ample places: every request is in progress for its
    // wait alone (M/G/∞), so L = λ E[wait] and E[T] = E[wait], and the
    // servers' CPUs stay idle.
    let sigma = 6.0f64.ln() / 2.326_347_874_040_841;
    let mean = 0.1 * (sigma * sigma / 2.0).exp();
    let wait = r#"{ dist = "lognormal", median = "100ms", p99 = "600ms" }"#;
    let shape = Shape {
        servers: 2,
        vcpus: 1,
        concurrency: 500,
    };
    let rs = runs(|seed| fleet(200.0, r#""0ms""#, Some(wait), shape, seed));
    assert_theory("M/G/∞ L", &rs, |r| r.mean_in_system, 200.0 * mean, 0.01);
    assert_theory("M/G/∞ E[T]", &rs, mean_response_s, mean, 0.01);
    assert!(rs.iter().all(|r| r.utilization == 0.0));
}

#[test]
fn work_then_wait_adds_the_wait_to_processor_sharing() {
    // With unlimited places the CPU sees Poisson arrivals of the work
    // whatever the waits after it: E[T] = S / (1 − ρ) + E[wait], and the
    // utilisation is the work's alone (a wait counted as CPU would show
    // here as 0.8 + 200 × 0.1 = 20.8 vCPUs' worth).
    let work = r#"{ dist = "exponential", mean = "10ms" }"#;
    let wait = r#"{ dist = "exponential", mean = "100ms" }"#;
    let rs = runs(|seed| fleet(80.0, work, Some(wait), unlimited(1), seed));
    assert_theory("PS + wait E[T]", &rs, mean_response_s, 0.150, 0.03);
    assert_theory("utilisation", &rs, |r| r.utilization, 0.8, 0.01);
}

#[test]
fn the_stepping_path_at_one_request_per_vcpu_is_fcfs_m_m_c() {
    // A wait of zero puts the fleet on the stepping path without changing
    // what it serves: one request per vCPU, FCFS, must still give M/M/4's
    // mean response and mean wait in queue, as the slot path does.
    let m = MMc::new(320.0, 100.0, 4);
    let shape = Shape {
        servers: 1,
        vcpus: 4,
        concurrency: 4,
    };
    let work = r#"{ dist = "exponential", mean = "10ms" }"#;
    let rs = runs(|seed| fleet(320.0, work, Some(r#""0ms""#), shape, seed));
    assert_theory("M/M/4 E[T]", &rs, mean_response_s, m.mean_response(), 0.03);
    assert_theory(
        "M/M/4 E[W]",
        &rs,
        |r| r.wait_ms.mean / 1e3,
        m.mean_wait(),
        0.05,
    );
}

#[test]
fn lambda_bills_the_wait_and_no_memory_shortens_it() {
    // 100 ms of work then 200 ms of wait at 1,769 MB (one full vCPU: the
    // work is not slowed): each invocation is billed 300 ms × 1.7275 GB,
    // at $0.0000166667 per GB-second, and 200 ms × 1.7275 GB of it is
    // waiting. A 1 ms cold start and the invocations still running at the
    // end are all that may add to that.
    let text = |memory: &str, wait: &str| {
        format!(
            r#"
name = "lambda-wait"
duration = "1h"
warmup = "5m"
seed = 3
[demand]
shape = "constant"
rps = 20.0
[[services]]
name = "api"
work = "100ms"
{wait}
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "{memory}"
cold_start = "1ms"
"#
        )
    };
    let r = crate::common::run_first(&text("1769MB", r#"wait = "200ms""#));
    let f = &r.serverless().unwrap().functions[0];
    let gb = 1769.0 / 1024.0;
    let n = f.billed_invocations as f64;
    let slack = (r.requests.in_flight + f.cold_starts) as f64;
    assert!(n > 60_000.0, "{n}");
    let per = f.billed_gb_seconds / n;
    assert!(
        (f.billed_gb_seconds - n * 0.3 * gb).abs() <= slack * 0.301 * gb,
        "billed {} GB-s for {n} invocations: {per} each, not 0.3 × {gb}",
        f.billed_gb_seconds
    );
    let compute = r.cost.breakdown.compute_usd;
    assert!((compute / (f.billed_gb_seconds * 1.66667e-5) - 1.0).abs() < 1e-9);
    let waiting = f.waiting_gb_seconds;
    assert!(
        waiting <= n * 0.2 * gb + 1e-6 && waiting >= (n - slack) * 0.2 * gb - 1e-6,
        "waiting {waiting} GB-s"
    );
    assert!(
        (r.latency_ms.mean - 300.0).abs() < 0.01,
        "{}",
        r.latency_ms.mean
    );

    // At a quarter of a vCPU's memory the work is slowed, the wait not:
    // the latency with the wait is the latency without it plus 200 ms.
    let slow = crate::common::run_first(&text("442MB", r#"wait = "200ms""#));
    let no_wait = crate::common::run_first(&text("442MB", ""));
    assert!(
        no_wait.latency_ms.mean > 390.0,
        "{}",
        no_wait.latency_ms.mean
    );
    let added = slow.latency_ms.mean - no_wait.latency_ms.mean;
    assert!((added - 200.0).abs() < 0.01, "the wait added {added} ms");
    let f = &no_wait.serverless().unwrap().functions[0];
    assert_eq!(f.waiting_gb_seconds, 0.0);
}

#[test]
fn an_autoscaler_on_cpu_reads_cpu_not_requests_waiting_on_io() {
    // 100 requests/s of 10 ms CPU and 290 ms of wait keep one vCPU busy
    // and 30 requests in progress. On one-vCPU servers taking 64 requests
    // each, a CPU target of 0.5 needs about 2 servers; had the waits
    // counted as CPU, 30 / 0.5 = 60 would be launched.
    let text = r#"
name = "io-bound"
duration = "2h"
warmup = "20m"
seed = 5
[demand]
shape = "constant"
rps = 100.0
[[services]]
name = "api"
work = { dist = "exponential", mean = "10ms" }
wait = "290ms"
[[architectures]]
name = "asg"
kind = "autoscaled"
instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 }
concurrency = 64
min = 1
max = 100
policy = { metric = "cpu", target = 0.5 }
"#;
    let r = crate::common::run_first(text);
    let servers = r.autoscaled().unwrap().server_stats.mean;
    assert!((1.8..3.5).contains(&servers), "mean servers {servers}");
    // Utilisation is busy vCPUs over the vCPUs up: about 1 / servers.
    assert!(
        (r.utilization * servers - 1.0).abs() < 0.1,
        "utilisation {} on {servers} servers",
        r.utilization
    );
    // Little: 100 requests/s × (10 ms + 290 ms + sharing) in progress.
    assert!(
        (r.latency_ms.mean - 300.0).abs() < 15.0,
        "{}",
        r.latency_ms.mean
    );
}

#[test]
fn timeouts_on_shared_cpus_free_their_share_and_lose_no_request() {
    // An overloaded server sharing one vCPU among 100 requests: most time
    // out, and every arrival is completed, timed out or still in flight;
    // the CPU keeps working on the survivors (utilisation near 1).
    let text = r#"
name = "overload"
duration = "30m"
warmup = "1m"
seed = 9
[demand]
shape = "constant"
rps = 120.0
[[services]]
name = "api"
work = { dist = "exponential", mean = "10ms" }
wait = { dist = "exponential", mean = "50ms" }
[[architectures]]
name = "fleet"
kind = "fleet"
servers = 1
concurrency = 100
timeout = "2s"
instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 }
"#;
    let r = crate::common::run_first(text);
    let q = &r.requests;
    assert!(q.timed_out > 10_000, "{q:?}");
    assert!(q.completed > 100_000, "{q:?}");
    assert_eq!(
        q.arrived,
        q.completed + q.timed_out + q.rejected + q.in_flight
    );
    assert!(r.utilization > 0.95, "{}", r.utilization);
    assert!(r.latency_ms.max <= 2000.0 + 1e-6, "{}", r.latency_ms.max);
}

#[test]
fn concurrency_and_wait_are_checked_with_file_line_and_key() {
    let base = r#"name = "x"
duration = "1h"
[demand]
shape = "constant"
rps = 5.0
[[services]]
name = "api"
work = "5ms"
[[architectures]]
name = "f"
kind = "fleet"
servers = 2
instance = { vcpus = 2, memory = "4GB", price_per_hour = 0.1 }
concurrency = 8
"#;
    crate::common::assert_bad_input(
        base,
        &[
            (
                "concurrency = 8",
                "concurrency = 0",
                "line 14, key `architectures[0].concurrency`: expected the requests a server works on at once, between 1 and 100000, found 0",
            ),
            (
                "concurrency = 8",
                "concurrency = 100001",
                "line 14, key `architectures[0].concurrency`: expected the requests a server works on at once, between 1 and 100000, found 100001",
            ),
            (
                "work = \"5ms\"",
                "work = \"5ms\"\nwait = \"-1ms\"",
                "line 9, key `services[0].wait`: expected a duration such as \"50ms\" or \"2h\" (units ns, us, ms, s, m, h, d), found \"-1ms\"",
            ),
            (
                "kind = \"fleet\"\nservers = 2\ninstance = { vcpus = 2, memory = \"4GB\", price_per_hour = 0.1 }\nconcurrency = 8\n",
                "kind = \"microservices\"\nservers = 2\ninstance = { vcpus = 2, memory = \"4GB\", price_per_hour = 0.1 }\nconcurrency = 8\n[architectures.services.api]\nconcurrency = 0\n",
                "line 16, key `architectures[0].services.api.concurrency`: expected the requests a server works on at once, between 1 and 100000, found 0",
            ),
        ],
    );
}

#[test]
fn a_faster_vcpu_divides_the_work() {
    // 20 ms of exponential work on a vCPU twice as fast is M/M/1 of 10 ms:
    // at 80 requests/s E[T] = 10 / (1 − 0.8) = 50 ms, utilisation 0.8, on
    // the default path and under processor sharing alike.
    let work = r#"{ dist = "exponential", mean = "20ms" }"#;
    for concurrency in [1, 100_000] {
        let shape = Shape {
            servers: 1,
            vcpus: 1,
            concurrency,
        };
        let rs = runs(|seed| {
            fleet(80.0, work, None, shape, seed).replace(
                "price_per_hour = 0.05 }",
                "price_per_hour = 0.05, speed = 2.0 }",
            )
        });
        assert_theory("speed 2 E[T]", &rs, mean_response_s, 0.050, 0.03);
        assert_theory("speed 2 utilisation", &rs, |r| r.utilization, 0.8, 0.01);
    }
    // The architecture's `speed` wins over the instance's.
    let text = fleet(80.0, work, None, unlimited(1), 1)
        .replace("concurrency = 100000", "concurrency = 100000\nspeed = 4.0");
    let r = crate::common::run_first(&text);
    assert!((r.utilization - 0.4).abs() < 0.01, "{}", r.utilization);
    crate::common::assert_parse_error(
        &text.replace("speed = 4.0", "speed = 0.0"),
        "line 19, key `architectures[0].speed`: expected a speed between 0.01 and 100 (1.0: the CPU `work` is measured on), found 0",
    );
}

#[test]
fn the_estimate_counts_the_stepping_path_as_slower() {
    // The same fleet with and without a wait: the estimate, which must
    // err long, counts each invocation on the stepping path 2.5 times.
    let work = r#""10ms""#;
    let plain = scenario(
        &fleet(80.0, work, None, unlimited(1), 1)
            .replace("concurrency = 100000", "concurrency = 1"),
    );
    let waits = scenario(
        &fleet(80.0, work, Some(r#""5ms""#), unlimited(1), 1)
            .replace("concurrency = 100000", "concurrency = 1"),
    );
    let (a, b) = (plain.estimate(1), waits.estimate(1));
    assert_eq!(a.works(), b.works());
    assert_eq!((a.works_weight, b.works_weight), (1.0, 2.5));
    assert!((b.wall_seconds / a.wall_seconds - 2.5).abs() < 1e-12);
}

/// Two services on microservices, each on one one-vCPU server taking
/// every request at once: `front` (exponential 10 ms of CPU) calls `back`
/// (exponential 40 ms) synchronously, at 16 requests/s. A processor-
/// sharing node with exponential work is quasi-reversible, so the network
/// has product form (Kelly): E[T] = 10/(1 − 0.16) + 40/(1 − 0.64) =
/// 11.905 + 111.111 = 123.016 ms. `front` holds its place but no CPU
/// while it waits for `back`; were the wait on its CPU, its vCPU would be
/// busy 0.16 + 0.64 × 1.0… and the front node far slower.
fn micro_ps(seed: u64) -> String {
    format!(
        r#"
name = "micro-ps"
duration = "{secs}s"
warmup = "5m"
seed = {seed}
window = "1m"
[demand]
shape = "constant"
rps = 16
[[services]]
name = "front"
work = {{ dist = "exponential", mean = "10ms" }}
calls = [{{ service = "back", mode = "sync" }}]
[[services]]
name = "back"
work = {{ dist = "exponential", mean = "40ms" }}
[[architectures]]
name = "micro"
kind = "microservices"
hop_latency = "0s"
servers = 1
concurrency = 100000
instance = {{ vcpus = 1, memory = "2GB", price_per_hour = 0.05 }}
"#,
        secs = 300 + 1_000_000 / 16,
    )
}

#[test]
fn microservices_of_shared_cpus_are_a_product_form_network() {
    let rs = runs(micro_ps);
    assert_theory(
        "Kelly PS network E[T]",
        &rs,
        mean_response_s,
        0.123_016,
        0.03,
    );
    // Busy vCPUs: 0.16 + 0.64 of two; the front's wait for its callee
    // holds no CPU.
    assert_theory("utilisation", &rs, |r| r.utilization, 0.80 / 2.0, 0.01);
}

/// The same services on spot servers that are interrupted: invocations
/// whose work was on a lost server's CPU fail with it, and every request
/// is completed, failed or in flight.
#[test]
fn a_lost_server_takes_its_shared_cpu_work_with_it() {
    let text = micro_ps(3).replace(
        "price_per_hour = 0.05 }\n",
        "price_per_hour = 0.05 }\nmarket = \"spot\"\nspot = { price_per_hour = 0.02, mean_time_between_interruptions = \"1h\", interrupted_work = \"lose\", boot_time = \"10s\" }\n",
    );
    let s = scenario(&text.replace("duration = \"62800s\"", "duration = \"12h\""));
    let r = run_architecture(&s, &s.architectures[0], 0);
    let c = r.requests;
    assert!(c.interrupted > 20, "{} interrupted", c.interrupted);
    assert_eq!(c.arrived, c.completed + c.errors() + c.in_flight);
}

/// Memory as a capacity: a server of 4 GB whose service takes 1 GB of
/// base and 100 MB a request holds ⌊3072 / 100⌋ = 30 requests, whatever
/// `concurrency` asks (64). Requests that only wait (exponential 1 s on
/// I/O, no CPU) then see an M/M/30 queue at 25 requests/s: Erlang C's
/// mean response 1 s + W.
#[test]
fn a_server_takes_no_more_requests_than_its_memory_holds() {
    let text = |seed: u64| {
        format!(
            r#"
name = "memory"
duration = "{secs}s"
warmup = "5m"
seed = {seed}
[demand]
shape = "constant"
rps = 25
[[services]]
name = "api"
work = "0s"
wait = {{ dist = "exponential", mean = "1s" }}
request_memory = "100MB"
base_memory = "1GB"
[[architectures]]
name = "fleet"
kind = "fleet"
servers = 1
concurrency = 64
instance = {{ vcpus = 2, memory = "4GB", price_per_hour = 0.05 }}
"#,
            secs = 300 + 1_000_000 / 25,
        )
    };
    let s = scenario(&text(1));
    let scalesim::scenario::ArchitectureSpec::Fleet(f) = &s.architectures[0].spec else {
        panic!("a fleet");
    };
    assert_eq!((f.concurrency, f.memory_bound), (30, Some(64)));
    assert_eq!(
        scalesim::kinds::servers::describe::concurrency_note(f),
        ", 30 requests at once per server sharing its 2 vCPU (memory-bound: its 4096 MB hold 30, not the 64 asked)"
    );
    let rs = runs(text);
    let theory = MMc::new(25.0, 1.0, 30).mean_response();
    assert_theory("memory-bound M/M/30", &rs, mean_response_s, theory, 0.03);
}

#[test]
fn memory_that_cannot_hold_a_request_is_refused() {
    let base = r#"name = "x"
duration = "1h"
[demand]
shape = "constant"
rps = 5.0
[[services]]
name = "api"
work = "5ms"
request_memory = "100MB"
[[architectures]]
name = "f"
kind = "fleet"
servers = 2
instance = { vcpus = 2, memory = "4GB", price_per_hour = 0.1 }
"#;
    crate::common::assert_bad_input(
        base,
        &[
            (
                "request_memory = \"100MB\"",
                "request_memory = \"100MB\"\nbase_memory = \"4000MB\"",
                "line 15, key `architectures[0].instance`: a server of 4096 MB cannot hold one request: api takes 4000 MB of base memory and 100 MB per request",
            ),
            (
                "request_memory = \"100MB\"",
                "base_memory = \"1GB\"",
                "line 9, key `services[0].base_memory`: `base_memory` goes with `request_memory` (the memory of each request in progress)",
            ),
            (
                "request_memory = \"100MB\"",
                "request_memory = \"lots\"",
                "line 9, key `services[0].request_memory`: expected a memory size such as \"512MB\" or \"2GB\", found \"lots\"",
            ),
        ],
    );
}
