//! Charts of a run: cost against latency, a timeline, latency CDFs and a
//! cost breakdown, as PNG or SVG bytes ready for an [`OutputSet`].
//!
//! One function per chart, each pure in (data, size): it reads only the
//! summary's streaming histograms and time series, never stored requests.
//! The look (size, fonts, markers, tick format) is set once in [`look`];
//! an architecture has the same colour, marker and dash in every chart of
//! a run, a sweep and a plan, given by its name ([`palette`]). Text uses DejaVu Sans, embedded in the binary, so the
//! charts render the same on a machine with no fonts at all; SVG text is
//! real `<text>`, so names can be searched and copied.
//!
//! [`OutputSet`]: crate::report::output::OutputSet

mod cost_breakdown;
mod cost_vs_latency;
mod frame;
pub mod labels;
mod latency_cdf;
pub mod look;
pub mod palette;
pub mod plan;
pub mod sweep;
mod timeline;

use crate::analysis::decision;
use crate::results::summary::RunSummary;
use crate::scenario::{Percentile, Slo};
use crate::time::SimTime;
use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeSet;
use std::sync::Once;

/// DejaVu Sans 2.37; license in `assets/fonts/LICENSE-DejaVu.txt`.
static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

fn register_font() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        if plotters::style::register_font(look::FONT, FontStyle::Normal, FONT_BYTES).is_err() {
            panic!("the embedded DejaVu Sans font does not parse");
        }
    });
}

/// The charts scalesim draws, in the order the report shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Chart {
    CostVsLatency,
    Timeline,
    LatencyCdf,
    CostBreakdown,
}

impl Chart {
    pub const ALL: [Chart; 4] = [
        Chart::CostVsLatency,
        Chart::Timeline,
        Chart::LatencyCdf,
        Chart::CostBreakdown,
    ];

    /// The file name without extension.
    pub fn stem(self) -> &'static str {
        match self {
            Chart::CostVsLatency => "cost_vs_latency",
            Chart::Timeline => "timeline",
            Chart::LatencyCdf => "latency_cdf",
            Chart::CostBreakdown => "cost_breakdown",
        }
    }

    /// What the chart shows, for alt text and headings.
    pub fn caption(self) -> &'static str {
        match self {
            Chart::CostVsLatency => "Cost per month against latency",
            Chart::Timeline => "Demand, capacity, latency and errors over time",
            Chart::LatencyCdf => "End-to-end latency distribution",
            Chart::CostBreakdown => "Where the money goes",
        }
    }

    /// What the chart shows of `n` replications, for its subtitle and the
    /// report; `None` for a single run.
    pub fn replication_note(self, n: u32) -> Option<String> {
        (n > 1).then(|| match self {
            Chart::CostVsLatency => format!("means of {n} replications, 95 % intervals"),
            Chart::Timeline => format!("series of replication 0 of {n}"),
            Chart::LatencyCdf => format!("pooled over {n} replications"),
            Chart::CostBreakdown => format!("means of {n} replications"),
        })
    }

    pub fn file_name(self, format: Format) -> String {
        format!("{}.{}", self.stem(), format.extension())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Png,
    Svg,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// What the charts draw: the run, and the SLO if the scenario has one.
#[derive(Clone, Copy)]
pub struct ChartData<'a> {
    pub run: &'a RunSummary,
    pub slo: Option<Slo>,
}

