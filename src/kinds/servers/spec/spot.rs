//! Spot capacity for fleets: `market = "spot"` with a `spot` table on a
//! fixed or autoscaled fleet. The servers are billed at the spot price and
//! can be interrupted: at random (a mean time between interruptions per
//! instance), at given times, or both.
//!
//! What an interruption does (EC2's behaviour, docs.aws.amazon.com
//! "Spot Instance interruption notices", read 2026-12): the instance gets a
//! notice (two minutes on EC2) and is then reclaimed. In scalesim the
//! interrupted server takes no new work from the notice on, and a
//! replacement is launched at once (as an Auto Scaling group with Capacity
//! Rebalancing does), serving after its boot time. What it was running
//! either finishes within the notice (`interrupted_work = "finish"`, the
//! default: the application drains on the notice) or is lost at once
//! (`"lose"`: nothing watches for the notice); work still running when the
//! notice ends is lost either way. A request with lost work fails, counted
//! as `interrupted`.
//!
//! No spot price or interruption rate is built in: both change by the hour,
//! region and instance type, so the scenario gives them (the Spot Instance
//! Advisor and the spot price history are where to read them).

use crate::dist::Dist;
use crate::file_error::{ErrorContext, ScenarioError};
use crate::limits::MAX_PRICE_PER_HOUR;
use crate::numbers::{percent, trimmed};
use crate::scenario::values::{DistSpec, Dur};
use crate::time::SimTime;
use serde::Deserialize;
use toml::Spanned;

/// How a fleet's servers are bought: `market = "on-demand"` (the default)
/// or `"spot"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Market {
    OnDemand,
    Spot,
}

/// What an interrupted server does with the work it is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InterruptedWork {
    /// It finishes what it runs within the notice; what is still running
    /// when the notice ends is lost.
    Finish,
    /// What it runs is lost at the notice, and it leaves the fleet then.
    Lose,
}

impl InterruptedWork {
    pub fn name(self) -> &'static str {
        match self {
            InterruptedWork::Finish => "finish",
            InterruptedWork::Lose => "lose",
        }
    }
}

/// `spot = { discount = 0.7, mean_time_between_interruptions = "2d" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpot {
    pub discount: Option<Spanned<f64>>,
    pub price_per_hour: Option<Spanned<f64>>,
    pub mean_time_between_interruptions: Option<Spanned<Dur>>,
    pub interruptions_at: Option<Spanned<Vec<Dur>>>,
    pub notice: Option<Spanned<Dur>>,
    pub interrupted_work: Option<Spanned<InterruptedWork>>,
    pub boot_time: Option<Spanned<DistSpec>>,
    pub source: Option<String>,
    pub date: Option<String>,
}

/// EC2's interruption notice.
pub const DEFAULT_NOTICE: SimTime = SimTime::from_secs(120);

/// A fleet on spot capacity, resolved.
#[derive(Clone, Debug)]
pub struct SpotSpec {
    /// Per server-hour, billed per second like on-demand.
    pub price_per_hour: f64,
    /// The discount off the on-demand price, when that is how it was given.
    pub discount: Option<f64>,
    /// Per instance: each server's time to interruption is exponential
    /// with this mean, from its launch.
    pub mean_time_between_interruptions: Option<SimTime>,
    /// Times at which one server each is interrupted (the longest-running
    /// serving one), sorted.
    pub interruptions_at: Vec<SimTime>,
    pub notice: SimTime,
    pub interrupted_work: InterruptedWork,
    /// A replacement's time from launch to serving.
    pub boot_time: Dist,
    pub source: String,
    pub date: String,
}

impl SpotSpec {
    /// What `scalesim check` and the report add to a spot fleet's line.
    pub fn describe(&self) -> String {
        let rate = trimmed(self.price_per_hour, 6);
        let price = match self.discount {
            Some(d) => format!("${rate}/h, {} % off on-demand", percent(d)),
            None => format!("${rate}/h"),
        };
        let mut how = Vec::new();
        if let Some(m) = self.mean_time_between_interruptions {
            how.push(format!("every {m} per server on average"));
        }
        if !self.interruptions_at.is_empty() {
            how.push(format!("{} listed times", self.interruptions_at.len()));
        }
        format!(
            ", on spot ({price}), interrupted {} with {} notice (work running: {}), replacements boot in {}",
            how.join(" and at "),
            self.notice,
            self.interrupted_work.name(),
            self.boot_time.describe()
        )
    }
}

