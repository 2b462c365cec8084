//! The price catalog: server instances, Lambda, API gateways and fleet
//! commitments, each entry with its region, source and date. The data is
//! in `assets/prices/*.toml` (see [`super::price_files`]), compiled in and
//! validated once; a scenario can describe any instance or price inline,
//! and these entries only save typing.

use super::price_files::{
    Catalog, CloudRunPrice, CommitmentPrice, EgressPrice, FargatePrice, LambdaManagedPrice,
    NatGatewayPrice, PriceFileError, Upfront,
};
use serde::Serialize;
use std::sync::OnceLock;

/// The region a bare instance or Lambda name refers to.
pub const DEFAULT_REGION: &str = "us-east-1";

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
    /// Where it runs: an EC2 instance, or a Fargate task (priced from its
    /// vCPUs and memory, and covered by Savings Plans only).
    pub platform: Platform,
    /// A burstable type (T3, T4g) in unlimited mode: CPU above its
    /// baseline is billed as surplus credits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub burst: Option<Burst>,
    /// Lambda Managed Instances: the instance runs Lambda functions, and
    /// AWS adds a management fee and a request fee to its EC2 price.
    #[serde(skip)]
    pub lambda_managed: Option<LambdaManagedPrice>,
}

/// What a burstable instance may use without extra charge, and what more
/// costs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Burst {
    /// Baseline utilisation per vCPU, a fraction.
    pub baseline: f64,
    /// Per vCPU-hour used above the baseline (unlimited mode).
    pub surplus_per_vcpu_hour: f64,
}

/// What a fleet's servers are, for the prices and commitments that apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    #[default]
    Ec2,
    Fargate,
    /// Lambda, for its Compute Savings Plans discount (never a server).
    Lambda,
}

impl Platform {
    /// What one of its servers is called in price notes.
    pub fn server(self) -> &'static str {
        match self {
            Platform::Ec2 => "server",
            Platform::Fargate => "task",
            Platform::Lambda => "function",
        }
    }
}

fn loaded() -> &'static Result<Catalog, PriceFileError> {
    static CATALOG: OnceLock<Result<Catalog, PriceFileError>> = OnceLock::new();
    CATALOG.get_or_init(Catalog::builtin)
}

/// Checks the bundled price files; the command line calls it first, so a
/// bad file stops the program before anything is priced with it.
pub fn validate() -> Result<(), PriceFileError> {
    loaded().as_ref().map(|_| ()).map_err(Clone::clone)
}

/// The bundled catalog. Empty if its files are invalid, which
/// [`validate`] reports (and a unit test rules out for the shipped files).
pub fn catalog() -> &'static Catalog {
    static EMPTY: Catalog = Catalog {
        instances: Vec::new(),
        lambda: Vec::new(),
        gateways: Vec::new(),
        commitments: Vec::new(),
        fargate: Vec::new(),
        cloud_run: Vec::new(),
        lambda_managed: Vec::new(),
        egress: Vec::new(),
        nat_gateways: Vec::new(),
        lambda_tiers: Vec::new(),
    };
    loaded().as_ref().unwrap_or(&EMPTY)
}

/// Looks up a built-in instance type in the default region.
pub fn instance(name: &str) -> Option<Instance> {
    catalog()
        .instances
        .iter()
        .find(|i| i.name == name && i.region == DEFAULT_REGION)
        .cloned()
}

/// The names of every built-in instance type, for error messages.
pub fn instance_names() -> Vec<&'static str> {
    catalog()
        .instances
        .iter()
        .filter(|i| i.region == DEFAULT_REGION)
        .map(|i| i.name.as_str())
        .collect()
}

/// A commitment's published discount on `platform`.
pub fn commitment(
    platform: Platform,
    name: &str,
    upfront: Upfront,
) -> Option<&'static CommitmentPrice> {
    catalog()
        .commitments
        .iter()
        .find(|c| c.platform == platform && c.name == name && c.upfront == upfront)
}

/// Fargate's prices for `cpu` in the default region.
pub fn fargate(cpu: Cpu) -> Option<&'static FargatePrice> {
    catalog()
        .fargate
        .iter()
        .find(|f| f.cpu == cpu && f.region == DEFAULT_REGION)
}

/// Lambda Managed Instances' fees in the default region.
pub fn lambda_managed() -> Option<&'static LambdaManagedPrice> {
    catalog()
        .lambda_managed
        .iter()
        .find(|l| l.region == DEFAULT_REGION)
}

/// Internet egress in `region`.
pub fn egress(region: &str) -> Option<&'static EgressPrice> {
    catalog().egress.iter().find(|e| e.region == region)
}

/// A NAT gateway in `region`.
pub fn nat_gateway(region: &str) -> Option<&'static NatGatewayPrice> {
    catalog().nat_gateways.iter().find(|e| e.region == region)
}

