//! `kind = "autoscaled"`: a fleet resized by an autoscaling policy (the
//! custom controller, EC2 target tracking or the Kubernetes HPA), with
//! boot times, cooldowns and scheduled minimums.

pub mod describe;
pub mod estimate;
pub mod model;
pub mod plan;
pub mod results;
pub mod spec;
