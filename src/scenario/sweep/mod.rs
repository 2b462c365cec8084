//! The `[sweep]` table: the keys a sweep varies and their values, as the
//! scenario file states them (`vary = [{ key = "demand.scale", values =
//! "0.25..8 log 12" }]`), the same as `--vary KEY=VALUES` on the command
//! line. The syntax of values is checked here, at load time; whether each
//! key exists and accepts each value is checked when the sweep writes the
//! values into the file (`crate::sweep::points`), which `check` does too.

mod values;

pub use values::{MAX_VALUES, SweepValue, parse_value, parse_values};

use crate::file_error::{ErrorContext, ScenarioError};
use serde::Deserialize;
use toml::Spanned;

/// One varied key and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    pub key: String,
    pub values: Vec<SweepValue>,
}

impl Vary {
    /// Parses `KEY=VALUES`, as `--vary` takes it.
    pub fn parse(arg: &str) -> Result<Vary, String> {
        let (key, values) = arg.split_once('=').ok_or_else(|| {
            format!("expected KEY=VALUES such as demand.scale=0.5..4 log 6, found \"{arg}\"")
        })?;
        let key = key.trim().to_string();
        let values = parse_values(values).map_err(|e| format!("{key}: {e}"))?;
        Ok(Vary { key, values })
    }
}

/// Most keys one sweep varies: a line, or a grid of two.
pub const MAX_KEYS: usize = 2;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    vary: Spanned<Vec<RawVary>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVary {
    key: Spanned<String>,
    values: Spanned<RawValues>,
}

/// `"0.25..8 log 12"`, `"1,2,4"` or `[1, 2, 4]` / `["128MB", "1GB"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawValues {
    Text(String),
    List(Vec<toml::Value>),
}

/// The varied keys of a `[sweep]` table, values parsed.
pub(crate) fn validate(
    raw: Option<&RawSweep>,
    ctx: &ErrorContext,
) -> Result<Vec<Vary>, ScenarioError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    let vary = raw.vary.get_ref();
    if vary.is_empty() || vary.len() > MAX_KEYS {
        return Err(ctx.at(
            Some(raw.vary.span()),
            "sweep.vary",
            format!(
                "expected 1 to {MAX_KEYS} keys to vary, found {}",
                vary.len()
            ),
        ));
    }
    vary.iter()
        .map(|v| {
            let key = v.key.get_ref().trim().to_string();
            if key.is_empty() {
                return Err(ctx.at(
                    Some(v.key.span()),
                    "sweep.vary.key",
                    "expected a dotted key such as demand.scale",
                ));
            }
            let values = match v.values.get_ref() {
                RawValues::Text(t) => parse_values(t),
                RawValues::List(list) => list_values(list),
            }
            .map_err(|e| ctx.at(Some(v.values.span()), "sweep.vary.values", e))?;
            Ok(Vary { key, values })
        })
        .collect()
}

fn list_values(list: &[toml::Value]) -> Result<Vec<SweepValue>, String> {
    if list.is_empty() || list.len() > MAX_VALUES {
        return Err(format!(
            "expected 1 to {MAX_VALUES} values, found {}",
            list.len()
        ));
    }
    list.iter()
        .map(|v| match v {
            toml::Value::Integer(i) => Ok(SweepValue::Integer(*i)),
            toml::Value::Float(x) if x.is_finite() => Ok(SweepValue::Number(*x)),
            toml::Value::String(s) => parse_value(s),
            other => Err(format!(
                "expected numbers, durations or memory sizes, found {other}"
            )),
        })
        .collect()
}
