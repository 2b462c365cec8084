//! Where the money goes: one stacked bar per architecture, per month —
//! busy compute, idle capacity, requests, gateway, provisioned, and data
//! transfer (egress and NAT gateway) when an architecture prices it.
//!
//! A part's label goes inside its segment when it fits there, shortened
//! to the amount if need be, and else beside the bar on a card with a
//! leader line ([`Layout`]); a sliver too thin to point at goes without.
//! Totals sit above the bars; names under them wrap at their dashes to
//! the width of a bar's slot.

use super::labels::{Layout, Rect};
use super::look::{self, Glyph, LegendItem};
use super::palette;
use super::{Chart, ChartData, Drawn, frame};
use crate::numbers::usd;
use crate::pricing::cost::CostBreakdown;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const BAR_HALF_WIDTH: f64 = 0.32;
/// A segment thinner than this many pixels gets no label at all.
const MIN_LABELLED_PX: i32 = 4;
/// Room a label inside a segment keeps from its edges, in pixels.
const INSET: i32 = 4;
/// The smallest text inside a segment, in pixels.
const SMALL_PX: f64 = 18.0;
/// Lines a name under its bar may wrap to.
const MAX_NAME_LINES: usize = 3;

/// A part of a bar: its name, and how to read it from a breakdown.
type Part = (&'static str, fn(&CostBreakdown) -> f64);

/// The parts of a bar, bottom up.
const PARTS: [Part; 7] = [
    ("busy compute", |b| b.compute_usd),
    ("idle capacity", |b| b.idle_usd),
    ("requests", |b| b.requests_usd),
    ("gateway", |b| b.gateway_usd),
    ("provisioned", |b| b.provisioned_usd),
    ("data transfer", |b| {
        b.egress_usd.unwrap_or(0.0) + b.nat_gateway_usd.unwrap_or(0.0)
    }),
    ("control plane", |b| b.control_plane_usd.unwrap_or(0.0)),
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
        5 => RGBColor(0x66, 0x66, 0x66),
        _ => RGBColor(0xB3, 0xB3, 0xB3),
    }
}

/// Text on a fill: white on dark, ink on light.
fn text_on(c: RGBColor) -> RGBColor {
    let luma = 0.299 * c.0 as f64 + 0.587 * c.1 as f64 + 0.114 * c.2 as f64;
    if luma < 140.0 { WHITE } else { look::INK }
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ChartData) -> Drawn<DB> {
    let bars = bars(data);
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
    let slot =
        (area.dim_in_pixel().0 as i32 - 2 * look::MARGIN - frame::LABEL_AREAS.1) / n.max(1) as i32;
    let names = Names::fit(root, data, slot - 8)?;
    let top = bars
        .iter()
        .map(|b| b.iter().sum::<f64>())
        .fold(0.0, f64::max)
        .max(1e-6)
        * 1.15;
    let x_labels = names.height() + 16;
    let mut chart = frame::plot(
        &area,
        (x_labels, frame::LABEL_AREAS.1),
        -0.5..n as f64 - 0.5,
        0f64..top,
    )?;
    frame::axes(&mut chart)
        .y_desc("cost per month (USD)")
        .x_labels(0)
        .y_label_formatter(&|v| look::usd_tick(*v))
        .y_labels(8)
        .disable_x_mesh()
        .draw()?;

    let mut layout = Layout::new(frame::plot_rect(&chart));
    draw_bars(root, &mut chart, &mut layout, data, (&bars, &used))?;
    draw_segment_labels(root, &chart, &mut layout, data, (&bars, &used))?;
    names.draw(root, &chart)
}

/// Each bar in dollars per month, part by part.
fn bars(data: &ChartData) -> Vec<[f64; 7]> {
    data.run
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
        .collect()
}

/// Bar `i`'s left and right edges on the x-axis.
fn span(i: usize) -> (f64, f64) {
    (i as f64 - BAR_HALF_WIDTH, i as f64 + BAR_HALF_WIDTH)
}

/// The non-empty segments of `bar` among the `used` parts, bottom up:
/// (part, base, amount).
fn segments(bar: &[f64; 7], used: &[usize]) -> Vec<(usize, f64, f64)> {
    let mut base = 0.0;
    let mut out = Vec::new();
    for &k in used.iter().filter(|&&k| bar[k] > 0.0) {
        out.push((k, base, bar[k]));
        base += bar[k];
    }
    out
}

type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The stacked bars and their totals; each bar and total is blocked in
/// `layout` for the labels placed after.
fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &mut Plot<DB>,
    layout: &mut Layout,
    data: &ChartData,
    (bars, used): (&[[f64; 7]], &[usize]),
) -> Drawn<DB> {
    let font = look::font(look::LEGEND_PX);
    for (i, bar) in bars.iter().enumerate() {
        let own = data.style(i).color;
        let (l, r) = span(i);
        let mut base = 0.0;
        for (k, _, v) in segments(bar, used) {
            chart.draw_series([
                Rectangle::new([(l, base), (r, base + v)], fill(k, own).filled()),
                Rectangle::new([(l, base), (r, base + v)], own.stroke_width(2)),
            ])?;
            base += v;
        }
        let (tl, br) = (
            chart.backend_coord(&(l, base)),
            chart.backend_coord(&(r, 0.0)),
        );
        layout.block(Rect::new(tl.0, tl.1, br.0, br.1));
        // The total, centred above the bar.
        let total = usd(base);
        let (w, h) = root.estimate_text_size(&total, &font)?;
        let (w, h) = (w as i32, h as i32);
        let cx = (tl.0 + br.0) / 2;
        layout.block(Rect::new(cx - w / 2, tl.1 - 8 - h, cx + w / 2, tl.1));
        root.draw(&Text::new(
            total,
            (cx, tl.1 - 8),
            font.pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))?;
    }
    Ok(())
}

