//! `scalesim plan` on the kinds other than fixed fleets: autoscaled
//! fleets (target and `min`) settle where the exact M/M/c theory says the
//! fleet must be.

use scalesim::plan::{self, ArchitecturePlan};
use scalesim::results::queueing::MMc;
use std::path::Path;

fn plan_of(text: &str) -> ArchitecturePlan {
    let path = Path::new("plan-kinds.toml");
    let s = scalesim::scenario::parse(text, path).unwrap();
    let r = plan::plan(&s, text, path, None, s.replications).unwrap();
    r.architectures.into_iter().next().unwrap()
}

/// λ = 40/s of exponential 100 ms work (4 erlangs) on 1-vCPU servers at
/// $0.05 an hour, steady for an hour: the policy settles the fleet at
/// about 4 / target servers.
const AUTOSCALED: &str = r#"
name = "as-plan"
duration = "1h"
warmup = "10m"
seed = 5
replications = 3
[demand]
shape = "constant"
rps = 40
[[services]]
name = "api"
work = { dist = "exponential", mean = "100ms" }
[[architectures]]
name = "asg"
kind = "autoscaled"
instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 }
min = 4
max = 30
policy = { metric = "cpu", target = 0.6 }
boot_time = "60s"
timeout = "10s"
[slo]
latency = "500ms"
percentile = 99
"#;

#[test]
fn an_autoscaled_plan_runs_the_fleet_m_m_c_theory_asks_for_at_the_highest_target() {
    let a = plan_of(AUTOSCALED);
    // The exact answer for a constant load: the fewest servers whose
    // M/M/c p99 is within 500 ms.
    let c = (1..100)
        .find(|&c| MMc::new(40.0, 10.0, c).response_quantile(0.99) <= 0.5)
        .unwrap();
    let chosen = a.choice.as_ref().expect("a target meets it");
    let servers = chosen.cost_per_month_usd.mean / (0.05 * 730.0);
    assert!(
        (servers - f64::from(c)).abs() < 0.05,
        "c = {c}; the plan pays for {servers:.3} servers: {:#?}",
        a.candidates
    );
    // The target is the highest meeting at that min: the next one up was
    // simulated and does not meet the SLO.
    let target = |line: &str| -> f64 {
        line.split("target = ")
            .nth(1)
            .unwrap()
            .trim_end_matches(" }")
            .parse()
            .unwrap()
    };
    let t = target(&chosen.config[1]);
    assert!(
        a.candidates.iter().any(|k| k.config[0] == chosen.config[0]
            && (target(&k.config[1]) - (t + 0.05)).abs() < 1e-9
            && !k.meets),
        "target {t}: {:#?}",
        a.candidates
    );
    assert!(
        a.notes[0].starts_with("bound by the SLO on the target"),
        "{:?}",
        a.notes
    );
    // The cheapest of everything simulated, in a bounded number of
    // simulations: three rungs of the min ladder, each a bisection of 13
    // targets (at most 2·log₂13 + 2).
    for k in a.candidates.iter().filter(|k| k.meets) {
        assert!(k.cost_per_month_usd.mean >= chosen.cost_per_month_usd.mean);
    }
    assert!(a.simulations <= 3 * 10, "{}", a.simulations);
}

/// One function of constant 50 ms work at 1,769 MB (a full vCPU: no
/// slowdown) behind no gateway, at λ = 100/s (5 erlangs), with a keep-alive
/// of 1 ms and constant 1 s cold starts: an invocation is warm only on a
/// free provisioned instance. The provisioned instances form a loss system
/// overflowing to cold on-demand ones, so the cold fraction is Erlang B of
/// (provisioned, 5), whatever the work's distribution.
fn cold_start_bound(percentile: u32, objective_ms: u32) -> String {
    format!(
        r#"
name = "pc-plan"
duration = "20m"
warmup = "5m"
seed = 3
replications = 3
[demand]
shape = "constant"
rps = 100
[[services]]
name = "oven"
work = "50ms"
[[architectures]]
name = "fn"
kind = "serverless"
memory = "1769MB"
keep_alive = "1ms"
cold_start = "1s"
[slo]
latency = "{objective_ms}ms"
percentile = {percentile}
[plan]
vary = ["provisioned"]
"#
    )
}

fn provisioned(line: &str) -> Option<u32> {
    line.strip_prefix("functions.oven.provisioned = ")?
        .parse()
        .ok()
}

