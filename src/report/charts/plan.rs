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

use super::look::{self, LegendItem, Marker};
use super::{Drawn, Figure, frame};
use crate::analysis::decision::pareto_frontier;
use crate::report::table::{fmt_ms_pm, fmt_usd_pm};
use crate::results::estimate::Estimate;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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
        .enumerate()
        .map(|(i, s)| {
            let label = format!("{} ({} candidates)", s.name, s.points.len());
            LegendItem::architecture(i, true, label)
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
    chart.draw_series(std::iter::once(DashedPathElement::new(
        vec![(f.slo_ms, y0), (f.slo_ms, y1)],
        10,
        6,
        look::SLO_COLOR.stroke_width(2),
    )))?;
    chart.draw_series(std::iter::once(
        EmptyElement::at((f.slo_ms, y1))
            + Text::new(
                f.slo_label.clone(),
                (10, 10),
                look::font(look::NOTE_PX).pos(Pos::new(HPos::Left, VPos::Top)),
            ),
    ))?;
    for (i, s) in f.series.iter().enumerate() {
        for p in &s.points {
            chart.draw_series(std::iter::once(Marker::new(at(p), i, p.meets)))?;
        }
    }
    draw_choices(&area, &mut chart, f, at)
}

/// Rings each choice, with its interval bars and a label card.
fn draw_choices<DB: DrawingBackend, X, Y>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut ChartContext<DB, Cartesian2d<X, Y>>,
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
    let labels: Vec<String> = chosen
        .iter()
        .map(|(i, _, c)| {
            format!(
                "{}: {} · {} · {}",
                f.series[*i].name,
                shorten(&c.config),
                fmt_usd_pm(c.cost_per_month_usd),
                fmt_ms_pm(c.latency_ms)
            )
        })
        .collect();
    let style = look::font(look::LEGEND_PX).pos(Pos::new(HPos::Left, VPos::Bottom));
    let pixels: Vec<(i32, i32)> = chosen.iter().map(|c| chart.backend_coord(&c.1)).collect();
    let (px_range, _) = area.get_pixel_range();
    let bounds = (px_range.start + look::MARGIN, px_range.end - look::MARGIN);
    let mut sizes = Vec::with_capacity(labels.len());
    for l in &labels {
        let (w, h) = area.estimate_text_size(l, &style)?;
        // The card: the text with 6 px of padding around it (stacked
        // cards keep 2 px of that apart).
        sizes.push((w as i32 + 12, h as i32 + 12));
    }
    // Every candidate's marker is an obstacle: a card must not hide one.
    let r = look::MARKER_RADIUS + 3;
    let markers: Vec<(i32, i32, i32, i32)> = f
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(&at))
        .map(|p| {
            let (x, y) = chart.backend_coord(&p);
            (x - r, y - r, x + r, y + r)
        })
        .collect();
    let boxes = place_labels(&pixels, &sizes, bounds, &markers);
    for (k, &(i, (x, y), c)) in chosen.iter().enumerate() {
        let (lat, cost) = (c.latency_ms, c.cost_per_month_usd);
        look::interval_cross(
            chart,
            (x, y),
            (lat.low.max(1e-3), lat.high.max(1e-3)),
            (cost.low.max(1e-6), cost.high.max(1e-6)),
            look::color(i),
        )?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, y))
                + Circle::new((0, 0), RING_RADIUS, look::color(i).stroke_width(3)),
        ))?;
        // The card, in pixels relative to the point.
        let (left, top, right, bottom) = boxes[k];
        let (px, py) = pixels[k];
        let card = [(left - px, top - py + 1), (right - px, bottom - py - 1)];
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, y))
                + Rectangle::new(card, WHITE.mix(0.9).filled())
                + Rectangle::new(card, look::color(i).stroke_width(1))
                + Text::new(
                    labels[k].clone(),
                    (left - px + 6, bottom - py - 6),
                    style.clone(),
                ),
        ))?;
        chart.draw_series(std::iter::once(Marker::new((x, y), i, true)))?;
    }
    Ok(())
}

/// Where each label goes, as (left, top, right, bottom) pixels: above
/// its point and starting just right of its ring, moved left as far as
/// needed to stay within `bounds` (a long label near the right edge), and
/// lifted a line at a time over labels already placed (lowest points
/// first) and over `obstacles` (left, top, right, bottom).
fn place_labels(
    points: &[(i32, i32)],
    sizes: &[(i32, i32)],
    bounds: (i32, i32),
    obstacles: &[(i32, i32, i32, i32)],
) -> Vec<(i32, i32, i32, i32)> {
    let mut placed: Vec<(i32, i32, i32, i32)> = vec![(0, 0, 0, 0); points.len()];
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(points[i].1), i));
    let mut taken: Vec<(i32, i32, i32, i32)> = obstacles.to_vec();
    for i in order {
        let ((px, py), (w, h)) = (points[i], sizes[i]);
        let left = (px + RING_RADIUS + 4).min(bounds.1 - w).max(bounds.0);
        let mut bottom = py - RING_RADIUS;
        while taken
            .iter()
            .any(|&(l, t, r, b)| left < r && l < left + w && bottom - h < b && t < bottom)
        {
            bottom -= h;
        }
        placed[i] = (left, bottom - h, left + w, bottom);
        taken.push(placed[i]);
    }
    placed
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
    fn labels_stay_inside_the_chart_and_do_not_overlap() {
        // Two choices at the same spot, one near the right edge.
        let boxes = place_labels(
            &[(500, 400), (500, 400), (1500, 300)],
            &[(300, 30), (300, 30), (400, 30)],
            (100, 1560),
            &[],
        );
        assert_eq!(boxes[0], (521, 353, 821, 383));
        assert_eq!(boxes[1], (521, 323, 821, 353), "lifted over the first");
        assert_eq!(boxes[2], (1160, 253, 1560, 283), "moved left to fit");
        let wide = place_labels(&[(200, 400)], &[(2000, 30)], (100, 1560), &[]);
        assert_eq!(wide[0].0, 100, "wider than the chart: from its left edge");
        let over = place_labels(
            &[(500, 400)],
            &[(300, 30)],
            (100, 1560),
            &[(600, 370, 620, 390)],
        );
        assert_eq!(over[0], (521, 323, 821, 353), "lifted over a marker");
    }

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
