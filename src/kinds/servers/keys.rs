//! The controller keys of an autoscaled architecture as written:
//! `controller`, the HPA's `behavior` and EC2's `alarm_datapoints`. An
//! HPA policy is read as Kubernetes spells it and kept as it is in the
//! resolved model ([`crate::scenario::HpaRules`]).

use crate::scenario::values::Dur;
use crate::time::SimTime;
use serde::Deserialize;
use toml::Spanned;

/// The controller as written.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ControllerName {
    Custom,
    KubernetesHpa,
    Ec2TargetTracking,
}

/// How far one policy lets the size move within its period.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HpaPolicy {
    #[serde(rename = "type")]
    pub kind: PolicyType,
    pub value: u32,
    #[serde(with = "dur")]
    pub period: SimTime,
}

mod dur {
    use super::{Dur, SimTime};
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SimTime, D::Error> {
        Dur::deserialize(d).map(|d| d.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum PolicyType {
    /// At most `value` pods per period.
    Pods,
    /// At most `value` % of the pods at the period's start.
    Percent,
}

/// Which policy wins when several allow different changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum SelectPolicy {
    /// The policy allowing the largest change (Kubernetes' default).
    Max,
    /// The policy allowing the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

/// `behavior = { scale_up = { ... }, scale_down = { ... } }` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBehavior {
    pub scale_up: Option<Spanned<RawRules>>,
    pub scale_down: Option<Spanned<RawRules>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRules {
    pub policies: Option<Spanned<Vec<HpaPolicy>>>,
    pub select_policy: Option<SelectPolicy>,
    pub stabilization_window: Option<Spanned<Dur>>,
}

/// `alarm_datapoints = { scale_out = 3, scale_in = 15 }` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlarms {
    pub scale_out: Option<Spanned<i64>>,
    pub scale_in: Option<Spanned<i64>>,
}
