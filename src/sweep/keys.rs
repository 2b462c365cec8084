//! Key paths into a scenario file: `demand.scale`,
//! `architectures.<name>.servers`, `services.<name>.work.mean`,
//! `architectures.<name>.functions.<service>.provisioned`, `slo.latency`…
//! Architectures and services are addressed by name, not index. Setting a
//! key edits the file's TOML tables, so a sweep point, and a plan's
//! candidate, is exactly the file with that value written in: this module
//! is where both write their values.

use crate::scenario::sweep::SweepValue;
use toml::{Table, Value};

/// The arrays of tables whose elements a path names by their `name`.
const NAMED_ARRAYS: [&str; 2] = ["architectures", "services"];

/// Sets `path` to the swept `value` in the scenario `doc`. The key must
/// take a number, a duration or a memory size where the file gives it
/// one: a sweep varies quantities. Intermediate tables that do not exist
/// yet are created (e.g. `functions.oven` of a serverless architecture);
/// the scenario's own validation then says whether the key belongs there.
pub fn set(doc: &mut Table, path: &str, value: &SweepValue) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "expected a dotted key such as demand.scale, found \"{path}\""
        ));
    }
    let (table, from) = match parts[..] {
        [array, name, ..] if NAMED_ARRAYS.contains(&array) => (named_element(doc, array, name)?, 2),
        _ => (doc, 0),
    };
    if from == parts.len() {
        return Err(format!(
            "`{path}` names a whole {}; add the key to vary, e.g. {path}.servers",
            parts[0].trim_end_matches('s')
        ));
    }
    let (table, key) = slot(table, &parts, from)?;
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

/// Sets `path`, dotted from `table` itself (`functions.oven.memory` in an
/// architecture's table, which is also how the line pastes there), to any
/// `value`, replacing what is there: plan writes whole configurations
/// (`instance = "c5.large"`, a `policy` table), not only quantities. The
/// tables on the way are created as [`set`] does, keeping their other
/// keys.
pub fn insert(table: &mut Table, path: &str, value: Value) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    let (table, key) = slot(table, &parts, 0)?;
    table.insert(key.to_string(), value);
    Ok(())
}

/// The table that holds the last of `parts`, reached from `table` through
/// `parts[from..]`, and that last key. Tables missing on the way are
/// created; a message names the path from `parts[0]`, as the user wrote it.
fn slot<'t, 'p>(
    mut table: &'t mut Table,
    parts: &[&'p str],
    from: usize,
) -> Result<(&'t mut Table, &'p str), String> {
    let last = parts.len() - 1;
    for i in from..last {
        let entry = table
            .entry(parts[i].to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        table = match entry {
            Value::Table(t) => t,
            Value::String(s) if i + 1 == last => {
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
    }
    Ok((table, parts[last]))
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

    #[test]
    fn insert_writes_any_value_below_a_table_and_keeps_its_other_keys() {
        let mut d = doc();
        let fleet = named_element(&mut d, "architectures", "fleet").unwrap();
        insert(fleet, "instance", Value::String("c5.large".into())).unwrap();
        insert(fleet, "servers.utilization", Value::Float(0.5)).unwrap();
        assert_eq!(fleet["instance"].as_str(), Some("c5.large"));
        assert_eq!(fleet["servers"]["size_for"].as_str(), Some("peak"));
        let lambda = named_element(&mut d, "architectures", "lambda").unwrap();
        insert(
            lambda,
            "functions.api.memory",
            Value::String("512MB".into()),
        )
        .unwrap();
        assert_eq!(lambda["functions"]["api"]["memory"].as_str(), Some("512MB"));
    }
}
