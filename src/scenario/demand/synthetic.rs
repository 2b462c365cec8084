//! The base rate of a synthetic demand: one function per shape, each
//! checking the keys its shape needs and describing the result in words.
//! `spike` starts from a constant rate; its spike is added by `modifiers`.
//! A `bursty` base is resolved to its states, drawn per replication by
//! [`crate::demand::synthetic`].

use super::raw::{RawDemand, Shape};
use super::{DemandContext, need, positive_duration, rate};
use crate::demand::shapes::{self, BurstState};
use crate::demand::synthetic::Base;
use crate::demand::{RateProfile, Segment};
use crate::file_error::{ErrorContext, ScenarioError};
use crate::time::SimTime;
use toml::Spanned;

/// The base of any shape but `trace`, and its description.
pub(super) fn base(
    d: &Spanned<RawDemand>,
    dc: &DemandContext,
) -> Result<(Base, String), ScenarioError> {
    let fixed = |(p, description)| (Base::Fixed(p), description);
    Ok(match d.get_ref().shape.get_ref() {
        Shape::Constant | Shape::Spike => fixed(constant(d, dc.ctx)?),
        Shape::Steps => fixed(steps(d, dc.ctx)?),
        Shape::Ramp => fixed(ramp(d, dc.ctx)?),
        Shape::Diurnal => fixed(diurnal(d, dc)?),
        Shape::Hourly => fixed(hourly(d, dc)?),
        Shape::Bursty => bursty(d, dc)?,
        Shape::Trace => unreachable!("a trace is validated by `trace`"),
    })
}

fn constant(
    d: &Spanned<RawDemand>,
    ctx: &ErrorContext,
) -> Result<(RateProfile, String), ScenarioError> {
    let rps = d.get_ref().rps.as_ref();
    let rps = rps.ok_or_else(|| need(d, ctx, "rps", "rps = 100"))?;
    let r = rate(rps, "demand.rps", ctx, false)?;
    Ok((RateProfile::constant(r), format!("constant {r} rps")))
}

fn steps(
    d: &Spanned<RawDemand>,
    ctx: &ErrorContext,
) -> Result<(RateProfile, String), ScenarioError> {
    let steps = d.get_ref().steps.as_ref().ok_or_else(|| {
        ctx.at(
            Some(d.span()),
            "demand.steps",
            "shape = \"steps\" needs `steps = [{ at = \"0s\", rps = 50 }, …]`",
        )
    })?;
    let mut segments: Vec<Segment> = Vec::new();
    for (i, s) in steps.get_ref().iter().enumerate() {
        let r = rate(&s.rps, &format!("demand.steps[{i}].rps"), ctx, true)?;
        // The README's rules, enforced rather than repaired: a file whose
        // steps are out of order or start late says something other than
        // what a sorted, padded profile would simulate.
        let problem = match segments.last() {
            None if s.at.0 != SimTime::ZERO => Some(format!(
                "the first step must be at \"0s\", found \"{}\"",
                s.at.0
            )),
            Some(prev) if s.at.0 <= prev.start => Some(format!(
                "steps must be in strictly increasing time: \"{}\" follows \"{}\"",
                s.at.0, prev.start
            )),
            _ => None,
        };
        if let Some(m) = problem {
            return Err(ctx.at(Some(steps.span()), &format!("demand.steps[{i}].at"), m));
        }
        segments.push(Segment::flat(s.at.0, r));
    }
    if segments.iter().all(|s| s.rate == 0.0) {
        return Err(ctx.at(
            Some(steps.span()),
            "demand.steps",
            "expected at least one step with a rate > 0",
        ));
    }
    let n = segments.len();
    Ok((RateProfile::steps(segments), format!("{n} steps")))
}

fn ramp(
    d: &Spanned<RawDemand>,
    ctx: &ErrorContext,
) -> Result<(RateProfile, String), ScenarioError> {
    let raw = d.get_ref();
    let need = |key, example| need(d, ctx, key, example);
    let from = raw
        .from_rps
        .as_ref()
        .ok_or_else(|| need("from_rps", "from_rps = 10"))?;
    let to = raw
        .to_rps
        .as_ref()
        .ok_or_else(|| need("to_rps", "to_rps = 100"))?;
    let over = raw
        .over
        .as_ref()
        .ok_or_else(|| need("over", "over = \"1h\""))?;
    let a = rate(from, "demand.from_rps", ctx, true)?;
    let b = rate(to, "demand.to_rps", ctx, true)?;
    let o = positive_duration(over, "demand.over", ctx)?;
    if a == 0.0 && b == 0.0 {
        return Err(ctx.at(
            Some(to.span()),
            "demand.to_rps",
            "a ramp from 0 to 0 has no requests: expected a rate > 0",
        ));
    }
    Ok((
        shapes::ramp(a, b, o),
        format!("ramp {a} → {b} rps over {o}"),
    ))
}

