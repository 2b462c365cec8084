//! Fleets bought with commitments: hand-computed bills, to the cent, for a
//! commitment covering the whole fleet, one partly unused, one exceeded,
//! one sized by an on-demand share, and on an autoscaled fleet whose size
//! is set by scheduled minimums; and the messages for bad `pricing`.
//!
//! m5.large is $0.096 per hour on demand; the price files give a 3-year
//! Savings Plan 50 % off ($0.048) and 1-year Reserved Instances 37.5 %
//! off ($0.060), both with no upfront payment.

use crate::common::{assert_refused, header, scenario};
use scalesim::results::summary::{ArchitectureResult, KindResult};

use crate::common::run_first as run;

/// `servers` m5.large for one hour, bought with `pricing`.
fn fixed(servers: u32, pricing: &str) -> ArchitectureResult {
    run(&format!(
        "{}[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = {servers}\ninstance = \"m5.large\"\npricing = {pricing}\n",
        header("1h")
    ))
}

fn cents(usd: f64) -> i64 {
    (usd * 100.0).round() as i64
}

/// To a hundredth of a cent, so that a wrong rate cannot round right.
fn basis_points(usd: f64) -> i64 {
    (usd * 10_000.0).round() as i64
}

#[test]
fn a_commitment_covering_the_fleet_bills_every_hour_at_its_rate() {
    // 4 × 1 h × $0.048 = $0.192, against 4 × $0.096 = $0.384 on demand.
    let r = fixed(4, "\"savings-plan-3y\"");
    assert_eq!(basis_points(r.cost.total_usd), 1920);
    let on_demand = fixed(4, "\"on-demand\"");
    assert_eq!(basis_points(on_demand.cost.total_usd), 3840);
}

#[test]
fn a_commitment_partly_unused_is_billed_in_full() {
    // 6 servers' worth of 1-year RIs for 4 servers: 6 × $0.060 = $0.36.
    let r = fixed(4, "{ commitment = \"reserved-1y\", committed_servers = 6 }");
    assert_eq!(basis_points(r.cost.total_usd), 3600);
    assert_eq!(cents(r.cost.total_usd), 36);
}

#[test]
fn servers_above_the_commitment_run_on_demand() {
    // 3 × $0.048 committed + 1 × $0.096 on demand = $0.24.
    let r = fixed(
        4,
        "{ commitment = \"savings-plan-3y\", committed_servers = 3 }",
    );
    assert_eq!(basis_points(r.cost.total_usd), 2400);
}

#[test]
fn an_on_demand_share_sizes_the_commitment() {
    // 10 servers, 30 % on demand: 7 committed × $0.048 + 3 × $0.096
    // = $0.336 + $0.288 = $0.624.
    let r = fixed(
        10,
        "{ commitment = \"savings-plan-3y\", on_demand_share = 0.3 }",
    );
    assert_eq!(basis_points(r.cost.total_usd), 6240);
}

#[test]
fn upfront_options_and_an_inline_rate() {
    // 3-year RIs all upfront: 61.7 % off, 2 × $0.096 × 0.383 = $0.073536.
    let r = fixed(2, "{ commitment = \"reserved-3y\", upfront = \"all\" }");
    assert_eq!(basis_points(r.cost.total_usd), 735);
    // A fleet's own committed rate: 4 × $0.05.
    let r = fixed(
        4,
        "{ commitment = \"reserved-3y\", price_per_hour = 0.05, source = \"our AWS invoice\", date = \"2026-10\" }",
    );
    assert_eq!(basis_points(r.cost.total_usd), 2000);
    let note = r
        .prices
        .iter()
        .find(|p| p.unit == "committed server-hour")
        .unwrap();
    assert_eq!(
        (note.source.as_str(), note.date.as_str()),
        ("our AWS invoice", "2026-10")
    );
}

#[test]
fn check_shows_how_the_fleet_is_bought() {
    let s = scenario(&format!(
        "{}[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 10\ninstance = \"m5.large\"\npricing = {{ commitment = \"reserved-1y\", on_demand_share = 0.3 }}\n",
        header("1h")
    ));
    let text = s.describe();
    assert!(
        text.contains("fleet of 10 × m5.large (2 vCPU, $0.096/h), reserved-1y (upfront none, $0.06/h committed) 30% of server-hours on demand\n"),
        "{text}"
    );
}

#[test]
fn the_prices_name_the_commitment_applied() {
    let r = fixed(4, "\"savings-plan-3y\"");
    let items: Vec<(&str, f64, &str)> = r
        .prices
        .iter()
        .map(|p| (p.item.as_str(), p.price_usd, p.unit.as_str()))
        .collect();
    assert_eq!(
        items,
        [
            ("m5.large", 0.096, "server-hour"),
            (
                "m5.large, savings-plan-3y, upfront none",
                0.048,
                "committed server-hour"
            ),
        ]
    );
}

