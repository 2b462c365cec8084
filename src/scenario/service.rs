//! A service as the simulation sees it: its CPU work and its wait on I/O,
//! the calls it makes, its memory and the bytes it sends.
//!
//! An invocation runs its `work` on a CPU, then waits `wait` (a database
//! query, a call to an API outside the scenario), then makes its calls in
//! order. The wait holds the invocation's place on its server (a thread,
//! an event-loop slot, a Lambda environment) but no CPU, and no vCPU count,
//! memory size or instance speed makes it shorter. It falls after the work
//! because a handler computes what to ask before it asks, and before the
//! calls so that a call tree's critical path is work + wait + calls at
//! every level: the order changes no total, only when calls start.

use super::values::CallMode;
use crate::dist::Dist;

#[derive(Clone, Debug)]
pub struct Service {
    pub name: String,
    /// CPU time at 1 vCPU.
    pub work: Dist,
    /// Time blocked on I/O after the work: no CPU, not scaled by anything.
    pub wait: Option<Dist>,
    pub calls: Vec<Call>,
    /// Memory recorded for it by a trace (the serverless default), in MB.
    pub memory_mb: Option<f64>,
    /// The memory a serverless function gets when neither the trace, the
    /// function nor the architecture sets one, if not the usual default.
    pub assumed_memory_mb: Option<f64>,
    /// Bytes of each response to the client (entry service only), one
    /// nanosecond of the distribution per byte.
    pub response_size: Option<Dist>,
    /// Bytes each invocation sends to the internet itself.
    pub outbound_size: Option<Dist>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    pub service: usize,
    pub mode: CallMode,
}
