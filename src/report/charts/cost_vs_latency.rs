//! The headline chart: cost per month against latency at the SLO
//! percentile, one labelled point per architecture, the Pareto frontier,
//! and the SLO as a vertical line; architectures that break the SLO hollow.
//! With replications, each point is a mean with 95 % interval bars on both
//! axes, and its label gives both intervals in numbers (they are often
//! narrower than the marker).

use super::look::{self, LegendItem, Marker};
use super::{Chart, ChartData, Drawn, frame};
use crate::analysis::decision::{self, Verdict};
use crate::report::table::{fmt_ms_pm, fmt_usd_pm};
use crate::results::estimate::Estimate;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ChartData) -> Drawn<DB> {
    let run = data.run;
    let p = data.percentile();
    let n = run.architectures.len();
    let points: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let a = &run.architectures[i];
            (data.latency_ms(i).max(1e-3), a.cost.per_month_usd)
        })
        .collect();
    // With replications: (latency, cost) intervals per point.
    let intervals: Option<Vec<(Estimate, Estimate)>> = (data.replications() > 1).then(|| {
        run.architectures
            .iter()
            .map(|a| {
                (
                    decision::slo_latency(data.slo.as_ref(), a),
                    decision::cost_per_month(a),
                )
            })
            .collect()
    });
    let mut items: Vec<LegendItem> = (0..n)
        .map(|i| {
            let name = &run.architectures[i].name;
            let label = match (intervals.is_some(), data.verdict(i)) {
                (_, None | Some(Verdict::Meets)) => name.clone(),
                (true, Some(Verdict::Uncertain)) => format!("{name} (hollow: may break the SLO)"),
                _ => format!("{name} (hollow: breaks the SLO)"),
            };
            LegendItem::architecture(i, data.meets(i), label)
        })
        .collect();
    items.push(LegendItem::line(look::MUTED, false, "Pareto frontier"));
    items.extend(data.slo_legend_item());
    let what = format!("cost per month against {p} latency");
    let area = data.page(root, Chart::CostVsLatency, &what, &items)?;

    let slo_ms = data.slo.map(|s| s.latency.as_millis_f64());
    let (x0, x1, y1) = match &intervals {
        None => {
            let lat = points.iter().map(|p| p.0).chain(slo_ms);
            let (x0, x1) = look::log_range(lat);
            let y1 = points.iter().map(|p| p.1).fold(0.0, f64::max).max(1e-6) * 1.2;
            (x0, x1, y1)
        }
        Some(iv) => {
            let lat = iv
                .iter()
                .flat_map(|(l, _)| [l.low.max(1e-3), l.high.max(1e-3)]);
            let (x0, x1) = look::log_range(lat.chain(points.iter().map(|p| p.0)).chain(slo_ms));
            let top = iv
                .iter()
                .map(|(_, c)| c.high)
                .chain(points.iter().map(|p| p.1));
            (x0, x1, top.fold(0.0, f64::max).max(1e-6) * 1.2)
        }
    };
    let mut chart = frame::plot(
        &area,
        frame::LABEL_AREAS,
        frame::log_axis(x0, x1, 12),
        0f64..y1,
    )?;
    frame::axes(&mut chart)
        .x_desc(format!("{p} latency (ms and s, log scale)"))
        .y_desc("cost per month (USD)")
        .x_label_formatter(&|v| look::ms_tick(*v))
        .y_label_formatter(&|v| look::usd_tick(*v))
        .y_labels(8)
        .draw()?;

    let frontier = decision::pareto_frontier(&points);
    chart.draw_series(LineSeries::new(
        frontier.iter().map(|&i| points[i]),
        look::MUTED.stroke_width(2),
    ))?;
    if let (Some(x), Some(label)) = (slo_ms, data.slo_label()) {
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(x, 0.0), (x, y1)],
            10,
            6,
            look::SLO_COLOR.stroke_width(2),
        )))?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, y1))
                + Text::new(
                    label,
                    (10, 10),
                    look::font(look::NOTE_PX).pos(Pos::new(HPos::Left, VPos::Top)),
                ),
        ))?;
    }
    let style = look::font(look::LEGEND_PX).pos(Pos::new(HPos::Left, VPos::Bottom));
    let Some(iv) = intervals else {
        let lifts = label_lifts(&area, &chart, &points, data, &style)?;
        for (i, &(x, y)) in points.iter().enumerate() {
            chart.draw_series(std::iter::once(Marker::new((x, y), i, data.meets(i))))?;
            // Above and to the right: the frontier runs from up-left to
            // down-right through its points, so that corner is always clear;
            // a label that would cover another is lifted above it.
            chart.draw_series(std::iter::once(
                EmptyElement::at((x, y))
                    + Text::new(
                        run.architectures[i].name.clone(),
                        (12, -12 - lifts[i]),
                        style.clone(),
                    ),
            ))?;
        }
        return Ok(());
    };
    let labels: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "{}  {} · {}",
                run.architectures[i].name,
                fmt_usd_pm(iv[i].1),
                fmt_ms_pm(iv[i].0)
            )
        })
        .collect();
    let right = area.get_pixel_range().0.end - look::MARGIN;
    let places = label_places(&area, &chart, &points, &labels, &style, right)?;
    for (i, &(x, y)) in points.iter().enumerate() {
        let Place {
            lift,
            flipped,
            width,
            height,
        } = places[i];
        let (dx, anchor) = if flipped {
            (-12, HPos::Right)
        } else {
            (12, HPos::Left)
        };
        // On a white card, so that the SLO line and the frontier do not
        // run through the text.
        let left = if flipped { dx - width } else { dx };
        let bottom = -12 - lift;
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, y))
                + Rectangle::new(
                    [
                        (left - 6, bottom - height - 4),
                        (left + width + 6, bottom + 4),
                    ],
                    WHITE.filled(),
                )
                + Text::new(
                    labels[i].clone(),
                    (dx, bottom),
                    style.pos(Pos::new(anchor, VPos::Bottom)),
                ),
        ))?;
    }
    // Interval bars with end caps, over the label cards and under the markers.
    for (i, &(x, y)) in points.iter().enumerate() {
        let (lat, cost) = iv[i];
        look::interval_cross(
            &mut chart,
            (x, y),
            (lat.low.max(1e-3), lat.high.max(1e-3)),
            (cost.low, cost.high),
            look::color(i),
        )?;
    }
    for (i, &p) in points.iter().enumerate() {
        chart.draw_series(std::iter::once(Marker::new(p, i, data.meets(i))))?;
    }
    Ok(())
}

