//! The price files under `assets/prices/`: their format, their validation
//! and the catalog they make. The files are compiled into the binary, so
//! it needs nothing beside it, and checked when the program starts: a bad
//! entry is reported with its file, line and key, as a scenario would be.
//!
//! A file holds a `[defaults]` table (`region`, `source`, `date`) and
//! arrays of entries — `[[instance]]`, `[[lambda]]`, `[[gateway]]`,
//! `[[commitment]]`, `[[fargate]]`, `[[cloud_run]]`, `[[lambda_managed]]`, `[[egress]]`,
//! `[[nat_gateway]]` — each of which may set its own `region`, `source`
//! and `date`; an entry that ends up without a source or a date is an
//! error, because a price nobody can trace is not data.

use crate::file_error::{ErrorContext, ScenarioError};
use crate::limits;
use crate::pricing::entries::{
    Burst, CloudRunPrice, CommitmentPrice, Cpu, EgressPrice, FargatePrice, GatewayKind,
    GatewayPrice, Instance, LambdaManagedPrice, LambdaPrice, LambdaTier, NatGatewayPrice, Platform,
};
use std::fmt;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

mod network;
mod platforms;
mod raw;
use raw::{CpuName, GatewayName, RawFile, RawMeta};

/// The bundled price files, as (path in the repository, text): every
/// `assets/prices/*.toml`, in name order, listed by `build.rs`.
pub const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/bundled_prices.rs"));

/// A price file that cannot be used: a scenario error, shown as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceFileError(pub ScenarioError);

impl fmt::Display for PriceFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Same shape as a scenario error, naming what kind of file it is.
        let text = self.0.to_string();
        let rest = text.strip_prefix("invalid scenario ").unwrap_or(&text);
        write!(f, "invalid price file {rest}")
    }
}

impl std::error::Error for PriceFileError {}

/// Everything the price files hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    pub instances: Vec<Instance>,
    pub lambda: Vec<LambdaPrice>,
    pub gateways: Vec<GatewayPrice>,
    pub commitments: Vec<CommitmentPrice>,
    pub fargate: Vec<FargatePrice>,
    pub cloud_run: Vec<CloudRunPrice>,
    pub lambda_managed: Vec<LambdaManagedPrice>,
    pub egress: Vec<EgressPrice>,
    pub nat_gateways: Vec<NatGatewayPrice>,
    pub lambda_tiers: Vec<LambdaTier>,
}

impl Catalog {
    /// The AWS regions it prices compute in (Cloud Run's regions are
    /// Google's, commitments hold in every region, and data transfer alone
    /// prices no architecture), unsorted, with repeats.
    pub fn regions(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        all.extend(self.instances.iter().map(|e| e.region.clone()));
        all.extend(self.lambda.iter().map(|e| e.region.clone()));
        all.extend(self.gateways.iter().map(|e| e.region.clone()));
        all.extend(self.fargate.iter().map(|e| e.region.clone()));
        all.extend(self.lambda_managed.iter().map(|e| e.region.clone()));
        all
    }

    /// The bundled files, validated.
    pub fn builtin() -> Result<Catalog, PriceFileError> {
        let mut catalog = Catalog::default();
        for (path, text) in BUILTIN {
            catalog.add_file(Path::new(path), text)?;
        }
        Ok(catalog)
    }

    /// Reads one price file into the catalog; an entry already known (same
    /// name and region) is an error, so two files cannot disagree silently.
    pub fn add_file(&mut self, path: &Path, text: &str) -> Result<(), PriceFileError> {
        let ctx = ErrorContext { file: path, text };
        let raw: RawFile = ctx.deserialize().map_err(PriceFileError)?;
        self.add_raw(raw, &ctx).map_err(PriceFileError)
    }

