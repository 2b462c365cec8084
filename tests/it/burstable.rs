//! Burstable instances (T3, T4g) in unlimited mode: CPU above the
//! baseline is billed per surplus vCPU-hour, by hand.
//!
//! t3.micro: 2 vCPUs, 10 % baseline per vCPU, $0.0104 an hour, $0.05 per
//! surplus vCPU-hour; t4g.micro the same at $0.0084 and $0.04
//! (`assets/prices/ec2-us-east-1.toml`).

use crate::common::scenario;
use scalesim::architectures;
use scalesim::results::summary::{ArchitectureResult, KindResult};

/// One request a second, evenly spaced, for an hour, each `work` of CPU,
/// on one server of `instance` (a fixed fleet, or `kind` keys).
fn run(work: &str, arch: &str) -> ArchitectureResult {
    let s = scenario(&format!(
        r#"
name = "burst"
duration = "1h"
[demand]
shape = "constant"
rps = 1
arrivals = "uniform"
[[services]]
name = "api"
work = "{work}"
[[architectures]]
name = "a"
{arch}
"#
    ));
    let r = architectures::run_architecture(&s, &s.architectures[0], 0);
    assert_eq!(r.requests.completed, 3600);
    r
}

fn assert_usd(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-9, "{got} against {want}");
}

#[test]
fn cpu_above_the_baseline_is_billed_per_surplus_vcpu_hour() {
    // Busy 3,600 × 0.5 s = 1,800 vCPU-s; the baseline allows 10 % × 2
    // vCPUs × 3,600 s = 720. Surplus 1,080 vCPU-s = 0.3 vCPU-hour × $0.05
    // = $0.015, on top of the hour's $0.0104.
    let r = run(
        "500ms",
        "kind = \"fleet\"\nservers = 1\ninstance = \"t3.micro\"",
    );
    assert_usd(r.cost.total_usd, 0.0254);
    let note = r
        .prices
        .iter()
        .find(|p| p.unit == "surplus vCPU-hour")
        .unwrap();
    assert_eq!(
        note.item,
        "t3.micro CPU above its 10 % baseline (0.30 vCPU-hours)"
    );
    assert_eq!(note.price_usd, 0.05);
    // T4g: 0.3 × $0.04 + $0.0084 = $0.0204.
    let r = run(
        "500ms",
        "kind = \"fleet\"\nservers = 1\ninstance = \"t4g.micro\"",
    );
    assert_usd(r.cost.total_usd, 0.0204);
    // An autoscaled group held at one server bills the same surplus.
    let r = run(
        "500ms",
        "kind = \"autoscaled\"\nmin = 1\nmax = 1\ninstance = \"t3.micro\"",
    );
    assert_usd(r.cost.total_usd, 0.0254);
}

#[test]
fn a_fleet_under_its_baseline_pays_nothing_more_and_says_nothing() {
    // 360 vCPU-s busy against 720 allowed.
    let r = run(
        "100ms",
        "kind = \"fleet\"\nservers = 1\ninstance = \"t3.micro\"",
    );
    assert_usd(r.cost.total_usd, 0.0104);
    assert!(r.prices.iter().all(|p| p.unit != "surplus vCPU-hour"));
    // t3.medium: 20 % of 2 vCPUs allows 1,440 vCPU-s an hour; 0.3 s a
    // second is 1,080: under it.
    let r = run(
        "300ms",
        "kind = \"fleet\"\nservers = 1\ninstance = \"t3.medium\"",
    );
    assert_usd(r.cost.total_usd, 0.0416);
    // 0.5 s a second is 1,800: 360 vCPU-s = 0.1 vCPU-hour × $0.05 above.
    let r = run(
        "500ms",
        "kind = \"fleet\"\nservers = 1\ninstance = \"t3.medium\"",
    );
    assert_usd(r.cost.total_usd, 0.0466);
}

#[test]
fn an_inline_instance_with_a_baseline_is_burstable() {
    // The t3.micro's numbers written inline: the same $0.0254 as the
    // catalog's type for 0.5 s of CPU a second.
    let r = run(
        "500ms",
        "kind = \"fleet\"\nservers = 1\ninstance = { name = \"my.t3\", vcpus = 2, memory = \"1GB\", \
         price_per_hour = 0.0104, baseline = 0.1, surplus_per_vcpu_hour = 0.05 }",
    );
    assert_usd(r.cost.total_usd, 0.0254);
    assert!(
        r.prices
            .iter()
            .any(|p| p.item == "my.t3 CPU above its 10 % baseline (0.30 vCPU-hours)")
    );
}

#[test]
fn each_microservice_pays_for_its_own_surplus() {
    // One service on one t3.micro, fixed or autoscaled at one server: the
    // fleet's $0.0254, its surplus note named after the service.
    for fleet in [
        "",
        "\n[architectures.services.api]\nkind = \"autoscaled\"\nmin = 1\nmax = 1",
    ] {
        let r = run(
            "500ms",
            &format!("kind = \"microservices\"\nservers = 1\ninstance = \"t3.micro\"{fleet}"),
        );
        assert_usd(r.cost.total_usd, 0.0254);
        let KindResult::Microservices(m) = &r.details else {
            panic!("a microservices result")
        };
        assert_usd(m.services[0].cost_usd, 0.0254);
        assert!(
            r.prices
                .iter()
                .any(|p| p.item == "api: t3.micro CPU above its 10 % baseline (0.30 vCPU-hours)"),
            "{:?}",
            r.prices
        );
        // The surplus is compute that did work: in compute, not idle.
        let b = r.cost.breakdown;
        assert_usd(b.compute_usd + b.idle_usd, 0.0254);
        assert!(b.compute_usd >= 0.015);
    }
    // Under its baseline a service pays the hour alone.
    let r = run(
        "100ms",
        "kind = \"microservices\"\nservers = 1\ninstance = \"t3.micro\"",
    );
    assert_usd(r.cost.total_usd, 0.0104);
}

#[test]
fn a_half_described_burstable_instance_is_refused() {
    let base = crate::common::header("1h")
        + "[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 1\n";
    crate::common::assert_refused(
        &base,
        &[
            (
                "instance = { vcpus = 2, memory = \"1GB\", price_per_hour = 0.0104, baseline = 0.1 }",
                "line 13, key `architectures[0].instance`: a burstable instance needs both `baseline` (a share of each vCPU, such as 0.2) and `surplus_per_vcpu_hour` (such as 0.05)",
            ),
            (
                "instance = { vcpus = 2, memory = \"1GB\", price_per_hour = 0.0104, baseline = 1.5, surplus_per_vcpu_hour = 0.05 }",
                "line 13, key `architectures[0].instance`: expected a baseline share of each vCPU in (0, 1], such as 0.2, found 1.5",
            ),
        ],
    );
}
