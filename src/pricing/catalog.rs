//! The price catalog: server instances, Lambda, API gateways and fleet
//! commitments, each entry with its region, source and date. The data is
//! in `assets/prices/*.toml` (see [`super::price_files`]), compiled in and
//! validated once; a scenario can describe any instance or price inline,
//! and these entries only save typing. A scenario's names are looked up in
//! its [`Prices`]: its region, its own price files, then the bundled ones.

use super::price_files::{Catalog, PriceFileError};
use crate::pricing::entries::{
    CloudRunBilling, CloudRunPrice, CommitmentPrice, Cpu, EgressPrice, FargatePrice, GatewayKind,
    Instance, LambdaManagedPrice, NatGatewayPrice, Platform, Upfront,
};
use serde::Serialize;
use std::sync::OnceLock;

/// The region a bare instance or Lambda name refers to.
pub const DEFAULT_REGION: &str = "us-east-1";

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

/// The prices one scenario is read with: its region, and the price files
/// it lists, searched before the bundled ones. Every lookup names what it
/// finds in that region; nothing is looked up behind the caller's back.
#[derive(Clone, Debug, PartialEq)]
pub struct Prices {
    region: String,
    own: Catalog,
}

impl Default for Prices {
    /// The bundled prices of [`DEFAULT_REGION`].
    fn default() -> Prices {
        Prices::new(DEFAULT_REGION, Catalog::default())
    }
}

impl Prices {
    /// The prices of `region`, from `own` (a scenario's price files,
    /// searched first) and then the bundled files.
    pub fn new(region: &str, own: Catalog) -> Prices {
        Prices {
            region: region.to_string(),
            own,
        }
    }

    /// The region names and prices are looked up in.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The catalogs searched, the scenario's own files first.
    fn catalogs(&self) -> [&Catalog; 2] {
        [&self.own, catalog()]
    }

    /// The first entry `pick` finds in the catalogs.
    fn lookup<T>(&self, pick: impl Fn(&Catalog, &str) -> Option<T>) -> Option<T> {
        self.catalogs().iter().find_map(|c| pick(c, &self.region))
    }

    /// What `f` lists from every catalog, in order, for listings.
    fn each<T>(&self, f: impl Fn(&Catalog, &str) -> Vec<T>) -> Vec<T> {
        self.catalogs()
            .iter()
            .flat_map(|c| f(c, &self.region))
            .collect()
    }

    /// Looks up an instance type in the prices' region.
    pub fn instance(&self, name: &str) -> Option<Instance> {
        self.lookup(|c, region| {
            c.instances
                .iter()
                .find(|i| i.name == name && i.region == region)
                .cloned()
        })
    }

    /// The names of the instance types of the prices' region, for error
    /// messages.
    pub fn instance_names(&self) -> Vec<String> {
        let mut names = self.each(|c, region| {
            c.instances
                .iter()
                .filter(|i| i.region == region)
                .map(|i| i.name.clone())
                .collect()
        });
        // A scenario's file may price a bundled type again: name it once.
        let mut seen = std::collections::HashSet::new();
        names.retain(|n| seen.insert(n.clone()));
        names
    }

    /// A commitment's published discount on `platform` (a fraction off the
    /// on-demand price, the same in every region the files describe).
    pub fn commitment(
        &self,
        platform: Platform,
        name: &str,
        upfront: Upfront,
    ) -> Option<CommitmentPrice> {
        self.lookup(|c, _| {
            c.commitments
                .iter()
                .find(|c| c.platform == platform && c.name == name && c.upfront == upfront)
                .cloned()
        })
    }

    /// The commitments the files list for `platform`, for error messages.
    pub fn commitments(&self, platform: Platform) -> Vec<CommitmentPrice> {
        self.each(|c, _| {
            c.commitments
                .iter()
                .filter(|c| c.platform == platform)
                .cloned()
                .collect()
        })
    }

