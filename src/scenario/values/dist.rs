//! Distributions as a scenario writes them: of durations (a bare duration
//! string, or a table with `dist` and its parameters) and of byte sizes,
//! checked while deserializing so that errors carry their line.

use super::Dur;
use crate::dist::Dist;
use crate::time::{SimTime, parse_duration};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::fmt;

/// A distribution of durations: a bare duration string (constant), or a
/// table with `dist` and its parameters.
#[derive(Debug, Clone)]
pub struct DistSpec(pub Dist);

const DIST_NAMES: &str = "constant, exponential, uniform, normal, lognormal, gamma, empirical";

impl<'de> Deserialize<'de> for DistSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DistSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "a duration such as \"25ms\", or a distribution such as {{ dist = \"exponential\", mean = \"50ms\" }}"
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<DistSpec, E> {
                let t = parse_duration(s).map_err(E::custom)?;
                let d = Dist::constant(t);
                d.check_tail().map_err(E::custom)?;
                Ok(DistSpec(d))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DistSpec, A::Error> {
                let mut fields = DistFields::default();
                while let Some(key) = map.next_key::<String>()? {
                    fields.read(&key, &mut map)?;
                }
                let d = fields.build().map_err(de::Error::custom)?;
                d.check_tail().map_err(de::Error::custom)?;
                Ok(DistSpec(d))
            }
        }
        d.deserialize_any(V)
    }
}

/// The units a byte size may use, as written in error messages.
const SIZE_UNITS: &str = "B, KB, MB, GB (powers of 1000), KiB, MiB, GiB (powers of 1024)";

/// Parses a byte size: "40KB" (40,000 bytes), "1.5MiB", "512B". A unit is
/// required, as for durations; KB is 1000 bytes and KiB 1024, because
/// payload sizes are quoted both ways and the difference is 2.4 % per
/// prefix.
fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let expected = || {
        format!(
            "expected a size such as \"40KB\" or \"1MiB\" (units {SIZE_UNITS}), found \"{text}\""
        )
    };
    if num.is_empty() {
        return Err(expected());
    }
    let value: f64 = num.replace('_', "").parse().map_err(|_| expected())?;
    let scale: f64 = match unit.trim() {
        "B" => 1.0,
        "KB" | "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "KiB" => 1024.0,
        "MiB" => 1_048_576.0,
        "GiB" => 1_073_741_824.0,
        _ => return Err(expected()),
    };
    let bytes = (value * scale).round();
    // A draw is held as a duration of one nanosecond per byte, which caps
    // it at the 365 days every draw is cut at.
    if !bytes.is_finite() || bytes > crate::dist::MAX_SAMPLE.as_nanos() as f64 {
        return Err(format!("size \"{text}\" is too large"));
    }
    Ok(bytes as u64)
}

/// A distribution of byte sizes: a bare size string (constant), or a
/// distribution table whose parameters are sizes (`mean = "20KB"`). It is
/// held as a [`Dist`] of durations with one nanosecond per byte, so that
/// it samples exactly like `work`; `mu` and `sigma` (logs of seconds) are
/// refused, since they would mean logs of gigabytes.
#[derive(Debug, Clone)]
pub struct SizeDistSpec(pub Dist);

impl<'de> Deserialize<'de> for SizeDistSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SizeDistSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "a size such as \"40KB\", or a distribution such as {{ dist = \"lognormal\", median = \"20KB\", p99 = \"2MB\" }}"
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<SizeDistSpec, E> {
                let b = parse_bytes(s).map_err(E::custom)?;
                Ok(SizeDistSpec(Dist::constant(SimTime(b))))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SizeDistSpec, A::Error> {
                let mut fields = DistFields {
                    sizes: true,
                    ..DistFields::default()
                };
                while let Some(key) = map.next_key::<String>()? {
                    fields.read(&key, &mut map)?;
                }
                let d = fields.build().map_err(de::Error::custom)?;
                d.check_tail()
                    .map_err(|_| de::Error::custom("the distribution's 99.99th percentile is above the largest size a draw can take (about 31 PB)"))?;
                Ok(SizeDistSpec(d))
            }
        }
        d.deserialize_any(V)
    }
}

/// A size in bytes, as a distribution parameter: seconds of the duration
/// that stands for it (one nanosecond per byte).
struct SizeParam(f64);

impl<'de> Deserialize<'de> for SizeParam {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_bytes(&s)
            .map(|b| SizeParam(b as f64 / 1e9))
            .map_err(de::Error::custom)
    }
}

