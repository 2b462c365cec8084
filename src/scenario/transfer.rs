//! Data transfer: what an architecture pays for the bytes its requests
//! send to the internet — internet egress per GB, and, with
//! `nat_gateway`, a NAT gateway's hours and the bytes it processes.
//!
//! The sizes are the scenario's (`response_size` on the entry service,
//! `outbound_size` on any service); the prices are the architecture's:
//! from `assets/prices/data-transfer.toml` for its cloud's region, or an
//! inline `egress` / `nat_gateway` table. Which bytes cross the NAT is a
//! modelling decision written down in the README ("Data transfer"):
//! responses to clients go back through the load balancer, gateway or
//! platform front end, never through the NAT; only bytes a service sends
//! out itself (`outbound_size`) do, and only where the architecture has
//! a NAT gateway.

use super::raw::transfer::RawNatGateway;
use super::raw::{RawArchitecture, ServerlessPlatform};
use super::values::Kind;
use crate::file_error::{ErrorContext, ScenarioError};
use crate::limits;
use crate::pricing::catalog::Prices;
use crate::pricing::transfer::{NatSpec, TransferSpec};
use crate::results::transfer::{TransferMeter, TransferSizes};
use crate::rng;
use toml::Spanned;

/// The sizes a scenario's requests send: `response_size` of the entry
/// service and `outbound_size` of every node of its call tree.
pub fn sizes(services: &[super::Service], calls: &super::CallTree) -> TransferSizes {
    let Some(entry) = calls.entry(0) else {
        return TransferSizes::default();
    };
    let nodes = &calls.nodes[entry.root..entry.root + entry.len];
    TransferSizes {
        response: services[0].response_size.clone(),
        outbound: nodes
            .iter()
            .filter_map(|n| services[n.service].outbound_size.clone())
            .collect(),
    }
}

