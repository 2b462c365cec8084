//! The chart of a plan: cost per month against the SLO percentile of every
//! candidate configuration a plan simulated, one colour and marker per
//! architecture (as in a run's charts), hollow where the candidate does
//! not meet the SLO with confidence; each architecture's choice ringed,
//! with its 95 % intervals and a label naming its configuration; the SLO
//! line; and the Pareto frontier of the candidates that meet the SLO (no
//! other meeting one is both cheaper and faster). Both axes are
//! logarithmic: a plan's probes range from runaway queues to idle
//! capacity, and architectures' costs differ by orders of magnitude.
//!
//! Reads a [`PlanFigure`], built by the plan from its candidates; it
//! knows nothing of how they were searched.

use super::labels::{Layout, Rect};
use super::look::{self, LegendItem, Marker};
use super::palette::Palette;
use super::{Drawn, Figure, frame};
use crate::analysis::decision::pareto_frontier;
use crate::report::table::{fmt_ms, fmt_ms_pm, fmt_usd, fmt_usd_pm, with_interval};
use crate::results::estimate::Estimate;
use plotters::coord::Shift;
use plotters::prelude::*;

/// One simulated candidate.
#[derive(Clone, Debug)]
pub struct PlanPoint {
    pub latency_ms: f64,
    pub cost_per_month_usd: f64,
    pub meets: bool,
}

/// The candidates of one architecture and its choice.
#[derive(Clone, Debug)]
pub struct PlanSeries {
    pub name: String,
    pub points: Vec<PlanPoint>,
    pub choice: Option<Choice>,
}

/// An architecture's chosen candidate.
#[derive(Clone, Debug)]
pub struct Choice {
    /// Into the series' `points`.
    pub index: usize,
    pub latency_ms: Estimate,
    pub cost_per_month_usd: Estimate,
    /// The configuration as one line.
    pub config: String,
}

/// Everything the plan chart draws.
#[derive(Clone, Debug)]
pub struct PlanFigure {
    pub scenario: String,
    pub subtitle: String,
    /// The SLO percentile's name ("p99").
    pub percentile: String,
    pub slo_ms: f64,
    /// "SLO p99 ≤ 500ms".
    pub slo_label: String,
    /// The scenario's architectures, for their colours and markers.
    pub palette: Palette,
    pub series: Vec<PlanSeries>,
}

impl Figure for PlanFigure {
    fn stem(&self) -> &str {
        "plan"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn<DB> {
        draw(root, self)
    }
}

/// Longest configuration text in a label; longer ones end in "…" (the
/// whole configuration is in plan.md).
const MAX_CONFIG_CHARS: usize = 56;

/// The ring around a choice, in pixels.
const RING_RADIUS: i32 = 17;

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, f: &PlanFigure) -> Drawn<DB> {
    let mut items: Vec<LegendItem> = f
        .series
        .iter()
        .map(|s| {
            let label = format!("{} ({} candidates)", s.name, s.points.len());
            LegendItem::architecture(f.palette.style(&s.name), true, label)
        })
        .collect();
    items.push(LegendItem::line(
        look::MUTED,
        false,
        "Pareto frontier of the candidates meeting the SLO",
    ));
    items.push(LegendItem::line(look::SLO_COLOR, true, &f.slo_label));
    let area = frame::page(
        root,
        &format!(
            "{}: plan — cost per month against {} latency of every candidate",
            f.scenario, f.percentile
        ),
        &f.subtitle,
        &items,
    )?;

    let at = |p: &PlanPoint| (p.latency_ms.max(1e-3), p.cost_per_month_usd.max(1e-6));
    let all = f.series.iter().flat_map(|s| s.points.iter().map(at));
    let choices = f.series.iter().filter_map(|s| s.choice.as_ref());
    let lat = all
        .clone()
        .map(|p| p.0)
        .chain(
            choices
                .clone()
                .flat_map(|c| [c.latency_ms.low, c.latency_ms.high]),
        )
        .filter(|v| *v > 0.0)
        .chain(std::iter::once(f.slo_ms));
    let (x0, x1) = look::log_range(lat);
    let cost = all
        .map(|p| p.1)
        .chain(choices.flat_map(|c| [c.cost_per_month_usd.low, c.cost_per_month_usd.high]))
        .filter(|v| *v > 0.0);
    let (y0, y1) = look::log_range(cost);
    // Room above the highest point for the labels, which sit above their
    // markers.
    let y1 = y1 * 1.6;
    let mut chart = frame::plot(
        &area,
        frame::LABEL_AREAS,
        frame::log_axis(x0, x1, 12),
        frame::log_axis(y0, y1, 10),
    )?;
    frame::axes(&mut chart)
        .x_desc(format!("{} latency (log scale)", f.percentile))
        .y_desc("cost per month (USD, log scale)")
        .x_label_formatter(&|v| look::ms_tick(*v))
        .y_label_formatter(&|v| look::usd_tick(*v))
        .draw()?;

    let meeting: Vec<(f64, f64)> = f
        .series
        .iter()
        .flat_map(|s| s.points.iter().filter(|p| p.meets).map(at))
        .collect();
    let frontier = pareto_frontier(&meeting);
    chart.draw_series(LineSeries::new(
        frontier.iter().map(|&i| meeting[i]),
        look::MUTED.stroke_width(2),
    ))?;
    let mut layout = Layout::new(frame::plot_rect(&chart));
    frame::slo_line(
        root,
        &mut chart,
        &mut layout,
        f.slo_ms,
        (y0, y1),
        &f.slo_label,
    )?;
    for s in &f.series {
        let style = f.palette.style(&s.name);
        for p in &s.points {
            chart.draw_series(std::iter::once(Marker::new(at(p), style, p.meets)))?;
        }
    }
    draw_choices(root, &mut chart, &mut layout, f, at)
}

