//! The keys that multiply a synthetic base rate: `weekend_factor`, the
//! spikes (the `spike` shape's own, then `events`), `noise` and `scale`,
//! checked, resolved to factors and described in that order.

use super::raw::{RawDemand, Shape};
use super::{DemandContext, factor, need, positive_duration};
use crate::demand::shapes::{self, Spike};
use crate::demand::synthetic::Factor;
use crate::file_error::ScenarioError;
use crate::scenario::values::Dur;
use crate::time::SimTime;
use toml::Spanned;

/// The factors of the demand, in the order they apply; each adds to
/// `description`.
pub(super) fn factors(
    d: &Spanned<RawDemand>,
    dc: &DemandContext,
    description: &mut String,
) -> Result<Vec<Factor>, ScenarioError> {
    let mut factors = Vec::new();
    weekend_factor(d.get_ref(), dc, &mut factors, description)?;
    for s in &spikes(d, dc)? {
        factors.push(Factor::Times(s.envelope()));
        *description += &format!(
            ", × {} spike at {} for {}",
            s.multiplier,
            s.at,
            s.rise + s.hold + s.decay
        );
    }
    noise(d.get_ref(), dc, &mut factors, description)?;
    scale(d.get_ref(), dc, &mut factors, description)?;
    Ok(factors)
}

fn weekend_factor(
    raw: &RawDemand,
    dc: &DemandContext,
    factors: &mut Vec<Factor>,
    description: &mut String,
) -> Result<(), ScenarioError> {
    if let Some(w) = &raw.weekend_factor {
        let f = factor(w, "demand.weekend_factor", dc.ctx)?;
        factors.push(Factor::Times(shapes::weekend(f, dc.duration)));
        *description += &format!(", weekends × {f}");
    }
    Ok(())
}

/// The spike of `shape = "spike"`, then the `events`, in file order.
fn spikes(d: &Spanned<RawDemand>, dc: &DemandContext) -> Result<Vec<Spike>, ScenarioError> {
    let (raw, ctx) = (d.get_ref(), dc.ctx);
    let mut spikes = Vec::new();
    if *raw.shape.get_ref() == Shape::Spike {
        let at = raw
            .at
            .as_ref()
            .ok_or_else(|| need(d, ctx, "at", "at = \"2h\""))?;
        let m = raw
            .multiplier
            .as_ref()
            .ok_or_else(|| need(d, ctx, "multiplier", "multiplier = 10"))?;
        let get = |x: &Option<Spanned<Dur>>| x.as_ref().map_or(SimTime::ZERO, |v| v.get_ref().0);
        spikes.push(Spike {
            at: at.get_ref().0,
            rise: get(&raw.rise),
            hold: get(&raw.hold),
            decay: get(&raw.decay),
            multiplier: factor(m, "demand.multiplier", ctx)?,
        });
    }
    for (i, e) in raw.events.iter().enumerate() {
        let r = e.get_ref();
        let get = |x: &Option<Dur>| x.map_or(SimTime::ZERO, |v| v.0);
        spikes.push(Spike {
            at: r.at.0,
            rise: get(&r.rise),
            hold: get(&r.hold),
            decay: get(&r.decay),
            multiplier: factor(
                &r.multiplier,
                &format!("demand.events[{i}].multiplier"),
                ctx,
            )?,
        });
    }
    Ok(spikes)
}

fn noise(
    raw: &RawDemand,
    dc: &DemandContext,
    factors: &mut Vec<Factor>,
    description: &mut String,
) -> Result<(), ScenarioError> {
    let ctx = dc.ctx;
    let Some(n) = &raw.noise else {
        return match &raw.noise_window {
            Some(w) => Err(ctx.at(
                Some(w.span()),
                "demand.noise_window",
                "`noise_window` needs `noise` (the coefficient of variation per window)",
            )),
            None => Ok(()),
        };
    };
    let cv = *n.get_ref();
    if !(cv.is_finite() && (0.0..=10.0).contains(&cv)) {
        return Err(ctx.at(
            Some(n.span()),
            "demand.noise",
            format!("expected a coefficient of variation between 0 and 10, found {cv}"),
        ));
    }
    let w = match &raw.noise_window {
        Some(w) => positive_duration(w, "demand.noise_window", ctx)?,
        None => dc.window,
    };
    let span = raw.noise_window.as_ref().map_or(n.span(), |w| w.span());
    crate::limits::pieces(
        "noise_window",
        w,
        dc.duration,
        "noise windows",
        crate::limits::MAX_PROFILE_PIECES,
    )
    .map_err(|m| ctx.at(Some(span), "demand.noise_window", m))?;
    factors.push(Factor::Noise { cv, window: w });
    *description += &format!(", noise {cv} per {w}");
    Ok(())
}

fn scale(
    raw: &RawDemand,
    dc: &DemandContext,
    factors: &mut Vec<Factor>,
    description: &mut String,
) -> Result<(), ScenarioError> {
    if let Some(s) = &raw.scale {
        let f = factor(s, "demand.scale", dc.ctx)?;
        factors.push(Factor::Scale(f));
        *description += &format!(", scaled × {f}");
    }
    Ok(())
}
