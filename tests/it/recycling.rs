//! Environment recycling (`max_lifetime`) and the cause of each cold
//! start, against hand-computed micro-scenarios and n × T / L.

use crate::common::{assert_parse_error, header};
use crate::serverless::{run, three_requests_with};
use scalesim::kinds::serverless::results::ColdStartCauses;
use scalesim::results::summary::ArchitectureResult;

fn causes(r: &ArchitectureResult) -> ColdStartCauses {
    let s = r.serverless().expect("a serverless result");
    let c = s.cold_starts_by_cause.expect("reported with max_lifetime");
    assert_eq!(
        c.new_demand + c.keep_alive_expiry + c.recycling,
        s.cold_starts
    );
    assert_eq!(s.functions[0].cold_starts_by_cause, Some(c));
    c
}

/// A request every 100 ms, each 999 ms of work, instant cold starts: 10
/// instances, each serving every tenth request and idle 1 ms between
/// them. Instance i starts at 0.1 i s and, with lifetime L = 60 s, takes
/// requests at 0.1 i + k for k < 60; at age 60 s it takes no new one, so
/// every 60 s each of the 10 slots starts cold once. Measured from 30 s to
/// 630 s: exactly n × T / L = 10 × 600 / 60 = 100 recycling cold starts,
/// and none of the other causes (the first 10 are in the warm-up).
#[test]
fn recycling_cold_starts_are_n_times_t_over_l_under_constant_load() {
    let r = run(r#"
name = "steady"
duration = "630s"
warmup = "30s"
[demand]
shape = "constant"
rps = 10
arrivals = "uniform"
[[services]]
name = "f"
work = "999ms"
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "2048MB"
cold_start = "0s"
max_lifetime = "60s"
"#);
    let c = causes(&r);
    assert_eq!(
        c,
        ColdStartCauses {
            new_demand: 0,
            keep_alive_expiry: 0,
            recycling: 100
        }
    );
    let s = r.serverless().unwrap();
    assert_eq!(s.instances.peak, 10);
    assert_eq!(r.requests.completed + r.requests.in_flight, 6000);
}

/// The three requests of the serverless tests (0, 100 and 200 s, 100 ms
/// of work at 2 GB, cold start 300 ms) with these lifetimes.
fn three_requests(keep_alive: &str, max_lifetime: &str) -> ArchitectureResult {
    three_requests_with(&format!(
        "keep_alive = \"{keep_alive}\"\nmax_lifetime = \"{max_lifetime}\""
    ))
}

/// Keep-alive 150 s, lifetime 150 s: the instance started at 0 serves
/// the request at 100 s warm, idles from 100.1 s and is retired at 150 s,
/// before its keep-alive (250.1 s) ends; the request at 200 s starts cold
/// for recycling. Idle 99.6 + 49.9 + 49.6 s at 2 GB; 200 instance-seconds
/// over 250 s.
#[test]
fn an_idle_instance_is_retired_at_its_lifetime() {
    let r = three_requests("150s", "150s");
    let c = causes(&r);
    assert_eq!((c.new_demand, c.keep_alive_expiry, c.recycling), (1, 0, 1));
    let s = r.serverless().unwrap();
    assert!(
        (s.idle_gb_seconds - 199.1 * 2.0).abs() < 1e-6,
        "{}",
        s.idle_gb_seconds
    );
    assert!(
        (s.instances.mean - 0.8).abs() < 1e-12,
        "{}",
        s.instances.mean
    );
}

/// Keep-alive 60 s reclaims each instance before the next request: the
/// cold starts at 100 and 200 s are keep-alive's, the first is demand's.
#[test]
fn cold_starts_after_keep_alive_expiry_are_counted_as_such() {
    let c = causes(&three_requests("60s", "1h"));
    assert_eq!((c.new_demand, c.keep_alive_expiry, c.recycling), (1, 2, 0));
}

/// Lifetime 50 s, keep-alive 30 s: the instance retired at 50 s would
/// have expired by 80 s anyway, so the cold start at 100 s is keep-alive's.
#[test]
fn a_recycled_instance_older_than_a_keep_alive_counts_as_expired() {
    let c = causes(&three_requests("30s", "50s"));
    assert_eq!((c.new_demand, c.keep_alive_expiry, c.recycling), (1, 2, 0));
}

/// Two requests per instance, one a second, each 1.5 s: instance A
/// (started at 0) holds one or two at a time. At 5 s it is worn out with
/// the request of 4 s still running: it takes no new one, so the request
/// of 5 s starts B cold, for recycling; A retires when its last request
/// ends at 5.5 s, and is not counted twice. B (age < 5 s) serves the rest.
#[test]
fn a_busy_worn_out_instance_takes_no_new_invocation() {
    let r = run(r#"
name = "shared"
duration = "10s"
[demand]
shape = "constant"
rps = 1
arrivals = "uniform"
[[services]]
name = "f"
work = "1500ms"
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "2048MB"
cold_start = "0s"
instance_concurrency = 2
max_lifetime = "5s"
"#);
    let c = causes(&r);
    assert_eq!((c.new_demand, c.keep_alive_expiry, c.recycling), (1, 0, 1));
    assert_eq!(r.serverless().unwrap().instances.peak, 2);
}

/// Without `max_lifetime` nothing changes and the causes stay unreported.
#[test]
fn cold_starts_by_cause_is_absent_without_recycling() {
    let r = three_requests_with("");
    let s = r.serverless().unwrap();
    assert!(s.cold_starts_by_cause.is_none());
    let json = serde_json::to_string(s).unwrap();
    assert!(!json.contains("cold_starts_by_cause"), "{json}");
}

#[test]
fn a_zero_max_lifetime_is_refused() {
    let text = format!(
        "{}[[architectures]]\nname = \"l\"\nkind = \"serverless\"\nmax_lifetime = \"0s\"\n",
        header("1m")
    );
    assert_parse_error(
        &text,
        "line 12, key `architectures[0].max_lifetime`: expected a max_lifetime > 0",
    );
}
