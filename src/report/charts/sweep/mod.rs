//! The charts of a sweep: `break_even` (cost per month against the swept
//! value, the cheapest architecture meeting the SLO shaded along the axis,
//! crossovers marked) and `sweep_latency` (the SLO percentile against the
//! swept value, with the SLO line). Both read a [`SweepFigure`], built by
//! the sweep from its rows; neither knows how the sweep ran.
//!
//! A grid of two keys draws one panel per value of the second key, up to
//! [`MAX_PANELS`].

mod axis;
mod notes;
mod panel;

use super::look::{self, Glyph, LegendItem};
use super::palette::Palette;
use super::{Drawn, Figure, frame};
use crate::analysis::decision::Verdict;
use crate::results::estimate::Estimate;
use plotters::coord::Shift;
use plotters::prelude::*;

pub use axis::XUnit;

/// Most panels one sweep chart draws; a larger grid draws the first ones
/// and says so in its subtitle.
pub const MAX_PANELS: usize = 9;

/// One architecture along the swept value.
#[derive(Clone, Debug)]
pub struct SweepSeries {
    pub name: String,
    pub cost: Vec<Estimate>,
    pub latency: Vec<Estimate>,
    /// `None` without an SLO.
    pub verdict: Vec<Option<Verdict>>,
}

impl SweepSeries {
    /// Whether point `i` meets the SLO (with confidence); `true` without one.
    pub fn meets(&self, i: usize) -> bool {
        self.verdict[i].is_none_or(|v| v == Verdict::Meets)
    }
}

/// A crossover as the chart marks it.
#[derive(Clone, Debug)]
pub struct CrossMark {
    pub at: f64,
    /// "lambda cheaper below 2.3× (46 rps)".
    pub label: String,
    /// "→ fleet".
    pub then: String,
}

/// One line of the grid: every architecture along the first key.
#[derive(Clone, Debug)]
pub struct SweepPanel {
    /// The other keys' values ("servers=4"); `None` for a one-key sweep.
    pub heading: Option<String>,
    pub xs: Vec<f64>,
    pub series: Vec<SweepSeries>,
    /// The swept range cut where the cheapest architecture meeting the SLO
    /// changes: (from, to, index into `series` or none).
    pub bands: Vec<(f64, f64, Option<usize>)>,
    pub marks: Vec<CrossMark>,
    /// The SLO latency at each point (it may itself be swept).
    pub slo_ms: Vec<Option<f64>>,
}

/// Everything both sweep charts draw.
#[derive(Clone, Debug)]
pub struct SweepFigure {
    pub scenario: String,
    /// The swept key along the x-axis.
    pub key: String,
    pub unit: XUnit,
    /// The axis description, e.g. "demand.scale (1× = 20 rps)".
    pub x_desc: String,
    /// The SLO percentile's name ("p99").
    pub percentile: String,
    /// "SLO p99 ≤ 300ms", if there is an SLO.
    pub slo_label: Option<String>,
    pub replications: u32,
    pub subtitle: String,
    /// The scenario's architectures, for their colours and markers.
    pub palette: Palette,
    pub panels: Vec<SweepPanel>,
}

/// Which of the two sweep charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepChart {
    BreakEven,
    Latency,
}

impl SweepChart {
    pub const ALL: [SweepChart; 2] = [SweepChart::BreakEven, SweepChart::Latency];

    pub fn stem(self) -> &'static str {
        match self {
            SweepChart::BreakEven => "break_even",
            SweepChart::Latency => "sweep_latency",
        }
    }
}

/// A sweep chart with its data, ready for [`super::render_figure`].
pub struct SweepDrawing<'a> {
    pub chart: SweepChart,
    pub figure: &'a SweepFigure,
}

impl Figure for SweepDrawing<'_> {
    fn stem(&self) -> &str {
        self.chart.stem()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn<DB> {
        let f = self.figure;
        let title = match self.chart {
            SweepChart::BreakEven => format!("{}: cost per month against {}", f.scenario, f.key),
            SweepChart::Latency => {
                format!("{}: {} latency against {}", f.scenario, f.percentile, f.key)
            }
        };
        let shown = f.panels.len().min(MAX_PANELS);
        let mut subtitle = f.subtitle.clone();
        if f.replications > 1 {
            subtitle.push_str(&format!(
                " · means of {} replications, 95 % bands",
                f.replications
            ));
        }
        if shown < f.panels.len() {
            subtitle.push_str(&format!(" · first {shown} of {} panels", f.panels.len()));
        }
        let area = frame::page(root, &title, &subtitle, &legend(self.chart, f))?;
        let cols = (shown as f64).sqrt().ceil().max(1.0) as usize;
        let rows = shown.div_ceil(cols).max(1);
        let cells = area.split_evenly((rows, cols));
        for (panel, cell) in f.panels.iter().zip(&cells) {
            panel::draw(cell, self.chart, f, panel, shown > 1)?;
        }
        Ok(())
    }
}

fn legend(chart: SweepChart, f: &SweepFigure) -> Vec<LegendItem> {
    let series = f.panels.first().map_or(&[][..], |p| &p.series[..]);
    let mut items: Vec<LegendItem> = series
        .iter()
        .map(|s| LegendItem::architecture(f.palette.style(&s.name), true, &s.name))
        .collect();
    if f.slo_label.is_some() {
        items.push(LegendItem::line(
            look::MUTED,
            true,
            "hollow, dashed: breaks the SLO",
        ));
    }
    if chart == SweepChart::BreakEven {
        items.push(LegendItem {
            glyph: Glyph::Swatch {
                color: look::MUTED.mix(0.3),
                outline: look::MUTED,
            },
            label: "strip: cheapest meeting the SLO".into(),
        });
    } else if let Some(label) = &f.slo_label {
        items.push(LegendItem::line(look::SLO_COLOR, true, label));
    }
    items
}
