//! What a fleet of servers costs as it was bought: on-demand, spot or
//! under a commitment, with burstable instances' surplus CPU and the
//! Lambda Managed Instances fees on top, and the price notes behind each.
//! Shared by every kind that runs servers (fleets, autoscaled groups,
//! microservices' service fleets).

use crate::kinds::servers::spec::FleetSpec;
use crate::pricing::commitment::{FleetPricing, committed_bill};
use crate::pricing::cost::CostBreakdown;
use crate::pricing::entries::Instance;
use crate::results::stats::RequestCounts;
use crate::results::summary::PriceNote;

/// The price note of a server instance type.
pub fn instance_price(inst: &Instance) -> PriceNote {
    PriceNote {
        item: inst.name.clone(),
        price_usd: inst.price_per_hour,
        unit: format!("{}-hour", inst.platform.server()),
        source: inst.source.clone(),
        date: inst.date.clone(),
    }
}

/// What a fleet's server time costs as it was bought: `billed_seconds`
/// server-seconds (on-demand terms: per-second rounding and minimums), of
/// which `seconds_at[k]` seconds were spent with k servers running.
pub fn fleet_cost(fleet: &FleetSpec, seconds_at: &[f64], billed_seconds: f64) -> f64 {
    if let Some(spot) = &fleet.spot {
        // Spot is billed per second like on-demand, at the spot price, and
        // takes no commitment (the scenario refuses both).
        return billed_seconds * spot.price_per_hour / 3600.0;
    }
    let on_demand = fleet.instance.price_per_hour;
    match &fleet.pricing {
        FleetPricing::OnDemand => billed_seconds * on_demand / 3600.0,
        FleetPricing::Committed(c) => {
            committed_bill(seconds_at, billed_seconds, on_demand, c).total_usd()
        }
    }
}

/// The price notes of a fleet: its on-demand price, and the commitment's
/// rate if it is bought with one (the on-demand note stays, for the
/// servers above the commitment).
pub fn fleet_prices(fleet: &FleetSpec) -> Vec<PriceNote> {
    let inst = &fleet.instance;
    if let Some(spot) = &fleet.spot {
        let how = match spot.discount {
            Some(d) => format!(
                "{} % off on-demand ${}/h",
                crate::numbers::percent(d),
                inst.price_per_hour
            ),
            None => format!("on-demand ${}/h", inst.price_per_hour),
        };
        return vec![PriceNote {
            item: format!("{} spot ({how})", inst.name),
            price_usd: spot.price_per_hour,
            unit: format!("spot {}-hour", inst.platform.server()),
            source: spot.source.clone(),
            date: spot.date.clone(),
        }];
    }
    let mut notes = vec![instance_price(inst)];
    if let FleetPricing::Committed(c) = &fleet.pricing {
        notes.push(PriceNote {
            item: format!("{}, {}, upfront {}", inst.name, c.name, c.upfront.name()),
            price_usd: c.price_per_hour,
            unit: format!("committed {}-hour", inst.platform.server()),
            source: c.source.clone(),
            date: c.date.clone(),
        });
    }
    notes
}

/// Adds what a burstable fleet pays above its baseline (T3/T4g in
/// unlimited mode) to `cost` and `prices`: surplus vCPU-hours =
/// max(0, busy vCPU-seconds − baseline × vCPUs × server-seconds) / 3600,
/// summed over the fleet and the measured period (the load balancer
/// spreads work evenly, so one instance's surplus is the fleet's share).
/// Nothing is added, note included, when there is no surplus, so fleets
/// under their baseline report as before.
pub fn add_burst_surplus(
    inst: &Instance,
    busy_vcpu_seconds: f64,
    server_seconds: f64,
    cost: &mut CostBreakdown,
    prices: &mut Vec<PriceNote>,
) {
    let Some(b) = inst.burst else {
        return;
    };
    let surplus_h =
        (busy_vcpu_seconds - b.baseline * inst.vcpus as f64 * server_seconds).max(0.0) / 3600.0;
    if surplus_h <= 0.0 {
        return;
    }
    // It pays for CPU that did work: busy compute.
    cost.compute_usd += surplus_h * b.surplus_per_vcpu_hour;
    prices.push(PriceNote {
        item: format!(
            "{} CPU above its {} % baseline ({:.2} vCPU-hours)",
            inst.name,
            b.baseline * 100.0,
            surplus_h
        ),
        price_usd: b.surplus_per_vcpu_hour,
        unit: "surplus vCPU-hour".into(),
        source: inst.source.clone(),
        date: inst.date.clone(),
    });
}

/// Adds what Lambda Managed Instances charge beyond the EC2 instance (whose
/// price, commitments included, is already in `cost`): the management fee,
/// a share of the EC2 On-Demand price for every billed server-second
/// whatever commitment covers the instance, split between compute and idle
/// as the server time is; and the request fee for every request the fleet
/// admitted in the measured period (a rejected one never reaches a
/// function). Nothing for other instances.
pub fn add_lambda_managed(
    inst: &Instance,
    server_seconds: f64,
    counts: &RequestCounts,
    cost: &mut CostBreakdown,
    prices: &mut Vec<PriceNote>,
) {
    let Some(m) = &inst.lambda_managed else {
        return;
    };
    let fee_per_hour = m.management_fee * inst.price_per_hour;
    let fee = fee_per_hour * server_seconds / 3600.0;
    let servers = cost.compute_usd + cost.idle_usd;
    let busy = if servers > 0.0 {
        cost.compute_usd / servers
    } else {
        0.0
    };
    cost.compute_usd += fee * busy;
    cost.idle_usd += fee * (1.0 - busy);
    let invoked = counts.arrived - counts.rejected;
    cost.requests_usd += invoked as f64 * m.request_per_million / 1e6;
    prices.push(PriceNote {
        item: format!(
            "{} Lambda Managed Instances fee ({} % of on-demand)",
            inst.name,
            m.management_fee * 100.0
        ),
        price_usd: fee_per_hour,
        unit: "server-hour".into(),
        source: m.source.clone(),
        date: m.date.clone(),
    });
    prices.push(PriceNote {
        item: "Lambda Managed Instances requests".into(),
        price_usd: m.request_per_million,
        unit: "million requests".into(),
        source: m.source.clone(),
        date: m.date.clone(),
    });
}
