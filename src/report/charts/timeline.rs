//! Panels sharing the time axis: demand, capacity per architecture, the
//! latency at the SLO percentile (p99 without an SLO) per window (log
//! scale) and errors per window. Drawn as steps,
//! one per time-series window; very long series are merged into at most
//! [`MAX_STEPS`] steps so that the chart stays readable and small.

use super::look::{self, LegendItem};
use super::{Chart, ChartData, Drawn, frame};
use crate::results::stats::WindowRow;
use crate::scenario::Percentile;
use crate::time::SimTime;
use plotters::coord::Shift;
use plotters::coord::ranged1d::AsRangedCoord;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;

const MAX_STEPS: usize = 800;
const Y_LABEL_AREA: u32 = 130;
const PANEL_TITLE_SPACE: u32 = 34;

/// One step of the timeline: a window, or several merged.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Step {
    start_s: f64,
    end_s: f64,
    arrivals: u64,
    errors: u64,
    servers: f64,
    /// The worst latency at the charted percentile of the merged windows;
    /// 0 if nothing completed.
    p99_ms: f64,
}

/// Merges consecutive windows so that there are at most `max` steps.
/// `percentile` picks the latency kept per window (50, 90, 95, 99, 99.9).
fn steps(
    rows: &[WindowRow],
    window_s: f64,
    duration_s: f64,
    max: usize,
    percentile: f64,
) -> Vec<Step> {
    let group = rows.len().div_ceil(max.max(1)).max(1);
    rows.chunks(group)
        .map(|c| {
            let start_s = c[0].start_s;
            let end_s = (c[c.len() - 1].start_s + window_s).min(duration_s);
            let width = |r: &WindowRow| (r.start_s + window_s).min(duration_s) - r.start_s;
            let span = (end_s - start_s).max(f64::MIN_POSITIVE);
            Step {
                start_s,
                end_s,
                arrivals: c.iter().map(|r| r.arrivals).sum(),
                errors: c.iter().map(|r| r.errors()).sum(),
                servers: c.iter().map(|r| r.servers * width(r)).sum::<f64>() / span,
                p99_ms: c
                    .iter()
                    .map(|r| r.latency_ms_at(percentile))
                    .fold(0.0, f64::max),
            }
        })
        .collect()
}

/// The latency panel's axis label: a static string, as panels take one.
fn y_desc_for(p: Percentile) -> &'static str {
    match p {
        Percentile::P50 => "p50 (log)",
        Percentile::P90 => "p90 (log)",
        Percentile::P95 => "p95 (log)",
        Percentile::P99 => "p99 (log)",
        Percentile::P999 => "p99.9 (log)",
    }
}

/// The unit of the time axis: hours, minutes or seconds.
fn time_unit(duration_s: f64) -> (&'static str, f64) {
    if duration_s >= 2.0 * 3600.0 {
        ("h", 3600.0)
    } else if duration_s >= 120.0 {
        ("min", 60.0)
    } else {
        ("s", 1.0)
    }
}

