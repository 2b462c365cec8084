//! The files of a plan: `plan.json` (every candidate and the choices) and
//! `plan.md` (per architecture the configuration found with the TOML to
//! paste, then the ranking and a one-sentence conclusion).

use super::{PlanResult, ranking};
use crate::report::output::OutputSet;
use std::fmt::Write as _;

pub fn output_set(r: &PlanResult) -> OutputSet {
    let mut set = OutputSet::default();
    let mut json = serde_json::to_vec_pretty(r).expect("a plan always serializes");
    json.push(b'\n');
    set.add("plan.json", json);
    set.add("plan.md", plan_md(r).into_bytes());
    set
}

/// The console table: one line per architecture.
pub fn table(r: &PlanResult) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<22} {:<34} {:>16} {:>18} {:>6}",
        "architecture", "plan", "cost/month", "SLO percentile", "sims"
    );
    for a in &r.architectures {
        let (config, cost, lat) = match &a.choice {
            Some(c) => (
                c.config.join(", "),
                format!("${:.2}", c.cost_per_month_usd.mean),
                format!("{:.1} ms", c.latency_ms.mean),
            ),
            None => ("none meets the SLO".into(), "-".into(), "-".into()),
        };
        let _ = writeln!(
            s,
            "{:<22} {:<34} {:>16} {:>18} {:>6}",
            a.architecture, config, cost, lat, a.simulations
        );
    }
    s
}

pub fn plan_md(r: &PlanResult) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {}: plan for {}\n", r.scenario, r.slo);
    let _ = writeln!(
        s,
        "For each architecture, the cheapest configuration found that meets the SLO \
         with confidence ({} replication(s) per candidate{}), searched by simulation.\n",
        r.replications,
        if r.replications > 1 {
            "; the upper ends of the 95 % intervals within the objective"
        } else {
            ""
        }
    );
    for a in &r.architectures {
        let _ = writeln!(s, "## {} ({})\n", a.architecture, a.kind);
        match &a.choice {
            Some(c) => {
                let _ = writeln!(
                    s,
                    "- cost per month: ${:.2} (${:.2} – ${:.2})",
                    c.cost_per_month_usd.mean, c.cost_per_month_usd.low, c.cost_per_month_usd.high
                );
                let _ = writeln!(
                    s,
                    "- SLO percentile: {:.1} ms ({:.1} – {:.1}); errors {:.3} %",
                    c.latency_ms.mean,
                    c.latency_ms.low,
                    c.latency_ms.high,
                    c.error_rate.mean * 100.0
                );
                let _ = writeln!(s, "- simulations: {}\n", a.simulations);
                let _ = writeln!(
                    s,
                    "```toml\n[[architectures]]\nname = \"{}\"\n{}\n```\n",
                    a.architecture,
                    c.config.join("\n")
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "No configuration met the SLO ({} simulations).\n",
                    a.simulations
                );
            }
        }
        for n in &a.notes {
            let _ = writeln!(s, "- {n}");
        }
        if !a.notes.is_empty() {
            let _ = writeln!(s);
        }
    }
    let ranked = ranking(r);
    let _ = writeln!(s, "## Ranking\n");
    if ranked.is_empty() {
        let _ = writeln!(s, "No architecture meets the SLO within the bounds.");
        return s;
    }
    let _ = writeln!(
        s,
        "| architecture | configuration | cost / month | SLO percentile |"
    );
    let _ = writeln!(s, "|---|---|---|---|");
    for (a, c) in &ranked {
        let _ = writeln!(
            s,
            "| {} | {} | ${:.2} ± {:.2} | {:.1} ± {:.1} ms |",
            a.architecture,
            c.config.join(", "),
            c.cost_per_month_usd.mean,
            c.cost_per_month_usd.half_width(),
            c.latency_ms.mean,
            c.latency_ms.half_width()
        );
    }
    if !r.comparisons.is_empty() {
        let _ = writeln!(
            s,
            "\nAgainst the cheapest, paired over the {} replications (each saw the same requests):\n",
            r.replications
        );
    }
    for d in &r.comparisons {
        let (c, l) = (&d.cost_per_month_usd, &d.latency_ms);
        let _ = writeln!(
            s,
            "- {} costs ${:.2} ± {:.2} a month more than {}{}; its SLO percentile is {:.1} ± {:.1} ms {}{}.",
            d.architecture,
            c.mean,
            c.half_width(),
            d.reference,
            if d.cost_significant {
                ""
            } else {
                " (not significant)"
            },
            l.mean.abs(),
            l.half_width(),
            if l.mean <= 0.0 { "lower" } else { "higher" },
            if d.latency_significant {
                ""
            } else {
                " (not significant)"
            },
        );
    }
    let (a, c) = ranked[0];
    let _ = writeln!(
        s,
        "\n**{}** with {} is the cheapest way found to meet the SLO, at ${:.2} a month.",
        a.architecture,
        if c.config.is_empty() {
            "its configuration as written".to_string()
        } else {
            c.config.join(", ")
        },
        c.cost_per_month_usd.mean
    );
    s
}
