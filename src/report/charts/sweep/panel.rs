//! One panel of a sweep chart: the architectures' lines with their
//! interval bands along the swept value; for the break-even chart the
//! cheapest architecture meeting the SLO as a strip along the x-axis and
//! the crossovers as labelled vertical lines, for the latency chart the
//! SLO line.

use super::axis::{Axis, Chart, latency_tick};
use super::notes;
use super::{SweepChart, SweepFigure, SweepPanel};
use crate::report::charts::look::{self, Marker};
use crate::report::charts::{Drawn, frame};
use crate::results::estimate::Estimate;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Height of the cheapest-architecture strip, in pixels.
const STRIP_PX: f64 = look::NOTE_PX + 14.0;
/// The latency axis ends at this multiple of the SLO.
const CEILING: f64 = 30.0;

pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: SweepChart,
    f: &SweepFigure,
    p: &SweepPanel,
    small: bool,
) -> Drawn<DB> {
    let metric = |e: &Estimate| -> [f64; 3] { [e.mean, e.low, e.high] };
    let values = |s: &super::SweepSeries| -> Vec<Estimate> {
        match chart {
            SweepChart::BreakEven => s.cost.clone(),
            SweepChart::Latency => s.latency.clone(),
        }
    };
    // Latency far beyond the SLO (a queue that grew all run) would
    // squash everything else against the floor: the axis stops at
    // CEILING × the SLO and such points sit on the top edge, labelled.
    let ceiling = match chart {
        SweepChart::Latency => p
            .slo_ms
            .iter()
            .flatten()
            .copied()
            .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))))
            .map(|s| s * CEILING),
        SweepChart::BreakEven => None,
    };
    let clip = |v: f64| ceiling.map_or(v, |c| v.min(c));
    let ys: Vec<f64> = p
        .series
        .iter()
        .flat_map(|s| {
            values(s)
                .iter()
                .flat_map(metric)
                .map(clip)
                .collect::<Vec<_>>()
        })
        .chain(match chart {
            SweepChart::Latency => p.slo_ms.iter().flatten().copied().collect(),
            SweepChart::BreakEven => Vec::new(),
        })
        // A latency interval reaching below zero is cut at the axis.
        .filter(|v| chart == SweepChart::BreakEven || *v > 0.0)
        .collect();
    let ticks = if small { 5 } else { 10 };
    let x = Axis::over(
        p.xs.iter().copied(),
        |a, b| b / a >= 10.0,
        false,
        0.04,
        ticks,
    );
    // The strip sits below the lowest value, from the axis floor to
    // `strip_top`.
    let (y, strip_top) = match chart {
        // Cost from zero unless it spans more than a factor 30, where a
        // linear axis would flatten the cheap end into the floor; room
        // below the lowest point for the strip.
        SweepChart::BreakEven => (
            Axis::over(ys, |a, b| b / a >= 30.0, true, 0.12, ticks),
            f64::NAN,
        ),
        // Latency always on a log axis: from a few milliseconds under
        // the SLO to many seconds past it, each readable.
        SweepChart::Latency => (Axis::over(ys, |_, _| true, true, 0.12, ticks), f64::NAN),
    };
    let (x_labels, y_labels) = if small { (60, 100) } else { frame::LABEL_AREAS };
    let area = match &p.heading {
        Some(h) => {
            area.draw(&Text::new(
                h.clone(),
                (look::MARGIN, 4),
                look::font(look::NOTE_PX).pos(Pos::new(HPos::Left, VPos::Top)),
            ))?;
            area.split_vertically(30).1
        }
        None => area.clone(),
    };
    let (mut y, mut strip_top) = (y, strip_top);
    if chart == SweepChart::BreakEven {
        // Keep a band free of data at the top for the crossover labels,
        // and room below the lowest value for the strip.
        let (w, h) = area.dim_in_pixel();
        let plot_w = w as i32 - 2 * look::MARGIN - y_labels;
        let plot_h = f64::from((h as i32 - frame::GAP_ABOVE - look::MARGIN - x_labels).max(1));
        let band = label_band(&area, p, &x, (look::MARGIN + y_labels, plot_w))?;
        let floor = y.lo;
        y.ticks.retain(|&t| t >= floor);
        y.extend_top(f64::from(band) / plot_h, ticks);
        let strip = (STRIP_PX / plot_h).min(0.2);
        let below = (y.hi - floor) * strip / (1.0 - strip);
        y.lo = floor - below;
        strip_top = floor - below * 0.12;
    }
    let mut c = frame::plot(&area, (x_labels, y_labels), x.clone(), y.clone())?;
    let x_fmt = |v: &f64| f.unit.format(x.from(*v));
    let y_fmt = |v: &f64| match chart {
        SweepChart::BreakEven => look::usd_tick(y.from(*v)),
        SweepChart::Latency => latency_tick(y.from(*v)),
    };
    let y_desc = match chart {
        SweepChart::BreakEven => "cost per month (USD)".to_string(),
        SweepChart::Latency => format!("{} latency (ms and s)", f.percentile),
    };
    let log_note = |a: &Axis| if a.log { ", log scale" } else { "" };
    frame::axes(&mut c)
        .x_desc(format!("{}{}", f.x_desc, log_note(&x)))
        .y_desc(format!("{y_desc}{}", log_note(&y)))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()?;

    // Values within the axis: capped at the ceiling, and bands cut at the
    // floor rather than drawn below the plot.
    let floor = y.from(y.lo);
    let clip = |v: f64| clip(v).max(floor);
    if chart == SweepChart::BreakEven {
        draw_bands(&c, &x, (y.lo, strip_top), f, p)?;
    }
    // Interval bands first, lines over them, markers on top.
    if f.replications > 1 {
        for s in &p.series {
            let v = values(s);
            let upper =
                p.xs.iter()
                    .zip(&v)
                    .map(|(&xv, e)| (x.to(xv), y.to(clip(e.high))));
            let lower =
                p.xs.iter()
                    .zip(&v)
                    .rev()
                    .map(|(&xv, e)| (x.to(xv), y.to(clip(e.low))));
            c.draw_series(std::iter::once(Polygon::new(
                upper.chain(lower).collect::<Vec<_>>(),
                f.palette.style(&s.name).color.mix(0.16).filled(),
            )))?;
        }
    }
    for s in &p.series {
        let v = values(s);
        let pt = |i: usize| (x.to(p.xs[i]), y.to(clip(v[i].mean)));
        for i in 0..p.xs.len().saturating_sub(1) {
            let pen = f
                .palette
                .style(&s.name)
                .color
                .stroke_width(look::LINE_WIDTH);
            if s.meets(i) && s.meets(i + 1) {
                c.draw_series(std::iter::once(PathElement::new(
                    vec![pt(i), pt(i + 1)],
                    pen,
                )))?;
            } else {
                c.draw_series(std::iter::once(DashedPathElement::new(
                    vec![pt(i), pt(i + 1)],
                    10,
                    7,
                    pen,
                )))?;
            }
        }
    }
    if chart == SweepChart::Latency {
        draw_slo(&c, &x, &y, p)?;
    }
    for s in &p.series {
        let v = values(s);
        c.draw_series((0..p.xs.len()).map(|i| {
            let at = (x.to(p.xs[i]), y.to(clip(v[i].mean)));
            Marker::new(at, f.palette.style(&s.name), s.meets(i))
        }))?;
    }
    if chart == SweepChart::Latency {
        notes::draw(&area, &c, (&x, &y), (f, p), (&values, &clip))?;
    }
    if chart == SweepChart::BreakEven {
        draw_marks(&area, &c, &x, &y, p)?;
    }
    Ok(())
}

