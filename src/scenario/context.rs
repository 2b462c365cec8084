//! What every `[[architectures]]` table is validated against, whatever
//! its kind: the scenario's demand and services, the load a fleet sized
//! from the demand must serve, the name check every kind starts with, and
//! the count check kinds share.

use super::calls::CallTree;
use super::demand::Demand;
use super::kind_keys::{self, Keys};
use super::raw::RawArchitecture;
use super::service::Service;
use crate::file_error::{ErrorContext, ScenarioError};
use crate::time::SimTime;

/// What every architecture is validated against.
pub struct Shared<'a> {
    pub demand: &'a Demand,
    pub duration: SimTime,
    pub services: &'a [Service],
    pub calls: &'a CallTree,
}

/// What a fleet sized from the demand must serve: the architecture's whole
/// demand, or one service's share of it within microservices.
#[derive(Clone, Copy, Debug)]
pub struct Load {
    /// Requests per second reaching it at the peak and on average.
    pub peak_rps: f64,
    pub mean_rps: f64,
    /// Work per such request, in seconds at one vCPU.
    pub mean_work: f64,
}

/// The name of an architecture (or of a service's fleet within one), once
/// its keys are known to fit its kind.
pub(crate) fn checked_name(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    keys: &Keys,
) -> Result<String, ScenarioError> {
    let name = a.name.get_ref().trim().to_string();
    if name.is_empty() || name.contains(['/', '\\', ',']) {
        return Err(ctx.at(
            Some(a.name.span()),
            &format!("{key}.name"),
            "expected a non-empty name without slashes or commas",
        ));
    }
    kind_keys::check_kind_keys(a, key, ctx, keys)?;
    Ok(name)
}

/// A whole-number key: `default` when absent, else at least `min` and at
/// most the largest count held (`u32::MAX`).
pub fn count(
    v: &Option<toml::Spanned<i64>>,
    key: &str,
    ctx: &ErrorContext,
    min: i64,
    default: u32,
) -> Result<u32, ScenarioError> {
    match v {
        None => Ok(default),
        Some(x) if *x.get_ref() >= min && *x.get_ref() <= u32::MAX as i64 => {
            Ok(*x.get_ref() as u32)
        }
        Some(x) if *x.get_ref() < min => Err(ctx.at(
            Some(x.span()),
            key,
            format!("expected a whole number >= {min}, found {}", x.get_ref()),
        )),
        Some(x) => Err(ctx.at(
            Some(x.span()),
            key,
            format!(
                "expected a whole number of at most {} (the largest count held), found {}",
                u32::MAX,
                x.get_ref()
            ),
        )),
    }
}
