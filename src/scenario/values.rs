//! Values that check themselves while deserializing: durations, byte
//! sizes, distributions, instance types, fleet sizes and the enumerated
//! names.
//! Checking them here lets the TOML parser attach the exact line to the
//! error. This module depends on no other part of `scenario`, so the raw
//! tables of every section can share it. What needs prices (an instance
//! named from the catalog, Fargate's and Lambda Managed Instances' prices)
//! is checked here as far as it can be and resolved once the file is read,
//! against the scenario's region and price files
//! ([`InstanceSpec::resolve`]).

use crate::dist::Dist;
use crate::pricing::catalog::Prices;
use crate::pricing::entries::{Cpu, Instance, Platform};
use crate::pricing::fargate;
use crate::time::{SimTime, parse_duration, parse_memory_mb};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::fmt;

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CallMode {
    Sync,
    Async,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Fleet,
    Serverless,
    Autoscaled,
    Microservices,
}

/// What target tracking steers by.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Busy share of the serving servers' vCPUs, in (0, 1].
    Cpu,
    /// Arrivals per second per serving server.
    RequestsPerServer,
    /// Waiting requests per serving server.
    Queue,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
pub enum CpuName {
    #[serde(rename = "x86_64")]
    X86_64,
    #[serde(rename = "arm64")]
    Arm64,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum GatewayName {
    None,
    Http,
    Rest,
}

/// Which idle warm instance serves the next invocation.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdleSelection {
    /// Most recently used: what Lambda does; spare instances age out.
    Mru,
    /// Least recently used: spreads work, keeps every instance warm.
    Lru,
    /// Most recently started (SimFaaS's rule).
    Newest,
}

/// How a function's scale-rate allowance comes back.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum ScaleRefill {
    /// A token bucket refilled continuously: what Lambda does.
    #[default]
    Continuous,
    /// A fresh allowance per window aligned to t = 0 (scalesim before
    /// 2026-11).
    Aligned,
}

/// A duration written as a string with a unit ("50ms").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dur(pub SimTime);

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Dur;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a duration string such as \"50ms\" or \"2h\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Dur, E> {
                parse_duration(s).map(Dur).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// The most replications a scenario may ask for: enough for tight
/// confidence intervals, few enough that a typo (an extra zero or two)
/// fails fast instead of running for days.
pub const MAX_REPLICATIONS: u32 = 10_000;

/// Checks a number of replications, from the file or from elsewhere (the
/// command line), with the message a scenario file gets.
pub fn check_replications(n: i64) -> Result<u32, String> {
    match u32::try_from(n) {
        Ok(n) if (1..=MAX_REPLICATIONS).contains(&n) => Ok(n),
        _ => Err(replications_message(n)),
    }
}

fn replications_message(found: impl fmt::Display) -> String {
    format!(
        "expected a whole number of replications between 1 and {MAX_REPLICATIONS}, found {found}"
    )
}

/// `replications`: checked while deserializing, so that a fraction or a
/// quoted number gets the same message as an out-of-range count rather
/// than serde's "invalid type".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replications(pub u32);

impl<'de> Deserialize<'de> for Replications {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Replications;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "a whole number of replications between 1 and {MAX_REPLICATIONS}"
                )
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Replications, E> {
                check_replications(n).map(Replications).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Replications, E> {
                let n = i64::try_from(n).unwrap_or(i64::MAX);
                check_replications(n).map(Replications).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> Result<Replications, E> {
                Err(E::custom(replications_message(format!("{x:?}"))))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Replications, E> {
                Err(E::custom(replications_message(format!("{s:?}"))))
            }
        }
        d.deserialize_any(V)
    }
}

/// Fleet size: a count, or sized from the demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Servers {
    Count(i64),
    SizeFor { basis: SizeBasis, utilization: f64 },
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SizeBasis {
    Peak,
    Mean,
}