    /// Fargate's prices for `cpu` in the prices' region.
    pub fn fargate(&self, cpu: Cpu) -> Option<FargatePrice> {
        self.lookup(|c, region| {
            c.fargate
                .iter()
                .find(|f| f.cpu == cpu && f.region == region)
                .cloned()
        })
    }

    /// Lambda Managed Instances' fees in the prices' region.
    pub fn lambda_managed(&self) -> Option<LambdaManagedPrice> {
        self.lookup(|c, region| {
            c.lambda_managed
                .iter()
                .find(|l| l.region == region)
                .cloned()
        })
    }

    /// Internet egress in `region`.
    pub fn egress(&self, region: &str) -> Option<EgressPrice> {
        self.lookup(|c, _| c.egress.iter().find(|e| e.region == region).cloned())
    }

    /// A NAT gateway in `region`.
    pub fn nat_gateway(&self, region: &str) -> Option<NatGatewayPrice> {
        self.lookup(|c, _| c.nat_gateways.iter().find(|e| e.region == region).cloned())
    }

    /// Every region the price files describe (the scenario's and the bundled ones), sorted.
    pub fn regions(&self) -> Vec<String> {
        let mut all = self.each(|c, _| c.regions());
        all.sort();
        all.dedup();
        all
    }

    /// Cloud Run's prices for `billing` (its Tier 1 regions).
    pub fn cloud_run(&self, billing: CloudRunBilling) -> Option<CloudRunPrice> {
        self.lookup(|c, _| c.cloud_run.iter().find(|c| c.billing == billing).cloned())
    }

    /// Lambda's published prices for `cpu` in the prices' region, without
    /// a gateway (see [`Prices::gateway_price`]); what the price files lack for it,
    /// said as an error.
    pub fn lambda_pricing(&self, cpu: Cpu) -> Result<ServerlessPricing, String> {
        let region = self.region();
        let lambda = self.lookup(|c, region| {
            let l = c
                .lambda
                .iter()
                .find(|l| l.cpu == cpu && l.region == region)?;
            // The tiers come from the file the base price came from: they are
            // steps below that price.
            let tiers = c
                .lambda_tiers
                .iter()
                .filter(|t| t.cpu == cpu && t.region == region)
                .map(|t| (t.above_gb_seconds, t.gb_second))
                .collect::<Vec<_>>();
            Some((l.clone(), tiers))
        });
        let Some((l, tiers)) = lambda else {
            return Err(format!(
                "the price files have no Lambda {} prices for `region` {region}; add them in a price file listed in `price_files`, or give all four rates in `pricing` (request_per_million, gb_second, provisioned_gb_second, provisioned_execution_gb_second)",
                match cpu {
                    Cpu::X86_64 => "x86_64",
                    Cpu::Arm64 => "arm64",
                }
            ));
        };
        Ok(ServerlessPricing {
            request_per_million: l.request_per_million,
            gb_second: l.gb_second,
            provisioned_gb_second: l.provisioned_gb_second,
            provisioned_execution_gb_second: l.provisioned_execution_gb_second,
            gateway_per_million: 0.0,
            gateway_source: String::new(),
            gateway_date: String::new(),
            source: l.source,
            date: l.date,
            tiers,
            savings_plan: None,
        })
    }