/// Step-line segments of `value` over the steps, broken where it is `None`.
fn step_lines(
    steps: &[Step],
    unit: f64,
    value: impl Fn(&Step) -> Option<f64>,
) -> Vec<Vec<(f64, f64)>> {
    let mut lines: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for s in steps {
        match value(s) {
            Some(v) => {
                let line = lines.last_mut().expect("one line at least");
                line.push((s.start_s / unit, v));
                line.push((s.end_s / unit, v));
            }
            None if lines.last().is_some_and(|l| !l.is_empty()) => lines.push(Vec::new()),
            None => {}
        }
    }
    lines.retain(|l| !l.is_empty());
    lines
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &ChartData) -> Drawn<DB> {
    let run = data.run;
    let mut items: Vec<LegendItem> = (0..run.architectures.len())
        .map(|i| LegendItem::architecture_line(data.style(i), &run.architectures[i].name))
        .collect();
    // The SLO's percentile, per window (p99 without an SLO).
    let percentile = data.slo.map_or(Percentile::P99, |s| s.percentile);
    if data.slo.is_some() {
        items.extend(data.slo_legend_item());
    }
    let what = "demand, capacity, latency and errors over time";
    let area = data.page(root, Chart::Timeline, what, &items)?;
    let area = area.margin(0, 10, look::MARGIN, look::MARGIN);

    let all: Vec<Vec<Step>> = run
        .architectures
        .iter()
        .map(|a| {
            steps(
                &a.timeseries,
                run.window_s,
                run.duration_s,
                MAX_STEPS,
                percentile.value(),
            )
        })
        .collect();
    let merged_s = all
        .first()
        .and_then(|s| s.first())
        .map_or(run.window_s, |s| s.end_s - s.start_s);
    let (unit_name, unit) = time_unit(run.duration_s);
    let x = 0.0..run.duration_s / unit;
    let warmup = run.warmup_s / unit;

    let panel_h = (area.dim_in_pixel().1 as i32 - 70) / 4;
    let panels = area.split_by_breakpoints([] as [i32; 0], [panel_h, 2 * panel_h, 3 * panel_h]);
    let series = |f: &dyn Fn(&Step) -> Option<f64>| -> Vec<Series> {
        all.iter()
            .enumerate()
            .map(|(i, s)| (data.style(i), step_lines(s, unit, f)))
            .collect()
    };
    let max_of = |lines: &Lines| {
        lines
            .iter()
            .flat_map(|(_, l)| l.iter().flatten())
            .map(|p| p.1)
            .fold(0.0, f64::max)
    };

    // Demand: every architecture sees the same arrivals; draw the first's.
    let demand = series(&|s| Some(s.arrivals as f64 / (s.end_s - s.start_s).max(1e-9)));
    let demand: Vec<_> = demand.into_iter().take(1).collect();
    let top = max_of(&demand).max(1.0) * 1.15;
    let panel = Panel {
        title: "Demand: arrivals per second (the same for every architecture)".into(),
        y_desc: "arrivals/s",
        last: false,
        unit_name,
        warmup,
        ink: Some(look::INK),
        slo_ms: None,
    };
    let linear = |v: &f64| look::compact(*v);
    panel.draw(&panels[0], x.clone(), 0.0..top, &linear, &demand)?;

    let capacity = series(&|s| Some(s.servers));
    let top = max_of(&capacity).max(1.0) * 1.25;
    let panel = Panel {
        title: "Capacity: servers or instances running".into(),
        y_desc: "servers",
        ink: None,
        ..panel
    };
    panel.draw(&panels[1], x.clone(), 0.0..top, &linear, &capacity)?;

    let latency = series(&|s| (s.p99_ms > 0.0).then_some(s.p99_ms));
    let slo_ms = data.slo.map(|s| s.latency.as_millis_f64());
    let ys = latency
        .iter()
        .flat_map(|(_, l)| l.iter().flatten())
        .map(|p| p.1)
        .chain(slo_ms);
    let (y0, y1) = look::log_range(ys);
    let panel = Panel {
        title: format!("Latency: {percentile} of the requests completing in each window"),
        y_desc: y_desc_for(percentile),
        slo_ms,
        ..panel
    };
    panel.draw(
        &panels[2],
        x.clone(),
        frame::log_axis(y0, y1, 4),
        &|v| look::ms_tick(*v),
        &latency,
    )?;

    let errors = series(&|s| Some(s.errors as f64));
    let top = max_of(&errors).max(1.0) * 1.15;
    let panel = Panel {
        title: format!(
            "Errors: rejected + throttled + timed out{} per {} window",
            // Named only where a fleet runs on spot, so that other charts
            // keep their title.
            if run.architectures.iter().any(|a| a.spot.is_some()) {
                " + lost to spot interruptions"
            } else {
                ""
            },
            SimTime::from_secs_f64(merged_s)
        ),
        y_desc: "errors",
        last: true,
        slo_ms: None,
        ..panel
    };
    panel.draw(&panels[3], x, 0.0..top, &linear, &errors)
}

struct Panel {
    title: String,
    y_desc: &'static str,
    /// The bottom panel carries the time axis labels.
    last: bool,
    unit_name: &'static str,
    warmup: f64,
    /// One colour for every line; `None`: each architecture's own.
    ink: Option<RGBColor>,
    /// A horizontal SLO line at this value.
    slo_ms: Option<f64>,
}

/// An architecture's style, and its step-line segments.
type Series = (look::Style, Vec<Vec<(f64, f64)>>);
type Lines = [Series];

impl Panel {
    fn title<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn<DB> {
        area.draw(&Text::new(
            self.title.clone(),
            (Y_LABEL_AREA as i32 + 4, 4),
            look::font(look::NOTE_PX).pos(Pos::new(HPos::Left, VPos::Top)),
        ))
    }

    /// The bottom panel makes room for the time axis labels.
    fn x_label_area(&self) -> u32 {
        if self.last { 70 } else { 6 }
    }

