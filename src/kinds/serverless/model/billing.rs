//! What a serverless run costs and reports: per-invocation billing, the
//! closing of a run (invocations still running, provisioned concurrency,
//! the free tier) and the serverless kind's outcome with its price notes.

use crate::architectures::{Kind, Outcome};
use crate::kinds::serverless::model::{Function, NIL, ServerlessModel};
use crate::kinds::serverless::results::{
    AutoscalerResult, ColdStartCauses, FunctionResult, ServerlessResult,
};
use crate::kinds::serverless::spec::ServerlessSpec;
use crate::pricing::cost::CostBreakdown;
use crate::pricing::entries::Cpu;
use crate::results::stats::RunStats;
use crate::results::summary::{KindResult, LevelSummary, PriceNote};
use crate::scenario::Scenario;
use crate::time::SimTime;

impl ServerlessModel {
    /// Bills one invocation that ran for `ran`: its duration rounded up to
    /// the millisecond times its memory, at the on-demand or provisioned
    /// rate, plus the request fee; into the results if `counted`.
    pub(super) fn bill(&mut self, func: u32, provisioned: bool, ran: SimTime, counted: bool) {
        let f = &mut self.functions[func as usize];
        let ms = ran.as_nanos().div_ceil(1_000_000);
        let gb_seconds = ms as f64 / 1e3 * f.spec.memory_gb();
        let rate = if provisioned {
            f.spec.pricing.provisioned_execution_gb_second
        } else {
            f.spec.pricing.gb_second
        };
        let request = f.spec.pricing.request_per_million / 1e6;
        if counted {
            f.billed_gb_seconds += gb_seconds;
            if !provisioned {
                f.on_demand_gb_seconds += gb_seconds;
            }
            f.billed_invocations += 1;
            f.compute_usd += gb_seconds * rate;
            f.requests_usd += request;
        }
        self.stats.add_cost(gb_seconds * rate + request);
    }