    /// An API gateway's price per million requests in the prices' region,
    /// with its source and date (nothing for no gateway).
    pub fn gateway_price(&self, gateway: GatewayKind) -> Result<(f64, String, String), String> {
        if gateway == GatewayKind::None {
            return Ok((0.0, String::new(), String::new()));
        }
        self.lookup(|c, region| {
            c.gateways
                .iter()
                .find(|g| g.kind == gateway && g.region == region)
                .map(|g| (g.per_million, g.source.clone(), g.date.clone()))
        })
        .ok_or_else(|| {
            format!(
                "the price files have no {gateway:?} API gateway price for `region` {}; add it in a price file listed in `price_files`, or set `gateway_per_million` in `pricing`",
                self.region()
            )
        })
    }
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
    /// Where the gateway's price came from: its own entry, which need not
    /// be in the file the function prices came from.
    #[serde(skip)]
    pub gateway_source: String,
    #[serde(skip)]
    pub gateway_date: String,
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

impl ServerlessPricing {
    /// No price yet: a platform other than Lambda (Cloud Run) sets its own.
    pub fn unpriced() -> ServerlessPricing {
        ServerlessPricing {
            request_per_million: 0.0,
            gb_second: 0.0,
            provisioned_gb_second: 0.0,
            provisioned_execution_gb_second: 0.0,
            gateway_per_million: 0.0,
            gateway_source: String::new(),
            gateway_date: String::new(),
            source: String::new(),
            date: String::new(),
            tiers: Vec::new(),
            savings_plan: None,
        }
    }
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
        let micro = Prices::default().instance("t3.micro").unwrap();
        assert_eq!(micro.vcpus, 2);
        assert_eq!(micro.burst.unwrap().baseline, 0.10);
    }

    #[test]
    fn lambda_prices_are_the_published_ones() {
        let p = Prices::default();
        let x86 = p.lambda_pricing(Cpu::X86_64).unwrap();
        assert_eq!(x86.gb_second, 0.0000166667);
        assert_eq!(x86.request_per_million, 0.20);
        assert_eq!(p.gateway_price(GatewayKind::Http).unwrap().0, 1.00);
        assert_eq!(x86.provisioned_gb_second, 0.0000041667);
        let arm = p.lambda_pricing(Cpu::Arm64).unwrap();
        assert_eq!(arm.gb_second, 0.0000133334);
        assert_eq!(p.gateway_price(GatewayKind::None).unwrap().0, 0.0);
        assert_eq!(p.gateway_price(GatewayKind::Rest).unwrap().0, 3.50);
        // Published by AWS, not derived from the x86 ones.
        assert_eq!(arm.provisioned_gb_second, 0.0000033334);
        assert_eq!(arm.provisioned_execution_gb_second, 0.0000077778);
    }

    #[test]
    fn prices_answer_for_their_region_own_files_first() {
        let mut own = Catalog::default();
        own.add_file(
            std::path::Path::new("own.toml"),
            "[defaults]\nregion = \"eu-test-1\"\nsource = \"t\"\ndate = \"2026\"\n\n\
             [[instance]]\nname = \"m5.large\"\nvcpus = 2\nmemory_gib = 8\nprice_per_hour = 0.5\n",
        )
        .unwrap();
        let eu = Prices::new("eu-test-1", own.clone());
        assert_eq!(eu.region(), "eu-test-1");
        assert_eq!(eu.instance("m5.large").unwrap().price_per_hour, 0.5);
        // Bundled names are looked up in the prices' region too.
        assert!(eu.instance("c5.large").is_none());
        assert_eq!(eu.instance_names(), ["m5.large"]);
        assert!(eu.lambda_pricing(Cpu::X86_64).is_err());
        assert!(eu.gateway_price(GatewayKind::Http).is_err());
        // The same own file read in the default region re-prices nothing
        // there, and the default prices are untouched by the others.
        let us = Prices::new(DEFAULT_REGION, own);
        assert_eq!(us.instance("m5.large").unwrap().price_per_hour, 0.096);
        assert_eq!(Prices::default().region(), DEFAULT_REGION);
        assert_eq!(
            Prices::default()
                .instance("m5.large")
                .unwrap()
                .price_per_hour,
            0.096
        );
    }

    #[test]
    fn knows_the_documented_instances() {
        let m5 = Prices::default().instance("m5.large").unwrap();
        assert_eq!((m5.vcpus, m5.price_per_hour), (2, 0.096));
        assert_eq!(Prices::default().instance("c5.xlarge").unwrap().vcpus, 4);
        assert_eq!(
            Prices::default()
                .instance("m7g.large")
                .unwrap()
                .price_per_hour,
            0.0816
        );
        assert!(Prices::default().instance("z9.huge").is_none());
    }
}
