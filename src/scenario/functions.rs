//! The `kind = "serverless"` architecture as resolved from the file: one
//! function per service, with the architecture's settings, each overridable
//! per function, and the platform's prices.

use super::Service;
use super::error::{ErrorContext, ScenarioError};
use super::raw::{RawArchitecture, RawFunctionKeys};
pub use super::values::IdleSelection;
use super::values::{CpuName, GatewayName};
use crate::dist::Dist;
use crate::scenario::catalog::{self, Cpu, GatewayKind, ServerlessPricing, lambda_defaults as d};
use crate::time::{SimTime, parse_memory_mb};
use serde::Serialize;

#[derive(Clone, Debug)]
pub struct ServerlessSpec {
    /// One per service, in service order.
    pub functions: Vec<FunctionSpec>,
    /// Account-wide concurrent executions.
    pub concurrency_limit: u32,
    /// Overrides the mode of every call in the services' `calls`, so one
    /// scenario can compare an event-chained design with a synchronous one
    /// on the same requests.
    pub call_mode: Option<super::CallMode>,
    pub gateway: GatewayKind,
    pub gateway_latency: SimTime,
    /// Apply the monthly free tier pro rata to the measured period.
    pub free_tier: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct FunctionSpec {
    pub name: String,
    pub memory_mb: f64,
    pub cpu: Cpu,
    #[serde(skip)]
    pub cold_start: Dist,
    #[serde(skip)]
    pub keep_alive: SimTime,
    /// At most `scale_instances` new instances per `scale_per` window.
    pub scale_instances: u32,
    #[serde(skip)]
    pub scale_per: SimTime,
    pub instance_concurrency: u32,
    pub idle_selection: IdleSelection,
    /// Added to every invocation of this function by another function.
    #[serde(skip)]
    pub hop_latency: SimTime,
    pub provisioned: u32,
    pub reserved_concurrency: Option<u32>,
    pub pricing: ServerlessPricing,
}

impl FunctionSpec {
    /// CPU follows memory: a single-threaded handler needing `work` of CPU
    /// at one vCPU takes work × max(1, 1769 MB / memory).
    pub fn slowdown(&self) -> f64 {
        (d::MB_PER_VCPU / self.memory_mb).max(1.0)
    }

    pub fn memory_gb(&self) -> f64 {
        self.memory_mb / 1024.0
    }
}

pub(super) fn count(
    v: &Option<toml::Spanned<i64>>,
    key: &str,
    ctx: &ErrorContext,
    min: i64,
    default: u32,
) -> Result<u32, ScenarioError> {
    match v {
        None => Ok(default),
        Some(x) if *x.get_ref() >= min && *x.get_ref() <= u32::MAX as i64 => {
            Ok(*x.get_ref() as u32)
        }
        Some(x) => Err(ctx.at(
            Some(x.span()),
            key,
            format!("expected a whole number >= {min}, found {}", x.get_ref()),
        )),
    }
}

/// The function settings: `over` (per function) wins over `base` (the
/// architecture), which wins over Lambda's defaults.
#[allow(clippy::too_many_arguments)]
fn resolve_function(
    service: &Service,
    base: &RawFunctionKeys,
    over: &RawFunctionKeys,
    base_key: &str,
    over_key: &str,
    gateway: GatewayKind,
    pricing_override: Option<&super::raw::RawPricing>,
    ctx: &ErrorContext,
) -> Result<FunctionSpec, ScenarioError> {
    // Picks the override if set, with the key path it came from.
    macro_rules! pick {
        ($f:ident) => {
            match (&over.$f, &base.$f) {
                (Some(x), _) => Some((x, format!("{over_key}.{}", stringify!($f)))),
                (None, Some(x)) => Some((x, format!("{base_key}.{}", stringify!($f)))),
                (None, None) => None,
            }
        };
    }
    let memory_mb = match pick!(memory) {
        // A trace's per-function memory, unless this function sets its own.
        _ if over.memory.is_none() && service.memory_mb.is_some() => {
            service.memory_mb.unwrap_or(d::MEMORY_MB)
        }
        None => service.assumed_memory_mb.unwrap_or(d::MEMORY_MB),
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
            mb
        }
    };
    let cpu = match pick!(cpu).map(|(c, _)| *c.get_ref()) {
        Some(CpuName::Arm64) => Cpu::Arm64,
        _ => Cpu::X86_64,
    };
    let cold_start = match pick!(cold_start) {
        Some((c, _)) => c.get_ref().0.clone(),
        None => Dist::lognormal_from_median_p99(d::COLD_START_MEDIAN_S, d::COLD_START_P99_S)
            .expect("the default cold start is valid"),
    };
    let keep_alive = match pick!(keep_alive) {
        Some((k, key)) if k.get_ref().0 == SimTime::ZERO => {
            return Err(ctx.at(Some(k.span()), &key, "expected a keep-alive > 0"));
        }
        Some((k, _)) => k.get_ref().0,
        None => d::KEEP_ALIVE,
    };
    let (scale_instances, scale_per) = match pick!(scale_rate) {
        None => (d::SCALE_INSTANCES, d::SCALE_PER),
        Some((r, key)) => {
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
            (n, r.per.get_ref().0)
        }
    };
    let instance_concurrency = match pick!(instance_concurrency) {
        None => 1,
        Some((c, key)) => count(&Some(c.clone()), &key, ctx, 1, 1)?,
    };
    let idle_selection = pick!(idle_selection).map_or(IdleSelection::Mru, |(s, _)| *s.get_ref());
    let hop_latency = pick!(hop_latency).map_or(d::HOP_LATENCY, |(h, _)| h.get_ref().0);
    let mut pricing = catalog::lambda_pricing(cpu, gateway);
    if let Some(p) = pricing_override {
        let set = |field: &mut f64, v: Option<f64>| {
            if let Some(v) = v {
                *field = v;
            }
        };
        set(&mut pricing.request_per_million, p.request_per_million);
        set(&mut pricing.gb_second, p.gb_second);
        set(&mut pricing.provisioned_gb_second, p.provisioned_gb_second);
        set(
            &mut pricing.provisioned_execution_gb_second,
            p.provisioned_execution_gb_second,
        );
        set(&mut pricing.gateway_per_million, p.gateway_per_million);
        pricing.source = p.source.clone().unwrap_or_else(|| "scenario file".into());
        pricing.date = p.date.clone().unwrap_or_default();
    }
    Ok(FunctionSpec {
        name: service.name.clone(),
        memory_mb,
        cpu,
        cold_start,
        keep_alive,
        scale_instances,
        scale_per,
        instance_concurrency,
        idle_selection,
        hop_latency,
        provisioned: 0,
        reserved_concurrency: None,
        pricing,
    })
}

