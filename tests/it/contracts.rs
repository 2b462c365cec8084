//! Promises to users: the scenario blocks and output keys the issues mark
//! as contracts keep working as written. Each block below is copied from
//! its issue; change the code, never these.

use crate::common;
use scalesim::architectures;

/// The bundled steady-api.toml is the foundation's contract file, verbatim.
#[test]
fn steady_api_is_the_contract_file() {
    let text = std::fs::read_to_string("scenarios/steady-api.toml").unwrap();
    let contract = r#"name = "steady-api"
description = "A steady API on a fixed fleet: sized for the peak vs sized for the mean"
duration = "2h"          # simulated time; units ms, s, m, h, d
warmup = "10m"           # requests arriving before this are simulated but not counted
seed = 42
window = "1m"            # time-series bucket

[demand]
shape = "constant"
rps = 180.0

[[services]]
name = "api"
work = { dist = "exponential", mean = "50ms" }   # CPU time at 1 vCPU

[[architectures]]
name = "fleet-10"
kind = "fleet"
servers = 10
instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 }

[[architectures]]
name = "for-peak"
kind = "fleet"
servers = { size_for = "peak", utilization = 0.6 }
instance = "m5.large"
"#;
    assert_eq!(text, contract);
}

const HEADER: &str = r#"
name = "contracts"
duration = "20m"
seed = 1
[demand]
shape = "constant"
rps = 20.0
[[services]]
name = "baker"
work = "20ms"
calls = [{ service = "oven", mode = "async" }]
[[services]]
name = "oven"
work = "50ms"
"#;

/// Issue 3's serverless keys, issue 6's autoscaled and microservices keys
/// and issue 4's [slo], as written in the issues.
const BLOCKS: &str = r#"
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "1024MB"                  # default for every function (128 MB – 10,240 MB)
cpu = "x86_64"                     # or "arm64": the price differs
cold_start = { dist = "lognormal", median = "250ms", p99 = "1.2s" }
keep_alive = "10m"                 # idle time after which an instance is reclaimed
concurrency_limit = 1000           # account-wide concurrent executions
scale_rate = { instances = 1000, per = "10s" }   # new instances per function per window
instance_concurrency = 1           # requests one instance serves at once
idle_selection = "mru"             # which idle instance serves: "mru" (most recently used), "lru", "newest" (most recently started)
gateway = "http"                   # "none" | "http" | "rest": an API gateway in front of the entry function
hop_latency = "2ms"                # added per function-to-function invocation

[architectures.functions.oven]     # per-function overrides of any key above, plus:
memory = "3008MB"
provisioned = 5                    # instances kept initialised
reserved_concurrency = 50          # cap for this function

[[architectures]]
name = "asg"
kind = "autoscaled"
instance = "m5.large"
min = 2
max = 40
policy = { metric = "cpu", target = 0.6 }   # target tracking; also metric = "requests_per_server" (target in rps) and "queue" (waiting requests per server)
evaluation = "1m"                            # how often the metric is read, averaged over that period
boot_time = { dist = "uniform", min = "60s", max = "120s" }   # billed, not serving
scale_out_cooldown = "1m"
scale_in_cooldown = "5m"                     # stabilisation: scale in only to the highest recommendation of this window
tolerance = 0.1                              # no action while |metric/target − 1| ≤ tolerance
scheduled = [{ at = "08:00", min = 10 }, { at = "20:00", min = 2 }]   # optional scheduled minimums (daily)

[[architectures]]
name = "k8s-microservices"
kind = "microservices"                       # each service gets its own fleet
hop_latency = "1ms"                          # per service-to-service call
servers = 2
instance = "m5.large"
[architectures.services.oven]                # any fleet or autoscaled keys, per service
kind = "autoscaled"
instance = { vcpus = 2, memory = "4GB", price_per_hour = 0.08 }
min = 1
max = 20
policy = { metric = "cpu", target = 0.7 }

[slo]
latency = "300ms"
percentile = 99          # 50, 90, 95, 99 or 99.9
max_error_rate = 0.001   # rejected + timed out + throttled, as a fraction of arrivals
"#;

#[test]
fn contract_blocks_parse_and_run_as_written() {
    let s = common::scenario(&format!("{HEADER}{BLOCKS}"));
    let run = architectures::run(&s);
    let kinds: Vec<&str> = run.architectures.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(kinds, ["serverless", "autoscaled", "microservices"]);
    for a in &run.architectures {
        let c = a.requests;
        assert!(c.completed > 20_000, "{}: {c:?}", a.name);
        assert_eq!(
            c.arrived,
            c.completed + c.rejected + c.throttled + c.timed_out + c.in_flight
        );
    }
    // Summary keys promised by the issues.
    let json = serde_json::to_value(&run).unwrap();
    let lambda = &json["architectures"][0];
    for key in [
        "cold_starts",
        "cold_start_fraction",
        "throttled",
        "instances",
        "idle_gb_seconds",
        "functions",
    ] {
        assert!(!lambda[key].is_null(), "serverless summary lacks `{key}`");
    }
    for key in [
        "compute_usd",
        "requests_usd",
        "gateway_usd",
        "provisioned_usd",
    ] {
        assert!(
            lambda["cost"]["breakdown"][key].is_number(),
            "cost.breakdown lacks `{key}`"
        );
    }
    assert_eq!(lambda["functions"][1]["provisioned"], 5);
    let asg = &json["architectures"][1];
    for key in ["server_stats", "scaling_actions", "server_hours"] {
        assert!(!asg[key].is_null(), "autoscaled summary lacks `{key}`");
    }
    assert!(json["architectures"][2]["services"][1]["scaling_actions"].is_object());
    // The foundation's keys, for every kind.
    for a in json["architectures"].as_array().unwrap() {
        for key in [
            "name",
            "kind",
            "servers",
            "requests",
            "latency_ms",
            "wait_ms",
            "utilization",
            "cost",
        ] {
            assert!(!a[key].is_null(), "{} lacks `{key}`", a["name"]);
        }
        for key in ["arrived", "completed", "rejected", "timed_out", "in_flight"] {
            assert!(a["requests"][key].is_u64());
        }
        for key in ["mean", "p50", "p90", "p95", "p99", "p999", "max"] {
            assert!(a["latency_ms"][key].is_number());
        }
        for key in ["total_usd", "per_month_usd", "per_million_requests_usd"] {
            assert!(a["cost"][key].is_number());
        }
        assert!(a["servers"].is_u64(), "`servers` stays a number");
    }
}
