//! Data transfer while a run goes: the bytes completed requests send to
//! the internet, drawn per request and keyed by its arrival so that every
//! architecture sees the same sizes for the same request. Their bill is
//! [`crate::pricing::transfer`]'s.

use crate::dist::Dist;
use crate::pricing::transfer::TransferBytes;
use crate::rng::keyed;
use crate::time::SimTime;

/// The sizes of one request's bytes to the internet, drawn per completed
/// request.
#[derive(Clone, Debug, Default)]
pub struct TransferSizes {
    /// The entry service's response to the client.
    pub response: Option<Dist>,
    /// The outbound bytes of every invocation of the request's call tree,
    /// in node order.
    pub outbound: Vec<Dist>,
}

impl TransferSizes {
    pub fn any(&self) -> bool {
        self.response.is_some() || !self.outbound.is_empty()
    }
}

/// Draws and sums the sizes of completed requests.
#[derive(Debug)]
pub struct TransferMeter {
    seed: u128,
    sizes: TransferSizes,
    pub bytes: TransferBytes,
}

impl TransferMeter {
    /// The meter of one replication whose sizes are drawn from the
    /// stream `seed` (see [`crate::rng::stream_seed`]), or `None` when no service
    /// sends bytes.
    pub fn new(sizes: TransferSizes, seed: u128) -> Option<Box<TransferMeter>> {
        sizes.any().then(|| {
            Box::new(TransferMeter {
                seed,
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

#[cfg(test)]
mod tests {
    use super::*;

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
