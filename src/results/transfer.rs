//! Data transfer while a run goes: the bytes completed requests send to
//! the internet (drawn per request, keyed by its arrival so that every
//! architecture sees the same sizes for the same request), and their bill
//! once the run is over.

use crate::rng::{self, keyed};
use crate::scenario::Scenario;
use crate::scenario::transfer::{TransferSizes, TransferSpec, sizes};
use crate::time::SimTime;

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

/// Draws and sums the sizes of completed requests.
#[derive(Debug)]
pub struct TransferMeter {
    seed: u128,
    sizes: TransferSizes,
    pub bytes: TransferBytes,
}

impl TransferMeter {
    /// The meter of one replication, or `None` when no service sends
    /// bytes.
    pub fn for_scenario(scenario: &Scenario, replication: u32) -> Option<Box<TransferMeter>> {
        let sizes = sizes(&scenario.services, &scenario.calls);
        sizes.any().then(|| {
            Box::new(TransferMeter {
                seed: rng::stream_seed(scenario.seed, replication, rng::purpose::DATA_TRANSFER),
                sizes,
                bytes: TransferBytes::default(),
            })
        })
    }

    /// A request that arrived at `arrival` completed: its every invocation
    /// ran, so its response and the outbound bytes of its whole call tree
    /// were sent.
    #[inline]
    pub fn record(&mut self, arrival: SimTime) {
        let mut rng = keyed(self.seed, arrival.as_nanos());
        // A size draw is a duration of one nanosecond per byte.
        if let Some(d) = &self.sizes.response {
            self.bytes.response += u128::from(d.sample(&mut rng).as_nanos());
        }
        for d in &self.sizes.outbound {
            self.bytes.outbound += u128::from(d.sample(&mut rng).as_nanos());
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;

    #[test]
    fn the_largest_sizes_add_up_without_wrapping() {
        // 3·10¹⁶ bytes a response (30,000,000 GB), a million requests:
        // 3·10²² bytes, far past 64 bits (1.8·10¹⁹).
        let size = SimTime::from_nanos(30_000_000_000_000_000);
        let mut m = TransferMeter {
            seed: 1,
            sizes: TransferSizes {
                response: Some(Dist::Constant(size)),
                outbound: vec![Dist::Constant(SimTime::from_nanos(7))],
            },
            bytes: TransferBytes::default(),
        };
        for i in 0..1_000_000u64 {
            m.record(SimTime::from_nanos(i));
        }
        assert_eq!(m.bytes.response, 30_000_000_000_000_000u128 * 1_000_000);
        assert_eq!(m.bytes.outbound, 7_000_000);
    }
}
