//! What `check` says about a microservices architecture: its line, then
//! one per service fleet.

use crate::kinds::microservices::spec::{MicroservicesSpec, ServiceFleet};
use crate::kinds::servers::describe::{concurrency_note, controller_summary};
use crate::kinds::servers::spec::controller::ControllerSpec;
use crate::scenario::Scenario;
use crate::scenario::describe::{Describe, spelled};
use std::fmt::Write as _;

impl Describe for MicroservicesSpec {
    fn describe(&self, s: &mut String, name: &str, sc: &Scenario) {
        let m = self;
        let _ = writeln!(s, "  {:<12} microservices, hop {}", name, m.hop_latency);
        for (svc, f) in sc.services.iter().zip(&m.fleets) {
            let what = match f {
                ServiceFleet::Fixed(f) => {
                    format!(
                        "fleet of {} × {} ({} vCPU)",
                        f.servers, f.instance.name, f.instance.vcpus
                    )
                }
                ServiceFleet::Autoscaled(x) => format!(
                    "autoscaled {}..{} × {} ({} vCPU), {} target {}{}",
                    x.scaling.min,
                    x.scaling.max,
                    x.fleet.instance.name,
                    x.fleet.instance.vcpus,
                    spelled(x.scaling.metric),
                    x.scaling.target,
                    match x.scaling.controller {
                        // The line custom services have always had.
                        ControllerSpec::Custom => String::new(),
                        _ => format!(", {}", controller_summary(&x.scaling)),
                    }
                ),
            };
            let _ = writeln!(
                s,
                "    {:<10} {what}{}",
                svc.name,
                concurrency_note(f.fleet())
            );
        }
    }
}
