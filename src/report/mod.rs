//! The edges that turn results into what a person reads: the terminal
//! table ([`table`]), the charts
//! ([`charts`]), the Markdown report ([`markdown`]), the limits each
//! architecture hit, for both ([`limits`]), the demand summary of
//! `scalesim demand` ([`demand`]) and the output files ([`output`]).

pub mod charts;
pub mod demand;
pub mod limits;
pub mod markdown;
pub mod output;
pub mod publish;
pub mod table;

pub use markdown::{add_outputs, conclusion, render};