impl<'de> Deserialize<'de> for Servers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Servers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "a number of servers, or {{ size_for = \"peak\" | \"mean\", utilization = 0.6 }}"
                )
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Servers, E> {
                Ok(Servers::Count(n))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Servers, A::Error> {
                let (mut basis, mut util) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "size_for" => basis = Some(map.next_value::<SizeBasis>()?),
                        "utilization" => util = Some(map.next_value::<f64>()?),
                        other => {
                            return Err(de::Error::unknown_field(
                                other,
                                &["size_for", "utilization"],
                            ));
                        }
                    }
                }
                let basis = basis.ok_or_else(|| de::Error::missing_field("size_for"))?;
                let utilization = util.unwrap_or(0.7);
                if !(utilization > 0.0 && utilization <= 1.0) {
                    return Err(de::Error::custom(format!(
                        "expected utilization in (0, 1], found {utilization}"
                    )));
                }
                Ok(Servers::SizeFor { basis, utilization })
            }
        }
        d.deserialize_any(V)
    }
}

/// The catalog's instance types in the prices' region, for messages.
fn known_types(prices: &Prices) -> String {
    match prices.instance_names() {
        names if names.is_empty() => "none (add a price file with `price_files`)".into(),
        names => names.join(", "),
    }
}

/// An instance type as written: a catalog name, or an inline
/// description, checked as far as it can be without prices.
#[derive(Debug, Clone, PartialEq)]
pub enum InstanceSpec {
    /// A name to look up in the scenario's region.
    Named(String),
    /// An EC2 instance described in full.
    Inline(Instance),
    /// A Fargate task, priced from the price files unless
    /// `price_per_hour` is given.
    Fargate {
        vcpus: f64,
        memory_mb: f64,
        cpu: Cpu,
        price_per_hour: Option<f64>,
    },
    /// An instance of Lambda Managed Instances: by name, or inline
    /// (`vcpus` 0 for a name).
    LambdaManaged {
        instance: Instance,
        vcpus: f64,
        cpu: CpuName,
    },
}

impl InstanceSpec {
    /// The instance, with what the scenario's prices say of it; the error
    /// is the message for the `instance` key.
    pub fn resolve(&self, prices: &Prices) -> Result<Instance, String> {
        match self {
            InstanceSpec::Named(name) => prices.instance(name).ok_or_else(|| {
                format!(
                    "unknown instance type \"{name}\" in {}; known types there: {} (or describe it inline: {{ vcpus = 2, memory = \"8GB\", price_per_hour = 0.096 }})",
                    prices.region(),
                    known_types(prices)
                )
            }),
            InstanceSpec::Inline(instance) => Ok(instance.clone()),
            InstanceSpec::Fargate {
                vcpus,
                memory_mb,
                cpu,
                price_per_hour,
            } => fargate::task(prices, *vcpus, *memory_mb, *cpu, *price_per_hour),
            InstanceSpec::LambdaManaged {
                instance,
                vcpus,
                cpu,
            } => lambda_managed(prices, instance.clone(), *vcpus, *cpu),
        }
    }

    /// Whether it runs Lambda functions (Lambda Managed Instances).
    pub fn is_lambda_managed(&self) -> bool {
        matches!(self, InstanceSpec::LambdaManaged { .. })
    }
}

