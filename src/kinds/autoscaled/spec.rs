//! The `kind = "autoscaled"` architecture as resolved from the file: a fleet
//! whose size a target-tracking policy changes, as EC2 Auto Scaling and the
//! Kubernetes HPA do.

use crate::dist::Dist;
use crate::file_error::{ErrorContext, ScenarioError};
use crate::kinds::servers::spec::FleetSpec;
use crate::kinds::servers::spec::controller::{ControllerSpec, validate_controller};
use crate::kinds::servers::spec::scaling::{ScalingSpec, defaults};
use crate::kinds::servers::spec::{fleet_concurrency, fleet_instance, fleet_limits};
use crate::pricing::catalog::Prices;
use crate::scenario::context::count;
use crate::scenario::kind::{Context, KeyGroup, Keys, KindSpec};
use crate::scenario::raw::RawArchitecture;
use crate::scenario::values::{Dur, Metric};
use crate::time::SimTime;
use toml::Spanned;

#[derive(Clone, Debug)]
pub struct AutoscaledSpec {
    /// The fleet as it starts (`servers` = the initial count).
    pub fleet: FleetSpec,
    pub scaling: ScalingSpec,
}

/// Parses "HH:MM" into a time of day.
fn time_of_day(s: &str) -> Option<SimTime> {
    let (h, m) = s.split_once(':')?;
    let (h, m): (u64, u64) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && s.len() == 5).then(|| SimTime::from_secs(h * 3600 + m * 60))
}

pub(crate) fn validate_autoscaled(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    services: &[crate::scenario::service::Service],
    prices: &Prices,
) -> Result<AutoscaledSpec, ScenarioError> {
    let instance = fleet_instance(a, key, ctx, prices)?;
    let (queue_limit, timeout) = fleet_limits(a, key, ctx)?;
    let (concurrency, memory_bound) = fleet_concurrency(a, key, ctx, &instance, services)?;
    let (min, max) = size_limits(a, key, ctx)?;
    let (metric, target) = policy(a, key, ctx)?;
    let (controller, default_evaluation) = validate_controller(a, key, ctx)?;
    let (evaluation, scale_out_cooldown, scale_in_cooldown) =
        timings(a, key, ctx, default_evaluation)?;
    check_metric_period(a, key, ctx, &controller, evaluation)?;
    let tolerance = tolerance(a, key, ctx)?;
    let boot_time = a.boot_time.as_ref().map_or_else(
        || Dist::constant(defaults::BOOT_TIME),
        |b| b.get_ref().0.clone(),
    );
    let scaling = ScalingSpec {
        min,
        max,
        metric,
        target,
        evaluation,
        boot_time,
        scale_out_cooldown,
        scale_in_cooldown,
        tolerance,
        scheduled: scheduled_minimums(a, key, ctx, max)?,
        controller,
    };
    let initial = initial_size(a, key, ctx, &scaling)?;
    let pricing =
        crate::kinds::servers::spec::commitments::fleet_pricing(a, key, ctx, &instance, prices)?;
    let spot = crate::kinds::servers::spec::fleet_spot(
        a,
        key,
        ctx,
        &instance,
        &pricing,
        &scaling.boot_time,
    )?;
    Ok(AutoscaledSpec {
        fleet: FleetSpec {
            servers: initial,
            sizing: None,
            instance,
            pricing,
            spot,
            queue_limit,
            timeout,
            concurrency,
            memory_bound,
        },
        scaling,
    })
}

/// Instances Lambda Managed Instances launch first, one per Availability
/// Zone (AWS Lambda Developer Guide, "Scaling Lambda Managed Instances",
/// read 2026-12-06).
const LAMBDA_MANAGED_MIN: u32 = 3;

