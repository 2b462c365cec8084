//! Charts and the decision report as a user meets them: which files
//! `scalesim run` writes for each `--charts` value, that they are what they
//! say (PNG of slide size, SVG with real text), that report.md links
//! exactly the charts that exist, that the same seed gives the same bytes,
//! and the exact message for a bad `[slo]` table.

use crate::common;
use scalesim::report::charts::{Chart, ChartData, Format};
use scalesim::{architectures, report};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Small and quick: two fleets, one of which overflows.
const SCENARIO: &str = r#"name = "charts"
description = "Two fleets against a short burst"
duration = "3m"
warmup = "10s"
seed = 11
window = "10s"
[demand]
shape = "steps"
steps = [{ at = "0s", rps = 20 }, { at = "1m", rps = 90 }, { at = "2m", rps = 20 }]
[[services]]
name = "api"
work = { dist = "exponential", mean = "20ms" }
[[architectures]]
name = "roomy-fleet"
kind = "fleet"
servers = 2
instance = "m5.large"
[[architectures]]
name = "tight-fleet"
kind = "fleet"
servers = 1
instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.02 }
queue_limit = 20
[slo]
latency = "200ms"
percentile = 99
max_error_rate = 0.01
"#;

const CHART_FILES: [&str; 8] = [
    "cost_breakdown.png",
    "cost_breakdown.svg",
    "cost_vs_latency.png",
    "cost_vs_latency.svg",
    "latency_cdf.png",
    "latency_cdf.svg",
    "timeline.png",
    "timeline.svg",
];

fn scalesim(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the binary runs")
}

/// Runs SCENARIO (edited by `text`) into `dir/out` with `extra` flags.
fn run_into(dir: &Path, text: &str, out: &str, extra: &[&str]) -> PathBuf {
    std::fs::write(dir.join("s.toml"), text).unwrap();
    let mut args = vec!["run", "s.toml", "--out", out, "--quiet"];
    args.extend_from_slice(extra);
    let o = scalesim(&args, dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    dir.join(out)
}

fn files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect()
}

fn read(path: PathBuf) -> String {
    String::from_utf8(std::fs::read(path).unwrap()).unwrap()
}

/// The targets of the Markdown links and images in `md`.
fn links(md: &str) -> BTreeSet<String> {
    md.split("](")
        .skip(1)
        .map(|rest| rest.split(')').next().unwrap().to_string())
        .collect()
}

#[test]
fn every_chart_is_written_as_a_slide_sized_png_and_an_svg() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_into(dir.path(), SCENARIO, "o", &[]);
    let written = files(&out);
    for f in CHART_FILES.iter().chain(&["report.md"]) {
        assert!(written.contains(*f), "{f} missing from {written:?}");
    }
    for f in CHART_FILES.iter().filter(|f| f.ends_with(".png")) {
        crate::common::assert_slide_png(&out.join(f));
    }
}

#[test]
fn svgs_hold_the_names_axis_labels_and_slo_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_into(dir.path(), SCENARIO, "o", &["--charts", "svg"]);
    let expect: [(&str, &[&str]); 4] = [
        (
            "cost_vs_latency.svg",
            &[
                "p99 latency (ms and s, log scale)",
                "cost per month (USD)",
                "SLO p99 ≤ 200ms",
                "Pareto frontier",
                "hollow: breaks the SLO",
            ],
        ),
        (
            "timeline.svg",
            &[
                "arrivals/s",
                "servers",
                "p99 (log)",
                "errors",
                "time since start (min)",
                "SLO p99 ≤ 200ms",
            ],
        ),
        (
            "latency_cdf.svg",
            &[
                "end-to-end latency (ms and s, log scale)",
                "requests completed within (cumulative %)",
                "SLO p99 ≤ 200ms",
            ],
        ),
        (
            "cost_breakdown.svg",
            &["cost per month (USD)", "busy compute", "idle capacity"],
        ),
    ];
    for (file, texts) in expect {
        let svg = read(out.join(file));
        assert!(svg.starts_with("<svg"), "{file}");
        assert!(svg.contains("<text"), "{file} has no text elements");
        for t in texts
            .iter()
            .chain(&["roomy-fleet", "tight-fleet", "charts: ", "seed 11"])
        {
            assert!(
                svg.contains(&format!(">\n{t}")) || svg.contains(t),
                "{file} lacks {t:?}"
            );
        }
    }
}

