//! The price-file entries of container platforms priced by the resources
//! a task or instance is given rather than by an instance type: Fargate's
//! vCPU-hour and GB-hour.

use super::raw::{CpuName, RawFile};
use super::{Catalog, meta, once, price};
use crate::scenario::catalog::Cpu;
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
        Ok(())
    }
}
