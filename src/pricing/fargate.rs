//! Fargate tasks as a fleet's servers: the task sizes AWS allows, and the
//! hourly price of one from its vCPUs and memory. A task is then a server
//! like any other — billed per second from launch with a one-minute
//! minimum, serving after its `boot_time` (image pull and start) — so the
//! fixed and autoscaled fleet kinds run Fargate services unchanged.

use super::catalog::Prices;
use crate::pricing::entries::{Cpu, Instance, Platform};

/// Memory (GiB) a task of `vcpus` may have: (least, most, step), from the
/// task-size table of the Amazon ECS developer guide ("Task CPU and
/// memory"; sizes unchanged since 2020, checked 2026-11-29 against the
/// table quoted by wring.co, March 2026).
const SIZES: &[(f64, f64, f64, f64)] = &[
    (0.25, 0.5, 2.0, 0.0), // 0.5, 1 or 2 GB: handled below
    (0.5, 1.0, 4.0, 1.0),
    (1.0, 2.0, 8.0, 1.0),
    (2.0, 4.0, 16.0, 1.0),
    (4.0, 8.0, 30.0, 1.0),
    (8.0, 16.0, 60.0, 4.0),
    (16.0, 32.0, 120.0, 8.0),
];

/// Whether Fargate offers a task of `vcpus` vCPUs and `gib` GiB.
fn allowed(vcpus: f64, gib: f64) -> bool {
    let Some(&(_, lo, hi, step)) = SIZES.iter().find(|s| s.0 == vcpus) else {
        return false;
    };
    if step == 0.0 {
        return [0.5, 1.0, 2.0].contains(&gib);
    }
    let k = (gib - lo) / step;
    gib >= lo && gib <= hi && k == k.round()
}

/// The sizes Fargate allows, for messages.
fn sizes() -> &'static str {
    "0.25 vCPU: 0.5, 1 or 2 GB; 0.5 vCPU: 1-4 GB; 1 vCPU: 2-8 GB; 2 vCPU: 4-16 GB \
     (1 GB steps); 4 vCPU: 8-30 GB (1 GB steps); 8 vCPU: 16-60 GB (4 GB steps); \
     16 vCPU: 32-120 GB (8 GB steps)"
}

/// A Fargate task of `vcpus` and `memory_mb` on `cpu`, priced from
/// `prices` unless `price_per_hour` is given.
pub fn task(
    prices: &Prices,
    vcpus: f64,
    memory_mb: f64,
    cpu: Cpu,
    price_per_hour: Option<f64>,
) -> Result<Instance, String> {
    let gib = memory_mb / 1024.0;
    if memory_mb <= 0.0 {
        return Err("a Fargate task needs `memory`, such as \"2GB\"".into());
    }
    if !allowed(vcpus, gib) {
        return Err(format!(
            "Fargate has no task of {vcpus} vCPU and {gib} GB; it offers {}",
            sizes()
        ));
    }
    if vcpus < 1.0 {
        // A job holds one whole vCPU for its work; a fraction of one would
        // need work to run slower, which fleets do not model.
        return Err(format!(
            "a {vcpus}-vCPU Fargate task is not modelled: a fleet's job holds one whole vCPU; use vcpus = 1 or more"
        ));
    }
    let (price, source, date) = match (price_per_hour, prices.fargate(cpu)) {
        (Some(p), _) => (p, "scenario file".to_string(), String::new()),
        (None, Some(f)) => (
            // Rounded to a billionth of a dollar: the sum's float noise
            // would otherwise show in `check` and the price notes.
            ((vcpus * f.vcpu_hour + gib * f.gb_hour) * 1e9).round() / 1e9,
            f.source.clone(),
            f.date.clone(),
        ),
        (None, None) => {
            return Err(format!(
                "the price files have no Fargate price for {cpu:?} in {}; give `price_per_hour`, or add it in a price file listed in `price_files`",
                prices.region()
            ));
        }
    };
    let arch = match cpu {
        Cpu::X86_64 => "",
        Cpu::Arm64 => " arm64",
    };
    Ok(Instance {
        name: format!("fargate {vcpus} vCPU {gib} GB{arch}"),
        vcpus: vcpus as u32,
        memory_mb,
        price_per_hour: price,
        region: prices.region().to_string(),
        source,
        date,
        platform: Platform::Fargate,
        burst: None,
        lambda_managed: None,
        speed: 1.0,
        max_pods: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_allowed_task_sizes() {
        assert!(allowed(0.25, 0.5) && allowed(0.25, 2.0) && !allowed(0.25, 3.0));
        assert!(allowed(1.0, 2.0) && allowed(1.0, 8.0) && !allowed(1.0, 1.0));
        assert!(allowed(4.0, 30.0) && !allowed(4.0, 31.0));
        assert!(allowed(8.0, 20.0) && !allowed(8.0, 18.0));
        assert!(allowed(16.0, 120.0) && !allowed(16.0, 36.0));
        assert!(!allowed(3.0, 8.0));
    }

    #[test]
    fn a_task_costs_its_vcpus_and_memory_at_the_published_rates() {
        let p = Prices::default();
        let t = task(&p, 1.0, 2048.0, Cpu::X86_64, None).unwrap();
        assert!((t.price_per_hour - (0.04048 + 2.0 * 0.004445)).abs() < 1e-12);
        assert_eq!(t.vcpus, 1);
        let a = task(&p, 2.0, 4096.0, Cpu::Arm64, None).unwrap();
        assert!((a.price_per_hour - (2.0 * 0.03238 + 4.0 * 0.00356)).abs() < 1e-12);
        assert!(
            task(&p, 1.0, 1024.0, Cpu::X86_64, None)
                .unwrap_err()
                .contains("offers")
        );
        assert!(
            task(&p, 0.5, 1024.0, Cpu::X86_64, None)
                .unwrap_err()
                .contains("not modelled")
        );
    }
}
