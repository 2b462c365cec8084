//! Values that check themselves while deserializing: durations, byte
//! sizes, distributions, instance types, fleet sizes and the enumerated
//! names. Distributions and byte sizes are [`dist`]'s.
//! Checking them here lets the TOML parser attach the exact line to the
//! error. This module depends on no other part of `scenario`, so the raw
//! tables of every section can share it. An instance type, which needs
//! prices, is [`super::instance`]'s.

use crate::time::{SimTime, parse_duration};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::fmt;

mod dist;
pub use dist::{DistSpec, SizeDistSpec};

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CallMode {
    Sync,
    Async,
}

/// `kind`, as [`crate::with_kinds!`] lists them.
macro_rules! kind_enum {
    (() $($variant:ident $module:ident $name:literal,)*) => {
        /// The `kind` of an `[[architectures]]` table.
        #[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
        pub enum Kind {
            $(#[serde(rename = $name)] $variant,)*
        }

        impl Kind {
            /// As written in a file.
            pub fn name(self) -> &'static str {
                match self {
                    $(Kind::$variant => $name,)*
                }
            }
        }
    };
}
crate::with_kinds!(kind_enum!());

/// What target tracking steers by.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Busy share of the serving servers' vCPUs, in (0, 1].
    Cpu,
    /// Arrivals per second per serving server.
    RequestsPerServer,
    /// Waiting requests per serving server.
    Queue,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
pub enum CpuName {
    #[serde(rename = "x86_64")]
    X86_64,
    #[serde(rename = "arm64")]
    Arm64,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum GatewayName {
    None,
    Http,
    Rest,
}

/// Which idle warm instance serves the next invocation.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdleSelection {
    /// Most recently used: what Lambda does; spare instances age out.
    Mru,
    /// Least recently used: spreads work, keeps every instance warm.
    Lru,
    /// Most recently started (SimFaaS's rule).
    Newest,
}

/// How a function's scale-rate allowance comes back.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum ScaleRefill {
    /// A token bucket refilled continuously: what Lambda does.
    #[default]
    Continuous,
    /// A fresh allowance per window aligned to t = 0 (scalesim before
    /// 2026-11).
    Aligned,
}

/// A duration written as a string with a unit ("50ms").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dur(pub SimTime);

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Dur;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a duration string such as \"50ms\" or \"2h\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Dur, E> {
                parse_duration(s).map(Dur).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// The most replications a scenario may ask for: enough for tight
/// confidence intervals, few enough that a typo (an extra zero or two)
/// fails fast instead of running for days.
pub const MAX_REPLICATIONS: u32 = 10_000;

/// Checks a number of replications, from the file or from elsewhere (the
/// command line), with the message a scenario file gets.
pub fn check_replications(n: i64) -> Result<u32, String> {
    match u32::try_from(n) {
        Ok(n) if (1..=MAX_REPLICATIONS).contains(&n) => Ok(n),
        _ => Err(replications_message(n)),
    }
}

fn replications_message(found: impl fmt::Display) -> String {
    format!(
        "expected a whole number of replications between 1 and {MAX_REPLICATIONS}, found {found}"
    )
}

/// `replications`: checked while deserializing, so that a fraction or a
/// quoted number gets the same message as an out-of-range count rather
/// than serde's "invalid type".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replications(pub u32);

impl<'de> Deserialize<'de> for Replications {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Replications;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "a whole number of replications between 1 and {MAX_REPLICATIONS}"
                )
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Replications, E> {
                check_replications(n).map(Replications).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Replications, E> {
                let n = i64::try_from(n).unwrap_or(i64::MAX);
                check_replications(n).map(Replications).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> Result<Replications, E> {
                Err(E::custom(replications_message(format!("{x:?}"))))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Replications, E> {
                Err(E::custom(replications_message(format!("{s:?}"))))
            }
        }
        d.deserialize_any(V)
    }
}

/// Fleet size: a count, or sized from the demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Servers {
    Count(i64),
    SizeFor { basis: SizeBasis, utilization: f64 },
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SizeBasis {
    Peak,
    Mean,
}

impl<'de> Deserialize<'de> for Servers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Servers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "a number of servers, or {{ size_for = \"peak\" | \"mean\", utilization = 0.6 }}"
                )
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Servers, E> {
                Ok(Servers::Count(n))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Servers, A::Error> {
                let (mut basis, mut util) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "size_for" => basis = Some(map.next_value::<SizeBasis>()?),
                        "utilization" => util = Some(map.next_value::<f64>()?),
                        other => {
                            return Err(de::Error::unknown_field(
                                other,
                                &["size_for", "utilization"],
                            ));
                        }
                    }
                }
                let basis = basis.ok_or_else(|| de::Error::missing_field("size_for"))?;
                let utilization = util.unwrap_or(0.7);
                if !(utilization > 0.0 && utilization <= 1.0) {
                    return Err(de::Error::custom(format!(
                        "expected utilization in (0, 1], found {utilization}"
                    )));
                }
                Ok(Servers::SizeFor { basis, utilization })
            }
        }
        d.deserialize_any(V)
    }
}
