//! The `keep_alive` key of a serverless function: a fixed duration
//! (`"10m"`), or the hybrid-histogram policy of Shahrad et al. (ATC'20,
//! "Serverless in the Wild") as a table, validated into [`HybridSpec`].

use crate::file_error::{ErrorContext, ScenarioError};
use crate::scenario::values::Dur;
use crate::time::SimTime;
use serde::Deserialize;
use toml::Spanned;

/// The policy's settings. Defaults are the paper's: 1-minute bins over
/// 4 hours, head at the 5th and tail at the 99th percentile, a 10 %
/// margin, a coefficient of variation of the bin counts of 2 below which
/// the histogram is not representative.
#[derive(Clone, Debug, PartialEq)]
pub struct HybridSpec {
    pub range: SimTime,
    pub bin: SimTime,
    /// Percentiles as fractions (0.05, 0.99).
    pub head: f64,
    pub tail: f64,
    /// The fixed keep-alive used while the histogram is not representative.
    pub fallback: SimTime,
    pub min_samples: u32,
    pub cv_threshold: f64,
    /// The share of idle times beyond `range` at which the histogram is
    /// not trusted (the paper switches to ARIMA there; we fall back).
    pub out_of_range: f64,
    /// The pre-warm is shortened and the keep-alive lengthened by this
    /// fraction, to absorb jitter around the bin edges.
    pub margin: f64,
    /// Whether the idle time of pre-warmed instances is billed to the user
    /// at the GB-second price (not on Lambda, where warm pools are the
    /// provider's cost).
    pub bill_prewarm: bool,
}

impl HybridSpec {
    pub fn bins(&self) -> usize {
        self.range.as_nanos().div_ceil(self.bin.as_nanos()) as usize
    }
}

/// The raw value: a duration string or a policy table.
#[derive(Debug, Clone)]
pub enum RawKeepAlive {
    Fixed(Dur),
    Policy(RawPolicyTable),
}

/// The table form, denying unknown keys. Its values carry no spans of
/// their own: errors point at the whole `keep_alive` value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicyTable {
    policy: String,
    range: Option<Dur>,
    bin: Option<Dur>,
    percentiles: Option<Vec<f64>>,
    fallback: Option<Dur>,
    min_samples: Option<i64>,
    cv_threshold: Option<f64>,
    out_of_range: Option<f64>,
    margin: Option<f64>,
    bill_prewarm: Option<bool>,
}

impl<'de> Deserialize<'de> for RawKeepAlive {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{self, MapAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawKeepAlive;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(
                    f,
                    "a duration such as \"10m\", or a table such as {{ policy = \"hybrid-histogram\" }}"
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawKeepAlive, E> {
                Dur::deserialize(de::value::StrDeserializer::new(s)).map(RawKeepAlive::Fixed)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawKeepAlive, A::Error> {
                RawPolicyTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawKeepAlive::Policy)
            }
        }
        d.deserialize_any(V)
    }
}

/// The fixed keep-alive (the fallback under a policy) and the policy.
pub(crate) fn resolve(
    v: Option<(&Spanned<RawKeepAlive>, String)>,
    default: SimTime,
    ctx: &ErrorContext,
) -> Result<(SimTime, Option<HybridSpec>), ScenarioError> {
    let Some((v, key)) = v else {
        return Ok((default, None));
    };
    let err = |k: &str, m: String| Err(ctx.at(Some(v.span()), &format!("{key}{k}"), m));
    let t = match v.get_ref() {
        RawKeepAlive::Fixed(d) if d.0 == SimTime::ZERO => {
            return err("", "expected a keep-alive > 0".into());
        }
        RawKeepAlive::Fixed(d) => return Ok((d.0, None)),
        RawKeepAlive::Policy(t) => t,
    };
    if t.policy != "hybrid-histogram" {
        return err(
            ".policy",
            format!(
                "expected \"hybrid-histogram\" (or a duration for a fixed keep-alive), found \"{}\"",
                t.policy
            ),
        );
    }
    let dur =
        |d: &Option<Dur>, default: u64| d.as_ref().map_or(SimTime::from_secs(default), |d| d.0);
    let (range, bin, fallback) = (
        dur(&t.range, 4 * 3600),
        dur(&t.bin, 60),
        dur(&t.fallback, default.as_nanos() / 1_000_000_000),
    );
    if bin == SimTime::ZERO || range < bin {
        return err(
            ".bin",
            format!("expected 0 < bin <= range, found bin {bin} over range {range}"),
        );
    }
    if range.as_nanos() / bin.as_nanos() > 100_000 {
        return err(
            ".range",
            format!("expected at most 100000 bins, found range {range} in bins of {bin}"),
        );
    }
    if fallback == SimTime::ZERO {
        return err(".fallback", "expected a keep-alive > 0".into());
    }
    let (head, tail) = match t.percentiles.as_deref() {
        None => (5.0, 99.0),
        Some(&[h, t]) if 0.0 <= h && h < t && t <= 100.0 => (h, t),
        Some(p) => {
            return err(
                ".percentiles",
                format!("expected [head, tail] with 0 <= head < tail <= 100, found {p:?}"),
            );
        }
    };
    let min_samples = match t.min_samples {
        None => 10,
        Some(n) if (1..=u32::MAX as i64).contains(&n) => n as u32,
        Some(n) => {
            return err(
                ".min_samples",
                format!("expected a whole number >= 1, found {n}"),
            );
        }
    };
    let share =
        |x: Option<f64>, name: &str, default: f64, ok: fn(f64) -> bool, expected: &str| match x {
            None => Ok(default),
            Some(x) if ok(x) => Ok(x),
            Some(x) => Err(ctx.at(
                Some(v.span()),
                &format!("{key}.{name}"),
                format!("expected {expected}, found {x}"),
            )),
        };
    let cv_threshold = match t.cv_threshold {
        None => 2.0,
        Some(x) if x >= 0.0 && x.is_finite() => x,
        Some(x) => {
            return err(
                ".cv_threshold",
                format!("expected a number >= 0, found {x}"),
            );
        }
    };
    Ok((
        fallback,
        Some(HybridSpec {
            range,
            bin,
            head: head / 100.0,
            tail: tail / 100.0,
            fallback,
            min_samples,
            cv_threshold,
            out_of_range: share(
                t.out_of_range,
                "out_of_range",
                0.5,
                |x| x > 0.0 && x <= 1.0,
                "a share in (0, 1]",
            )?,
            margin: share(
                t.margin,
                "margin",
                0.1,
                |x| (0.0..1.0).contains(&x),
                "a fraction in [0, 1)",
            )?,
            bill_prewarm: t.bill_prewarm.unwrap_or(false),
        }),
    ))
}
