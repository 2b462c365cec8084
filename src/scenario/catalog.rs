//! Built-in price and size data for server instances, each entry with its
//! region, source and date. Prices are data, not constants: a scenario can
//! describe any instance inline, and these entries only save typing.

use serde::Serialize;

/// A server type a fleet can be made of.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Instance {
    pub name: String,
    pub vcpus: u32,
    pub memory_mb: f64,
    pub price_per_hour: f64,
    pub region: String,
    pub source: String,
    /// When the price was read from its source (ISO date or month).
    pub date: String,
}

const EC2_SOURCE: &str = "AWS EC2 On-Demand pricing, Linux, us-east-1";
const EC2_DATE: &str = "2025-06";

/// (name, vCPUs, memory GiB, USD per hour)
const EC2: &[(&str, u32, f64, f64)] = &[
    ("m5.large", 2, 8.0, 0.096),
    ("m5.xlarge", 4, 16.0, 0.192),
    ("m5.2xlarge", 8, 32.0, 0.384),
    ("c5.large", 2, 4.0, 0.085),
    ("c5.xlarge", 4, 8.0, 0.170),
    ("c5.2xlarge", 8, 16.0, 0.340),
    ("m7g.large", 2, 8.0, 0.0816),
    ("m7g.xlarge", 4, 16.0, 0.1632),
    ("t3.medium", 2, 4.0, 0.0416),
];

/// Looks up a built-in instance type.
pub fn instance(name: &str) -> Option<Instance> {
    EC2.iter()
        .find(|(n, ..)| *n == name)
        .map(|&(n, vcpus, gib, price)| Instance {
            name: n.to_string(),
            vcpus,
            memory_mb: gib * 1024.0,
            price_per_hour: price,
            region: "us-east-1".into(),
            source: EC2_SOURCE.into(),
            date: EC2_DATE.into(),
        })
}

/// The names of every built-in instance type, for error messages.
pub fn instance_names() -> Vec<&'static str> {
    EC2.iter().map(|(n, ..)| *n).collect()
}

/// Serverless prices (AWS Lambda and API Gateway, us-east-1). Every field
/// can be overridden in a scenario's `pricing` table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServerlessPricing {
    /// Per million function invocations (chained ones too).
    pub request_per_million: f64,
    /// Per GB-second of billed duration, on-demand.
    pub gb_second: f64,
    /// Per GB-second an instance is kept provisioned.
    pub provisioned_gb_second: f64,
    /// Per GB-second of duration on a provisioned instance.
    pub provisioned_execution_gb_second: f64,
    /// Per million requests through the API gateway.
    pub gateway_per_million: f64,
    pub source: String,
    pub date: String,
}

/// The processor architecture of a function: it sets the price.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Cpu {
    X86_64,
    Arm64,
}

/// Which API gateway fronts the entry function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum GatewayKind {
    None,
    Http,
    Rest,
}

const LAMBDA_SOURCE: &str = "AWS Lambda and API Gateway pricing pages, us-east-1 (INIT billed since 2025-08-01); arm64 provisioned prices are the x86 ones × 0.8";
const LAMBDA_DATE: &str = "2025-08";

/// Lambda's published prices for `cpu`, with the gateway's per-request price.
pub fn lambda_pricing(cpu: Cpu, gateway: GatewayKind) -> ServerlessPricing {
    // arm64 runs 20 % cheaper per GB-second on every duration line.
    let arm = if cpu == Cpu::Arm64 { 0.8 } else { 1.0 };
    ServerlessPricing {
        request_per_million: 0.20,
        gb_second: if cpu == Cpu::Arm64 {
            0.0000133334
        } else {
            0.0000166667
        },
        provisioned_gb_second: 0.0000041667 * arm,
        provisioned_execution_gb_second: 0.0000097222 * arm,
        gateway_per_million: match gateway {
            GatewayKind::None => 0.0,
            GatewayKind::Http => 1.00,
            GatewayKind::Rest => 3.50,
        },
        source: LAMBDA_SOURCE.into(),
        date: LAMBDA_DATE.into(),
    }
}

/// Lambda's documented platform defaults, with their sources.
pub mod lambda_defaults {
    use crate::time::SimTime;
    /// Account concurrency per region (AWS Lambda quotas page).
    pub const CONCURRENCY_LIMIT: u32 = 1000;
    /// New execution environments per function per 10 s (since Nov 2023).
    pub const SCALE_INSTANCES: u32 = 1000;
    pub const SCALE_PER: SimTime = SimTime::from_secs(10);
    /// Idle instances are reclaimed after about 10 minutes (mikhail.io, 2019).
    pub const KEEP_ALIVE: SimTime = SimTime::from_secs(600);
    pub const MEMORY_MB: f64 = 1024.0;
    /// CPU share is proportional to memory: 1,769 MB is one vCPU.
    pub const MB_PER_VCPU: f64 = 1769.0;
    pub const MIN_MEMORY_MB: f64 = 128.0;
    pub const MAX_MEMORY_MB: f64 = 10240.0;
    /// Cold start when none is given: lognormal, median 250 ms, p99 1.2 s
    /// (real functions with dependencies take 0.15–2.5 s).
    pub const COLD_START_MEDIAN_S: f64 = 0.25;
    pub const COLD_START_P99_S: f64 = 1.2;
    /// Latency an API gateway adds per request (an assumption: a few ms).
    pub const GATEWAY_LATENCY: SimTime = SimTime::from_millis(5);
    /// Latency added per function-to-function invocation (an assumption).
    pub const HOP_LATENCY: SimTime = SimTime::from_millis(2);
    /// Free tier per month: 1 M requests and 400,000 GB-s.
    pub const FREE_REQUESTS_PER_MONTH: f64 = 1.0e6;
    pub const FREE_GB_SECONDS_PER_MONTH: f64 = 400_000.0;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_documented_instances() {
        let m5 = instance("m5.large").unwrap();
        assert_eq!((m5.vcpus, m5.price_per_hour), (2, 0.096));
        assert_eq!(instance("c5.xlarge").unwrap().vcpus, 4);
        assert_eq!(instance("m7g.large").unwrap().price_per_hour, 0.0816);
        assert!(instance("z9.huge").is_none());
    }
}
