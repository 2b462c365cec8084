//! The frame every chart is drawn in: a white page with the title and
//! subtitle on top, the legend under them, and a plot below with its
//! margins, label areas and styled axes. Laid out here once so that the
//! charts line up when shown side by side; a chart picks its legend,
//! ranges and tick formats, and draws only its own data. Labels placed by
//! [`super::labels`] are drawn here, on cards, with their leader lines.

use super::labels::{Layout, Placed, Rect};
use super::look::{self, LegendItem};
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Why a backend could not draw.
type Failure<DB> = DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;

/// An area of the page, or why it could not be drawn.
pub type Area<DB> = Result<DrawingArea<DB, Shift>, Failure<DB>>;

/// A plot over the ranges `X` and `Y`.
type Plot<'a, DB, X, Y> = ChartContext<
    'a,
    DB,
    Cartesian2d<<X as AsRangedCoord>::CoordDescType, <Y as AsRangedCoord>::CoordDescType>,
>;

/// Room for the tick labels and the description of each axis of a
/// full-size plot, in pixels: below the plot (x) and left of it (y).
pub const LABEL_AREAS: (i32, i32) = (80, 130);

/// Space between the legend and the plot, in pixels: less than the page
/// margin, as the legend's last row already leaves some.
pub const GAP_ABOVE: i32 = 10;

/// Draws the title (scenario name and what the chart shows), the
/// subtitle (seed, duration, price date) and the legend on a white
/// `root`; returns the area below them.
pub fn page<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    legend: &[LegendItem],
) -> Area<DB> {
    let area = header(root, title, subtitle)?;
    look::legend(&area, legend)
}

/// Draws the title and subtitle; returns the area below.
fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Area<DB> {
    root.fill(&WHITE)?;
    let left = Pos::new(HPos::Left, VPos::Top);
    root.draw(&Text::new(
        title.to_string(),
        (look::MARGIN, 22),
        look::font(look::TITLE_PX).pos(left),
    ))?;
    root.draw(&Text::new(
        subtitle.to_string(),
        (look::MARGIN, 68),
        look::font(look::SUBTITLE_PX).color(&look::MUTED).pos(left),
    ))?;
    Ok(root.split_vertically(look::HEADER_HEIGHT).1)
}

/// The plot on `area` over the ranges `x` and `y`: the page margin left,
/// right and below, [`GAP_ABOVE`] on top, and `labels` (x, y) pixels for
/// the tick labels and axis descriptions ([`LABEL_AREAS`] at full size).
pub fn plot<'a, DB: DrawingBackend, X: AsRangedCoord, Y: AsRangedCoord>(
    area: &'a DrawingArea<DB, Shift>,
    (x_labels, y_labels): (i32, i32),
    x: X,
    y: Y,
) -> Result<Plot<'a, DB, X, Y>, Failure<DB>> {
    ChartBuilder::on(area)
        .margin(look::MARGIN)
        .margin_top(GAP_ABOVE)
        .x_label_area_size(x_labels)
        .y_label_area_size(y_labels)
        .build_cartesian_2d(x, y)
}

/// A logarithmic axis over [lo, hi] with its ticks at round values, at
/// most `max_ticks` where possible ([`look::log_ticks`]).
pub fn log_axis(lo: f64, hi: f64, max_ticks: usize) -> WithKeyPoints<LogCoord<f64>> {
    (lo..hi)
        .log_scale()
        .with_key_points(look::log_ticks(lo, hi, max_ticks))
}

