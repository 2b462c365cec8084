//! Who is drawn how: each architecture's colour, marker and line dash,
//! given by its name and the scenario's order of architectures, so that
//! one architecture looks the same in every chart of a run, a sweep and a
//! plan, whatever subset or order a chart lists.
//!
//! Twelve colours, Okabe & Ito's colour-blind-safe set first (without its
//! black, which reads as the SLO line and the cost breakdown's greys),
//! then darker ones from Paul Tol's palettes. Past twelve architectures
//! the marker shifts and lines are dashed, so that no two architectures
//! share colour, marker and dash. Never black or grey: those are the
//! frame's and the cost breakdown's.

use plotters::style::RGBColor;

/// The colours, in the order architectures get them. The first six and
/// the eighth are today's Okabe–Ito colours at the same positions; the
/// seventh, black before, is wine.
pub const PALETTE: [RGBColor; 12] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(136, 34, 85),   // wine (Tol)
    RGBColor(240, 228, 66),  // yellow
    RGBColor(51, 34, 136),   // indigo (Tol)
    RGBColor(153, 153, 51),  // olive (Tol)
    RGBColor(17, 119, 51),   // green (Tol)
    RGBColor(140, 81, 10),   // brown (Brewer BrBG)
];

/// Marker shapes, so that a grey-scale print still tells architectures apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
    InvertedTriangle,
    Pentagon,
}

pub const SHAPES: [Shape; 6] = [
    Shape::Circle,
    Shape::Square,
    Shape::Triangle,
    Shape::Diamond,
    Shape::InvertedTriangle,
    Shape::Pentagon,
];

/// How an architecture's lines are drawn: solid for the first twelve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
}

impl Dash {
    /// Dash and gap lengths in pixels; `None` for a solid line.
    pub fn pattern(self) -> Option<(u32, u32)> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some((14, 6)),
            Dash::Dotted => Some((3, 5)),
        }
    }
}

/// How one architecture is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub color: RGBColor,
    pub shape: Shape,
    pub dash: Dash,
}

/// The style of the architecture at `position` in the scenario's order:
/// colours first, then, once they run out, a shifted marker and a dash,
/// so that (colour, marker) pairs stay distinct up to 72 architectures.
pub fn style(position: usize) -> Style {
    let round = position / PALETTE.len();
    Style {
        color: PALETTE[position % PALETTE.len()],
        shape: SHAPES[(position + round) % SHAPES.len()],
        dash: [Dash::Solid, Dash::Dashed, Dash::Dotted][round % 3],
    }
}

/// The architectures of a scenario in its file's order: a chart asks it
/// for an architecture's style by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Palette {
    names: Vec<String>,
}

impl Palette {
    /// The scenario's architecture names, in the order of its file.
    pub fn new<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Palette {
        Palette {
            names: names.into_iter().map(Into::into).collect(),
        }
    }

    /// The style of architecture `name`; a name the scenario does not
    /// have (none should reach a chart) gets one past the scenario's own,
    /// picked by the name so that it is the same in every chart.
    pub fn style(&self, name: &str) -> Style {
        match self.names.iter().position(|n| n == name) {
            Some(i) => style(i),
            None => {
                let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
                });
                style(self.names.len() + (hash % PALETTE.len() as u64) as usize)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_of_seventy_two_architectures_look_alike() {
        let styles: Vec<Style> = (0..72).map(style).collect();
        for (i, a) in styles.iter().enumerate() {
            for b in &styles[i + 1..] {
                assert!((a.color, a.shape) != (b.color, b.shape), "{a:?}");
            }
        }
    }

    #[test]
    fn no_architecture_is_black_or_grey() {
        for c in PALETTE {
            let spread = c.0.max(c.1).max(c.2) - c.0.min(c.1).min(c.2);
            assert!(spread > 60, "{c:?} is too close to grey");
        }
    }

    #[test]
    fn an_architecture_keeps_its_style_whatever_the_chart_lists() {
        let p = Palette::new(["a", "b", "c"]);
        assert_eq!(p.style("c"), style(2));
        assert_eq!(p.style("a").color, PALETTE[0]);
        assert_eq!(p.style("zz"), p.style("zz"));
        assert_ne!(p.style("zz"), p.style("a"));
    }
}
