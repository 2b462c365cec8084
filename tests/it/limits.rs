//! Limits hit, where the reader looks: `report.md`'s "Limits hit" and the
//! lines under the terminal table name every limit an architecture hit,
//! with what it cost and when, from a tiny deterministic scenario per
//! limit (ten uniform arrivals a second of one-second work, two minutes);
//! nothing is said when no limit is hit; the terminal table's `slo`
//! column and one-line conclusion; and the breakdown of serverless
//! refusals reads back from `summary.json` to the same words.

use crate::common::scenario;
use scalesim::architectures;
use scalesim::report::{self, limits};
use scalesim::results::summary::{ArchitectureResult, RunSummary};

/// A two-minute scenario of `services` (inline tables) and one
/// architecture per line of `archs`, then `tail`.
fn text(services: &str, archs: &[&str], tail: &str) -> String {
    format!(
        "name = \"limits\"\nduration = \"2m\"\nwindow = \"1m\"\nseed = 1\n\
         demand = {{ shape = \"constant\", rps = 10, arrivals = \"uniform\" }}\n\
         services = [{services}]\narchitectures = [\n{}\n]\n{tail}",
        archs.join(",\n")
    )
}

const API: &str = r#"{ name = "api", work = "1s" }"#;

/// `report.md` (without charts) and what `scalesim run` prints.
fn outputs(text: &str) -> (String, String, RunSummary) {
    let s = scenario(text);
    let run = architectures::run(&s);
    let md = report::render(&s, &run, &[]);
    let terminal = report::table::terminal(&s, &run);
    (md, terminal, run)
}

/// The "Limits hit" section of a report, if it has one.
fn section(md: &str) -> Option<&str> {
    let start = md.find("## Limits hit\n")?;
    let rest = &md[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 4);
    Some(&rest[..end])
}

/// The lines under the terminal table's "limits hit:".
fn terminal_lines(t: &str) -> Vec<&str> {
    t.lines()
        .skip_while(|l| !l.starts_with("limits hit"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

#[test]
fn fleets_name_their_queue_limit_timeout_and_max() {
    let text = text(
        API,
        &[
            r#"{ name = "queue", kind = "fleet", servers = 5, instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 }, queue_limit = 10 }"#,
            r#"{ name = "patience", kind = "fleet", servers = 5, instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 }, timeout = "5s" }"#,
            r#"{ name = "capped", kind = "autoscaled", instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 }, min = 1, max = 2, queue_limit = 20,
                 policy = { metric = "cpu", target = 0.5 }, evaluation = "10s", boot_time = "5s" }"#,
        ],
        "",
    );
    let (md, terminal, run) = outputs(&text);
    let counts: Vec<_> = run.architectures.iter().map(|a| a.requests).collect();
    // Five servers serve five of the ten a second: about half are refused.
    assert_eq!(counts[0].rejected, 590);
    assert_eq!(counts[1].timed_out, 1110);
    assert_eq!(counts[2].rejected, 955);
    assert_eq!(
        section(&md).unwrap(),
        "## Limits hit

- **queue**: `queue_limit` (10) rejected 590 requests (49.17% of arrivals) from 0s to 2m; the worst 1m window, from 1m, had 300.
- **patience**: `timeout` (5s) timed out 1,110 requests (92.50% of arrivals) from 0s to 2m; the worst 1m window, from 1m, had 600.
- **capped**: `queue_limit` (20) rejected 955 requests (79.58% of arrivals) from 0s to 2m; the worst 1m window, from 1m, had 480.
- **capped**: `max` (2 servers) reached, at it from 0s to 2m; 955 requests failed in those windows (79.58% of arrivals).

"
    );
    assert_eq!(
        terminal_lines(&terminal),
        [
            "  queue: queue_limit (10) rejected 590 requests (49.17% of arrivals) from 0s to 2m; the worst 1m window, from 1m, had 300",
            "  patience: timeout (5s) timed out 1,110 requests (92.50% of arrivals) from 0s to 2m; the worst 1m window, from 1m, had 600",
            "  capped: queue_limit (20) rejected 955 requests (79.58% of arrivals) from 0s to 2m; the worst 1m window, from 1m, had 480",
            "  capped: max (2 servers) reached, at it from 0s to 2m; 955 requests failed in those windows (79.58% of arrivals)",
        ]
    );
}

/// One serverless architecture per limit, each with instant cold starts
/// and one-second handlers at 10 rps.
const SERVERLESS: [&str; 4] = [
    r#"{ name = "account", kind = "serverless", memory = "2048MB", cold_start = "0s", concurrency_limit = 5 }"#,
    r#"{ name = "reserved", kind = "serverless", memory = "2048MB", cold_start = "0s",
         functions = { api = { reserved_concurrency = 4 } } }"#,
    r#"{ name = "rate", kind = "serverless", memory = "2048MB", cold_start = "0s",
         scale_rate = { instances = 3, per = "1m" } }"#,
    r#"{ name = "capped", kind = "serverless", platform = "cloud-run", cold_start = "0s",
         instance_concurrency = 1, max_instances = 3, pending_timeout = "0s" }"#,
];

