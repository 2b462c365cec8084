//! The decision report, `report.md`: what was assumed, what came out, the
//! charts, and a conclusion computed from the numbers. Also renders the
//! charts, so that the report links exactly the chart files written.

use crate::analysis::decision::{self, Verdict};
use crate::report::charts::{self, Chart, ChartData, Format};
use crate::report::output::OutputSet;
use crate::report::table::{
    fmt_count, fmt_ms, fmt_ms_diff, fmt_ms_pm, fmt_usd, fmt_usd_diff, fmt_usd_pm,
};
use crate::results::estimate::Estimate;
use crate::results::summary::{ArchitectureResult, Comparison, PriceNote, RunSummary};
use crate::scenario::{Percentile, Scenario, Slo};
use crate::time::SimTime;
use anyhow::Result;
use rayon::prelude::*;
use std::fmt::Write as _;

mod clusters;
mod conclusion;
mod functions;
pub(crate) mod like_for_like;
mod replicated;
pub use conclusion::conclusion;
use replicated::*;

/// Renders every chart in each of `formats` and the report that embeds
/// them, and adds them all to `set`.
pub fn add_outputs(
    set: &mut OutputSet,
    scenario: &Scenario,
    run: &RunSummary,
    formats: &[Format],
) -> Result<()> {
    let data = ChartData {
        run,
        slo: scenario.slo,
    };
    // The charts are independent and, for a short run, take longer than
    // the simulation: drawn in parallel, added in their fixed order.
    let jobs: Vec<(Chart, Format)> = Chart::ALL
        .iter()
        .flat_map(|&chart| formats.iter().map(move |&format| (chart, format)))
        .collect();
    // The report is written beside them rather than after the last one.
    let (drawn, report) = rayon::join(
        || {
            jobs.par_iter()
                .map(|&(chart, format)| charts::render(chart, &data, format, scenario.chart_size))
                .collect::<Result<Vec<Vec<u8>>>>()
        },
        || render(scenario, run, formats),
    );
    for ((chart, format), bytes) in jobs.into_iter().zip(drawn?) {
        set.add(chart.file_name(format), bytes);
    }
    set.add("report.md", report.into_bytes());
    Ok(())
}

/// The report, for charts written in `formats` (none: no chart section).
pub fn render(scenario: &Scenario, run: &RunSummary, formats: &[Format]) -> String {
    let data = ChartData {
        run,
        slo: scenario.slo,
    };
    let mut md = String::new();
    let _ = writeln!(md, "# {}: decision report\n", esc(&run.scenario));
    if !run.description.is_empty() {
        let _ = writeln!(md, "{}\n", esc(&run.description));
    }
    let _ = writeln!(md, "{}.\n", data.subtitle());
    assumptions(&mut md, scenario, run);
    results(&mut md, &data);
    limits_hit(&mut md, scenario, run);
    spot_outcomes(&mut md, run);
    functions::waiting(&mut md, run);
    like_for_like::section(&mut md, scenario, run);
    comparisons(&mut md, &data);
    functions::section(&mut md, run);
    clusters::section(&mut md, run);
    charts_section(&mut md, formats, data.replications());
    let _ = writeln!(md, "## Conclusion\n");
    md.push_str(&conclusion(&data));
    md
}

/// Every limit an architecture hit, with what it cost and when (nothing
/// when none was hit).
fn limits_hit(md: &mut String, scenario: &Scenario, run: &RunSummary) {
    let hits = crate::report::limits::hits(scenario, run);
    if hits.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "## Limits hit
"
    );
    if run.replications > 1 {
        let _ = writeln!(
            md,
            "Counts are means over the {} replications; when is replication 0's.\n",
            run.replications
        );
    }
    let window = secs(run.window_s);
    for h in hits {
        let _ = writeln!(
            md,
            "- **{}**: {}.",
            esc(&h.architecture),
            h.sentence(window)
        );
    }
    let _ = writeln!(md);
}

