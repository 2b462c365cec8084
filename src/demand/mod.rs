//! Demand: when requests arrive. Rate profiles and the arrival process
//! ([`profile`]), synthetic shapes built as profiles ([`shapes`]) and
//! drawn per replication ([`synthetic`]), and
//! recorded traces replayed row by row ([`trace`] for rate and timestamp
//! CSV files, [`azure`] for multi-function Azure Functions traces). What
//! every trace format shares lives beside them: reading timestamps
//! (`timestamp`), spreading and scaling a recorded count (`spread`), and
//! turning counts per bucket into the rate profile (`buckets`).

pub mod azure;
mod buckets;
pub mod profile;
pub mod shapes;
mod spread;
pub mod synthetic;
mod timestamp;
pub mod trace;
mod trace_file;

pub use profile::{ArrivalMode, ArrivalProcess, RateProfile, Segment};
