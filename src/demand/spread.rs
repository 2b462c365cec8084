//! Placing a recorded count in time: a run of n arrivals spread over an
//! interval (a `rate-csv` bucket, or a request and its copies under
//! `scale`), and how many arrivals a recorded count becomes under `scale`.
//! Shared by every trace replay so that all formats spread and scale alike.

use crate::demand::ArrivalMode;
use crate::rng::Stream;
use crate::time::SimTime;
use rand::Rng;
use rand_distr::{Binomial, Distribution};

/// A run of arrivals spread over [start, start + width): a bucket's
/// requests, or a recorded request and its copies under `scale` (the first
/// exactly at `start`).
#[derive(Default)]
pub(crate) struct Spread {
    pub start: SimTime,
    pub width: f64,
    pub total: u64,
    done: u64,
    /// Position in [0, 1) of the last arrival placed (Poisson spreading).
    pos: f64,
    pub first_exact: bool,
}

impl Spread {
    pub fn new(start: SimTime, width: f64, total: u64, first_exact: bool) -> Self {
        Spread {
            start,
            width,
            total,
            first_exact,
            ..Spread::default()
        }
    }

    /// The next arrival of the run, in time order; `None` when all are out.
    /// Poisson spreading places the sorted uniforms one at a time, so a run
    /// of a million requests needs no buffer.
    #[inline]
    pub fn next(&mut self, mode: ArrivalMode, rng: &mut Stream) -> Option<SimTime> {
        if self.done >= self.total {
            return None;
        }
        let (k, n) = (self.done, self.total);
        self.done += 1;
        let x = if self.first_exact && k == 0 {
            0.0
        } else {
            match mode {
                ArrivalMode::Uniform => k as f64 / n as f64,
                ArrivalMode::Poisson => {
                    // The next of the remaining n − k sorted uniforms on
                    // (pos, 1): pos + (1 − pos)(1 − U^{1/(n−k)}).
                    let u: f64 = 1.0 - rng.random::<f64>();
                    self.pos += (1.0 - self.pos) * (1.0 - u.powf(1.0 / (n - k) as f64));
                    self.pos
                }
            }
        };
        let offset = ((x * self.width) as u64).min((self.width as u64).saturating_sub(1));
        Some(self.start + SimTime(offset))
    }
}

/// How many requests a recorded `n` becomes under `scale`: n × ⌊scale⌋
/// plus a binomial share of the fraction (thinning below 1), drawn from
/// the scale stream so that every architecture sees the same copies.
pub(crate) fn scaled_count(n: u64, scale: f64, rng: &mut Stream) -> u64 {
    if scale == 1.0 {
        return n;
    }
    let whole = scale.floor();
    let frac = scale - whole;
    let extra = if frac > 0.0 && n > 0 {
        Binomial::new(n, frac).map_or(0, |b| b.sample(rng))
    } else {
        0
    };
    n * whole as u64 + extra
}
