//! Where the money goes: one stacked bar per architecture, per month —
//! busy compute, idle capacity, requests, gateway, provisioned, and data
//! transfer (egress and NAT gateway) when an architecture prices it.

use super::look::{self, Glyph, LegendItem};
use super::palette;
use super::{Chart, ChartData, Drawn, frame};
use crate::pricing::cost::CostBreakdown;
use crate::report::table::fmt_usd;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const BAR_HALF_WIDTH: f64 = 0.3;
/// A segment shorter than this many pixels carries no label.
const MIN_LABELLED_PX: i32 = 30;

/// A part of a bar: its name, and how to read it from a breakdown.
type Part = (&'static str, fn(&CostBreakdown) -> f64);

/// The parts of a bar, bottom up.
const PARTS: [Part; 6] = [
    ("busy compute", |b| b.compute_usd),
    ("idle capacity", |b| b.idle_usd),
    ("requests", |b| b.requests_usd),
    ("gateway", |b| b.gateway_usd),
    ("provisioned", |b| b.provisioned_usd),
    ("data transfer", |b| {
        b.egress_usd.unwrap_or(0.0) + b.nat_gateway_usd.unwrap_or(0.0)
    }),
];

/// `c` mixed with white: `amount` 0 is white, 1 is `c`.
fn tint(c: RGBColor, amount: f64) -> RGBColor {
    let mix = |v: u8| (255.0 - (255.0 - v as f64) * amount).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// The fill of part `k` of a bar in architecture colour `own`: its own
/// colour for the capacity it pays for, greys of distinct lightness for
/// the rest.
fn fill(k: usize, own: RGBColor) -> RGBColor {
    match k {
        0 => own,
        1 => tint(own, 0.3),
        2 => RGBColor(0x33, 0x33, 0x33),
        3 => RGBColor(0x99, 0x99, 0x99),
        4 => RGBColor(0xCC, 0xCC, 0xCC),
        _ => RGBColor(0x66, 0x66, 0x66),
    }
}

/// Text on a fill: white on dark, ink on light.
fn text_on(c: RGBColor) -> RGBColor {
    let luma = 0.299 * c.0 as f64 + 0.587 * c.1 as f64 + 0.114 * c.2 as f64;
    if luma < 140.0 { WHITE } else { look::INK }
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ChartData) -> Drawn<DB> {
    let run = data.run;
    // Each bar in dollars per month, part by part.
    let bars: Vec<[f64; 6]> = run
        .architectures
        .iter()
        .map(|a| {
            let per_month = if a.cost.total_usd > 0.0 {
                a.cost.per_month_usd / a.cost.total_usd
            } else {
                0.0
            };
            PARTS.map(|(_, part)| part(&a.cost.breakdown) * per_month)
        })
        .collect();
    let used: Vec<usize> = (0..PARTS.len())
        .filter(|&k| bars.iter().any(|b| b[k] > 0.0))
        .collect();
    let items: Vec<LegendItem> = used
        .iter()
        .map(|&k| LegendItem {
            glyph: Glyph::Swatch {
                color: fill(k, palette::PALETTE[0]).to_rgba(),
                outline: look::MUTED,
            },
            label: match k {
                0 => "busy compute (solid colour)".to_string(),
                1 => "idle capacity (light colour)".to_string(),
                _ => PARTS[k].0.to_string(),
            },
        })
        .collect();
    let what = "where the money goes, per month";
    let area = data.page(root, Chart::CostBreakdown, what, &items)?;

    let n = bars.len();
    let top = bars
        .iter()
        .map(|b| b.iter().sum::<f64>())
        .fold(0.0, f64::max)
        .max(1e-6)
        * 1.15;
    let mut chart = frame::plot(&area, frame::LABEL_AREAS, -0.5..n as f64 - 0.5, 0f64..top)?;
    frame::axes(&mut chart)
        .x_desc("architecture")
        .y_desc("cost per month (USD)")
        .x_labels(0)
        .y_label_formatter(&|v| look::usd_tick(*v))
        .y_labels(8)
        .disable_x_mesh()
        .draw()?;

    for (i, bar) in bars.iter().enumerate() {
        let x = i as f64;
        let (l, r) = (x - BAR_HALF_WIDTH, x + BAR_HALF_WIDTH);
        let mut base = 0.0;
        for &k in &used {
            let v = bar[k];
            if v <= 0.0 {
                continue;
            }
            let own = data.style(i).color;
            let c = fill(k, own);
            chart.draw_series([
                Rectangle::new([(l, base), (r, base + v)], c.filled()),
                Rectangle::new([(l, base), (r, base + v)], own.stroke_width(2)),
            ])?;
            let px = chart.backend_coord(&(x, base)).1 - chart.backend_coord(&(x, base + v)).1;
            if px >= MIN_LABELLED_PX {
                chart.draw_series(std::iter::once(Text::new(
                    format!("{} {}", PARTS[k].0, fmt_usd(v)),
                    (x, base + v / 2.0),
                    look::font(look::NOTE_PX)
                        .color(&text_on(c))
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                )))?;
            }
            base += v;
        }
        // The name under the bar, in place of an x tick label.
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, 0.0))
                + Text::new(
                    run.architectures[i].name.clone(),
                    (0, 14),
                    look::font(look::LEGEND_PX).pos(Pos::new(HPos::Center, VPos::Top)),
                ),
        ))?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, base))
                + Text::new(
                    format!("{}/month", fmt_usd(base)),
                    (0, -8),
                    look::font(look::LEGEND_PX).pos(Pos::new(HPos::Center, VPos::Bottom)),
                ),
        ))?;
    }
    Ok(())
}
