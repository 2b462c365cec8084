//! The Azure Functions 2021 invocation trace (Zhang et al., SOSP'21): one
//! row per invocation, `app,func,end_timestamp,duration`. Each invocation
//! arrives at end − duration and its work is exactly its duration.
//!
//! Rows are not in start order (the full trace is ordered by end time at
//! best, and the published excerpt not at all), yet the file is streamed,
//! never held. Loading measures the file's *lateness*: how far before the
//! latest end already read a row can start. The replay then keeps only the
//! rows within that reach in a heap and releases each one once no row still
//! unread can start before it. A file ordered by end time holds about
//! rate × longest duration rows at once; a shuffled file degrades to
//! holding all of it, and is still replayed exactly.
//!
//! Loading reads the file three times (check every row and find the
//! trace's first start; find repeated rows, and count and measure each
//! function inside the window; summarise the selected functions' rate),
//! each in memory bounded as the replay's (see `duplicates`).

mod duplicates;
mod load;
mod replay;
mod source;

pub(super) use load::load;
pub(super) use replay::Replay;
pub(super) use source::Invocations;