/// Where a label goes: lifted by `lift` pixels, and left of its point
/// instead of right when it would run off the chart.
#[derive(Clone, Copy, Default)]
struct Place {
    lift: i32,
    flipped: bool,
    /// The label's size in pixels.
    width: i32,
    height: i32,
}

/// [`label_lifts`] for labels of any text that may flip to the left of
/// their point when they would cross `right` (a pixel column).
fn label_places<DB: DrawingBackend, X, Y>(
    area: &DrawingArea<DB, Shift>,
    chart: &ChartContext<DB, Cartesian2d<X, Y>>,
    points: &[(f64, f64)],
    labels: &[String],
    style: &TextStyle,
    right: i32,
) -> Result<Vec<Place>, DrawingAreaErrorKind<DB::ErrorType>>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let mut boxes: Vec<(i32, i32, i32, i32)> = Vec::with_capacity(points.len());
    let mut places = vec![Place::default(); points.len()];
    let mut order: Vec<usize> = (0..points.len()).collect();
    let pixel: Vec<(i32, i32)> = points.iter().map(|p| chart.backend_coord(p)).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(pixel[i].1), i));
    for i in order {
        let (w, h) = area.estimate_text_size(&labels[i], style)?;
        let (w, h) = (w as i32, h as i32 + 4);
        let (px, py) = pixel[i];
        let flipped = px + 12 + w > right;
        let left = if flipped { px - 12 - w } else { px + 12 };
        let mut bottom = py - 12;
        while boxes
            .iter()
            .any(|&(l, r, t, b)| left < r && l < left + w && bottom - h < b && t < bottom)
        {
            bottom -= h;
        }
        places[i] = Place {
            lift: py - 12 - bottom,
            flipped,
            width: w,
            height: h,
        };
        boxes.push((left, left + w, bottom - h, bottom));
    }
    Ok(places)
}

/// How far (pixels) to lift each point's label so that no two overlap:
/// architectures with nearly the same cost and latency would otherwise
/// print their names on top of each other. Lower points are placed first
/// and keep their spot; a label that collides moves up a line at a time.
fn label_lifts<DB: DrawingBackend, X, Y>(
    area: &DrawingArea<DB, Shift>,
    chart: &ChartContext<DB, Cartesian2d<X, Y>>,
    points: &[(f64, f64)],
    data: &ChartData,
    style: &TextStyle,
) -> Result<Vec<i32>, DrawingAreaErrorKind<DB::ErrorType>>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let mut boxes: Vec<(i32, i32, i32, i32)> = Vec::with_capacity(points.len());
    let mut lifts = vec![0; points.len()];
    let mut order: Vec<usize> = (0..points.len()).collect();
    let pixel: Vec<(i32, i32)> = points.iter().map(|p| chart.backend_coord(p)).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(pixel[i].1), i));
    for i in order {
        let (w, h) = area.estimate_text_size(&data.run.architectures[i].name, style)?;
        let (w, h) = (w as i32, h as i32 + 4);
        let (px, py) = pixel[i];
        let left = px + 12;
        let mut bottom = py - 12;
        while boxes
            .iter()
            .any(|&(l, r, t, b)| left < r && l < left + w && bottom - h < b && t < bottom)
        {
            bottom -= h;
        }
        lifts[i] = py - 12 - bottom;
        boxes.push((left, left + w, bottom - h, bottom));
    }
    Ok(lifts)
}