    /// Closes the run at `end`: statistics, per-function results and cost.
    pub fn finish(mut self, end: SimTime, spec: &ServerlessSpec) -> ServerlessRun {
        let warmup = self.warmup;
        // Invocations still running at the end have been billed for what
        // ran inside the run, as a fleet's servers are: the run's cost
        // should not depend on whether its last invocations happened to
        // end just before or just after it.
        let running: Vec<(u32, bool, SimTime)> = self
            .calls
            .invocations
            .live()
            .filter(|v| v.holder != NIL)
            .map(|v| {
                let provisioned = self.instances[v.holder as usize].provisioned;
                (self.calls.target(v.node), provisioned, end - v.start)
            })
            .collect();
        for (func, provisioned, ran) in running {
            self.bill(func, provisioned, ran, self.counted(end));
        }
        self.bill_open_instances(end);
        self.end_prewarms(end);
        let in_flight = self.calls.in_flight(warmup);
        let measured_s = (end - warmup).as_secs_f64();
        let provisioned_s = measured_s + provisioned_top_up(end).as_secs_f64();
        apply_tiers(&mut self.functions, measured_s);
        let mut functions = Vec::with_capacity(self.functions.len());
        let mut total = CostBreakdown {
            gateway_usd: self.gateway_usd,
            provisioned_usd: self.provisioned_rate * provisioned_s,
            ..Default::default()
        };
        let mut idle_gb_seconds = 0.0;
        // Reported (for every function, so the causes add up to the
        // architecture's cold starts) only where recycling is set, so
        // other outputs stay as they were.
        let by_cause = self.functions.iter().any(|f| f.spec.max_lifetime.is_some());
        // Refusals by limit are reported only when the totals do not
        // already tell them: when some refusal was asynchronous or by
        // another limit than the account's concurrency limit.
        if self.functions.iter().all(|f| f.refused.told_by_totals()) {
            for f in &mut self.functions {
                f.refused = Default::default();
            }
        }
        for f in &mut self.functions {
            let idle = f.idle_level.summary(end, warmup);
            let idle_gb_s = idle.mean * measured_s * f.spec.memory_gb();
            idle_gb_seconds += idle_gb_s;
            let cost = CostBreakdown {
                compute_usd: f.compute_usd,
                requests_usd: f.requests_usd,
                provisioned_usd: f.spec.provisioned as f64
                    * f.spec.memory_gb()
                    * f.spec.pricing.provisioned_gb_second
                    * provisioned_s,
                ..Default::default()
            };
            total.compute_usd += cost.compute_usd;
            total.requests_usd += cost.requests_usd;
            functions.push(FunctionResult {
                name: f.spec.name.clone(),
                memory_mb: f.spec.memory_mb,
                invocations: f.invocations,
                cold_starts: f.cold_starts,
                throttled: f.throttled,
                async_throttled: f.async_throttled,
                cold_starts_by_cause: by_cause.then_some(f.causes),
                refused_by: f.refused,
                instances: f.instances_level.summary(end, warmup),
                provisioned: f.spec.provisioned,
                idle_gb_seconds: idle_gb_s,
                billed_gb_seconds: f.billed_gb_seconds,
                waiting_gb_seconds: f.waiting_gb_seconds,
                billed_invocations: f.billed_invocations,
                cost,
                autoscaler: f.scaling.as_deref_mut().map(|s| AutoscalerResult {
                    in_rotation: s.wanted.summary(end, warmup),
                    started: s.started,
                }),
            });
        }
        match &spec.cloud_run_free {
            Some(tier) => {
                let used = self.functions.iter().fold((0.0, 0.0, 0), |(v, g, r), f| {
                    let s = f.instance_seconds;
                    let vcpus = f64::from(f.spec.vcpus.unwrap_or(1));
                    (
                        v + s * vcpus,
                        g + s * f.spec.memory_gb(),
                        r + f.billed_invocations,
                    )
                });
                super::instance_time::apply_cloud_run_free_tier(&mut total, tier, used, measured_s);
            }
            None if spec.free_tier => apply_free_tier(&mut total, &functions, measured_s),
            None => {}
        }
        let instances = self.total_level.summary(end, warmup);
        let stats = self.stats.finish(end, in_flight);
        ServerlessRun {
            cold_completed: self.cold_completed,
            instances,
            idle_gb_seconds,
            functions,
            cost: total,
            stats,
        }
    }
}

/// Lambda bills provisioned concurrency "from the time you enable it on
/// your function until it is disabled, rounded up to the nearest 5
/// minutes" (AWS Lambda pricing). Here it is enabled at time 0 and
/// disabled when the run ends, so its billed time is the run's duration
/// rounded up to 5 minutes; the rounding is charged when it is disabled,
/// inside the measured period (as a server's per-second rounding is).
pub(super) fn provisioned_top_up(end: SimTime) -> SimTime {
    const STEP: u64 = 300 * crate::time::NANOS_PER_SEC;
    SimTime(end.as_nanos().div_ceil(STEP) * STEP) - end
}

/// The lower duration prices above 6 and 15 billion GB-s a month. AWS
/// counts a month's volume per account, region and processor; a run is a
/// slice of a month, so the tiers apply to its monthly-equivalent volume
/// (the measured GB-s × 730 h / the measured period) and the saving is
/// scaled back to the period. Functions of one processor share the
/// volume and the saving, pro rata to their own on-demand GB-s.
fn apply_tiers(functions: &mut [Function], measured_s: f64) {
    if measured_s <= 0.0 {
        return;
    }
    let month = crate::pricing::cost::HOURS_PER_MONTH * 3600.0 / measured_s;
    for cpu in [Cpu::X86_64, Cpu::Arm64] {
        let group = || functions.iter().filter(|f| f.spec.cpu == cpu);
        if group().next().is_none() {
            continue;
        }
        let volume: f64 = group().map(|f| f.on_demand_gb_seconds).sum();
        let monthly = volume * month;
        // The volume is shared; each function saves at its own rates (a
        // function on its own Savings Plan has its own discounted tiers).
        for f in functions.iter_mut().filter(|f| f.spec.cpu == cpu) {
            let pricing = &f.spec.pricing;
            let mut saving = 0.0;
            for (i, &(above, price)) in pricing.tiers.iter().enumerate() {
                let upto = pricing.tiers.get(i + 1).map_or(f64::INFINITY, |t| t.0);
                let in_tier = (monthly.min(upto) - above).max(0.0);
                saving += in_tier * (pricing.gb_second - price);
            }
            if saving <= 0.0 {
                continue;
            }
            let saving = saving / month;
            f.compute_usd -= saving * f.on_demand_gb_seconds / volume;
        }
    }
}

