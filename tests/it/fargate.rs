//! Fargate tasks as a fleet's servers: hand-computed bills at the
//! published vCPU-hour and GB-hour prices, Compute Savings Plans on them,
//! and the messages for task sizes Fargate does not sell.
//!
//! A 1 vCPU, 2 GB x86 task is $0.04048 + 2 × $0.004445 = $0.04937 per
//! hour (us-east-1, March 2026).

use crate::common::{assert_refused, header};
use scalesim::results::summary::ArchitectureResult;

const TASK: &str = "{ platform = \"fargate\", vcpus = 1, memory = \"2GB\" }";

use crate::common::run_first as run;

/// `tasks` tasks of `instance` for one hour, bought with `pricing`.
fn fixed(tasks: u32, instance: &str, pricing: &str) -> ArchitectureResult {
    run(&format!(
        "{}[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = {tasks}\ninstance = {instance}\npricing = {pricing}\n",
        header("1h")
    ))
}

/// To a hundredth of a cent, so that a wrong rate cannot round right.
fn basis_points(usd: f64) -> i64 {
    (usd * 10_000.0).round() as i64
}

#[test]
fn a_task_is_billed_for_its_vcpus_and_memory() {
    // 3 × $0.04937 = $0.14811.
    let r = fixed(3, TASK, "\"on-demand\"");
    assert_eq!(basis_points(r.cost.total_usd), 1481);
    assert!((r.cost.total_usd - 0.14811).abs() < 1e-9);
    let note = &r.prices[0];
    assert_eq!(note.item, "fargate 1 vCPU 2 GB");
    assert_eq!(note.unit, "task-hour");
    assert_eq!(note.date, "2026-03");
    // Graviton: 2 × $0.03238 + 4 × $0.00356 = $0.0790 per task-hour.
    let arm = fixed(
        1,
        "{ platform = \"fargate\", vcpus = 2, memory = \"4GB\", cpu = \"arm64\" }",
        "\"on-demand\"",
    );
    assert!((arm.cost.total_usd - 0.0790).abs() < 1e-9);
}

#[test]
fn a_compute_savings_plan_discounts_fargate_at_its_own_rate() {
    // 3-year, no upfront: 45 % off Fargate (not EC2's 50 %):
    // 3 × $0.04937 × 0.55 = $0.0814605.
    let r = fixed(3, TASK, "\"savings-plan-3y\"");
    assert_eq!(basis_points(r.cost.total_usd), 815);
    // All upfront: 50 % off, $0.074055.
    let r = fixed(
        3,
        TASK,
        "{ commitment = \"savings-plan-3y\", upfront = \"all\" }",
    );
    assert!((r.cost.total_usd - 0.074055).abs() < 1e-9);
    let committed = r
        .prices
        .iter()
        .find(|p| p.unit == "committed task-hour")
        .unwrap();
    assert!((committed.price_usd - 0.024685).abs() < 1e-12);
}

/// The fleet of `commitments::scheduled`: 22/3 task-hours, a task launched
/// at 01:00 billed from launch like a server.
#[test]
fn an_autoscaled_fargate_service_pays_for_its_task_hours() {
    let r = run(&format!(
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
name = "fargate"
kind = "autoscaled"
instance = {TASK}
min = 1
max = 10
evaluation = "5m"
boot_time = "0s"
scale_in_cooldown = "5m"
scheduled = [{{ at = "01:00", min = 5 }}, {{ at = "02:00", min = 1 }}]
"#
    ));
    // 22/3 × $0.04937 = $0.36204667.
    assert!((r.cost.total_usd - 22.0 / 3.0 * 0.04937).abs() < 1e-9);
}

#[test]
fn task_sizes_fargate_does_not_sell_are_refused() {
    let base = format!(
        "{}[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 1\n",
        header("1h")
    );
    assert_refused(
        &base,
        &[
            (
                "instance = { platform = \"fargate\", vcpus = 1, memory = \"1GB\" }",
                "line 13, key `architectures[0].instance`: Fargate has no task of 1 vCPU and 1 GB; it offers 0.25 vCPU: 0.5, 1 or 2 GB; 0.5 vCPU: 1-4 GB; 1 vCPU: 2-8 GB; 2 vCPU: 4-16 GB (1 GB steps); 4 vCPU: 8-30 GB (1 GB steps); 8 vCPU: 16-60 GB (4 GB steps); 16 vCPU: 32-120 GB (8 GB steps)",
            ),
            (
                "instance = { platform = \"fargate\", vcpus = 3, memory = \"8GB\" }",
                "line 13, key `architectures[0].instance`: Fargate has no task of 3 vCPU and 8 GB; it offers 0.25 vCPU: 0.5, 1 or 2 GB; 0.5 vCPU: 1-4 GB; 1 vCPU: 2-8 GB; 2 vCPU: 4-16 GB (1 GB steps); 4 vCPU: 8-30 GB (1 GB steps); 8 vCPU: 16-60 GB (4 GB steps); 16 vCPU: 32-120 GB (8 GB steps)",
            ),
            (
                "instance = { platform = \"fargate\", vcpus = 0.5, memory = \"1GB\" }",
                "line 13, key `architectures[0].instance`: a 0.5-vCPU Fargate task is not modelled: a fleet's job holds one whole vCPU; use vcpus = 1 or more",
            ),
            (
                "instance = { platform = \"fargate\", vcpus = 1 }",
                "line 13, key `architectures[0].instance`: a Fargate task needs `memory`, such as \"2GB\"",
            ),
            (
                "instance = { vcpus = 1.5, memory = \"2GB\", price_per_hour = 0.1 }",
                "line 13, key `architectures[0].instance`: expected a whole number of vcpus, found 1.5 (fractions are for Fargate tasks: platform = \"fargate\")",
            ),
            (
                "instance = { platform = \"lambda\", vcpus = 1 }",
                "line 13, key `architectures[0].instance.platform`: unknown variant `lambda`, expected one of `ec2`, `fargate`, `lambda-managed`",
            ),
            (
                &format!("instance = {TASK}\npricing = \"reserved-3y\""),
                "line 14, key `architectures[0].pricing`: Fargate tasks cannot be bought as \"reserved-3y\": Reserved Instances are EC2 only; Compute Savings Plans (\"savings-plan-1y\", \"savings-plan-3y\") cover Fargate",
            ),
        ],
    );
}

#[test]
fn a_task_stopped_within_a_minute_is_billed_a_minute() {
    // Fargate's minimum is EC2's (per second, at least 60 s), charged by
    // the same rule for every server a fleet stops: a task up for 10 s of
    // an hour's window costs 60 s at $0.04937 per hour.
    use scalesim::pricing::cost::{SERVER_MINIMUM, billed_seconds};
    use scalesim::time::SimTime;
    let secs = billed_seconds(
        SimTime::from_secs(600),
        SimTime::from_secs(610),
        SimTime::ZERO,
        SimTime::from_secs(3600),
        SERVER_MINIMUM,
    );
    assert_eq!(secs, 60.0);
    assert_eq!(basis_points(secs * 0.04937 / 3600.0), 8);
}
