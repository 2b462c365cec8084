//! The values a sweep gives a key (in `--vary` and in `[sweep]`): a list (`1,2,4,8`, `128MB,512MB`,
//! `1m,5m,10m`) or a range `FROM..TO SPACING COUNT` with `lin` or `log`
//! spacing (`0.25..8 log 12`, `1m..10m lin 4`). Values keep the unit they
//! were written with, so a point is exactly what a user would have written
//! into the scenario file.

use crate::time::{parse_duration, parse_memory_mb};
use std::fmt;

/// Most points one `--vary` may make.
pub const MAX_VALUES: usize = 1000;

/// One value of a swept key, as it goes into the scenario file.
#[derive(Clone, Debug, PartialEq)]
pub enum SweepValue {
    Integer(i64),
    Number(f64),
    /// A duration or memory size with its unit (`"5m"`, `"512MB"`).
    Text(String),
}

impl SweepValue {
    /// The value as a plain number for charts and crossovers: numbers as
    /// they are, durations in seconds, memory sizes in MB.
    pub fn as_f64(&self) -> f64 {
        match self {
            SweepValue::Integer(i) => *i as f64,
            SweepValue::Number(x) => *x,
            SweepValue::Text(t) => parse_duration(t)
                .map(|d| d.as_secs_f64())
                .or_else(|_| parse_memory_mb(t))
                .unwrap_or(f64::NAN),
        }
    }

    /// The TOML value it becomes.
    pub fn to_toml(&self) -> toml::Value {
        match self {
            SweepValue::Integer(i) => toml::Value::Integer(*i),
            SweepValue::Number(x) => toml::Value::Float(*x),
            SweepValue::Text(t) => toml::Value::String(t.clone()),
        }
    }
}

impl fmt::Display for SweepValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SweepValue::Integer(i) => write!(f, "{i}"),
            SweepValue::Number(x) => write!(f, "{}", short(*x)),
            SweepValue::Text(t) => write!(f, "{t}"),
        }
    }
}

/// Up to six significant digits, without trailing zeros.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (5 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The unit of a written value: (number, unit suffix, scale of the unit in
/// base units, whether it is a duration).
fn split_unit(text: &str) -> Result<(f64, String), String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e'))
        .unwrap_or(t.len());
    // `e` may start a unit? No unit starts with e; but "1e3ms" is fine.
    let (num, unit) = t.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("expected a number, found \"{text}\""))?;
    Ok((value, unit.trim().to_string()))
}

/// Parses one written value: a whole number, a number, or a duration or
/// memory size with its unit.
pub fn parse_value(text: &str) -> Result<SweepValue, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("expected a value, found nothing".into());
    }
    if let Ok(i) = t.parse::<i64>() {
        return Ok(SweepValue::Integer(i));
    }
    if let Ok(x) = t.parse::<f64>() {
        if !x.is_finite() {
            return Err(format!("expected a finite number, found \"{t}\""));
        }
        return Ok(SweepValue::Number(x));
    }
    if parse_duration(t).is_ok() || parse_memory_mb(t).is_ok() {
        return Ok(SweepValue::Text(t.to_string()));
    }
    Err(format!(
        "expected a number, a duration (\"5m\") or a memory size (\"512MB\"), found \"{t}\""
    ))
}

/// Parses the values of one `--vary`: a comma-separated list, or a range
/// `FROM..TO lin|log COUNT` (the spacing and the count in either order).
pub fn parse_values(text: &str) -> Result<Vec<SweepValue>, String> {
    let values = if let Some((from, rest)) = text.split_once("..") {
        parse_range(from, rest)?
    } else {
        text.split(',')
            .map(parse_value)
            .collect::<Result<Vec<_>, _>>()?
    };
    if values.is_empty() {
        return Err("expected at least one value".into());
    }
    if values.len() > MAX_VALUES {
        return Err(format!(
            "expected at most {MAX_VALUES} values, found {}",
            values.len()
        ));
    }
    Ok(values)
}

