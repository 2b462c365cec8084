//! The look of every chart, set once: size, fonts, how an architecture's
//! marker is drawn (its colour and shape are the [`palette`]'s), how ticks
//! read, and the legend. Where these go on the page is the frame's
//! ([`super::frame`]).
//!
//! [`palette`]: super::palette

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{BackendCoord, DrawingErrorKind};

pub use super::palette::{Dash, Shape, Style};

/// Fits a 16:9 slide.
pub const SIZE: (u32, u32) = crate::scenario::report::SLIDE;

/// The family the embedded DejaVu Sans is registered under; SVG viewers
/// read it as a CSS font list, so they use DejaVu Sans where they have it.
pub const FONT: &str = "DejaVu Sans, sans-serif";
pub const TITLE_PX: f64 = 40.0;
pub const SUBTITLE_PX: f64 = 24.0;
pub const AXIS_LABEL_PX: f64 = 26.0;
pub const TICK_PX: f64 = 22.0;
pub const LEGEND_PX: f64 = 24.0;
pub const NOTE_PX: f64 = 22.0;

pub const MARGIN: i32 = 30;
/// Height of the title + subtitle block.
pub const HEADER_HEIGHT: i32 = 100;
pub const LEGEND_ROW_HEIGHT: i32 = 40;
pub const MARKER_RADIUS: i32 = 9;
pub const LINE_WIDTH: u32 = 3;

pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
pub const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
pub const WARMUP_SHADE: RGBColor = RGBColor(0xF0, 0xF0, 0xF0);
/// The SLO line: black, so it reads against every architecture colour.
pub const SLO_COLOR: RGBColor = RGBColor(0, 0, 0);

pub fn font(px: f64) -> TextStyle<'static> {
    (FONT, px).into_font().color(&INK)
}

/// A marker drawn at one coordinate: filled, or hollow (white inside).
pub struct Marker<C> {
    pub at: C,
    pub shape: Shape,
    pub color: RGBColor,
    pub filled: bool,
}

impl<C> Marker<C> {
    /// An architecture's marker, drawn in its `style`.
    pub fn new(at: C, style: Style, filled: bool) -> Self {
        Marker {
            at,
            shape: style.shape,
            color: style.color,
            filled,
        }
    }
}

impl<'a, C> PointCollection<'a, C> for &'a Marker<C> {
    type Point = &'a C;
    type IntoIter = std::iter::Once<&'a C>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<C, DB: DrawingBackend> Drawable<DB> for Marker<C> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut points: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let Some((x, y)) = points.next() else {
            return Ok(());
        };
        let inside = if self.filled {
            self.color.filled()
        } else {
            WHITE.filled()
        };
        let outline = self.color.stroke_width(3);
        let r = MARKER_RADIUS;
        let sides = match self.shape {
            Shape::Circle => {
                backend.draw_circle((x, y), r as u32, &inside, true)?;
                return backend.draw_circle((x, y), r as u32, &outline, false);
            }
            Shape::Square => (4, 45.0, 1.25),
            Shape::Diamond => (4, 0.0, 1.3),
            Shape::Triangle => (3, -90.0, 1.35),
            Shape::InvertedTriangle => (3, 90.0, 1.35),
            Shape::Pentagon => (5, -90.0, 1.15),
        };
        let vertices = regular_polygon((x, y), r as f64 * sides.2, sides.0, sides.1);
        backend.fill_polygon(vertices.iter().copied(), &inside)?;
        let mut closed = vertices.clone();
        closed.push(vertices[0]);
        backend.draw_path(closed, &outline)
    }
}

fn regular_polygon(c: BackendCoord, r: f64, n: usize, start_deg: f64) -> Vec<BackendCoord> {
    (0..n)
        .map(|k| {
            let a = (start_deg + 360.0 * k as f64 / n as f64).to_radians();
            (
                c.0 + (r * a.cos()).round() as i32,
                c.1 + (r * a.sin()).round() as i32,
            )
        })
        .collect()
}

/// What a legend entry shows before its label.
pub enum Glyph {
    /// An architecture's marker on a short line in its colour and dash.
    Architecture {
        style: Style,
        filled: bool,
    },
    /// An architecture's short line, without a marker.
    ArchitectureLine(Style),
    /// A hollow grey marker: the note on what hollow means.
    Hollow,
    Line {
        color: RGBColor,
        dashed: bool,
    },
    Swatch {
        color: RGBAColor,
        outline: RGBColor,
    },
}

pub struct LegendItem {
    pub glyph: Glyph,
    pub label: String,
}

impl LegendItem {
    /// An architecture's entry: its marker, hollow unless `filled`.
    pub fn architecture(style: Style, filled: bool, label: impl Into<String>) -> Self {
        LegendItem {
            glyph: Glyph::Architecture { style, filled },
            label: label.into(),
        }
    }

    /// An architecture's entry as a line in its colour and dash, for
    /// charts that draw it as lines only.
    pub fn architecture_line(style: Style, label: impl Into<String>) -> Self {
        LegendItem {
            glyph: Glyph::ArchitectureLine(style),
            label: label.into(),
        }
    }

