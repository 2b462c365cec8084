//! Charts at the size of a real comparison: twelve architectures (the
//! scenario in `tests/scenarios/twelve.toml`, not bundled) through `run`,
//! `sweep` and `plan`, every chart read back from its SVG (see
//! [`crate::svg`] for how text extents are estimated): no two texts
//! overlap, no text leaves the page, no two architectures share colour
//! and marker, and each architecture has one colour and marker in every
//! chart it appears in.

use crate::svg::{self, Look};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Pixels two estimated text boxes may share before they count as
/// overlapping: the estimate is within a few pixels of the real extent.
const SLACK: f64 = 3.0;

fn scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/twelve.toml")
}

fn scalesim(args: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The names of the scenario's architectures, in its order.
fn names() -> Vec<String> {
    let text = std::fs::read_to_string(scenario()).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    doc["architectures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect()
}

/// Every SVG of a run, a three-point sweep and a plan of the scenario.
fn charts(dir: &Path) -> Vec<(String, String)> {
    let s = scenario();
    let s = s.to_str().unwrap();
    let out = |d: &str| dir.join(d).to_str().unwrap().to_string();
    scalesim(&["run", s, "--out", &out("run"), "--quiet"]);
    let vary = "demand.scale=0.5..1.5 lin 3";
    scalesim(&[
        "sweep",
        s,
        "--vary",
        vary,
        "--out",
        &out("sweep"),
        "--quiet",
    ]);
    let plan = ["plan", s, "--replications", "1", "--out", &out("plan")];
    scalesim(&[&plan[..], &["--quiet"]].concat());
    let mut svgs = Vec::new();
    for d in ["run", "sweep", "plan"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(d))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "svg"))
            .collect();
        files.sort();
        for f in files {
            let name = format!("{d}/{}", f.file_name().unwrap().to_str().unwrap());
            svgs.push((name, std::fs::read_to_string(&f).unwrap()));
        }
    }
    svgs
}

/// Which architecture a legend label names: the name itself, or the plan's
/// "name (n candidates)".
fn entry_of<'a>(names: &'a [String]) -> impl Fn(&str) -> Option<String> + 'a {
    move |label: &str| {
        let name = label.split(" (").next().unwrap_or(label);
        names.iter().find(|n| *n == name).cloned()
    }
}

#[test]
fn twelve_architectures_draw_every_chart_readably_and_alike() {
    let dir = tempfile::tempdir().unwrap();
    let svgs = charts(dir.path());
    assert_eq!(
        svgs.len(),
        7,
        "{:?}",
        svgs.iter().map(|s| &s.0).collect::<Vec<_>>()
    );
    let names = names();
    assert_eq!(names.len(), 12);
    let mut problems = Vec::new();
    let mut looks: BTreeMap<String, Vec<(String, Look)>> = BTreeMap::new();
    for (file, text) in &svgs {
        for (a, b) in svg::overlaps(text, SLACK) {
            problems.push(format!("{file}: {a:?} overlaps {b:?}"));
        }
        for t in svg::off_page(text, 0.0) {
            problems.push(format!("{file}: {t:?} leaves the page"));
        }
        let legend = svg::legend_looks(text, entry_of(&names));
        let mut seen: BTreeMap<&Look, &String> = BTreeMap::new();
        for (name, look) in &legend {
            if look.marker.is_some()
                && let Some(other) = seen.insert(look, name)
            {
                problems.push(format!(
                    "{file}: {name} and {other} are drawn alike: {look:?}"
                ));
            }
            looks
                .entry(name.clone())
                .or_default()
                .push((file.clone(), look.clone()));
        }
    }
    for (name, seen) in &looks {
        let colors: Vec<&String> = seen.iter().map(|(_, l)| &l.color).collect();
        if colors.iter().any(|c| *c != colors[0]) {
            problems.push(format!("{name} changes colour between charts: {seen:?}"));
        }
        let markers: Vec<&String> = seen.iter().filter_map(|(_, l)| l.marker.as_ref()).collect();
        if markers.iter().any(|m| *m != markers[0]) {
            problems.push(format!("{name} changes marker between charts: {seen:?}"));
        }
    }
    // Every architecture is in the legend of the run's headline chart,
    // the sweep's and the plan's.
    for name in &names {
        let n = looks.get(name).map_or(0, Vec::len);
        assert!(n >= 5, "{name} is in the legend of only {n} charts");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_overlapping_and_clipped_text() {
    let svg = r#"<svg width="200" height="100" viewBox="0 0 200 100" xmlns="http://www.w3.org/2000/svg">
<text x="10" y="10" dy="0.76em" text-anchor="start" font-size="20">fleet-4</text>
<text x="40" y="14" dy="0.76em" text-anchor="start" font-size="20">fleet-5</text>
<text x="190" y="60" dy="0.76em" text-anchor="start" font-size="20">cut</text>
<text x="10" y="70" dy="0.76em" text-anchor="start" font-size="20">apart</text>
</svg>"#;
    assert_eq!(
        svg::overlaps(svg, SLACK),
        vec![("fleet-4".to_string(), "fleet-5".to_string())]
    );
    assert_eq!(svg::off_page(svg, 0.0), vec!["cut".to_string()]);
}