impl ChartData<'_> {
    /// The percentile charted: the SLO's, or p99.
    pub fn percentile(&self) -> Percentile {
        self.slo.map_or(Percentile::P99, |s| s.percentile)
    }

    /// Latency of architecture `i` at the charted percentile, in ms.
    pub fn latency_ms(&self, i: usize) -> f64 {
        self.percentile().of(&self.run.architectures[i].latency_ms)
    }

    /// The styles of the run's architectures, in the scenario's order.
    pub fn palette(&self) -> palette::Palette {
        palette::Palette::new(self.run.architectures.iter().map(|a| a.name.as_str()))
    }

    /// How architecture `i` is drawn.
    pub fn style(&self, i: usize) -> look::Style {
        self.palette().style(&self.run.architectures[i].name)
    }

    /// Independent replications behind the numbers (1: a single run).
    pub fn replications(&self) -> u32 {
        self.run.replications.max(1)
    }

    /// Whether architecture `i` meets the SLO (with 95 % confidence when
    /// there are replications); `true` without one.
    pub fn meets(&self, i: usize) -> bool {
        self.verdict(i)
            .is_none_or(|v| v == decision::Verdict::Meets)
    }

    /// The verdict on architecture `i`; `None` without an SLO.
    pub fn verdict(&self, i: usize) -> Option<decision::Verdict> {
        self.slo
            .map(|s| decision::verdict(&s, &self.run.architectures[i]))
    }

    /// "SLO: p99 ≤ 500ms".
    pub fn slo_label(&self) -> Option<String> {
        self.slo
            .map(|s| format!("SLO {} ≤ {}", s.percentile, s.latency))
    }

    /// The legend entry of the SLO line, if there is an SLO.
    pub fn slo_legend_item(&self) -> Option<look::LegendItem> {
        self.slo_label()
            .map(|label| look::LegendItem::line(look::SLO_COLOR, true, label))
    }

    /// The subtitle of `chart`: [`Self::subtitle`], then, with
    /// replications, what the chart shows of them.
    pub fn subtitle_for(&self, chart: Chart) -> String {
        match chart.replication_note(self.replications()) {
            Some(note) => format!("{} · {note}", self.subtitle()),
            None => self.subtitle(),
        }
    }

    /// Draws the page of `chart` ([`frame::page`]), titled with the
    /// scenario's name and `what` the chart shows; returns the area left
    /// for the plot.
    fn page<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        chart: Chart,
        what: &str,
        legend: &[look::LegendItem],
    ) -> frame::Area<DB> {
        let title = format!("{}: {what}", self.run.scenario);
        frame::page(root, &title, &self.subtitle_for(chart), legend)
    }

    /// Seed, simulated duration and price date, for every subtitle.
    pub fn subtitle(&self) -> String {
        let r = self.run;
        let dates: BTreeSet<&str> = r
            .architectures
            .iter()
            .flat_map(|a| a.prices.iter().map(|p| p.date.as_str()))
            .filter(|d| !d.is_empty())
            .collect();
        let prices = if dates.is_empty() {
            "prices undated".to_string()
        } else {
            format!(
                "prices as of {}",
                dates.into_iter().collect::<Vec<_>>().join(", ")
            )
        };
        let warmup = if r.warmup_s > 0.0 {
            format!(" (first {} warm-up not counted)", secs(r.warmup_s))
        } else {
            String::new()
        };
        format!(
            "seed {} · {} simulated{warmup} · {prices}",
            r.seed,
            secs(r.duration_s)
        )
    }
}

fn secs(s: f64) -> SimTime {
    SimTime::from_secs_f64(s)
}

/// Something drawn on a chart area, whatever the backend: one of a run's
/// charts, or a sweep's.
pub trait Figure {
    /// The file name without extension, for error messages.
    fn stem(&self) -> &str;
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn<DB>;
}

/// One of a run's charts with its data.
struct RunFigure<'a> {
    chart: Chart,
    data: &'a ChartData<'a>,
}

impl Figure for RunFigure<'_> {
    fn stem(&self) -> &str {
        self.chart.stem()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn<DB> {
        draw(self.chart, root, self.data)
    }
}

/// Renders `chart` in `format` at `size` (pixels).
pub fn render(chart: Chart, data: &ChartData, format: Format, size: (u32, u32)) -> Result<Vec<u8>> {
    render_figure(&RunFigure { chart, data }, format, size)
}

/// Renders any figure in `format` at `size` (pixels).
pub fn render_figure(figure: &impl Figure, format: Format, size: (u32, u32)) -> Result<Vec<u8>> {
    register_font();
    let failed = |e: String| anyhow!("cannot draw {}.{}: {e}", figure.stem(), format.extension());
    match format {
        Format::Png => {
            let (w, h) = size;
            let mut pixels = vec![0u8; w as usize * h as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
                figure.draw(&root).map_err(|e| failed(e.to_string()))?;
                root.present().map_err(|e| failed(e.to_string()))?;
            }
            let mut png = Vec::new();
            image::ImageEncoder::write_image(
                image::codecs::png::PngEncoder::new(&mut png),
                &pixels,
                w,
                h,
                image::ColorType::Rgb8,
            )
            .map_err(|e| failed(e.to_string()))?;
            Ok(png)
        }
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
                figure.draw(&root).map_err(|e| failed(e.to_string()))?;
                root.present().map_err(|e| failed(e.to_string()))?;
            }
            Ok(svg.into_bytes())
        }
    }
}

pub type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(
    chart: Chart,
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> Drawn<DB> {
    match chart {
        Chart::CostVsLatency => cost_vs_latency::draw(root, data),
        Chart::Timeline => timeline::draw(root, data),
        Chart::LatencyCdf => latency_cdf::draw(root, data),
        Chart::CostBreakdown => cost_breakdown::draw(root, data),
    }
}
