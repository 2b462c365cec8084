//! What `scalesim check` prints: the resolved scenario in words, one
//! section per part and one line per architecture (with its functions or
//! services below it), plus the notes on fleets sized from the demand.

use super::{ArchitectureSpec, Metric, ScaleRefill, Scenario};
use crate::kinds::autoscaled::spec::AutoscaledSpec;
use crate::kinds::microservices::spec::{MicroservicesSpec, ServiceFleet};
use crate::kinds::serverless::spec::{InstanceBilling, ServerlessSpec};
use crate::kinds::servers::spec::controller::ControllerSpec;
use crate::kinds::servers::spec::scaling::ScalingSpec;
use crate::kinds::servers::spec::{FleetSpec, size_fleet};
use crate::time::SimTime;
use std::fmt::Write as _;

impl Scenario {
    /// One line per architecture whose size was derived from the demand,
    /// so the user sees what "sized for the peak" resolved to.
    pub fn sizing_notes(&self) -> Vec<String> {
        self.architectures
            .iter()
            .filter_map(|a| match &a.spec {
                ArchitectureSpec::Fleet(f) => f.sizing.map(|z| {
                    format!(
                        "{}: {} × {} (sized for the {} of {:.2} rps at {:.0}% utilisation)",
                        a.name,
                        f.servers,
                        f.instance.name,
                        format!("{:?}", z.basis).to_lowercase(),
                        z.rate,
                        z.utilization * 100.0
                    )
                }),
                ArchitectureSpec::Serverless(_)
                | ArchitectureSpec::Autoscaled(_)
                | ArchitectureSpec::Microservices(_) => None,
            })
            .chain(self.architectures.iter().filter_map(|a| {
                let fleet = match &a.spec {
                    ArchitectureSpec::Fleet(f) => f,
                    ArchitectureSpec::Autoscaled(x) => &x.fleet,
                    _ => return None,
                };
                let spot = fleet.spot.as_ref()?;
                Some(format!(
                    "{}: {}{}",
                    a.name,
                    fleet.instance.name,
                    spot.describe()
                ))
            }))
            .collect()
    }

    /// A human description of the resolved scenario, for `scalesim check`.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        self.describe_run(&mut s);
        self.describe_services(&mut s);
        if let Some(slo) = &self.slo {
            let _ = writeln!(s, "slo        {slo}");
        }
        if let Some(line) = self.prices.describe() {
            let _ = writeln!(s, "prices     {line}");
        }
        let _ = writeln!(s, "architectures");
        for a in &self.architectures {
            match &a.spec {
                ArchitectureSpec::Fleet(f) => describe_fleet(&mut s, &a.name, f),
                ArchitectureSpec::Microservices(m) => {
                    self.describe_microservices(&mut s, &a.name, m)
                }
                ArchitectureSpec::Autoscaled(x) => self.describe_autoscaled(&mut s, &a.name, x),
                ArchitectureSpec::Serverless(sv) => describe_serverless(&mut s, &a.name, sv),
            }
        }
        s
    }

    /// Name, duration and demand.
    fn describe_run(&self, s: &mut String) {
        let h = self.duration;
        let _ = writeln!(s, "scenario   {}", self.name);
        if !self.description.is_empty() {
            let _ = writeln!(s, "           {}", self.description);
        }
        let _ = writeln!(
            s,
            "duration   {} (warmup {}), window {}, seed {}",
            h, self.warmup, self.window, self.seed
        );
        // Only when asked for, so that `check` prints what it always has
        // for a single run.
        if self.replications > 1 {
            let _ = writeln!(
                s,
                "replications {} (independent seeds: every stream drawn from (seed, replication, purpose))",
                self.replications
            );
        }
        let p = &self.demand.profile;
        let _ = writeln!(
            s,
            "demand     {}, {} arrivals: mean {:.2} rps, peak {:.2} rps, {:.0} requests expected",
            self.demand.description,
            spelled(self.demand.arrivals),
            p.mean(h),
            p.peak(h),
            p.cumulative(h)
        );
    }

    /// The services, their calls, and what one request costs in work.
    fn describe_services(&self, s: &mut String) {
        let _ = writeln!(s, "services");
        for svc in &self.services {
            let calls: Vec<String> = svc
                .calls
                .iter()
                .map(|c| format!("{} ({:?})", self.services[c.service].name, c.mode).to_lowercase())
                .collect();
            let _ = writeln!(
                s,
                "  {:<12} work {} (mean {}){}",
                svc.name,
                svc.work.describe(),
                SimTime::from_secs_f64(svc.work.mean()),
                if calls.is_empty() {
                    String::new()
                } else {
                    format!(", calls {}", calls.join(", "))
                }
            );
        }
        let mean_work = SimTime::from_secs_f64(self.calls.mean_work(&self.services));
        if self.calls.entries.len() == 1 {
            let _ = writeln!(
                s,
                "  a request causes {} invocation(s), mean work {mean_work} at 1 vCPU",
                self.calls.len(),
            );
        } else {
            let _ = writeln!(
                s,
                "  requests enter at {} services (one per function), mean work {mean_work} at 1 vCPU",
                self.calls.entries.len(),
            );
        }
    }

    fn describe_microservices(&self, s: &mut String, name: &str, m: &MicroservicesSpec) {
        let _ = writeln!(s, "  {:<12} microservices, hop {}", name, m.hop_latency);
        for (svc, f) in self.services.iter().zip(&m.fleets) {
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
            let _ = writeln!(s, "    {:<10} {what}", svc.name);
        }
    }

    fn describe_autoscaled(&self, s: &mut String, name: &str, x: &AutoscaledSpec) {
        let z = &x.scaling;
        let f = &x.fleet;
        // Where target tracking on CPU should settle for the mean demand.
        let settle = match z.metric {
            Metric::Cpu => format!(
                ", settles near {} for the mean demand",
                size_fleet(
                    self.demand.profile.mean(self.duration),
                    self.calls.mean_work(&self.services),
                    f.instance.vcpus,
                    z.target
                )
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "  {:<12} autoscaled {} × {} ({} vCPU, ${}/h), {}..{} servers, {} target {}, every {}, boot {}, {}, tolerance {}{}{}{}{}",
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
        );
    }
}