    /// The entry of a line in `color`, solid or dashed.
    pub fn line(color: RGBColor, dashed: bool, label: impl Into<String>) -> Self {
        LegendItem {
            glyph: Glyph::Line { color, dashed },
            label: label.into(),
        }
    }
}

/// Draws legend items in rows across `area`, from its top, centred;
/// returns the area below the legend.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[LegendItem],
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    const GLYPH_W: i32 = 44;
    const GAP: i32 = 36;
    let style = font(LEGEND_PX);
    let width = area.dim_in_pixel().0 as i32 - 2 * MARGIN;
    // Lay the items out in rows that fit the width.
    let mut rows: Vec<Vec<(usize, i32)>> = vec![Vec::new()];
    let mut used = 0;
    for (i, item) in items.iter().enumerate() {
        let w = GLYPH_W + 8 + area.estimate_text_size(&item.label, &style)?.0 as i32;
        if used > 0 && used + GAP + w > width {
            rows.push(Vec::new());
            used = 0;
        }
        used += if used > 0 { GAP } else { 0 } + w;
        rows.last_mut().expect("one row at least").push((i, w));
    }
    for (r, row) in rows.iter().enumerate() {
        let total: i32 = row.iter().map(|(_, w)| w).sum::<i32>() + GAP * (row.len() as i32 - 1);
        let mut x = MARGIN + (width - total) / 2;
        let y = LEGEND_ROW_HEIGHT / 2 + r as i32 * LEGEND_ROW_HEIGHT;
        for &(i, w) in row {
            draw_glyph(area, &items[i].glyph, (x, y), GLYPH_W)?;
            area.draw(&Text::new(
                items[i].label.clone(),
                (x + GLYPH_W + 8, y),
                style.pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
            x += w + GAP;
        }
    }
    Ok(area
        .split_vertically(LEGEND_ROW_HEIGHT * rows.len() as i32 + 8)
        .1)
}

fn draw_glyph<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    glyph: &Glyph,
    (x, y): (i32, i32),
    w: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let line = |c: RGBColor| PathElement::new(vec![(x, y), (x + w, y)], c.stroke_width(LINE_WIDTH));
    match *glyph {
        Glyph::Architecture { style, filled } => {
            area.draw(&styled_path(vec![(x, y), (x + w, y)], style, LINE_WIDTH))?;
            area.draw(&Marker::new((x + w / 2, y), style, filled))
        }
        Glyph::Hollow => area.draw(&Marker {
            at: (x + w / 2, y),
            shape: Shape::Circle,
            color: MUTED,
            filled: false,
        }),
        Glyph::ArchitectureLine(style) => {
            area.draw(&styled_path(vec![(x, y), (x + w, y)], style, LINE_WIDTH))
        }
        Glyph::Line {
            color,
            dashed: false,
        } => area.draw(&line(color)),
        Glyph::Line {
            color,
            dashed: true,
        } => area.draw(&DashedPathElement::new(
            vec![(x, y), (x + w, y)],
            8,
            6,
            color.stroke_width(LINE_WIDTH),
        )),
        Glyph::Swatch { color, outline } => {
            area.draw(&Rectangle::new(
                [(x + 8, y - 11), (x + w - 8, y + 11)],
                color.filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x + 8, y - 11), (x + w - 8, y + 11)],
                outline.stroke_width(2),
            ))
        }
    }
}

/// A line through `points` (pixels or chart coordinates) in an
/// architecture's colour and dash.
pub fn styled_path<C>(points: Vec<C>, style: Style, width: u32) -> StyledPath<C> {
    StyledPath {
        points,
        pen: style.color.stroke_width(width),
        dash: style.dash.pattern(),
    }
}

/// A solid or dashed line, as one drawable element.
pub struct StyledPath<C> {
    points: Vec<C>,
    pen: ShapeStyle,
    dash: Option<(u32, u32)>,
}

impl<'a, C: 'a> PointCollection<'a, C> for &'a StyledPath<C> {
    type Point = &'a C;
    type IntoIter = std::slice::Iter<'a, C>;
    fn point_iter(self) -> Self::IntoIter {
        self.points.iter()
    }
}

impl<C, DB: DrawingBackend> Drawable<DB> for StyledPath<C> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        points: I,
        backend: &mut DB,
        parent: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        match self.dash {
            None => backend.draw_path(points, &self.pen),
            // The element only holds the pattern: the points come mapped.
            Some((dash, gap)) => {
                DashedPathElement::new(Vec::<BackendCoord>::new(), dash, gap, self.pen)
                    .draw(points, backend, parent)
            }
        }
    }
}

/// Length of an interval bar's end caps, in pixels each side.
const CAP: i32 = 7;

