//! What the kinds that run servers share (fleets, autoscaled groups and
//! microservices' service fleets): the fleet spec with its market and
//! commitment ([`spec`]), the autoscaling controllers' keys ([`keys`]),
//! the queue and the server pool they run on ([`model`]), their bill
//! ([`bill`]) and the backlog bound of the run estimate ([`estimate`]).

pub mod bill;
pub mod describe;
pub mod estimate;
pub mod keys;
pub mod model;
pub mod results;
pub mod spec;
