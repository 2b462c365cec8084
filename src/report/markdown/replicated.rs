//! The parts of `report.md` that exist only with replications: the
//! results table with intervals and verdicts, the paired comparisons, and
//! why an architecture misses the SLO or has an uncertain verdict, as the
//! conclusion says it.

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
