//! The integration tests, linked as one binary (`tests/it`): one link of
//! the crate instead of one per file. Each module is one former test file;
//! `common` holds the scenario builders and checks they share.

mod autoscaled;
mod azure;
mod charts;
mod cli;
mod cloud_run;
mod commitments;
mod common;
mod contracts;
mod controllers;
mod data_transfer;
mod demand;
mod deploy;
mod determinism;
mod fargate;
mod feed;
mod fuzz;
mod golden;
mod json_schema;
mod keepalive;
mod lambda_prices;
mod laws;
mod micro;
mod plan;
mod plan_kinds;
mod prices;
mod recycling;
mod replications;
mod replications_report;
mod robust;
mod scale_rate;
mod serverless;
mod shards;
mod sweep;
mod theory;
mod trace;
