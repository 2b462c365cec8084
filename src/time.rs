//! Simulated time: an integer count of nanoseconds, and parsing of the
//! human duration strings used in scenario files ("50ms", "2h", "1.5s").
//!
//! Time is an integer so that event order never depends on floating-point
//! rounding: two events scheduled for the same instant compare equal, and the
//! engine breaks the tie by insertion order. A `u64` of nanoseconds covers
//! about 584 years of simulated time.
//!
//! Adding two times saturates at [`SimTime::MAX`] instead of wrapping: a
//! sum of sampled works that would pass 584 years (a pathological
//! distribution, a long synchronous chain) becomes "never, within the run"
//! rather than an instant in the past. The engine never handles an event
//! at `SimTime::MAX`, because every run ends before it.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A point in, or a span of, simulated time, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

pub const NANOS_PER_SEC: u64 = 1_000_000_000;

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const MAX: SimTime = SimTime(u64::MAX);

    pub const fn from_nanos(ns: u64) -> Self {
        SimTime(ns)
    }
    pub const fn from_micros(us: u64) -> Self {
        SimTime(us * 1_000)
    }
    pub const fn from_millis(ms: u64) -> Self {
        SimTime(ms * 1_000_000)
    }
    pub const fn from_secs(s: u64) -> Self {
        SimTime(s * NANOS_PER_SEC)
    }
    /// Rounds to the nearest nanosecond; negative and NaN inputs become zero.
    pub fn from_secs_f64(s: f64) -> Self {
        if s.is_nan() || s <= 0.0 {
            SimTime::ZERO
        } else {
            // `+ 0.5` then truncation rounds half up like `round()` for
            // positive values, without a libm call on the hot path; `as`
            // saturates at u64::MAX.
            SimTime((s * NANOS_PER_SEC as f64 + 0.5) as u64)
        }
    }
    pub const fn as_nanos(self) -> u64 {
        self.0
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC as f64
    }
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }
    pub fn saturating_add(self, d: SimTime) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
    pub fn saturating_sub(self, d: SimTime) -> SimTime {
        SimTime(self.0.saturating_sub(d.0))
    }
}

/// Saturating: see the module doc.
impl Add for SimTime {
    type Output = SimTime;
    #[inline]
    fn add(self, rhs: SimTime) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }
}

/// Saturating, like `+`.
impl AddAssign for SimTime {
    #[inline]
    fn add_assign(&mut self, rhs: SimTime) {
        self.0 = self.0.saturating_add(rhs.0);
    }
}

impl Sub for SimTime {
    type Output = SimTime;
    fn sub(self, rhs: SimTime) -> SimTime {
        SimTime(self.0 - rhs.0)
    }
}

impl fmt::Display for SimTime {
    /// Prints the largest unit that keeps the number readable ("1.5s", "250ms", "2h").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.0;
        let units: [(u64, &str); 7] = [
            (86_400 * NANOS_PER_SEC, "d"),
            (3_600 * NANOS_PER_SEC, "h"),
            (60 * NANOS_PER_SEC, "m"),
            (NANOS_PER_SEC, "s"),
            (1_000_000, "ms"),
            (1_000, "us"),
            (1, "ns"),
        ];
        if ns == 0 {
            return write!(f, "0s");
        }
        for (scale, unit) in units {
            if ns >= scale {
                let v = ns as f64 / scale as f64;
                return if ns.is_multiple_of(scale) {
                    write!(f, "{}{}", ns / scale, unit)
                } else {
                    write!(f, "{}{}", trim_float(v), unit)
                };
            }
        }
        unreachable!("every non-zero value is at least 1ns")
    }
}

fn trim_float(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The units a duration string may use, as written in error messages.
pub const DURATION_UNITS: &str = "ns, us, ms, s, m, h, d";

/// Parses "50ms", "1.5s", "2h", "10m", "1d". A unit is required: a bare
/// number is ambiguous and has bitten every config format that allowed it.
pub fn parse_duration(text: &str) -> Result<SimTime, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let unit = unit.trim();
    let expected = || {
        format!(
            "expected a duration such as \"50ms\" or \"2h\" (units {DURATION_UNITS}), found \"{text}\""
        )
    };
    if num.is_empty() {
        return Err(expected());
    }
    let value: f64 = num.replace('_', "").parse().map_err(|_| expected())?;
    let scale: f64 = match unit {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        "s" | "sec" => 1e9,
        "m" | "min" => 60e9,
        "h" => 3_600e9,
        "d" => 86_400e9,
        _ => return Err(expected()),
    };
    let ns = value * scale;
    if !ns.is_finite() || ns >= u64::MAX as f64 {
        return Err(format!("duration \"{text}\" is too long"));
    }
    Ok(SimTime(ns.round() as u64))
}

/// Parses a memory size ("512MB", "2GB", "10240MB") into megabytes.
/// GB means 1024 MB, the convention of every serverless price list.
pub fn parse_memory_mb(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let expected =
        || format!("expected a memory size such as \"512MB\" or \"2GB\", found \"{text}\"");
    let value: f64 = num.parse().map_err(|_| expected())?;
    let mb = match unit.trim() {
        "MB" | "MiB" | "M" => value,
        "GB" | "GiB" | "G" => value * 1024.0,
        _ => return Err(expected()),
    };
    if !(mb > 0.0 && mb.is_finite()) {
        return Err(format!("memory size must be positive, found \"{text}\""));
    }
    Ok(mb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit() {
        assert_eq!(parse_duration("50ms").unwrap(), SimTime::from_millis(50));
        assert_eq!(parse_duration("1.5s").unwrap(), SimTime::from_millis(1500));
        assert_eq!(parse_duration("2h").unwrap(), SimTime::from_secs(7200));
        assert_eq!(parse_duration("10m").unwrap(), SimTime::from_secs(600));
        assert_eq!(parse_duration("1d").unwrap(), SimTime::from_secs(86_400));
        assert_eq!(parse_duration("250us").unwrap(), SimTime::from_micros(250));
        assert_eq!(parse_duration("7ns").unwrap(), SimTime(7));
        assert_eq!(parse_duration("0s").unwrap(), SimTime::ZERO);
    }

    #[test]
    fn rejects_missing_or_unknown_units() {
        assert!(parse_duration("50").is_err());
        assert!(parse_duration("ms").is_err());
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("-5s").is_err());
    }

    #[test]
    fn displays_in_the_largest_readable_unit() {
        assert_eq!(SimTime::from_millis(1500).to_string(), "1.5s");
        assert_eq!(SimTime::from_secs(7200).to_string(), "2h");
        assert_eq!(SimTime::from_millis(50).to_string(), "50ms");
        assert_eq!(SimTime::ZERO.to_string(), "0s");
    }

    #[test]
    fn sums_saturate_instead_of_wrapping() {
        let near_end = SimTime(u64::MAX - 5);
        assert_eq!(near_end + SimTime(10), SimTime::MAX);
        let mut t = SimTime::from_secs(1);
        t += SimTime::MAX;
        assert_eq!(t, SimTime::MAX);
        assert_eq!(SimTime(2) + SimTime(3), SimTime(5));
    }

    #[test]
    fn memory_sizes_use_1024_mb_per_gb() {
        assert_eq!(parse_memory_mb("2GB").unwrap(), 2048.0);
        assert_eq!(parse_memory_mb("1024MB").unwrap(), 1024.0);
        assert!(parse_memory_mb("2TB").is_err());
        assert!(parse_memory_mb("0MB").is_err());
    }
}
