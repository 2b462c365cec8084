//! The scenario file as written: serde structs that mirror the TOML, with
//! unknown keys denied. Values that can be checked on their own (durations,
//! distributions, instance types, sizes) are checked while deserializing, so
//! that the TOML parser attaches the exact line to the error; checks that
//! need the whole file happen in `validate`.

pub mod transfer;

use super::demand::RawDemand;
use super::instance::InstanceSpec;
use super::keys::{group_copy, group_default, group_getter, group_struct, table, table_splice};
use super::values::{
    CallMode, CpuName, DistSpec, Dur, GatewayName, IdleSelection, Kind, Metric, Replications,
    ScaleRefill, Servers, SizeDistSpec,
};
use crate::kinds::kubernetes::keys::{RawCluster, RawControlPlane, RawResources};
use crate::kinds::serverless::spec::keep_alive::RawKeepAlive;
use crate::kinds::servers::keys::{ControllerName, RawAlarms, RawBehavior};
use crate::kinds::servers::spec::spot::{Market, RawSpot};
use crate::pricing::entries::{CloudRunBilling, Upfront};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;
use transfer::{RawEgress, RawNatGateway};

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
    /// Independent runs of every architecture (1 if not given).
    pub replications: Option<Replications>,
    pub window: Option<Spanned<Dur>>,
    pub demand: Spanned<RawDemand>,
    #[serde(default)]
    pub services: Vec<RawService>,
    pub architectures: Vec<RawArchitecture>,
    pub slo: Option<super::slo::RawSlo>,
    pub sweep: Option<super::sweep::RawSweep>,
    pub plan: Option<super::plan::RawPlan>,
    /// Which architectures to take, in what order (see `super::report`).
    pub report: Option<super::report::RawReport>,
    /// Where names and prices are looked up (see `super::prices`).
    pub region: Option<Spanned<String>>,
    pub price_files: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    pub name: Spanned<String>,
    pub work: DistSpec,
    /// Time blocked on I/O after the work, holding no CPU.
    pub wait: Option<DistSpec>,
    /// Memory each invocation in progress takes on its server.
    pub request_memory: Option<Spanned<String>>,
    /// Memory the service takes on a server whatever its load.
    pub base_memory: Option<Spanned<String>>,
    #[serde(default)]
    pub calls: Vec<RawCall>,
    /// Bytes of the response each request gets (entry service only).
    pub response_size: Option<Spanned<SizeDistSpec>>,
    /// Bytes each invocation sends to hosts on the internet.
    pub outbound_size: Option<Spanned<SizeDistSpec>>,
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

// The key groups: each key is declared once, here, and reaches every table
// that names its group. Adding a key to a group adds it to those tables,
// to their `blank`, and to the copies between them.

/// Fleet keys: on fixed and autoscaled fleets, and per service of a
/// microservices architecture.
macro_rules! fleet_keys {
    ($then:ident!($($args:tt)*)) => {
        $then! { $($args)* {
            servers: Option<Spanned<Servers>>,
            instance: Option<Spanned<InstanceSpec>>,
            queue_limit: Option<Spanned<i64>>,
            concurrency: Option<Spanned<i64>>,
            speed: Option<Spanned<f64>>,
        } }
    };
}

/// Serverless function keys: set on the architecture for every function,
/// overridden by a `functions.<name>` table.
macro_rules! function_keys {
    ($then:ident!($($args:tt)*)) => {
        $then! { $($args)* {
            memory: Option<Spanned<String>>,
            cpu: Option<Spanned<CpuName>>,
            cold_start: Option<Spanned<DistSpec>>,
            keep_alive: Option<Spanned<RawKeepAlive>>,
            max_lifetime: Option<Spanned<Dur>>,
            scale_rate: Option<Spanned<RawScaleRate>>,
            instance_concurrency: Option<Spanned<i64>>,
            idle_selection: Option<Spanned<IdleSelection>>,
            hop_latency: Option<Spanned<Dur>>,
            max_instances: Option<Spanned<i64>>,
            pending_timeout: Option<Spanned<Dur>>,
            cpu_target: Option<Spanned<f64>>,
            concurrency_target: Option<Spanned<f64>>,
        } }
    };
}

