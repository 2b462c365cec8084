//! The `[plan]` table: what `scalesim plan` may change and how far. Every
//! key is optional: without the table, plan searches each architecture's
//! own variables within the limits every scenario has.

use super::error::{ErrorContext, ScenarioError};
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
}

impl Default for PlanSpec {
    fn default() -> Self {
        PlanSpec {
            instances: Vec::new(),
            max_servers: MAX_SERVERS,
            budget: DEFAULT_BUDGET,
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
    })
}