/// An architecture's data-transfer prices, or `None` when neither the
/// scenario sends bytes nor the architecture names a price or a gateway
/// (so that results without data transfer stay as they were).
pub(super) fn validate_transfer(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    sends_bytes: bool,
    prices: &Prices,
) -> Result<Option<TransferSpec>, ScenarioError> {
    let nat_on = match a.nat_gateway.as_ref().map(|n| n.get_ref()) {
        None | Some(RawNatGateway::On(false)) => None,
        Some(RawNatGateway::On(true)) => Some(None),
        Some(RawNatGateway::Table(t)) => Some(Some(t)),
    };
    if !sends_bytes && nat_on.is_none() && a.egress.is_none() {
        return Ok(None);
    }
    let cloud_run = *a.kind.get_ref() == Kind::Serverless
        && a.platform.as_ref().map(|p| *p.get_ref()) == Some(ServerlessPlatform::CloudRun);
    let region = if cloud_run {
        "us-central1".to_string()
    } else {
        prices.region().to_string()
    };
    if let (true, Some(n)) = (
        cloud_run,
        nat_on.is_some().then_some(()).and(a.nat_gateway.as_ref()),
    ) {
        return Err(ctx.at(
            Some(n.span()),
            &format!("{key}.nat_gateway"),
            "a NAT gateway is AWS's (hourly + per GB processed); Cloud Run services reach the internet without one unless they use Cloud NAT, which is priced differently and not modelled",
        ));
    }
    let (egress_per_gb, egress_source, egress_date) = match &a.egress {
        Some(e) => {
            let e = e.get_ref();
            (
                non_negative(&e.per_gb, &format!("{key}.egress.per_gb"), ctx)?,
                e.source.clone().unwrap_or_else(|| "scenario file".into()),
                e.date.clone().unwrap_or_default(),
            )
        }
        None => match prices.egress(&region) {
            Some(p) => (p.per_gb, p.source.clone(), p.date.clone()),
            None => {
                return Err(ctx.at(
                    Some(a.kind.span()),
                    &format!("{key}.egress"),
                    format!("the price files have no internet egress price for {region}; give `egress = {{ per_gb = ... }}`"),
                ));
            }
        },
    };
    let nat = match nat_on {
        None => None,
        Some(table) => {
            let span = a.nat_gateway.as_ref().map(|n| n.span());
            let published = prices.nat_gateway(&region);
            let published = published.as_ref();
            let pick = |v: Option<&Spanned<f64>>, field: &str, published: Option<f64>| match (
                v, published,
            ) {
                (Some(v), _) => non_negative(v, &format!("{key}.nat_gateway.{field}"), ctx),
                (None, Some(p)) => Ok(p),
                (None, None) => Err(ctx.at(
                    span.clone(),
                    &format!("{key}.nat_gateway.{field}"),
                    format!(
                        "the price files have no NAT gateway price for {region}; give `{field}`"
                    ),
                )),
            };
            let count = match table.and_then(|t| t.count.as_ref()) {
                None => 1,
                Some(c) if (1..=64).contains(c.get_ref()) => *c.get_ref() as u32,
                Some(c) => {
                    return Err(ctx.at(
                        Some(c.span()),
                        &format!("{key}.nat_gateway.count"),
                        format!("expected between 1 and 64 NAT gateways (one per availability zone), found {}", c.get_ref()),
                    ));
                }
            };
            let inline = table.is_some_and(|t| t.per_hour.is_some() || t.per_gb.is_some());
            Some(NatSpec {
                count,
                per_hour: pick(
                    table.and_then(|t| t.per_hour.as_ref()),
                    "per_hour",
                    published.map(|p| p.per_hour),
                )?,
                per_gb: pick(
                    table.and_then(|t| t.per_gb.as_ref()),
                    "per_gb",
                    published.map(|p| p.per_gb),
                )?,
                source: match (table.and_then(|t| t.source.clone()), inline, published) {
                    (Some(s), _, _) => s,
                    (None, true, _) | (None, false, None) => "scenario file".into(),
                    (None, false, Some(p)) => p.source.clone(),
                },
                date: match (table.and_then(|t| t.date.clone()), inline, published) {
                    (Some(d), _, _) => d,
                    (None, false, Some(p)) => p.date.clone(),
                    _ => String::new(),
                },
            })
        }
    };
    Ok(Some(TransferSpec {
        region: region.to_string(),
        egress_per_gb,
        egress_source,
        egress_date,
        nat,
    }))
}

/// A price given in the scenario, in USD, bounded as the same price in
/// the price files (`crate::limits`): per GB, or an hour for a gateway.
fn non_negative(v: &Spanned<f64>, key: &str, ctx: &ErrorContext) -> Result<f64, ScenarioError> {
    let p = *v.get_ref();
    let (max, per) = if key.ends_with("per_hour") {
        (limits::MAX_PRICE_PER_HOUR, "an hour")
    } else {
        (limits::MAX_PRICE_PER_GB, "per GB")
    };
    if p.is_finite() && (0.0..=max).contains(&p) {
        Ok(p)
    } else if p.is_finite() && p > max {
        Err(ctx.at(
            Some(v.span()),
            key,
            format!(
                "expected a price between 0 and {} (USD {per}), found {}",
                limits::price(max),
                limits::price(p)
            ),
        ))
    } else {
        Err(ctx.at(
            Some(v.span()),
            key,
            format!("expected a price >= 0 (USD), found {p}"),
        ))
    }
}

impl super::Scenario {
    /// The data-transfer meter of one replication, or `None` when no
    /// service sends bytes: its sizes come from their own stream, so every
    /// architecture draws the same sizes for the same request.
    pub fn transfer_meter(&self, replication: u32) -> Option<Box<TransferMeter>> {
        let seed = rng::stream_seed(self.seed, replication, rng::purpose::DATA_TRANSFER);
        TransferMeter::new(sizes(&self.services, &self.calls), seed)
    }
}
