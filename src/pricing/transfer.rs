//! What data transfer costs: internet egress per GiB and NAT gateways
//! (their hours and the bytes they process), at one architecture's
//! prices. Which bytes cross the NAT is the scenario's modelling decision
//! (see [`crate::scenario::transfer`]); this part only bills them.

use crate::time::SimTime;

/// What one architecture pays per byte and per NAT gateway.
#[derive(Clone, Debug, PartialEq)]
pub struct TransferSpec {
    pub region: String,
    /// Internet egress, per GiB.
    pub egress_per_gb: f64,
    pub egress_source: String,
    pub egress_date: String,
    pub nat: Option<NatSpec>,
}

/// NAT gateways in front of an architecture's private subnets.
#[derive(Clone, Debug, PartialEq)]
pub struct NatSpec {
    /// Gateways billed by the hour (one per availability zone used).
    pub count: u32,
    pub per_hour: f64,
    /// Per GiB processed.
    pub per_gb: f64,
    pub source: String,
    pub date: String,
}

/// Bytes of one GiB: the "GB" both clouds bill data transfer in.
pub const BYTES_PER_GB: f64 = 1_073_741_824.0;

/// Bytes sent to the internet by the requests counted in a run. In 128
/// bits: one draw may be about 3·10¹⁶ bytes (the largest size a
/// distribution takes), so a 64-bit sum wraps after a few hundred such
/// requests, while 128 bits hold 10²² of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TransferBytes {
    /// Responses to clients (through the load balancer or front end).
    pub response: u128,
    /// Bytes services sent out themselves (through the NAT, if any).
    pub outbound: u128,
}

/// What the bytes and the NAT gateways of a measured period cost.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TransferBill {
    /// Internet egress of every byte sent, response and outbound.
    pub egress_usd: f64,
    /// NAT gateway-hours of the measured period plus the outbound bytes
    /// it processed; `None` without a NAT gateway.
    pub nat_gateway_usd: Option<f64>,
}

/// The bill of `bytes` sent over `measured` with the prices of `spec`.
/// NAT gateways run all the time, so the measured period's share of their
/// hours is billed, not whole hours: AWS rounds a partial hour up only
/// when a gateway is created or deleted.
pub fn transfer_bill(spec: &TransferSpec, bytes: TransferBytes, measured: SimTime) -> TransferBill {
    let gb = |b: u128| b as f64 / BYTES_PER_GB;
    let egress_usd = gb(bytes.response + bytes.outbound) * spec.egress_per_gb;
    let nat_gateway_usd = spec.nat.as_ref().map(|n| {
        n.count as f64 * n.per_hour * measured.as_secs_f64() / 3600.0
            + gb(bytes.outbound) * n.per_gb
    });
    TransferBill {
        egress_usd,
        nat_gateway_usd,
    }
}