/// `min` (default 1, or 3 on Lambda Managed Instances, which launch three
/// for Availability Zone resiliency; at most `max`) and `max` (required:
/// nothing else bounds the cost).
fn size_limits(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
) -> Result<(u32, u32), ScenarioError> {
    let managed = a
        .instance
        .as_ref()
        .is_some_and(|i| i.get_ref().is_lambda_managed());
    let min = count(&a.min, &format!("{key}.min"), ctx, 0, 1)?;
    let max = match &a.max {
        Some(_) => count(&a.max, &format!("{key}.max"), ctx, 1, 0)?,
        None => {
            return Err(ctx.at(
                Some(a.kind.span()),
                &format!("{key}.max"),
                "an autoscaled fleet needs `max`, the most servers it may run",
            ));
        }
    };
    if u64::from(max) > crate::limits::MAX_SERVERS {
        return Err(ctx.at(
            a.max.as_ref().map(|m| m.span()),
            &format!("{key}.max"),
            format!(
                "expected at most {} servers, found {max}",
                crate::limits::MAX_SERVERS
            ),
        ));
    }
    let min = if managed && a.min.is_none() {
        LAMBDA_MANAGED_MIN.min(max)
    } else {
        min
    };
    if min > max {
        return Err(ctx.at(
            a.min.as_ref().map(|m| m.span()),
            &format!("{key}.min"),
            format!("expected min <= max, found min = {min}, max = {max}"),
        ));
    }
    Ok((min, max))
}

/// The metric tracked and its target, whose valid range depends on the
/// metric.
fn policy(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
) -> Result<(Metric, f64), ScenarioError> {
    let Some(p) = &a.policy else {
        return Ok((Metric::Cpu, defaults::CPU_TARGET));
    };
    let p = p.get_ref();
    let t = *p.target.get_ref();
    let ok = match p.metric {
        Metric::Cpu => t > 0.0 && t <= 1.0,
        _ => t > 0.0 && t.is_finite(),
    };
    if !ok {
        let expected = match p.metric {
            Metric::Cpu => "a cpu target in (0, 1]",
            Metric::RequestsPerServer => "a target > 0 requests per second per server",
            Metric::Queue => "a target > 0 waiting requests per server",
        };
        return Err(ctx.at(
            Some(p.target.span()),
            &format!("{key}.policy.target"),
            format!("expected {expected}, found {t}"),
        ));
    }
    Ok((p.metric, t))
}

/// `evaluation` (> 0), `scale_out_cooldown` and `scale_in_cooldown`
/// (either may be 0: no wait).
fn timings(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    default_evaluation: SimTime,
) -> Result<(SimTime, SimTime, SimTime), ScenarioError> {
    let dur = |v: &Option<Spanned<Dur>>, name: &str, default: SimTime, allow_zero: bool| match v {
        None => Ok(default),
        Some(d) if !allow_zero && d.get_ref().0 == SimTime::ZERO => Err(ctx.at(
            Some(d.span()),
            &format!("{key}.{name}"),
            format!("expected `{name}` > 0"),
        )),
        Some(d) => Ok(d.get_ref().0),
    };
    Ok((
        dur(&a.evaluation, "evaluation", default_evaluation, false)?,
        dur(
            &a.scale_out_cooldown,
            "scale_out_cooldown",
            defaults::SCALE_OUT_COOLDOWN,
            true,
        )?,
        dur(
            &a.scale_in_cooldown,
            "scale_in_cooldown",
            defaults::SCALE_IN_COOLDOWN,
            true,
        )?,
    ))
}

/// EC2 target tracking reads metric periods of 10 to 60 seconds.
fn check_metric_period(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    controller: &ControllerSpec,
    evaluation: SimTime,
) -> Result<(), ScenarioError> {
    let ok = SimTime::from_secs(10)..=SimTime::from_secs(60);
    match (controller, &a.evaluation) {
        (ControllerSpec::Ec2TargetTracking(_), Some(e)) if !ok.contains(&evaluation) => Err(ctx
            .at(
                Some(e.span()),
                &format!("{key}.evaluation"),
                "expected a metric period between 10s and 60s for ec2-target-tracking",
            )),
        _ => Ok(()),
    }
}

