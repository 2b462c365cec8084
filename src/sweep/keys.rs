//! Key paths into a scenario file: `demand.scale`,
//! `architectures.<name>.servers`, `services.<name>.work.mean`,
//! `architectures.<name>.functions.<service>.provisioned`, `slo.latency`…
//! Architectures and services are addressed by name, not index. Setting a
//! key edits the file's TOML tables, so a sweep point is exactly the file
//! with that value written in.

use crate::scenario::sweep::SweepValue;
use toml::{Table, Value};

/// The arrays of tables whose elements a path names by their `name`.
const NAMED_ARRAYS: [&str; 2] = ["architectures", "services"];

/// Sets `path` to `value` in the scenario `doc`. Intermediate tables that
/// do not exist yet are created (e.g. `functions.oven` of a serverless
/// architecture); the scenario's own validation then says whether the key
/// belongs there.
pub fn set(doc: &mut Table, path: &str, value: &SweepValue) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "expected a dotted key such as demand.scale, found \"{path}\""
        ));
    }
    let mut table = doc;
    let mut i = 0;
    while i + 1 < parts.len() {
        let part = parts[i];
        if i == 0 && NAMED_ARRAYS.contains(&part) {
            let name = parts[1];
            table = named_element(table, part, name)?;
            i += 2;
            continue;
        }
        let entry = table
            .entry(part.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        table = match entry {
            Value::Table(t) => t,
            Value::String(s) if parts[i + 1..].len() == 1 => {
                // A shorthand written as a string (`work = "25ms"`): the
                // key below it does not exist.
                return Err(format!(
                    "`{}` is written as \"{s}\", which has no key `{}`",
                    parts[..=i].join("."),
                    parts[i + 1]
                ));
            }
            _ => {
                return Err(format!(
                    "`{}` is not a table, so it has no key `{}`",
                    parts[..=i].join("."),
                    parts[i + 1]
                ));
            }
        };
        i += 1;
    }
    let Some(&key) = parts.get(i) else {
        return Err(format!(
            "`{path}` names a whole {}; add the key to vary, e.g. {path}.servers",
            parts[0].trim_end_matches('s')
        ));
    };
    if let Some(old) = table.get(key)
        && !numeric(old)
    {
        return Err(format!(
            "`{path}` is not a number, duration or memory size (it is {}), so it cannot be varied",
            describe(old)
        ));
    }
    table.insert(key.to_string(), value.to_toml());
    Ok(())
}

/// Whether a value as written takes a number, a duration or a memory size
/// (a table, such as `servers = { size_for = … }`, may be replaced by one).
fn numeric(v: &Value) -> bool {
    match v {
        Value::Integer(_) | Value::Float(_) | Value::Table(_) => true,
        Value::String(s) => crate::scenario::sweep::parse_value(s).is_ok(),
        _ => false,
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        Value::Boolean(b) => format!("{b}"),
        Value::Array(_) => "a list".into(),
        other => other.type_str().to_string(),
    }
}

/// The element of `array` (e.g. `architectures`) whose `name` is `name`.
pub fn named_element<'a>(
    doc: &'a mut Table,
    array: &str,
    name: &str,
) -> Result<&'a mut Table, String> {
    let items = match doc.get_mut(array) {
        Some(Value::Array(items)) => items,
        _ => return Err(format!("the scenario has no [[{array}]]")),
    };
    let names: Vec<String> = items
        .iter()
        .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_string))
        .collect();
    items
        .iter_mut()
        .filter_map(Value::as_table_mut)
        .find(|t| t.get("name").and_then(Value::as_str) == Some(name))
        .ok_or_else(|| {
            format!(
                "unknown {} \"{name}\"; the {array} are: {}",
                array.trim_end_matches('s'),
                names.join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Table {
        crate::sweep::TEST_SCENARIO.parse().unwrap()
    }

    #[test]
    fn paths_address_tables_by_name() {
        let mut d = doc();
        set(&mut d, "demand.scale", &SweepValue::Number(2.0)).unwrap();
        set(
            &mut d,
            "architectures.fleet.servers",
            &SweepValue::Integer(7),
        )
        .unwrap();
        set(
            &mut d,
            "services.api.work.mean",
            &SweepValue::Text("80ms".into()),
        )
        .unwrap();
        set(
            &mut d,
            "architectures.lambda.functions.api.provisioned",
            &SweepValue::Integer(3),
        )
        .unwrap();
        assert_eq!(d["demand"]["scale"].as_float(), Some(2.0));
        assert_eq!(d["architectures"][0]["servers"].as_integer(), Some(7));
        assert_eq!(d["services"][0]["work"]["mean"].as_str(), Some("80ms"));
        assert_eq!(
            d["architectures"][1]["functions"]["api"]["provisioned"].as_integer(),
            Some(3)
        );
    }

    #[test]
    fn unknown_names_and_non_numeric_keys_are_refused() {
        let mut d = doc();
        let e = set(
            &mut d,
            "architectures.nope.servers",
            &SweepValue::Integer(1),
        )
        .unwrap_err();
        assert_eq!(
            e,
            "unknown architecture \"nope\"; the architectures are: fleet, lambda"
        );
        let e = set(&mut d, "architectures.fleet.kind", &SweepValue::Integer(1)).unwrap_err();
        assert!(e.contains("is not a number"), "{e}");
        let e = set(&mut d, "services.db.work.mean", &SweepValue::Integer(1)).unwrap_err();
        assert!(e.contains("written as \"5ms\""), "{e}");
        let e = set(&mut d, "architectures.fleet", &SweepValue::Integer(1)).unwrap_err();
        assert!(e.contains("whole architecture"), "{e}");
    }
}