/// How Cloud Run bills an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CloudRunBilling {
    /// Only while it serves at least one request, plus a fee per request.
    Request,
    /// For its whole life, at lower rates and with no request fee.
    Instance,
}

/// Cloud Run's prices for `billing` (its Tier 1 regions).
pub fn cloud_run(billing: CloudRunBilling) -> Option<&'static CloudRunPrice> {
    catalog().cloud_run.iter().find(|c| c.billing == billing)
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
    /// Lower on-demand duration prices above monthly volumes: (GB-seconds
    /// a month above which, price per GB-second), increasing. Empty when
    /// the scenario sets its own `gb_second`. Not serialized: what the
    /// tiers saved is in the cost.
    #[serde(skip)]
    pub tiers: Vec<(f64, f64)>,
    /// A Compute Savings Plan, whose discount is already in the duration
    /// and provisioned prices above (and in `tiers`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub savings_plan: Option<LambdaSavingsPlan>,
}

/// The Compute Savings Plan a Lambda architecture is bought with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LambdaSavingsPlan {
    pub name: String,
    pub upfront: Upfront,
    /// Fraction off duration and provisioned concurrency.
    pub discount: f64,
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

/// Lambda's published prices for `cpu`, with the gateway's per-request
/// price, in the default region.
pub fn lambda_pricing(cpu: Cpu, gateway: GatewayKind) -> ServerlessPricing {
    let c = catalog();
    let lambda = c
        .lambda
        .iter()
        .find(|l| l.cpu == cpu && l.region == DEFAULT_REGION);
    let gateway_per_million = c
        .gateways
        .iter()
        .find(|g| g.kind == gateway && g.region == DEFAULT_REGION)
        .map_or(0.0, |g| g.per_million);
    match lambda {
        Some(l) => ServerlessPricing {
            request_per_million: l.request_per_million,
            gb_second: l.gb_second,
            provisioned_gb_second: l.provisioned_gb_second,
            provisioned_execution_gb_second: l.provisioned_execution_gb_second,
            gateway_per_million,
            source: l.source.clone(),
            date: l.date.clone(),
            tiers: c
                .lambda_tiers
                .iter()
                .filter(|t| t.cpu == cpu && t.region == DEFAULT_REGION)
                .map(|t| (t.above_gb_seconds, t.gb_second))
                .collect(),
            savings_plan: None,
        },
        // Only with invalid price files, which stop the program first.
        None => ServerlessPricing {
            request_per_million: 0.0,
            gb_second: 0.0,
            provisioned_gb_second: 0.0,
            provisioned_execution_gb_second: 0.0,
            gateway_per_million,
            source: "missing from the price files".into(),
            date: String::new(),
            tiers: Vec::new(),
            savings_plan: None,
        },
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
    fn the_bundled_price_files_are_valid() {
        validate().unwrap();
        let c = catalog();
        assert_eq!(c.instances.len(), 16);
        assert_eq!(c.lambda.len(), 2);
        assert_eq!(c.lambda_tiers.len(), 4);
        assert_eq!(c.gateways.len(), 2);
        assert_eq!(c.commitments.len(), 17);
        assert_eq!(c.fargate.len(), 2);
        assert_eq!(c.cloud_run.len(), 2);
        assert_eq!(c.egress.len(), 2);
        assert_eq!(c.nat_gateways.len(), 1);
        // domain.md: a t3.micro has 2 vCPUs and a 10 % baseline.
        let micro = instance("t3.micro").unwrap();
        assert_eq!(micro.vcpus, 2);
        assert_eq!(micro.burst.unwrap().baseline, 0.10);
    }

    #[test]
    fn lambda_prices_are_the_published_ones() {
        let x86 = lambda_pricing(Cpu::X86_64, GatewayKind::Http);
        assert_eq!(x86.gb_second, 0.0000166667);
        assert_eq!(x86.request_per_million, 0.20);
        assert_eq!(x86.gateway_per_million, 1.00);
        assert_eq!(x86.provisioned_gb_second, 0.0000041667);
        let arm = lambda_pricing(Cpu::Arm64, GatewayKind::None);
        assert_eq!(arm.gb_second, 0.0000133334);
        assert_eq!(arm.gateway_per_million, 0.0);
        assert_eq!(
            lambda_pricing(Cpu::X86_64, GatewayKind::Rest).gateway_per_million,
            3.50
        );
        // Published by AWS, not derived from the x86 ones.
        assert_eq!(arm.provisioned_gb_second, 0.0000033334);
        assert_eq!(arm.provisioned_execution_gb_second, 0.0000077778);
    }

    #[test]
    fn knows_the_documented_instances() {
        let m5 = instance("m5.large").unwrap();
        assert_eq!((m5.vcpus, m5.price_per_hour), (2, 0.096));
        assert_eq!(instance("c5.xlarge").unwrap().vcpus, 4);
        assert_eq!(instance("m7g.large").unwrap().price_per_hour, 0.0816);
        assert!(instance("z9.huge").is_none());
    }
}