/// What spot interruptions did to each fleet on spot (nothing without one).
fn spot_outcomes(md: &mut String, run: &RunSummary) {
    let spot: Vec<_> = run
        .architectures
        .iter()
        .filter_map(|a| a.spot.map(|s| (a, s)))
        .collect();
    if spot.is_empty() {
        return;
    }
    let mean = if run.replications > 1 {
        " (means over the replications)"
    } else {
        ""
    };
    let _ = writeln!(
        md,
        "Spot interruptions in the measured period{mean}:
"
    );
    for (a, s) in spot {
        let lost = a.requests.interrupted;
        let _ = writeln!(
            md,
            "- {}: {} interruption{}, {} replacement{}; {} request{} failed because work {} running was lost ({} of arrivals).",
            esc(&a.name),
            fmt_count(s.interruptions),
            if s.interruptions == 1 { "" } else { "s" },
            fmt_count(s.replacements),
            if s.replacements == 1 { "" } else { "s" },
            fmt_count(lost),
            if lost == 1 { "" } else { "s" },
            if lost == 1 { "it had" } else { "they had" },
            pct(lost as f64 / a.requests.arrived.max(1) as f64),
        );
    }
    let _ = writeln!(md);
}

/// Escapes what Markdown would read as formatting in a name.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_[]<>|#".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn pct(fraction: f64) -> String {
    crate::numbers::share(fraction)
}

/// Total arrivals, mean rate and the busiest window, from the time series
/// (every architecture sees the same arrivals).
struct DemandSummary {
    total: u64,
    mean_rps: f64,
    peak_rps: f64,
    peak_at_s: f64,
}

fn demand_summary(run: &RunSummary) -> DemandSummary {
    let rows = run
        .architectures
        .first()
        .map_or(&[][..], |a| &a.timeseries[..]);
    let total = rows.iter().map(|r| r.arrivals).sum();
    let (mut peak_rps, mut peak_at_s) = (0.0, 0.0);
    for r in rows {
        let width = (r.start_s + run.window_s).min(run.duration_s) - r.start_s;
        let rate = if width > 0.0 {
            r.arrivals as f64 / width
        } else {
            0.0
        };
        if rate > peak_rps {
            (peak_rps, peak_at_s) = (rate, r.start_s);
        }
    }
    DemandSummary {
        total,
        mean_rps: if run.duration_s > 0.0 {
            total as f64 / run.duration_s
        } else {
            0.0
        },
        peak_rps,
        peak_at_s,
    }
}

fn secs(s: f64) -> SimTime {
    SimTime::from_secs_f64(s)
}

fn assumptions(md: &mut String, scenario: &Scenario, run: &RunSummary) {
    let d = demand_summary(run);
    let _ = writeln!(md, "## Assumptions\n\n### Demand\n");
    let _ = writeln!(
        md,
        "- Shape: {}, {:?} arrivals, over {} simulated; the first {} are warm-up, simulated but not counted.",
        scenario.demand.description,
        scenario.demand.arrivals,
        secs(run.duration_s),
        secs(run.warmup_s),
    );
    let replicated = run.replications > 1;
    let _ = writeln!(
        md,
        "- {}{} requests arrived: {:.2} per second on average; the busiest {} window (from {}) had {:.2} per second.",
        if replicated { "In replication 0, " } else { "" },
        fmt_count(d.total),
        d.mean_rps,
        secs(run.window_s),
        secs(d.peak_at_s),
        d.peak_rps,
    );
    if replicated {
        let _ = writeln!(
            md,
            "- Within each replication, every architecture saw exactly the same requests.\n"
        );
    } else {
        let _ = writeln!(md, "- Every architecture saw exactly the same requests.\n");
    }

    let _ = writeln!(md, "### Platforms\n");
    let _ = writeln!(
        md,
        "| architecture | kind | servers | instance |\n|---|---|---:|---|"
    );
    for a in &run.architectures {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            esc(&a.name),
            a.kind,
            a.servers,
            esc(&a.instance)
        );
    }
    for note in scenario.sizing_notes() {
        let _ = write!(md, "\n- {}", esc(&note));
    }
    let _ = writeln!(md, "\n\n### Prices\n");
    if let Some(line) = scenario.prices.describe() {
        let _ = writeln!(md, "Priced in {}.\n", esc(&line));
    }
    let _ = writeln!(
        md,
        "| item | price | per | source | date |\n|---|---:|---|---|---|"
    );
    let mut seen: Vec<&PriceNote> = Vec::new();
    for p in run.architectures.iter().flat_map(|a| &a.prices) {
        if !seen.contains(&p) {
            seen.push(p);
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                esc(&p.item),
                crate::numbers::price(p.price_usd),
                esc(&p.unit),
                esc(&p.source),
                if p.date.is_empty() { "—" } else { &p.date }
            );
        }
    }
    let _ = writeln!(md, "\n### Service-level objective\n");
    match &scenario.slo {
        Some(slo) => {
            let errors = match slo.max_error_rate {
                Some(m) => format!(", and at most {} of arrivals rejected or timed out", pct(m)),
                None => "; errors do not count".to_string(),
            };
            let _ = writeln!(
                md,
                "{} latency at most {}{errors}.\n",
                slo.percentile, slo.latency
            );
        }
        None => {
            let _ = writeln!(
                md,
                "None set (no `[slo]` in the scenario): p99 is charted and nothing is ruled out.\n"
            );
        }
    }
    if replicated {
        let _ = writeln!(
            md,
            "### Replications\n\nEvery number is the mean of {} independent replications (each with its own random streams, all architectures sharing each replication's requests); intervals are 95 % Student-t intervals over the replications; comparisons are paired differences. The latency distribution is pooled over the replications; the time series are replication 0's.\n",
            run.replications
        );
    }
}

