//! The price-file entries of container platforms priced by the resources
//! a task or instance is given rather than by an instance type: Fargate's
//! vCPU-hour and GB-hour, Cloud Run's vCPU-second and GiB-second.

use super::raw::{CpuName, RawFile};
use super::{Catalog, meta, once, price};
use crate::scenario::catalog::{CloudRunBilling, Cpu};
use crate::scenario::error::{ErrorContext, ScenarioError};

/// Fargate's prices for one processor architecture and region.
#[derive(Clone, Debug, PartialEq)]
pub struct FargatePrice {
    pub cpu: Cpu,
    pub region: String,
    /// Per vCPU a task is given, per hour.
    pub vcpu_hour: f64,
    /// Per GB (GiB) of memory a task is given, per hour.
    pub gb_hour: f64,
    pub source: String,
    pub date: String,
}

/// Cloud Run's prices for one billing mode and region.
#[derive(Clone, Debug, PartialEq)]
pub struct CloudRunPrice {
    pub billing: CloudRunBilling,
    pub region: String,
    /// Per vCPU of billable instance time, per second.
    pub vcpu_second: f64,
    /// Per GiB of billable instance time, per second.
    pub gib_second: f64,
    pub request_per_million: f64,
    pub source: String,
    pub date: String,
}

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
            self.cloud_run.push(CloudRunPrice {
                billing,
                vcpu_second: p(&e.vcpu_second, "vcpu_second")?,
                gib_second: p(&e.gib_second, "gib_second")?,
                request_per_million: p(&e.request_per_million, "request_per_million")?,
                region: m.region,
                source: m.source,
                date: m.date,
            });
        }
        Ok(())
    }
}