/// Autoscaling keys: on an autoscaled architecture, or per service of a
/// microservices architecture.
macro_rules! autoscaling_keys {
    ($then:ident!($($args:tt)*)) => {
        $then! { $($args)* {
            min: Option<Spanned<i64>>,
            max: Option<Spanned<i64>>,
            initial: Option<Spanned<i64>>,
            policy: Option<Spanned<RawPolicy>>,
            evaluation: Option<Spanned<Dur>>,
            boot_time: Option<Spanned<DistSpec>>,
            scale_out_cooldown: Option<Spanned<Dur>>,
            scale_in_cooldown: Option<Spanned<Dur>>,
            tolerance: Option<Spanned<f64>>,
            scheduled: Option<Spanned<Vec<RawScheduled>>>,
            controller: Option<Spanned<ControllerName>>,
            behavior: Option<Spanned<RawBehavior>>,
            instance_warmup: Option<Spanned<Dur>>,
            alarm_datapoints: Option<Spanned<RawAlarms>>,
        } }
    };
}

table! {
    blank
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct RawArchitecture {
        pub name: Spanned<String>,
        pub kind: Spanned<Kind>,
        ..fleet_keys,
        pub timeout: Option<Spanned<Dur>>,
        ..function_keys,
        pub concurrency_limit: Option<Spanned<i64>>,
        pub call_mode: Option<Spanned<CallMode>>,
        pub gateway: Option<Spanned<GatewayName>>,
        pub gateway_latency: Option<Spanned<Dur>>,
        pub free_tier: Option<Spanned<bool>>,
        /// Serverless: "lambda" (default) or "cloud-run".
        pub platform: Option<Spanned<ServerlessPlatform>>,
        /// Cloud Run: "request" or "instance".
        pub billing: Option<Spanned<CloudRunBilling>>,
        /// Cloud Run: vCPUs per instance.
        pub vcpus: Option<Spanned<f64>>,
        pub pricing: Option<Spanned<RawPricing>>,
        /// Fleets: "on-demand" (default) or "spot".
        pub market: Option<Spanned<Market>>,
        /// Fleets on spot: price and interruptions.
        pub spot: Option<Spanned<RawSpot>>,
        /// Internet egress price override.
        pub egress: Option<Spanned<RawEgress>>,
        /// NAT gateways in front of private subnets.
        pub nat_gateway: Option<Spanned<RawNatGateway>>,
        pub functions: Option<Spanned<BTreeMap<String, Spanned<RawFunction>>>>,
        ..autoscaling_keys,
        /// Microservices: one fleet per service.
        pub services: Option<Spanned<BTreeMap<String, Spanned<RawServiceFleet>>>>,
        /// Kubernetes: the nodes.
        pub cluster: Option<Spanned<RawCluster>>,
        /// Kubernetes: the managed control plane's fee.
        pub control_plane: Option<Spanned<RawControlPlane>>,
        /// Kubernetes: every pod's requests, unless its service's table says.
        pub requests: Option<Spanned<RawResources>>,
        /// Kubernetes: every pod's limits, unless its service's table says.
        pub limits: Option<Spanned<RawResources>>,
    }
}

table! {
    /// `[architectures.services.<name>]`: the fleet one service runs on.
    #[derive(Debug, Clone, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct RawServiceFleet {
        pub kind: Option<Spanned<Kind>>,
        ..fleet_keys,
        ..autoscaling_keys,
        pub pricing: Option<Spanned<RawPricing>>,
        pub market: Option<Spanned<Market>>,
        pub spot: Option<Spanned<RawSpot>>,
        /// Kubernetes: the pod's requests.
        pub requests: Option<Spanned<RawResources>>,
        /// Kubernetes: the pod's limits.
        pub limits: Option<Spanned<RawResources>>,
    }
}

table! {
    /// A `functions.<name>` table: overrides plus per-function settings.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct RawFunction {
        ..function_keys,
        pub provisioned: Option<Spanned<i64>>,
        pub reserved_concurrency: Option<Spanned<i64>>,
        /// This function's own `pricing`, instead of the architecture's.
        pub pricing: Option<Spanned<RawPricing>>,
    }
}

function_keys!(group_struct!(
    /// The serverless keys that an architecture sets for every function and
    /// a `functions.<name>` table may override.
    #[derive(Debug, Default, Clone)]
    RawFunctionKeys
));
autoscaling_keys!(group_struct!(
    /// The autoscaling keys of an architecture.
    #[derive(Debug, Default, Clone)]
    RawAutoscalingKeys
));
function_keys!(group_getter!(
    RawArchitecture,
    function_keys,
    RawFunctionKeys
));
function_keys!(group_getter!(RawFunction, keys, RawFunctionKeys));
autoscaling_keys!(group_getter!(
    RawArchitecture,
    autoscaling_keys,
    RawAutoscalingKeys
));
autoscaling_keys!(group_copy!(
    RawArchitecture,
    copy_autoscaling,
    RawServiceFleet
));
autoscaling_keys!(group_default!(
    RawArchitecture,
    default_autoscaling,
    RawArchitecture
));

