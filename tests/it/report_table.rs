//! The `[report]` table: `architectures` takes the named architectures of
//! the file, in the named order, for a run, a sweep and a plan; a name
//! that is not the file's, or named twice, is refused with its line; and
//! `chart_size` sets the charts' pixels.

use crate::common::{assert_parse_error, scenario};
use std::process::Command;

const THREE: &str = r#"name = "pick"
duration = "10m"
seed = 5
[demand]
shape = "constant"
rps = 5.0
[[services]]
name = "api"
work = "20ms"
[[architectures]]
name = "a"
kind = "fleet"
servers = 1
instance = "m5.large"
[[architectures]]
name = "b"
kind = "fleet"
servers = 2
instance = "m5.large"
[[architectures]]
name = "c"
kind = "fleet"
servers = 3
instance = "m5.large"
"#;

fn with_report(list: &str) -> String {
    format!("{THREE}[report]\narchitectures = {list}\n")
}

#[test]
fn report_architectures_take_the_named_ones_in_their_order() {
    let s = scenario(&with_report(r#"["c", "a"]"#));
    let names: Vec<&str> = s.architectures.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["c", "a"]);
    assert_eq!(s.left_out, ["b"]);
    assert!(
        s.describe()
            .contains("([report] takes these 2, in this order; left out: b)"),
        "{}",
        s.describe()
    );
    // Without the table: every architecture, in file order.
    let all = scenario(THREE);
    assert_eq!(all.architectures.len(), 3);
    assert!(all.left_out.is_empty());
}

#[test]
fn a_report_name_that_is_not_the_files_or_comes_twice_is_refused_with_its_line() {
    // The table starts on line 25; the list is on line 26.
    assert_parse_error(
        &with_report(r#"["c", "x"]"#),
        "line 26, key `report.architectures`: no architecture is named \"x\"; the file's are a, b, c",
    );
    assert_parse_error(
        &with_report(r#"["a", "a"]"#),
        "line 26, key `report.architectures`: architecture \"a\" is named twice",
    );
    assert_parse_error(
        &with_report("[]"),
        "line 26, key `report.architectures`: expected at least one architecture name (leave the key out to take them all)",
    );
}

/// The architectures of a `summary.json`, in its order.
fn names_in(json: &serde_json::Value) -> Vec<&str> {
    json["architectures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect()
}

/// Runs `scalesim` with `args`, then `--quiet --out <out>`.
fn scalesim(args: &[&str], out: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(args)
        .args(["--quiet", "--out"])
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn a_run_and_a_sweep_report_only_the_named_architectures() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pick.toml");
    std::fs::write(&file, with_report(r#"["c", "a"]"#)).unwrap();
    let file = file.to_str().unwrap();
    let (run_out, sweep_out) = (dir.path().join("run"), dir.path().join("sweep"));
    let run = scalesim(&["run", file, "--charts", "none"], &run_out);
    assert!(run.status.success(), "{run:?}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run_out.join("summary.json")).unwrap()).unwrap();
    let names = names_in(&json);
    assert_eq!(names, ["c", "a"]);
    let sweep = scalesim(&["sweep", file, "--vary", "demand.scale=1,2"], &sweep_out);
    assert!(sweep.status.success(), "{sweep:?}");
    let csv = std::fs::read_to_string(sweep_out.join("sweep.csv")).unwrap();
    assert!(!csv.contains(",b,"), "{csv}");
    assert!(csv.contains(",c,") && csv.contains(",a,"), "{csv}");
}

#[test]
fn a_plan_plans_only_the_named_architectures() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pick.toml");
    let text = with_report(r#"["c", "a"]"#) + "[slo]\nlatency = \"300ms\"\npercentile = 99.0\n";
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("plan");
    let plan = scalesim(&["plan", file.to_str().unwrap()], &out);
    assert!(plan.status.success(), "{plan:?}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("plan.json")).unwrap()).unwrap();
    let names: Vec<&str> = json["architectures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["architecture"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["c", "a"]);
}

#[test]
fn chart_size_draws_for_a_page_or_in_pixels_and_refuses_what_it_cannot_draw() {
    let at = |text: &str| scenario(&format!("{THREE}[report]\nchart_size = {text}\n")).chart_size;
    assert_eq!(scenario(THREE).chart_size, (1600, 900));
    assert_eq!(at(r#""16:9""#), (1600, 900));
    assert_eq!(at(r#""4:3""#), (1600, 1200));
    assert_eq!(at(r#""1920x1080""#), (1920, 1080));
    for bad in ["\"3:2\"", "\"100x100\"", "\"wide\""] {
        let found = bad.trim_matches('"');
        assert_parse_error(
            &format!("{THREE}[report]\nchart_size = {bad}\n"),
            &format!(
                "line 26, key `report.chart_size`: expected \"16:9\" (1600x900, a slide), \
                 \"4:3\" (1600x1200, a page) or WIDTHxHEIGHT in pixels, each side 800 to \
                 4000, found \"{found}\""
            ),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.toml");
    std::fs::write(&file, format!("{THREE}[report]\nchart_size = \"4:3\"\n")).unwrap();
    let out = dir.path().join("run");
    let run = scalesim(&["run", file.to_str().unwrap(), "--charts", "png"], &out);
    assert!(run.status.success(), "{run:?}");
    let png = image::load_from_memory(&std::fs::read(out.join("timeline.png")).unwrap()).unwrap();
    assert_eq!((png.width(), png.height()), (1600, 1200));
}

#[test]
fn only_on_the_command_line_chooses_like_the_table_and_shards_agree() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("three.toml");
    std::fs::write(&file, THREE).unwrap();
    let file = file.to_str().unwrap();
    let whole = dir.path().join("whole");
    let run = scalesim(&["run", file, "--charts", "none", "--only", "c,a"], &whole);
    assert!(run.status.success(), "{run:?}");
    let summary = std::fs::read(whole.join("summary.json")).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&summary).unwrap();
    let names = names_in(&json);
    assert_eq!(names, ["c", "a"]);
    // Two shards with the same --only merge into exactly that run.
    let parts = dir.path().join("parts");
    for shard in ["0/2", "1/2"] {
        let args = [
            "run", file, "--charts", "none", "--only", "c,a", "--shard", shard,
        ];
        let s = scalesim(&args, &parts);
        assert!(s.status.success(), "{s:?}");
    }
    let merge = Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["merge", parts.to_str().unwrap(), "--quiet"])
        .output()
        .unwrap();
    assert!(merge.status.success(), "{merge:?}");
    assert_eq!(std::fs::read(parts.join("summary.json")).unwrap(), summary);
    // A name the scenario does not have: exit 2, nothing written.
    let bad_out = dir.path().join("bad");
    let bad = scalesim(&["run", file, "--only", "c,x"], &bad_out);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        "error: --only: no architecture is named \"x\"; the scenario's are a, b, c\n"
    );
    assert!(!bad_out.exists());
}

/// report.md says when the architectures do not pay for the same things:
/// a gateway on one side and nothing on the other, a free tier on one
/// side only; and says nothing when they do.
#[test]
fn the_report_says_where_bills_are_not_like_for_like() {
    let dir = tempfile::tempdir().unwrap();
    let report = |text: &str| {
        let file = dir.path().join("s.toml");
        std::fs::write(&file, text).unwrap();
        let out = dir.path().join("out");
        let status = Command::new(env!("CARGO_BIN_EXE_scalesim"))
            .args([
                "run",
                file.to_str().unwrap(),
                "--quiet",
                "--charts",
                "none",
                "--out",
            ])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::read_to_string(out.join("report.md")).unwrap()
    };
    let fleets = report(THREE);
    assert!(!fleets.contains("## Like for like"), "{fleets}");
    let mixed = THREE.replace(
        "name = \"c\"\nkind = \"fleet\"\nservers = 3\ninstance = \"m5.large\"\n",
        "name = \"c\"\nkind = \"serverless\"\ngateway = \"http\"\nfree_tier = true\n",
    );
    let md = report(&mixed);
    // The terminal says it too, under the table.
    let file = dir.path().join("s.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["run", file.to_str().unwrap(), "--charts", "none", "--out"])
        .arg(dir.path().join("terminal"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("\nnot like for like:\n  Front door: c (API Gateway HTTP API, $"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n  Free tier: c takes the platform's monthly free tier off the bill; the others pay in full.\n"),
        "{stdout}"
    );
    assert!(
        md.contains(
            "## Like for like\n\nThe architectures do not pay for the same things:\n\n\
             - Front door: c (API Gateway HTTP API, $"
        ),
        "{md}"
    );
    assert!(
        md.contains(
            "/month) has one in its bill; a, b have none, as load balancers (an Application \
             Load Balancer is about $16 a month plus capacity units) are not modelled yet.\n\
             - Free tier: c takes the platform's monthly free tier off the bill; the others pay in full.\n"
        ),
        "{md}"
    );
}
