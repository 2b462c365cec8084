//! A service as the simulation sees it: its CPU work, the calls it makes,
//! its memory and the bytes it sends.

use super::values::CallMode;
use crate::dist::Dist;

#[derive(Clone, Debug)]
pub struct Service {
    pub name: String,
    /// CPU time at 1 vCPU.
    pub work: Dist,
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
