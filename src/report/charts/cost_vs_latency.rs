//! The headline chart: cost per month against latency at the SLO
//! percentile, one labelled point per architecture, the Pareto frontier,
//! and the SLO as a vertical line; architectures that break the SLO
//! hollow, said once in the legend. With replications, each point is a
//! mean with 95 % interval bars on both axes, and its label gives both
//! intervals in numbers (they are often narrower than the marker).
//!
//! The cost axis turns logarithmic (and says so) when the costs span a
//! factor of [`LOG_COST_SPAN`] or more, so that one expensive architecture
//! does not flatten the others against the floor. Labels are placed by
//! [`labels::Layout`]: beside their point, or moved off with a leader
//! line, never over another label, a marker, or out of the plot.

use super::labels::{Layout, Rect};
use super::look::{self, Glyph, LegendItem, Marker};
use super::{Chart, ChartData, Drawn, frame};
use crate::analysis::decision::{self, Verdict};
use crate::report::table::{fmt_ms_pm, fmt_usd_pm};
use crate::results::estimate::Estimate;
use plotters::coord::Shift;
use plotters::prelude::*;

/// From this ratio of the highest cost to the lowest, cost is on a log axis.
pub const LOG_COST_SPAN: f64 = 10.0;

/// What the chart draws, in chart values.
struct Points {
    /// (latency ms, cost per month) per architecture.
    at: Vec<(f64, f64)>,
    /// With replications: (latency, cost) intervals per architecture.
    intervals: Option<Vec<(Estimate, Estimate)>>,
    /// Each point's label.
    labels: Vec<String>,
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ChartData) -> Drawn<DB> {
    let pts = points(data);
    let p = data.percentile();
    let what = format!("cost per month against {p} latency");
    let area = data.page(root, Chart::CostVsLatency, &what, &legend(data))?;

    let slo_ms = data.slo.map(|s| s.latency.as_millis_f64());
    let lat = pts.at.iter().map(|p| p.0).chain(slo_ms).chain(
        pts.intervals
            .iter()
            .flatten()
            .flat_map(|(l, _)| [l.low.max(1e-3), l.high.max(1e-3)]),
    );
    let (x0, x1) = look::log_range(lat);
    let costs: Vec<f64> = pts
        .at
        .iter()
        .map(|p| p.1)
        .chain(pts.intervals.iter().flatten().map(|(_, c)| c.high))
        .collect();
    let top = costs.iter().copied().fold(0.0, f64::max).max(1e-6);
    let bottom = costs
        .iter()
        .copied()
        .filter(|c| *c > 0.0)
        .fold(top, f64::min);
    let x = frame::log_axis(x0, x1, 12);
    let x_desc = format!("{p} latency (ms and s, log scale)");
    if top / bottom >= LOG_COST_SPAN {
        let lows = pts.intervals.iter().flatten().map(|(_, c)| c.low);
        let (y0, y1) = look::log_range(costs.iter().copied().chain(lows).filter(|c| *c > 0.0));
        let mut chart = frame::plot(&area, frame::LABEL_AREAS, x, frame::log_axis(y0, y1, 10))?;
        frame::axes(&mut chart)
            .x_desc(x_desc)
            .y_desc("cost per month (USD, log scale)")
            .x_label_formatter(&|v| look::ms_tick(*v))
            .y_label_formatter(&|v| look::usd_tick(*v))
            .draw()?;
        plot(root, &mut chart, data, &pts, (y0, y1))
    } else {
        let y1 = top * 1.2;
        let mut chart = frame::plot(&area, frame::LABEL_AREAS, x, 0f64..y1)?;
        frame::axes(&mut chart)
            .x_desc(x_desc)
            .y_desc("cost per month (USD)")
            .x_label_formatter(&|v| look::ms_tick(*v))
            .y_label_formatter(&|v| look::usd_tick(*v))
            .y_labels(8)
            .draw()?;
        plot(root, &mut chart, data, &pts, (0.0, y1))
    }
}

