//! The files of a sweep: `sweep.csv` and `sweep.json` (one row per point
//! and architecture, every number with its interval) and `sweep.md` (the
//! crossovers, then the table).

use super::figure;
use super::run::SweepResult;
use crate::report::charts::sweep::{SweepChart, SweepDrawing, XUnit};
use crate::report::charts::{Format, render_figure};
use crate::report::output::OutputSet;
use crate::report::table::{fmt_ms, fmt_ms_pm, fmt_usd, fmt_usd_pm, with_interval};
use anyhow::Result;
use std::fmt::Write as _;

/// Every file of a sweep: the tables, both charts in PNG and SVG, and
/// `sweep.md`, which embeds the PNGs. `unit` is how the first key's
/// values read.
pub fn output_set(r: &SweepResult, unit: XUnit) -> Result<OutputSet> {
    let mut set = OutputSet::default();
    set.add("sweep.json", sweep_json(r));
    set.add("sweep.csv", sweep_csv(r)?);
    let fig = figure::figure(r, unit);
    for chart in SweepChart::ALL {
        for format in [Format::Png, Format::Svg] {
            let drawing = SweepDrawing {
                chart,
                figure: &fig,
            };
            set.add(
                format!("{}.{}", chart.stem(), format.extension()),
                render_figure(&drawing, format, r.chart_size)?,
            );
        }
    }
    set.add("sweep.md", sweep_md(r, unit).into_bytes());
    Ok(set)
}

/// `sweep.json`: the whole result, crossovers included.
pub fn sweep_json(r: &SweepResult) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(r).expect("a sweep result always serializes");
    v.push(b'\n');
    v
}

/// `sweep.csv`: one row per (point, architecture), the varied values
/// first, then each number with its 95 % interval.
pub fn sweep_csv(r: &SweepResult) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = r.keys.clone();
    header.push("architecture".into());
    for n in ["cost_per_month_usd", "latency_ms", "error_rate"] {
        header.extend([n.to_string(), format!("{n}_low"), format!("{n}_high")]);
    }
    header.push("slo".into());
    w.write_record(&header)?;
    for row in &r.rows {
        let mut rec = row.values.clone();
        rec.push(row.architecture.clone());
        for e in [row.cost_per_month_usd, row.latency_ms, row.error_rate] {
            rec.extend([e.mean, e.low, e.high].map(|x| x.to_string()));
        }
        rec.push(row.slo.to_string());
        w.write_record(&rec)?;
    }
    Ok(w.into_inner()?)
}

/// `sweep.md`: what was varied, where the answer changes, and the table.
pub fn sweep_md(r: &SweepResult, unit: XUnit) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {}: sweep of {}\n", r.scenario, r.keys.join(" × "));
    let _ = writeln!(
        s,
        "Every point is the scenario with the varied values written in, run with {} replication(s){}.\n",
        r.replications,
        if r.replications > 1 {
            "; numbers are means with 95 % Student-t intervals"
        } else {
            ""
        }
    );
    let _ = writeln!(s, "## Where the answer changes\n");
    if r.crossovers.is_empty() {
        let _ = writeln!(
            s,
            "The cheapest architecture that meets the SLO is the same at every point of `{}`.\n",
            r.keys[0]
        );
    } else {
        let on = r.keys.len() > 1;
        let _ = writeln!(
            s,
            "| {}{} | below | above | between | why |",
            if on { "on | " } else { "" },
            r.keys[0]
        );
        let _ = writeln!(s, "|{}---|---|---|---|---|", if on { "---|" } else { "" });
        for c in &r.crossovers {
            let mut at = unit.format(c.at);
            if let Some(rps) = c.at_rps {
                let _ = write!(at, " ({}", XUnit::RequestsPerSecond.format(rps));
                if let Some(peak) = c.at_peak_rps {
                    let _ = write!(
                        at,
                        " mean, {} at the peak",
                        XUnit::RequestsPerSecond.format(peak)
                    );
                }
                if let Some(n) = c.at_requests_per_month {
                    let _ = write!(
                        at,
                        ", {} requests a month",
                        crate::numbers::count_in_words(n)
                    );
                }
                at.push(')');
            }
            let _ = writeln!(
                s,
                "| {}{at} | {} | {} | {} – {} | {} |",
                if on {
                    format!("{} | ", c.on.join(", "))
                } else {
                    String::new()
                },
                c.below,
                c.above,
                unit.format(c.between[0]),
                unit.format(c.between[1]),
                if c.by_cost {
                    "cost lines cross"
                } else {
                    "the cheaper one stops meeting the SLO"
                }
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "![Cost per month against {k}](break_even.png)\n\n\
         Cost per month against `{k}`: the strip along the axis is the cheapest \
         architecture that meets the SLO; dashed lines mark where it changes. \
         [SVG](break_even.svg)\n\n\
         ![{p} latency against {k}](sweep_latency.png)\n\n\
         {p} latency against `{k}`, with the SLO line. [SVG](sweep_latency.svg)\n",
        k = r.keys[0],
        p = r.percentile
    );
    let _ = writeln!(s, "## Every point\n");
    let _ = writeln!(
        s,
        "| {} | architecture | cost / month | latency (SLO percentile) | errors | SLO |",
        r.keys.join(" | ")
    );
    let _ = writeln!(s, "|{}---|---|---|---|---|", "---|".repeat(r.keys.len()));
    for row in &r.rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            row.values
                .iter()
                .map(|v| readable_value(v))
                .collect::<Vec<_>>()
                .join(" | "),
            row.architecture,
            with_interval(row.cost_per_month_usd, fmt_usd_pm, fmt_usd),
            with_interval(row.latency_ms, fmt_ms_pm, fmt_ms),
            crate::numbers::share(row.error_rate.mean),
            row.slo
        );
    }
    s
}

/// A swept value as the table reads it: a number to three significant
/// figures (a log grid's 0.0809384 reads 0.0809; `sweep.json` and
/// `sweep.csv` keep every digit), anything else as written.
fn readable_value(v: &str) -> String {
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x != 0.0 && !v.contains(['e', 'E']) => {
            let magnitude = x.abs().log10().floor() as i32;
            crate::numbers::trimmed(x, (2 - magnitude).max(0) as usize)
        }
        _ => v.to_string(),
    }
}
