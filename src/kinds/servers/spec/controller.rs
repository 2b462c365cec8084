//! Which controller an autoscaled fleet runs (`controller = "custom" |
//! "kubernetes-hpa" | "ec2-target-tracking"`) and the keys only one of them
//! takes: the HPA's `behavior`, EC2's `instance_warmup` and
//! `alarm_datapoints`. Each platform's defaults are data with their source.

use crate::file_error::{ErrorContext, ScenarioError};
use crate::kinds::servers::keys::{ControllerName, HpaPolicy, RawRules, SelectPolicy};
use crate::scenario::raw::RawArchitecture;
use crate::time::SimTime;
use toml::Spanned;

/// The controller of an autoscaled fleet, resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum ControllerSpec {
    /// Cooldowns plus a scale-in stabilisation window (the keys
    /// `scale_out_cooldown` and `scale_in_cooldown`).
    Custom,
    /// The Kubernetes HorizontalPodAutoscaler's algorithm and behaviour.
    KubernetesHpa(Box<HpaBehavior>),
    /// EC2 Auto Scaling target tracking with instance warmup.
    Ec2TargetTracking(Ec2Alarms),
}

impl ControllerSpec {
    pub fn name(&self) -> &'static str {
        match self {
            ControllerSpec::Custom => "custom",
            ControllerSpec::KubernetesHpa(_) => "kubernetes-hpa",
            ControllerSpec::Ec2TargetTracking(_) => "ec2-target-tracking",
        }
    }
}

/// `behavior`: the HPA's scaling rules in each direction
/// (autoscaling/v2 `HorizontalPodAutoscalerBehavior`).
#[derive(Clone, Debug, PartialEq)]
pub struct HpaBehavior {
    pub scale_up: HpaRules,
    pub scale_down: HpaRules,
}

/// One direction's rules (`HPAScalingRules`).
#[derive(Clone, Debug, PartialEq)]
pub struct HpaRules {
    pub policies: Vec<HpaPolicy>,
    pub select_policy: SelectPolicy,
    /// Recommendations of this window bound the new size (up: the lowest,
    /// down: the highest).
    pub stabilization_window: SimTime,
}

/// EC2 target tracking's alarms and instance warmup.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ec2Alarms {
    /// After reaching InService, an instance is left out of the metric,
    /// and blocks scale-in, for this long.
    pub instance_warmup: SimTime,
    /// Consecutive datapoints above the target that fire the scale-out
    /// alarm, and below target × (1 − tolerance) that fire scale-in.
    pub scale_out_datapoints: u32,
    pub scale_in_datapoints: u32,
}

/// Platform defaults and where they come from (read 2026-11).
pub mod defaults {
    use super::{HpaBehavior, HpaRules};
    use crate::kinds::servers::keys::{HpaPolicy, PolicyType, SelectPolicy};
    use crate::time::SimTime;

    /// kube-controller-manager `--horizontal-pod-autoscaler-sync-period`.
    pub const HPA_SYNC_PERIOD: SimTime = SimTime::from_secs(15);
    /// EC2 target tracking reads 60-second metrics (10 s at the finest).
    pub const EC2_METRIC_PERIOD: SimTime = SimTime::from_secs(60);
    /// Without a default instance warmup or an estimated one, EC2 Auto
    /// Scaling falls back to the group's default cooldown, 300 s.
    pub const EC2_INSTANCE_WARMUP: SimTime = SimTime::from_secs(300);
    /// The alarms target tracking creates: 3 of 3 datapoints above the
    /// target, 15 of 15 below it.
    pub const EC2_SCALE_OUT_DATAPOINTS: u32 = 3;
    pub const EC2_SCALE_IN_DATAPOINTS: u32 = 15;