/// Which serverless platform an architecture models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerlessPlatform {
    Lambda,
    CloudRun,
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
        let none = RawServiceFleet::default();
        let v = svc.map_or(&none, |s| s.get_ref());
        let kind = v
            .kind
            .clone()
            .unwrap_or_else(|| Spanned::new(span.clone(), Kind::Fleet));
        let is_fleet = *kind.get_ref() == Kind::Fleet;
        let mut raw = RawArchitecture::blank(Spanned::new(span, name.to_string()), kind);
        // The architecture's `servers` is the default of fixed fleets only.
        raw.servers = v
            .servers
            .clone()
            .or_else(|| is_fleet.then(|| self.servers.clone()).flatten());
        raw.instance = v.instance.clone().or_else(|| self.instance.clone());
        raw.queue_limit = v.queue_limit.clone().or_else(|| self.queue_limit.clone());
        raw.concurrency = v.concurrency.clone().or_else(|| self.concurrency.clone());
        raw.speed = v.speed.clone().or_else(|| self.speed.clone());
        raw.pricing = v.pricing.clone().or_else(|| self.pricing.clone());
        raw.market = v.market.clone().or_else(|| self.market.clone());
        raw.spot = v.spot.clone().or_else(|| self.spot.clone());
        raw.requests = v.requests.clone().or_else(|| self.requests.clone());
        raw.limits = v.limits.clone().or_else(|| self.limits.clone());
        raw.copy_autoscaling(v);
        raw
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScaleRate {
    pub instances: Spanned<i64>,
    pub per: Spanned<Dur>,
    pub refill: Option<ScaleRefill>,
}

/// `pricing`: a commitment's name (`"savings-plan-3y"`), or a table of
/// prices and commitment terms (which keys fit which kind is checked when
/// the architecture is validated).
#[derive(Debug, Clone, Default)]
pub struct RawPricing {
    pub request_per_million: Option<f64>,
    pub gb_second: Option<f64>,
    pub provisioned_gb_second: Option<f64>,
    pub provisioned_execution_gb_second: Option<f64>,
    pub gateway_per_million: Option<f64>,
    pub source: Option<String>,
    pub date: Option<String>,
    /// Fleets: "on-demand" or a commitment of the price files.
    pub commitment: Option<String>,
    pub upfront: Option<Upfront>,
    pub on_demand_share: Option<f64>,
    pub committed_servers: Option<f64>,
    /// The committed hourly rate per server, instead of the catalog's
    /// discount.
    pub price_per_hour: Option<f64>,
}

/// The table form of `pricing`, denying unknown keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPricingTable {
    request_per_million: Option<f64>,
    gb_second: Option<f64>,
    provisioned_gb_second: Option<f64>,
    provisioned_execution_gb_second: Option<f64>,
    gateway_per_million: Option<f64>,
    source: Option<String>,
    date: Option<String>,
    commitment: Option<String>,
    upfront: Option<Upfront>,
    on_demand_share: Option<f64>,
    committed_servers: Option<f64>,
    price_per_hour: Option<f64>,
}

impl<'de> Deserialize<'de> for RawPricing {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{self, MapAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawPricing;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(
                    f,
                    "a commitment name such as \"savings-plan-3y\", or a table such as {{ commitment = \"savings-plan-3y\", on_demand_share = 0.3 }}"
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawPricing, E> {
                Ok(RawPricing {
                    commitment: Some(s.to_string()),
                    ..RawPricing::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawPricing, A::Error> {
                let t = RawPricingTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawPricing {
                    request_per_million: t.request_per_million,
                    gb_second: t.gb_second,
                    provisioned_gb_second: t.provisioned_gb_second,
                    provisioned_execution_gb_second: t.provisioned_execution_gb_second,
                    gateway_per_million: t.gateway_per_million,
                    source: t.source,
                    date: t.date,
                    commitment: t.commitment,
                    upfront: t.upfront,
                    on_demand_share: t.on_demand_share,
                    committed_servers: t.committed_servers,
                    price_per_hour: t.price_per_hour,
                })
            }
        }
        d.deserialize_any(V)
    }
}
