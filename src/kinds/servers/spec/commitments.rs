//! How a fleet is bought: on demand, or a 1- or 3-year commitment (a
//! Compute Savings Plan or Reserved Instances) covering all of it or a
//! baseline, with on-demand servers above it. The `pricing` key of fleet,
//! autoscaled and microservices architectures.

use crate::file_error::{ErrorContext, ScenarioError};
use crate::limits::MAX_PRICE_PER_HOUR;
use crate::pricing::catalog::Prices;
use crate::pricing::commitment::{Commitment, Coverage, FleetPricing};
use crate::pricing::entries::{Instance, Platform, Upfront};
use crate::pricing::price_files::COMMITMENT_NAMES;
use crate::scenario::raw::RawArchitecture;

const FLEET_KEYS: &str = "`commitment`, `upfront`, `on_demand_share`, `committed_servers`, `price_per_hour`, `source`, `date`";

/// The `pricing` of a fleet, autoscaled or microservices architecture
/// whose servers are `instance`.
pub(crate) fn fleet_pricing(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    instance: &Instance,
    prices: &Prices,
) -> Result<FleetPricing, ScenarioError> {
    let Some(p) = &a.pricing else {
        return Ok(FleetPricing::OnDemand);
    };
    let span = Some(p.span());
    let key = format!("{key}.pricing");
    let bad = |field: &str, message: String| {
        let k = if field.is_empty() {
            key.clone()
        } else {
            format!("{key}.{field}")
        };
        ctx.at(span.clone(), &k, message)
    };
    let p = p.get_ref();
    for (field, given) in [
        ("request_per_million", p.request_per_million.is_some()),
        ("gb_second", p.gb_second.is_some()),
        ("provisioned_gb_second", p.provisioned_gb_second.is_some()),
        (
            "provisioned_execution_gb_second",
            p.provisioned_execution_gb_second.is_some(),
        ),
        ("gateway_per_million", p.gateway_per_million.is_some()),
    ] {
        if given {
            return Err(bad(
                field,
                format!("`{field}` prices functions; a fleet's `pricing` takes {FLEET_KEYS}"),
            ));
        }
    }
    let name = p.commitment.clone().unwrap_or_else(|| "on-demand".into());
    if name == "on-demand" {
        if let Some(field) = [
            ("upfront", p.upfront.is_some()),
            ("on_demand_share", p.on_demand_share.is_some()),
            ("committed_servers", p.committed_servers.is_some()),
            ("price_per_hour", p.price_per_hour.is_some()),
        ]
        .iter()
        .find_map(|&(f, given)| given.then_some(f))
        {
            return Err(bad(
                field,
                format!(
                    "`{field}` needs a commitment: set commitment = \"savings-plan-3y\" (or another of {})",
                    COMMITMENT_NAMES.join(", ")
                ),
            ));
        }
        return Ok(FleetPricing::OnDemand);
    }
    if !COMMITMENT_NAMES.contains(&name.as_str()) {
        return Err(bad(
            if p.upfront.is_some() || p.on_demand_share.is_some() {
                "commitment"
            } else {
                ""
            },
            format!(
                "unknown pricing \"{name}\"; expected \"on-demand\" or one of {}",
                COMMITMENT_NAMES.join(", ")
            ),
        ));
    }
    if instance.platform == Platform::Fargate && name.starts_with("reserved") {
        return Err(bad(
            "",
            format!(
                "Fargate tasks cannot be bought as \"{name}\": Reserved Instances are EC2 only; Compute Savings Plans (\"savings-plan-1y\", \"savings-plan-3y\") cover Fargate"
            ),
        ));
    }
    let upfront = p.upfront.unwrap_or(Upfront::None);
    let coverage = match (p.on_demand_share, p.committed_servers) {
        (Some(_), Some(_)) => {
            return Err(bad(
                "committed_servers",
                "give either `on_demand_share` or `committed_servers`, not both".into(),
            ));
        }
        (Some(s), None) if !(0.0..1.0).contains(&s) => {
            return Err(bad(
                "on_demand_share",
                format!("expected an on-demand share in [0, 1), found {s}"),
            ));
        }
        (Some(s), None) => Coverage::OnDemandShare(s),
        (None, Some(n)) if !(n.is_finite() && n > 0.0 && n <= 1e6) => {
            return Err(bad(
                "committed_servers",
                format!("expected between 0 and 1000000 committed servers (excluded 0), found {n}"),
            ));
        }
        (None, Some(n)) => Coverage::Servers(n),
        (None, None) => Coverage::OnDemandShare(0.0),
    };
    let (price_per_hour, source, date) = match p.price_per_hour {
        Some(r) if !(0.0..=MAX_PRICE_PER_HOUR).contains(&r) => {
            return Err(bad(
                "price_per_hour",
                format!(
                    "expected a price between 0 and {MAX_PRICE_PER_HOUR} (USD per server-hour), found {}",
                    crate::limits::price(r)
                ),
            ));
        }
        Some(r) => (
            r,
            p.source.clone().unwrap_or_else(|| "scenario file".into()),
            p.date.clone().unwrap_or_default(),
        ),
        None => {
            let Some(c) = prices.commitment(instance.platform, &name, upfront) else {
                let on = match instance.platform {
                    Platform::Ec2 => "",
                    Platform::Fargate => " for Fargate",
                    Platform::Lambda => " for Lambda",
                };
                return Err(bad(
                    "upfront",
                    format!(
                        "the price files have no \"{name}\" with upfront = \"{}\"{on}; give its `price_per_hour`",
                        upfront.name()
                    ),
                ));
            };
            (
                instance.price_per_hour * (1.0 - c.discount),
                c.source.clone(),
                c.date.clone(),
            )
        }
    };
    Ok(FleetPricing::Committed(Commitment {
        name,
        upfront,
        price_per_hour,
        coverage,
        source,
        date,
    }))
}