    /// HPAScalingRules defaults (Kubernetes API reference, autoscaling/v2):
    /// up by 100 % or 4 pods per 15 s, whichever is more, no window.
    pub fn hpa_scale_up() -> HpaRules {
        HpaRules {
            policies: vec![
                HpaPolicy {
                    kind: PolicyType::Pods,
                    value: 4,
                    period: SimTime::from_secs(15),
                },
                HpaPolicy {
                    kind: PolicyType::Percent,
                    value: 100,
                    period: SimTime::from_secs(15),
                },
            ],
            select_policy: SelectPolicy::Max,
            stabilization_window: SimTime::ZERO,
        }
    }

    /// Down by up to 100 % per 15 s after a 300 s stabilisation window.
    pub fn hpa_scale_down() -> HpaRules {
        HpaRules {
            policies: vec![HpaPolicy {
                kind: PolicyType::Percent,
                value: 100,
                period: SimTime::from_secs(15),
            }],
            select_policy: SelectPolicy::Max,
            stabilization_window: SimTime::from_secs(300),
        }
    }

    pub fn hpa_behavior() -> HpaBehavior {
        HpaBehavior {
            scale_up: hpa_scale_up(),
            scale_down: hpa_scale_down(),
        }
    }
}

/// Kubernetes' limits on a policy's period and on a window.
const MAX_POLICY_PERIOD: SimTime = SimTime::from_secs(1800);
const MAX_WINDOW: SimTime = SimTime::from_secs(3600);

/// The controller of an autoscaled table, its controller-only keys
/// checked, and the evaluation period it defaults to.
pub(crate) fn validate_controller(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
) -> Result<(ControllerSpec, SimTime), ScenarioError> {
    let name = a
        .controller
        .as_ref()
        .map_or(ControllerName::Custom, |c| *c.get_ref());
    reject_foreign_keys(a, key, ctx, name)?;
    Ok(match name {
        ControllerName::Custom => (ControllerSpec::Custom, super::scaling::defaults::EVALUATION),
        ControllerName::KubernetesHpa => {
            let behavior = match &a.behavior {
                None => defaults::hpa_behavior(),
                Some(b) => HpaBehavior {
                    scale_up: rules(
                        b.get_ref().scale_up.as_ref(),
                        defaults::hpa_scale_up(),
                        &format!("{key}.behavior.scale_up"),
                        ctx,
                    )?,
                    scale_down: rules(
                        b.get_ref().scale_down.as_ref(),
                        defaults::hpa_scale_down(),
                        &format!("{key}.behavior.scale_down"),
                        ctx,
                    )?,
                },
            };
            (
                ControllerSpec::KubernetesHpa(Box::new(behavior)),
                defaults::HPA_SYNC_PERIOD,
            )
        }
        ControllerName::Ec2TargetTracking => (
            ControllerSpec::Ec2TargetTracking(ec2_alarms(a, key, ctx)?),
            defaults::EC2_METRIC_PERIOD,
        ),
    })
}

/// A key that belongs to another controller is an error that names the
/// one it belongs to, rather than a setting silently ignored.
fn reject_foreign_keys(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    name: ControllerName,
) -> Result<(), ScenarioError> {
    use ControllerName::*;
    let owned: [(&str, Option<std::ops::Range<usize>>, ControllerName, &str); 5] = [
        (
            "scale_out_cooldown",
            a.scale_out_cooldown.as_ref().map(|s| s.span()),
            Custom,
            "the HPA and EC2 target tracking scale out without a cooldown",
        ),
        (
            "scale_in_cooldown",
            a.scale_in_cooldown.as_ref().map(|s| s.span()),
            Custom,
            "the HPA's is behavior.scale_down.stabilization_window; EC2's scale-in waits for alarm_datapoints",
        ),
        (
            "behavior",
            a.behavior.as_ref().map(|s| s.span()),
            KubernetesHpa,
            "",
        ),
        (
            "instance_warmup",
            a.instance_warmup.as_ref().map(|s| s.span()),
            Ec2TargetTracking,
            "",
        ),
        (
            "alarm_datapoints",
            a.alarm_datapoints.as_ref().map(|s| s.span()),
            Ec2TargetTracking,
            "",
        ),
    ];
    for (k, span, owner, hint) in owned {
        if let Some(span) = span
            && owner != name
        {
            let owner = match owner {
                Custom => "custom",
                KubernetesHpa => "kubernetes-hpa",
                Ec2TargetTracking => "ec2-target-tracking",
            };
            let hint = if hint.is_empty() {
                String::new()
            } else {
                format!(" ({hint})")
            };
            return Err(ctx.at(
                Some(span),
                &format!("{key}.{k}"),
                format!("key `{k}` applies only to controller = \"{owner}\"{hint}"),
            ));
        }
    }
    Ok(())
}

