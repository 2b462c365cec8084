//! The report side of replications: report.md states the method, gives
//! intervals, says meets / misses / uncertain, compares architectures in
//! sentences whose signs match the numbers, and hangs the conclusion on
//! verdicts; the charts say what they show of the replications. (With one
//! replication the outputs are the golden ones: `golden.rs`.)

use crate::common;
use scalesim::analysis::decision::{self, Verdict};
use scalesim::architectures::{RunOptions, run_with};
use scalesim::report::charts::{self, Chart, ChartData, Format};
use scalesim::report::{self as report};
use scalesim::results::summary::RunSummary;
use scalesim::scenario::Scenario;
use scalesim::time::SimTime;

/// Two fleets on the same requests: one cheap and slow (two small servers
/// near 60 % busy), one dear and fast (six m5.large, mostly idle).
const SCENARIO: &str = r#"name = "reps"
description = "A cheap slow fleet against a dear fast one"
duration = "4m"
warmup = "20s"
seed = 7
window = "20s"
[demand]
shape = "constant"
rps = 60
[[services]]
name = "api"
work = { dist = "exponential", mean = "20ms" }
[[architectures]]
name = "cheap-slow"
kind = "fleet"
servers = 2
instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.02 }
[[architectures]]
name = "dear-fast"
kind = "fleet"
servers = 6
instance = "m5.large"
[slo]
latency = "2s"
percentile = 99
"#;

const N: u32 = 5;

fn replicate(s: &Scenario, n: u32) -> RunSummary {
    let options = RunOptions {
        replications: n,
        jobs: Some(1),
    };
    let mut run = run_with(s, &options, &|| {});
    decision::add_comparisons(&mut run, s.slo.as_ref());
    run
}

fn svg(chart: Chart, s: &Scenario, run: &RunSummary) -> String {
    let data = ChartData { run, slo: s.slo };
    String::from_utf8(charts::render(chart, &data, Format::Svg, (1600, 900)).unwrap()).unwrap()
}

#[test]
fn the_report_states_the_method_intervals_and_verdicts() {
    let s = common::scenario(SCENARIO);
    let run = replicate(&s, N);
    assert_eq!(run.replications, N);
    let md = report::render(&s, &run, &[Format::Png]);
    assert!(
        md.contains(
            "Every number is the mean of 5 independent replications (each with its own random streams, all architectures sharing each replication's requests); intervals are 95 % Student-t intervals over the replications; comparisons are paired differences."
        ),
        "{md}"
    );
    assert!(md.contains("| error rate | SLO |"), "{md}");
    // Both meet a 2 s p99 with room to spare; every cost and p99 cell has ±.
    for name in ["cheap-slow", "dear-fast"] {
        let row = md
            .lines()
            .find(|l| l.starts_with(&format!("| {name} |")) && l.ends_with("| meets |"))
            .unwrap_or_else(|| panic!("no meets row for {name}:\n{md}"));
        let cells: Vec<&str> = row.split(" | ").collect();
        assert!(
            cells[1].starts_with('$') && cells[1].contains(" ± "),
            "{row}"
        );
        assert!(
            cells[4].contains(" ± ") && cells[4].ends_with("ms"),
            "{row}"
        );
    }
    assert!(
        md.contains("*Means of 5 replications, 95 % intervals.*"),
        "{md}"
    );
    assert!(md.contains("*Series of replication 0 of 5.*"), "{md}");
    assert!(md.contains("*Pooled over 5 replications.*"), "{md}");
    assert!(
        md.contains("**cheap-slow** is the cheapest architecture that meets the SLO (p99 ≤ 2s) with 95 % confidence over 5 replications"),
        "{md}"
    );
    assert!(!md.contains("The decision is not settled"), "{md}");
}

