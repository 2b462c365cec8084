//! Engine throughput: simulated requests per second of wall time for one
//! architecture on one core.
//!
//! `cargo bench` runs them; the README's performance table quotes them.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scalesim::scenario::{self, Scenario};
use scalesim::sim;
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
            b.iter(|| black_box(sim::run_architecture(&s, &s.architectures[0], 0)))
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
        b.iter(|| black_box(sim::run_architecture(&s, &s.architectures[0], 0)))
    });
    g.finish();
}

criterion_group!(benches, fleet);
criterion_main!(benches);