    /// [`Catalog::add_file`] of the file at `path`, read from disk (a
    /// user's own file); the message says what went wrong and where.
    pub fn read_file(&mut self, path: &Path) -> Result<(), String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the price file {}: {e}", path.display()))?;
        self.add_file(path, &text).map_err(|e| e.to_string())
    }

    fn add_raw(&mut self, raw: RawFile, ctx: &ErrorContext) -> Result<(), ScenarioError> {
        let d = &raw.defaults;
        for (i, e) in raw.instance.iter().enumerate() {
            let key = format!("instance[{i}]");
            let m = meta(&e.meta(), d, e.name.span(), &key, ctx)?;
            let name = e.name.get_ref().clone();
            let twice = self
                .instances
                .iter()
                .any(|x| x.name == name && x.region == m.region);
            once(twice, &e.name, &key, "name", ctx, || {
                format!("instance type \"{name}\" in {}", m.region)
            })?;
            let vcpus = *e.vcpus.get_ref();
            if !(1..=1024).contains(&vcpus) {
                return Err(ctx.at(
                    Some(e.vcpus.span()),
                    &format!("{key}.vcpus"),
                    format!("expected vcpus between 1 and 1024, found {vcpus}"),
                ));
            }
            let memory_gib = positive(&e.memory_gib, &format!("{key}.memory_gib"), ctx)?;
            let price = price(&e.price_per_hour, &format!("{key}.price_per_hour"), ctx)?;
            let burst = match (&e.baseline, &e.surplus_per_vcpu_hour) {
                (None, None) => None,
                (Some(b), Some(s)) => {
                    let baseline = *b.get_ref();
                    if !(baseline > 0.0 && baseline < 1.0) {
                        return Err(ctx.at(
                            Some(b.span()),
                            &format!("{key}.baseline"),
                            format!("expected a baseline per vCPU in (0, 1), found {baseline}"),
                        ));
                    }
                    Some(Burst {
                        baseline,
                        surplus_per_vcpu_hour: self::price(
                            s,
                            &format!("{key}.surplus_per_vcpu_hour"),
                            ctx,
                        )?,
                    })
                }
                (b, _) => {
                    let (field, span) = match b {
                        Some(b) => ("surplus_per_vcpu_hour", b.span()),
                        None => ("baseline", e.name.span()),
                    };
                    return Err(ctx.at(
                        Some(span),
                        &format!("{key}.{field}"),
                        "a burstable instance needs both `baseline` and `surplus_per_vcpu_hour`",
                    ));
                }
            };
            let speed = match &e.speed {
                None => 1.0,
                Some(s) => crate::pricing::entries::check_speed(*s.get_ref())
                    .map_err(|m| ctx.at(Some(s.span()), &format!("{key}.speed"), m))?,
            };
            let max_pods = match &e.max_pods {
                None => None,
                Some(m) if (1..=crate::limits::MAX_PODS_PER_NODE as i64).contains(m.get_ref()) => {
                    Some(*m.get_ref() as u32)
                }
                Some(m) => {
                    return Err(ctx.at(
                        Some(m.span()),
                        &format!("{key}.max_pods"),
                        format!(
                            "expected max_pods between 1 and {}, found {}",
                            crate::limits::MAX_PODS_PER_NODE,
                            m.get_ref()
                        ),
                    ));
                }
            };
            self.instances.push(Instance {
                name,
                vcpus: vcpus as u32,
                memory_mb: memory_gib * 1024.0,
                price_per_hour: price,
                region: m.region,
                source: m.source,
                date: m.date,
                platform: Platform::Ec2,
                burst,
                lambda_managed: None,
                speed,
                max_pods,
            });
        }
        for (i, e) in raw.lambda.iter().enumerate() {
            let key = format!("lambda[{i}]");
            let m = meta(&e.meta(), d, e.cpu.span(), &key, ctx)?;
            let cpu = match e.cpu.get_ref() {
                CpuName::X86_64 => Cpu::X86_64,
                CpuName::Arm64 => Cpu::Arm64,
            };
            let twice = self
                .lambda
                .iter()
                .any(|x| x.cpu == cpu && x.region == m.region);
            once(twice, &e.cpu, &key, "cpu", ctx, || {
                format!("Lambda {cpu:?} in {}", m.region)
            })?;
            let p = |v: &Spanned<f64>, k: &str| price(v, &format!("{key}.{k}"), ctx);
            self.lambda.push(LambdaPrice {
                cpu,
                request_per_million: p(&e.request_per_million, "request_per_million")?,
                gb_second: p(&e.gb_second, "gb_second")?,
                provisioned_gb_second: p(&e.provisioned_gb_second, "provisioned_gb_second")?,
                provisioned_execution_gb_second: p(
                    &e.provisioned_execution_gb_second,
                    "provisioned_execution_gb_second",
                )?,
                region: m.region,
                source: m.source,
                date: m.date,
            });
        }
        for (i, e) in raw.lambda_tier.iter().enumerate() {
            let key = format!("lambda_tier[{i}]");
            let m = meta(&e.meta(), d, e.cpu.span(), &key, ctx)?;
            let cpu = platforms::cpu(*e.cpu.get_ref());
            let above = positive(&e.above_gb_seconds, &format!("{key}.above_gb_seconds"), ctx)?;
            let gb_second = price(&e.gb_second, &format!("{key}.gb_second"), ctx)?;
            // Tiers of one processor and region are listed in increasing
            // volume with falling prices, so the bill can walk them in order.
            if let Some(prev) = self
                .lambda_tiers
                .iter()
                .rfind(|t| t.cpu == cpu && t.region == m.region)
                && (above <= prev.above_gb_seconds || gb_second > prev.gb_second)
            {
                return Err(ctx.at(
                    Some(e.above_gb_seconds.span()),
                    &format!("{key}.above_gb_seconds"),
                    format!(
                        "tiers must come in increasing volume with prices not rising: {above} GB-s at ${gb_second} follows {} GB-s at ${}",
                        prev.above_gb_seconds, prev.gb_second
                    ),
                ));
            }
            self.lambda_tiers.push(LambdaTier {
                cpu,
                above_gb_seconds: above,
                gb_second,
                region: m.region,
                source: m.source,
                date: m.date,
            });
        }
        for (i, e) in raw.gateway.iter().enumerate() {
            let key = format!("gateway[{i}]");
            let m = meta(&e.meta(), d, e.kind.span(), &key, ctx)?;
            let kind = match e.kind.get_ref() {
                GatewayName::Http => GatewayKind::Http,
                GatewayName::Rest => GatewayKind::Rest,
            };
            let twice = self
                .gateways
                .iter()
                .any(|x| x.kind == kind && x.region == m.region);
            once(twice, &e.kind, &key, "kind", ctx, || {
                format!("gateway {kind:?} in {}", m.region)
            })?;
            self.gateways.push(GatewayPrice {
                kind,
                per_million: price(&e.per_million, &format!("{key}.per_million"), ctx)?,
                region: m.region,
                source: m.source,
                date: m.date,
            });
        }
        for (i, e) in raw.commitment.iter().enumerate() {
            let key = format!("commitment[{i}]");
            let m = meta(&e.meta(), d, e.name.span(), &key, ctx)?;
            let name = e.name.get_ref().clone();
            if !COMMITMENT_NAMES.contains(&name.as_str()) {
                return Err(ctx.at(
                    Some(e.name.span()),
                    &format!("{key}.name"),
                    format!(
                        "unknown commitment \"{name}\"; expected one of {}",
                        COMMITMENT_NAMES.join(", ")
                    ),
                ));
            }
            let upfront = *e.upfront.get_ref();
            let platform = e.platform.unwrap_or_default();
            let twice = self
                .commitments
                .iter()
                .any(|x| x.platform == platform && x.name == name && x.upfront == upfront);
            once(twice, &e.name, &key, "name", ctx, || {
                format!(
                    "commitment \"{name}\" with upfront = \"{}\" on {platform:?}",
                    upfront.name()
                )
            })?;
            if platform != Platform::Ec2 && name.starts_with("reserved") {
                let what = if platform == Platform::Fargate {
                    "Fargate"
                } else {
                    "Lambda"
                };
                return Err(ctx.at(
                    Some(e.name.span()),
                    &format!("{key}.name"),
                    format!("{what} is not sold as Reserved Instances; \"{name}\" cannot apply to it (Compute Savings Plans do)"),
                ));
            }
            let discount = *e.discount.get_ref();
            if !(0.0..1.0).contains(&discount) {
                return Err(ctx.at(
                    Some(e.discount.span()),
                    &format!("{key}.discount"),
                    format!("expected a discount in [0, 1), found {discount}"),
                ));
            }
            self.commitments.push(CommitmentPrice {
                platform,
                name,
                upfront,
                discount,
                source: m.source,
                date: m.date,
            });
        }
        self.add_fargate(&raw, ctx)?;
        self.add_network(&raw, ctx)
    }
}

