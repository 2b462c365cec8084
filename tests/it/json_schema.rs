//! A small JSON Schema (draft 2020-12) checker for the keywords that
//! `tests/golden/summary.schema.json` uses: `type`, `required`,
//! `properties`, `items`, `enum`, `const`, `allOf`, `if`/`then`, and
//! `$ref` to `#/$defs/NAME`. Annotations (`$schema`, `title`,
//! `description`, `$comment`, `$defs`) are ignored. Any other keyword
//! panics, so the schema cannot promise a check that nothing makes.
//!
//! Hand-written rather than a validator crate: the full validators pull
//! in regex, URL and IDNA (ICU) crates, a heavy build for the dozen
//! keywords a key contract needs.

use serde_json::Value;

const ANNOTATIONS: [&str; 5] = ["$schema", "title", "description", "$comment", "$defs"];

/// Every violation of `schema` by `doc`, each as `PATH: what is wrong`
/// (PATH as a JSON pointer, e.g. `/architectures/0/latency_ms`). Empty
/// if `doc` is valid.
pub fn validate(schema: &Value, doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, schema, doc, "", &mut errors);
    errors
}

fn check(root: &Value, schema: &Value, doc: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(schema) = schema.as_object() else {
        panic!("schema at {path:?} is not an object");
    };
    for (key, want) in schema {
        match key.as_str() {
            "type" => {
                let types: Vec<&str> = match want {
                    Value::String(t) => vec![t],
                    Value::Array(ts) => ts.iter().map(|t| t.as_str().unwrap()).collect(),
                    _ => panic!("bad `type` at {path:?}"),
                };
                if !types.iter().any(|t| is_type(doc, t)) {
                    errors.push(format!(
                        "{}: expected {}, found {doc}",
                        at(path),
                        types.join(" or ")
                    ));
                }
            }
            "required" => {
                if let Some(obj) = doc.as_object() {
                    for k in want.as_array().expect("`required` is an array") {
                        let k = k.as_str().unwrap();
                        if !obj.contains_key(k) {
                            errors.push(format!("{}: missing required key `{k}`", at(path)));
                        }
                    }
                }
            }
            "properties" => {
                if let Some(obj) = doc.as_object() {
                    for (k, sub) in want.as_object().expect("`properties` is an object") {
                        if let Some(v) = obj.get(k) {
                            check(root, sub, v, &format!("{path}/{k}"), errors);
                        }
                    }
                }
            }
            "items" => {
                if let Some(xs) = doc.as_array() {
                    for (i, x) in xs.iter().enumerate() {
                        check(root, want, x, &format!("{path}/{i}"), errors);
                    }
                }
            }
            "enum" => {
                if !want.as_array().unwrap().contains(doc) {
                    errors.push(format!("{}: {doc} is not one of {want}", at(path)));
                }
            }
            "const" => {
                if want != doc {
                    errors.push(format!("{}: expected {want}, found {doc}", at(path)));
                }
            }
            "allOf" => {
                for sub in want.as_array().expect("`allOf` is an array") {
                    check(root, sub, doc, path, errors);
                }
            }
            "if" => {
                if validate_at(root, want, doc, path).is_empty()
                    && let Some(then) = schema.get("then")
                {
                    check(root, then, doc, path, errors);
                }
            }
            "then" => {} // with "if"
            "$ref" => {
                let name = want
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                    .unwrap_or_else(|| panic!("only #/$defs/NAME references: {want}"));
                let target = root["$defs"]
                    .get(name)
                    .unwrap_or_else(|| panic!("no $defs/{name}"));
                check(root, target, doc, path, errors);
            }
            k if ANNOTATIONS.contains(&k) => {}
            k => panic!("schema keyword `{k}` at {path:?} is not supported by this checker"),
        }
    }
}

fn validate_at(root: &Value, schema: &Value, doc: &Value, path: &str) -> Vec<String> {
    let mut errors = Vec::new();
    check(root, schema, doc, path, &mut errors);
    errors
}

fn at(path: &str) -> &str {
    if path.is_empty() { "/" } else { path }
}

/// JSON Schema's types; an integer is any number with no fractional part.
fn is_type(v: &Value, t: &str) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|x| x.fract() == 0.0),
        _ => panic!("unknown type {t}"),
    }
}
