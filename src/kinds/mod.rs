//! The kinds of architecture, one folder each: everything about a kind —
//! its validation into a spec, its model, its bill, its results and its
//! planner — lives in its folder, and [`servers`] holds what the kinds
//! that run servers share.
//!
//! Inside a kind's folder each file has one role, named by the file (or
//! folder) and placed in the crate's layers like the module of that role
//! (`tests/it/layering.rs` holds it): `spec` and `keys` read and check the
//! scenario (the `scenario` layer), `estimate` and `describe` explain it,
//! `results` is what a run of the kind adds to the shared results,
//! `model` and `bill` run it (the `architectures` layer), and `plan`
//! searches its configurations (the `plan` layer).

pub mod autoscaled;
pub mod fleet;
pub mod microservices;
pub mod serverless;
pub mod servers;