fn tolerance(a: &RawArchitecture, key: &str, ctx: &ErrorContext) -> Result<f64, ScenarioError> {
    match &a.tolerance {
        None => Ok(defaults::TOLERANCE),
        Some(t) if (0.0..1.0).contains(t.get_ref()) => Ok(*t.get_ref()),
        Some(t) => Err(ctx.at(
            Some(t.span()),
            &format!("{key}.tolerance"),
            format!("expected a tolerance in [0, 1), found {}", t.get_ref()),
        )),
    }
}

/// The `scheduled` daily minimums, sorted by time of day; none may exceed
/// `max`.
fn scheduled_minimums(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    max: u32,
) -> Result<Vec<(SimTime, u32)>, ScenarioError> {
    let mut scheduled = Vec::new();
    for (i, s) in a
        .scheduled
        .iter()
        .flat_map(|s| s.get_ref().iter())
        .enumerate()
    {
        let at = time_of_day(s.at.get_ref()).ok_or_else(|| {
            ctx.at(
                Some(s.at.span()),
                &format!("{key}.scheduled[{i}].at"),
                format!(
                    "expected a time of day \"HH:MM\", found \"{}\"",
                    s.at.get_ref()
                ),
            )
        })?;
        let m = count(
            &Some(s.min.clone()),
            &format!("{key}.scheduled[{i}].min"),
            ctx,
            0,
            0,
        )?;
        if m > max {
            return Err(ctx.at(
                Some(s.min.span()),
                &format!("{key}.scheduled[{i}].min"),
                format!("a scheduled minimum of {m} exceeds max = {max}"),
            ));
        }
        if let Some(&(prev, _)) = scheduled.last()
            && at <= prev
        {
            return Err(ctx.at(
                Some(s.at.span()),
                &format!("{key}.scheduled[{i}].at"),
                format!(
                    "scheduled minimums must be in increasing time of day: \"{}\" follows \"{}\"",
                    s.at.get_ref(),
                    SimTime(prev.as_nanos())
                ),
            ));
        }
        scheduled.push((at, m));
    }
    Ok(scheduled)
}

/// `initial`, held within the minimum in force at t = 0 and `max`; by
/// default that minimum.
fn initial_size(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    scaling: &ScalingSpec,
) -> Result<u32, ScenarioError> {
    let floor = scaling.minimum_at(SimTime::ZERO);
    match &a.initial {
        None => Ok(floor),
        Some(v) => {
            let n = count(&a.initial, &format!("{key}.initial"), ctx, 0, 0)?;
            if n > scaling.max {
                return Err(ctx.at(
                    Some(v.span()),
                    &format!("{key}.initial"),
                    format!(
                        "expected initial <= max, found initial = {n}, max = {}",
                        scaling.max
                    ),
                ));
            }
            Ok(n.max(floor))
        }
    }
}

pub type Spec = AutoscaledSpec;

impl KindSpec for AutoscaledSpec {
    const KEYS: Keys = Keys {
        groups: &[KeyGroup::Servers, KeyGroup::Autoscaling],
        keys: &[],
    };

    fn validate(a: &RawArchitecture, key: &str, cx: &Context) -> Result<Self, ScenarioError> {
        validate_autoscaled(a, key, cx.ctx, cx.shared.services, cx.prices)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_parse_strictly() {
        assert_eq!(time_of_day("08:00"), Some(SimTime::from_secs(8 * 3600)));
        assert_eq!(
            time_of_day("23:59"),
            Some(SimTime::from_secs(23 * 3600 + 59 * 60))
        );
        assert_eq!(time_of_day("24:00"), None);
        assert_eq!(time_of_day("8:00"), None);
        assert_eq!(time_of_day("noon"), None);
    }
}
