//! `kind = "microservices"`: every service on a fleet of its own (fixed
//! or autoscaled), calls between them crossing the network.

pub mod describe;
pub mod estimate;
pub mod model;
pub mod plan;
pub mod results;
pub mod spec;
