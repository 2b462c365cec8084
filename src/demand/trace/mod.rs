//! Recorded demand: replaying a trace file (`rate-csv`: requests per time
//! bucket; `timestamps-csv`: one row per request).
//!
//! A trace is read twice at load time — once to check every row and infer
//! the bucket, once to summarise its rate per minute (for fleet sizing and
//! reports) — and then streamed again by every architecture's arrival
//! source, one row at a time: a trace of 10⁸ requests replays in bounded
//! memory. This is the one part of the simulation core that reads a file;
//! the load-time check is what guarantees the replay never meets a bad row.
//!
//! Simulated time 0 is the trace's first bucket or request (or `start`
//! after it). A `rate-csv` bucket of n requests yields exactly n arrivals
//! inside it, spread as sorted uniform times (Poisson) or evenly.

mod load;
mod options;
mod replay;
mod rows;

pub use crate::demand::timestamp::parse_timestamp;
pub use load::Trace;
pub use options::{TraceError, TraceFormat, TraceOptions};
pub use replay::TraceArrivals;

// Kept at their former path for code outside `demand`.
#[allow(unused_imports)]
pub(crate) use crate::demand::spread::{Spread, scaled_count};
