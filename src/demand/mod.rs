//! Demand: when requests arrive. Rate profiles and the arrival process
//! ([`profile`]), synthetic shapes built as profiles ([`shapes`]), and
//! recorded traces replayed row by row ([`trace`] for rate and timestamp
//! CSV files, [`azure`] for multi-function Azure Functions traces).

pub mod azure;
mod buckets;
pub mod profile;
pub mod shapes;
pub mod trace;

pub use profile::{ArrivalMode, ArrivalProcess, RateProfile, Segment};
