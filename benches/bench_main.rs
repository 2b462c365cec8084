//! Engine throughput: simulated requests per second of wall time for one
//! architecture on one core; the whole of `scalesim run` (validation,
//! simulation, summary, report and charts) on the issue-19 cases; how
//! replications, independent runs and sweeps scale with threads; and a
//! sweep's overhead per point.
//!
//! `cargo bench` runs them; the README's performance table quotes them.
//! `cargo bench --bench bench_main -- replications` runs only the latter:
//! the ratio of its `jobs-2` to its `jobs-1` time is the speed-up of
//! `--jobs 2` (ideally 0.5; measure on an otherwise idle machine).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scalesim::architectures;
use scalesim::cli::ChartFormats;
use scalesim::report::{self, output};
use scalesim::scenario::{self, Scenario};
use std::hint::black_box;
use std::path::Path;

/// An M/M/c fleet: λ requests/s of exponential work on `c` one-vCPU
/// servers at ρ = 0.9, for long enough to simulate `requests` requests.
fn mmc(lambda: f64, c: u32, requests: f64, calls: &str) -> Scenario {
    let text = mmc_text(lambda, c, requests, calls);
    scenario::parse(&text, Path::new("bench.toml")).unwrap()
}

/// The scenario file of [`mmc`].
fn mmc_text(lambda: f64, c: u32, requests: f64, calls: &str) -> String {
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
    text
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

/// Servers as they really run: M/M/1 under processor sharing at ρ = 0.9
/// (one vCPU taking every request), and a fleet of 100 two-vCPU servers at
/// `concurrency = 64` whose requests do 10 ms of CPU then wait 100 ms on
/// I/O (ρ = 0.9 of the vCPUs); beside them `fleet/mm1`, the default path.
fn sharing(c: &mut Criterion) {
    const REQUESTS: f64 = 1.0e6;
    let mut g = c.benchmark_group("sharing");
    g.sample_size(10);
    g.throughput(Throughput::Elements(REQUESTS as u64));
    let mm1_ps = mmc_text(90.0, 1, REQUESTS, "")
        .replace("servers = 1\n", "servers = 1\nconcurrency = 100000\n");
    assert!(mm1_ps.contains("concurrency"), "the M/M/1 text changed");
    // 100 servers × 2 vCPUs at ρ = 0.9: 18,000 requests/s of 10 ms.
    let fleet = format!(
        r#"
name = "bench"
duration = "{secs}s"
seed = 1
[demand]
shape = "constant"
rps = 18000
[[services]]
name = "api"
work = {{ dist = "exponential", mean = "10ms" }}
wait = {{ dist = "exponential", mean = "100ms" }}
[[architectures]]
name = "fleet"
kind = "fleet"
servers = 100
concurrency = 64
instance = {{ vcpus = 2, memory = "4GB", price_per_hour = 0.1 }}
"#,
        secs = (REQUESTS / 18_000.0).ceil() as u64
    );
    for (name, text) in [("mm1-ps", mm1_ps), ("fleet-100-c64-waits", fleet)] {
        let s = scenario::parse(&text, Path::new("bench.toml")).unwrap();
        g.bench_function(name, |b| {
            b.iter(|| black_box(architectures::run_architecture(&s, &s.architectures[0], 0)))
        });
    }
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
    let s = mmc(180.0, 10, 2.5e5, "");
    on_1_and_2_threads(c, "replications", "mmc-10-x8", &s, 8, 2.5e5);
}

/// `runs` replications of `s` (of `requests` each) as one benchmark on 1
/// thread and one on 2, named `{group}/{name}-jobs-{1,2}`.
fn on_1_and_2_threads(
    c: &mut Criterion,
    group: &str,
    name: &str,
    s: &Scenario,
    runs: u32,
    requests: f64,
) {
    let mut g = c.benchmark_group(group);
    g.sample_size(10);
    g.throughput(Throughput::Elements(requests as u64 * runs as u64));
    for jobs in [1, 2] {
        let options = architectures::RunOptions {
            replications: runs,
            jobs: Some(jobs),
        };
        g.bench_function(format!("{name}-jobs-{jobs}"), |b| {
            b.iter(|| black_box(architectures::run_with(s, &options, &|| {})))
        });
    }
    g.finish();
}

/// A 16-point sweep of the M/M/10 fleet over `demand.scale` (0.5–1,
/// 62.5 k requests a point at scale 1) on 1 and on 2 threads, outputs
/// rendered (charts included) but not written; and the same sweep of a
/// scenario too short to simulate anything, whose time is the per-point
/// overhead outside the simulation (validation, summarising, charts).
fn sweep(c: &mut Criterion) {
    use scalesim::scenario::sweep::Vary;
    use scalesim::sweep::{figure, output, points, run};
    let vary = [Vary::parse("demand.scale=0.5..1 lin 16").unwrap()];
    let whole = |text: &str| {
        let p = points::points(text, Path::new("bench.toml"), None, &vary).unwrap();
        let r = run::run(&p, &vary, 1, &|| {});
        output::output_set(&r, figure::unit_of(&vary[0])).unwrap()
    };
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    let text = mmc_text(180.0, 10, 6.25e4, "");
    for jobs in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .unwrap();
        g.bench_function(format!("mmc-10-16-points-jobs-{jobs}"), |b| {
            b.iter(|| pool.install(|| black_box(whole(&text))))
        });
    }
    let empty = mmc_text(180.0, 10, 1.0, "");
    g.bench_function("16-points-overhead", |b| {
        b.iter(|| black_box(whole(&empty)))
    });
    g.finish();
}

