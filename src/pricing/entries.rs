//! What a price is: the entries the price files hold (an instance type,
//! Lambda's and the gateways' rates, a commitment's discount, Fargate,
//! Cloud Run, Lambda Managed Instances, egress and NAT gateways), each
//! with its region, source and date. [`super::price_files`] reads them and
//! [`super::catalog`] looks them up; both speak of these types.

use serde::{Deserialize, Serialize};

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
    /// CPU speed of one vCPU relative to the reference of `work` (1.0):
    /// work takes work / speed on it. Not a price: the user's benchmark.
    #[serde(skip_serializing_if = "is_reference_speed")]
    pub speed: f64,
    /// As a Kubernetes node: the most pods the node takes (EKS: one IP
    /// address per pod, so the VPC CNI's count for the type); None for a
    /// type no price file gives it for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pods: Option<u32>,
}

/// The most and least a vCPU's `speed` may be, against the reference
/// of `work`: far past any real pair of CPUs.
pub const SPEED_RANGE: (f64, f64) = (0.01, 100.0);

/// A `speed` as a scenario or price file writes it.
pub fn check_speed(v: f64) -> Result<f64, String> {
    let (lo, hi) = SPEED_RANGE;
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "expected a speed between {lo} and {hi} (1.0: the CPU `work` is measured on), found {v}"
        ))
    }
}

fn is_reference_speed(s: &f64) -> bool {
    *s == 1.0
}

/// How long `work` (CPU time at one reference vCPU) takes on a vCPU of
/// `speed`: unchanged at 1.0, so that default runs stay byte for byte.
#[inline]
pub fn run_time(work: crate::time::SimTime, speed: f64) -> crate::time::SimTime {
    if speed == 1.0 {
        work
    } else {
        crate::time::SimTime((work.as_nanos() as f64 / speed).round() as u64)
    }
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// How Cloud Run bills an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CloudRunBilling {
    /// Only while it serves at least one request, plus a fee per request.
    Request,
    /// For its whole life, at lower rates and with no request fee.
    Instance,
}

/// Lambda's prices for one processor architecture and region.
#[derive(Clone, Debug, PartialEq)]
pub struct LambdaPrice {
    pub cpu: Cpu,
    pub region: String,
    pub request_per_million: f64,
    pub gb_second: f64,
    pub provisioned_gb_second: f64,
    pub provisioned_execution_gb_second: f64,
    pub source: String,
    pub date: String,
}

/// An API gateway's price per million requests.
#[derive(Clone, Debug, PartialEq)]
pub struct GatewayPrice {
    pub kind: GatewayKind,
    pub region: String,
    pub per_million: f64,
    pub source: String,
    pub date: String,
}

/// How much of a commitment is paid before the term starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Upfront {
    None,
    Partial,
    All,
}

impl Upfront {
    pub fn name(self) -> &'static str {
        match self {
            Upfront::None => "none",
            Upfront::Partial => "partial",
            Upfront::All => "all",
        }
    }
}

/// A commitment's discount off the on-demand price.
#[derive(Clone, Debug, PartialEq)]
pub struct CommitmentPrice {
    /// What it discounts: EC2 instances or Fargate tasks.
    pub platform: Platform,
    /// "savings-plan-3y", "reserved-1y", ...
    pub name: String,
    pub upfront: Upfront,
    /// Fraction off the on-demand price, in [0, 1).
    pub discount: f64,
    pub source: String,
    pub date: String,
}

/// A lower Lambda duration price for the GB-seconds of a month above a
/// volume.
#[derive(Clone, Debug, PartialEq)]
pub struct LambdaTier {
    pub cpu: Cpu,
    pub region: String,
    /// GB-seconds a month above which `gb_second` applies.
    pub above_gb_seconds: f64,
    pub gb_second: f64,
    pub source: String,
    pub date: String,
}

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
    /// The monthly free tier of a billing account: vCPU-seconds,
    /// GiB-seconds and requests (0 where the price file gives none).
    pub free: CloudRunFree,
    pub source: String,
    pub date: String,
}

/// Cloud Run's monthly free tier, per billing account.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CloudRunFree {
    pub vcpu_seconds: f64,
    pub gib_seconds: f64,
    pub requests: f64,
}

/// Lambda Managed Instances' fees on top of the EC2 instances it runs on,
/// in one region.
#[derive(Clone, Debug, PartialEq)]
pub struct LambdaManagedPrice {
    pub region: String,
    /// The management fee, a share of the instance's EC2 On-Demand price.
    pub management_fee: f64,
    pub request_per_million: f64,
    pub source: String,
    pub date: String,
}

/// Internet egress in one region, per GB (GiB) sent.
#[derive(Clone, Debug, PartialEq)]
pub struct EgressPrice {
    pub region: String,
    pub per_gb: f64,
    pub source: String,
    pub date: String,
}

/// A managed NAT gateway in one region: per gateway-hour and per GB
/// (GiB) it processes.
#[derive(Clone, Debug, PartialEq)]
pub struct NatGatewayPrice {
    pub region: String,
    pub per_hour: f64,
    pub per_gb: f64,
    pub source: String,
    pub date: String,
}