/// The commitments a fleet can be priced with.
pub const COMMITMENT_NAMES: &[&str] = &[
    "savings-plan-1y",
    "savings-plan-3y",
    "reserved-1y",
    "reserved-3y",
];

/// Refuses an entry already listed (`twice`), naming it by `what()`.
fn once<T>(
    twice: bool,
    at: &Spanned<T>,
    key: &str,
    field: &str,
    ctx: &ErrorContext,
    what: impl FnOnce() -> String,
) -> Result<(), ScenarioError> {
    if twice {
        return Err(ctx.at(
            Some(at.span()),
            &format!("{key}.{field}"),
            format!("{} is listed twice", what()),
        ));
    }
    Ok(())
}

/// An entry's region, source and date, from the entry or the defaults.
struct Meta {
    region: String,
    source: String,
    date: String,
}

fn meta(
    own: &RawMeta,
    defaults: &RawMeta,
    span: Range<usize>,
    key: &str,
    ctx: &ErrorContext,
) -> Result<Meta, ScenarioError> {
    let pick = |field: &str, own: &Option<String>, default: &Option<String>| {
        own.clone()
            .or_else(|| default.clone())
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| {
                ctx.at(
                    Some(span.clone()),
                    &format!("{key}.{field}"),
                    format!("every price needs a `{field}`: set it on the entry or in [defaults]"),
                )
            })
    };
    Ok(Meta {
        region: own
            .region
            .clone()
            .or_else(|| defaults.region.clone())
            .unwrap_or_default(),
        source: pick("source", &own.source, &defaults.source)?,
        date: pick("date", &own.date, &defaults.date)?,
    })
}

