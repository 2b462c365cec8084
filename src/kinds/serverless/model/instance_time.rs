//! Instance time billed for itself (Cloud Run), not per invocation: each
//! period an instance serves at least one request, rounded up to 100 ms
//! (request-based), or its whole life (instance-based). Only time inside
//! the measured period counts, as for a fleet's servers.

use crate::kinds::serverless::model::ServerlessModel;
use crate::kinds::serverless::spec::{InstanceBilling, ServerlessSpec};
use crate::results::summary::PriceNote;
use crate::time::SimTime;

/// Cloud Run rounds billable instance time up to 100 ms.
const ROUNDING_NANOS: u64 = 100_000_000;

impl ServerlessModel {
    /// Instance `id` served from its `busy_since` until `now`, when its
    /// last request ended.
    #[inline]
    pub(super) fn bill_serving(&mut self, id: u32, now: SimTime) {
        let i = self.instances[id as usize];
        let f = &self.functions[i.func as usize];
        let InstanceBilling::WhileServing { per_second } = f.spec.instance_billing else {
            return;
        };
        // A period is billed when it ends, whole, if it ends in the
        // measured period (as an invocation is).
        if !self.counted(now) {
            return;
        }
        let nanos = (now - i.busy_since).as_nanos().div_ceil(ROUNDING_NANOS) * ROUNDING_NANOS;
        self.add_instance_cost(i.func, nanos as f64 / 1e9 * per_second);
    }

    /// Instance `id` stops at `now`: its life inside the measured period.
    #[inline]
    pub(super) fn bill_lifetime(&mut self, id: u32, now: SimTime) {
        let i = self.instances[id as usize];
        let f = &self.functions[i.func as usize];
        let InstanceBilling::Lifetime { per_second } = f.spec.instance_billing else {
            return;
        };
        let seconds = now.saturating_sub(i.started.max(self.warmup)).as_secs_f64();
        self.add_instance_cost(i.func, seconds * per_second);
    }

    /// At the end of the run: instances still serving are billed for the
    /// period so far, and every instance still up for its life so far.
    pub(super) fn bill_open_instances(&mut self, end: SimTime) {
        for id in 0..self.instances.len() as u32 {
            let i = self.instances[id as usize];
            if !i.alive {
                continue;
            }
            if i.active > 0 {
                self.bill_serving(id, end);
            }
            self.bill_lifetime(id, end);
        }
    }

    fn add_instance_cost(&mut self, func: u32, usd: f64) {
        self.functions[func as usize].compute_usd += usd;
        self.stats.add_cost(usd);
    }
}

/// The prices of a Cloud Run bill: each function's instance time per
/// second (vCPUs and memory together) and the request fee; `None` for
/// Lambda.
pub(super) fn price_notes(spec: &ServerlessSpec) -> Option<Vec<PriceNote>> {
    let mut notes = Vec::new();
    for f in &spec.functions {
        let (mode, per_second) = match f.instance_billing {
            InstanceBilling::PerInvocation => return None,
            InstanceBilling::WhileServing { per_second } => ("request-based", per_second),
            InstanceBilling::Lifetime { per_second } => ("instance-based", per_second),
        };
        notes.push(PriceNote {
            item: format!("Cloud Run instance time, {mode} ({})", f.name),
            price_usd: per_second,
            unit: "instance-second".into(),
            source: f.pricing.source.clone(),
            date: f.pricing.date.clone(),
        });
    }
    let p = &spec.functions[0].pricing;
    if p.request_per_million > 0.0 {
        notes.push(PriceNote {
            item: "Cloud Run requests".into(),
            price_usd: p.request_per_million,
            unit: "million requests".into(),
            source: p.source.clone(),
            date: p.date.clone(),
        });
    }
    Some(notes)
}
