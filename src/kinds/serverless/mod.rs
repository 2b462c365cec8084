//! `kind = "serverless"`: one function per service, each an instance pool
//! with cold starts, keep-alive, concurrency limits and provisioned
//! concurrency, billed per request and per millisecond (AWS Lambda, and
//! Google Cloud Run with `platform = "cloud-run"`).

pub mod describe;
pub mod estimate;
pub mod model;
pub mod plan;
pub mod results;
pub mod spec;
