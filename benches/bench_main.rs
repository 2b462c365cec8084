//! Engine throughput: simulated requests per second of wall time for one
//! architecture on one core; and how replications scale with threads.
//!
//! `cargo bench` runs them; the README's performance table quotes them.
//! `cargo bench --bench bench_main -- replications` runs only the latter:
//! the ratio of its `jobs-2` to its `jobs-1` time is the speed-up of
//! `--jobs 2` (ideally 0.5; measure on an otherwise idle machine).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scalesim::architectures;
use scalesim::scenario::{self, Scenario};
use std::hint::black_box;
use std::path::Path;

/// An M/M/c fleet: λ requests/s of exponential work on `c` one-vCPU
/// servers at ρ = 0.9, for long enough to simulate `requests` requests.
fn mmc(lambda: f64, c: u32, requests: f64, calls: &str) -> Scenario {
    let secs = (requests / lambda).ceil() as u64;
    let mean_ms = 0.9 * c as f64 / lambda * 1000.0;
    let text = format!(
        r#"
name = "bench"
duration = "{secs}s"
seed = 1
[demand]
shape = "constant"
rps = {lambda}
[[services]]
name = "api"
work = {{ dist = "exponential", mean = "{mean_ms}ms" }}
{calls}
[[services]]
name = "db"
work = {{ dist = "exponential", mean = "1ms" }}
[[architectures]]
name = "fleet"
kind = "fleet"
servers = {c}
instance = {{ vcpus = 1, memory = "2GB", price_per_hour = 0.05 }}
"#
    );
    scenario::parse(&text, Path::new("bench.toml")).unwrap()
}

fn fleet(c: &mut Criterion) {
    const REQUESTS: f64 = 1.0e6;
    let mut g = c.benchmark_group("fleet");
    g.sample_size(10);
    g.throughput(Throughput::Elements(REQUESTS as u64));
    for (name, lambda, servers) in [
        ("mmc-10", 180.0, 10),
        ("mmc-100", 1800.0, 100),
        ("mm1", 90.0, 1),
    ] {
        let s = mmc(lambda, servers, REQUESTS, "");
        g.bench_function(name, |b| {
            b.iter(|| black_box(architectures::run_architecture(&s, &s.architectures[0], 0)))
        });
    }
    // A request with a sync call: two invocations per request.
    let s = mmc(
        180.0,
        10,
        REQUESTS,
        r#"calls = [{ service = "db", mode = "sync" }]"#,
    );
    g.bench_function("mmc-10-sync-call", |b| {
        b.iter(|| black_box(architectures::run_architecture(&s, &s.architectures[0], 0)))
    });
    g.finish();
}

/// Serverless: `lambda` requests/s with 100 ms of work keep about
/// lambda / 10 instances busy; `chain` functions called in sequence.
fn serverless_scenario(lambda: f64, invocations: f64, chain: usize, mode: &str) -> Scenario {
    let secs = (invocations / lambda / chain as f64).ceil() as u64;
    let mut services = String::new();
    for i in 0..chain {
        services += &format!(
            "[[services]]\nname = \"f{i}\"\nwork = {{ dist = \"exponential\", mean = \"100ms\" }}\n"
        );
        if i + 1 < chain {
            services += &format!(
                "calls = [{{ service = \"f{}\", mode = \"{mode}\" }}]\n",
                i + 1
            );
        }
    }
    let text = format!(
        r#"
name = "bench"
duration = "{secs}s"
seed = 1
[demand]
shape = "constant"
rps = {lambda}
{services}
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "1769MB"
concurrency_limit = 100000
scale_rate = {{ instances = 100000, per = "10s" }}
"#
    );
    scenario::parse(&text, Path::new("bench.toml")).unwrap()
}

fn serverless(c: &mut Criterion) {
    const INVOCATIONS: f64 = 1.0e6;
    let mut g = c.benchmark_group("serverless");
    g.sample_size(10);
    g.throughput(Throughput::Elements(INVOCATIONS as u64));
    for (name, lambda, chain, mode) in [
        ("2k-instances", 20_000.0, 1, "sync"),
        ("chain-3-async", 5_000.0, 3, "async"),
        ("chain-3-sync", 5_000.0, 3, "sync"),
    ] {
        let s = serverless_scenario(lambda, INVOCATIONS, chain, mode);
        g.bench_function(name, |b| {
            b.iter(|| black_box(architectures::run_architecture(&s, &s.architectures[0], 0)))
        });
    }
    g.finish();
}

/// 8 replications of the M/M/10 fleet (250 k requests each) on 1 and on 2
/// threads: the units are independent, so 2 threads should take about half
/// the time.
fn replications(c: &mut Criterion) {
    const REQUESTS: f64 = 2.5e5;
    const REPLICATIONS: u32 = 8;
    let s = mmc(180.0, 10, REQUESTS, "");
    let mut g = c.benchmark_group("replications");
    g.sample_size(10);
    g.throughput(Throughput::Elements(REQUESTS as u64 * REPLICATIONS as u64));
    for jobs in [1, 2] {
        let options = architectures::RunOptions {
            replications: REPLICATIONS,
            jobs: Some(jobs),
        };
        g.bench_function(format!("mmc-10-x8-jobs-{jobs}"), |b| {
            b.iter(|| black_box(architectures::run_with(&s, &options, &|| {})))
        });
    }
    g.finish();
}

criterion_group!(benches, fleet, serverless, replications);
criterion_main!(benches);
