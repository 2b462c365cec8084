//! A level a model tracks beside the collector's own (instances per
//! function, launched servers, a service's busy slots): its exact integral,
//! peak and minimum over the measured period.

use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// Mean and peak of a level over the measured period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LevelSummary {
    pub mean: f64,
    pub peak: u64,
    pub min: u64,
}

/// A level's integral, peak and minimum over the measured period
/// `[warmup, end)`, for levels a model tracks beside the collector's own
/// (instances per function, launched servers).
#[derive(Clone, Copy, Debug, Default)]
pub struct Level {
    value: u64,
    last: SimTime,
    area: u128,
    peak: u64,
    min: Option<u64>,
}

impl Level {
    #[inline]
    pub fn set(&mut self, now: SimTime, value: u64, warmup: SimTime) {
        let from = self.last.max(warmup);
        if now > from {
            // The old value was in force over (from, now).
            self.area += self.value as u128 * (now - from).as_nanos() as u128;
            // A value set after the warm-up was noted then; only one set
            // before it, or the initial value, is noted here. (Noting is
            // idempotent, so this only saves the work on every set.)
            if self.last < warmup || self.min.is_none() {
                self.note(self.value);
            }
        }
        if now >= warmup {
            self.note(value);
        }
        self.last = now;
        self.value = value;
    }

    fn note(&mut self, v: u64) {
        self.peak = self.peak.max(v);
        self.min = Some(self.min.map_or(v, |m| m.min(v)));
    }

    pub fn value(&self) -> u64 {
        self.value
    }

    /// Closes the level at `end`.
    pub fn summary(&mut self, end: SimTime, warmup: SimTime) -> LevelSummary {
        self.set(end, self.value, warmup);
        let span = (end - warmup).as_nanos();
        LevelSummary {
            mean: if span > 0 {
                self.area as f64 / span as f64
            } else {
                0.0
            },
            peak: self.peak,
            min: self.min.unwrap_or(self.value),
        }
    }
}
