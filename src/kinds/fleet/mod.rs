//! `kind = "fleet"`: a fixed number of servers behind a load balancer,
//! sized by the file or from the demand, on-demand, on spot or under a
//! commitment.

pub mod describe;
pub mod estimate;
pub mod model;
pub mod plan;
pub mod results;
pub mod spec;
