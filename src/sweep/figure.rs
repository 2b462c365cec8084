//! From a sweep's rows to what its charts draw: one panel per line of the
//! grid (every architecture along the first key, the other keys fixed),
//! with the cheapest-architecture bands and the crossover labels in the
//! swept key's unit (and in requests per second for `demand.scale`).

use super::run::{SweepResult, SweepRow};
use crate::analysis::crossover::{self, Series};
use crate::analysis::decision::Verdict;
use crate::report::charts::palette::Palette;
use crate::report::charts::sweep::{CrossMark, SweepFigure, SweepPanel, SweepSeries, XUnit};
use crate::scenario::sweep::SweepValue;
use crate::scenario::sweep::Vary;
use crate::time::parse_duration;

/// How the values of `vary` read: a multiple of demand, requests per
/// second, a duration, a memory size, or a plain number.
pub fn unit_of(vary: &Vary) -> XUnit {
    match vary.key.as_str() {
        "demand.scale" => return XUnit::Scale,
        "demand.rps" => return XUnit::RequestsPerSecond,
        _ => {}
    }
    match vary.values.first() {
        Some(SweepValue::Text(t)) if parse_duration(t).is_ok() => XUnit::Seconds,
        Some(SweepValue::Text(_)) => XUnit::Megabytes,
        _ => XUnit::Plain,
    }
}

/// The figure of `r`; `unit` is how the first key's values read.
pub fn figure(r: &SweepResult, unit: XUnit) -> SweepFigure {
    let panels: Vec<SweepPanel> = lines(r).iter().map(|rows| panel(r, rows, unit)).collect();
    let x_desc = match unit {
        XUnit::Scale => match base_rps(r) {
            Some(rps) => format!(
                "{} (1× = {})",
                r.keys[0],
                XUnit::RequestsPerSecond.format(rps)
            ),
            None => r.keys[0].clone(),
        },
        _ => r.keys[0].clone(),
    };
    SweepFigure {
        scenario: r.scenario.clone(),
        key: r.keys[0].clone(),
        unit,
        x_desc,
        percentile: r.percentile.clone(),
        slo_label: r.slo_label.clone(),
        replications: r.replications,
        subtitle: r.subtitle.clone(),
        palette: Palette::new(architectures(r)),
        panels,
    }
}

/// The architectures' names in the scenario's order: the rows of a
/// point list them as its file does.
fn architectures(r: &SweepResult) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for row in &r.rows {
        if names.contains(&row.architecture.as_str()) {
            break;
        }
        names.push(&row.architecture);
    }
    names
}

/// The arrival rate at scale 1, from the first point with a positive scale.
fn base_rps(r: &SweepResult) -> Option<f64> {
    r.rows
        .iter()
        .find(|row| row.numbers[0] > 0.0)
        .map(|row| row.arrival_rps / row.numbers[0])
}

/// The rows of each line of the grid, in grid order: rows that share the
/// values of every key but the first.
fn lines(r: &SweepResult) -> Vec<Vec<&SweepRow>> {
    let mut out: Vec<(Vec<String>, Vec<&SweepRow>)> = Vec::new();
    for row in &r.rows {
        let rest = row.values[1..].to_vec();
        match out.iter_mut().find(|(k, _)| *k == rest) {
            Some((_, rows)) => rows.push(row),
            None => out.push((rest, vec![row])),
        }
    }
    out.into_iter().map(|(_, rows)| rows).collect()
}

fn panel(r: &SweepResult, rows: &[&SweepRow], unit: XUnit) -> SweepPanel {
    let mut names: Vec<&str> = Vec::new();
    for row in rows {
        if !names.contains(&row.architecture.as_str()) {
            names.push(&row.architecture);
        }
    }
    // Rows are point-major: every architecture of a point, then the next.
    let per_point: Vec<&[&SweepRow]> = rows.chunks(names.len()).collect();
    let xs: Vec<f64> = per_point.iter().map(|p| p[0].numbers[0]).collect();
    let series: Vec<SweepSeries> = (0..names.len())
        .map(|k| SweepSeries {
            name: names[k].to_string(),
            cost: per_point.iter().map(|p| p[k].cost_per_month_usd).collect(),
            latency: per_point.iter().map(|p| p[k].latency_ms).collect(),
            verdict: per_point.iter().map(|p| p[k].verdict).collect(),
        })
        .collect();
    let cut: Vec<Series> = series
        .iter()
        .map(|s| Series {
            name: &s.name,
            cost: s.cost.iter().map(|e| e.mean).collect(),
            meets: s
                .verdict
                .iter()
                .map(|v| v.is_none_or(|v| v == Verdict::Meets))
                .collect(),
        })
        .collect();
    let bands = crossover::bands(&xs, &cut)
        .into_iter()
        .map(|b| (b.from, b.to, b.cheapest))
        .collect();
    let on: Vec<String> = r.keys[1..]
        .iter()
        .zip(&rows[0].values[1..])
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let marks = r
        .crossovers
        .iter()
        .filter(|c| c.on == on)
        .map(|c| {
            let mut at = unit.format(c.at);
            if let Some(rps) = c.at_rps {
                at.push_str(&format!(" ({})", XUnit::RequestsPerSecond.format(rps)));
            }
            CrossMark {
                at: c.at,
                label: if c.by_cost {
                    format!("{} cheaper below {at}", c.below)
                } else {
                    format!("{} misses the SLO from {at}", c.below)
                },
                then: format!("→ {}", c.above),
            }
        })
        .collect();
    SweepPanel {
        heading: (!on.is_empty()).then(|| on.join(", ")),
        xs,
        series,
        bands,
        marks,
        slo_ms: per_point.iter().map(|p| p[0].slo_ms).collect(),
    }
}
