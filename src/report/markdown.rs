//! The decision report, `report.md`: what was assumed, what came out, the
//! charts, and a conclusion computed from the numbers. Also renders the
//! charts, so that the report links exactly the chart files written.

use crate::report::charts::{self, Chart, ChartData, Format, look};
use crate::report::decision::{self, Candidate, Verdict};
use crate::report::output::OutputSet;
use crate::report::table::{
    fmt_count, fmt_ms, fmt_ms_diff, fmt_ms_pm, fmt_usd, fmt_usd_diff, fmt_usd_pm,
};
use crate::results::replications::Estimate;
use crate::results::summary::{ArchitectureResult, Comparison, PriceNote, RunSummary};
use crate::scenario::{Percentile, Scenario, Slo};
use crate::time::SimTime;
use anyhow::Result;
use std::fmt::Write as _;

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
    for chart in Chart::ALL {
        for &format in formats {
            let bytes = charts::render(chart, &data, format, look::SIZE)?;
            set.add(chart.file_name(format), bytes);
        }
    }
    set.add("report.md", render(scenario, run, formats).into_bytes());
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
    comparisons(&mut md, &data);
    charts_section(&mut md, formats, data.replications());
    let _ = writeln!(md, "## Conclusion\n");
    md.push_str(&conclusion(&data));
    md
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
    format!("{:.2}%", fraction * 100.0)
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
                "| {} | ${} | {} | {} | {} |",
                esc(&p.item),
                p.price_usd,
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

fn results(md: &mut String, data: &ChartData) {
    if data.replications() > 1 {
        return results_replicated(md, data);
    }
    let p = data.percentile();
    let extra = !matches!(p.value(), 50.0 | 95.0 | 99.0);
    let _ = writeln!(md, "## Results\n");
    let _ = write!(md, "| architecture | cost/month | p50 | p95 | p99 |");
    if extra {
        let _ = write!(md, " {p} |");
    }
    let _ = writeln!(md, " error rate | SLO met? |");
    let _ = writeln!(
        md,
        "|---|---:|---:|---:|---:|{}---:|:---:|",
        if extra { "---:|" } else { "" }
    );
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

/// The results table with replications: cost/month and the SLO
/// percentile carry the half-widths of their intervals, and the SLO column
/// says meets, misses or uncertain.
fn results_replicated(md: &mut String, data: &ChartData) {
    let p = data.percentile();
    let extra = !matches!(p.value(), 50.0 | 95.0 | 99.0);
    let _ = writeln!(md, "## Results\n");
    let _ = write!(md, "| architecture | cost/month | p50 | p95 | p99 |");
    if extra {
        let _ = write!(md, " {p} |");
    }
    let _ = writeln!(md, " error rate | SLO |");
    let _ = writeln!(
        md,
        "|---|---:|---:|---:|---:|{}---:|:---:|",
        if extra { "---:|" } else { "" }
    );
    for (i, a) in data.run.architectures.iter().enumerate() {
        let l = &a.latency_ms;
        let at_p = fmt_ms_pm(decision::slo_latency(data.slo.as_ref(), a));
        let cell = |q: Percentile, v: f64| {
            if q == p { at_p.clone() } else { fmt_ms(v) }
        };
        let _ = write!(
            md,
            "| {} | {} | {} | {} | {} |",
            esc(&a.name),
            fmt_usd_pm(decision::cost_per_month(a)),
            cell(Percentile::P50, l.p50),
            cell(Percentile::P95, l.p95),
            cell(Percentile::P99, l.p99)
        );
        if extra {
            let _ = write!(md, " {at_p} |");
        }
        let _ = writeln!(md, " {} | {} |", pct(a.error_rate), verdict_word(data, i));
    }
    let _ = writeln!(
        md,
        "\nMeans of {} replications; ± is the half-width of the 95 % interval.{}\n",
        data.replications(),
        if data.slo.is_some() {
            " An architecture *meets* the SLO when the whole interval of its {p} and of its error rate is within the objective, *misses* it when either lies wholly beyond, and is *uncertain* when an interval straddles the objective."
                .replace("{p}", &p.to_string())
        } else {
            String::new()
        }
    );
}

fn verdict_word(data: &ChartData, i: usize) -> &'static str {
    match data.verdict(i) {
        None => "—",
        Some(Verdict::Meets) => "meets",
        Some(Verdict::Misses) => "**misses**",
        Some(Verdict::Uncertain) => "uncertain",
    }
}