/// A point's 95 % intervals as a cross of capped bars in `color`: `x`
/// (low, high) horizontally through the point at `at`, `y` vertically.
/// Both axes' values must be drawable (positive on a log axis).
pub fn interval_cross<DB, X, Y>(
    chart: &mut ChartContext<DB, Cartesian2d<X, Y>>,
    at: (f64, f64),
    x: (f64, f64),
    y: (f64, f64),
    color: RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let pen = color.stroke_width(2);
    chart.draw_series([
        PathElement::new(vec![(x.0, at.1), (x.1, at.1)], pen),
        PathElement::new(vec![(at.0, y.0), (at.0, y.1)], pen),
    ])?;
    let cap = |p: (f64, f64), horizontal: bool| {
        let end = if horizontal { (CAP, 0) } else { (0, CAP) };
        EmptyElement::at(p) + PathElement::new(vec![(-end.0, -end.1), end], pen)
    };
    chart.draw_series([
        cap((x.0, at.1), false),
        cap((x.1, at.1), false),
        cap((at.0, y.0), true),
        cap((at.0, y.1), true),
    ])?;
    Ok(())
}

/// A number as people write it on an axis: "0", "0.25", "12.5", "250",
/// "1.2k", "3M".
pub fn compact(v: f64) -> String {
    let a = v.abs();
    let (scaled, suffix) = if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let s = if scaled.abs() >= 100.0 {
        format!("{scaled:.0}")
    } else if scaled.abs() >= 10.0 {
        format!("{scaled:.1}")
    } else {
        format!("{scaled:.2}")
    };
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    if s == "-0" {
        "0".to_string()
    } else {
        format!("{s}{suffix}")
    }
}

/// Dollars on an axis: "$0", "$250", "$1.2k".
pub fn usd_tick(v: f64) -> String {
    format!("${}", compact(v))
}

/// Milliseconds on an axis: "500 µs", "250 ms", "2 s", "1.5 s".
pub fn ms_tick(v: f64) -> String {
    if v >= 1000.0 {
        format!("{} s", compact(v / 1000.0))
    } else if v >= 1.0 || v == 0.0 {
        format!("{} ms", compact(v))
    } else {
        format!("{} µs", compact(v * 1000.0))
    }
}

/// A fraction on an axis: "50%", "99.9%".
pub fn percent_tick(v: f64) -> String {
    format!("{}%", compact(v * 100.0))
}

/// Tick positions for a log axis over [lo, hi], at most `max` of them
/// where possible: 1-2-5 per decade, else 1-3, else the powers of ten; or
/// 1-1.5-2-3-5-7 if 1-2-5 gives fewer than four.
pub fn log_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    let ticks = |mantissas: &[f64]| -> Vec<f64> {
        let (d0, d1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
        (d0..=d1)
            .flat_map(|d| mantissas.iter().map(move |m| m * 10f64.powi(d)))
            .filter(|v| *v >= lo * (1.0 - 1e-9) && *v <= hi * (1.0 + 1e-9))
            .collect()
    };
    let standard = ticks(&[1.0, 2.0, 5.0]);
    if standard.len() < 4 {
        let fine = ticks(&[1.0, 1.5, 2.0, 3.0, 5.0, 7.0]);
        return if fine.len() <= max { fine } else { standard };
    }
    [ticks(&[1.0, 3.0]), ticks(&[1.0])]
        .into_iter()
        .fold(
            standard,
            |best, next| if best.len() > max { next } else { best },
        )
}

/// A log axis range around the values, with some room on both sides.
pub fn log_range(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (min, max) = values
        .into_iter()
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let min = min.max(1e-3);
    let max = max.max(min);
    (min / 1.6, max * 1.6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_read_as_people_write_numbers() {
        assert_eq!(usd_tick(1200.0), "$1.2k");
        assert_eq!(usd_tick(1000.0), "$1k");
        assert_eq!(usd_tick(0.0), "$0");
        assert_eq!(usd_tick(250.0), "$250");
        assert_eq!(usd_tick(12.5), "$12.5");
        assert_eq!(usd_tick(2_500_000.0), "$2.5M");
        assert_eq!(ms_tick(250.0), "250 ms");
        assert_eq!(ms_tick(2000.0), "2 s");
        assert_eq!(ms_tick(1500.0), "1.5 s");
        assert_eq!(ms_tick(0.5), "500 µs");
        assert_eq!(ms_tick(20.0), "20 ms");
        assert_eq!(percent_tick(0.999), "99.9%");
        assert_eq!(percent_tick(0.5), "50%");
    }

    #[test]
    fn log_ticks_are_one_two_five_within_the_range() {
        assert_eq!(
            log_ticks(15.0, 600.0, 12),
            vec![20.0, 50.0, 100.0, 200.0, 500.0]
        );
        // Too many for the room: 1-3, then powers of ten only.
        assert_eq!(log_ticks(15.0, 600.0, 4), vec![30.0, 100.0, 300.0]);
        assert_eq!(log_ticks(1.0, 1e8, 12).len(), 9);
        // Less than a decade: finer steps.
        assert_eq!(log_ticks(110.0, 400.0, 12), vec![150.0, 200.0, 300.0]);
    }
}
