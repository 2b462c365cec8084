//! Sweeps: one scenario run over a grid of values of one or two keys, to
//! see where the answer changes. A point is the scenario file with the
//! values written in ([`keys`]), validated as any scenario before anything
//! runs; values are lists or ranges
//! ([`crate::scenario::sweep`]).

pub mod crossover;
pub mod figure;
pub mod keys;
pub mod output;
pub mod points;
pub mod run;