/// One direction's rules: what is written over Kubernetes' defaults.
fn rules(
    raw: Option<&Spanned<RawRules>>,
    default: HpaRules,
    key: &str,
    ctx: &ErrorContext,
) -> Result<HpaRules, ScenarioError> {
    let Some(raw) = raw else {
        return Ok(default);
    };
    let r = raw.get_ref();
    let policies = match &r.policies {
        None => default.policies,
        Some(p) if p.get_ref().is_empty() => {
            return Err(ctx.at(
                Some(p.span()),
                &format!("{key}.policies"),
                "expected at least one policy, such as { type = \"Pods\", value = 4, period = \"15s\" }",
            ));
        }
        Some(p) => {
            for (i, policy) in p.get_ref().iter().enumerate() {
                if policy.value == 0
                    || policy.period == SimTime::ZERO
                    || policy.period > MAX_POLICY_PERIOD
                {
                    return Err(ctx.at(
                        Some(p.span()),
                        &format!("{key}.policies[{i}]"),
                        "expected value > 0 and a period in (0s, 30m]",
                    ));
                }
            }
            p.get_ref().clone()
        }
    };
    let stabilization_window = match &r.stabilization_window {
        None => default.stabilization_window,
        Some(w) if w.get_ref().0 > MAX_WINDOW => {
            return Err(ctx.at(
                Some(w.span()),
                &format!("{key}.stabilization_window"),
                "expected a stabilization window of at most 1h",
            ));
        }
        Some(w) => w.get_ref().0,
    };
    Ok(HpaRules {
        policies,
        select_policy: r.select_policy.unwrap_or(default.select_policy),
        stabilization_window,
    })
}

fn ec2_alarms(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
) -> Result<Ec2Alarms, ScenarioError> {
    let instance_warmup = a
        .instance_warmup
        .as_ref()
        .map_or(defaults::EC2_INSTANCE_WARMUP, |w| w.get_ref().0);
    if instance_warmup > SimTime::from_secs(3600) {
        return Err(ctx.at(
            a.instance_warmup.as_ref().map(|w| w.span()),
            &format!("{key}.instance_warmup"),
            "expected an instance warmup between 0s and 1h (EC2 Auto Scaling's range)",
        ));
    }
    let points = |v: Option<&Spanned<i64>>, name: &str, default: u32| match v {
        None => Ok(default),
        Some(n) if (1..=100).contains(n.get_ref()) => Ok(*n.get_ref() as u32),
        Some(n) => Err(ctx.at(
            Some(n.span()),
            &format!("{key}.alarm_datapoints.{name}"),
            format!(
                "expected between 1 and 100 datapoints, found {}",
                n.get_ref()
            ),
        )),
    };
    let raw = a.alarm_datapoints.as_ref().map(|d| d.get_ref());
    Ok(Ec2Alarms {
        instance_warmup,
        scale_out_datapoints: points(
            raw.and_then(|r| r.scale_out.as_ref()),
            "scale_out",
            defaults::EC2_SCALE_OUT_DATAPOINTS,
        )?,
        scale_in_datapoints: points(
            raw.and_then(|r| r.scale_in.as_ref()),
            "scale_in",
            defaults::EC2_SCALE_IN_DATAPOINTS,
        )?,
    })
}
