//! `kind = "microservices"`: every service on a fleet of its own (fixed
//! or autoscaled), calls between them crossing the network.

pub mod model;
pub mod plan;
pub mod spec;