#[test]
fn a_cold_start_bound_function_gets_the_provisioned_concurrency_erlang_b_asks_for() {
    use scalesim::results::queueing::erlang_b;
    for (percentile, objective_ms) in [(95, 300), (99, 300)] {
        let a = plan_of(&cold_start_bound(percentile, objective_ms));
        let allowed = 1.0 - f64::from(percentile) / 100.0;
        let want = (0..100).find(|&c| erlang_b(c, 5.0) <= allowed).unwrap();
        // Erlang B's answer is clear-cut at both ends (a factor ≥ 1.4).
        assert!(erlang_b(want - 1, 5.0) > 1.4 * allowed && erlang_b(want, 5.0) < allowed / 1.2);
        let verdict = |p: u32| {
            a.candidates
                .iter()
                .find(|c| provisioned(&c.config[1]) == Some(p))
                .map(|c| c.meets)
        };
        assert_eq!(
            (verdict(want - 1), verdict(want)),
            (Some(false), Some(true)),
            "p{percentile}: Erlang B says {want}; {:#?}",
            a.candidates
        );
        // The choice is the cheapest meeting count simulated, at or above
        // the smallest: a cold start is billed time, so a few more
        // provisioned instances can cost less.
        let chosen = a.choice.as_ref().unwrap();
        assert!(provisioned(&chosen.config[1]).unwrap() >= want);
        for c in a.candidates.iter().filter(|c| c.meets) {
            assert!(c.cost_per_month_usd.mean >= chosen.cost_per_month_usd.mean);
        }
        assert!(a.simulations <= 16, "{}", a.simulations);
    }
}

#[test]
fn a_cpu_bound_function_gets_memory_until_the_cost_per_request_stops_falling() {
    // 100 ms of CPU at one vCPU, 20/s, warm (10 min keep-alive), at
    // $0.00001 per GB-second and $0.20 per million requests. At memory m
    // it runs 100 × max(1, 1769 / m) ms, billed rounded up to the ms: p99
    // ≤ 250 ms needs m ≥ 707.6 MB; the bill per request is flat-ish below
    // 1,769 MB (half the memory, twice the time, plus rounding) and rises
    // above, so the optimum is the knee.
    let text = r#"
name = "mem-plan"
duration = "20m"
warmup = "5m"
seed = 3
replications = 3
[demand]
shape = "constant"
rps = 20
[[services]]
name = "render"
work = "100ms"
[[architectures]]
name = "fn"
kind = "serverless"
memory = "512MB"
pricing = { gb_second = 0.00001, request_per_million = 0.2 }
[slo]
latency = "250ms"
percentile = 99
[plan]
vary = ["memory"]
"#;
    let a = plan_of(text);
    let mb = |c: &scalesim::plan::evaluate::Candidate| -> f64 {
        c.config[0]
            .trim_start_matches("functions.render.memory = \"")
            .trim_end_matches("MB\"")
            .parse()
            .unwrap()
    };
    let per_request = |m: f64| {
        let ms = (100.0 * (1769.0 / m).max(1.0) - 1e-9).ceil();
        ms / 1000.0 * m / 1024.0 * 0.00001 + 0.2e-6
    };
    // Candidates ruled out on their first 2 replications averaged other
    // request counts than those run in full (3): compare like with like.
    let full: Vec<_> = a
        .candidates
        .iter()
        .filter(|c| c.replications == 3)
        .collect();
    let requests = full[0].cost_per_month_usd.mean / per_request(mb(full[0]));
    for c in &a.candidates {
        let m = mb(c);
        assert_eq!(c.meets, m >= 707.6, "{m} MB: {c:?}");
        if c.replications != 3 {
            assert_eq!((c.replications, c.slo), (2, "misses"), "{c:?}");
            continue;
        }
        let hand = requests * per_request(m);
        assert!(
            (c.cost_per_month_usd.mean / hand - 1.0).abs() < 1e-3,
            "{m} MB: ${} against ${hand} by hand",
            c.cost_per_month_usd.mean
        );
    }
    let chosen = a.choice.as_ref().unwrap();
    assert_eq!(mb(chosen), 1769.0, "{:#?}", a.candidates);
    // Both sides of the knee were looked at.
    assert!(a.candidates.iter().any(|c| mb(c) > 1769.0));
    assert!(a.candidates.iter().any(|c| mb(c) < 1769.0 && c.meets));
}

