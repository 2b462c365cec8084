//! The platform controllers of autoscaled fleets (`controller =
//! "kubernetes-hpa" | "ec2-target-tracking"`), run end to end on a
//! saturating step: each follows its platform's documented sequence of
//! sizes, and `custom` stays the default. Their keys are checked like any
//! other.

use crate::common::{assert_refused, header, scenario};
use scalesim::results::summary::ArchitectureResult;

/// 8 rps of 100 ms (10 % of 4 two-vCPU servers) for two minutes, then
/// 2,000 rps: far beyond any size allowed, so every ready vCPU is busy and
/// the CPU metric reads 100 % against a 50 % target (ratio 2). Servers
/// boot at once.
fn step(controller: &str) -> String {
    format!(
        r#"
name = "step"
duration = "20m"
seed = 3
window = "15s"
[demand]
shape = "steps"
steps = [{{ at = "0s", rps = 8 }}, {{ at = "2m", rps = 2000 }}]
[[services]]
name = "api"
work = "100ms"
[[architectures]]
name = "asg"
kind = "autoscaled"
instance = "m5.large"
min = 4
max = 40
boot_time = "0s"
policy = {{ metric = "cpu", target = 0.5 }}
{controller}
"#
    )
}

use crate::common::run_first as run;

/// The launched servers of each 15 s window from `from` s, `n` of them.
fn sizes(r: &ArchitectureResult, from: f64, n: usize) -> Vec<f64> {
    r.timeseries
        .iter()
        .filter(|w| w.start_s >= from)
        .take(n)
        .map(|w| w.servers)
        .collect()
}

/// Every 15 s the HPA asks for twice the ready pods and the default
/// policy (+100 % or +4 per 15 s) allows exactly that: 4 → 8 → 16 → 32,
/// then max = 40, at the syncs of 135, 150, 165 and 180 s.
#[test]
fn the_hpa_doubles_every_sync_on_a_saturating_step() {
    let r = run(&step("controller = \"kubernetes-hpa\""));
    assert_eq!(
        sizes(&r, 105.0, 7),
        vec![4.0, 4.0, 8.0, 16.0, 32.0, 40.0, 40.0]
    );
}

/// EC2 target tracking: the first saturated datapoint closes at 180 s, the
/// alarm fires on the third (300 s) and doubles to 8; the 4 new instances
/// warm for 120 s, out of the metric, so the next doubling waits for the
/// datapoint after they count (480 s), then 32 at 660 s and 40 at 840 s.
#[test]
fn ec2_target_tracking_waits_for_its_alarm_and_for_warmup() {
    let r = run(&step(
        "controller = \"ec2-target-tracking\"\ninstance_warmup = \"2m\"",
    ));
    let at = |t: f64| sizes(&r, t, 1)[0];
    assert_eq!(
        [285.0, 300.0, 465.0, 480.0, 645.0, 660.0, 825.0, 840.0].map(at),
        [4.0, 8.0, 8.0, 16.0, 16.0, 32.0, 32.0, 40.0]
    );
}

/// `custom` is what a table without `controller` gets: its cooldowns and
/// 60 s evaluations double the fleet every minute from 180 s.
#[test]
fn custom_is_the_default_controller() {
    let implicit = run(&step("scale_out_cooldown = \"1m\""));
    let explicit = run(&step(
        "controller = \"custom\"\nscale_out_cooldown = \"1m\"",
    ));
    assert_eq!(
        serde_json::to_string(&implicit).unwrap(),
        serde_json::to_string(&explicit).unwrap()
    );
    let at = |t: f64| sizes(&implicit, t, 1)[0];
    assert_eq!(
        [165.0, 180.0, 240.0, 300.0, 360.0].map(at),
        [4.0, 8.0, 16.0, 32.0, 40.0]
    );
}

/// An autoscaled microservice takes a controller of its own.
#[test]
fn a_service_fleet_takes_a_controller() {
    let text = format!(
        "{}[[architectures]]\nname = \"ms\"\nkind = \"microservices\"\ninstance = \"m5.large\"\n\
         [architectures.services.api]\nkind = \"autoscaled\"\nmax = 8\ncontroller = \"kubernetes-hpa\"\n\
         behavior = {{ scale_down = {{ stabilization_window = \"1m\" }} }}\n",
        header("10m")
    );
    let s = scenario(&text);
    assert!(
        s.describe()
            .contains("kubernetes-hpa (stabilization up 0s / down 1m)")
    );
}

#[test]
fn controller_keys_are_checked() {
    let base = format!(
        "{}[[architectures]]\nname = \"a\"\nkind = \"autoscaled\"\ninstance = \"m5.large\"\nmax = 4\n",
        header("1h")
    );
    assert_refused(
        &base,
        &[
            (
                "controller = \"kubernetes-hpa\"\nscale_in_cooldown = \"5m\"",
                "line 15, key `architectures[0].scale_in_cooldown`: key `scale_in_cooldown` applies only to controller = \"custom\" (the HPA's is behavior.scale_down.stabilization_window; EC2's scale-in waits for alarm_datapoints)",
            ),
            (
                "instance_warmup = \"1m\"",
                "line 14, key `architectures[0].instance_warmup`: key `instance_warmup` applies only to controller = \"ec2-target-tracking\"",
            ),
            (
                "controller = \"ec2-target-tracking\"\nbehavior = {}",
                "line 15, key `architectures[0].behavior`: key `behavior` applies only to controller = \"kubernetes-hpa\"",
            ),
            (
                "controller = \"ec2-target-tracking\"\nevaluation = \"5m\"",
                "line 15, key `architectures[0].evaluation`: expected a metric period between 10s and 60s for ec2-target-tracking",
            ),
            (
                "controller = \"kubernetes-hpa\"\nbehavior = { scale_up = { policies = [] } }",
                "line 15, key `architectures[0].behavior.scale_up.policies`: expected at least one policy, such as { type = \"Pods\", value = 4, period = \"15s\" }",
            ),
            (
                "controller = \"kubernetes-hpa\"\nbehavior = { scale_up = { policies = [{ type = \"Pods\", value = 0, period = \"15s\" }] } }",
                "line 15, key `architectures[0].behavior.scale_up.policies[0]`: expected value > 0 and a period in (0s, 30m]",
            ),
            (
                "controller = \"ec2-target-tracking\"\nalarm_datapoints = { scale_out = 0 }",
                "line 15, key `architectures[0].alarm_datapoints.scale_out`: expected between 1 and 100 datapoints, found 0",
            ),
        ],
    );
}
