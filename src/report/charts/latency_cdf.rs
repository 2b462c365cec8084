//! End-to-end latency CDF per architecture (log x), from the streaming
//! histogram, with markers at p50, p90 and p99 and the SLO line.

use super::look::{self, LegendItem, Marker};
use super::{Chart, ChartData, Drawn, frame};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Where each curve carries its marker.
const MARKED: [f64; 3] = [0.5, 0.9, 0.99];

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ChartData) -> Drawn<DB> {
    let run = data.run;
    let curves: Vec<Vec<(f64, f64)>> = run
        .architectures
        .iter()
        .map(|a| {
            a.latency
                .cdf_points()
                .into_iter()
                .map(|(t, f)| (t.as_millis_f64().max(1e-3), f))
                .collect()
        })
        .collect();
    let mut items: Vec<LegendItem> = (0..curves.len())
        .map(|i| LegendItem::architecture(data.style(i), data.meets(i), &run.architectures[i].name))
        .collect();
    items.extend(data.slo_legend_item());
    let what = "end-to-end latency distribution (markers at p50, p90, p99)";
    let area = data.page(root, Chart::LatencyCdf, what, &items)?;

    let slo_ms = data.slo.map(|s| s.latency.as_millis_f64());
    let xs = curves.iter().flatten().map(|p| p.0).chain(slo_ms);
    let (x0, x1) = look::log_range(xs);
    let mut chart = frame::plot(
        &area,
        frame::LABEL_AREAS,
        frame::log_axis(x0, x1, 12),
        0f64..1.0,
    )?;
    frame::axes(&mut chart)
        .x_desc("end-to-end latency (ms and s, log scale)")
        .y_desc("requests completed within (cumulative %)")
        .x_label_formatter(&|v| look::ms_tick(*v))
        .y_label_formatter(&|v| look::percent_tick(*v))
        .y_labels(11)
        .draw()?;

    if let (Some(slo), Some(label)) = (data.slo, data.slo_label()) {
        let x = slo.latency.as_millis_f64();
        let q = slo.percentile.value() / 100.0;
        chart.draw_series([
            DashedPathElement::new(
                vec![(x, 0.0), (x, 1.0)],
                10,
                6,
                look::SLO_COLOR.stroke_width(2),
            ),
            DashedPathElement::new(vec![(x0, q), (x1, q)], 4, 6, look::MUTED.stroke_width(1)),
        ])?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, 0.0))
                + Text::new(
                    label,
                    (10, -12),
                    look::font(look::NOTE_PX).pos(Pos::new(HPos::Left, VPos::Bottom)),
                ),
        ))?;
    }
    for (i, curve) in curves.iter().enumerate() {
        chart.draw_series(std::iter::once(look::styled_path(
            curve.clone(),
            data.style(i),
            look::LINE_WIDTH,
        )))?;
        let marks = MARKED
            .iter()
            .filter_map(|&q| curve.iter().find(|p| p.1 >= q))
            .map(|&p| Marker::new(p, data.style(i), data.meets(i)));
        chart.draw_series(marks)?;
    }
    Ok(())
}