/// With replications: every architecture against the reference, as paired
/// differences, in a sentence each and a table.
fn comparisons(md: &mut String, data: &ChartData) {
    let run = data.run;
    let Some(first) = run.comparisons.first() else {
        return;
    };
    let p = data.percentile();
    let reference = &first.reference;
    let why = match run
        .architectures
        .iter()
        .position(|a| &a.name == reference)
        .and_then(|i| data.verdict(i))
    {
        Some(Verdict::Meets) => "the cheapest architecture that meets the SLO with confidence",
        Some(_) => "the first architecture, as none meets the SLO with confidence",
        None => "the first architecture, as there is no SLO",
    };
    let _ = writeln!(md, "## Comparisons\n");
    let _ = writeln!(
        md,
        "Each architecture against **{}** ({why}): the mean over replications of the difference in each replication, with its 95 % interval. Replication r of every architecture replayed the same requests, so these differences are far tighter than the intervals of the results above; a difference is significant when its interval leaves out zero.\n",
        esc(reference)
    );
    for c in &run.comparisons {
        let _ = writeln!(md, "- {}", comparison_sentence(c, p));
    }
    let _ = writeln!(
        md,
        "\n| architecture | against | cost/month | {p} | error rate | significant |\n|---|---|---:|---:|---:|---|"
    );
    for c in &run.comparisons {
        let significant = match (c.cost_significant, c.latency_significant) {
            (true, true) => format!("cost and {p}"),
            (true, false) => "cost".to_string(),
            (false, true) => p.to_string(),
            (false, false) => "neither".to_string(),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {}{} | {}{} | {} | {significant} |",
            esc(&c.architecture),
            esc(&c.reference),
            sign(c.cost_per_month_usd),
            fmt_usd_diff(c.cost_per_month_usd),
            sign(c.latency_ms),
            fmt_ms_diff(c.latency_ms),
            points(c.error_rate, true),
        );
    }
    let _ = writeln!(md);
}

/// "+" or "−" for a difference, nothing for none.
fn sign(e: Estimate) -> &'static str {
    if e.mean > 0.0 {
        "+"
    } else if e.mean < 0.0 {
        "−"
    } else {
        ""
    }
}

/// An error-rate difference in percentage points: "+13.05 ± 0.13 pp".
fn points(e: Estimate, signed: bool) -> String {
    format!(
        "{}{:.2} ± {:.2} pp",
        if signed { sign(e) } else { "" },
        e.mean.abs() * 100.0,
        e.half_width() * 100.0
    )
}

/// Whether an estimate is exactly zero, interval and all.
fn is_nil(e: Estimate) -> bool {
    e.mean == 0.0 && e.low == 0.0 && e.high == 0.0
}