/// The axes and grid of `chart` in the look every chart shares: tick and
/// axis-description fonts, a light grid on the labelled ticks only. The
/// caller describes the axes, sets its tick formats and counts, and draws.
pub fn axes<'a, 'b, DB, X, Y>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
) -> MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged + ValueFormatter<Y::ValueType>,
{
    let mut mesh = chart.configure_mesh();
    mesh.label_style(look::font(look::TICK_PX))
        .axis_desc_style(look::font(look::AXIS_LABEL_PX))
        .bold_line_style(look::GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(look::MUTED);
    mesh
}

/// How far a label stays from its point, in pixels: clear of the
/// marker, which is blocked with [`MARKER_BLOCK`] pixels around it.
pub const LABEL_CLEARANCE: i32 = MARKER_BLOCK + 6;

/// The half-side of the square a marker keeps free of labels.
pub const MARKER_BLOCK: i32 = look::MARKER_RADIUS + 2;

/// Padding between a label's text and the edge of its card, in pixels.
pub const CARD_PAD: i32 = 4;

/// The size of the card of `text` in `font` (text and padding), for
/// [`labels::Layout::place`].
pub fn card_size<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    font: &TextStyle,
) -> Result<(i32, i32), Failure<DB>> {
    let (w, h) = root.estimate_text_size(text, font)?;
    Ok((w as i32 + 2 * CARD_PAD, h as i32 + 2 * CARD_PAD))
}

/// Draws a placed label on `area` (positions are the backend's pixels,
/// as [`labels::Layout`] takes them): a white card, so that lines behind
/// it do not run through the text, framed in `outline` if given, the
/// text, and a thin leader line to its point at `anchor` when it was
/// moved away from it.
///
/// [`labels::Layout`]: Layout
pub fn label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    font: &TextStyle,
    (placed, anchor): (&Placed, (i32, i32)),
    outline: Option<RGBColor>,
) -> Result<(), Failure<DB>> {
    let o = area.get_base_pixel();
    let at = |(x, y): (i32, i32)| (x - o.0, y - o.1);
    let r = placed.rect;
    let corners = [at((r.left, r.top)), at((r.right, r.bottom))];
    if placed.leader {
        area.draw(&PathElement::new(
            vec![at(anchor), at(r.nearest(anchor))],
            look::MUTED.stroke_width(1),
        ))?;
    }
    area.draw(&Rectangle::new(corners, WHITE.mix(0.85).filled()))?;
    if let Some(c) = outline {
        area.draw(&Rectangle::new(corners, c.stroke_width(1)))?;
    }
    area.draw(&Text::new(
        text.to_string(),
        at((r.left + CARD_PAD, r.top + CARD_PAD)),
        font.pos(Pos::new(HPos::Left, VPos::Top)),
    ))
}

/// The plot's own pixels (inside the axes), as bounds for labels.
pub fn plot_rect<DB: DrawingBackend, X: Ranged, Y: Ranged>(
    chart: &ChartContext<DB, Cartesian2d<X, Y>>,
) -> Rect {
    let (x, y) = chart.plotting_area().get_pixel_range();
    Rect::new(x.start, y.start, x.end, y.end)
}

/// The SLO as a dashed vertical line at latency `x` from `y0` to `y1`,
/// labelled at its top; labels placed later in `layout` keep off both.
pub fn slo_line<DB: DrawingBackend, X, Y>(
    root: &DrawingArea<DB, Shift>,
    chart: &mut ChartContext<DB, Cartesian2d<X, Y>>,
    layout: &mut Layout,
    x: f64,
    (y0, y1): (f64, f64),
    label: &str,
) -> Result<(), Failure<DB>>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    chart.draw_series(std::iter::once(DashedPathElement::new(
        vec![(x, y0), (x, y1)],
        10,
        6,
        look::SLO_COLOR.stroke_width(2),
    )))?;
    let (top, foot) = (chart.backend_coord(&(x, y1)), chart.backend_coord(&(x, y0)));
    layout.avoid_line(top, foot);
    let font = look::font(look::NOTE_PX);
    let (w, h) = root.estimate_text_size(label, &font)?;
    let at = (top.0 + 10, top.1 + 10);
    layout.block(Rect::new(at.0, at.1, at.0 + w as i32, at.1 + h as i32));
    root.draw(&Text::new(
        label.to_string(),
        at,
        font.pos(Pos::new(HPos::Left, VPos::Top)),
    ))
}