impl<'de> Deserialize<'de> for InstanceSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = InstanceSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "an instance type name such as \"m5.large\", or {{ vcpus = 2, memory = \"8GB\", price_per_hour = 0.096 }}"
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<InstanceSpec, E> {
                Ok(InstanceSpec::Named(s.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<InstanceSpec, A::Error> {
                const KEYS: &[&str] = &[
                    "name",
                    "vcpus",
                    "memory",
                    "price_per_hour",
                    "region",
                    "source",
                    "date",
                    "platform",
                    "cpu",
                    "baseline",
                    "surplus_per_vcpu_hour",
                ];
                let mut platform = Platform::Ec2;
                let mut managed = false;
                let mut cpu = CpuName::X86_64;
                let mut vcpus = 0.0;
                let mut price = None;
                let (mut baseline, mut surplus) = (None, None);
                let mut inst = Instance {
                    name: "custom".into(),
                    vcpus: 0,
                    memory_mb: 0.0,
                    price_per_hour: -1.0,
                    region: String::new(),
                    source: "scenario file".into(),
                    date: String::new(),
                    platform: Platform::Ec2,
                    burst: None,
                    lambda_managed: None,
                };
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "name" => inst.name = map.next_value()?,
                        "vcpus" => {
                            // A number: Fargate tasks may have 0.25 vCPU.
                            let v: f64 = map.next_value()?;
                            if !((1.0..=1024.0).contains(&v) || v == 0.25 || v == 0.5) {
                                return Err(de::Error::custom(format!(
                                    "expected vcpus between 1 and 1024, found {v}"
                                )));
                            }
                            vcpus = v;
                        }
                        "platform" => {
                            platform = match map.next_value()? {
                                InstancePlatform::Ec2 => Platform::Ec2,
                                InstancePlatform::Fargate => Platform::Fargate,
                                InstancePlatform::LambdaManaged => {
                                    managed = true;
                                    Platform::Ec2
                                }
                            }
                        }
                        "cpu" => cpu = map.next_value()?,
                        "memory" => {
                            let s: String = map.next_value()?;
                            inst.memory_mb = parse_memory_mb(&s).map_err(de::Error::custom)?;
                        }
                        "price_per_hour" => {
                            let p: f64 = map.next_value()?;
                            let max = crate::limits::MAX_PRICE_PER_HOUR;
                            if !(p >= 0.0 && p <= max) {
                                return Err(de::Error::custom(format!(
                                    "expected price_per_hour between 0 and {max} (USD), found {}",
                                    crate::limits::price(p)
                                )));
                            }
                            inst.price_per_hour = p;
                            price = Some(p);
                        }
                        "baseline" => {
                            let b: f64 = map.next_value()?;
                            if !(b > 0.0 && b <= 1.0) {
                                return Err(de::Error::custom(format!(
                                    "expected a baseline share of each vCPU in (0, 1], such as 0.2, found {b}"
                                )));
                            }
                            baseline = Some(b);
                        }
                        "surplus_per_vcpu_hour" => {
                            let p: f64 = map.next_value()?;
                            let max = crate::limits::MAX_PRICE_PER_HOUR;
                            if !(p >= 0.0 && p <= max) {
                                return Err(de::Error::custom(format!(
                                    "expected surplus_per_vcpu_hour between 0 and {max} (USD), found {}",
                                    crate::limits::price(p)
                                )));
                            }
                            surplus = Some(p);
                        }
                        "region" => inst.region = map.next_value()?,
                        "source" => inst.source = map.next_value()?,
                        "date" => inst.date = map.next_value()?,
                        other => return Err(de::Error::unknown_field(other, KEYS)),
                    }
                }
                if managed {
                    return Ok(InstanceSpec::LambdaManaged {
                        instance: inst,
                        vcpus,
                        cpu,
                    });
                }
                if vcpus == 0.0 {
                    return Err(de::Error::missing_field("vcpus"));
                }
                inst.burst = match (baseline, surplus) {
                    (None, None) => None,
                    (Some(baseline), Some(surplus_per_vcpu_hour)) => {
                        Some(crate::pricing::entries::Burst {
                            baseline,
                            surplus_per_vcpu_hour,
                        })
                    }
                    _ => {
                        return Err(de::Error::custom(
                            "a burstable instance needs both `baseline` (a share of each vCPU, such as 0.2) and `surplus_per_vcpu_hour` (such as 0.05)",
                        ));
                    }
                };
                if platform == Platform::Fargate {
                    if inst.burst.is_some() {
                        return Err(de::Error::custom(
                            "`baseline` and `surplus_per_vcpu_hour` are for burstable EC2 instances, not Fargate tasks",
                        ));
                    }
                    return Ok(InstanceSpec::Fargate {
                        vcpus,
                        memory_mb: inst.memory_mb,
                        cpu: match cpu {
                            CpuName::X86_64 => Cpu::X86_64,
                            CpuName::Arm64 => Cpu::Arm64,
                        },
                        price_per_hour: price,
                    });
                }
                if vcpus.fract() != 0.0 {
                    return Err(de::Error::custom(format!(
                        "expected a whole number of vcpus, found {vcpus} (fractions are for Fargate tasks: platform = \"fargate\")"
                    )));
                }
                if cpu != CpuName::X86_64 {
                    return Err(de::Error::custom(
                        "`cpu` is for Fargate tasks (platform = \"fargate\"); an EC2 instance's processor comes with its type",
                    ));
                }
                inst.vcpus = vcpus as u32;
                if inst.price_per_hour < 0.0 {
                    return Err(de::Error::missing_field("price_per_hour"));
                }
                Ok(InstanceSpec::Inline(inst))
            }
        }
        d.deserialize_any(V)
    }
}