/// "k8s is $93 ± 4 per month cheaper than lambda; its p99 is 105 ± 12 ms
/// lower; both differences are significant."
pub fn comparison_sentence(c: &Comparison, p: Percentile) -> String {
    let (a, r) = (esc(&c.architecture), esc(&c.reference));
    let (cost, lat) = (c.cost_per_month_usd, c.latency_ms);
    let cost_part = if is_nil(cost) {
        format!("{a} costs the same per month as {r}")
    } else {
        format!(
            "{a} is {} per month {} than {r}",
            fmt_usd_diff(cost),
            if cost.mean < 0.0 {
                "cheaper"
            } else {
                "more expensive"
            }
        )
    };
    let lat_part = if is_nil(lat) {
        format!("its {p} is the same")
    } else {
        format!(
            "its {p} is {} {}",
            fmt_ms_diff(lat),
            if lat.mean < 0.0 { "lower" } else { "higher" }
        )
    };
    let significance = match (c.cost_significant, c.latency_significant) {
        (true, true) => "both differences are significant".to_string(),
        (false, false) => "neither difference is significant".to_string(),
        (true, false) => format!("the cost difference is significant, the {p} difference is not"),
        (false, true) => format!("the {p} difference is significant, the cost difference is not"),
    };
    let mut out = format!("{cost_part}; {lat_part}; {significance}.");
    if !is_nil(c.error_rate) {
        let _ = write!(
            out,
            " Its error rate is {} {}.",
            points(c.error_rate, false),
            if c.error_rate.mean < 0.0 {
                "lower"
            } else {
                "higher"
            }
        );
    }
    out
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

/// The conclusion: the cheapest architecture meeting the SLO and what it
/// saves against each other one; or why there is none.
pub fn conclusion(data: &ChartData) -> String {
    if data.replications() > 1 {
        return conclusion_replicated(data);
    }
    let archs = &data.run.architectures;
    let p = data.percentile();
    let candidates: Vec<Candidate> = (0..archs.len())
        .map(|i| Candidate {
            cost_per_month_usd: archs[i].cost.per_month_usd,
            meets_slo: data.meets(i),
        })
        .collect();
    let name = |i: usize| format!("**{}**", esc(&archs[i].name));
    let cost = |i: usize| format!("{}/month", fmt_usd(archs[i].cost.per_month_usd));
    let mut md = String::new();
    match (data.slo, decision::cheapest_meeting_slo(&candidates)) {
        (None, _) => {
            let cheapest = decision::cheapest_meeting_slo(&candidates).unwrap_or(0);
            let _ = writeln!(
                md,
                "The scenario sets no `[slo]`, so no architecture is ruled out. The cheapest is {} at {} ({p} {}). Add an `[slo]` table to get a recommendation.\n",
                name(cheapest),
                cost(cheapest),
                fmt_ms(data.latency_ms(cheapest)),
            );
        }
        (Some(slo), Some(best)) => {
            let _ = writeln!(
                md,
                "{} is the cheapest architecture that meets the SLO ({slo}), at {} ({p} {}, errors {}).\n",
                name(best),
                cost(best),
                fmt_ms(data.latency_ms(best)),
                pct(archs[best].error_rate),
            );
            for s in decision::savings(&candidates, best) {
                let o = s.other;
                let verdict = if candidates[o].meets_slo {
                    "also meets the SLO".to_string()
                } else {
                    format!("breaks the SLO: {}", why_breaks(&slo, &archs[o]))
                };
                let line = if s.usd_per_month > 0.0 {
                    format!(
                        "saves {}/month ({:.0}%) against {}, which {verdict}",
                        fmt_usd(s.usd_per_month),
                        s.fraction * 100.0,
                        name(o)
                    )
                } else if s.usd_per_month < 0.0 {
                    format!(
                        "costs {}/month more than {}, which {verdict}",
                        fmt_usd(-s.usd_per_month),
                        name(o)
                    )
                } else {
                    format!("costs the same as {}, which {verdict}", name(o))
                };
                let _ = writeln!(md, "- It {line}.");
            }
            if archs.len() > 1 {
                md.push('\n');
            }
        }
        (Some(slo), None) => {
            let fastest = (0..archs.len())
                .min_by(|&i, &j| data.latency_ms(i).total_cmp(&data.latency_ms(j)))
                .unwrap_or(0);
            let _ = writeln!(
                md,
                "No architecture meets the SLO ({slo}). The fastest at {p} is {} ({}, {}), which breaks it: {}. Add capacity or relax the SLO.\n",
                name(fastest),
                fmt_ms(data.latency_ms(fastest)),
                cost(fastest),
                why_breaks(&slo, &archs[fastest]),
            );
        }
    }
    let points: Vec<(f64, f64)> = (0..archs.len())
        .map(|i| (data.latency_ms(i), archs[i].cost.per_month_usd))
        .collect();
    let frontier: Vec<String> = decision::pareto_frontier(&points)
        .into_iter()
        .map(name)
        .collect();
    let _ = writeln!(
        md,
        "On the Pareto frontier (no other architecture is both cheaper and faster at {p}): {}.",
        frontier.join(", ")
    );
    md
}

/// Why an architecture misses the SLO, from its intervals:
/// "p99 12.45 ± 0.00 s > 2s, errors 13.05% ± 0.13 pp > 0.10%".
fn why_misses(slo: &Slo, a: &ArchitectureResult) -> String {
    if a.replicas.iter().all(|r| r.requests.completed == 0) {
        return "no request completed".to_string();
    }
    let (lat, errors) = (decision::slo_latency(Some(slo), a), decision::error_rate(a));
    let mut why = Vec::new();
    if lat.low > slo.latency.as_millis_f64() {
        why.push(format!(
            "{} {} > {}",
            slo.percentile,
            fmt_ms_pm(lat),
            slo.latency
        ));
    }
    if let Some(max) = slo.max_error_rate.filter(|&m| errors.low > m) {
        why.push(format!("errors {} > {}", error_pm(errors), pct(max)));
    }
    why.join(", ")
}

/// Why the verdict on an architecture is uncertain: which interval
/// straddles the objective.
fn why_uncertain(slo: &Slo, a: &ArchitectureResult) -> String {
    let (lat, errors) = (decision::slo_latency(Some(slo), a), decision::error_rate(a));
    let mut why = Vec::new();
    if lat.high > slo.latency.as_millis_f64() {
        why.push(format!(
            "its {} of {} straddles {}",
            slo.percentile,
            fmt_ms_pm(lat),
            slo.latency
        ));
    }
    if let Some(max) = slo.max_error_rate.filter(|&m| errors.high > m) {
        why.push(format!(
            "its error rate of {} straddles {}",
            error_pm(errors),
            pct(max)
        ));
    }
    why.join(" and ")
}

/// "13.05% ± 0.13 pp".
fn error_pm(e: Estimate) -> String {
    format!("{} ± {:.2} pp", pct(e.mean), e.half_width() * 100.0)
}

/// The conclusion with replications: the cheapest architecture that meets
/// the SLO with confidence, what it saves against each other one as paired
/// differences, and a warning when the decision hangs on an uncertain
/// verdict.
fn conclusion_replicated(data: &ChartData) -> String {
    let archs = &data.run.architectures;
    let n = data.replications();
    let p = data.percentile();
    let more = decision::more_replications(n);
    let candidates: Vec<Candidate> = (0..archs.len())
        .map(|i| Candidate {
            cost_per_month_usd: archs[i].cost.per_month_usd,
            meets_slo: data.meets(i),
        })
        .collect();
    let name = |i: usize| format!("**{}**", esc(&archs[i].name));
    let cost = |i: usize| format!("{}/month", fmt_usd_pm(decision::cost_per_month(&archs[i])));
    let latency = |i: usize| fmt_ms_pm(decision::slo_latency(data.slo.as_ref(), &archs[i]));
    let uncertain: Vec<usize> = (0..archs.len())
        .filter(|&i| data.verdict(i) == Some(Verdict::Uncertain))
        .collect();
    let mut md = String::new();
    match (data.slo, decision::cheapest_meeting_slo(&candidates)) {
        (None, _) => {
            let cheapest = decision::cheapest_meeting_slo(&candidates).unwrap_or(0);
            let _ = writeln!(
                md,
                "The scenario sets no `[slo]`, so no architecture is ruled out. The cheapest is {} at {} ({p} {}), means of {n} replications. Add an `[slo]` table to get a recommendation.\n",
                name(cheapest),
                cost(cheapest),
                latency(cheapest),
            );
        }
        (Some(slo), Some(best)) => {
            let _ = writeln!(
                md,
                "{} is the cheapest architecture that meets the SLO ({slo}) with 95 % confidence over {n} replications, at {} ({p} {}, errors {}).\n",
                name(best),
                cost(best),
                latency(best),
                error_pm(decision::error_rate(&archs[best])),
            );
            for o in (0..archs.len()).filter(|&o| o != best) {
                let verdict = match data.verdict(o) {
                    Some(Verdict::Meets) => "also meets the SLO".to_string(),
                    Some(Verdict::Uncertain) => format!(
                        "may or may not meet the SLO: {}",
                        why_uncertain(&slo, &archs[o])
                    ),
                    _ => format!("misses the SLO: {}", why_misses(&slo, &archs[o])),
                };
                // The other minus the best: positive when the best saves.
                let d = decision::compare(p, &archs[o], &archs[best]).cost_per_month_usd;
                let noise = if d.excludes_zero() || is_nil(d) {
                    ""
                } else {
                    " (not a significant difference)"
                };
                let line = if is_nil(d) {
                    format!("costs the same as {}, which {verdict}", name(o))
                } else if d.mean > 0.0 {
                    let of = archs[o].cost.per_month_usd;
                    format!(
                        "saves {}/month{noise} ({:.0}%) against {}, which {verdict}",
                        fmt_usd_diff(d),
                        if of > 0.0 { d.mean / of * 100.0 } else { 0.0 },
                        name(o)
                    )
                } else {
                    format!(
                        "costs {}/month more{noise} than {}, which {verdict}",
                        fmt_usd_diff(d),
                        name(o)
                    )
                };
                let _ = writeln!(md, "- It {line}.");
            }
            if archs.len() > 1 {
                md.push('\n');
            }
            let cheaper: Vec<String> = uncertain
                .iter()
                .filter(|&&u| archs[u].cost.per_month_usd < archs[best].cost.per_month_usd)
                .map(|&u| name(u))
                .collect();
            if !cheaper.is_empty() {
                let _ = writeln!(
                    md,
                    "The decision is not settled: {} {} cheaper and may meet the SLO too, but {n} replications cannot tell. Run with `--replications {more}` to narrow the intervals.\n",
                    cheaper.join(", "),
                    if cheaper.len() == 1 { "is" } else { "are" },
                );
            }
        }
        (Some(slo), None) if !uncertain.is_empty() => {
            let u = *uncertain
                .iter()
                .min_by(|&&i, &&j| {
                    archs[i]
                        .cost
                        .per_month_usd
                        .total_cmp(&archs[j].cost.per_month_usd)
                        .then(i.cmp(&j))
                })
                .expect("not empty");
            let _ = writeln!(
                md,
                "No architecture meets the SLO ({slo}) with 95 % confidence over {n} replications, but the decision hangs on {}: the cheapest whose verdict is uncertain ({}), as {}. Run with `--replications {more}` to tell.\n",
                name(u),
                cost(u),
                why_uncertain(&slo, &archs[u]),
            );
        }
        (Some(slo), None) => {
            let fastest = (0..archs.len())
                .min_by(|&i, &j| data.latency_ms(i).total_cmp(&data.latency_ms(j)))
                .unwrap_or(0);
            let _ = writeln!(
                md,
                "No architecture meets the SLO ({slo}): over {n} replications, every one misses it with 95 % confidence. The fastest at {p} is {} ({}, {}), which misses it: {}. Add capacity or relax the SLO.\n",
                name(fastest),
                latency(fastest),
                cost(fastest),
                why_misses(&slo, &archs[fastest]),
            );
        }
    }
    let points: Vec<(f64, f64)> = (0..archs.len())
        .map(|i| (data.latency_ms(i), archs[i].cost.per_month_usd))
        .collect();
    let frontier: Vec<String> = decision::pareto_frontier(&points)
        .into_iter()
        .map(name)
        .collect();
    let _ = writeln!(
        md,
        "On the Pareto frontier of the means (no other architecture is both cheaper and faster at {p}): {}.",
        frontier.join(", ")
    );
    md
}