/// 1 server from 00:00, 5 from 01:00 (a scheduled minimum) until the
/// first evaluation after the minimum falls back at 02:00 removes 4 at
/// 02:05, then 1 until 03:00, with no boot time: 1 + 5 × 13/12 + 11/12 =
/// 22/3 server-hours (the fleet of
/// `autoscaled::scheduled_minimums_apply_at_their_times`, priced).
fn scheduled(pricing: &str) -> ArchitectureResult {
    run(&format!(
        r#"
name = "scheduled"
duration = "3h"
[demand]
shape = "constant"
rps = 1
[[services]]
name = "api"
work = "10ms"
[[architectures]]
name = "asg"
kind = "autoscaled"
instance = "m5.large"
min = 1
max = 10
evaluation = "5m"
boot_time = "0s"
scale_in_cooldown = "5m"
scheduled = [{{ at = "01:00", min = 5 }}, {{ at = "02:00", min = 1 }}]
pricing = {pricing}
"#
    ))
}

#[test]
fn an_autoscaled_fleet_pays_its_commitment_through_the_quiet_hours() {
    let on_demand = scheduled("\"on-demand\"");
    let KindResult::Autoscaled(a) = &on_demand.details else {
        panic!("autoscaled");
    };
    assert!(
        (a.server_hours - 22.0 / 3.0).abs() < 1e-9,
        "{}",
        a.server_hours
    );
    // 22/3 × $0.096 = $0.704.
    assert_eq!(basis_points(on_demand.cost.total_usd), 7040);
    // 3 servers' worth for 3 h: 9 × $0.048 = $0.432, of which 2 + 11/6
    // server-hours unused (the quiet hours); the 2 servers above 3 for
    // 13/12 h on demand: 13/6 × $0.096 = $0.208.
    let r = scheduled("{ commitment = \"savings-plan-3y\", committed_servers = 3 }");
    assert_eq!(basis_points(r.cost.total_usd), 4320 + 2080);
    // Nothing on demand: the commitment must cover the peak of 5 servers,
    // 15 × $0.048 = $0.72, dearer than on demand for this spiky fleet.
    let r = scheduled("\"savings-plan-3y\"");
    assert_eq!(basis_points(r.cost.total_usd), 7200);
    // The share of server-hours above 3 servers, (13/6) / (22/3) = 13/44,
    // sizes the commitment at 3: the same bill.
    let r = scheduled(&format!(
        "{{ commitment = \"savings-plan-3y\", on_demand_share = {} }}",
        13.0 / 44.0
    ));
    assert_eq!(basis_points(r.cost.total_usd), 4320 + 2080);
}

#[test]
fn microservice_fleets_take_the_architecture_pricing_or_their_own() {
    let r = run(&format!(
        r#"{}[[services]]
name = "db"
work = "5ms"
[[architectures]]
name = "ms"
kind = "microservices"
servers = 2
instance = "m5.large"
pricing = "savings-plan-3y"
[architectures.services.db]
pricing = "on-demand"
"#,
        header("1h").replace(
            "work = \"5ms\"\n",
            "work = \"5ms\"\ncalls = [{ service = \"db\", mode = \"sync\" }]\n"
        )
    ));
    // api: 2 × $0.048; db: 2 × $0.096.
    assert_eq!(basis_points(r.cost.total_usd), 960 + 1920);
}

#[test]
fn bad_pricing_is_refused_with_the_exact_message() {
    let base = header("1h")
        + "[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 2\ninstance = \"m5.large\"\n";
    assert_refused(
        &base,
        &[
            (
                "pricing = \"savings-plan-5y\"",
                "line 14, key `architectures[0].pricing`: unknown pricing \"savings-plan-5y\"; expected \"on-demand\" or one of savings-plan-1y, savings-plan-3y, reserved-1y, reserved-3y",
            ),
            (
                "pricing = { commitment = \"reserved-1y\", on_demand_share = 1.5 }",
                "line 14, key `architectures[0].pricing.on_demand_share`: expected an on-demand share in [0, 1), found 1.5",
            ),
            (
                "pricing = { commitment = \"reserved-1y\", upfront = \"some\" }",
                "line 14, key `architectures[0].pricing.upfront`: unknown variant `some`, expected one of `none`, `partial`, `all`",
            ),
            (
                "pricing = { gb_second = 0.00001 }",
                "line 14, key `architectures[0].pricing.gb_second`: `gb_second` prices functions; a fleet's `pricing` takes `commitment`, `upfront`, `on_demand_share`, `committed_servers`, `price_per_hour`, `source`, `date`",
            ),
            (
                "pricing = { on_demand_share = 0.3 }",
                "line 14, key `architectures[0].pricing.on_demand_share`: `on_demand_share` needs a commitment: set commitment = \"savings-plan-3y\" (or another of savings-plan-1y, savings-plan-3y, reserved-1y, reserved-3y)",
            ),
        ],
    );
    // Serverless takes Compute Savings Plans (tests/it/lambda_prices.rs),
    // not the fleet-only terms.
    let serverless = header("1h") + "[[architectures]]\nname = \"l\"\nkind = \"serverless\"\n";
    assert_refused(
        &serverless,
        &[(
            "pricing = { commitment = \"savings-plan-1y\", on_demand_share = 0.3 }",
            "line 12, key `architectures[0].pricing`: a serverless `pricing` is \"savings-plan-1y\" or \"savings-plan-3y\" (Compute Savings Plans; Lambda has no Reserved Instances), or a table of `commitment`, `upfront`, `request_per_million`, `gb_second`, `provisioned_gb_second`, `provisioned_execution_gb_second`, `gateway_per_million`, `source`, `date`",
        )],
    );
}
