//! The report's like-for-like check: whether the compared architectures
//! pay for the same things. A comparison is only as fair as its least
//! complete bill: Lambda behind API Gateway pays its front door while a
//! fleet here pays none (load balancers are not modelled yet), and a free
//! tier taken on one side only flatters it. Each difference gets a line,
//! so that a reader of the decision document sees it next to the numbers.

use crate::kinds::serverless::spec::ServerlessSpec;
use crate::numbers;
use crate::pricing::entries::GatewayKind;
use crate::results::summary::RunSummary;
use crate::scenario::{ArchitectureSpec, Scenario};
use std::fmt::Write as _;

/// What stands in front of an architecture, and whether the bill has it.
fn front_door(spec: &ArchitectureSpec) -> (&'static str, bool) {
    match spec {
        ArchitectureSpec::Serverless(s) => serverless_door(s),
        _ => ("no load balancer priced", false),
    }
}

fn serverless_door(s: &ServerlessSpec) -> (&'static str, bool) {
    if s.functions.iter().any(|f| f.vcpus.is_some()) {
        // Cloud Run serves HTTPS itself, at no charge of its own.
        return ("Cloud Run's own endpoint", true);
    }
    match s.gateway {
        GatewayKind::Http => ("API Gateway HTTP API", true),
        GatewayKind::Rest => ("API Gateway REST API", true),
        GatewayKind::None => ("no API gateway priced", false),
    }
}

fn free_tier(spec: &ArchitectureSpec) -> bool {
    matches!(spec, ArchitectureSpec::Serverless(s) if s.free_tier)
}

/// Appends the section when the architectures differ in their front door
/// or in free tiers; nothing when they pay for the same things.
pub fn section(md: &mut String, scenario: &Scenario, run: &RunSummary) {
    let lines = lines(scenario, run);
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "## Like for like\n\nThe architectures do not pay for the same things:\n"
    );
    for l in lines {
        let _ = writeln!(md, "- {l}");
    }
    md.push('\n');
}

/// The differences, one Markdown sentence each (none when the
/// architectures pay for the same things): for the report and the
/// terminal.
pub fn lines(scenario: &Scenario, run: &RunSummary) -> Vec<String> {
    let mut out = Vec::new();
    let archs: Vec<_> = run
        .architectures
        .iter()
        .filter_map(|r| {
            let a = scenario.architectures.iter().find(|a| a.name == r.name)?;
            Some((r, &a.spec))
        })
        .collect();
    if archs.len() < 2 {
        return out;
    }
    let doors: Vec<_> = archs.iter().map(|(_, s)| front_door(s)).collect();
    let frees: Vec<bool> = archs.iter().map(|(_, s)| free_tier(s)).collect();
    let doors_differ = doors.iter().any(|d| d.1 != doors[0].1);
    let frees_differ = frees.iter().any(|&f| f != frees[0]);
    if doors_differ {
        let mut paid = Vec::new();
        let mut none = Vec::new();
        for ((r, spec), (door, priced)) in archs.iter().zip(&doors) {
            let name = super::esc(&r.name);
            if *priced {
                let b = &r.cost.breakdown;
                let per_month = if r.cost.total_usd > 0.0 {
                    b.gateway_usd * r.cost.per_month_usd / r.cost.total_usd
                } else {
                    0.0
                };
                let what = if per_month > 0.0 {
                    format!("{}/month", numbers::usd(per_month))
                } else {
                    "in its price".to_string()
                };
                paid.push(format!("{name} ({door}, {what})"));
            } else if matches!(spec, ArchitectureSpec::Serverless(_)) {
                // Lambda with `gateway` left out: the scenario's choice,
                // not a gap in the model.
                none.push(format!("{name} (no `gateway` set)"));
            } else {
                none.push(name);
            }
        }
        out.push(format!(
            "Front door: {} {} one in {} bill; {} {} none, as load balancers (an \
             Application Load Balancer is about $16 a month plus capacity units) are \
             not modelled yet.",
            paid.join(", "),
            if paid.len() == 1 { "has" } else { "have" },
            if paid.len() == 1 { "its" } else { "their" },
            none.join(", "),
            if none.len() == 1 { "has" } else { "have" },
        ));
    }
    if frees_differ {
        let with: Vec<String> = archs
            .iter()
            .zip(&frees)
            .filter(|(_, f)| **f)
            .map(|((r, _), _)| super::esc(&r.name))
            .collect();
        out.push(format!(
            "Free tier: {} take{} the platform's monthly free tier off the bill; the \
             others pay in full.",
            with.join(", "),
            if with.len() == 1 { "s" } else { "" },
        ));
    }
    out
}