#[derive(Default)]
struct DistFields {
    /// Parameters are byte sizes, not durations.
    sizes: bool,
    dist: Option<String>,
    durations: Vec<(&'static str, f64)>,
    numbers: Vec<(&'static str, f64)>,
    percentiles: Vec<(f64, f64)>,
    keys: Vec<String>,
}

impl DistFields {
    fn read<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        const DURATION_KEYS: &[&str] = &["value", "mean", "min", "max", "stddev", "median", "p99"];
        const NUMBER_KEYS: &[&str] = &["mu", "sigma", "cv"];
        if key == "dist" {
            self.dist = Some(map.next_value()?);
            return Ok(());
        }
        self.keys.push(key.to_string());
        if let Some(k) = DURATION_KEYS.iter().find(|k| **k == key) {
            let v = self.value(map)?;
            self.durations.push((k, v));
            // p99 also belongs to a percentile table.
            if key == "p99" {
                self.percentiles.push((99.0, v));
            }
        } else if self.sizes && (key == "mu" || key == "sigma") {
            return Err(de::Error::custom(format!(
                "`{key}` does not apply to a size distribution; give a lognormal's `median` and `p99` as sizes"
            )));
        } else if let Some(k) = NUMBER_KEYS.iter().find(|k| **k == key) {
            let v: f64 = map.next_value()?;
            self.numbers.push((k, v));
        } else if let Some(p) = key.strip_prefix('p').and_then(|p| p.parse::<f64>().ok()) {
            if !(0.0..=100.0).contains(&p) {
                return Err(de::Error::custom(format!(
                    "percentile key `{key}` must be between p0 and p100"
                )));
            }
            let v = self.value(map)?;
            self.percentiles.push((p, v));
        } else {
            return Err(de::Error::custom(format!(
                "unknown distribution key `{key}`; expected `dist` and its parameters (value, mean, min, max, stddev, median, p99, mu, sigma, cv, or percentiles p0..p100)"
            )));
        }
        Ok(())
    }

    /// A parameter's value: a duration in seconds, or a size as the
    /// seconds of its stand-in duration.
    fn value<'de, A: MapAccess<'de>>(&self, map: &mut A) -> Result<f64, A::Error> {
        if self.sizes {
            Ok(map.next_value::<SizeParam>()?.0)
        } else {
            Ok(map.next_value::<Dur>()?.0.as_secs_f64())
        }
    }

    fn duration(&self, k: &str) -> Option<f64> {
        self.durations
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| *v)
    }

    fn number(&self, k: &str) -> Option<f64> {
        self.numbers.iter().find(|(n, _)| *n == k).map(|(_, v)| *v)
    }

    /// Fails if a key other than `allowed` was given for this distribution.
    fn only(&self, name: &str, allowed: &[&str]) -> Result<(), String> {
        match self.keys.iter().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(format!(
                "key `{k}` does not apply to a {name} distribution (it takes {})",
                allowed.join(", ")
            )),
            None => Ok(()),
        }
    }

    fn need(&self, name: &str, k: &str) -> Result<f64, String> {
        self.duration(k)
            .or_else(|| self.number(k))
            .ok_or_else(|| format!("a {name} distribution needs `{k}`"))
    }

    fn build(self) -> Result<Dist, String> {
        // A table of percentiles alone is an empirical distribution.
        let name = match &self.dist {
            Some(n) => n.clone(),
            None if !self.percentiles.is_empty() => "empirical".into(),
            None => return Err(format!("missing `dist`; expected one of {DIST_NAMES}")),
        };
        match name.as_str() {
            "constant" => {
                self.only("constant", &["value"])?;
                Ok(Dist::constant(SimTime::from_secs_f64(
                    self.need("constant", "value")?,
                )))
            }
            "exponential" => {
                self.only("exponential", &["mean"])?;
                Dist::exponential(self.need("exponential", "mean")?)
            }
            "uniform" => {
                self.only("uniform", &["min", "max"])?;
                Dist::uniform(self.need("uniform", "min")?, self.need("uniform", "max")?)
            }
            "normal" => {
                self.only("normal", &["mean", "stddev"])?;
                Dist::normal(self.need("normal", "mean")?, self.need("normal", "stddev")?)
            }
            "lognormal" => {
                let natural = self.keys.iter().find(|k| *k == "mu" || *k == "sigma");
                let by_percentile = self.keys.iter().find(|k| *k == "median" || *k == "p99");
                if let (Some(a), Some(b)) = (natural, by_percentile) {
                    return Err(format!(
                        "a lognormal distribution takes either `median` and `p99` or `mu` and \
                         `sigma`, not both (found `{a}` and `{b}`)"
                    ));
                }
                if natural.is_some() {
                    self.only("lognormal", &["mu", "sigma"])?;
                    Dist::lognormal(
                        self.need("lognormal", "mu")?,
                        self.need("lognormal", "sigma")?,
                    )
                } else {
                    self.only("lognormal", &["median", "p99"])?;
                    Dist::lognormal_from_median_p99(
                        self.need("lognormal", "median")?,
                        self.need("lognormal", "p99")?,
                    )
                }
            }
            "gamma" => {
                self.only("gamma", &["mean", "cv"])?;
                Dist::gamma(self.need("gamma", "mean")?, self.need("gamma", "cv")?)
            }
            "empirical" => {
                if let Some(k) = self
                    .keys
                    .iter()
                    .find(|k| !(k.starts_with('p') && k[1..].parse::<f64>().is_ok()))
                {
                    return Err(format!(
                        "key `{k}` does not apply to an empirical distribution (it takes percentiles p0..p100)"
                    ));
                }
                Dist::empirical(self.percentiles)
            }
            other => Err(format!(
                "unknown distribution \"{other}\"; expected one of {DIST_NAMES}"
            )),
        }
    }
}
