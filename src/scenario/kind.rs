//! What every kind's spec is to the scenario: the keys it takes and its
//! validation from an `[[architectures]]` table. Each kind implements
//! [`KindSpec`] in its own `spec` file; [`super::architecture`] builds
//! the dispatch from [`crate::with_kinds!`].

use super::context::{Load, Shared};
pub use super::kind_keys::{KeyGroup, Keys};
use super::raw::RawArchitecture;
use crate::file_error::{ErrorContext, ScenarioError};
use crate::pricing::catalog::Prices;

/// What an architecture table is validated against.
pub(crate) struct Context<'a> {
    pub ctx: &'a ErrorContext<'a>,
    pub shared: &'a Shared<'a>,
    /// What a fleet sized from the demand must serve.
    pub load: &'a Load,
    pub prices: &'a Prices,
}

/// A kind's resolved spec, as the scenario reads it.
pub(crate) trait KindSpec: Sized {
    /// The kind-specific keys it takes.
    const KEYS: Keys;

    /// Validates the table `a` at `key` (`architectures[i]`), whose keys
    /// are known to fit the kind.
    fn validate(a: &RawArchitecture, key: &str, cx: &Context) -> Result<Self, ScenarioError>;
}
