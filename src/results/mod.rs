//! What a run measures and reports: streaming histograms ([`metrics`]),
//! the statistics a model feeds while it runs ([`stats`]) and the
//! serializable result of a run ([`summary`]).

pub mod aggregate;
pub mod estimate;
pub mod finite;
pub mod metrics;
pub mod queueing;
pub mod replications;
pub mod stats;
pub mod summary;
pub mod transfer;
