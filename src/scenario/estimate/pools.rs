//! How many servers or serverless instances one architecture may hold at
//! once, and the key that drives it: their records are memory a run
//! holds, like its time series and its queue.
//!
//! A fixed fleet holds no record per server (only the number of its
//! slots), so only autoscaled groups (at their `max`), fleets on spot
//! and serverless functions count. A spot server's record outlives it
//! (records are never reused: events name servers by index), so a spot
//! fleet holds its servers plus one record per replacement: twice the
//! expected number of interruptions (servers × duration / mean time
//! between interruptions) plus the listed ones. A function holds its provisioned instances from the
//! start, and about as many on-demand instances as its peak rate keeps
//! busy (an idle one is reused before a new one starts): the peak rate ×
//! (busy time + cold start) by Little's law, doubled for fluctuations,
//! within its concurrency cap and the account's `concurrency_limit`.

use super::Estimated;
use crate::scenario::{ArchitectureSpec, Scenario};

/// One server of an autoscaled pool: its record, its index among the
/// available servers and its boot timer in the event queue.
pub(super) const SERVER_BYTES: f64 = 64.0;
/// One serverless instance: its record, its idle-list and heap entries and
/// its expiry timer.
pub(super) const INSTANCE_BYTES: f64 = 128.0;

/// The largest pool of one architecture.
#[derive(Clone, Debug, PartialEq)]
pub struct Pool {
    /// Servers or instances it may hold at once.
    pub count: f64,
    /// `"servers"` or `"instances"`.
    pub what: &'static str,
    pub architecture: String,
    /// The key that sets the count, as an error names it.
    pub key: String,
}

impl Pool {
    pub fn bytes(&self) -> f64 {
        self.count
            * match self.what {
                "servers" => SERVER_BYTES,
                _ => INSTANCE_BYTES,
            }
    }
}

/// The architecture whose servers or instances take the most memory.
pub(super) fn largest(s: &Scenario) -> Option<Pool> {
    s.architectures
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let key = format!("architectures[{i}]");
            let (count, what, key) =
                crate::dispatch!(ArchitectureSpec, &a.spec, x => x.pool(s, &key))?;
            Some(Pool {
                count,
                what,
                architecture: a.name.clone(),
                key,
            })
        })
        .max_by(|x, y| x.bytes().total_cmp(&y.bytes()))
}
