//! The scenario file as written: serde structs that mirror the TOML, with
//! unknown keys denied. Values that can be checked on their own (durations,
//! distributions, instance types, sizes) are checked while deserializing, so
//! that the TOML parser attaches the exact line to the error; checks that
//! need the whole file happen in `validate`.

use super::demand::RawDemand;
use super::values::{
    CallMode, CpuName, DistSpec, Dur, GatewayName, IdleSelection, InstanceSpec, Kind, Metric,
    Servers,
};
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: String,
    pub duration: Spanned<Dur>,
    pub warmup: Option<Spanned<Dur>>,
    #[serde(default)]
    pub seed: u64,
    pub window: Option<Spanned<Dur>>,
    pub demand: Spanned<RawDemand>,
    #[serde(default)]
    pub services: Vec<RawService>,
    pub architectures: Vec<RawArchitecture>,
    pub slo: Option<super::slo::RawSlo>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    pub name: Spanned<String>,
    pub work: DistSpec,
    #[serde(default)]
    pub calls: Vec<RawCall>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCall {
    pub service: Spanned<String>,
    #[serde(default = "default_mode")]
    pub mode: CallMode,
}

fn default_mode() -> CallMode {
    CallMode::Sync
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArchitecture {
    pub name: Spanned<String>,
    pub kind: Spanned<Kind>,
    pub servers: Option<Spanned<Servers>>,
    pub instance: Option<InstanceSpec>,
    pub queue_limit: Option<Spanned<i64>>,
    pub timeout: Option<Spanned<Dur>>,
    // Serverless keys; the first eight may also appear per function under
    // `functions` (see `RawFunctionKeys`).
    pub memory: Option<Spanned<String>>,
    pub cpu: Option<Spanned<CpuName>>,
    pub cold_start: Option<Spanned<DistSpec>>,
    pub keep_alive: Option<Spanned<Dur>>,
    pub scale_rate: Option<Spanned<RawScaleRate>>,
    pub instance_concurrency: Option<Spanned<i64>>,
    pub idle_selection: Option<Spanned<IdleSelection>>,
    pub hop_latency: Option<Spanned<Dur>>,
    pub concurrency_limit: Option<Spanned<i64>>,
    pub call_mode: Option<Spanned<CallMode>>,
    pub gateway: Option<Spanned<GatewayName>>,
    pub gateway_latency: Option<Spanned<Dur>>,
    pub free_tier: Option<Spanned<bool>>,
    pub pricing: Option<Spanned<RawPricing>>,
    pub functions: Option<Spanned<std::collections::BTreeMap<String, Spanned<RawFunction>>>>,
    // Autoscaled keys.
    pub min: Option<Spanned<i64>>,
    pub max: Option<Spanned<i64>>,
    pub initial: Option<Spanned<i64>>,
    pub policy: Option<Spanned<RawPolicy>>,
    pub evaluation: Option<Spanned<Dur>>,
    pub boot_time: Option<Spanned<DistSpec>>,
    pub scale_out_cooldown: Option<Spanned<Dur>>,
    pub scale_in_cooldown: Option<Spanned<Dur>>,
    pub tolerance: Option<Spanned<f64>>,
    pub scheduled: Option<Spanned<Vec<RawScheduled>>>,
    // Microservices: one fleet per service.
    pub services: Option<Spanned<std::collections::BTreeMap<String, Spanned<RawServiceFleet>>>>,
}

/// `[architectures.services.<name>]`: the fleet one service runs on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServiceFleet {
    pub kind: Option<Spanned<Kind>>,
    pub servers: Option<Spanned<Servers>>,
    pub instance: Option<InstanceSpec>,
    pub queue_limit: Option<Spanned<i64>>,
    pub min: Option<Spanned<i64>>,
    pub max: Option<Spanned<i64>>,
    pub initial: Option<Spanned<i64>>,
    pub policy: Option<Spanned<RawPolicy>>,
    pub evaluation: Option<Spanned<Dur>>,
    pub boot_time: Option<Spanned<DistSpec>>,
    pub scale_out_cooldown: Option<Spanned<Dur>>,
    pub scale_in_cooldown: Option<Spanned<Dur>>,
    pub tolerance: Option<Spanned<f64>>,
    pub scheduled: Option<Spanned<Vec<RawScheduled>>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub metric: Metric,
    pub target: Spanned<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScheduled {
    /// Time of day, "HH:MM".
    pub at: Spanned<String>,
    pub min: Spanned<i64>,
}

impl RawArchitecture {
    /// The architecture one service of a `microservices` architecture runs
    /// on: its own table's keys, else the architecture's, as a fleet or
    /// autoscaled architecture of its own.
    pub fn for_service(
        &self,
        name: &str,
        svc: Option<&Spanned<RawServiceFleet>>,
    ) -> RawArchitecture {
        let span = svc.map_or(self.kind.span(), |s| s.span());
        let none = RawServiceFleet {
            kind: None,
            servers: None,
            instance: None,
            queue_limit: None,
            min: None,
            max: None,
            initial: None,
            policy: None,
            evaluation: None,
            boot_time: None,
            scale_out_cooldown: None,
            scale_in_cooldown: None,
            tolerance: None,
            scheduled: None,
        };
        let v = svc.map_or(&none, |s| s.get_ref());
        let kind = v
            .kind
            .clone()
            .unwrap_or_else(|| Spanned::new(span.clone(), Kind::Fleet));
        RawArchitecture {
            name: Spanned::new(span, name.to_string()),
            // The architecture's `servers` is the default of fixed fleets only.
            servers: v.servers.clone().or_else(|| {
                (*kind.get_ref() == Kind::Fleet)
                    .then(|| self.servers.clone())
                    .flatten()
            }),
            instance: v.instance.clone().or_else(|| self.instance.clone()),
            queue_limit: v.queue_limit.clone().or_else(|| self.queue_limit.clone()),
            timeout: None,
            memory: None,
            cpu: None,
            cold_start: None,
            keep_alive: None,
            scale_rate: None,
            instance_concurrency: None,
            idle_selection: None,
            hop_latency: None,
            concurrency_limit: None,
            call_mode: None,
            gateway: None,
            gateway_latency: None,
            free_tier: None,
            pricing: None,
            functions: None,
            min: v.min.clone(),
            max: v.max.clone(),
            initial: v.initial.clone(),
            policy: v.policy.clone(),
            evaluation: v.evaluation.clone(),
            boot_time: v.boot_time.clone(),
            scale_out_cooldown: v.scale_out_cooldown.clone(),
            scale_in_cooldown: v.scale_in_cooldown.clone(),
            tolerance: v.tolerance.clone(),
            scheduled: v.scheduled.clone(),
            services: None,
            kind,
        }
    }

    /// The serverless keys set for every function.
    pub fn function_keys(&self) -> RawFunctionKeys {
        RawFunctionKeys {
            memory: self.memory.clone(),
            cpu: self.cpu.clone(),
            cold_start: self.cold_start.clone(),
            keep_alive: self.keep_alive.clone(),
            scale_rate: self.scale_rate.clone(),
            instance_concurrency: self.instance_concurrency.clone(),
            idle_selection: self.idle_selection.clone(),
            hop_latency: self.hop_latency.clone(),
        }
    }
}

/// The serverless keys that an architecture sets for every function and a
/// `functions.<name>` table may override.
#[derive(Debug, Default, Clone)]
pub struct RawFunctionKeys {
    pub memory: Option<Spanned<String>>,
    pub cpu: Option<Spanned<CpuName>>,
    pub cold_start: Option<Spanned<DistSpec>>,
    pub keep_alive: Option<Spanned<Dur>>,
    pub scale_rate: Option<Spanned<RawScaleRate>>,
    pub instance_concurrency: Option<Spanned<i64>>,
    pub idle_selection: Option<Spanned<IdleSelection>>,
    pub hop_latency: Option<Spanned<Dur>>,
}

impl RawFunctionKeys {
    /// The keys that were given, with where.
    pub fn present(&self) -> Vec<(&'static str, std::ops::Range<usize>)> {
        let mut v = Vec::new();
        macro_rules! key {
            ($f:ident) => {
                if let Some(x) = &self.$f {
                    v.push((stringify!($f), x.span()));
                }
            };
        }
        key!(memory);
        key!(cpu);
        key!(cold_start);
        key!(keep_alive);
        key!(scale_rate);
        key!(instance_concurrency);
        key!(idle_selection);
        key!(hop_latency);
        v
    }
}

/// A `functions.<name>` table: overrides plus per-function settings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFunction {
    pub memory: Option<Spanned<String>>,
    pub cpu: Option<Spanned<CpuName>>,
    pub cold_start: Option<Spanned<DistSpec>>,
    pub keep_alive: Option<Spanned<Dur>>,
    pub scale_rate: Option<Spanned<RawScaleRate>>,
    pub instance_concurrency: Option<Spanned<i64>>,
    pub idle_selection: Option<Spanned<IdleSelection>>,
    pub hop_latency: Option<Spanned<Dur>>,
    pub provisioned: Option<Spanned<i64>>,
    pub reserved_concurrency: Option<Spanned<i64>>,
}

impl RawFunction {
    /// The overridable keys, in the architecture-level shape.
    pub fn keys(&self) -> RawFunctionKeys {
        RawFunctionKeys {
            memory: self.memory.clone(),
            cpu: self.cpu.clone(),
            cold_start: self.cold_start.clone(),
            keep_alive: self.keep_alive.clone(),
            scale_rate: self.scale_rate.clone(),
            instance_concurrency: self.instance_concurrency.clone(),
            idle_selection: self.idle_selection.clone(),
            hop_latency: self.hop_latency.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScaleRate {
    pub instances: Spanned<i64>,
    pub per: Spanned<Dur>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPricing {
    pub request_per_million: Option<f64>,
    pub gb_second: Option<f64>,
    pub provisioned_gb_second: Option<f64>,
    pub provisioned_execution_gb_second: Option<f64>,
    pub gateway_per_million: Option<f64>,
    pub source: Option<String>,
    pub date: Option<String>,
}
