//! The guarantee that no NaN or infinity reaches an output: JSON has no
//! spelling for them (serde_json writes `null`), a CSV would carry "NaN",
//! and a comparison against NaN made an architecture "the cheapest".
//! Scenario limits keep every input finite and bounded; this is the check
//! that they were enough.

use super::summary::RunSummary;
use serde_json::Value;

/// The path of the first number of `run` that is not finite
/// (`architectures[2].cost.total_usd`), if any. serde_json turns a
/// non-finite number into `null`, and a summary has no other nulls:
/// optional fields are left out when absent.
pub fn first_non_finite(run: &RunSummary) -> Option<String> {
    let value = serde_json::to_value(run).ok()?;
    find_null(&value, String::new())
}

fn find_null(v: &Value, path: String) -> Option<String> {
    match v {
        Value::Null => Some(path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| find_null(x, format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, x)| {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            find_null(x, p)
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nan_is_found_by_its_path() {
        let v = serde_json::json!({"a": [1.0, {"b": 2.0}], "c": {"d": f64::NAN}});
        assert_eq!(find_null(&v, String::new()), Some("c.d".to_string()));
        let ok = serde_json::json!({"a": [1.0, {"b": 2.0}]});
        assert_eq!(find_null(&ok, String::new()), None);
    }
}
