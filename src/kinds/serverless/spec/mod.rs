//! The `kind = "serverless"` architecture as resolved from the file: one
//! function per service, with the architecture's settings, each overridable
//! per function, and the platform's prices.

pub mod cloud_run;
pub mod keep_alive;
mod prices;

use crate::dist::Dist;
use crate::file_error::{ErrorContext, ScenarioError};
use crate::pricing::catalog::{Prices, ServerlessPricing, lambda_defaults as d};
use crate::pricing::entries::{Cpu, GatewayKind};
use crate::scenario::context::count;
use crate::scenario::kind::{Context, KeyGroup, Keys, KindSpec};
use crate::scenario::raw::{RawArchitecture, RawFunction, RawFunctionKeys, ServerlessPlatform};
use crate::scenario::service::Service;
pub use crate::scenario::values::IdleSelection;
use crate::scenario::values::{CpuName, GatewayName, ScaleRefill};
use crate::time::{SimTime, parse_memory_mb};
use serde::Serialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Clone, Debug)]
pub struct ServerlessSpec {
    /// One per service, in service order.
    pub functions: Vec<FunctionSpec>,
    /// Account-wide concurrent executions.
    pub concurrency_limit: u32,
    /// Overrides the mode of every call in the services' `calls`, so one
    /// scenario can compare an event-chained design with a synchronous one
    /// on the same requests.
    pub call_mode: Option<crate::scenario::values::CallMode>,
    pub gateway: GatewayKind,
    pub gateway_latency: SimTime,
    /// Apply the monthly free tier pro rata to the measured period.
    pub free_tier: bool,
    /// Cloud Run with `free_tier`: its free tier and the prices it saves.
    pub cloud_run_free: Option<crate::kinds::serverless::spec::cloud_run::FreeTier>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FunctionSpec {
    pub name: String,
    pub memory_mb: f64,
    pub cpu: Cpu,
    #[serde(skip)]
    pub cold_start: Dist,
    /// The fixed keep-alive, or the fallback of `hybrid`.
    #[serde(skip)]
    pub keep_alive: SimTime,
    /// The hybrid-histogram keep-alive policy, if chosen.
    #[serde(skip)]
    pub hybrid: Option<crate::kinds::serverless::spec::keep_alive::HybridSpec>,
    /// An on-demand instance this old is retired after its current
    /// invocation (environment recycling); `None`: never.
    #[serde(skip)]
    pub max_lifetime: Option<SimTime>,
    /// At most `scale_instances` new instances per `scale_per` window.
    pub scale_instances: u32,
    #[serde(skip)]
    pub scale_per: SimTime,
    /// How that allowance refills.
    #[serde(skip)]
    pub scale_refill: ScaleRefill,
    pub instance_concurrency: u32,
    pub idle_selection: IdleSelection,
    /// Added to every invocation of this function by another function.
    #[serde(skip)]
    pub hop_latency: SimTime,
    pub provisioned: u32,
    pub reserved_concurrency: Option<u32>,
    /// Cloud Run's maximum instances: a request that finds every instance
    /// at its concurrency and no room for another waits up to
    /// `pending_timeout` for a free slot, then fails (HTTP 429).
    #[serde(skip)]
    pub max_instances: Option<u32>,
    #[serde(skip)]
    pub pending_timeout: SimTime,
    pub pricing: ServerlessPricing,
    /// How instance time is billed beyond the per-invocation prices in
    /// `pricing` (Cloud Run); per invocation only for Lambda.
    #[serde(skip)]
    pub instance_billing: InstanceBilling,
    /// Cloud Run: the vCPUs of an instance, which the requests in
    /// progress on it share. None on Lambda (one request per environment,
    /// its CPU set by its memory).
    pub vcpus: Option<u32>,
    /// Cloud Run: its autoscaler's utilisation targets. None on Lambda,
    /// which starts an environment per invocation that finds none free.
    #[serde(skip)]
    pub autoscaling: Option<crate::kinds::serverless::spec::cloud_run::Autoscaling>,
}

/// Instance time billed for itself, not per invocation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum InstanceBilling {
    /// Lambda: each invocation's duration (in `pricing`).
    #[default]
    PerInvocation,
    /// Cloud Run request-based: while the instance serves at least one
    /// request, each such period rounded up to 100 ms, at this price per
    /// second.
    WhileServing { per_second: f64 },
    /// Cloud Run instance-based: from start to shutdown, per second.
    Lifetime { per_second: f64 },
}