/// What `scalesim run FILE` does once it has read `text`, in-process:
/// validate, simulate every architecture on all cores, summarise, and
/// render every output (charts in both formats) without writing them.
fn whole_run(text: &str) -> output::OutputSet {
    let s = scenario::parse(text, Path::new("bench.toml")).unwrap();
    let options = architectures::RunOptions {
        replications: s.replications,
        jobs: None,
    };
    let mut summary = architectures::run_with(&s, &options, &|| {});
    scalesim::analysis::decision::add_comparisons(&mut summary, s.slo.as_ref());
    let mut set = output::outputs(&summary).unwrap();
    report::add_outputs(&mut set, &s, &summary, ChartFormats::Both.formats()).unwrap();
    set
}

/// One function with sparse traffic: 10 requests/s of 200 ms, so about
/// two instances are busy and the rest go cold, for `invocations`.
fn sparse_serverless_text(invocations: f64) -> String {
    let secs = (invocations / 10.0).ceil() as u64;
    format!(
        r#"
name = "bench"
duration = "{secs}s"
seed = 1
[demand]
shape = "constant"
rps = 10
[[services]]
name = "f"
work = {{ dist = "exponential", mean = "200ms" }}
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "1769MB"
keep_alive = "1m"
"#
    )
}

/// The whole-process targets of issue 19 (requests per second of
/// `scalesim run`, charts included): M/M/100 at ρ = 0.9; one function
/// with sparse traffic; the bakery (4-function chains on five
/// architectures) at a tenth of its traffic.
fn process(c: &mut Criterion) {
    const REQUESTS: f64 = 1.0e6;
    let mut g = c.benchmark_group("process");
    g.sample_size(10);
    g.throughput(Throughput::Elements(REQUESTS as u64));
    let mmc100 = mmc_text(1800.0, 100, REQUESTS, "");
    g.bench_function("mmc-100", |b| b.iter(|| black_box(whole_run(&mmc100))));
    let sparse = sparse_serverless_text(REQUESTS);
    g.bench_function("serverless-sparse", |b| {
        b.iter(|| black_box(whole_run(&sparse)))
    });
    // 263,520 requests a day at a tenth of the traffic, on 6 architectures.
    let bakery = std::fs::read_to_string("scenarios/bakery.toml")
        .unwrap()
        .replace("peak_at = \"12:30\"", "peak_at = \"12:30\"\nscale = 0.1");
    g.throughput(Throughput::Elements(263_520 * 6));
    g.bench_function("bakery-tenth", |b| b.iter(|| black_box(whole_run(&bakery))));
    g.finish();
}

/// A Kubernetes cluster of 1,000 m5.large nodes holding 10,000 pods (ten
/// of 0.18 vCPU per node: 1.93 − 0.125 allocatable after the DaemonSets),
/// serving 200 k requests/s of 1 ms exponential work: the cluster layer
/// (placement, scans, node billing) must keep the path at least 1 M
/// requests/s. With the HPA: a day's diurnal demand on the bakery's
/// deployments, pods and nodes coming and going.
fn kubernetes(c: &mut Criterion) {
    const REQUESTS: f64 = 1.0e6;
    let mut g = c.benchmark_group("kubernetes");
    g.sample_size(10);
    g.throughput(Throughput::Elements(REQUESTS as u64));
    let text = format!(
        r#"
name = "bench"
duration = "{}s"
seed = 1
[demand]
shape = "constant"
rps = 200000
[[services]]
name = "api"
work = {{ dist = "exponential", mean = "1ms" }}
[[architectures]]
name = "eks"
kind = "kubernetes"
servers = 10000
requests = {{ cpu = 0.18, memory = "256MiB" }}
[architectures.cluster]
node_pools = [{{ instance = "m5.large", max = 1000 }}]
"#,
        REQUESTS / 200_000.0
    );
    let s = scenario::parse(&text, Path::new("bench.toml")).unwrap();
    g.bench_function("1000-nodes-10000-pods", |b| {
        b.iter(|| black_box(architectures::run_architecture(&s, &s.architectures[0], 0)))
    });
    // The bakery's EKS cluster alone: 2,635,200 requests of four
    // invocations, HPA and Cluster Autoscaler at work.
    let bakery = scenario::parse(
        &std::fs::read_to_string("scenarios/bakery.toml").unwrap(),
        Path::new("bakery.toml"),
    )
    .unwrap();
    let eks = bakery
        .architectures
        .iter()
        .find(|a| a.name == "eks")
        .expect("the bakery's cluster");
    g.throughput(Throughput::Elements(2_635_200));
    g.bench_function("bakery-eks-day", |b| {
        b.iter(|| black_box(architectures::run_architecture(&bakery, eks, 0)))
    });
    g.finish();
}

/// 16 independent runs (replications) of the M/M/100 fleet, 62.5 k
/// requests each, on 1 and on 2 threads: the target is ≥ 1.8× faster on
/// two cores.
fn independent_runs(c: &mut Criterion) {
    let s = mmc(1800.0, 100, 6.25e4, "");
    on_1_and_2_threads(c, "parallel", "mmc-100-x16", &s, 16, 6.25e4);
}

criterion_group!(
    benches,
    fleet,
    sharing,
    serverless,
    process,
    replications,
    independent_runs,
    sweep,
    kubernetes
);
criterion_main!(benches);
