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
    /// The memory it takes on a server, if the scenario says.
    pub memory: Option<RequestMemory>,
}

/// What a service holds in memory on a server: `base_mb` whatever its
/// load (its process, caches), and `per_request_mb` for each invocation in
/// progress (buffers, a thread's stack and heap). A server takes no more
/// invocations than its memory holds; those beyond queue.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RequestMemory {
    pub per_request_mb: f64,
    pub base_mb: f64,
}

/// The invocations at once a server of `memory_mb` holds for `services`
/// (all that run on it), or None when none of them says what it takes.
/// Their bases add up; each place is sized for the largest request, so
/// that any mix fits. `Err` names what does not fit.
pub fn places_in_memory(memory_mb: f64, services: &[Service]) -> Option<Result<u64, String>> {
    let needs: Vec<(&str, RequestMemory)> = services
        .iter()
        .filter_map(|s| Some((s.name.as_str(), s.memory?)))
        .collect();
    if needs.is_empty() {
        return None;
    }
    let base: f64 = needs.iter().map(|(_, m)| m.base_mb).sum();
    let per = needs
        .iter()
        .map(|(_, m)| m.per_request_mb)
        .fold(0.0, f64::max);
    let left = memory_mb - base;
    if left < per || left <= 0.0 {
        let names: Vec<&str> = needs.iter().map(|(n, _)| *n).collect();
        return Some(Err(format!(
            "a server of {memory_mb} MB cannot hold one request: {} take{} {base} MB of base memory and {per} MB per request",
            names.join(", "),
            if names.len() == 1 { "s" } else { "" },
        )));
    }
    if per == 0.0 {
        return Some(Ok(u64::MAX));
    }
    Some(Ok((left / per).floor() as u64))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    pub service: usize,
    pub mode: CallMode,
}