fn describe_fleet(s: &mut String, name: &str, f: &FleetSpec) {
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
        "  {:<12} fleet of {} × {} ({} vCPU, ${}/h){}{}{}{}{}{}",
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
    );
}

/// The fees Lambda Managed Instances add to an instance's EC2 price.
fn lambda_managed(inst: &crate::pricing::entries::Instance) -> String {
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

/// The platform line, then one line per function.
fn describe_serverless(s: &mut String, name: &str, sv: &ServerlessSpec) {
    let _ = writeln!(
        s,
        "  {:<12} serverless, account concurrency {}, gateway {}{}",
        name,
        sv.concurrency_limit,
        spelled(sv.gateway),
        if sv.gateway_latency > SimTime::ZERO {
            format!(" (+{})", sv.gateway_latency)
        } else {
            String::new()
        }
    );
    for f in &sv.functions {
        let _ = writeln!(
            s,
            "    {:<10} {} MB {} (work × {:.2}), cold start {}, keep-alive {}, {} new per {}{}, {} per instance, {} idle selection, hop {}{}{}{}, {}",
            f.name,
            f.memory_mb,
            spelled(f.cpu),
            f.slowdown(),
            f.cold_start.describe(),
            match &f.hybrid {
                None => f.keep_alive.to_string(),
                Some(h) => format!("hybrid-histogram (fallback {})", h.fallback),
            },
            f.scale_instances,
            f.scale_per,
            match f.scale_refill {
                ScaleRefill::Continuous => "",
                ScaleRefill::Aligned => " (aligned windows)",
            },
            f.instance_concurrency,
            spelled(f.idle_selection),
            f.hop_latency,
            if f.provisioned > 0 {
                format!(", {} provisioned", f.provisioned)
            } else {
                String::new()
            },
            f.reserved_concurrency
                .map(|r| format!(", reserved {r}"))
                .unwrap_or_default(),
            f.max_instances
                .map(|m| format!(
                    ", at most {m} instances (pending up to {})",
                    f.pending_timeout
                ))
                .unwrap_or_default(),
            match f.instance_billing {
                InstanceBilling::PerInvocation => format!("${}/GB-s", f.pricing.gb_second),
                InstanceBilling::WhileServing { per_second } => {
                    format!("${per_second}/instance-s while serving")
                }
                InstanceBilling::Lifetime { per_second } => format!("${per_second}/instance-s"),
            },
        );
    }
}

/// The controller's part of an autoscaled line: `custom`'s cooldowns as
/// they always read, or the platform controller and what sets its pace.
fn controller_summary(z: &ScalingSpec) -> String {
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

/// A value as a scenario file spells it (`cpu`, `x86_64`,
/// `requests_per_server`, `mru`), from its Rust name: the words of a
/// CamelCase name, lower case, joined by underscores.
pub fn spelled(v: impl std::fmt::Debug) -> String {
    let name = format!("{v:?}");
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_lowercase());
    }
    out
}
