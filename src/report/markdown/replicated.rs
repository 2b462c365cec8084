//! The parts of `report.md` that exist only with replications: the
//! results table with intervals and verdicts, the paired comparisons, and
//! the conclusion that weighs uncertain verdicts.

use super::*;

/// The results table with replications: cost/month and the SLO
/// percentile carry the half-widths of their intervals, and the SLO column
/// says meets, misses or uncertain.
pub(super) fn results_replicated(md: &mut String, data: &ChartData) {
    let p = data.percentile();
    let extra = results_header(md, p, "SLO");
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

pub(super) fn verdict_word(data: &ChartData, i: usize) -> &'static str {
    match data.verdict(i) {
        None => "—",
        Some(Verdict::Meets) => "meets",
        Some(Verdict::Misses) => "**misses**",
        Some(Verdict::Uncertain) => "uncertain",
    }
}

/// With replications: every architecture against the reference, as paired
/// differences, in a sentence each and a table.
pub(super) fn comparisons(md: &mut String, data: &ChartData) {
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
pub(super) fn sign(e: Estimate) -> &'static str {
    if e.mean > 0.0 {
        "+"
    } else if e.mean < 0.0 {
        "−"
    } else {
        ""
    }
}

/// An error-rate difference in percentage points: "+13.05 ± 0.13 pp".
pub(super) fn points(e: Estimate, signed: bool) -> String {
    format!(
        "{}{:.2} ± {:.2} pp",
        if signed { sign(e) } else { "" },
        e.mean.abs() * 100.0,
        e.half_width() * 100.0
    )
}

/// Whether an estimate is exactly zero, interval and all.
pub(super) fn is_nil(e: Estimate) -> bool {
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

/// Why an architecture misses the SLO, from its intervals:
/// "p99 12.45 ± 0.00 s > 2s, errors 13.05% ± 0.13 pp > 0.10%".
pub(super) fn why_misses(slo: &Slo, a: &ArchitectureResult) -> String {
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
pub(super) fn why_uncertain(slo: &Slo, a: &ArchitectureResult) -> String {
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
pub(super) fn error_pm(e: Estimate) -> String {
    format!("{} ± {:.2} pp", pct(e.mean), e.half_width() * 100.0)
}

/// The conclusion with replications: the cheapest architecture that meets
/// the SLO with confidence, what it saves against each other one as paired
/// differences, and a warning when the decision hangs on an uncertain
/// verdict.
pub(super) fn conclusion_replicated(data: &ChartData) -> String {
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
    let _ = writeln!(
        md,
        "On the Pareto frontier of the means (no other architecture is both cheaper and faster at {p}): {}.",
        frontier(data)
    );
    md
}