fn diurnal(
    d: &Spanned<RawDemand>,
    dc: &DemandContext,
) -> Result<(RateProfile, String), ScenarioError> {
    let (raw, ctx) = (d.get_ref(), dc.ctx);
    let need = |key, example| need(d, ctx, key, example);
    let min = raw
        .min_rps
        .as_ref()
        .ok_or_else(|| need("min_rps", "min_rps = 20"))?;
    let peak = raw
        .peak_rps
        .as_ref()
        .ok_or_else(|| need("peak_rps", "peak_rps = 200"))?;
    let lo = rate(min, "demand.min_rps", ctx, true)?;
    let hi = rate(peak, "demand.peak_rps", ctx, false)?;
    if lo > hi {
        return Err(ctx.at(
            Some(min.span()),
            "demand.min_rps",
            format!("expected min_rps <= peak_rps ({hi}), found {lo}"),
        ));
    }
    let at = match &raw.peak_at {
        Some(p) => {
            time_of_day(p.get_ref()).map_err(|m| ctx.at(Some(p.span()), "demand.peak_at", m))?
        }
        None => SimTime::from_secs(13 * 3600),
    };
    Ok((
        shapes::diurnal(lo, hi, at, dc.duration),
        format!("diurnal {lo}–{hi} rps, peak at {}", clock(at)),
    ))
}

fn hourly(
    d: &Spanned<RawDemand>,
    dc: &DemandContext,
) -> Result<(RateProfile, String), ScenarioError> {
    let ctx = dc.ctx;
    let v = d.get_ref().hourly.as_ref();
    let v = v.ok_or_else(|| need(d, ctx, "hourly", "24 rates, one per hour"))?;
    let values: [f64; 24] = v.get_ref().as_slice().try_into().map_err(|_| {
        ctx.at(
            Some(v.span()),
            "demand.hourly",
            format!(
                "expected 24 values (00:00 to 23:00), found {}",
                v.get_ref().len()
            ),
        )
    })?;
    if let Some(x) = values.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
        return Err(ctx.at(
            Some(v.span()),
            "demand.hourly",
            format!("expected rates >= 0, found {x}"),
        ));
    }
    if values.iter().all(|x| *x == 0.0) {
        return Err(ctx.at(
            Some(v.span()),
            "demand.hourly",
            "expected at least one rate > 0",
        ));
    }
    Ok((
        shapes::hourly(&values, dc.duration),
        "hourly rates".to_string(),
    ))
}

fn bursty(d: &Spanned<RawDemand>, dc: &DemandContext) -> Result<(Base, String), ScenarioError> {
    let ctx = dc.ctx;
    let states = d.get_ref().states.as_ref().ok_or_else(|| {
        ctx.at(
            Some(d.span()),
            "demand.states",
            "shape = \"bursty\" needs `states = [{ rps = 10, mean_sojourn = \"5m\" }, { rps = 200, mean_sojourn = \"30s\" }]`",
        )
    })?;
    let mut list = Vec::new();
    for (i, s) in states.get_ref().iter().enumerate() {
        list.push(BurstState {
            rate: rate(&s.rps, &format!("demand.states[{i}].rps"), ctx, true)?,
            mean_sojourn: positive_duration(
                &s.mean_sojourn,
                &format!("demand.states[{i}].mean_sojourn"),
                ctx,
            )?,
        });
    }
    if list.len() < 2 {
        return Err(ctx.at(
            Some(states.span()),
            "demand.states",
            format!("expected at least 2 states, found {}", list.len()),
        ));
    }
    // The process visits its states equally often in the long run, so it
    // changes state about once per mean of their mean sojourns.
    let mean_stay = list
        .iter()
        .map(|s| s.mean_sojourn.as_secs_f64())
        .sum::<f64>()
        / list.len() as f64;
    let changes = dc.duration.as_secs_f64() / mean_stay;
    let limit = crate::limits::MAX_PROFILE_PIECES as f64;
    if changes > limit {
        return Err(ctx.at(
            Some(states.span()),
            "demand.states",
            format!(
                "mean sojourns averaging {} over {} make about {} state changes; the limit is {}; \
                 use mean sojourns averaging at least {}",
                SimTime::from_secs_f64(mean_stay),
                dc.duration,
                crate::limits::count(changes),
                crate::limits::count(limit),
                SimTime::from_secs_f64(dc.duration.as_secs_f64() / limit)
            ),
        ));
    }
    let n = list.len();
    Ok((Base::Bursty(list), format!("bursty, {n} states")))
}

/// "13:00" or "13:30:15" → time since midnight.
fn time_of_day(s: &str) -> Result<SimTime, String> {
    let bad = || format!("expected a time of day such as \"13:00\", found \"{s}\"");
    let parts: Vec<&str> = s.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(bad());
    }
    let num = |p: &str, max: u64| {
        p.parse::<u64>()
            .ok()
            .filter(|v| *v < max && p.len() == 2)
            .ok_or_else(bad)
    };
    let h = num(parts[0], 24)?;
    let m = num(parts[1], 60)?;
    let sec = parts.get(2).map_or(Ok(0), |p| num(p, 60))?;
    Ok(SimTime::from_secs(h * 3600 + m * 60 + sec))
}

fn clock(t: SimTime) -> String {
    let s = t.as_nanos() / 1_000_000_000;
    format!("{:02}:{:02}", s / 3600, s / 60 % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_of_day_reads_hours_minutes_and_seconds() {
        assert_eq!(time_of_day("13:00"), Ok(SimTime::from_secs(46_800)));
        assert_eq!(time_of_day("00:01:30"), Ok(SimTime::from_secs(90)));
        assert!(time_of_day("24:00").is_err());
        assert!(time_of_day("1pm").is_err());
        assert!(time_of_day("7:00").is_err());
    }
}