pub(super) fn validate_serverless(
    a: &RawArchitecture,
    key: &str,
    services: &[Service],
    ctx: &ErrorContext,
) -> Result<ServerlessSpec, ScenarioError> {
    let concurrency_limit = count(
        &a.concurrency_limit,
        &format!("{key}.concurrency_limit"),
        ctx,
        1,
        d::CONCURRENCY_LIMIT,
    )?;
    let gateway = match a.gateway.as_ref().map(|g| *g.get_ref()) {
        None | Some(GatewayName::None) => GatewayKind::None,
        Some(GatewayName::Http) => GatewayKind::Http,
        Some(GatewayName::Rest) => GatewayKind::Rest,
    };
    let gateway_latency = match (&a.gateway_latency, gateway) {
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
    if let Some(p) = &a.pricing {
        let p = p.get_ref();
        for (name, v) in [
            ("request_per_million", p.request_per_million),
            ("gb_second", p.gb_second),
            ("provisioned_gb_second", p.provisioned_gb_second),
            (
                "provisioned_execution_gb_second",
                p.provisioned_execution_gb_second,
            ),
            ("gateway_per_million", p.gateway_per_million),
        ] {
            if let Some(v) = v
                && !(v.is_finite() && v >= 0.0)
            {
                return Err(ctx.at(
                    a.pricing.as_ref().map(|p| p.span()),
                    &format!("{key}.pricing.{name}"),
                    format!("expected a price >= 0, found {v}"),
                ));
            }
        }
    }
    let base = a.function_keys();
    let empty = std::collections::BTreeMap::new();
    let overrides = a.functions.as_ref().map_or(&empty, |f| f.get_ref());
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
    let mut functions = Vec::with_capacity(services.len());
    for svc in services {
        let over = overrides.get(&svc.name);
        let over_key = format!("{key}.functions.{}", svc.name);
        let over_keys = over.map(|f| f.get_ref().keys()).unwrap_or_default();
        let mut f = resolve_function(
            svc,
            &base,
            &over_keys,
            key,
            &over_key,
            gateway,
            a.pricing.as_ref().map(|p| p.get_ref()),
            ctx,
        )?;
        if let Some(o) = over.map(|f| f.get_ref()) {
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
        }
        functions.push(f);
    }
    Ok(ServerlessSpec {
        functions,
        concurrency_limit,
        call_mode: a.call_mode.as_ref().map(|m| *m.get_ref()),
        gateway,
        gateway_latency,
        free_tier: a.free_tier.as_ref().is_some_and(|f| *f.get_ref()),
    })
}
