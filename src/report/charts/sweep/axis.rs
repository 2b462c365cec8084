//! The axes of the sweep charts: linear or log (a log axis is drawn as a
//! linear one over log10 of the values, so one chart type serves both),
//! tick positions, and how the swept value reads on a tick.

use super::super::look;
use crate::time::SimTime;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use std::ops::Range;

/// What the swept numbers are, for ticks and labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XUnit {
    Plain,
    /// A multiple of the scenario's demand (`demand.scale`).
    Scale,
    Seconds,
    Megabytes,
    RequestsPerSecond,
}

impl XUnit {
    /// A value as a tick or label reads it: "2×", "5m", "512 MB", "40 rps".
    pub fn format(self, v: f64) -> String {
        match self {
            XUnit::Plain => look::compact(v),
            XUnit::Scale => format!("{}×", look::compact(v)),
            XUnit::Seconds => SimTime::from_secs_f64(v).to_string(),
            XUnit::Megabytes if v >= 1024.0 => format!("{} GB", look::compact(v / 1024.0)),
            XUnit::Megabytes => format!("{} MB", look::compact(v)),
            XUnit::RequestsPerSecond => format!("{} rps", look::compact(v)),
        }
    }
}

/// One axis: its range in drawing coordinates (log10 of the values when
/// logarithmic) and its ticks.
#[derive(Clone, Debug)]
pub struct Axis {
    pub log: bool,
    /// The range in drawing coordinates.
    pub lo: f64,
    pub hi: f64,
    /// Tick positions in drawing coordinates.
    pub ticks: Vec<f64>,
}

impl Axis {
    /// An axis over `values` (finite ones), logarithmic when `log_if`
    /// holds of (min, max) and every value is positive; `from_zero` starts
    /// a linear axis at 0; `pad` is the room on both sides, as a fraction.
    pub fn over(
        values: impl IntoIterator<Item = f64>,
        log_if: impl Fn(f64, f64) -> bool,
        from_zero: bool,
        pad: f64,
        max_ticks: usize,
    ) -> Axis {
        let (min, max) = values
            .into_iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        let (min, max) = if min > max { (0.0, 1.0) } else { (min, max) };
        if min > 0.0 && log_if(min, max) {
            let (l0, l1) = (min.log10(), max.log10());
            let room = ((l1 - l0) * pad).max(0.02);
            let (lo, hi) = (l0 - room, l1 + room);
            let ticks = look::log_ticks(10f64.powf(lo), 10f64.powf(hi), max_ticks)
                .into_iter()
                .map(f64::log10)
                .collect();
            return Axis {
                log: true,
                lo,
                hi,
                ticks,
            };
        }
        let min = if from_zero { min.min(0.0) } else { min };
        let span = if max > min {
            max - min
        } else {
            max.abs().max(1.0)
        };
        let lo = if from_zero && min >= 0.0 {
            0.0
        } else {
            min - span * pad
        };
        let hi = max + span * pad;
        Axis {
            log: false,
            lo,
            hi,
            ticks: linear_ticks(lo, hi, max_ticks),
        }
    }

    /// Raises the top so that the top `frac` of the axis (at most 60 %) is
    /// free above everything the axis was made for; no tick below the
    /// first one appears.
    pub fn extend_top(&mut self, frac: f64, max_ticks: usize) {
        let frac = frac.clamp(0.0, 0.6);
        if frac == 0.0 {
            return;
        }
        self.hi = self.lo + (self.hi - self.lo) / (1.0 - frac);
        let floor = self.ticks.first().copied().unwrap_or(self.lo);
        let ticks = if self.log {
            look::log_ticks(10f64.powf(self.lo), 10f64.powf(self.hi), max_ticks)
                .into_iter()
                .map(f64::log10)
                .collect()
        } else {
            linear_ticks(self.lo, self.hi, max_ticks)
        };
        self.ticks = ticks.into_iter().filter(|&t| t >= floor - 1e-9).collect();
    }

    /// A value in drawing coordinates.
    pub fn to(&self, v: f64) -> f64 {
        if self.log { v.max(1e-300).log10() } else { v }
    }

    /// A drawing coordinate back to a value.
    pub fn from(&self, c: f64) -> f64 {
        if self.log { 10f64.powf(c) } else { c }
    }
}

/// The axis is its own plotters coordinate: linear over the drawing
/// coordinates, with exactly its ticks as the key points.
impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let t = (v - self.lo) / (self.hi - self.lo);
        limit.0 + (t * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _: Hint) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// A sweep panel's plot: both axes are [`Axis`].
pub type Chart<'a, DB> =
    plotters::chart::ChartContext<'a, DB, plotters::coord::cartesian::Cartesian2d<Axis, Axis>>;

/// Latency on an axis: as the other charts write it up to 100 s, then in
/// minutes and hours ("16.7m", "5.6h").
pub fn latency_tick(ms: f64) -> String {
    if ms < 100_000.0 {
        look::ms_tick(ms)
    } else if ms < 3_600_000.0 {
        format!("{} min", look::compact(ms / 60_000.0))
    } else {
        format!("{} h", look::compact(ms / 3_600_000.0))
    }
}

/// Ticks in 1-2-5 steps over [lo, hi], at most `max` of them.
pub fn linear_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let raw = span / max.max(2) as f64;
    let decade = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * decade)
        .find(|s| span / s + 1.0 <= max as f64 + 1e-9)
        .unwrap_or(10.0 * decade);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ticks_step_by_one_two_or_five() {
        assert_eq!(linear_ticks(0.0, 10.0, 6), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(linear_ticks(0.0, 1000.0, 5), [0.0, 500.0, 1000.0]);
        let fine = linear_ticks(0.3, 0.9, 8);
        assert_eq!(fine.len(), 7, "{fine:?}");
        assert!((fine[0] - 0.3).abs() < 1e-12 && (fine[6] - 0.9).abs() < 1e-12);
    }

    #[test]
    fn a_range_of_ten_or_more_is_logarithmic() {
        let a = Axis::over([0.25, 8.0], |a, b| b / a >= 10.0, false, 0.04, 10);
        assert!(a.log);
        assert!((a.from(a.to(3.0)) - 3.0).abs() < 1e-12);
        let ticks: Vec<f64> = a.ticks.iter().map(|&t| a.from(t)).collect();
        assert!(ticks.iter().any(|t| (t - 1.0).abs() < 1e-9), "{ticks:?}");
        let b = Axis::over([1.0, 8.0], |a, b| b / a >= 10.0, true, 0.04, 10);
        assert!(!b.log);
        assert_eq!(b.lo, 0.0);
    }

    #[test]
    fn swept_values_read_in_their_unit() {
        assert_eq!(XUnit::Scale.format(2.5), "2.5×");
        assert_eq!(XUnit::Seconds.format(300.0), "5m");
        assert_eq!(XUnit::Megabytes.format(512.0), "512 MB");
        assert_eq!(XUnit::Megabytes.format(2048.0), "2 GB");
        assert_eq!(XUnit::RequestsPerSecond.format(46.0), "46 rps");
    }
}