#[test]
fn plan_bounds_are_validated_naming_the_line_and_key() {
    let path = Path::new("bounds.toml");
    for (plan, line, key, expected) in [
        (
            "vary = [\"memory\", \"spoons\"]",
            23,
            "plan.vary",
            "expected one of servers, memory, provisioned, target, min, found \"spoons\"",
        ),
        ("vary = []", 23, "plan.vary", "found none"),
        (
            "memory = [\"64MB\", \"1GB\"]",
            23,
            "plan.memory",
            "found 64 MB to 1024 MB",
        ),
        (
            "max_provisioned = 0",
            23,
            "plan.max_provisioned",
            "from 1 to 100000, found 0",
        ),
    ] {
        let text = cold_start_bound(95, 300).replace("vary = [\"provisioned\"]", plan);
        let e = scalesim::scenario::parse(&text, path).unwrap_err();
        assert_eq!(
            (e.line, e.key.as_deref()),
            (Some(line), Some(key)),
            "{plan}: {e:?}"
        );
        assert!(e.message.contains(expected), "{plan}: {}", e.message);
    }
}

#[test]
fn the_ranking_pairs_the_chosen_configurations_over_the_same_requests() {
    // Two fleets of the same 1-vCPU servers, one at twice the price: both
    // plan to the same count, so replication by replication they serve
    // the same requests identically. The paired latency difference is 0
    // exactly and the cost difference is exactly the price gap, though
    // each fleet's own latency interval is wide.
    let one = r#"
[[architectures]]
name = "cheap"
kind = "fleet"
servers = 1
instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 }
"#;
    let text = AUTOSCALED
        .replace("duration = \"1h\"", "duration = \"30m\"")
        .split("[[architectures]]")
        .next()
        .unwrap()
        .to_string()
        + one
        + &one.replace("cheap", "dear").replace("0.05", "0.10")
        + "[slo]\nlatency = \"500ms\"\npercentile = 99\n";
    let path = Path::new("pair.toml");
    let s = scalesim::scenario::parse(&text, path).unwrap();
    let r = plan::plan(&s, &text, path, None, 3).unwrap();
    let cheap = r.architectures[0].choice.as_ref().unwrap();
    let n: f64 = cheap.config[0]
        .trim_start_matches("servers = ")
        .parse()
        .unwrap();
    assert_eq!(r.comparisons.len(), 1);
    let d = &r.comparisons[0];
    assert_eq!(
        (d.architecture.as_str(), d.reference.as_str()),
        ("dear", "cheap")
    );
    assert!(
        (d.cost_per_month_usd.mean - n * 0.05 * 730.0).abs() < 1e-6,
        "{d:?}"
    );
    assert!(d.cost_per_month_usd.half_width() < 1e-9 && d.cost_significant);
    assert_eq!((d.latency_ms.mean, d.latency_ms.half_width()), (0.0, 0.0));
    assert!(!d.latency_significant);
    assert!(cheap.latency_ms.half_width() > 0.0);
}

#[test]
fn an_slo_out_of_reach_is_an_answer_with_a_one_line_reason() {
    // Erlang B asks for 9 provisioned instances; the bound allows 5.
    let text = cold_start_bound(95, 300).replace(
        "vary = [\"provisioned\"]",
        "vary = [\"provisioned\"]\nmax_provisioned = 5",
    );
    let a = plan_of(&text);
    assert!(a.choice.is_none());
    assert_eq!(a.notes.len(), 1, "{:?}", a.notes);
    assert!(
        a.notes[0].starts_with(
            "even provisioned concurrency 5 (the bound) on each of the 1 function(s) misses the SLO: the best, "
        ) && a.notes[0].contains("has p95 1050.0 ms against 300ms"),
        "{}",
        a.notes[0]
    );
}

/// On spot, the `min` ladder's floor (min servers all month at the lowest
/// rate a server-hour can cost) is priced at the spot price: 4 × $0.0336
/// × 730 h = $98.11, not the $280.32 of on-demand m5.large, and the
/// choice is billed at spot too.
#[test]
fn an_autoscaled_plan_on_spot_prices_its_floor_at_spot() {
    let a = plan_of(
        r#"
name = "spot-plan"
duration = "6h"
warmup = "10m"
seed = 3
[demand]
shape = "diurnal"
min_rps = 60
peak_rps = 300
[[services]]
name = "api"
work = { dist = "exponential", mean = "40ms" }
[slo]
percentile = 99
latency = "300ms"
[[architectures]]
name = "asg-spot"
kind = "autoscaled"
min = 2
max = 20
instance = "m5.large"
policy = { metric = "cpu", target = 0.6 }
market = "spot"
spot = { discount = 0.65, mean_time_between_interruptions = "12h" }
"#,
    );
    let chosen = a.choice.as_ref().expect("a configuration meets the SLO");
    assert!(chosen.cost_per_month_usd.mean < 98.11, "{chosen:?}");
    assert!(
        a.notes.iter().any(|n| n.starts_with(
            "min = 4 and above not simulated: 4 servers all month cost $98.11 at least"
        )),
        "{:?}",
        a.notes
    );
}