impl FunctionSpec {
    /// CPU follows memory: a single-threaded handler needing `work` of CPU
    /// at one vCPU takes work × max(1, 1769 MB / memory).
    pub fn slowdown(&self) -> f64 {
        // Cloud Run sets CPU by `vcpus` (at least one), not by memory.
        if self.instance_billing != InstanceBilling::PerInvocation {
            return 1.0;
        }
        (d::MB_PER_VCPU / self.memory_mb).max(1.0)
    }

    pub fn memory_gb(&self) -> f64 {
        self.memory_mb / 1024.0
    }

    /// The vCPUs of an instance whose requests share them: a Cloud Run
    /// instance taking more requests at once than it has vCPUs.
    pub fn shared_vcpus(&self) -> Option<u32> {
        self.vcpus.filter(|&v| self.instance_concurrency > v)
    }
}

/// Where a function's settings come from: its own `functions.<name>` table
/// wins over the architecture's keys, which win over Lambda's defaults.
struct Layers<'a> {
    base: &'a RawFunctionKeys,
    over: &'a RawFunctionKeys,
    base_key: &'a str,
    over_key: &'a str,
}

impl<'a> Layers<'a> {
    /// The value of key `name` from the table that sets it, with the key
    /// path it came from, for messages.
    fn pick<T>(
        &self,
        name: &str,
        field: impl Fn(&'a RawFunctionKeys) -> &'a Option<T>,
    ) -> Option<(&'a T, String)> {
        match (field(self.over), field(self.base)) {
            (Some(x), _) => Some((x, format!("{}.{name}", self.over_key))),
            (None, Some(x)) => Some((x, format!("{}.{name}", self.base_key))),
            (None, None) => None,
        }
    }
}

macro_rules! pick {
    ($layers:expr, $f:ident) => {
        $layers.pick(stringify!($f), |k| &k.$f)
    };
}

/// One function's settings, before its per-function-only keys
/// (`provisioned`, `reserved_concurrency`).
fn resolve_function(
    service: &Service,
    layers: &Layers,
    ctx: &ErrorContext,
) -> Result<FunctionSpec, ScenarioError> {
    let memory_mb = memory_mb(service, layers, ctx)?;
    let cpu = match pick!(layers, cpu).map(|(c, _)| *c.get_ref()) {
        Some(CpuName::Arm64) => Cpu::Arm64,
        _ => Cpu::X86_64,
    };
    let cold_start = match pick!(layers, cold_start) {
        Some((c, _)) => c.get_ref().0.clone(),
        None => Dist::lognormal_from_median_p99(d::COLD_START_MEDIAN_S, d::COLD_START_P99_S)
            .expect("the default cold start is valid"),
    };
    let (keep_alive, hybrid) = crate::kinds::serverless::spec::keep_alive::resolve(
        pick!(layers, keep_alive),
        d::KEEP_ALIVE,
        ctx,
    )?;
    let max_lifetime = match pick!(layers, max_lifetime) {
        Some((l, key)) if l.get_ref().0 == SimTime::ZERO => {
            return Err(ctx.at(Some(l.span()), &key, "expected a max_lifetime > 0"));
        }
        l => l.map(|(l, _)| l.get_ref().0),
    };
    let (scale_instances, scale_per, scale_refill) = scale_rate(layers, ctx)?;
    let instance_concurrency = match pick!(layers, instance_concurrency) {
        None => 1,
        Some((c, key)) => count(&Some(c.clone()), &key, ctx, 1, 1)?,
    };
    Ok(FunctionSpec {
        name: service.name.clone(),
        memory_mb,
        cpu,
        cold_start,
        keep_alive,
        hybrid,
        max_lifetime,
        scale_instances,
        scale_per,
        scale_refill,
        instance_concurrency,
        idle_selection: pick!(layers, idle_selection)
            .map_or(IdleSelection::Mru, |(s, _)| *s.get_ref()),
        hop_latency: pick!(layers, hop_latency).map_or(d::HOP_LATENCY, |(h, _)| h.get_ref().0),
        provisioned: 0,
        reserved_concurrency: None,
        max_instances: match pick!(layers, max_instances) {
            None => None,
            Some((m, key)) => Some(count(&Some(m.clone()), &key, ctx, 1, 1)?),
        },
        pending_timeout: pick!(layers, pending_timeout).map_or(
            crate::kinds::serverless::spec::cloud_run::PENDING_TIMEOUT,
            |(p, _)| p.get_ref().0,
        ),
        // Priced by the caller, which knows the platform.
        pricing: ServerlessPricing::unpriced(),
        instance_billing: InstanceBilling::PerInvocation,
        vcpus: None,
        autoscaling: None,
    })
}

fn memory_mb(service: &Service, layers: &Layers, ctx: &ErrorContext) -> Result<f64, ScenarioError> {
    match pick!(layers, memory) {
        // A trace's per-function memory, unless this function sets its own.
        _ if layers.over.memory.is_none() && service.memory_mb.is_some() => {
            Ok(service.memory_mb.unwrap_or(d::MEMORY_MB))
        }
        None => Ok(service.assumed_memory_mb.unwrap_or(d::MEMORY_MB)),
        Some((m, key)) => {
            let mb = parse_memory_mb(m.get_ref()).map_err(|e| ctx.at(Some(m.span()), &key, e))?;
            if !(d::MIN_MEMORY_MB..=d::MAX_MEMORY_MB).contains(&mb) {
                return Err(ctx.at(
                    Some(m.span()),
                    &key,
                    format!(
                        "expected memory between 128MB and 10240MB, found {}",
                        m.get_ref()
                    ),
                ));
            }
            Ok(mb)
        }
    }
}

/// `scale_rate`: at most `instances` new instances per `per`, refilled
/// continuously (or per aligned window).
fn scale_rate(
    layers: &Layers,
    ctx: &ErrorContext,
) -> Result<(u32, SimTime, ScaleRefill), ScenarioError> {
    let Some((r, key)) = pick!(layers, scale_rate) else {
        return Ok((d::SCALE_INSTANCES, d::SCALE_PER, ScaleRefill::Continuous));
    };
    let r = r.get_ref();
    let n = count(
        &Some(r.instances.clone()),
        &format!("{key}.instances"),
        ctx,
        1,
        0,
    )?;
    if r.per.get_ref().0 == SimTime::ZERO {
        return Err(ctx.at(
            Some(r.per.span()),
            &format!("{key}.per"),
            "expected a window > 0",
        ));
    }
    Ok((n, r.per.get_ref().0, r.refill.unwrap_or_default()))
}

pub(crate) fn validate_serverless(
    a: &RawArchitecture,
    key: &str,
    services: &[Service],
    ctx: &ErrorContext,
    prices: &Prices,
) -> Result<ServerlessSpec, ScenarioError> {
    let concurrency_limit = count(
        &a.concurrency_limit,
        &format!("{key}.concurrency_limit"),
        ctx,
        1,
        d::CONCURRENCY_LIMIT,
    )?;
    let (gateway, gateway_latency) = gateway(a, key, ctx)?;
    prices::check_prices(a.pricing.as_ref(), key, ctx, prices)?;
    let cloud_run = a.platform.as_ref().map(|p| *p.get_ref()) == Some(ServerlessPlatform::CloudRun);
    let base = a.function_keys();
    let empty = BTreeMap::new();
    let overrides = a.functions.as_ref().map_or(&empty, |f| f.get_ref());
    check_function_names(overrides, key, services, ctx)?;
    let mut functions = Vec::with_capacity(services.len());
    for svc in services {
        let over = overrides.get(&svc.name).map(|f| f.get_ref());
        let over_key = format!("{key}.functions.{}", svc.name);
        let over_keys = over.map(|f| f.keys()).unwrap_or_default();
        let layers = Layers {
            base: &base,
            over: &over_keys,
            base_key: key,
            over_key: &over_key,
        };
        let own = over.and_then(|o| o.pricing.as_ref());
        if let Some(p) = own {
            prices::check_prices(Some(p), &over_key, ctx, prices)?;
            if p.get_ref().gateway_per_million.is_some() {
                return Err(ctx.at(
                    Some(p.span()),
                    &format!("{over_key}.pricing.gateway_per_million"),
                    "the API gateway is priced on the architecture, not per function",
                ));
            }
        }
        // A function's own `pricing` replaces the architecture's whole.
        let pricing = own.or(a.pricing.as_ref()).map(|p| p.get_ref());
        let mut f = resolve_function(svc, &layers, ctx)?;
        f.pricing = prices::pricing(f.cpu, gateway, pricing, !cloud_run, prices)
            .map_err(|m| ctx.at(Some(a.kind.span()), key, m))?;
        if let Some(o) = over {
            function_capacity(&mut f, o, &over_key, concurrency_limit, ctx)?;
        }
        functions.push(f);
    }
    let mut spec = ServerlessSpec {
        functions,
        concurrency_limit,
        call_mode: a.call_mode.as_ref().map(|m| *m.get_ref()),
        gateway,
        gateway_latency,
        free_tier: a.free_tier.as_ref().is_some_and(|f| *f.get_ref()),
        cloud_run_free: None,
    };
    crate::kinds::serverless::spec::cloud_run::apply(a, key, ctx, &mut spec, services, prices)?;
    Ok(spec)
}

/// The gateway in front of the functions and its latency (none without
/// a gateway).
fn gateway(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
) -> Result<(GatewayKind, SimTime), ScenarioError> {
    let gateway = match a.gateway.as_ref().map(|g| *g.get_ref()) {
        None | Some(GatewayName::None) => GatewayKind::None,
        Some(GatewayName::Http) => GatewayKind::Http,
        Some(GatewayName::Rest) => GatewayKind::Rest,
    };
    let latency = match (&a.gateway_latency, gateway) {
        (Some(l), GatewayKind::None) => {
            return Err(ctx.at(
                Some(l.span()),
                &format!("{key}.gateway_latency"),
                "`gateway_latency` needs a gateway: set gateway = \"http\" or \"rest\"",
            ));
        }
        (Some(l), _) => l.get_ref().0,
        (None, GatewayKind::None) => SimTime::ZERO,
        (None, _) => d::GATEWAY_LATENCY,
    };
    Ok((gateway, latency))
}

/// Every `functions.<name>` table must name a service: the functions are
/// the services.
fn check_function_names(
    overrides: &BTreeMap<String, Spanned<RawFunction>>,
    key: &str,
    services: &[Service],
    ctx: &ErrorContext,
) -> Result<(), ScenarioError> {
    for (name, f) in overrides {
        if !services.iter().any(|s| &s.name == name) {
            let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
            return Err(ctx.at(
                Some(f.span()),
                &format!("{key}.functions.{name}"),
                format!(
                    "unknown function \"{name}\"; the functions are the services: {}",
                    names.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// `provisioned` and `reserved_concurrency`, which only a function's own
/// table sets; provisioned instances must fit under its concurrency cap.
fn function_capacity(
    f: &mut FunctionSpec,
    o: &RawFunction,
    over_key: &str,
    concurrency_limit: u32,
    ctx: &ErrorContext,
) -> Result<(), ScenarioError> {
    f.provisioned = count(
        &o.provisioned,
        &format!("{over_key}.provisioned"),
        ctx,
        0,
        0,
    )?;
    f.reserved_concurrency = match &o.reserved_concurrency {
        None => None,
        Some(_) => Some(count(
            &o.reserved_concurrency,
            &format!("{over_key}.reserved_concurrency"),
            ctx,
            1,
            0,
        )?),
    };
    if let (Some(r), Some(raw)) = (f.reserved_concurrency, &o.reserved_concurrency)
        && r > concurrency_limit
    {
        return Err(ctx.at(
            Some(raw.span()),
            &format!("{over_key}.reserved_concurrency"),
            format!(
                "reserved_concurrency = {r} exceeds the account's concurrency limit of \
                 {concurrency_limit} (`concurrency_limit`)"
            ),
        ));
    }
    let cap = f.reserved_concurrency.unwrap_or(concurrency_limit);
    if f.provisioned > cap {
        return Err(ctx.at(
            o.provisioned.as_ref().map(|p| p.span()),
            &format!("{over_key}.provisioned"),
            format!(
                "provisioned = {} exceeds the function's concurrency cap of {cap}",
                f.provisioned
            ),
        ));
    }
    Ok(())
}

pub type Spec = ServerlessSpec;

impl KindSpec for ServerlessSpec {
    const KEYS: Keys = Keys {
        groups: &[KeyGroup::Function],
        keys: &[
            "concurrency_limit",
            "call_mode",
            "gateway",
            "gateway_latency",
            "free_tier",
            "platform",
            "billing",
            "vcpus",
            "functions",
        ],
    };

    fn validate(a: &RawArchitecture, key: &str, cx: &Context) -> Result<Self, ScenarioError> {
        validate_serverless(a, key, cx.shared.services, cx.ctx, cx.prices)
    }
}
