//! What `check` says about any fleet of servers: its spot note, the
//! Lambda Managed Instances fees on its instance, and an autoscaling
//! controller in a few words.

use crate::kinds::servers::spec::FleetSpec;
use crate::kinds::servers::spec::controller::ControllerSpec;
use crate::kinds::servers::spec::scaling::ScalingSpec;

/// A fleet on spot: its instance and how it is interrupted.
pub fn spot_note(name: &str, fleet: &FleetSpec) -> Option<String> {
    let spot = fleet.spot.as_ref()?;
    Some(format!(
        "{}: {}{}",
        name,
        fleet.instance.name,
        spot.describe()
    ))
}

/// The fees Lambda Managed Instances add to an instance's EC2 price.
pub fn lambda_managed(inst: &crate::pricing::entries::Instance) -> String {
    inst.lambda_managed
        .as_ref()
        .map(|m| {
            format!(
                ", on Lambda Managed Instances (+{} % of on-demand, ${}/M requests)",
                m.management_fee * 100.0,
                m.request_per_million
            )
        })
        .unwrap_or_default()
}

/// A fleet's `concurrency` when it is not one request per vCPU: how
/// many requests a server takes, and whether they share its CPUs.
pub fn concurrency_note(f: &FleetSpec) -> String {
    let (c, v) = (f.concurrency, f.instance.vcpus);
    let speed = if f.instance.speed == 1.0 {
        String::new()
    } else {
        format!(
            ", vCPU speed {} (work takes work / {})",
            f.instance.speed, f.instance.speed
        )
    };
    let memory = f.memory_bound.map_or(String::new(), |asked| {
        format!(
            " (memory-bound: its {} MB hold {c}, not the {asked} asked)",
            f.instance.memory_mb
        )
    });
    if c == v && memory.is_empty() {
        speed
    } else if c > v {
        format!(", {c} requests at once per server sharing its {v} vCPU{memory}{speed}")
    } else {
        format!(", {c} request(s) at once per server{memory}{speed}")
    }
}

/// The controller's part of an autoscaled line: `custom`'s cooldowns as
/// they always read, or the platform controller and what sets its pace.
pub fn controller_summary(z: &ScalingSpec) -> String {
    match &z.controller {
        ControllerSpec::Custom => format!(
            "cooldown out {} / in {}",
            z.scale_out_cooldown, z.scale_in_cooldown
        ),
        ControllerSpec::KubernetesHpa(b) => format!(
            "kubernetes-hpa (stabilization up {} / down {})",
            b.scale_up.stabilization_window, b.scale_down.stabilization_window
        ),
        ControllerSpec::Ec2TargetTracking(a) => format!(
            "ec2-target-tracking (instance warmup {}, alarms {} / {} datapoints)",
            a.instance_warmup, a.scale_out_datapoints, a.scale_in_datapoints
        ),
    }
}
