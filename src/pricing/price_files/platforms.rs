//! The price-file entries of container platforms priced by the resources
//! a task or instance is given rather than by an instance type: Fargate's
//! vCPU-hour and GB-hour, Cloud Run's vCPU-second and GiB-second.

use super::raw::{CpuName, RawFile};
use super::{Catalog, meta, once, price};
use crate::file_error::{ErrorContext, ScenarioError};
use crate::pricing::entries::{CloudRunFree, CloudRunPrice, Cpu, FargatePrice, LambdaManagedPrice};

pub(super) fn cpu(name: CpuName) -> Cpu {
    match name {
        CpuName::X86_64 => Cpu::X86_64,
        CpuName::Arm64 => Cpu::Arm64,
    }
}

impl Catalog {
    pub(super) fn add_fargate(
        &mut self,
        raw: &RawFile,
        ctx: &ErrorContext,
    ) -> Result<(), ScenarioError> {
        for (i, e) in raw.fargate.iter().enumerate() {
            let key = format!("fargate[{i}]");
            let m = meta(&e.meta(), &raw.defaults, e.cpu.span(), &key, ctx)?;
            let cpu = cpu(*e.cpu.get_ref());
            let twice = self
                .fargate
                .iter()
                .any(|x| x.cpu == cpu && x.region == m.region);
            once(twice, &e.cpu, &key, "cpu", ctx, || {
                format!("Fargate {cpu:?} in {}", m.region)
            })?;
            self.fargate.push(FargatePrice {
                cpu,
                vcpu_hour: price(&e.vcpu_hour, &format!("{key}.vcpu_hour"), ctx)?,
                gb_hour: price(&e.gb_hour, &format!("{key}.gb_hour"), ctx)?,
                region: m.region,
                source: m.source,
                date: m.date,
            });
        }
        for (i, e) in raw.cloud_run.iter().enumerate() {
            let key = format!("cloud_run[{i}]");
            let m = meta(&e.meta(), &raw.defaults, e.billing.span(), &key, ctx)?;
            let billing = *e.billing.get_ref();
            let twice = self
                .cloud_run
                .iter()
                .any(|x| x.billing == billing && x.region == m.region);
            once(twice, &e.billing, &key, "billing", ctx, || {
                format!("Cloud Run {billing:?} billing in {}", m.region)
            })?;
            let p = |v, k: &str| price(v, &format!("{key}.{k}"), ctx);
            // An amount a month, not a price: any finite count from 0.
            let free = |v: &Option<toml::Spanned<f64>>, k: &str| match v {
                None => Ok(0.0),
                Some(v) if v.get_ref().is_finite() && (0.0..=1e15).contains(v.get_ref()) => {
                    Ok(*v.get_ref())
                }
                Some(v) => Err(ctx.at(
                    Some(v.span()),
                    &format!("{key}.{k}"),
                    format!(
                        "expected an amount a month between 0 and 1e15, found {}",
                        v.get_ref()
                    ),
                )),
            };
            self.cloud_run.push(CloudRunPrice {
                billing,
                vcpu_second: p(&e.vcpu_second, "vcpu_second")?,
                gib_second: p(&e.gib_second, "gib_second")?,
                request_per_million: p(&e.request_per_million, "request_per_million")?,
                free: CloudRunFree {
                    vcpu_seconds: free(&e.free_vcpu_seconds, "free_vcpu_seconds")?,
                    gib_seconds: free(&e.free_gib_seconds, "free_gib_seconds")?,
                    requests: free(&e.free_requests, "free_requests")?,
                },
                region: m.region,
                source: m.source,
                date: m.date,
            });
        }
        self.add_lambda_managed(raw, ctx)
    }

    fn add_lambda_managed(
        &mut self,
        raw: &RawFile,
        ctx: &ErrorContext,
    ) -> Result<(), ScenarioError> {
        for (i, e) in raw.lambda_managed.iter().enumerate() {
            let key = format!("lambda_managed[{i}]");
            let span = e.management_fee.span();
            let m = meta(&e.meta(), &raw.defaults, span.clone(), &key, ctx)?;
            if self.lambda_managed.iter().any(|x| x.region == m.region) {
                return Err(ctx.at(
                    Some(span),
                    &key,
                    format!("Lambda Managed Instances in {} are priced twice", m.region),
                ));
            }
            let fee = *e.management_fee.get_ref();
            if !(0.0..=1.0).contains(&fee) {
                return Err(ctx.at(
                    Some(span),
                    &format!("{key}.management_fee"),
                    format!("expected a share of the EC2 price in [0, 1], found {fee}"),
                ));
            }
            self.lambda_managed.push(LambdaManagedPrice {
                management_fee: fee,
                request_per_million: price(
                    &e.request_per_million,
                    &format!("{key}.request_per_million"),
                    ctx,
                )?,
                region: m.region,
                source: m.source,
                date: m.date,
            });
        }
        Ok(())
    }
}
