//! Lambda Managed Instances (`instance = { platform = "lambda-managed",
//! name = "m7g.large" }` on an autoscaled or fixed fleet): bills by hand to
//! the cent — the EC2 price (on demand or under a Savings Plan), the 15 %
//! management fee on the EC2 On-Demand price whatever covers the instance,
//! and $0.20 per million requests — the default of three instances, and
//! the messages for what it does not run on.
//!
//! m7g.large is $0.0816 an hour on demand (us-east-1, 2025-06); a 3-year
//! Compute Savings Plan, no upfront, takes 50 % off the EC2 part.

use crate::common::{assert_refused, header, scenario};
use scalesim::architectures;
use scalesim::results::summary::{ArchitectureResult, KindResult};

const LMI: &str = "{ platform = \"lambda-managed\", name = \"m7g.large\" }";

/// Ten requests a second of 50 ms for an hour on an autoscaled LMI fleet
/// of at most three instances, with `extra` keys.
fn run(extra: &str) -> ArchitectureResult {
    let s = scenario(&format!(
        r#"
name = "lmi"
duration = "1h"
[demand]
shape = "constant"
rps = 10
arrivals = "uniform"
[[services]]
name = "api"
work = "50ms"
[[architectures]]
name = "lmi"
kind = "autoscaled"
instance = {LMI}
max = 3
{extra}
"#
    ));
    architectures::run_architecture(&s, &s.architectures[0], 0)
}

fn cents(usd: f64) -> i64 {
    (usd * 100.0).round() as i64
}

#[test]
fn the_bill_is_ec2_plus_the_management_fee_plus_requests() {
    // Three instances (the default minimum) up for the hour:
    // EC2 3 × $0.0816 = $0.2448; fee 15 % × $0.2448 = $0.03672;
    // 36,000 requests × $0.20/M = $0.0072. Total $0.28872.
    let r = run("");
    assert_eq!(r.requests.completed, 36_000);
    let KindResult::Autoscaled(a) = &r.details else {
        panic!("autoscaled");
    };
    assert_eq!((r.servers, a.server_hours), (3, 3.0));
    assert!(
        (r.cost.total_usd - 0.28872).abs() < 1e-9,
        "{}",
        r.cost.total_usd
    );
    assert_eq!(cents(r.cost.total_usd), 29);
    let b = r.cost.breakdown;
    assert!((b.requests_usd - 0.0072).abs() < 1e-12);
    assert!((b.compute_usd + b.idle_usd - 0.2448 - 0.03672).abs() < 1e-9);
    let items: Vec<(&str, f64)> = r
        .prices
        .iter()
        .map(|p| (p.item.as_str(), p.price_usd))
        .collect();
    assert_eq!(items[0], ("m7g.large", 0.0816));
    assert_eq!(
        items[1].0,
        "m7g.large Lambda Managed Instances fee (15 % of on-demand)"
    );
    assert!((items[1].1 - 0.01224).abs() < 1e-12);
    assert_eq!(items[2], ("Lambda Managed Instances requests", 0.2));
}

#[test]
fn a_savings_plan_discounts_the_instance_not_the_fee_or_the_requests() {
    // EC2 at half price: 3 × $0.0408 = $0.1224; the fee stays 15 % of the
    // on-demand $0.2448 = $0.03672; requests $0.0072. Total $0.16632.
    let r = run("pricing = \"savings-plan-3y\"");
    assert!(
        (r.cost.total_usd - 0.16632).abs() < 1e-9,
        "{}",
        r.cost.total_usd
    );
    assert_eq!(cents(r.cost.total_usd), 17);
}

#[test]
fn lambda_managed_instances_are_refused_where_they_do_not_run() {
    let base = format!("{}[[architectures]]\nname = \"s\"\nmax = 4\n", header("1h"));
    assert_refused(
        &base,
        &[
            (
                "kind = \"autoscaled\"\ninstance = { platform = \"lambda-managed\", name = \"t3.micro\" }",
                "line 13, key `architectures[0].instance`: Lambda Managed Instances do not run on burstable types such as t3.micro; choose a C, M or R type",
            ),
            (
                "kind = \"autoscaled\"\ninstance = { platform = \"lambda-managed\", name = \"x9.huge\" }",
                "line 13, key `architectures[0].instance`: Lambda Managed Instances need an instance type: unknown type \"x9.huge\" in us-east-1; known types there: m5.large, m5.xlarge, m5.2xlarge, c5.large, c5.xlarge, c5.2xlarge, m7g.large, m7g.xlarge, t3.micro, t3.small, t3.medium, t3.large, t4g.micro, t4g.small, t4g.medium, t4g.large (or describe it inline with vcpus, memory and price_per_hour)",
            ),
        ],
    );
    let micro = format!(
        "{}[[architectures]]\nname = \"m\"\nkind = \"microservices\"\nservers = 2\ninstance = {LMI}\n",
        header("1h")
    );
    assert_refused(
        &micro,
        &[(
            "",
            "line 11, key `architectures[0].services.api.instance`: Lambda Managed Instances run one function per fleet: give it a `kind = \"autoscaled\"` (or \"fleet\") architecture of its own",
        )],
    );
}

#[test]
fn a_fixed_fleet_of_managed_instances_pays_the_same_fees() {
    // Two m7g.large for an hour, 5 requests a second: 2 × $0.0816 × 1.15
    // = $0.18768, + 18,000 × $0.20/M = $0.0036. Total $0.19128.
    let s = scenario(&format!(
        "name = \"x\"\nduration = \"1h\"\n[demand]\nshape = \"constant\"\nrps = 5\narrivals = \"uniform\"\n\
         [[services]]\nname = \"api\"\nwork = \"20ms\"\n\
         [[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 2\ninstance = {LMI}\n"
    ));
    let r = architectures::run_architecture(&s, &s.architectures[0], 0);
    assert_eq!(r.requests.arrived, 18_000);
    assert!(
        (r.cost.total_usd - 0.19128).abs() < 1e-9,
        "{}",
        r.cost.total_usd
    );
}

/// `check` names the platform and its fees on the fleet's line.
#[test]
fn check_prints_the_managed_instances_fees() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}[[architectures]]\nname = \"s\"\nkind = \"autoscaled\"\nmax = 4\ninstance = {LMI}\n",
        header("1h")
    );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["check", "s.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let line = stdout.lines().find(|l| l.contains("m7g.large")).unwrap();
    assert!(line.contains("3 × m7g.large"), "{line}");
    assert!(
        line.ends_with(", on Lambda Managed Instances (+15 % of on-demand, $0.2/M requests)"),
        "{line}"
    );
}