/// The points, their intervals with replications, and their labels.
fn points(data: &ChartData) -> Points {
    let run = data.run;
    let at: Vec<(f64, f64)> = (0..run.architectures.len())
        .map(|i| {
            let a = &run.architectures[i];
            (data.latency_ms(i).max(1e-3), a.cost.per_month_usd)
        })
        .collect();
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
    let labels = run
        .architectures
        .iter()
        .enumerate()
        .map(|(i, a)| match &intervals {
            None => a.name.clone(),
            Some(iv) => format!(
                "{}  {} · {}",
                a.name,
                fmt_usd_pm(iv[i].1),
                fmt_ms_pm(iv[i].0)
            ),
        })
        .collect();
    Points {
        at,
        intervals,
        labels,
    }
}

/// One entry per architecture by name, the frontier, the SLO, and one
/// note for what a hollow marker means, if any is hollow.
fn legend(data: &ChartData) -> Vec<LegendItem> {
    let run = data.run;
    let mut items: Vec<LegendItem> = (0..run.architectures.len())
        .map(|i| LegendItem::architecture(data.style(i), true, &run.architectures[i].name))
        .collect();
    items.push(LegendItem::line(look::MUTED, false, "Pareto frontier"));
    items.extend(data.slo_legend_item());
    let verdicts: Vec<Verdict> = (0..run.architectures.len())
        .filter_map(|i| data.verdict(i))
        .collect();
    let breaks = verdicts.contains(&Verdict::Misses);
    let uncertain = verdicts.contains(&Verdict::Uncertain);
    let note = match (breaks, uncertain) {
        (true, true) => Some("hollow: breaks or may break the SLO"),
        (true, false) => Some("hollow: breaks the SLO"),
        (false, true) => Some("hollow: may break the SLO"),
        (false, false) => None,
    };
    items.extend(note.map(|label| LegendItem {
        glyph: Glyph::Hollow,
        label: label.into(),
    }));
    items
}

/// Draws the frontier, the SLO line, the labels, the intervals and the
/// markers on `chart`, whose y-axis spans `(y0, y1)`.
fn plot<DB: DrawingBackend, X, Y>(
    root: &DrawingArea<DB, Shift>,
    chart: &mut ChartContext<DB, Cartesian2d<X, Y>>,
    data: &ChartData,
    pts: &Points,
    (y0, y1): (f64, f64),
) -> Drawn<DB>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let mut layout = Layout::new(frame::plot_rect(chart));
    let frontier: Vec<(f64, f64)> = decision::pareto_frontier(&pts.at)
        .iter()
        .map(|&i| pts.at[i])
        .collect();
    chart.draw_series(LineSeries::new(
        frontier.iter().copied(),
        look::MUTED.stroke_width(2),
    ))?;
    for w in frontier.windows(2) {
        layout.avoid_line(chart.backend_coord(&w[0]), chart.backend_coord(&w[1]));
    }
    if let (Some(slo), Some(label)) = (data.slo, data.slo_label()) {
        let x = slo.latency.as_millis_f64();
        frame::slo_line(root, chart, &mut layout, x, (y0, y1), &label)?;
    }
    let pixels: Vec<(i32, i32)> = pts.at.iter().map(|p| chart.backend_coord(p)).collect();
    for &p in &pixels {
        layout.block(Rect::around(p, frame::MARKER_BLOCK));
    }
    if let Some(iv) = &pts.intervals {
        for (&(x, y), (lat, cost)) in pts.at.iter().zip(iv) {
            let px = |v: (f64, f64)| chart.backend_coord(&v);
            layout.avoid_line(px((lat.low.max(1e-3), y)), px((lat.high.max(1e-3), y)));
            layout.avoid_line(px((x, cost.low.max(y0))), px((x, cost.high)));
        }
    }
    let font = look::font(look::LEGEND_PX);
    for (i, text) in pts.labels.iter().enumerate() {
        let size = frame::card_size(root, text, &font)?;
        let placed = layout.place(pixels[i], size, frame::LABEL_CLEARANCE);
        frame::label(root, text, &font, (&placed, pixels[i]), None)?;
    }
    // Interval bars with end caps, over the label cards and under the markers.
    for (i, (lat, cost)) in pts.intervals.iter().flatten().enumerate() {
        look::interval_cross(
            chart,
            pts.at[i],
            (lat.low.max(1e-3), lat.high.max(1e-3)),
            (cost.low.max(y0), cost.high),
            data.style(i).color,
        )?;
    }
    for (i, &p) in pts.at.iter().enumerate() {
        chart.draw_series(std::iter::once(Marker::new(
            p,
            data.style(i),
            data.meets(i),
        )))?;
    }
    Ok(())
}
