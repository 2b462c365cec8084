//! What `check` says about a fixed fleet.

use crate::kinds::servers::describe::{concurrency_note, lambda_managed, spot_note};
use crate::kinds::servers::spec::FleetSpec;
use crate::scenario::Scenario;
use crate::scenario::describe::Describe;
use std::fmt::Write as _;

impl Describe for FleetSpec {
    fn describe(&self, out: &mut String, name: &str, _: &Scenario) {
        describe_fleet(out, name, self);
    }

    fn sizing_note(&self, name: &str) -> Option<String> {
        self.sizing.map(|z| {
            format!(
                "{}: {} × {} (sized for the {} of {:.2} rps at {:.0}% utilisation)",
                name,
                self.servers,
                self.instance.name,
                format!("{:?}", z.basis).to_lowercase(),
                z.rate,
                z.utilization * 100.0
            )
        })
    }

    fn spot_note(&self, name: &str) -> Option<String> {
        spot_note(name, self)
    }
}

pub fn describe_fleet(s: &mut String, name: &str, f: &FleetSpec) {
    let how = match f.sizing {
        Some(z) => format!(
            " (sized for the {:?} of {:.2} rps at {:.0}% utilisation)",
            z.basis,
            z.rate,
            z.utilization * 100.0
        )
        .to_lowercase(),
        None => String::new(),
    };
    let _ = writeln!(
        s,
        "  {:<12} fleet of {} × {} ({} vCPU, ${}/h){}{}{}{}{}{}{}",
        name,
        f.servers,
        f.instance.name,
        f.instance.vcpus,
        f.instance.price_per_hour,
        how,
        f.queue_limit
            .map(|q| format!(", queue limit {q}"))
            .unwrap_or_default(),
        f.timeout
            .map(|t| format!(", timeout {t}"))
            .unwrap_or_default(),
        f.pricing.describe(),
        f.spot.as_ref().map(|x| x.describe()).unwrap_or_default(),
        lambda_managed(&f.instance),
        concurrency_note(f),
    );
}
