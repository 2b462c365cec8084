//! `kind = "fleet"` as the scenario reads it: a [`FleetSpec`] of a fixed
//! number of servers, or sized from the demand.

use crate::file_error::ScenarioError;
use crate::kinds::servers::spec::{FleetSpec, validate_fleet};
use crate::scenario::kind::{Context, KeyGroup, Keys, KindSpec};
use crate::scenario::raw::RawArchitecture;

pub type Spec = FleetSpec;

impl KindSpec for FleetSpec {
    const KEYS: Keys = Keys {
        groups: &[KeyGroup::Servers],
        keys: &["servers"],
    };

    fn validate(a: &RawArchitecture, key: &str, cx: &Context) -> Result<Self, ScenarioError> {
        validate_fleet(a, key, cx.ctx, cx.load, cx.shared.services, cx.prices)
    }
}