#[test]
fn without_an_slo_no_slo_line_is_drawn_and_p99_is_charted() {
    let dir = tempfile::tempdir().unwrap();
    let text = SCENARIO.split("[slo]").next().unwrap();
    let out = run_into(dir.path(), text, "o", &["--charts", "svg"]);
    for f in CHART_FILES.iter().filter(|f| f.ends_with(".svg")) {
        assert!(!read(out.join(f)).contains("SLO"), "{f} mentions an SLO");
    }
    assert!(read(out.join("cost_vs_latency.svg")).contains("p99 latency"));
    let md = read(out.join("report.md"));
    assert!(md.contains("The scenario sets no `[slo]`"), "{md}");
    assert!(!md.contains("| yes |") && !md.contains("**no**"), "{md}");
}

#[test]
fn report_links_every_chart_written_and_no_other() {
    let dir = tempfile::tempdir().unwrap();
    for (flag, n) in [("both", 8), ("png", 4), ("svg", 4), ("none", 0)] {
        let out = run_into(dir.path(), SCENARIO, flag, &["--charts", flag]);
        let charts: BTreeSet<String> = files(&out)
            .into_iter()
            .filter(|f| f.ends_with(".png") || f.ends_with(".svg"))
            .collect();
        assert_eq!(charts.len(), n, "--charts {flag}");
        let md = read(out.join("report.md"));
        assert_eq!(links(&md), charts, "--charts {flag}");
    }
}

#[test]
fn same_seed_gives_identical_svg_and_markdown_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let a = run_into(dir.path(), SCENARIO, "a", &["--charts", "svg"]);
    let b = run_into(dir.path(), SCENARIO, "b", &["--charts", "svg"]);
    for f in files(&a)
        .iter()
        .filter(|f| f.ends_with(".svg") || f.ends_with(".md"))
    {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(x == y, "{f} differs between two runs of the same seed");
    }
    // And the seed matters: a different one changes the report.
    let c = run_into(
        dir.path(),
        SCENARIO,
        "c",
        &["--charts", "none", "--seed", "12"],
    );
    assert_ne!(read(a.join("report.md")), read(c.join("report.md")));
}

#[test]
fn the_report_concludes_from_the_numbers() {
    let s = common::scenario(SCENARIO);
    let run = architectures::run(&s);
    let md = report::render(&s, &run, &[Format::Png]);
    // The tight fleet drops requests at the burst; the roomy one meets the SLO.
    assert!(
        md.contains("**roomy-fleet** is the cheapest architecture that meets the SLO (p99 ≤ 200ms, errors ≤ 1%)"),
        "{md}"
    );
    assert!(
        md.contains("It costs") && md.contains("more than **tight-fleet**, which breaks the SLO"),
        "{md}"
    );
    assert!(
        md.contains("| roomy-fleet |") && md.contains("| yes |"),
        "{md}"
    );

    // An SLO nobody meets.
    let strict = common::scenario(&SCENARIO.replace("latency = \"200ms\"", "latency = \"1ms\""));
    let run = architectures::run(&strict);
    let md = report::render(&strict, &run, &[]);
    assert!(
        md.contains("No architecture meets the SLO (p99 ≤ 1ms"),
        "{md}"
    );
    assert!(!md.contains("## Charts"), "{md}");
    assert!(links(&md).is_empty(), "{md}");
}