/// The strip along the x-axis: which architecture is the cheapest that
/// meets the SLO, named where it fits; grey where none meets it.
fn draw_bands<DB: DrawingBackend>(
    c: &Chart<DB>,
    x: &Axis,
    (y0, y1): (f64, f64),
    f: &SweepFigure,
    p: &SweepPanel,
) -> Drawn<DB> {
    let style = look::font(look::NOTE_PX).pos(Pos::new(HPos::Center, VPos::Center));
    for &(from, to, cheapest) in &p.bands {
        let (a, b) = (x.to(from), x.to(to));
        if b <= a {
            continue;
        }
        let (fill, name) = match cheapest {
            Some(k) => {
                let name = p.series[k].name.as_str();
                (f.palette.style(name).color.mix(0.45), name)
            }
            None => (look::MUTED.mix(0.25), "none meets the SLO"),
        };
        c.plotting_area()
            .draw(&Rectangle::new([(a, y0), (b, y1)], fill.filled()))?;
        let (pa, pb) = (c.backend_coord(&(a, y0)), c.backend_coord(&(b, y0)));
        let room = (pb.0 - pa.0) as u32;
        let width = c.plotting_area().estimate_text_size(name, &style)?.0;
        if width + 16 < room {
            c.plotting_area().draw(&Text::new(
                name.to_string(),
                ((a + b) / 2.0, (y0 + y1) / 2.0),
                style.clone(),
            ))?;
        }
    }
    Ok(())
}

