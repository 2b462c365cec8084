//! The notes of a latency panel: the SLO line's label and, for each
//! point past the axis's ceiling, its value ("↑ 43 s") once, placed by
//! [`Layout`] beside its marker or moved off with a leader line, so that
//! several architectures capped at one swept value do not print over
//! each other or over a marker.

use super::axis::{Axis, Chart, latency_tick};
use super::{SweepFigure, SweepPanel, SweepSeries};
use crate::report::charts::labels::{Layout, Rect};
use crate::report::charts::{Drawn, frame, look};
use crate::results::estimate::Estimate;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Reads a series' values along the swept axis.
type Values<'a> = &'a dyn Fn(&SweepSeries) -> Vec<Estimate>;

/// Draws the notes of panel `p` on `area`; `clip` brings a value within
/// the axis, as the markers were drawn.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: &Chart<DB>,
    (x, y): (&Axis, &Axis),
    (f, p): (&SweepFigure, &SweepPanel),
    (values, clip): (Values, &dyn Fn(f64) -> f64),
) -> Drawn<DB> {
    let mut layout = Layout::new(frame::plot_rect(c));
    let pixel = |xv: f64, v: f64| c.backend_coord(&(x.to(xv), y.to(v)));
    let mut capped = Vec::new();
    for s in &p.series {
        let v = values(s);
        for (i, &xv) in p.xs.iter().enumerate() {
            let at = pixel(xv, clip(v[i].mean));
            layout.block(Rect::around(at, frame::MARKER_BLOCK));
            if clip(v[i].mean) < v[i].mean {
                capped.push((at, v[i].mean, f.palette.style(&s.name).color));
            }
        }
    }
    let font = look::font(look::NOTE_PX);
    let first_slo =
        p.xs.iter()
            .zip(&p.slo_ms)
            .find_map(|(&xv, s)| s.map(|s| pixel(xv, s)));
    if let (Some(at), Some(label)) = (first_slo, &f.slo_label) {
        let size = frame::card_size(area, label, &font)?;
        let placed = layout.place(at, size, frame::LABEL_CLEARANCE);
        frame::label(area, label, &font, (&placed, at), None)?;
    }
    for (at, ms, color) in capped {
        let text = format!("↑ {}", latency_tick(ms));
        let size = frame::card_size(area, &text, &font)?;
        let placed = layout.place(at, size, frame::LABEL_CLEARANCE);
        frame::label(area, &text, &font, (&placed, at), Some(color))?;
    }
    Ok(())
}
