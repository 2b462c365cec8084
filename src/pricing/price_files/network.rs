//! The price-file entries of data transfer: internet egress per GB
//! (`[[egress]]`) and the NAT gateway (`[[nat_gateway]]`), per region.

use super::raw::RawFile;
use super::{Catalog, meta, once, price};
use crate::file_error::{ErrorContext, ScenarioError};
use crate::pricing::entries::{EgressPrice, NatGatewayPrice};

impl Catalog {
    pub(super) fn add_network(
        &mut self,
        raw: &RawFile,
        ctx: &ErrorContext,
    ) -> Result<(), ScenarioError> {
        for (i, e) in raw.egress.iter().enumerate() {
            let key = format!("egress[{i}]");
            let m = meta(&e.meta(), &raw.defaults, e.per_gb.span(), &key, ctx)?;
            need_region(&m.region, e.per_gb.span(), &key, ctx)?;
            let twice = self.egress.iter().any(|x| x.region == m.region);
            once(twice, &e.per_gb, &key, "region", ctx, || {
                format!("egress in {}", m.region)
            })?;
            self.egress.push(EgressPrice {
                per_gb: price(&e.per_gb, &format!("{key}.per_gb"), ctx)?,
                region: m.region,
                source: m.source,
                date: m.date,
            });
        }
        for (i, e) in raw.nat_gateway.iter().enumerate() {
            let key = format!("nat_gateway[{i}]");
            let m = meta(&e.meta(), &raw.defaults, e.per_hour.span(), &key, ctx)?;
            need_region(&m.region, e.per_hour.span(), &key, ctx)?;
            let twice = self.nat_gateways.iter().any(|x| x.region == m.region);
            once(twice, &e.per_hour, &key, "region", ctx, || {
                format!("NAT gateway in {}", m.region)
            })?;
            self.nat_gateways.push(NatGatewayPrice {
                per_hour: price(&e.per_hour, &format!("{key}.per_hour"), ctx)?,
                per_gb: price(&e.per_gb, &format!("{key}.per_gb"), ctx)?,
                region: m.region,
                source: m.source,
                date: m.date,
            });
        }
        Ok(())
    }
}

/// Data-transfer prices differ by region and have no default one.
fn need_region(
    region: &str,
    span: std::ops::Range<usize>,
    key: &str,
    ctx: &ErrorContext,
) -> Result<(), ScenarioError> {
    if region.trim().is_empty() {
        return Err(ctx.at(
            Some(span),
            &format!("{key}.region"),
            "every data-transfer price needs a `region`: set it on the entry or in [defaults]",
        ));
    }
    Ok(())
}