/// An instance of Lambda Managed Instances: a catalog type by `name`
/// (`{ platform = "lambda-managed", name = "m7g.large" }`) or an inline
/// EC2 instance, with the fees of the price files.
fn lambda_managed(
    prices: &Prices,
    mut inst: Instance,
    vcpus: f64,
    cpu: CpuName,
) -> Result<Instance, String> {
    if cpu != CpuName::X86_64 {
        return Err(
            "`cpu` is for Fargate tasks; a Lambda Managed Instance's processor comes with its type"
                .into(),
        );
    }
    if vcpus == 0.0 {
        let name = inst.name.clone();
        inst = prices.instance(&name).ok_or_else(|| {
            format!(
                "Lambda Managed Instances need an instance type: unknown type \"{name}\" in {}; known types there: {} (or describe it inline with vcpus, memory and price_per_hour)",
                prices.region(),
                known_types(prices)
            )
        })?;
    } else if vcpus.fract() != 0.0 {
        return Err(format!("expected a whole number of vcpus, found {vcpus}"));
    } else if inst.price_per_hour < 0.0 {
        return Err("missing field `price_per_hour` (the instance's EC2 On-Demand price)".into());
    } else {
        inst.vcpus = vcpus as u32;
    }
    if inst.burst.is_some() {
        return Err(format!(
            "Lambda Managed Instances do not run on burstable types such as {}; choose a C, M or R type",
            inst.name
        ));
    }
    let fees = prices.lambda_managed().ok_or_else(|| {
        format!(
            "the price files have no Lambda Managed Instances fees for {}; add them in a price file listed in `price_files`",
            prices.region()
        )
    })?;
    inst.lambda_managed = Some(fees);
    Ok(inst)
}

/// What a fleet's server may be (Lambda is a price-file platform only).
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum InstancePlatform {
    Ec2,
    Fargate,
    /// Lambda Managed Instances: Lambda functions on EC2 instances.
    #[serde(rename = "lambda-managed")]
    LambdaManaged,
}

/// A distribution of durations: a bare duration string (constant), or a
/// table with `dist` and its parameters.
#[derive(Debug, Clone)]
pub struct DistSpec(pub Dist);

const DIST_NAMES: &str = "constant, exponential, uniform, normal, lognormal, gamma, empirical";

impl<'de> Deserialize<'de> for DistSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DistSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "a duration such as \"25ms\", or a distribution such as {{ dist = \"exponential\", mean = \"50ms\" }}"
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<DistSpec, E> {
                let t = parse_duration(s).map_err(E::custom)?;
                let d = Dist::constant(t);
                d.check_tail().map_err(E::custom)?;
                Ok(DistSpec(d))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DistSpec, A::Error> {
                let mut fields = DistFields::default();
                while let Some(key) = map.next_key::<String>()? {
                    fields.read(&key, &mut map)?;
                }
                let d = fields.build().map_err(de::Error::custom)?;
                d.check_tail().map_err(de::Error::custom)?;
                Ok(DistSpec(d))
            }
        }
        d.deserialize_any(V)
    }
}

/// The units a byte size may use, as written in error messages.
pub const SIZE_UNITS: &str = "B, KB, MB, GB (powers of 1000), KiB, MiB, GiB (powers of 1024)";

