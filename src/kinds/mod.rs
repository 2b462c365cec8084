//! The kinds of architecture, one folder each, and the one list of them.
//!
//! Everything about a kind lives in its folder: its keys and their
//! validation into a spec, `check`'s lines about it and its share of the
//! run estimate, its model and bill, what it adds to the results, and its
//! planner. [`servers`] holds what the kinds that run servers share.
//!
//! Inside a kind's folder each file has one role, named by the file (or
//! folder) and placed in the crate's layers like the module doing that job
//! for every kind (`tests/it/layering.rs` holds it): `spec`, `keys`,
//! `describe` and `estimate` sit with the scenario, `results` with the
//! results, `model` and `bill` with the architectures that run, and
//! `plan` with the planner. Each role has a trait its layer defines and
//! every kind implements for its spec: [`crate::scenario::kind::KindSpec`],
//! [`crate::scenario::describe::Describe`],
//! [`crate::scenario::estimate::Estimated`],
//! [`crate::architectures::Simulate`] and
//! [`crate::plan::architecture::Planner`].
//!
//! # Adding a kind
//! Make its folder, implement those traits for its spec type (`spec::Spec`)
//! and give its results type (`results::Details`), then add one line to
//! [`with_kinds!`](crate::with_kinds) and one `pub mod` below. Every
//! place that lists the kinds — the `kind` values a file may hold, the
//! spec and results enums and every dispatch on them — is built from that
//! list, so the compiler names anything the new kind still lacks.

pub mod autoscaled;
pub mod fleet;
pub mod kubernetes;
pub mod microservices;
pub mod serverless;
pub mod servers;

/// The one list of kinds, as `Variant module "name"`: the variant in
/// [`crate::scenario::ArchitectureSpec`] and
/// [`crate::results::summary::KindResult`], the folder in `kinds/`, and the
/// `kind` value in a scenario file. `with_kinds!(then!(args…))` calls
/// `then! { (args…) Variant module "name", … }` with the list in this
/// order (the order `check` and serde name the kinds in); `with_kinds!(
/// exported then!(…))` calls a `#[macro_export]`ed `then`.
#[macro_export]
#[doc(hidden)]
macro_rules! with_kinds {
    (@with [$($callee:tt)*] ($($args:tt)*)) => {
        $($callee)*! { ($($args)*)
            Fleet fleet "fleet",
            Serverless serverless "serverless",
            Autoscaled autoscaled "autoscaled",
            Microservices microservices "microservices",
            Kubernetes kubernetes "kubernetes",
        }
    };
    (exported $then:ident ! $args:tt) => { $crate::with_kinds! { @with [$crate::$then] $args } };
    ($then:ident ! $args:tt) => { $crate::with_kinds! { @with [$then] $args } };
}

/// `dispatch!(Enum, value, x => body)`: `body` with `x` bound to the
/// kind's own value inside `value`, an `ArchitectureSpec` or a
/// `KindResult` (named `Enum` at the call site). `body` is compiled once
/// per kind with that kind's type, so a trait method called on `x` is
/// the kind's own implementation, statically dispatched.
#[macro_export]
#[doc(hidden)]
macro_rules! dispatch {
    ($enum:ident, $value:expr, $x:ident => $body:expr) => {
        $crate::with_kinds! { exported __dispatch_match!($enum, $value, $x, $body) }
    };
}

/// [`dispatch!`]'s callback: the `match` over every kind.
#[macro_export]
#[doc(hidden)]
macro_rules! __dispatch_match {
    (($enum:ident, $value:expr, $x:ident, $body:expr) $($variant:ident $module:ident $name:literal,)*) => {
        match $value {
            $($enum::$variant($x) => $body,)*
        }
    };
}
