//! Golden outputs: every bundled scenario (`scenarios/*.toml`), run with
//! its file's seed, writes exactly the checked-in
//! `tests/golden/<file stem>/summary.json` and `report.md`, byte for byte;
//! and every summary keeps the keys README.md promises, written down as
//! the JSON Schema `tests/golden/summary.schema.json`.
//!
//! When a change to the outputs is intended, regenerate the golden files
//! and review what changed before committing them:
//!
//! ```text
//! SCALESIM_BLESS=1 cargo test --release golden
//! git diff tests/golden
//! ```
//!
//! The outputs are made in-process as `scalesim run FILE --out DIR` makes
//! them (default `--charts both`, so report.md links the PNG and SVG
//! charts by relative name); nothing in them depends on the output folder
//! or the machine. Charts are not compared (binary, and font-rendering
//! details); `charts.rs` checks them.

use crate::common::{BundledRun, bundled_runs};
use crate::json_schema;
use scalesim::cli::ChartFormats;
use scalesim::report::{self, output};
use serde_json::Value;
use std::path::{Path, PathBuf};

const BLESS: &str = "SCALESIM_BLESS";
const BLESS_COMMAND: &str = "SCALESIM_BLESS=1 cargo test --release golden";
const FILES: [&str; 2] = ["summary.json", "report.md"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether this run regenerates the golden files (`SCALESIM_BLESS` set,
/// and neither empty nor `0`).
fn blessing() -> bool {
    std::env::var_os(BLESS).is_some_and(|v| !v.is_empty() && v != "0")
}

fn golden_dir() -> PathBuf {
    root().join("tests/golden")
}

fn schema() -> Value {
    let text = std::fs::read_to_string(golden_dir().join("summary.schema.json")).unwrap();
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// summary.json and report.md as `scalesim run FILE` writes them.
fn outputs(b: &BundledRun) -> [Vec<u8>; 2] {
    let summary = output::summary_json(&b.run);
    let report = report::render(&b.scenario, &b.run, ChartFormats::Both.formats());
    [summary, report.into_bytes()]
}

/// Where `actual` first differs from `expected`, or None if they are
/// equal: the 1-based line number and both lines.
fn first_difference(expected: &[u8], actual: &[u8]) -> Option<String> {
    if expected == actual {
        return None;
    }
    let e = String::from_utf8_lossy(expected);
    let a = String::from_utf8_lossy(actual);
    let (mut el, mut al) = (e.split_inclusive('\n'), a.split_inclusive('\n'));
    for n in 1.. {
        match (el.next(), al.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (x, y) => {
                let show = |l: Option<&str>| match l {
                    Some(l) => format!("{l:?}"),
                    None => "(end of file)".to_string(),
                };
                return Some(format!(
                    "first difference at line {n}:\n    expected: {}\n    actual:   {}",
                    show(x),
                    show(y)
                ));
            }
        }
    }
    unreachable!()
}

/// Compares (or, when blessing, writes) one scenario's golden files;
/// returns a message per problem.
fn check_scenario(b: &BundledRun, schema: &Value, bless: bool) -> Vec<String> {
    let (name, file) = (&b.name, &b.file);
    let mut problems = Vec::new();
    let produced = outputs(b);
    let summary: Value = serde_json::from_slice(&produced[0]).unwrap();
    for e in json_schema::validate(schema, &summary) {
        problems.push(format!(
            "{name}: summary.json breaks tests/golden/summary.schema.json: {e}"
        ));
    }
    let dir = golden_dir().join(name);
    for (file_name, bytes) in FILES.iter().zip(&produced) {
        let path = dir.join(file_name);
        let shown = format!("tests/golden/{name}/{file_name}");
        if bless {
            // Written aside and renamed, so that the tests reading the
            // golden files meanwhile see the old file or the new one.
            std::fs::create_dir_all(&dir).unwrap();
            let tmp = dir.join(format!(".{file_name}.tmp"));
            std::fs::write(&tmp, bytes).unwrap();
            std::fs::rename(&tmp, &path).unwrap();
            continue;
        }
        match std::fs::read(&path) {
            Err(e) => problems.push(format!("{shown}: cannot read it ({e})")),
            Ok(expected) => {
                if let Some(d) = first_difference(&expected, bytes) {
                    problems.push(format!(
                        "{shown} differs from what {} produces; {d}",
                        file.display()
                    ));
                }
            }
        }
    }
    problems
}

/// Every bundled scenario against its golden files; and no golden
/// folder without its scenario.
#[test]
fn bundled_scenarios_match_their_golden_outputs() {
    let bless = blessing();
    let schema = schema();
    let runs = bundled_runs();
    let mut problems: Vec<String> = runs
        .iter()
        .flat_map(|b| check_scenario(b, &schema, bless))
        .collect();
    for entry in std::fs::read_dir(golden_dir()).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_dir() {
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if !runs.iter().any(|b| b.name == name) {
            if bless {
                std::fs::remove_dir_all(&path).unwrap();
            } else {
                problems.push(format!(
                    "tests/golden/{name}/ has no scenarios/{name}.toml: remove it"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n\nIf the change is intended, regenerate the golden files with\n    {BLESS_COMMAND}\nand review `git diff tests/golden` before committing.",
        problems.join("\n\n")
    );
}

/// The checked-in golden summaries keep every key of the README's
/// contract (the test above keeps them equal to what the code writes).
/// While blessing, the summaries about to be written are checked instead:
/// a new scenario's file may not be there yet.
#[test]
fn golden_summaries_keep_the_readme_contract() {
    let schema = schema();
    for b in bundled_runs() {
        let name = &b.name;
        let bytes = if blessing() {
            outputs(b)[0].clone()
        } else {
            std::fs::read(golden_dir().join(name).join("summary.json")).unwrap()
        };
        let doc: Value = serde_json::from_slice(&bytes).unwrap();
        let errors = json_schema::validate(&schema, &doc);
        assert!(errors.is_empty(), "{name}:\n{}", errors.join("\n"));
    }
}

/// The schema has teeth: a summary with a contract key removed, renamed
/// or of the wrong type, at the top, in an architecture, and in the parts
/// only autoscaled, serverless and microservices architectures have, is
/// refused with the path of the key.
#[test]
fn the_schema_refuses_a_summary_without_a_contract_key() {
    let schema = schema();
    let read = |name: &str| -> Value {
        let path = golden_dir().join(name).join("summary.json");
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    };
    let index = |doc: &Value, kind: &str| {
        doc["architectures"]
            .as_array()
            .unwrap()
            .iter()
            .position(|a| a["kind"] == kind)
            .unwrap_or_else(|| panic!("a {kind} architecture"))
    };
    let flash = read("flash-crowd");
    let bakery = read("bakery");
    let auto = index(&flash, "autoscaled");
    let sl = index(&flash, "serverless");
    let micro = index(&bakery, "microservices");
    let oven = bakery["architectures"][micro]["services"]
        .as_array()
        .unwrap()
        .iter()
        .position(|s| s["kind"] == "autoscaled")
        .expect("an autoscaled service");
    type Edit = Box<dyn Fn(&mut Value)>;
    let remove = |pointer: String, key: &'static str| -> Edit {
        Box::new(move |d: &mut Value| {
            let obj = d.pointer_mut(&pointer).unwrap().as_object_mut().unwrap();
            assert!(obj.remove(key).is_some(), "{pointer}/{key}");
        })
    };
    let cases: Vec<(&Value, Edit, String)> = vec![
        (
            &flash,
            remove(String::new(), "seed"),
            "/: missing required key `seed`".into(),
        ),
        (
            &flash,
            remove("/architectures/0/latency_ms".into(), "p99"),
            "/architectures/0/latency_ms: missing required key `p99`".into(),
        ),
        (
            &flash,
            Box::new(|d: &mut Value| {
                let o = d["architectures"][1].as_object_mut().unwrap();
                let v = o.remove("error_rate").unwrap();
                o.insert("errors".into(), v);
            }),
            "/architectures/1: missing required key `error_rate`".into(),
        ),
        (
            &flash,
            Box::new(|d: &mut Value| d["architectures"][0]["requests"]["arrived"] = "many".into()),
            "/architectures/0/requests/arrived: expected integer, found \"many\"".into(),
        ),
        (
            &flash,
            remove(format!("/architectures/{auto}/scaling_actions"), "out"),
            format!("/architectures/{auto}/scaling_actions: missing required key `out`"),
        ),
        (
            &flash,
            remove(format!("/architectures/{sl}/functions/0/cost"), "idle_usd"),
            format!("/architectures/{sl}/functions/0/cost: missing required key `idle_usd`"),
        ),
        (
            &bakery,
            remove(
                format!("/architectures/{micro}/services/{oven}"),
                "server_hours",
            ),
            format!("/architectures/{micro}/services/{oven}: missing required key `server_hours`"),
        ),
        (
            &bakery,
            Box::new(move |d: &mut Value| d["architectures"][micro]["kind"] = "mesh".into()),
            format!(
                "/architectures/{micro}/kind: \"mesh\" is not one of [\"fleet\",\"autoscaled\",\"serverless\",\"microservices\",\"kubernetes\"]"
            ),
        ),
    ];
    for (doc, edit, want) in cases {
        assert!(json_schema::validate(&schema, doc).is_empty());
        let mut broken = doc.clone();
        edit(&mut broken);
        let errors = json_schema::validate(&schema, &broken);
        assert_eq!(errors, vec![want]);
    }
}

#[test]
fn first_difference_names_the_line() {
    assert_eq!(first_difference(b"a\nb\n", b"a\nb\n"), None);
    assert_eq!(
        first_difference(b"a\nb\nc\n", b"a\nB\nc\n").unwrap(),
        "first difference at line 2:\n    expected: \"b\\n\"\n    actual:   \"B\\n\""
    );
    assert_eq!(
        first_difference(b"a\n", b"a\nb\n").unwrap(),
        "first difference at line 2:\n    expected: (end of file)\n    actual:   \"b\\n\""
    );
    // A missing final newline is a difference too.
    assert!(first_difference(b"a\n", b"a").is_some());
}