/// Parses a byte size: "40KB" (40,000 bytes), "1.5MiB", "512B". A unit is
/// required, as for durations; KB is 1000 bytes and KiB 1024, because
/// payload sizes are quoted both ways and the difference is 2.4 % per
/// prefix.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let expected = || {
        format!(
            "expected a size such as \"40KB\" or \"1MiB\" (units {SIZE_UNITS}), found \"{text}\""
        )
    };
    if num.is_empty() {
        return Err(expected());
    }
    let value: f64 = num.replace('_', "").parse().map_err(|_| expected())?;
    let scale: f64 = match unit.trim() {
        "B" => 1.0,
        "KB" | "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "KiB" => 1024.0,
        "MiB" => 1_048_576.0,
        "GiB" => 1_073_741_824.0,
        _ => return Err(expected()),
    };
    let bytes = (value * scale).round();
    // A draw is held as a duration of one nanosecond per byte, which caps
    // it at the 365 days every draw is cut at.
    if !bytes.is_finite() || bytes > crate::dist::MAX_SAMPLE.as_nanos() as f64 {
        return Err(format!("size \"{text}\" is too large"));
    }
    Ok(bytes as u64)
}

/// A distribution of byte sizes: a bare size string (constant), or a
/// distribution table whose parameters are sizes (`mean = "20KB"`). It is
/// held as a [`Dist`] of durations with one nanosecond per byte, so that
/// it samples exactly like `work`; `mu` and `sigma` (logs of seconds) are
/// refused, since they would mean logs of gigabytes.
#[derive(Debug, Clone)]
pub struct SizeDistSpec(pub Dist);

impl<'de> Deserialize<'de> for SizeDistSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SizeDistSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "a size such as \"40KB\", or a distribution such as {{ dist = \"lognormal\", median = \"20KB\", p99 = \"2MB\" }}"
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<SizeDistSpec, E> {
                let b = parse_bytes(s).map_err(E::custom)?;
                Ok(SizeDistSpec(Dist::constant(SimTime(b))))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SizeDistSpec, A::Error> {
                let mut fields = DistFields {
                    sizes: true,
                    ..DistFields::default()
                };
                while let Some(key) = map.next_key::<String>()? {
                    fields.read(&key, &mut map)?;
                }
                let d = fields.build().map_err(de::Error::custom)?;
                d.check_tail()
                    .map_err(|_| de::Error::custom("the distribution's 99.99th percentile is above the largest size a draw can take (about 31 PB)"))?;
                Ok(SizeDistSpec(d))
            }
        }
        d.deserialize_any(V)
    }
}

/// A size in bytes, as a distribution parameter: seconds of the duration
/// that stands for it (one nanosecond per byte).
struct SizeParam(f64);

impl<'de> Deserialize<'de> for SizeParam {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_bytes(&s)
            .map(|b| SizeParam(b as f64 / 1e9))
            .map_err(de::Error::custom)
    }
}

#[derive(Default)]
struct DistFields {
    /// Parameters are byte sizes, not durations.
    sizes: bool,
    dist: Option<String>,
    durations: Vec<(&'static str, f64)>,
    numbers: Vec<(&'static str, f64)>,
    percentiles: Vec<(f64, f64)>,
    keys: Vec<String>,
}

impl DistFields {
    fn read<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        const DURATION_KEYS: &[&str] = &["value", "mean", "min", "max", "stddev", "median", "p99"];
        const NUMBER_KEYS: &[&str] = &["mu", "sigma", "cv"];
        if key == "dist" {
            self.dist = Some(map.next_value()?);
            return Ok(());
        }
        self.keys.push(key.to_string());
        if let Some(k) = DURATION_KEYS.iter().find(|k| **k == key) {
            let v = self.value(map)?;
            self.durations.push((k, v));
            // p99 also belongs to a percentile table.
            if key == "p99" {
                self.percentiles.push((99.0, v));
            }
        } else if self.sizes && (key == "mu" || key == "sigma") {
            return Err(de::Error::custom(format!(
                "`{key}` does not apply to a size distribution; give a lognormal's `median` and `p99` as sizes"
            )));
        } else if let Some(k) = NUMBER_KEYS.iter().find(|k| **k == key) {
            let v: f64 = map.next_value()?;
            self.numbers.push((k, v));
        } else if let Some(p) = key.strip_prefix('p').and_then(|p| p.parse::<f64>().ok()) {
            if !(0.0..=100.0).contains(&p) {
                return Err(de::Error::custom(format!(
                    "percentile key `{key}` must be between p0 and p100"
                )));
            }
            let v = self.value(map)?;
            self.percentiles.push((p, v));
        } else {
            return Err(de::Error::custom(format!(
                "unknown distribution key `{key}`; expected `dist` and its parameters (value, mean, min, max, stddev, median, p99, mu, sigma, cv, or percentiles p0..p100)"
            )));
        }
        Ok(())
    }

    /// A parameter's value: a duration in seconds, or a size as the
    /// seconds of its stand-in duration.
    fn value<'de, A: MapAccess<'de>>(&self, map: &mut A) -> Result<f64, A::Error> {
        if self.sizes {
            Ok(map.next_value::<SizeParam>()?.0)
        } else {
            Ok(map.next_value::<Dur>()?.0.as_secs_f64())
        }
    }

    fn duration(&self, k: &str) -> Option<f64> {
        self.durations
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| *v)
    }