#[test]
fn charts_render_in_process_for_each_format() {
    let s = common::scenario(SCENARIO);
    let run = architectures::run(&s);
    let data = ChartData {
        run: &run,
        slo: s.slo,
    };
    for chart in Chart::ALL {
        let svg = scalesim::report::charts::render(chart, &data, Format::Svg, (800, 450)).unwrap();
        assert!(
            String::from_utf8(svg).unwrap().contains("width=\"800\""),
            "{chart:?}"
        );
        let png = scalesim::report::charts::render(chart, &data, Format::Png, (800, 450)).unwrap();
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!((img.width(), img.height()), (800, 450), "{chart:?}");
    }
}

/// Each bad `[slo]`: (what to change in SCENARIO, the exact message).
#[test]
fn a_bad_slo_gets_the_exact_message_and_exit_code_2() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "percentile = 99",
            "percentile = 98",
            "line 26, key `slo.percentile`: expected one of 50, 90, 95, 99 or 99.9, found 98",
        ),
        (
            "max_error_rate = 0.01",
            "max_error_rate = 1.5",
            "line 27, key `slo.max_error_rate`: expected a fraction of arrivals between 0 and 1 (0.001 = 0.1%), found 1.5",
        ),
        (
            "latency = \"200ms\"",
            "latency = \"0s\"",
            "line 25, key `slo.latency`: expected a latency > 0",
        ),
        (
            "latency = \"200ms\"",
            "latency = 200",
            "line 25, key `slo.latency`: invalid type: integer `200`, expected a duration string such as \"50ms\" or \"2h\"",
        ),
        (
            "percentile = 99",
            "percentile = 99\nquantile = 0.99",
            "line 27, key `slo.quantile`: unknown field `quantile`, expected one of `latency`, `percentile`, `max_error_rate`",
        ),
        (
            "latency = \"200ms\"\n",
            "",
            "line 24, key `slo`: missing field `latency`",
        ),
    ];
    common::assert_bad_input(SCENARIO, cases);
}

#[test]
fn check_prints_the_slo() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), SCENARIO).unwrap();
    let out = scalesim(&["check", "s.toml"], dir.path());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("slo        p99 ≤ 200ms, errors ≤ 1%"),
        "{stdout}"
    );
}

/// The timeline's latency panel follows the SLO percentile.
#[test]
fn timeline_latency_panel_uses_the_slo_percentile() {
    let dir = tempfile::tempdir().unwrap();
    let text = "name = \"p95\"\nduration = \"10m\"\n[demand]\nshape = \"constant\"\nrps = 20.0\n[[services]]\nname = \"api\"\nwork = { dist = \"exponential\", mean = \"20ms\" }\n[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 1\ninstance = \"m5.large\"\n[slo]\nlatency = \"100ms\"\npercentile = 95\n";
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["run", "s.toml", "--quiet", "--charts", "svg"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let svg = std::fs::read_to_string(dir.path().join("output/p95/timeline.svg")).unwrap();
    assert!(
        svg.contains("Latency: p95 of the requests"),
        "no p95 panel title"
    );
    assert!(!svg.contains("Latency: p99"));
}

/// Two architectures with the same cost and latency: their point labels in
/// the headline chart sit apart, not on top of each other.
#[test]
fn coinciding_points_get_labels_that_do_not_overlap() {
    let dir = tempfile::tempdir().unwrap();
    let text = SCENARIO.replace(
        "[slo]",
        "[[architectures]]\nname = \"roomy-twin\"\nkind = \"fleet\"\nservers = 2\ninstance = \"m5.large\"\n[slo]",
    );
    let out = run_into(dir.path(), &text, "o", &["--charts", "svg"]);
    let svg = read(out.join("cost_vs_latency.svg"));
    let boxes = crate::svg::text_boxes(&svg);
    let label = |name: &str| boxes.iter().filter(|b| b.text == name).count();
    // Each name twice: in the legend and beside its point.
    assert_eq!((label("roomy-fleet"), label("roomy-twin")), (2, 2));
    assert_eq!(
        crate::svg::overlaps(&svg, 3.0),
        Vec::<(String, String)>::new()
    );
}
