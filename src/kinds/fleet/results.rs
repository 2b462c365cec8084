//! What a fixed fleet adds to the results every kind shares: nothing (its
//! spot interruptions, if any, are a shared key).

use crate::results::aggregate::Aggregate;
use serde::{Deserialize, Serialize};

pub type Details = FleetResult;

/// No keys of its own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FleetResult {}

impl Aggregate for FleetResult {
    fn mean_of(_: &[&Self]) -> Self {
        FleetResult {}
    }
}