/// The monthly free tier (1 M requests, 400,000 GB-s), pro rata to the
/// measured period, taken off the request and compute charges.
fn apply_free_tier(total: &mut CostBreakdown, functions: &[FunctionResult], measured_s: f64) {
    use crate::pricing::catalog::lambda_defaults as d;
    let share = measured_s / (crate::pricing::cost::HOURS_PER_MONTH * 3600.0);
    let requests: u64 = functions.iter().map(|f| f.billed_invocations).sum();
    let gb_seconds: f64 = functions.iter().map(|f| f.billed_gb_seconds).sum();
    if requests > 0 {
        let per_request = total.requests_usd / requests as f64;
        let free = (d::FREE_REQUESTS_PER_MONTH * share).min(requests as f64);
        total.requests_usd -= free * per_request;
    }
    if gb_seconds > 0.0 {
        let per_gb_s = total.compute_usd / gb_seconds;
        let free = (d::FREE_GB_SECONDS_PER_MONTH * share).min(gb_seconds);
        total.compute_usd -= free * per_gb_s;
    }
}

/// What a finished serverless run hands to the summary.
pub struct ServerlessRun {
    /// Completed (counted) requests that met a cold start.
    pub cold_completed: u64,
    pub instances: LevelSummary,
    pub idle_gb_seconds: f64,
    pub functions: Vec<FunctionResult>,
    pub cost: CostBreakdown,
    pub stats: RunStats,
}

impl Kind for ServerlessSpec {
    type Model = ServerlessModel;

    fn build(&self, scenario: &Scenario, replication: u32) -> ServerlessModel {
        ServerlessModel::new(scenario, self, replication)
    }

    fn finish(&self, scenario: &Scenario, model: ServerlessModel) -> Outcome {
        let run = model.finish(scenario.duration, self);
        let stats = run.stats;
        // Executions over instance capacity (instances × per-instance slots).
        let slots: f64 = run
            .functions
            .iter()
            .zip(&self.functions)
            .map(|(r, f)| r.instances.mean * f.instance_concurrency as f64)
            .sum();
        let busy = stats.mean_level(stats.measured_areas.busy);
        let c = stats.counts;
        let details = ServerlessResult {
            cold_starts: run.functions.iter().map(|f| f.cold_starts).sum(),
            cold_start_fraction: if c.completed > 0 {
                run.cold_completed as f64 / c.completed as f64
            } else {
                0.0
            },
            throttled: run.functions.iter().map(|f| f.throttled).sum(),
            async_throttled: run.functions.iter().map(|f| f.async_throttled).sum(),
            instances: run.instances,
            idle_gb_seconds: run.idle_gb_seconds,
            cold_starts_by_cause: by_cause(&run.functions),
            functions: run.functions,
        };
        Outcome {
            stats,
            servers: run.instances.peak as u32,
            instance: format!("{} function(s)", self.functions.len()),
            utilization: if slots > 0.0 { busy / slots } else { 0.0 },
            cost: run.cost,
            prices: price_notes(self),
            spot: None,
            details: KindResult::Serverless(details),
        }
    }
}