/// The SLO line through each point's SLO latency (its label is placed
/// with the other notes, [`notes::draw`]).
fn draw_slo<DB: DrawingBackend>(c: &Chart<DB>, x: &Axis, y: &Axis, p: &SweepPanel) -> Drawn<DB> {
    let line: Vec<(f64, f64)> =
        p.xs.iter()
            .zip(&p.slo_ms)
            .filter_map(|(&xv, s)| s.map(|s| (x.to(xv), y.to(s))))
            .collect();
    c.plotting_area().draw(&DashedPathElement::new(
        line,
        10,
        6,
        look::SLO_COLOR.stroke_width(2),
    ))
}

/// Height of one line of a crossover label, and of one row of labels.
const LABEL_LINE: i32 = look::NOTE_PX as i32 + 6;
const LABEL_ROW: i32 = 2 * LABEL_LINE + 10;

/// A crossover label's left edge (pixels), row from the top, and width.
type Place = (i32, i32, i32);

/// Where each crossover's label goes: its left edge (pixels) and its row
/// from the top. A label sits right of its line, or left of it when it
/// would run past `right`; a label that would overlap one already placed
/// moves down a row. `px` maps a swept value to its pixel column.
fn layout_marks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    marks: &[super::CrossMark],
    px: impl Fn(f64) -> i32,
    right: i32,
) -> Result<Vec<Place>, DrawingAreaErrorKind<DB::ErrorType>> {
    let style = look::font(look::NOTE_PX);
    let mut placed: Vec<(i32, i32, i32)> = Vec::new();
    for m in marks {
        let mut w = 0;
        for t in [&m.label, &m.then] {
            w = w.max(area.estimate_text_size(t, &style)?.0 as i32);
        }
        let x = px(m.at);
        let left = if x + 10 + w > right {
            x - 10 - w
        } else {
            x + 10
        };
        let mut row = 0;
        while placed
            .iter()
            .any(|&(l, r, k)| k == row && left < r + 12 && l < left + w + 12)
        {
            row += 1;
        }
        placed.push((left, left + w, row));
    }
    Ok(placed.into_iter().map(|(l, r, k)| (l, k, r - l)).collect())
}

/// The room (pixels) the crossover labels need at the top of a plot
/// `width` pixels wide starting at column `left`, over the x-axis `x`.
pub(super) fn label_band<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &SweepPanel,
    x: &Axis,
    (left, width): (i32, i32),
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    if p.marks.is_empty() {
        return Ok(0);
    }
    let px = |v: f64| left + ((x.to(v) - x.lo) / (x.hi - x.lo) * f64::from(width)) as i32;
    let rows = layout_marks(area, &p.marks, px, left + width)?
        .iter()
        .map(|&(_, row, _)| row + 1)
        .max()
        .unwrap_or(0);
    Ok(rows * LABEL_ROW + 12)
}

/// Each crossover: a vertical line through the plot and its label in the
/// band kept free of data at the top.
fn draw_marks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: &Chart<DB>,
    x: &Axis,
    y: &Axis,
    p: &SweepPanel,
) -> Drawn<DB> {
    let style = look::font(look::NOTE_PX).pos(Pos::new(HPos::Left, VPos::Top));
    // Pixel positions from the chart are the backend's; the area draws
    // relative to its own corner.
    let origin = area.get_base_pixel();
    let right = c.backend_coord(&(x.hi, y.hi)).0;
    let top = c.backend_coord(&(x.lo, y.hi)).1;
    let places = layout_marks(
        area,
        &p.marks,
        |v| c.backend_coord(&(x.to(v), y.hi)).0,
        right,
    )?;
    for (m, &(left, row, w)) in p.marks.iter().zip(&places) {
        let at = x.to(m.at);
        c.plotting_area().draw(&DashedPathElement::new(
            vec![(at, y.lo), (at, y.hi)],
            6,
            5,
            look::INK.stroke_width(2),
        ))?;
        let (l, t) = (left - origin.0, top + 8 + row * LABEL_ROW - origin.1);
        // The band is free of data, but other crossovers' lines cross it.
        area.draw(&Rectangle::new(
            [(l - 6, t - 4), (l + w + 6, t + 2 * LABEL_LINE)],
            WHITE.filled(),
        ))?;
        for (k, text) in [&m.label, &m.then].into_iter().enumerate() {
            area.draw(&Text::new(
                text.clone(),
                (l, t + k as i32 * LABEL_LINE),
                style.clone(),
            ))?;
        }
    }
    Ok(())
}
