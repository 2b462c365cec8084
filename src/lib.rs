//! # scalesim — an autoscaling and cost simulator
//!
//! scalesim replays a demand curve against several architectures of the
//! same system (fixed fleets, autoscaled fleets, microservices and
//! serverless functions) and reports, for each, what it costs and how fast
//! it answers.
//!
//! ## How the crate is laid out
//!
//! One folder per part; the top of `src/` holds only the entry points
//! ([`cli`], `main`) and the basics every part shares: [`time`] (integer
//! simulated time, [`time::SimTime`] in nanoseconds), [`rng`] (named random
//! streams), [`dist`] (the distributions drawn from them), [`numbers`]
//! (numbers as people write them), [`limits`] and [`file_error`] (the
//! error a bad input file gets). The parts depend on each other in one
//! order, written down and enforced by `tests/it/layering.rs`.
//!
//! The **simulation core** is pure and deterministic: it does no I/O and
//! reads no clock.
//!
//! - [`engine`]: the event queue (a 4-ary heap) and the loop; knows
//!   nothing of servers.
//! - [`demand`]: rate profiles and the arrival process, synthetic shapes,
//!   and recorded traces (rate and timestamp CSV, Azure Functions 2019 and
//!   2021) checked at load time and streamed at run time.
//! - [`kinds`]: one folder per kind of architecture (fixed and autoscaled
//!   fleets, microservices, serverless) holding everything about it — its
//!   validation, `check` lines and estimate, its model and bill, its
//!   results and its planner — and the one list of kinds every dispatch
//!   is built from.
//! - [`architectures`]: the run loop, and the request stream, call
//!   stepper and records of requests in flight every kind's model shares.
//! - [`pricing`]: prices as data (the catalog and the price files, each
//!   entry with its source and date) and the billing rules that turn
//!   usage into dollars.
//! - [`results`]: streaming histograms and time series, intervals over
//!   replications, and the serializable summary of a run.
//!
//! The **edges** turn files into scenarios and results into files:
//! [`scenario`] (TOML parsing and validation into a resolved scenario, its
//! names resolved against the scenario's prices, and the call tree) and
//! [`report`] (the terminal table, the charts, the Markdown report and the
//! output files, all of which read the summary and the scenario, never
//! the models, and draw what [`analysis`] decided: SLO verdicts, the
//! cheapest choice, crossovers). [`shard`] splits a run or a sweep
//! into shards that run anywhere and merges their partial results back
//! into exactly the unsharded outputs.
//!
//! ## The determinism contract
//!
//! Same scenario and same seed give byte-identical outputs, whatever the
//! number of threads. Three rules make that true:
//!
//! 1. Time is an integer; events at the same instant run in the order they
//!    were scheduled.
//! 2. Every random number comes from a stream named by (seed, replication,
//!    purpose), never from a shared generator, so running architectures in
//!    parallel cannot change what any of them draws.
//! 3. Arrivals and per-request work come from their own streams, consumed
//!    in request order, so every architecture of a scenario sees exactly
//!    the same requests (common random numbers): differences between
//!    architectures come from the architecture, not from luck.
//!
//! The same holds across processes: a unit (one replication of one
//! architecture at one point) gives the same result on any machine, and
//! every pooling of results is of integer counts, so shards merged give
//! the unsharded outputs byte for byte.
//!
//! ## Units
//!
//! Durations in scenario files carry a unit (`ms`, `s`, `m`, `h`, `d`);
//! rates are requests per second; work is CPU time on one vCPU; money is
//! US dollars, a month is 730 hours.

pub mod analysis;
pub mod architectures;
pub mod cli;
pub mod demand;
pub mod dist;
pub mod engine;
pub mod file_error;
pub mod kinds;
pub mod limits;
pub mod numbers;
pub mod plan;
pub mod pricing;
pub mod report;
pub mod results;
pub mod rng;
pub mod scenario;
pub mod shard;
pub mod sweep;
pub mod time;
