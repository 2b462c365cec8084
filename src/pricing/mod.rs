//! Prices as data and the bills they make: the catalog of instances,
//! Lambda, gateways, commitments, Fargate, Cloud Run, Lambda Managed
//! Instances and data transfer, read from price files with a source and a
//! date for every entry ([`price_files`], [`catalog`]); and the billing
//! rules that turn usage into dollars ([`cost`], [`commitment`],
//! [`fargate`]), and the fee of a Kubernetes control plane
//! ([`kubernetes`]).
//!
//! Nothing here knows a scenario file or a model: the scenario resolves
//! its names through the catalog, and the models hand their usage to the
//! billing rules.

pub mod catalog;
pub mod commitment;
pub mod cost;
pub mod entries;
pub mod fargate;
pub mod kubernetes;
pub mod price_files;
pub mod transfer;