#[test]
fn the_memory_search_says_how_much_of_the_bill_is_waiting() {
    // The same function with 100 ms of wait on I/O after its work: at
    // memory m an invocation is billed ⌈100 × max(1, 1769 / m) + 100⌉ ms,
    // of which the 100 ms of wait is the same at every memory.
    let text = r#"
name = "wait-plan"
duration = "20m"
warmup = "5m"
seed = 3
replications = 2
[demand]
shape = "constant"
rps = 20
[[services]]
name = "render"
work = "100ms"
wait = "100ms"
[[architectures]]
name = "fn"
kind = "serverless"
memory = "512MB"
keep_alive = "1h"
pricing = { gb_second = 0.00001, request_per_million = 0.2 }
[slo]
latency = "350ms"
percentile = 99
[plan]
vary = ["memory"]
"#;
    let path = Path::new("wait-plan.toml");
    let s = scalesim::scenario::parse(text, path).unwrap();
    let r = plan::plan(&s, text, path, None, s.replications).unwrap();
    let a = &r.architectures[0];
    for c in &a.candidates {
        let m: f64 = c.config[0]
            .trim_start_matches("functions.render.memory = \"")
            .trim_end_matches("MB\"")
            .parse()
            .unwrap();
        let billed_ms = (100.0 * (1769.0 / m).max(1.0) + 100.0 - 1e-9).ceil();
        let share = c.waiting_share.expect("the function waits");
        // Cold starts (a handful in 15 minutes) are billed but not waits.
        assert!(
            (share / (100.0 / billed_ms) - 1.0).abs() < 0.005,
            "{m} MB: {share} against {}",
            100.0 / billed_ms
        );
    }
    let md = scalesim::plan::output::plan_md(&r);
    let chosen = a.choice.as_ref().unwrap().waiting_share.unwrap();
    let line = format!(
        "- waiting: {} of the billed GB-seconds are waits on I/O, which no memory size shortens",
        scalesim::numbers::share(chosen)
    );
    assert!(md.contains(&line), "{md}");
}

/// The same load on an EKS cluster: pods of one vCPU on m5.large nodes
/// (one pod per node: 1.93 − 0.125 allocatable leaves no room for a
/// second), the HPA at a target of the CPU request.
const CLUSTER: &str = r#"
name = "eks-plan"
duration = "1h"
warmup = "10m"
seed = 5
replications = 3
[demand]
shape = "constant"
rps = 40
[[services]]
name = "api"
work = { dist = "exponential", mean = "100ms" }
[[architectures]]
name = "eks"
kind = "kubernetes"
timeout = "10s"
requests = { cpu = 1, memory = "1GiB" }
[architectures.cluster]
node_pools = [{ instance = "m5.large", max = 30 }]
[architectures.services.api]
kind = "autoscaled"
initial = 4
min = 4
max = 30
policy = { metric = "cpu", target = 0.6 }
[slo]
latency = "500ms"
percentile = 99
"#;

#[test]
fn a_cluster_plan_runs_the_pods_m_m_c_theory_asks_for_at_the_highest_target() {
    let a = plan_of(CLUSTER);
    let c = (1..100)
        .find(|&c| MMc::new(40.0, 10.0, c).response_quantile(0.99) <= 0.5)
        .unwrap();
    let chosen = a.choice.as_ref().expect("a target meets it");
    // The bill is one node per pod plus the $0.10/h control plane.
    let nodes = (chosen.cost_per_month_usd.mean - 0.10 * 730.0) / (0.096 * 730.0);
    assert!(
        (nodes - f64::from(c)).abs() < 0.2,
        "c = {c}; the plan pays for {nodes:.3} nodes: {:#?}",
        a.candidates
    );
    // The highest meeting target: the next one up, if tried, misses.
    let target = |c: &scalesim::plan::evaluate::Candidate| {
        c.config
            .iter()
            .find_map(|l| l.split("target = ").nth(1))
            .and_then(|t| t.trim_end_matches([' ', '}']).parse::<f64>().ok())
            .expect("a target in the configuration")
    };
    let t = target(chosen);
    if let Some(up) = a
        .candidates
        .iter()
        .find(|c| (target(c) - t - 0.05).abs() < 1e-9)
    {
        assert!(!up.meets, "{:#?}", a.candidates);
    }
    assert!(a.candidates.len() <= 6, "{:#?}", a.candidates);
}