#[test]
fn comparisons_read_the_right_way_round() {
    let s = common::scenario(SCENARIO);
    let run = replicate(&s, N);
    // The reference is the cheapest that meets the SLO: cheap-slow.
    let [c] = &run.comparisons[..] else {
        panic!("one comparison: {:?}", run.comparisons)
    };
    assert_eq!(
        (&*c.architecture, &*c.reference),
        ("dear-fast", "cheap-slow")
    );
    assert!(c.cost_per_month_usd.low > 0.0, "{c:?}");
    assert!(c.latency_ms.high < 0.0, "{c:?}");
    let md = report::render(&s, &run, &[]);
    assert!(md.contains("## Comparisons"), "{md}");
    let sentence = md
        .lines()
        .find(|l| l.starts_with("- dear-fast is $"))
        .unwrap_or_else(|| panic!("no comparison sentence:\n{md}"));
    assert!(
        sentence.contains(" per month more expensive than cheap-slow; its p99 is ")
            && sentence.contains(" ms lower; both differences are significant."),
        "{sentence}"
    );
    // And the other way round: with the dear fleet first and no SLO, the
    // reference is the first architecture, and the signs flip.
    let (head, rest) = SCENARIO.split_once("[[architectures]]").unwrap();
    let (cheap, dear) = rest.split_once("[[architectures]]").unwrap();
    let dear = dear.split_once("[slo]").unwrap().0;
    let swapped = common::scenario(&format!(
        "{head}[[architectures]]{dear}[[architectures]]{cheap}"
    ));
    assert!(swapped.slo.is_none());
    let run = replicate(&swapped, N);
    let md = report::render(&swapped, &run, &[]);
    let sentence = md
        .lines()
        .find(|l| l.starts_with("- cheap-slow is $"))
        .unwrap_or_else(|| panic!("no comparison sentence:\n{md}"));
    assert!(
        sentence.contains(" per month cheaper than dear-fast; its p99 is ")
            && sentence.contains(" ms higher; both differences are significant."),
        "{sentence}"
    );
    assert!(
        md.contains("(the first architecture, as there is no SLO)"),
        "{md}"
    );
    assert!(md.contains("| — |"), "{md}");
}

#[test]
fn a_cheaper_uncertain_architecture_unsettles_the_decision() {
    let mut s = common::scenario(SCENARIO);
    let first = replicate(&s, N);
    // An objective right at cheap-slow's mean p99 puts it inside the
    // interval: the verdict on cheap-slow is uncertain, dear-fast meets.
    let est = decision::slo_latency(s.slo.as_ref(), &first.architectures[0]);
    assert!(est.half_width() > 0.0, "{est:?}");
    let mut slo = s.slo.unwrap();
    slo.latency = SimTime::from_secs_f64(est.mean / 1e3);
    s.slo = Some(slo);
    let run = replicate(&s, N);
    assert_eq!(
        decision::verdict(&slo, &run.architectures[0]),
        Verdict::Uncertain
    );
    assert_eq!(
        decision::verdict(&slo, &run.architectures[1]),
        Verdict::Meets
    );
    let md = report::render(&s, &run, &[]);
    assert!(
        md.contains("| cheap-slow |") && md.contains(" | uncertain |"),
        "{md}"
    );
    assert!(
        md.contains("**dear-fast** is the cheapest architecture that meets the SLO"),
        "{md}"
    );
    assert!(
        md.contains("which may or may not meet the SLO: its p99 of "),
        "{md}"
    );
    assert!(
        md.contains("The decision is not settled: **cheap-slow** is cheaper and may meet the SLO too, but 5 replications cannot tell. Run with `--replications 20`"),
        "{md}"
    );

    // With a 1 ms objective nothing meets it and nothing is uncertain.
    slo.latency = SimTime::from_secs_f64(0.001);
    s.slo = Some(slo);
    let run = replicate(&s, N);
    let md = report::render(&s, &run, &[]);
    assert!(md.contains(" | **misses** |"), "{md}");
    assert!(
        md.contains("No architecture meets the SLO (p99 ≤ 1ms): over 5 replications, every one misses it with 95 % confidence."),
        "{md}"
    );
}

#[test]
fn the_charts_say_what_they_show_of_the_replications() {
    let s = common::scenario(SCENARIO);
    let run = replicate(&s, N);
    let cost = svg(Chart::CostVsLatency, &s, &run);
    assert!(
        cost.contains("means of 5 replications, 95 % intervals"),
        "{cost}"
    );
    // Each label gives both intervals in numbers.
    assert!(cost.contains("cheap-slow  $"), "{cost}");
    assert!(svg(Chart::Timeline, &s, &run).contains("series of replication 0 of 5"));
    assert!(svg(Chart::LatencyCdf, &s, &run).contains("pooled over 5 replications"));
    assert!(svg(Chart::CostBreakdown, &s, &run).contains("means of 5 replications"));
    // A single run says nothing of replications, in charts or report.
    let one = replicate(&s, 1);
    assert!(!svg(Chart::CostVsLatency, &s, &one).contains("replications"));
    let md = report::render(&s, &one, &[Format::Png]);
    assert!(!md.contains("replication"), "{md}");
    assert!(!md.contains(" ± "), "{md}");
}

#[test]
fn the_terminal_table_gives_half_widths_only_with_replications() {
    let s = common::scenario(SCENARIO);
    let table = report::table::render(&replicate(&s, N));
    let row = table.lines().find(|l| l.starts_with("cheap-slow")).unwrap();
    assert_eq!(row.matches(" ± ").count(), 2, "{table}");
    let single = report::table::render(&replicate(&s, 1));
    assert!(!single.contains('±'), "{single}");
}