/// The heading and header rows of the results table; returns whether the
/// SLO percentile needs a column of its own (it is not p50, p95 or p99).
fn results_header(md: &mut String, p: Percentile, slo_column: &str) -> bool {
    let extra = !matches!(p.value(), 50.0 | 95.0 | 99.0);
    let _ = writeln!(md, "## Results\n");
    let _ = write!(md, "| architecture | cost/month | p50 | p95 | p99 |");
    if extra {
        let _ = write!(md, " {p} |");
    }
    let _ = writeln!(md, " error rate | {slo_column} |");
    let _ = writeln!(
        md,
        "|---|---:|---:|---:|---:|{}---:|:---:|",
        if extra { "---:|" } else { "" }
    );
    extra
}

fn results(md: &mut String, data: &ChartData) {
    if data.replications() > 1 {
        return results_replicated(md, data);
    }
    let p = data.percentile();
    let extra = results_header(md, p, "SLO met?");
    for (i, a) in data.run.architectures.iter().enumerate() {
        let l = &a.latency_ms;
        let _ = write!(
            md,
            "| {} | {} | {} | {} | {} |",
            esc(&a.name),
            fmt_usd(a.cost.per_month_usd),
            fmt_ms(l.p50),
            fmt_ms(l.p95),
            fmt_ms(l.p99)
        );
        if extra {
            let _ = write!(md, " {} |", fmt_ms(p.of(l)));
        }
        let met = match data.slo {
            None => "—",
            Some(_) if data.meets(i) => "yes",
            Some(_) => "**no**",
        };
        let _ = writeln!(md, " {} | {met} |", pct(a.error_rate));
    }
    let _ = writeln!(md);
}

fn charts_section(md: &mut String, formats: &[Format], replications: u32) {
    // Embed the PNG if there is one (every Markdown viewer shows it), and
    // link the SVG beside it.
    let Some(&embedded) = formats.iter().min() else {
        return;
    };
    let _ = writeln!(md, "## Charts\n");
    for chart in Chart::ALL {
        let _ = write!(
            md,
            "### {}\n\n![{}]({})",
            chart.caption(),
            chart.caption(),
            chart.file_name(embedded)
        );
        if let Some(note) = chart.replication_note(replications) {
            let mut c = note.chars();
            let first = c.next().map(|f| f.to_uppercase().collect::<String>());
            let _ = write!(md, "\n\n*{}{}.*", first.unwrap_or_default(), c.as_str());
        }
        for &f in formats.iter().filter(|&&f| f != embedded) {
            let _ = write!(
                md,
                "\n\n{}: [{}]({})",
                f.extension().to_uppercase(),
                chart.file_name(f),
                chart.file_name(f)
            );
        }
        let _ = writeln!(md, "\n");
    }
}

/// Why an architecture breaks the SLO: "p99 10.00 s > 500ms, errors 12.00% > 0.10%".
fn why_breaks(slo: &Slo, a: &ArchitectureResult) -> String {
    if a.requests.completed == 0 {
        return "no request completed".to_string();
    }
    let mut why = Vec::new();
    let lat = slo.percentile.of(&a.latency_ms);
    if lat > slo.latency.as_millis_f64() {
        why.push(format!(
            "{} {} > {}",
            slo.percentile,
            fmt_ms(lat),
            slo.latency
        ));
    }
    if let Some(max) = slo.max_error_rate.filter(|&m| a.error_rate > m) {
        why.push(format!("errors {} > {}", pct(a.error_rate), pct(max)));
    }
    why.join(", ")
}
