//! What `check` says about a serverless architecture: the platform line,
//! then one line per function.

use crate::kinds::serverless::spec::cloud_run::Autoscaling;
use crate::kinds::serverless::spec::{InstanceBilling, ServerlessSpec};
use crate::scenario::describe::{Describe, spelled};
use crate::scenario::{ScaleRefill, Scenario};
use crate::time::SimTime;
use std::fmt::Write as _;

impl Describe for ServerlessSpec {
    /// The platform line, then one line per function.
    fn describe(&self, s: &mut String, name: &str, _: &Scenario) {
        let sv = self;
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
                "    {:<10} {} MB {} (work × {:.2}), cold start {}, keep-alive {}, {} new per {}{}, {} per instance, {} idle selection, hop {}{}{}{}{}, {}",
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
                f.autoscaling
                    .map(|a| format!(", autoscaler {}", targets(a)))
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
}

/// Cloud Run's autoscaling targets as `check` shows them.
fn targets(a: Autoscaling) -> String {
    let driver = |name: &str, t: f64| {
        if t == 0.0 {
            format!("{name} off")
        } else {
            format!("{name} {:.0} %", t * 100.0)
        }
    };
    format!(
        "{}, {}",
        driver("CPU", a.cpu_target),
        driver("concurrency", a.concurrency_target)
    )
}
