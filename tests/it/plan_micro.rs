//! `scalesim plan` on microservices: each fixed service's server count,
//! searched jointly against one end-to-end SLO, lands on the cheapest
//! configuration of the grid around it, starting from hand-computed load
//! bounds.

use scalesim::plan::{self, ArchitecturePlan, evaluate::Evaluator};
use std::path::Path;
use toml::Value;

/// 30 requests a second enter `front` (exponential 50 ms), which calls
/// `back` (exponential 150 ms on 2-vCPU servers at twice the price) and
/// waits for it when `mode` is sync.
fn two_services(mode: &str, latency: &str) -> String {
    format!(
        r#"
name = "ms-plan"
duration = "1h"
warmup = "5m"
seed = 11
replications = 3
[demand]
shape = "constant"
rps = 30
[[services]]
name = "front"
work = {{ dist = "exponential", mean = "50ms" }}
calls = [{{ service = "back", mode = "{mode}" }}]
[[services]]
name = "back"
work = {{ dist = "exponential", mean = "150ms" }}
[[architectures]]
name = "ms"
kind = "microservices"
hop_latency = "1ms"
servers = 2
instance = {{ vcpus = 1, memory = "2GB", price_per_hour = 0.05 }}
[architectures.services.back]
instance = {{ vcpus = 2, memory = "4GB", price_per_hour = 0.10 }}
servers = 2
[slo]
latency = "{latency}"
percentile = 99
max_error_rate = 0.001
"#
    )
}

fn plan_of(text: &str) -> ArchitecturePlan {
    let path = Path::new("ms-plan.toml");
    let s = scalesim::scenario::parse(text, path).unwrap();
    let r = plan::plan(&s, text, path, None, s.replications).unwrap();
    r.architectures.into_iter().next().unwrap()
}

fn counts(config: &[String]) -> (u32, u32) {
    let get = |key: &str| -> u32 {
        config
            .iter()
            .find_map(|l| l.strip_prefix(key))
            .unwrap_or_else(|| panic!("{key} in {config:?}"))
            .parse()
            .unwrap()
    };
    (
        get("services.front.servers = "),
        get("services.back.servers = "),
    )
}

/// The cheapest configuration meeting the SLO over a grid of server
/// counts, each simulated with the plan's own seed and replications.
fn cheapest_in_grid(
    text: &str,
    fronts: std::ops::RangeInclusive<u32>,
    backs: std::ops::RangeInclusive<u32>,
) -> (f64, (u32, u32)) {
    let path = Path::new("ms-plan.toml");
    let s = scalesim::scenario::parse(text, path).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let mut ev = Evaluator {
        doc: &doc,
        path,
        seed: None,
        architecture: "ms",
        replications: s.replications,
        slo: s.slo.unwrap(),
        runs: 0,
        on_candidate: None,
    };
    let mut best: Option<(f64, (u32, u32))> = None;
    for f in fronts {
        for b in backs.clone() {
            let c = ev
                .evaluate(&[
                    ("services.front.servers", Value::Integer(f.into())),
                    ("services.back.servers", Value::Integer(b.into())),
                ])
                .unwrap();
            let cost = c.cost_per_month_usd.mean;
            if c.meets && best.is_none_or(|(b, _)| cost < b) {
                best = Some((cost, (f, b)));
            }
        }
    }
    best.expect("some point of the grid meets the SLO")
}

#[test]
fn a_microservices_plan_is_the_cheapest_point_of_the_grid_around_it() {
    for (mode, latency) in [("sync", "1s"), ("async", "900ms"), ("sync", "1500ms")] {
        let text = two_services(mode, latency);
        let a = plan_of(&text);
        let chosen = a
            .choice
            .as_ref()
            .unwrap_or_else(|| panic!("{mode} {latency}: {:#?}", a));
        let (f, b) = counts(&chosen.config);
        let (grid_cost, grid_at) = cheapest_in_grid(&text, 2..=11, 2..=5);
        assert!(
            (chosen.cost_per_month_usd.mean - grid_cost).abs() < 1e-6,
            "{mode} {latency}: plan ({f}, {b}) at ${:.2}, grid {grid_at:?} at ${grid_cost:.2}",
            chosen.cost_per_month_usd.mean
        );
        assert!(
            f < 11 && b < 5,
            "the grid's bounds must not bind: ({f}, {b})"
        );
        assert!(
            a.simulations < 40 / 3,
            "{mode} {latency}: {} simulations, a third of the 40-point grid at most",
            a.simulations
        );
    }
}

#[test]
fn each_service_starts_at_the_fewest_servers_that_keep_up_with_its_load() {
    // Sync: front holds its slot 50 + 1 + 150 = 201 ms a request, 6.03
    // erlangs at 30/s, so 7 one-vCPU servers; back 4.5 erlangs on 2 vCPUs
    // a server, 3. Async: front holds only its own 50 ms, 1.5 erlangs: 2.
    for (mode, start) in [("sync", (7, 3)), ("async", (2, 3))] {
        let a = plan_of(&two_services(mode, "1500ms"));
        assert_eq!(counts(&a.candidates[0].config), start, "{mode}");
        assert!(
            a.candidates
                .iter()
                .all(|c| counts(&c.config).0 >= start.0 && counts(&c.config).1 >= start.1),
            "{mode}: nothing below the load bounds is simulated"
        );
    }
}

#[test]
fn taking_one_server_from_any_service_of_the_plan_misses_the_slo() {
    let text = two_services("sync", "1s");
    let a = plan_of(&text);
    let chosen = a.choice.as_ref().unwrap();
    let (f, b) = counts(&chosen.config);
    // The load bounds of this case (7, 3), below which nothing is tried.
    for fewer in [(f - 1, b), (f, b - 1)] {
        if fewer.0 < 7 || fewer.1 < 3 {
            continue;
        }
        let c = a
            .candidates
            .iter()
            .find(|c| counts(&c.config) == fewer)
            .unwrap_or_else(|| panic!("{fewer:?} was never simulated"));
        assert!(!c.meets, "{fewer:?} meets too: {c:?}");
    }
    assert!(
        f > 7 || b > 3,
        "the case must test at least one step down: ({f}, {b})"
    );
}

#[test]
fn an_autoscaled_service_keeps_its_policy_and_the_plan_says_so() {
    let text = two_services("async", "1500ms").replace(
        "[architectures.services.back]\n",
        "[architectures.services.back]\nkind = \"autoscaled\"\nmin = 3\nmax = 10\npolicy = { metric = \"cpu\", target = 0.6 }\nboot_time = \"30s\"\n",
    )
    .replace("servers = 2\n[slo]", "[slo]");
    let a = plan_of(&text);
    assert!(a.choice.is_some(), "{a:#?}");
    assert!(
        a.candidates
            .iter()
            .all(|c| c.config.len() == 1 && c.config[0].starts_with("services.front.servers = ")),
        "only front is varied: {:?}",
        a.candidates.iter().map(|c| &c.config).collect::<Vec<_>>()
    );
    assert!(
        a.notes
            .iter()
            .any(|n| n.starts_with("autoscaled service(s) back keep their policy as written")),
        "{:?}",
        a.notes
    );
}
