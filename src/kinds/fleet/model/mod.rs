//! The fixed fleet's models: on-demand or committed servers up for the
//! whole run ([`fixed`]), or spot servers interrupted and replaced
//! ([`spot`]).

pub mod fixed;
pub mod spot;
