//! The price files as written: serde mirrors of their tables, denying
//! unknown keys and keeping each value's position for messages.

use crate::pricing::entries::{CloudRunBilling, Platform, Upfront};
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMeta {
    pub(super) region: Option<String>,
    pub(super) source: Option<String>,
    pub(super) date: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    #[serde(default)]
    pub(super) defaults: RawMeta,
    #[serde(default)]
    pub(super) instance: Vec<RawInstance>,
    #[serde(default)]
    pub(super) lambda: Vec<RawLambda>,
    #[serde(default)]
    pub(super) gateway: Vec<RawGateway>,
    #[serde(default)]
    pub(super) commitment: Vec<RawCommitment>,
    #[serde(default)]
    pub(super) fargate: Vec<RawFargate>,
    #[serde(default)]
    pub(super) cloud_run: Vec<RawCloudRun>,
    #[serde(default)]
    pub(super) lambda_managed: Vec<RawLambdaManaged>,
    #[serde(default)]
    pub(super) lambda_tier: Vec<RawLambdaTier>,
    #[serde(default)]
    pub(super) egress: Vec<RawEgress>,
    #[serde(default)]
    pub(super) nat_gateway: Vec<RawNatGateway>,
}

// The entries cannot flatten `RawMeta` in: flatten turns off
// `deny_unknown_fields` and loses spans. Each repeats the three keys and
// hands them over with `meta`.
macro_rules! entry {
    ($name:ident { $($f:ident: $t:ty),* $(,)? }) => {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(super) struct $name {
            $(pub(super) $f: $t,)*
            pub(super) region: Option<String>,
            pub(super) source: Option<String>,
            pub(super) date: Option<String>,
        }
        impl $name {
            pub(super) fn meta(&self) -> RawMeta {
                RawMeta {
                    region: self.region.clone(),
                    source: self.source.clone(),
                    date: self.date.clone(),
                }
            }
        }
    };
}

entry!(RawInstance {
    name: Spanned<String>,
    vcpus: Spanned<i64>,
    memory_gib: Spanned<f64>,
    price_per_hour: Spanned<f64>,
    baseline: Option<Spanned<f64>>,
    surplus_per_vcpu_hour: Option<Spanned<f64>>,
    speed: Option<Spanned<f64>>,
    max_pods: Option<Spanned<i64>>,
});
entry!(RawLambda {
    cpu: Spanned<CpuName>,
    request_per_million: Spanned<f64>,
    gb_second: Spanned<f64>,
    provisioned_gb_second: Spanned<f64>,
    provisioned_execution_gb_second: Spanned<f64>,
});
entry!(RawGateway {
    kind: Spanned<GatewayName>,
    per_million: Spanned<f64>,
});
entry!(RawCommitment {
    platform: Option<Platform>,
    name: Spanned<String>,
    upfront: Spanned<Upfront>,
    discount: Spanned<f64>,
});

entry!(RawFargate {
    cpu: Spanned<CpuName>,
    vcpu_hour: Spanned<f64>,
    gb_hour: Spanned<f64>,
});

entry!(RawCloudRun {
    billing: Spanned<CloudRunBilling>,
    vcpu_second: Spanned<f64>,
    gib_second: Spanned<f64>,
    request_per_million: Spanned<f64>,
    free_vcpu_seconds: Option<Spanned<f64>>,
    free_gib_seconds: Option<Spanned<f64>>,
    free_requests: Option<Spanned<f64>>,
});

entry!(RawLambdaManaged {
    management_fee: Spanned<f64>,
    request_per_million: Spanned<f64>,
});

entry!(RawLambdaTier {
    cpu: Spanned<CpuName>,
    above_gb_seconds: Spanned<f64>,
    gb_second: Spanned<f64>,
});

entry!(RawEgress {
    per_gb: Spanned<f64>,
});

entry!(RawNatGateway {
    per_hour: Spanned<f64>,
    per_gb: Spanned<f64>,
});

#[derive(Debug, Clone, Copy, Deserialize)]
pub(super) enum CpuName {
    #[serde(rename = "x86_64")]
    X86_64,
    #[serde(rename = "arm64")]
    Arm64,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum GatewayName {
    Http,
    Rest,
}
