//! The files of a plan: `plan.json` (every candidate and the choices),
//! `plan.png`/`plan.svg` (every candidate's cost against its SLO
//! percentile, the choices ringed) and `plan.md` (per architecture the
//! configuration found with its intervals, its margin to the SLO and the
//! TOML to paste, then the ranking and a one-sentence conclusion).

use super::evaluate::SCREEN;
use super::{PlanResult, ranking};
use crate::numbers;
use crate::report::charts::palette::Palette;
use crate::report::charts::plan::{Choice, PlanFigure, PlanPoint, PlanSeries};
use crate::report::charts::{Format, render_figure};
use crate::report::output::OutputSet;
use crate::report::table::{fmt_ms, fmt_ms_pm, fmt_usd_pm, with_interval};
use anyhow::Result;
use std::fmt::Write as _;

pub fn output_set(r: &PlanResult) -> Result<OutputSet> {
    let mut set = OutputSet::default();
    let mut json = serde_json::to_vec_pretty(r).expect("a plan always serializes");
    json.push(b'\n');
    set.add("plan.json", json);
    let fig = figure(r);
    for format in [Format::Png, Format::Svg] {
        set.add(
            format!("plan.{}", format.extension()),
            render_figure(&fig, format, r.chart_size)?,
        );
    }
    set.add("plan.md", plan_md(r).into_bytes());
    Ok(set)
}

/// What the plan chart draws, from the candidates.
pub fn figure(r: &PlanResult) -> PlanFigure {
    let slo = &r.objective;
    let series = r
        .architectures
        .iter()
        .map(|a| {
            let points = a
                .candidates
                .iter()
                .map(|c| PlanPoint {
                    latency_ms: c.latency_ms.mean,
                    cost_per_month_usd: c.cost_per_month_usd.mean,
                    meets: c.meets,
                })
                .collect();
            let choice = a.choice.as_ref().and_then(|chosen| {
                let i = a
                    .candidates
                    .iter()
                    .position(|c| c.config == chosen.config)?;
                Some(Choice {
                    index: i,
                    latency_ms: chosen.latency_ms,
                    cost_per_month_usd: chosen.cost_per_month_usd,
                    config: chosen.config.join(", "),
                })
            });
            PlanSeries {
                name: a.architecture.clone(),
                points,
                choice,
            }
        })
        .collect();
    PlanFigure {
        scenario: r.scenario.clone(),
        subtitle: format!(
            "seed {} · {} a candidate · hollow: misses the SLO or uncertain · ringed: the choice{}",
            r.seed,
            if r.replications == 1 {
                "1 replication".to_string()
            } else {
                format!("{} replications", r.replications)
            },
            if r.replications > 1 {
                ", 95 % intervals"
            } else {
                ""
            }
        ),
        percentile: slo.percentile.to_string(),
        slo_ms: slo.latency.as_millis_f64(),
        slo_label: format!("SLO {} ≤ {}", slo.percentile, slo.latency),
        palette: Palette::new(r.architectures.iter().map(|a| a.architecture.as_str())),
        series,
    }
}

/// "each of 5 replications (2 where the first 2 already showed a miss)".
fn replications_text(n: u32) -> String {
    if n > SCREEN {
        format!(
            "each of {n} replications ({SCREEN} where the first {SCREEN} already showed a miss)"
        )
    } else if n == 1 {
        "each of 1 replication".into()
    } else {
        format!("each of {n} replications")
    }
}

/// The console table: one line per architecture, the configuration last
/// (a serverless plan's runs to hundreds of characters), the name column
/// as wide as the longest name.
pub fn table(r: &PlanResult) -> String {
    let width = r
        .architectures
        .iter()
        .map(|a| a.architecture.chars().count())
        .max()
        .unwrap_or(0)
        .max("architecture".len());
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<width$}  {:>12}  {:>14}  {:>4}  plan",
        "architecture",
        "cost/month",
        format!("{}", r.objective.percentile),
        "sims"
    );
    for a in &r.architectures {
        let (config, cost, lat) = match &a.choice {
            Some(c) => (
                if c.config.is_empty() {
                    "as written".to_string()
                } else {
                    c.config.join(", ")
                },
                numbers::usd(c.cost_per_month_usd.mean),
                fmt_ms(c.latency_ms.mean),
            ),
            None => ("none meets the SLO".into(), "-".into(), "-".into()),
        };
        let _ = writeln!(
            s,
            "{:<width$}  {:>12}  {:>14}  {:>4}  {config}",
            a.architecture, cost, lat, a.simulations
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
                    "- cost per month: {} ({} – {})",
                    numbers::usd(c.cost_per_month_usd.mean),
                    numbers::usd(c.cost_per_month_usd.low),
                    numbers::usd(c.cost_per_month_usd.high)
                );
                let _ = writeln!(
                    s,
                    "- {}: {} ({} – {}); {}",
                    r.objective.percentile,
                    fmt_ms(c.latency_ms.mean),
                    fmt_ms(c.latency_ms.low),
                    fmt_ms(c.latency_ms.high),
                    latency_margin(r, c)
                );
                let _ = writeln!(
                    s,
                    "- errors: {} ({} – {}){}",
                    pct(c.error_rate.mean),
                    pct(c.error_rate.low.max(0.0)),
                    pct(c.error_rate.high),
                    match r.objective.max_error_rate {
                        Some(e) => format!("; at most {} allowed", pct(e)),
                        None => String::new(),
                    }
                );
                if let Some(w) = c.waiting_share {
                    let _ = writeln!(
                        s,
                        "- waiting: {} of the billed GB-seconds are waits on I/O, which no memory size shortens",
                        pct(w)
                    );
                }
                let _ = writeln!(
                    s,
                    "- simulations: {}, {}\n",
                    a.simulations,
                    replications_text(r.replications)
                );
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
    let _ = writeln!(
        s,
        "![Cost per month against {} latency of every candidate](plan.png)\n",
        r.objective.percentile
    );
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
            "| {} | {} | {} | {} |",
            a.architecture,
            c.config.join(", "),
            with_interval(c.cost_per_month_usd, fmt_usd_pm, numbers::usd),
            with_interval(c.latency_ms, fmt_ms_pm, fmt_ms)
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
        "\n**{}** with {} is the cheapest way found to meet the SLO, at {} a month.",
        a.architecture,
        if c.config.is_empty() {
            "its configuration as written".to_string()
        } else {
            c.config.join(", ")
        },
        numbers::usd(c.cost_per_month_usd.mean)
    );
    s
}

/// How far the upper end of the SLO percentile's interval (the value
/// itself for one replication) is under the objective: what a later
/// change can spend before the SLO breaks.
fn latency_margin(r: &PlanResult, c: &super::evaluate::Candidate) -> String {
    let objective = r.objective.latency.as_millis_f64();
    let upper = if r.replications > 1 {
        c.latency_ms.high
    } else {
        c.latency_ms.mean
    };
    format!(
        "margin {:.1} ms ({:.0} % of the {} objective) to the {}",
        objective - upper,
        (objective - upper) / objective * 100.0,
        r.objective.latency,
        if r.replications > 1 {
            "interval's upper end"
        } else {
            "value"
        }
    )
}

/// A rate as a percentage with enough digits for the 0.1 % SLOs people
/// write: "0.012%", "1.50%".
fn pct(rate: f64) -> String {
    crate::numbers::share(rate)
}
