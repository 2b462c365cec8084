//! The hybrid-histogram keep-alive policy (Shahrad et al., ATC'20) against
//! hand computation: a periodic function pre-warmed just in time, Poisson
//! arrivals falling back to the fixed keep-alive, billing of pre-warmed
//! idle time, and its errors.

use crate::common::assert_parse_error;
use crate::serverless::run;
use scalesim::results::summary::ArchitectureResult;

/// One function of 100 ms at 2 GB, cold start 1 s, with these arrivals
/// and this `keep_alive` (a TOML value).
fn one_function(
    demand: &str,
    duration: &str,
    warmup: &str,
    keep_alive: &str,
) -> ArchitectureResult {
    let r = run(&format!(
        r#"
name = "k"
duration = "{duration}"
warmup = "{warmup}"
[demand]
shape = "constant"
{demand}
[[services]]
name = "f"
work = "100ms"
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "2048MB"
cold_start = "1s"
keep_alive = {keep_alive}
"#
    ));
    let q = &r.requests;
    assert_eq!(
        q.arrived,
        q.completed + q.errors() + q.in_flight,
        "conservation"
    );
    r
}

const EVERY_30_MIN: &str = "rps = 0.000555555555555556\narrivals = \"uniform\"";

/// Every 30 minutes exactly: each idle time is 30 min − 100 ms, in bin 29
/// of 240 one-minute bins, so (after the 10 samples it needs, 5 h) the
/// head and the tail are both bin 29: pre-warm at 29 min × 0.9 = 1566 s
/// after the work ends, keep until 30 min × 1.1 = 1980 s. The pre-warmed
/// instance waits 1799.9 − 1566 = 233.9 s for each invocation: no cold
/// start after the warm-up, and 233.9 s × 2 GB idle per gap instead of
/// the 600 s of a fixed 10-minute keep-alive, which misses every one.
#[test]
fn a_periodic_function_is_prewarmed_just_in_time() {
    let hybrid = one_function(
        EVERY_30_MIN,
        "48h",
        "12h",
        r#"{ policy = "hybrid-histogram" }"#,
    );
    let fixed = one_function(EVERY_30_MIN, "48h", "12h", r#""10m""#);
    let (h, f) = (hybrid.serverless().unwrap(), fixed.serverless().unwrap());
    let invocations = 72;
    assert_eq!(f.cold_starts, invocations);
    assert_eq!(h.cold_starts, 0);
    assert_eq!(hybrid.requests.completed, fixed.requests.completed);
    // 72 whole idle spells inside (12 h, 48 h].
    assert!(
        (h.idle_gb_seconds - 72.0 * 233.9 * 2.0).abs() < 1e-6,
        "{}",
        h.idle_gb_seconds
    );
    assert!(
        (f.idle_gb_seconds - 72.0 * 600.0 * 2.0).abs() < 1e-6,
        "{}",
        f.idle_gb_seconds
    );
    // Lambda does not bill idle time: the same bill for the same work.
    let billed = |s: &scalesim::kinds::serverless::results::ServerlessResult| {
        s.functions[0].billed_gb_seconds
    };
    assert!((billed(h) - (billed(f) - invocations as f64 * 2.0)).abs() < 1e-6);
}

/// With `bill_prewarm`, the pre-warmed idle time is billed as duration:
/// 233.9 s × 2 GB per gap on top of the invocations.
#[test]
fn prewarmed_idle_time_is_billed_when_the_platform_bills_it() {
    let free = one_function(
        EVERY_30_MIN,
        "48h",
        "12h",
        r#"{ policy = "hybrid-histogram" }"#,
    );
    let billed = one_function(
        EVERY_30_MIN,
        "48h",
        "12h",
        r#"{ policy = "hybrid-histogram", bill_prewarm = true }"#,
    );
    let (a, b) = (free.serverless().unwrap(), billed.serverless().unwrap());
    let extra = b.functions[0].billed_gb_seconds - a.functions[0].billed_gb_seconds;
    assert!(
        (extra - b.idle_gb_seconds).abs() < 1e-6 * extra,
        "{extra} vs {}",
        b.idle_gb_seconds
    );
    assert!(
        b.idle_gb_seconds > 0.0
            && b.functions[0].cost.compute_usd > a.functions[0].cost.compute_usd
    );
}

/// Poisson arrivals with a mean gap of 2 h: idle times spread over the
/// 4 h range, exponentially, so the bin counts vary little (CV ≈ 0.55 for
/// the shape, ≈ 1.3 with the sampling noise of 200 samples, below the
/// threshold of 2) and 13.5 % fall out of range: the policy is not
/// representative and keeps the fixed fallback, with exactly its cold
/// starts and idle time. (`min_samples = 200` keeps the early, noisy
/// histogram from being trusted; the warm-up covers them anyway.)
#[test]
fn poisson_arrivals_fall_back_to_the_fixed_keep_alive() {
    let demand = "rps = 0.000138888888888889";
    let hybrid = one_function(
        demand,
        "2000h",
        "500h",
        r#"{ policy = "hybrid-histogram", fallback = "10m", min_samples = 200 }"#,
    );
    let fixed = one_function(demand, "2000h", "500h", r#""10m""#);
    let (h, f) = (hybrid.serverless().unwrap(), fixed.serverless().unwrap());
    assert!(f.cold_starts > 600, "{}", f.cold_starts);
    assert_eq!(h.cold_starts, f.cold_starts);
    assert_eq!(h.idle_gb_seconds, f.idle_gb_seconds);
    assert_eq!(hybrid.requests, fixed.requests);
}

/// Bad policy tables name the key and what was expected.
#[test]
fn bad_policies_are_clear_errors() {
    let text = |ka: &str| {
        format!(
            "name = \"x\"\nduration = \"1h\"\n[demand]\nshape = \"constant\"\nrps = 1.0\n\
             [[services]]\nname = \"f\"\nwork = \"5ms\"\n[[architectures]]\nname = \"l\"\n\
             kind = \"serverless\"\nkeep_alive = {ka}\n"
        )
    };
    assert_parse_error(
        &text(r#"{ policy = "lru" }"#),
        "line 12, key `architectures[0].keep_alive.policy`: expected \"hybrid-histogram\" (or a duration for a fixed keep-alive), found \"lru\"",
    );
    assert_parse_error(
        &text(r#"{ policy = "hybrid-histogram", percentiles = [99, 5] }"#),
        "line 12, key `architectures[0].keep_alive.percentiles`: expected [head, tail] with 0 <= head < tail <= 100, found [99.0, 5.0]",
    );
    assert_parse_error(
        &text(r#""0s""#),
        "line 12, key `architectures[0].keep_alive`: expected a keep-alive > 0",
    );
}
