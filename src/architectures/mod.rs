//! The architectures a scenario compares, one module per kind, and what
//! they share: the request stream every kind replays ([`requests`]), the
//! reusable records of requests in flight ([`records`]) and the run loop
//! ([`run`]).

pub mod autoscale;
pub mod fleet;
pub mod microservices;
pub mod records;
pub mod requests;
pub mod run;
pub mod serverless;

pub use run::{run, run_architecture};