    fn number(&self, k: &str) -> Option<f64> {
        self.numbers.iter().find(|(n, _)| *n == k).map(|(_, v)| *v)
    }

    /// Fails if a key other than `allowed` was given for this distribution.
    fn only(&self, name: &str, allowed: &[&str]) -> Result<(), String> {
        match self.keys.iter().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(format!(
                "key `{k}` does not apply to a {name} distribution (it takes {})",
                allowed.join(", ")
            )),
            None => Ok(()),
        }
    }

    fn need(&self, name: &str, k: &str) -> Result<f64, String> {
        self.duration(k)
            .or_else(|| self.number(k))
            .ok_or_else(|| format!("a {name} distribution needs `{k}`"))
    }

    fn build(self) -> Result<Dist, String> {
        // A table of percentiles alone is an empirical distribution.
        let name = match &self.dist {
            Some(n) => n.clone(),
            None if !self.percentiles.is_empty() => "empirical".into(),
            None => return Err(format!("missing `dist`; expected one of {DIST_NAMES}")),
        };
        match name.as_str() {
            "constant" => {
                self.only("constant", &["value"])?;
                Ok(Dist::constant(SimTime::from_secs_f64(
                    self.need("constant", "value")?,
                )))
            }
            "exponential" => {
                self.only("exponential", &["mean"])?;
                Dist::exponential(self.need("exponential", "mean")?)
            }
            "uniform" => {
                self.only("uniform", &["min", "max"])?;
                Dist::uniform(self.need("uniform", "min")?, self.need("uniform", "max")?)
            }
            "normal" => {
                self.only("normal", &["mean", "stddev"])?;
                Dist::normal(self.need("normal", "mean")?, self.need("normal", "stddev")?)
            }
            "lognormal" => {
                let natural = self.keys.iter().find(|k| *k == "mu" || *k == "sigma");
                let by_percentile = self.keys.iter().find(|k| *k == "median" || *k == "p99");
                if let (Some(a), Some(b)) = (natural, by_percentile) {
                    return Err(format!(
                        "a lognormal distribution takes either `median` and `p99` or `mu` and \
                         `sigma`, not both (found `{a}` and `{b}`)"
                    ));
                }
                if natural.is_some() {
                    self.only("lognormal", &["mu", "sigma"])?;
                    Dist::lognormal(
                        self.need("lognormal", "mu")?,
                        self.need("lognormal", "sigma")?,
                    )
                } else {
                    self.only("lognormal", &["median", "p99"])?;
                    Dist::lognormal_from_median_p99(
                        self.need("lognormal", "median")?,
                        self.need("lognormal", "p99")?,
                    )
                }
            }
            "gamma" => {
                self.only("gamma", &["mean", "cv"])?;
                Dist::gamma(self.need("gamma", "mean")?, self.need("gamma", "cv")?)
            }
            "empirical" => {
                if let Some(k) = self
                    .keys
                    .iter()
                    .find(|k| !(k.starts_with('p') && k[1..].parse::<f64>().is_ok()))
                {
                    return Err(format!(
                        "key `{k}` does not apply to an empirical distribution (it takes percentiles p0..p100)"
                    ));
                }
                Dist::empirical(self.percentiles)
            }
            other => Err(format!(
                "unknown distribution \"{other}\"; expected one of {DIST_NAMES}"
            )),
        }
    }
}
