//! # scalesim — an autoscaling and cost simulator
//!
//! scalesim replays a demand curve against several architectures of the
//! same system (fixed fleets, autoscaled fleets, microservices and
//! serverless functions) and reports, for each, what it costs and how fast
//! it answers.
//!
//! ## How the crate is laid out
//!
//! The **simulation core** is pure and deterministic: it does no I/O and
//! reads no clock.
//!
//! - [`time`]: integer simulated time ([`time::SimTime`], nanoseconds).
//! - [`engine`]: the event queue (a 4-ary heap) and the loop; knows
//!   nothing of servers.
//! - [`rng`], [`dist`]: named random streams and the distributions drawn from them.
//! - [`demand`]: rate profiles and the arrival process.
//! - [`shapes`]: synthetic demand shapes (ramp, diurnal, hourly, spikes,
//!   bursty, noise) built as rate profiles.
//! - [`trace`]: recorded demand (rate and timestamp CSV files), checked
//!   at load time and streamed at run time.
//! - [`azure`]: multi-function traces (Azure Functions 2019 and 2021), each
//!   function a service with its own arrivals.
//! - [`workload`]: the call tree of a request and the per-request work sizes.
//! - [`fleet`]: a fleet of identical servers behind one FCFS queue.
//! - [`autoscale`]: the servers of an autoscaled fleet and its
//!   target-tracking policy.
//! - [`microservices`]: one fleet per service, sync calls holding the
//!   caller's slot.
//! - [`serverless`]: per-function instance pools with cold starts,
//!   keep-alive, limits and pay-per-use billing.
//! - [`slab`]: reusable records of requests and invocations in flight.
//! - [`metrics`], [`stats`]: streaming histograms and time-series collection.
//! - [`cost`]: billing rules.
//! - [`sim`]: runs every architecture of a scenario.
//!
//! The **edges** turn files into scenarios and results into files:
//! [`scenario`] (TOML parsing and validation), [`catalog`] (instance prices
//! with their source and date), [`summary`], [`output`], [`table`] and
//! [`cli`].
//!
//! The **decision** layer reads only the summary: [`decision`] (which
//! architectures meet the SLO, the Pareto frontier, the cheapest that
//! meets the SLO), [`charts`] (PNG and SVG, with an embedded font) and
//! [`report`] (`report.md`).
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
//! ## Units
//!
//! Durations in scenario files carry a unit (`ms`, `s`, `m`, `h`, `d`);
//! rates are requests per second; work is CPU time on one vCPU; money is
//! US dollars, a month is 730 hours.

pub mod autoscale;
pub mod azure;
pub mod catalog;
pub mod charts;
pub mod cli;
pub mod cost;
pub mod decision;
pub mod demand;
pub mod dist;
pub mod engine;
pub mod fleet;
pub mod metrics;
pub mod microservices;
pub mod output;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod serverless;
pub mod shapes;
pub mod sim;
pub mod slab;
pub mod stats;
pub mod summary;
pub mod table;
pub mod time;
pub mod trace;
pub mod workload;
