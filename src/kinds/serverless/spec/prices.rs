//! What a serverless architecture pays per request, GB-second and
//! gateway call: the published prices for its CPU and gateway, with any
//! the scenario's `pricing` tables set instead, checked to be in bounds.

use crate::file_error::{ErrorContext, ScenarioError};
use crate::limits::{self, MAX_PRICE_PER_MILLION, MAX_PRICE_PER_UNIT_SECOND};
use crate::pricing::catalog::{LambdaSavingsPlan, Prices, ServerlessPricing};
use crate::pricing::entries::{Cpu, GatewayKind, Platform, Upfront};
use crate::scenario::raw::RawPricing;
use toml::Spanned;

/// Lambda's published prices for the CPU and gateway, with any price the
/// architecture's `pricing` table sets instead.
pub(super) fn pricing(
    cpu: Cpu,
    gateway: GatewayKind,
    pricing_override: Option<&RawPricing>,
    lambda: bool,
    prices: &Prices,
) -> Result<ServerlessPricing, String> {
    let given = |f: fn(&RawPricing) -> Option<f64>| pricing_override.and_then(f).is_some();
    let mut pricing = match (lambda, prices.lambda_pricing(cpu)) {
        (false, _) => ServerlessPricing::unpriced(),
        (true, Ok(p)) => p,
        // A scenario that gives every rate needs none from the files.
        (true, Err(_))
            if given(|p| p.request_per_million)
                && given(|p| p.gb_second)
                && given(|p| p.provisioned_gb_second)
                && given(|p| p.provisioned_execution_gb_second) =>
        {
            ServerlessPricing::unpriced()
        }
        (true, Err(e)) => return Err(e),
    };
    if lambda && !given(|p| p.gateway_per_million) {
        let (price, source, date) = prices.gateway_price(gateway)?;
        pricing.gateway_per_million = price;
        pricing.gateway_source = source;
        pricing.gateway_date = date;
    }
    let Some(p) = pricing_override else {
        return Ok(pricing);
    };
    let plan = p
        .commitment
        .as_deref()
        .filter(|c| *c != "on-demand")
        .and_then(|c| prices.commitment(Platform::Lambda, c, p.upfront.unwrap_or(Upfront::None)));
    // The tiers are the file's, below the file's base price; a scenario's
    // own duration price stands alone.
    if p.gb_second.is_some() {
        pricing.tiers.clear();
    }
    let prices_given = p.request_per_million.is_some()
        || p.gb_second.is_some()
        || p.provisioned_gb_second.is_some()
        || p.provisioned_execution_gb_second.is_some()
        || p.gateway_per_million.is_some();
    let set = |field: &mut f64, v: Option<f64>| {
        if let Some(v) = v {
            *field = v;
        }
    };
    set(&mut pricing.request_per_million, p.request_per_million);
    set(&mut pricing.gb_second, p.gb_second);
    set(&mut pricing.provisioned_gb_second, p.provisioned_gb_second);
    set(
        &mut pricing.provisioned_execution_gb_second,
        p.provisioned_execution_gb_second,
    );
    set(&mut pricing.gateway_per_million, p.gateway_per_million);
    if prices_given || p.source.is_some() || p.date.is_some() {
        pricing.source = p.source.clone().unwrap_or_else(|| "scenario file".into());
        pricing.date = p.date.clone().unwrap_or_default();
    }
    if p.gateway_per_million.is_some() {
        pricing.gateway_source = pricing.source.clone();
        pricing.gateway_date = pricing.date.clone();
    }
    if let Some(c) = plan {
        // Compute Savings Plans discount duration and provisioned
        // concurrency, not the request fee or the gateway.
        let off = 1.0 - c.discount;
        pricing.gb_second *= off;
        pricing.provisioned_gb_second *= off;
        pricing.provisioned_execution_gb_second *= off;
        for t in &mut pricing.tiers {
            t.1 *= off;
        }
        pricing.savings_plan = Some(LambdaSavingsPlan {
            name: c.name.clone(),
            upfront: c.upfront,
            discount: c.discount,
            source: c.source.clone(),
            date: c.date.clone(),
        });
    }
    Ok(pricing)
}

/// A serverless `pricing` (the architecture's, or a function's under
/// `key`): a Compute Savings Plan and prices in bounds.
pub(super) fn check_prices(
    pricing: Option<&Spanned<RawPricing>>,
    key: &str,
    ctx: &ErrorContext,
    prices: &Prices,
) -> Result<(), ScenarioError> {
    let Some(spanned) = pricing else {
        return Ok(());
    };
    let span = Some(spanned.span());
    let p = spanned.get_ref();
    let plan = p.commitment.as_deref().filter(|c| *c != "on-demand");
    if p.on_demand_share.is_some()
        || p.committed_servers.is_some()
        || p.price_per_hour.is_some()
        || plan.is_some_and(|c| !c.starts_with("savings-plan"))
    {
        return Err(ctx.at(
            span,
            &format!("{key}.pricing"),
            "a serverless `pricing` is \"savings-plan-1y\" or \"savings-plan-3y\" (Compute Savings Plans; Lambda has no Reserved Instances), or a table of `commitment`, `upfront`, `request_per_million`, `gb_second`, `provisioned_gb_second`, `provisioned_execution_gb_second`, `gateway_per_million`, `source`, `date`",
        ));
    }
    if let Some(name) = plan {
        let upfront = p.upfront.unwrap_or(Upfront::None);
        if prices.commitment(Platform::Lambda, name, upfront).is_none() {
            let known: Vec<String> = prices
                .commitments(Platform::Lambda)
                .iter()
                .map(|c| format!("{} (upfront {})", c.name, c.upfront.name()))
                .collect();
            return Err(ctx.at(
                span,
                &format!("{key}.pricing.commitment"),
                format!(
                    "the price files have no Lambda rate for \"{name}\" with upfront = \"{}\"; they list {}",
                    upfront.name(),
                    known.join(", ")
                ),
            ));
        }
    } else if p.upfront.is_some() {
        return Err(ctx.at(
            span,
            &format!("{key}.pricing.upfront"),
            "`upfront` needs a `commitment`",
        ));
    }
    let (million, second) = (MAX_PRICE_PER_MILLION, MAX_PRICE_PER_UNIT_SECOND);
    for (name, v, max, per) in [
        (
            "request_per_million",
            p.request_per_million,
            million,
            "per million requests",
        ),
        ("gb_second", p.gb_second, second, "per GB-second"),
        (
            "provisioned_gb_second",
            p.provisioned_gb_second,
            second,
            "per GB-second",
        ),
        (
            "provisioned_execution_gb_second",
            p.provisioned_execution_gb_second,
            second,
            "per GB-second",
        ),
        (
            "gateway_per_million",
            p.gateway_per_million,
            million,
            "per million requests",
        ),
    ] {
        // Finite but absurd prices are refused too: a cost of 1e308 × a
        // million requests overflows to infinity and ranks nonsense.
        if let Some(v) = v
            && !(0.0..=max).contains(&v)
        {
            return Err(ctx.at(
                span.clone(),
                &format!("{key}.pricing.{name}"),
                format!(
                    "expected a price between 0 and {max} (USD {per}), found {}",
                    limits::price(v)
                ),
            ));
        }
    }
    Ok(())
}
