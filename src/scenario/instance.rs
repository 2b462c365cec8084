//! An instance type as a scenario writes it (`instance = "m5.large"`, or
//! a table: an EC2 instance, a Fargate task, a Lambda Managed Instance),
//! checked while deserializing as far as it can be without prices, and
//! resolved once the file is read against the scenario's region and price
//! files ([`InstanceSpec::resolve`]): so every message still names the
//! line and key where the instance is written.

use super::values::CpuName;
use crate::pricing::catalog::Prices;
use crate::pricing::entries::{Cpu, Instance, Platform};
use crate::pricing::fargate;
use crate::time::parse_memory_mb;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::fmt;

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
                    "speed",
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
                    speed: 1.0,
                    max_pods: None,
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
                        "speed" => {
                            let v: f64 = map.next_value()?;
                            inst.speed = crate::pricing::entries::check_speed(v)
                                .map_err(de::Error::custom)?;
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
