//! The fleet model against queueing theory: M/M/c (Poisson arrivals,
//! exponential work, c one-vCPU servers, one FCFS queue) must reproduce
//! Erlang C. Each load level runs several independent seeds of more than
//! a million measured requests each; the seeds' spread gives the
//! confidence interval the theory must fall in, and the test also demands
//! that interval be narrow, so that a real bug (a service rate a few
//! percent off, a queue discipline error) cannot hide in it.

use crate::common::{MMc, mean_se, mmc_scenario};
use scalesim::architectures;

const SEEDS: [u64; 6] = [1, 2, 3, 4, 5, 6];

struct Observed {
    mean_wait: Vec<f64>,
    p_wait: Vec<f64>,
    mean_response: Vec<f64>,
    p99_response: Vec<f64>,
    utilization: Vec<f64>,
    requests: u64,
}

fn observe(m: MMc, hours: f64) -> Observed {
    let mut o = Observed {
        mean_wait: vec![],
        p_wait: vec![],
        mean_response: vec![],
        p99_response: vec![],
        utilization: vec![],
        requests: 0,
    };
    for seed in SEEDS {
        let s = mmc_scenario(m, hours, seed);
        let r = architectures::run_architecture(&s, &s.architectures[0], 0);
        assert!(
            r.requests.completed > 1_000_000,
            "{} requests",
            r.requests.completed
        );
        o.requests += r.requests.completed;
        o.mean_wait.push(r.wait_ms.mean / 1e3);
        o.p_wait.push(r.wait_ms.fraction_waited);
        o.mean_response.push(r.latency_ms.mean / 1e3);
        o.p99_response.push(r.latency_ms.p99 / 1e3);
        o.utilization.push(r.utilization);
    }
    o
}

/// Asserts that `theory` lies within `z` standard errors of the seeds'
/// mean, and that the standard error is below `max_rel_se` of the theory
/// (so the check has teeth).
fn assert_consistent(what: &str, xs: &[f64], theory: f64, max_rel_se: f64) {
    let (m, se) = mean_se(xs);
    let z = 4.0;
    eprintln!(
        "{what}: simulated {m:.6} ± {se:.6} (se), theory {theory:.6}, error {:+.2}%",
        (m / theory - 1.0) * 100.0
    );
    assert!(
        se / theory < max_rel_se,
        "{what}: standard error {se} too wide to test against {theory}"
    );
    assert!(
        (m - theory).abs() <= z * se,
        "{what}: simulated {m} ± {se} is more than {z} standard errors from theory {theory}"
    );
}

fn check(m: MMc, hours: f64) {
    let o = observe(m, hours);
    eprintln!(
        "M/M/{} at ρ = {:.2}: {} requests over {} seeds",
        m.servers,
        m.utilization(),
        o.requests,
        SEEDS.len()
    );
    assert_consistent("mean wait (s)", &o.mean_wait, m.mean_wait(), 0.03);
    assert_consistent("P(wait > 0)", &o.p_wait, m.p_wait(), 0.01);
    assert_consistent(
        "mean response (s)",
        &o.mean_response,
        m.mean_response(),
        0.01,
    );
    assert_consistent("utilization", &o.utilization, m.utilization(), 0.005);
    // The p99 is read from a histogram with ≤ 0.4 % bucket error; with
    // millions of samples per seed its sampling error is about as small.
    let (p99, _) = mean_se(&o.p99_response);
    let theory = m.response_quantile(0.99);
    eprintln!("p99 response: simulated {p99:.6}, theory {theory:.6}");
    assert!(
        (p99 / theory - 1.0).abs() < 0.02,
        "p99 response {p99} vs theory {theory}"
    );
}

/// The contract scenario's `fleet-10`: λ = 180/s, 50 ms, c = 10, ρ = 0.9.
#[test]
fn mmc_heavy_load_matches_erlang_c() {
    check(MMc::new(180.0, 20.0, 10), 1.6);
}

/// ρ = 0.7, where most requests do not wait at all.
#[test]
fn mmc_moderate_load_matches_erlang_c() {
    check(MMc::new(140.0, 20.0, 10), 2.05);
}

/// A single server: M/M/1 at ρ = 0.8, where P(wait > 0) = ρ.
#[test]
fn mm1_matches_theory() {
    check(MMc::new(160.0, 200.0, 1), 1.8);
}