/// The architecture's cold starts by cause, if its functions report them.
fn by_cause(functions: &[FunctionResult]) -> Option<ColdStartCauses> {
    let mut any = None;
    for f in functions {
        if let Some(c) = f.cold_starts_by_cause {
            *any.get_or_insert_with(ColdStartCauses::default) += c;
        }
    }
    any
}

/// The prices a serverless bill used: each distinct duration price, the
/// invocation fee, and provisioned concurrency and the gateway if used.
fn price_notes(spec: &ServerlessSpec) -> Vec<PriceNote> {
    let note = |item: String,
                price_usd: f64,
                unit: &str,
                p: &crate::pricing::catalog::ServerlessPricing| {
        PriceNote {
            item,
            price_usd,
            unit: unit.into(),
            source: p.source.clone(),
            date: p.date.clone(),
        }
    };
    let mut prices = Vec::new();
    if let Some(notes) = crate::kinds::serverless::model::instance_time::price_notes(spec) {
        return notes;
    }
    let mut seen = Vec::new();
    for f in &spec.functions {
        let p = &f.pricing;
        let key = (f.cpu, p.gb_second.to_bits());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        prices.push(note(
            format!("function duration ({:?})", f.cpu),
            p.gb_second,
            "GB-second",
            p,
        ));
    }
    let p = &spec.functions[0].pricing;
    if let Some(plan) = &p.savings_plan {
        // Priced as the duration rate it gives, since reports show every
        // price in dollars; the discount is in the item.
        prices.push(PriceNote {
            item: format!(
                "Compute Savings Plan {}, upfront {}: {} % off duration and provisioned concurrency",
                plan.name,
                plan.upfront.name(),
                (plan.discount * 1000.0).round() / 10.0
            ),
            price_usd: p.gb_second,
            unit: "GB-second".into(),
            source: plan.source.clone(),
            date: plan.date.clone(),
        });
    }
    // Functions with a `pricing` of their own: their plan and request fee
    // where they differ from the first function's.
    let mut plans_seen = Vec::new();
    for f in &spec.functions[1..] {
        let q = &f.pricing;
        let plan = |x: &crate::pricing::catalog::ServerlessPricing| {
            x.savings_plan
                .as_ref()
                .map(|s| (s.name.clone(), s.upfront.name(), s.discount.to_bits()))
        };
        if let Some(s) = &q.savings_plan
            && plan(q) != plan(p)
            && !plans_seen.contains(&(plan(q), f.cpu))
        {
            plans_seen.push((plan(q), f.cpu));
            prices.push(PriceNote {
                item: format!(
                    "Compute Savings Plan {}, upfront {}, for function {}: {} % off duration and provisioned concurrency",
                    s.name,
                    s.upfront.name(),
                    f.name,
                    (s.discount * 1000.0).round() / 10.0
                ),
                price_usd: q.gb_second,
                unit: "GB-second".into(),
                source: s.source.clone(),
                date: s.date.clone(),
            });
        }
    }
    prices.push(note(
        "function invocations".into(),
        p.request_per_million,
        "million requests",
        p,
    ));
    for f in &spec.functions[1..] {
        let q = &f.pricing;
        if q.request_per_million != p.request_per_million {
            prices.push(note(
                format!("function invocations ({})", f.name),
                q.request_per_million,
                "million requests",
                q,
            ));
        }
    }
    if spec.functions.iter().any(|f| f.provisioned > 0) {
        prices.push(note(
            "provisioned concurrency".into(),
            p.provisioned_gb_second,
            "GB-second",
            p,
        ));
    }
    if p.gateway_per_million > 0.0 {
        // Its own entry's source: not always the file of the functions'.
        prices.push(PriceNote {
            item: format!("API gateway ({:?})", spec.gateway),
            price_usd: p.gateway_per_million,
            unit: "million requests".into(),
            source: p.gateway_source.clone(),
            date: p.gateway_date.clone(),
        });
    }
    prices
}
