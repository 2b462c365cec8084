//! The headline chart: cost per month against latency at the SLO
//! percentile, one labelled point per architecture, the Pareto frontier,
//! and the SLO as a vertical line; architectures that break the SLO hollow.

use super::look::{self, Glyph, LegendItem, Marker};
use super::{ChartData, Drawn};
use crate::report::decision;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ChartData) -> Drawn<DB> {
    let run = data.run;
    let p = data.percentile();
    let area = look::header(
        root,
        &format!("{}: cost per month against {p} latency", run.scenario),
        &data.subtitle(),
    )?;
    let n = run.architectures.len();
    let points: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let a = &run.architectures[i];
            (data.latency_ms(i).max(1e-3), a.cost.per_month_usd)
        })
        .collect();
    let mut items: Vec<LegendItem> = (0..n)
        .map(|i| LegendItem {
            glyph: Glyph::Architecture {
                index: i,
                filled: data.meets(i),
            },
            label: if data.meets(i) {
                run.architectures[i].name.clone()
            } else {
                format!("{} (hollow: breaks the SLO)", run.architectures[i].name)
            },
        })
        .collect();
    items.push(LegendItem {
        glyph: Glyph::Line {
            color: look::MUTED,
            dashed: false,
        },
        label: "Pareto frontier".into(),
    });
    items.extend(data.slo_legend_item());
    let area = look::legend(&area, &items)?;

    let slo_ms = data.slo.map(|s| s.latency.as_millis_f64());
    let lat = points.iter().map(|p| p.0).chain(slo_ms);
    let (x0, x1) = look::log_range(lat);
    let y1 = points.iter().map(|p| p.1).fold(0.0, f64::max).max(1e-6) * 1.2;
    let mut chart = ChartBuilder::on(&area)
        .margin(look::MARGIN)
        .margin_top(10)
        .x_label_area_size(80)
        .y_label_area_size(130)
        .build_cartesian_2d(
            (x0..x1)
                .log_scale()
                .with_key_points(look::log_ticks(x0, x1, 12)),
            0f64..y1,
        )?;
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(format!("{p} latency (ms and s, log scale)"))
        .y_desc("cost per month (USD)")
        .x_label_formatter(&|v| look::ms_tick(*v))
        .y_label_formatter(&|v| look::usd_tick(*v))
        .y_labels(8);
    look::style_mesh(&mut mesh);
    mesh.draw()?;

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
    Ok(())
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