#[test]
fn serverless_limits_are_told_apart() {
    let (md, terminal, run) = outputs(&text(API, &SERVERLESS, ""));
    // Five, four and three executions at a time serve half, 40 % and
    // 30 % of the requests; the scale rate lets 3 + 1 every 20 s start.
    let throttled: Vec<u64> = run
        .architectures
        .iter()
        .map(|a| a.requests.throttled)
        .collect();
    assert_eq!(throttled, [600, 720, 540, 840]);
    assert_eq!(
        section(&md).unwrap(),
        "## Limits hit

- **account**: `concurrency_limit` (5) throttled 600 requests (50.00% of arrivals) from 0s to 2m; the worst 1m window, from 0s, had 300.
- **reserved**: `reserved_concurrency` of function `api` (4) throttled 720 requests (60.00% of arrivals) from 0s to 2m; the worst 1m window, from 0s, had 360.
- **rate**: `scale_rate` of function `api` (3 per 1m) throttled 540 requests (45.00% of arrivals) from 0s to 2m; the worst 1m window, from 0s, had 360.
- **capped**: `max_instances` of function `api` (3) throttled 840 requests (70.00% of arrivals) from 0s to 2m; the worst 1m window, from 0s, had 420.

"
    );
    assert_eq!(
        terminal_lines(&terminal)[1],
        "  reserved: reserved_concurrency of function api (4) throttled 720 requests (60.00% of arrivals) from 0s to 2m; the worst 1m window, from 0s, had 360"
    );
    // The account's limit alone is what the totals say: no breakdown.
    let json = serde_json::to_value(&run).unwrap();
    let refused = |i: usize| json["architectures"][i]["functions"][0].get("refused_by");
    assert!(refused(0).is_none());
    assert_eq!(
        refused(1).unwrap()["reserved_concurrency"]["throttled"],
        720
    );
    assert_eq!(refused(2).unwrap()["scale_rate"]["throttled"], 540);
    assert_eq!(refused(3).unwrap()["max_instances"]["throttled"], 840);
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../golden/summary.schema.json")).unwrap();
    assert_eq!(
        crate::json_schema::validate(&schema, &json),
        Vec::<String>::new()
    );
}

#[test]
fn two_limits_of_one_architecture_each_get_their_line() {
    let text = text(
        r#"{ name = "api", work = "1s", calls = [{ service = "worker", mode = "async" }] },
           { name = "worker", work = "1s" }"#,
        &[
            r#"{ name = "mixed", kind = "serverless", memory = "2048MB", cold_start = "0s", functions = {
                 api = { reserved_concurrency = 5 }, worker = { scale_rate = { instances = 2, per = "1m" } } } }"#,
        ],
        "",
    );
    let (md, _, _) = outputs(&text);
    // Only the reserved concurrency fails requests, so the time series'
    // worst window of throttles is its own.
    assert_eq!(
        section(&md).unwrap(),
        "## Limits hit

- **mixed**: `reserved_concurrency` of function `api` (5) throttled 600 requests (50.00% of arrivals) from 0s to 2m; the worst 1m window, from 0s, had 300.
- **mixed**: `scale_rate` of function `worker` (2 per 1m) held 593 asynchronous invocations in the event queue from 0s to 2m.

"
    );
}

#[test]
fn the_breakdown_reads_back_from_json_to_the_same_words() {
    // What `merge` has: each result as JSON, its time series beside it.
    let s = scenario(&text(API, &SERVERLESS, ""));
    let run = architectures::run(&s);
    let mut back = run.clone();
    back.architectures = run
        .architectures
        .iter()
        .map(|a| {
            let mut r: ArchitectureResult =
                serde_json::from_str(&serde_json::to_string(a).unwrap()).unwrap();
            r.timeseries = a.timeseries.clone();
            r
        })
        .collect();
    let hits = limits::hits(&s, &run);
    assert_eq!(hits.len(), 4);
    assert_eq!(limits::hits(&s, &back), hits);
}

#[test]
fn no_limit_hit_no_warning_and_the_terminal_gets_the_slo_and_conclusion() {
    let text = text(
        API,
        &[
            r#"{ name = "roomy", kind = "fleet", servers = 12, instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 }, queue_limit = 100, timeout = "10s" }"#,
            r#"{ name = "tight", kind = "fleet", servers = 9, instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 } }"#,
        ],
        "[slo]\nlatency = \"2s\"\npercentile = 99\n",
    );
    let (md, terminal, _) = outputs(&text);
    assert!(section(&md).is_none(), "{md}");
    assert!(!terminal.contains("limits hit"), "{terminal}");
    let lines: Vec<&str> = terminal.lines().collect();
    assert_eq!(
        lines[0],
        "architecture  kind   servers  cost/month     p50      p95      p99  errors  util  slo"
    );
    let verdicts: Vec<(&str, &str)> = lines[1..3]
        .iter()
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            (cells[0], cells[cells.len() - 1])
        })
        .collect();
    assert_eq!(verdicts, [("roomy", "meets"), ("tight", "misses")]);
    // The conclusion's first paragraph, as report.md has it, in plain text.
    assert_eq!(lines[3], "");
    assert_eq!(
        lines[4],
        "roomy is the cheapest architecture that meets the SLO (p99 ≤ 2s), at $438/month (p99 1.00 s, errors 0.00%)."
    );
    assert!(md.contains(
        "**roomy** is the cheapest architecture that meets the SLO (p99 ≤ 2s), at $438/month (p99 1.00 s, errors 0.00%)."
    ));
    assert_eq!(lines.len(), 5);
}

#[test]
fn without_an_slo_the_terminal_has_no_slo_column() {
    let roomy = r#"{ name = "roomy", kind = "fleet", servers = 12, instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 } }"#;
    let (_, terminal, _) = outputs(&text(API, &[roomy], ""));
    let first = terminal.lines().next().unwrap();
    assert!(first.ends_with("errors  util"), "{first}");
    assert!(
        terminal.contains("The scenario sets no [slo]"),
        "{terminal}"
    );
}