/// Each segment's label: inside it when the name and amount fit, or the
/// amount alone; else on a card beside the bar.
fn draw_segment_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Plot<DB>,
    layout: &mut Layout,
    data: &ChartData,
    (bars, used): (&[[f64; 7]], &[usize]),
) -> Drawn<DB> {
    let font = look::font(look::NOTE_PX);
    for (i, bar) in bars.iter().enumerate() {
        let own = data.style(i).color;
        let (l, r) = span(i);
        for (k, base, v) in segments(bar, used) {
            let (tl, br) = (
                chart.backend_coord(&(l, base + v)),
                chart.backend_coord(&(r, base)),
            );
            let (w, h) = (br.0 - tl.0, br.1 - tl.1);
            let full = format!("{} {}", PARTS[k].0, usd(v));
            let amount = usd(v);
            let centre = ((tl.0 + br.0) / 2, (tl.1 + br.1) / 2);
            let small = look::font(SMALL_PX);
            let mut inside = None;
            for (text, font) in [(&full, &font), (&amount, &font), (&amount, &small)] {
                let (tw, th) = root.estimate_text_size(text, font)?;
                if (tw as i32) + 2 * INSET <= w && (th as i32) + INSET <= h {
                    inside = Some((text.clone(), font.clone()));
                    break;
                }
            }
            if let Some((text, font)) = inside {
                root.draw(&Text::new(
                    text,
                    centre,
                    font.color(&text_on(fill(k, own)))
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                ))?;
            } else if h >= MIN_LABELLED_PX {
                let anchor = (br.0, centre.1);
                let size = frame::card_size(root, &full, &font)?;
                let placed = layout.place(anchor, size, 6);
                frame::label(root, &full, &font, (&placed, anchor), None)?;
            }
        }
    }
    Ok(())
}

/// The architectures' names under their bars, each wrapped into lines.
struct Names {
    lines: Vec<Vec<String>>,
    px: f64,
    line_height: i32,
}

impl Names {
    /// Wraps every name to `width` pixels, at the largest font size (from
    /// the legend's down to the ticks') where no name needs more than
    /// [`MAX_NAME_LINES`] lines.
    fn fit<DB: DrawingBackend>(
        root: &DrawingArea<DB, Shift>,
        data: &ChartData,
        width: i32,
    ) -> Result<Names, DrawingAreaErrorKind<DB::ErrorType>> {
        let mut px = look::LEGEND_PX;
        loop {
            let font = look::font(px);
            let mut lines = Vec::new();
            for a in &data.run.architectures {
                lines.push(wrap(&a.name, width, &|t| {
                    root.estimate_text_size(t, &font).map(|s| s.0 as i32)
                })?);
            }
            let fits = lines.iter().all(|l| l.len() <= MAX_NAME_LINES);
            if fits || px <= look::TICK_PX - 4.0 {
                let line_height = (px * 1.2).round() as i32;
                return Ok(Names {
                    lines,
                    px,
                    line_height,
                });
            }
            px -= 2.0;
        }
    }

    /// The height the names take under the plot.
    fn height(&self) -> i32 {
        self.lines.iter().map(Vec::len).max().unwrap_or(1) as i32 * self.line_height
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        chart: &Plot<DB>,
    ) -> Drawn<DB> {
        let font = look::font(self.px).pos(Pos::new(HPos::Center, VPos::Top));
        for (i, lines) in self.lines.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(i as f64, 0.0));
            for (k, line) in lines.iter().enumerate() {
                root.draw(&Text::new(
                    line.clone(),
                    (x, y + 10 + k as i32 * self.line_height),
                    font.clone(),
                ))?;
            }
        }
        Ok(())
    }
}

/// `name` in lines of at most `width` pixels (as `measure` gives them),
/// broken after dashes, underscores or spaces; a piece wider than that
/// stays whole on its own line.
fn wrap<E>(
    name: &str,
    width: i32,
    measure: &dyn Fn(&str) -> Result<i32, E>,
) -> Result<Vec<String>, E> {
    let mut pieces: Vec<String> = Vec::new();
    let mut piece = String::new();
    for c in name.chars() {
        piece.push(c);
        if matches!(c, '-' | '_' | ' ') {
            pieces.push(std::mem::take(&mut piece));
        }
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    let mut lines: Vec<String> = Vec::new();
    for p in pieces {
        match lines.last_mut() {
            Some(last) if measure(format!("{last}{p}").trim_end())? <= width => last.push_str(&p),
            _ => lines.push(p),
        }
    }
    Ok(lines
        .into_iter()
        .map(|l| l.trim_end().to_string())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_wrap_after_their_dashes() {
        // Ten pixels a character.
        let measure = |t: &str| Ok::<i32, ()>(10 * t.chars().count() as i32);
        assert_eq!(
            wrap("lambda", 100, &measure),
            Ok(vec!["lambda".to_string()])
        );
        assert_eq!(
            wrap("fleet-12-on-a-much-longer-name", 100, &measure),
            Ok(vec![
                "fleet-12-".into(),
                "on-a-much-".into(),
                "longer-".into(),
                "name".into()
            ])
        );
        assert_eq!(
            wrap("a very_long", 60, &measure),
            Ok(vec!["a".into(), "very_".into(), "long".into()])
        );
    }
}