/// Rings each choice, with its interval bars and a label card placed by
/// [`Layout`]: next to its choice, or moved off with a leader line, never
/// over another card, a candidate's marker, or out of the plot.
fn draw_choices<DB: DrawingBackend, X, Y>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut ChartContext<DB, Cartesian2d<X, Y>>,
    layout: &mut Layout,
    f: &PlanFigure,
    at: impl Fn(&PlanPoint) -> (f64, f64),
) -> Drawn<DB>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let chosen: Vec<(usize, (f64, f64), &Choice)> = f
        .series
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.choice.as_ref().map(|c| (i, at(&s.points[c.index]), c)))
        .collect();
    // Every candidate's marker and every ring is an obstacle: a card must
    // not hide one.
    for p in f.series.iter().flat_map(|s| s.points.iter().map(&at)) {
        layout.block(Rect::around(chart.backend_coord(&p), frame::MARKER_BLOCK));
    }
    for (_, p, _) in &chosen {
        layout.block(Rect::around(chart.backend_coord(p), RING_RADIUS));
    }
    let font = look::font(look::LEGEND_PX);
    for &(i, (x, y), c) in &chosen {
        let drawn = f.palette.style(&f.series[i].name);
        let (lat, cost) = (c.latency_ms, c.cost_per_month_usd);
        look::interval_cross(
            chart,
            (x, y),
            (lat.low.max(1e-3), lat.high.max(1e-3)),
            (cost.low.max(1e-6), cost.high.max(1e-6)),
            drawn.color,
        )?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, y))
                + Circle::new((0, 0), RING_RADIUS, drawn.color.stroke_width(3)),
        ))?;
        let text = format!(
            "{}: {} · {} · {}",
            f.series[i].name,
            shorten(&c.config),
            with_interval(c.cost_per_month_usd, fmt_usd_pm, fmt_usd),
            with_interval(c.latency_ms, fmt_ms_pm, fmt_ms)
        );
        let anchor = chart.backend_coord(&(x, y));
        let size = frame::card_size(area, &text, &font)?;
        let placed = layout.place(anchor, size, RING_RADIUS + 6);
        frame::label(area, &text, &font, (&placed, anchor), Some(drawn.color))?;
        chart.draw_series(std::iter::once(Marker::new((x, y), drawn, true)))?;
    }
    Ok(())
}

/// A configuration short enough for a label: per-function and
/// per-service keys without their table's name (`oven.memory = …`), cut
/// with "…" past [`MAX_CONFIG_CHARS`].
fn shorten(config: &str) -> String {
    if config.is_empty() {
        return "as written".into();
    }
    let config = config
        .split(", ")
        .map(|part| {
            part.strip_prefix("functions.")
                .or_else(|| part.strip_prefix("services."))
                .unwrap_or(part)
        })
        .collect::<Vec<_>>()
        .join(", ");
    if config.chars().count() <= MAX_CONFIG_CHARS {
        return config;
    }
    let cut: String = config.chars().take(MAX_CONFIG_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_configurations_are_cut_with_an_ellipsis() {
        assert_eq!(shorten(""), "as written");
        assert_eq!(shorten("servers = 7"), "servers = 7");
        assert_eq!(
            shorten("functions.oven.memory = \"1769MB\", services.baker.servers = 3"),
            "oven.memory = \"1769MB\", baker.servers = 3"
        );
        let long = "functions.oven.memory = \"1769MB\", functions.oven.provisioned = 12, functions.baker.memory = \"128MB\"";
        let s = shorten(long);
        assert_eq!(s.chars().count(), MAX_CONFIG_CHARS);
        assert!(
            s.ends_with('…') && s.starts_with("oven.memory = \"1769MB\", oven.provisioned = 12, ")
        );
    }
}
