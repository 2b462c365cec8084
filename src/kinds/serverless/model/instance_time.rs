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
        self.add_instance_cost(i.func, nanos as f64 / 1e9, per_second);
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
        self.add_instance_cost(i.func, seconds, per_second);
    }

    /// At the end of the run: instances still serving are billed for the
    /// period so far, and every instance still up for its life so far.
    pub(super) fn bill_open_instances(&mut self, end: SimTime) {
        for id in 0..self.instances.len() as u32 {
            let i = self.instances[id as usize];
            if !i.alive {
                continue;
            }
            // An instance still starting is billed for its start so far,
            // as request-based billing bills startup.
            if i.active > 0 || i.starting {
                self.bill_serving(id, end);
            }
            self.bill_lifetime(id, end);
        }
    }

    fn add_instance_cost(&mut self, func: u32, seconds: f64, per_second: f64) {
        let usd = seconds * per_second;
        let f = &mut self.functions[func as usize];
        f.compute_usd += usd;
        f.instance_seconds += seconds;
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

/// Cloud Run's monthly free tier, pro rata to the measured period, taken
/// off the compute (vCPU-seconds and GiB-seconds of billed instance time,
/// each at its price) and request charges.
pub(super) fn apply_cloud_run_free_tier(
    total: &mut crate::pricing::cost::CostBreakdown,
    tier: &crate::kinds::serverless::spec::cloud_run::FreeTier,
    used: (f64, f64, u64),
    measured_s: f64,
) {
    let share = measured_s / (crate::pricing::cost::HOURS_PER_MONTH * 3600.0);
    let (vcpu_s, gib_s, requests) = used;
    let free_vcpu = (tier.free.vcpu_seconds * share).min(vcpu_s);
    let free_gib = (tier.free.gib_seconds * share).min(gib_s);
    total.compute_usd -= free_vcpu * tier.vcpu_second + free_gib * tier.gib_second;
    let free_requests = (tier.free.requests * share).min(requests as f64);
    total.requests_usd -= free_requests * tier.request;
}