/// The `market` and `spot` keys of a fleet or autoscaled architecture
/// whose on-demand price is `on_demand` and whose servers otherwise boot
/// in `boot_time`. `None` on demand.
pub(crate) fn validate_spot(
    market: Option<&Spanned<Market>>,
    spot: Option<&Spanned<RawSpot>>,
    has_commitment: bool,
    key: &str,
    ctx: &ErrorContext,
    on_demand: f64,
    boot_time: &Dist,
) -> Result<Option<SpotSpec>, ScenarioError> {
    let is_spot = market.is_some_and(|m| *m.get_ref() == Market::Spot);
    let Some(raw) = spot else {
        if let Some(m) = market.filter(|_| is_spot) {
            return Err(ctx.at(
                Some(m.span()),
                &format!("{key}.spot"),
                "market = \"spot\" needs a `spot` table with its price and interruptions, such as \
                 spot = { discount = 0.7, mean_time_between_interruptions = \"2d\" } \
                 (the Spot Instance Advisor gives both per instance type and region)",
            ));
        }
        return Ok(None);
    };
    let at = |span: std::ops::Range<usize>, field: &str, msg: String| {
        let k = if field.is_empty() {
            format!("{key}.spot")
        } else {
            format!("{key}.spot.{field}")
        };
        ctx.at(Some(span), &k, msg)
    };
    if !is_spot {
        return Err(at(
            raw.span(),
            "",
            "a `spot` table needs market = \"spot\" beside it".into(),
        ));
    }
    if has_commitment {
        return Err(ctx.at(
            market.map(|m| m.span()),
            &format!("{key}.market"),
            "spot servers cannot also be bought with a commitment (`pricing`): Savings Plans and \
             Reserved Instances apply to on-demand capacity; drop one of the two",
        ));
    }
    let s = raw.get_ref();
    let (price_per_hour, discount) = match (&s.discount, &s.price_per_hour) {
        (Some(d), None) => {
            let v = *d.get_ref();
            if !(v.is_finite() && (0.0..1.0).contains(&v)) {
                return Err(at(
                    d.span(),
                    "discount",
                    format!(
                        "expected a discount off the on-demand price in [0, 1), such as 0.7, found {v}"
                    ),
                ));
            }
            // Rounded to 1e-10 $/h, far below a cent over any run, so
            // that 0.096 × 0.3 reads 0.0288 in the report.
            (((on_demand * (1.0 - v)) * 1e10).round() / 1e10, Some(v))
        }
        (None, Some(p)) => {
            let v = *p.get_ref();
            if !(v.is_finite() && v > 0.0 && v <= MAX_PRICE_PER_HOUR) {
                return Err(at(
                    p.span(),
                    "price_per_hour",
                    format!(
                        "expected a spot price per server-hour above 0 and at most \
                         {MAX_PRICE_PER_HOUR}, found {v}"
                    ),
                ));
            }
            (v, None)
        }
        (Some(_), Some(p)) => {
            return Err(at(
                p.span(),
                "price_per_hour",
                "give `discount` or `price_per_hour`, not both".into(),
            ));
        }
        (None, None) => {
            return Err(at(
                raw.span(),
                "discount",
                "a spot fleet needs its price: `discount` (off on-demand, such as 0.7) or \
                 `price_per_hour`"
                    .into(),
            ));
        }
    };
    let mtbi = match &s.mean_time_between_interruptions {
        Some(m) if m.get_ref().0 < SimTime::from_secs(60) => {
            return Err(at(
                m.span(),
                "mean_time_between_interruptions",
                format!(
                    "expected a mean time between interruptions of at least 1m, found {}",
                    m.get_ref().0
                ),
            ));
        }
        Some(m) => Some(m.get_ref().0),
        None => None,
    };
    let mut times: Vec<SimTime> = s
        .interruptions_at
        .as_ref()
        .map(|v| v.get_ref().iter().map(|d| d.0).collect())
        .unwrap_or_default();
    if let Some(v) = &s.interruptions_at
        && times.len() > crate::limits::MAX_SPOT_INTERRUPTIONS_AT
    {
        return Err(at(
            v.span(),
            "interruptions_at",
            format!(
                "expected at most {} interruption times, found {}",
                crate::limits::MAX_SPOT_INTERRUPTIONS_AT,
                times.len()
            ),
        ));
    }
    times.sort();
    if mtbi.is_none() && times.is_empty() {
        return Err(at(
            raw.span(),
            "mean_time_between_interruptions",
            "a spot fleet needs its interruptions: `mean_time_between_interruptions` per \
             instance (such as \"2d\"), `interruptions_at` (times such as [\"6h\", \"30h\"]), \
             or both"
                .into(),
        ));
    }
    let notice = match &s.notice {
        Some(n) if n.get_ref().0 > SimTime::from_secs(3600) => {
            return Err(at(
                n.span(),
                "notice",
                format!(
                    "expected a notice of at most 1h (EC2 gives 2m), found {}",
                    n.get_ref().0
                ),
            ));
        }
        Some(n) => n.get_ref().0,
        None => DEFAULT_NOTICE,
    };
    let given_price = s.price_per_hour.is_some();
    Ok(Some(SpotSpec {
        price_per_hour,
        discount,
        mean_time_between_interruptions: mtbi,
        interruptions_at: times,
        notice,
        interrupted_work: s
            .interrupted_work
            .as_ref()
            .map_or(InterruptedWork::Finish, |w| *w.get_ref()),
        boot_time: s
            .boot_time
            .as_ref()
            .map_or_else(|| boot_time.clone(), |b| b.get_ref().0.clone()),
        source: s.source.clone().unwrap_or_else(|| {
            if given_price {
                "scenario".into()
            } else {
                "scenario (discount off the on-demand price)".into()
            }
        }),
        date: s.date.clone().unwrap_or_default(),
    }))
}