    /// Draws the panel's lines on `y` (a linear or log range of values).
    fn draw<DB: DrawingBackend, Y>(
        &self,
        area: &DrawingArea<DB, Shift>,
        x: Range<f64>,
        y: Y,
        y_format: &dyn Fn(&f64) -> String,
        lines: &Lines,
    ) -> Drawn<DB>
    where
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        self.title(area)?;
        let mut chart = ChartBuilder::on(area)
            .margin_top(PANEL_TITLE_SPACE)
            .x_label_area_size(self.x_label_area())
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(x.clone(), y)?;
        let ys = chart.as_coord_spec().get_y_range();
        self.mesh(&mut chart, y_format)?;
        self.shade_warmup(&mut chart, ys.start, ys.end)?;
        if let Some(s) = self.slo_ms {
            chart.draw_series(std::iter::once(DashedPathElement::new(
                vec![(x.start, s), (x.end, s)],
                10,
                6,
                look::SLO_COLOR.stroke_width(2),
            )))?;
        }
        for (style, segments) in lines {
            let style = match self.ink {
                Some(color) => look::Style {
                    color,
                    dash: look::Dash::Solid,
                    ..*style
                },
                None => *style,
            };
            for s in segments {
                chart.draw_series(std::iter::once(look::styled_path(
                    s.clone(),
                    style,
                    look::LINE_WIDTH,
                )))?;
            }
        }
        Ok(())
    }

    fn mesh<DB: DrawingBackend, Y: Ranged<ValueType = f64> + ValueFormatter<f64>>(
        &self,
        chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, Y>>,
        y_format: &dyn Fn(&f64) -> String,
    ) -> Drawn<DB> {
        let x_desc = format!("time since start ({})", self.unit_name);
        let blank = |_: &f64| String::new();
        let mut mesh = frame::axes(chart);
        mesh.y_desc(self.y_desc)
            .y_labels(4)
            .x_labels(13)
            .y_label_formatter(y_format);
        if self.last {
            mesh.x_desc(x_desc)
                .x_label_formatter(&|v| look::compact(*v));
        } else {
            mesh.x_label_formatter(&blank);
        }
        mesh.draw()
    }

    fn shade_warmup<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
        &self,
        chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, Y>>,
        y0: f64,
        y1: f64,
    ) -> Drawn<DB> {
        if self.warmup > 0.0 {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y0), (self.warmup, y1)],
                look::WARMUP_SHADE.filled(),
            )))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(start_s: f64, arrivals: u64, servers: f64, p99_ms: f64) -> WindowRow {
        WindowRow {
            start_s,
            arrivals,
            completions: arrivals,
            rejected: 1,
            timed_out: 0,
            busy_slots: 0.0,
            queue_length: 0.0,
            in_system: 0.0,
            servers,
            p99_ms,
            ..WindowRow::default()
        }
    }

    #[test]
    fn long_series_merge_into_fewer_steps_keeping_totals_and_worst_p99() {
        let rows: Vec<WindowRow> = (0..10)
            .map(|i| row(i as f64 * 60.0, 10, if i < 5 { 2.0 } else { 4.0 }, i as f64))
            .collect();
        let s = steps(&rows, 60.0, 570.0, 4, 99.0);
        // 10 windows, at most 4 steps: groups of 3.
        assert_eq!(s.len(), 4);
        assert_eq!(
            (s[0].start_s, s[0].end_s, s[0].arrivals, s[0].errors),
            (0.0, 180.0, 30, 3)
        );
        assert_eq!(s[1].p99_ms, 5.0);
        assert_eq!(s[1].servers, (2.0 * 2.0 + 4.0) / 3.0);
        // The last window is cut at the end of the run.
        assert_eq!((s[3].start_s, s[3].end_s), (540.0, 570.0));
        assert_eq!(s.iter().map(|x| x.arrivals).sum::<u64>(), 100);
    }

    #[test]
    fn step_lines_break_where_there_is_no_value() {
        let rows = [
            row(0.0, 1, 1.0, 5.0),
            row(60.0, 1, 1.0, 0.0),
            row(120.0, 1, 1.0, 7.0),
        ];
        let s = steps(&rows, 60.0, 180.0, 100, 99.0);
        let lines = step_lines(&s, 60.0, |s| (s.p99_ms > 0.0).then_some(s.p99_ms));
        assert_eq!(
            lines,
            vec![vec![(0.0, 5.0), (1.0, 5.0)], vec![(2.0, 7.0), (3.0, 7.0)]]
        );
    }
}