fn parse_range(from: &str, rest: &str) -> Result<Vec<SweepValue>, String> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    let usage = || {
        format!(
            "expected a range such as \"0.25..8 log 12\" (FROM..TO, lin or log, a count), found \"{from}..{rest}\""
        )
    };
    let [to, a, b] = words[..] else {
        return Err(usage());
    };
    let (spacing, count) = match (a, b) {
        ("lin" | "log", n) => (a, n),
        (n, "lin" | "log") => (b, n),
        _ => return Err(usage()),
    };
    let count: usize = count
        .parse()
        .ok()
        .filter(|&n| (2..=MAX_VALUES).contains(&n))
        .ok_or_else(|| {
            format!("expected a count of points from 2 to {MAX_VALUES}, found \"{count}\"")
        })?;
    let (lo, unit) = split_unit(from)?;
    let (hi, unit_to) = split_unit(to)?;
    if unit != unit_to {
        return Err(format!(
            "expected both ends of a range in the same unit, found \"{from}\" and \"{to}\""
        ));
    }
    if !(lo.is_finite() && hi.is_finite()) || lo >= hi {
        return Err(format!("expected FROM < TO, found \"{from}..{to}\""));
    }
    if spacing == "log" && lo <= 0.0 {
        return Err(format!("a log range needs FROM > 0, found \"{from}\""));
    }
    let whole = unit.is_empty() && from.trim().parse::<i64>().is_ok() && to.parse::<i64>().is_ok();
    let mut out: Vec<SweepValue> = Vec::with_capacity(count);
    for i in 0..count {
        let f = i as f64 / (count - 1) as f64;
        let x = if spacing == "log" {
            (lo.ln() + f * (hi.ln() - lo.ln())).exp()
        } else {
            lo + f * (hi - lo)
        };
        let x = if i == count - 1 {
            hi
        } else if i == 0 {
            lo
        } else {
            x
        };
        let v = if whole {
            SweepValue::Integer(x.round() as i64)
        } else if unit.is_empty() {
            SweepValue::Number(short(x).parse().expect("short() writes a number"))
        } else {
            SweepValue::Text(format!("{}{unit}", short(x)))
        };
        // Whole-number ranges can round two points onto one.
        if out.last() != Some(&v) {
            out.push(v);
        }
    }
    for v in &out {
        if let SweepValue::Text(t) = v {
            parse_value(t)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use SweepValue::*;

    #[test]
    fn lists_keep_what_was_written() {
        assert_eq!(
            parse_values("1,2,4,8").unwrap(),
            vec![Integer(1), Integer(2), Integer(4), Integer(8)]
        );
        assert_eq!(
            parse_values("128MB, 512MB,1769MB").unwrap(),
            vec![
                Text("128MB".into()),
                Text("512MB".into()),
                Text("1769MB".into())
            ]
        );
        assert_eq!(
            parse_values("0.5,1m").unwrap(),
            vec![Number(0.5), Text("1m".into())]
        );
        assert!(parse_values("1,x").unwrap_err().contains("found \"x\""));
    }

    #[test]
    fn log_ranges_are_geometric_and_end_exactly() {
        let v = parse_values("0.25..8 log 6").unwrap();
        let x: Vec<f64> = v.iter().map(|v| v.as_f64()).collect();
        assert_eq!(x, vec![0.25, 0.5, 1.0, 2.0, 4.0, 8.0]);
        let v = parse_values("1m..100m log 3").unwrap();
        assert_eq!(
            v,
            vec![Text("1m".into()), Text("10m".into()), Text("100m".into())]
        );
        assert_eq!(v[1].as_f64(), 600.0);
    }

    #[test]
    fn linear_whole_ranges_stay_whole_and_distinct() {
        assert_eq!(
            parse_values("1..4 lin 4").unwrap(),
            vec![Integer(1), Integer(2), Integer(3), Integer(4)]
        );
        // Rounding 1..3 onto 5 points would repeat values: they are merged.
        assert_eq!(
            parse_values("1..3 5 lin").unwrap(),
            vec![Integer(1), Integer(2), Integer(3)]
        );
    }

    #[test]
    fn bad_ranges_say_what_was_expected() {
        assert!(
            parse_values("1..4")
                .unwrap_err()
                .contains("expected a range")
        );
        assert!(
            parse_values("4..1 lin 3")
                .unwrap_err()
                .contains("FROM < TO")
        );
        assert!(parse_values("0..1 log 3").unwrap_err().contains("FROM > 0"));
        assert!(
            parse_values("1m..2s lin 3")
                .unwrap_err()
                .contains("same unit")
        );
        assert!(parse_values("1..2 lin 1").unwrap_err().contains("count"));
    }
}
