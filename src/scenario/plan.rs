//! The `[plan]` table: what `scalesim plan` may change and how far. Every
//! key is optional: without the table, plan searches each architecture's
//! own variables within the limits every scenario has.

use crate::file_error::{ErrorContext, ScenarioError};
use crate::pricing::catalog::lambda_defaults::{MAX_MEMORY_MB, MIN_MEMORY_MB};
use crate::time::parse_memory_mb;
use serde::Deserialize;
use toml::Spanned;

/// Most simulations one architecture's search may run, unless `budget`
/// says otherwise.
pub const DEFAULT_BUDGET: u32 = 200;
/// The largest fleet plan considers unless `max_servers` says otherwise
/// (the limit on any fleet in a scenario).
pub const MAX_SERVERS: u32 = 1_000_000;

#[derive(Clone, Debug, PartialEq)]
pub struct PlanSpec {
    /// Instance types to plan fleets on; empty: each fleet's own.
    pub instances: Vec<String>,
    pub max_servers: u32,
    /// Most simulations per architecture (each of `replications` runs).
    pub budget: u32,
    /// The variables plan may change (`VARIABLES`); all by default.
    pub vary: Vec<&'static str>,
    /// The most provisioned concurrency plan gives one function.
    pub max_provisioned: Option<u32>,
    /// The memory range plan searches for functions, in MB.
    pub memory_mb: (f64, f64),
}

/// The names `vary` takes: a fleet's `servers`, a function's `memory`
/// and `provisioned`, an autoscaled fleet's `target` and `min`.
pub const VARIABLES: [&str; 5] = ["servers", "memory", "provisioned", "target", "min"];

impl PlanSpec {
    pub fn varies(&self, variable: &str) -> bool {
        self.vary.contains(&variable)
    }
}

impl Default for PlanSpec {
    fn default() -> Self {
        PlanSpec {
            instances: Vec::new(),
            max_servers: MAX_SERVERS,
            budget: DEFAULT_BUDGET,
            vary: VARIABLES.to_vec(),
            max_provisioned: None,
            memory_mb: (MIN_MEMORY_MB, MAX_MEMORY_MB),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlan {
    #[serde(default)]
    instances: Vec<Spanned<String>>,
    max_servers: Option<Spanned<i64>>,
    budget: Option<Spanned<i64>>,
    vary: Option<Spanned<Vec<Spanned<String>>>>,
    max_provisioned: Option<Spanned<i64>>,
    memory: Option<Spanned<Vec<Spanned<String>>>>,
}

pub(crate) fn validate(
    raw: Option<&RawPlan>,
    ctx: &ErrorContext,
) -> Result<PlanSpec, ScenarioError> {
    let Some(raw) = raw else {
        return Ok(PlanSpec::default());
    };
    let whole = |v: &Option<Spanned<i64>>, key: &str, max: u32, default: u32| match v {
        None => Ok(default),
        Some(n) if (1..=i64::from(max)).contains(n.get_ref()) => Ok(*n.get_ref() as u32),
        Some(n) => Err(ctx.at(
            Some(n.span()),
            key,
            format!(
                "expected a whole number from 1 to {max}, found {}",
                n.get_ref()
            ),
        )),
    };
    let mut instances = Vec::new();
    for i in &raw.instances {
        let name = i.get_ref().trim();
        if name.is_empty() || instances.iter().any(|n: &String| n == name) {
            return Err(ctx.at(
                Some(i.span()),
                "plan.instances",
                format!("expected distinct instance type names, found \"{name}\""),
            ));
        }
        instances.push(name.to_string());
    }
    Ok(PlanSpec {
        instances,
        max_servers: whole(
            &raw.max_servers,
            "plan.max_servers",
            MAX_SERVERS,
            MAX_SERVERS,
        )?,
        budget: whole(&raw.budget, "plan.budget", 100_000, DEFAULT_BUDGET)?,
        vary: vary(raw, ctx)?,
        max_provisioned: match raw.max_provisioned {
            None => None,
            Some(_) => Some(whole(
                &raw.max_provisioned,
                "plan.max_provisioned",
                100_000,
                0,
            )?),
        },
        memory_mb: memory(raw, ctx)?,
    })
}

fn vary(raw: &RawPlan, ctx: &ErrorContext) -> Result<Vec<&'static str>, ScenarioError> {
    let Some(v) = &raw.vary else {
        return Ok(VARIABLES.to_vec());
    };
    if v.get_ref().is_empty() {
        return Err(ctx.at(
            Some(v.span()),
            "plan.vary",
            format!(
                "expected one or more of {}, found none",
                VARIABLES.join(", ")
            ),
        ));
    }
    let mut out = Vec::new();
    for name in v.get_ref() {
        match VARIABLES.iter().find(|k| **k == name.get_ref().as_str()) {
            Some(k) if !out.contains(k) => out.push(*k),
            Some(k) => {
                return Err(ctx.at(
                    Some(name.span()),
                    "plan.vary",
                    format!("\"{k}\" is listed twice"),
                ));
            }
            None => {
                return Err(ctx.at(
                    Some(name.span()),
                    "plan.vary",
                    format!(
                        "expected one of {}, found \"{}\"",
                        VARIABLES.join(", "),
                        name.get_ref()
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// `memory = ["256MB", "3GB"]`: within Lambda's 128 MB – 10,240 MB.
fn memory(raw: &RawPlan, ctx: &ErrorContext) -> Result<(f64, f64), ScenarioError> {
    let Some(m) = &raw.memory else {
        return Ok((MIN_MEMORY_MB, MAX_MEMORY_MB));
    };
    let bad = |found: String| {
        ctx.at(
            Some(m.span()),
            "plan.memory",
            format!(
                "expected [min, max] memory sizes within 128MB and 10240MB, such as [\"256MB\", \"3GB\"], found {found}"
            ),
        )
    };
    let [lo, hi] = m.get_ref().as_slice() else {
        return Err(bad(format!("{} value(s)", m.get_ref().len())));
    };
    let mb = |v: &Spanned<String>| {
        parse_memory_mb(v.get_ref()).map_err(|e| ctx.at(Some(v.span()), "plan.memory", e))
    };
    let (lo, hi) = (mb(lo)?, mb(hi)?);
    if !(MIN_MEMORY_MB <= lo && lo <= hi && hi <= MAX_MEMORY_MB) {
        return Err(bad(format!("{lo} MB to {hi} MB")));
    }
    Ok((lo, hi))
}