/// A price of the files, bounded as the same price given in a scenario
/// (`crate::limits`); which bound applies follows from the key's unit,
/// since every price key ends with it (`_hour`, `_second`, `per_million`,
/// `per_gb`).
fn price(v: &Spanned<f64>, key: &str, ctx: &ErrorContext) -> Result<f64, ScenarioError> {
    let p = *v.get_ref();
    let (max, per) = if key.ends_with("_hour") {
        (limits::MAX_PRICE_PER_HOUR, "an hour")
    } else if key.ends_with("per_million") {
        (limits::MAX_PRICE_PER_MILLION, "per million requests")
    } else if key.ends_with("per_gb") {
        (limits::MAX_PRICE_PER_GB, "per GB")
    } else {
        (limits::MAX_PRICE_PER_UNIT_SECOND, "per unit-second")
    };
    let message = if !(p.is_finite() && p >= 0.0) {
        format!("expected a price >= 0 (USD), found {p}")
    } else if p > max {
        format!(
            "expected a price of at most {max} (USD {per}), found {}",
            limits::price(p)
        )
    } else {
        return Ok(p);
    };
    Err(ctx.at(Some(v.span()), key, message))
}

fn positive(v: &Spanned<f64>, key: &str, ctx: &ErrorContext) -> Result<f64, ScenarioError> {
    let x = *v.get_ref();
    if x.is_finite() && x > 0.0 {
        Ok(x)
    } else {
        Err(ctx.at(
            Some(v.span()),
            key,
            format!("expected a value > 0, found {x}"),
        ))
    }
}
