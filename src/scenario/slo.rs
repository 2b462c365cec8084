//! The `[slo]` table: the latency target (at a percentile) and the error
//! budget an architecture must meet to count as good enough.

use super::values::Dur;
use crate::file_error::ErrorContext;
use crate::results::summary::LatencySummary;
use crate::time::SimTime;
use serde::Deserialize;
use std::fmt;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlo {
    pub latency: Spanned<Dur>,
    pub percentile: Option<Spanned<f64>>,
    pub max_error_rate: Option<Spanned<f64>>,
}

/// The percentiles an SLO may name: the ones every summary reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Percentile {
    P50,
    P90,
    P95,
    P99,
    P999,
}

impl Percentile {
    pub const ALL: [Percentile; 5] = [
        Percentile::P50,
        Percentile::P90,
        Percentile::P95,
        Percentile::P99,
        Percentile::P999,
    ];

    /// As written in a scenario file: 50, 90, 95, 99, 99.9.
    pub fn value(self) -> f64 {
        match self {
            Percentile::P50 => 50.0,
            Percentile::P90 => 90.0,
            Percentile::P95 => 95.0,
            Percentile::P99 => 99.0,
            Percentile::P999 => 99.9,
        }
    }

    pub fn from_value(v: f64) -> Option<Percentile> {
        Self::ALL.into_iter().find(|p| p.value() == v)
    }

    /// This percentile of a latency summary, in milliseconds.
    pub fn of(self, l: &LatencySummary) -> f64 {
        match self {
            Percentile::P50 => l.p50,
            Percentile::P90 => l.p90,
            Percentile::P95 => l.p95,
            Percentile::P99 => l.p99,
            Percentile::P999 => l.p999,
        }
    }
}

impl fmt::Display for Percentile {
    /// "p99", "p99.9".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}", self.value())
    }
}

/// A service-level objective.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slo {
    /// The latency the percentile must not exceed.
    pub latency: SimTime,
    pub percentile: Percentile,
    /// Rejected + timed out (+ throttled), as a fraction of arrivals;
    /// `None`: only latency counts.
    pub max_error_rate: Option<f64>,
}

impl Slo {
    /// Whether a result with these latencies (ms) and error rate meets it.
    pub fn met_by(&self, latency_ms: &LatencySummary, error_rate: f64) -> bool {
        self.percentile.of(latency_ms) <= self.latency.as_millis_f64()
            && self.max_error_rate.is_none_or(|max| error_rate <= max)
    }
}

impl fmt::Display for Slo {
    /// "p99 ≤ 500ms, errors ≤ 0.1%".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ≤ {}", self.percentile, self.latency)?;
        if let Some(max) = self.max_error_rate {
            write!(f, ", errors ≤ {}%", max * 100.0)?;
        }
        Ok(())
    }
}

pub(super) fn validate(
    raw: Option<&RawSlo>,
    ctx: &ErrorContext,
) -> Result<Option<Slo>, super::ScenarioError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let latency = raw.latency.get_ref().0;
    if latency == SimTime::ZERO {
        return Err(ctx.at(
            Some(raw.latency.span()),
            "slo.latency",
            "expected a latency > 0",
        ));
    }
    let percentile = match &raw.percentile {
        None => Percentile::P99,
        Some(p) => Percentile::from_value(*p.get_ref()).ok_or_else(|| {
            ctx.at(
                Some(p.span()),
                "slo.percentile",
                format!(
                    "expected one of 50, 90, 95, 99 or 99.9, found {}",
                    p.get_ref()
                ),
            )
        })?,
    };
    let max_error_rate = match &raw.max_error_rate {
        None => None,
        Some(m) if (0.0..=1.0).contains(m.get_ref()) => Some(*m.get_ref()),
        Some(m) => {
            return Err(ctx.at(
                Some(m.span()),
                "slo.max_error_rate",
                format!(
                    "expected a fraction of arrivals between 0 and 1 (0.001 = 0.1%), found {}",
                    m.get_ref()
                ),
            ));
        }
    };
    Ok(Some(Slo {
        latency,
        percentile,
        max_error_rate,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lat(p99: f64) -> LatencySummary {
        LatencySummary {
            p99,
            ..Default::default()
        }
    }

    #[test]
    fn the_slo_counts_latency_and_only_then_errors_if_asked() {
        let mut slo = Slo {
            latency: SimTime::from_millis(300),
            percentile: Percentile::P99,
            max_error_rate: None,
        };
        assert!(slo.met_by(&lat(300.0), 0.5));
        assert!(!slo.met_by(&lat(300.1), 0.0));
        slo.max_error_rate = Some(0.001);
        assert!(slo.met_by(&lat(100.0), 0.001));
        assert!(!slo.met_by(&lat(100.0), 0.0011));
    }

    #[test]
    fn percentiles_print_as_written() {
        assert_eq!(Percentile::P999.to_string(), "p99.9");
        assert_eq!(Percentile::P50.to_string(), "p50");
        assert_eq!(Percentile::from_value(99.9), Some(Percentile::P999));
        assert_eq!(Percentile::from_value(98.0), None);
    }
}
