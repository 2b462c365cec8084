//! The `[[architectures]]` tables: each validated by its kind (the
//! dispatch is built from [`crate::with_kinds!`]), names unique, and the
//! data-transfer prices every kind shares.

use super::context::{Load, Shared, checked_name};
use super::kind::{Context, Keys, KindSpec};
use super::raw::{RawArchitecture, RawScenario};
use super::transfer;
use super::values::Kind;
use crate::file_error::{ErrorContext, ScenarioError};
use crate::pricing::catalog::Prices;

/// One architecture of a scenario, resolved.
#[derive(Clone, Debug)]
pub struct Architecture {
    pub name: String,
    pub spec: ArchitectureSpec,
    /// Data-transfer prices, when the scenario sends bytes or the
    /// architecture names a price or a NAT gateway.
    pub transfer: Option<crate::pricing::transfer::TransferSpec>,
}

impl Architecture {
    /// The `kind` it was written with.
    pub fn kind(&self) -> &'static str {
        self.spec.kind().name()
    }
}

/// The spec enum, the keys of each kind and the validation dispatch, from
/// the one list of kinds.
macro_rules! architecture_spec {
    (() $($variant:ident $module:ident $name:literal,)*) => {
        /// An architecture's spec, of whatever kind it is.
        #[derive(Clone, Debug)]
        pub enum ArchitectureSpec {
            $($variant(crate::kinds::$module::spec::Spec),)*
        }

        impl ArchitectureSpec {
            /// Its kind.
            pub fn kind(&self) -> Kind {
                match self {
                    $(ArchitectureSpec::$variant(_) => Kind::$variant,)*
                }
            }
        }

        /// The kind-specific keys `kind` takes.
        pub(crate) fn keys_of(kind: Kind) -> Keys {
            match kind {
                $(Kind::$variant => <crate::kinds::$module::spec::Spec as KindSpec>::KEYS,)*
            }
        }

        /// Validates a table as its kind's spec.
        fn validate_spec(
            a: &RawArchitecture,
            key: &str,
            cx: &Context,
        ) -> Result<ArchitectureSpec, ScenarioError> {
            Ok(match a.kind.get_ref() {
                $(Kind::$variant => ArchitectureSpec::$variant(KindSpec::validate(a, key, cx)?),)*
            })
        }
    };
}
crate::with_kinds!(architecture_spec!());

/// Every `[[architectures]]` table, in file order, with unique names.
pub(super) fn validate_architectures(
    raw: &RawScenario,
    ctx: &ErrorContext,
    shared: &Shared,
    prices: &Prices,
) -> Result<Vec<Architecture>, ScenarioError> {
    let load = Load {
        peak_rps: shared.demand.profile.peak(shared.duration),
        mean_rps: shared.demand.profile.mean(shared.duration),
        mean_work: shared.calls.mean_work(shared.services),
    };
    if raw.architectures.is_empty() {
        return Err(ctx.whole_file("expected at least one [[architectures]] table"));
    }
    let mut architectures: Vec<Architecture> = Vec::with_capacity(raw.architectures.len());
    for (i, a) in raw.architectures.iter().enumerate() {
        let key = format!("architectures[{i}]");
        let arch = validate_architecture(a, &key, ctx, shared, &load, prices)?;
        if architectures.iter().any(|b| b.name == arch.name) {
            return Err(ctx.at(
                Some(a.name.span()),
                &format!("{key}.name"),
                format!(
                    "architecture name \"{}\" is used twice; names must be unique",
                    arch.name
                ),
            ));
        }
        architectures.push(arch);
    }
    Ok(architectures)
}

fn validate_architecture(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    shared: &Shared,
    load: &Load,
    prices: &Prices,
) -> Result<Architecture, ScenarioError> {
    let name = checked_name(a, key, ctx, &keys_of(*a.kind.get_ref()))?;
    let cx = Context {
        ctx,
        shared,
        load,
        prices,
    };
    let spec = validate_spec(a, key, &cx)?;
    let sends = transfer::sizes(shared.services, shared.calls).any();
    Ok(Architecture {
        name,
        spec,
        transfer: transfer::validate_transfer(a, key, ctx, sends, prices)?,
    })
}
