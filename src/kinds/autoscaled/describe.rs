//! What `check` says about an autoscaled fleet.

use crate::kinds::autoscaled::spec::AutoscaledSpec;
use crate::kinds::servers::describe::{
    concurrency_note, controller_summary, lambda_managed, spot_note,
};
use crate::kinds::servers::spec::size_fleet;
use crate::scenario::describe::{Describe, spelled};
use crate::scenario::{Metric, Scenario};
use std::fmt::Write as _;

impl Describe for AutoscaledSpec {
    fn describe(&self, s: &mut String, name: &str, sc: &Scenario) {
        let x = self;
        let z = &x.scaling;
        let f = &x.fleet;
        // Where target tracking on CPU should settle for the mean demand.
        let settle = match z.metric {
            Metric::Cpu => format!(
                ", settles near {} for the mean demand",
                size_fleet(
                    sc.demand.profile.mean(sc.duration),
                    sc.calls.mean_work(&sc.services) / f.instance.speed,
                    f.instance.vcpus,
                    z.target
                )
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "  {:<12} autoscaled {} × {} ({} vCPU, ${}/h), {}..{} servers, {} target {}, every {}, boot {}, {}, tolerance {}{}{}{}{}{}",
            name,
            f.servers,
            f.instance.name,
            f.instance.vcpus,
            f.instance.price_per_hour,
            z.min,
            z.max,
            spelled(z.metric),
            z.target,
            z.evaluation,
            z.boot_time.describe(),
            controller_summary(z),
            z.tolerance,
            settle,
            f.pricing.describe(),
            f.spot.as_ref().map(|x| x.describe()).unwrap_or_default(),
            lambda_managed(&f.instance),
            concurrency_note(f),
        );
    }

    fn spot_note(&self, name: &str) -> Option<String> {
        spot_note(name, &self.fleet)
    }
}
