//! The `scalesim` binary as a user meets it: outputs, exit codes, and the
//! exact one-paragraph message for each kind of bad input, with no output
//! file left behind.

use crate::common;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GOOD: &str = r#"name = "cli"
duration = "2m"
seed = 9
[demand]
shape = "constant"
rps = 20.0
[[services]]
name = "api"
work = "5ms"
[[architectures]]
name = "f"
kind = "fleet"
servers = 2
instance = "m5.large"
"#;

fn scalesim(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the binary runs")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn run_writes_the_outputs_charts_and_report_and_prints_the_table() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.toml", GOOD);
    let out = scalesim(&["run", "s.toml"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("architecture  kind   servers  cost/month"),
        "{stdout}"
    );
    assert!(stdout.contains("f             fleet        2"), "{stdout}");
    let folder = dir.path().join("output/cli");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "cost_breakdown.png",
            "cost_breakdown.svg",
            "cost_vs_latency.png",
            "cost_vs_latency.svg",
            "latency_cdf.png",
            "latency_cdf.svg",
            "report.md",
            "summary.csv",
            "summary.json",
            "timeline.png",
            "timeline.svg",
            "timeseries.csv"
        ]
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["scenario"], "cli");
    assert_eq!(json["seed"], 9);
    // 2 × m5.large at $0.096/h for 2 minutes.
    let total = json["architectures"][0]["cost"]["total_usd"]
        .as_f64()
        .unwrap();
    assert!((total - 2.0 * 0.096 / 30.0).abs() < 1e-12, "{total}");
}

#[test]
fn seed_and_out_flags_override_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.toml", GOOD);
    let out = scalesim(
        &[
            "run",
            "s.toml",
            "--seed",
            "77",
            "--out",
            "elsewhere",
            "--quiet",
        ],
        dir.path(),
    );
    assert!(out.status.success());
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("elsewhere/summary.json")).unwrap())
            .unwrap();
    assert_eq!(json["seed"], 77);
    assert!(!dir.path().join("output").exists());
}

#[test]
fn check_prints_the_resolved_scenario_without_running() {
    let dir = tempfile::tempdir().unwrap();
    let text = GOOD.replace(
        "servers = 2",
        "servers = { size_for = \"peak\", utilization = 0.5 }",
    );
    write(dir.path(), "s.toml", &text);
    let out = scalesim(&["check", "s.toml"], dir.path());
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    // 20 rps × 5 ms = 0.1 vCPU → 1 server.
    assert!(stdout.contains("fleet of 1 × m5.large"), "{stdout}");
    assert!(
        stdout.contains("sized for the peak of 20.00 rps at 50% utilisation"),
        "{stdout}"
    );
    assert!(!dir.path().join("output").exists());
}

/// Each bad input: (what to change in GOOD, the exact message). Every case
/// must exit with code 2, print exactly that message, and write nothing.
#[test]
fn bad_input_gets_the_exact_message_exit_code_2_and_no_outputs() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "seed = 9",
            "seed = 9\ncolour = \"blue\"",
            "line 4, key `colour`: unknown field `colour`, expected one of `name`, `description`, `duration`, `warmup`, `seed`, `replications`, `window`, `demand`, `services`, `architectures`, `slo`, `sweep`, `plan`, `report`, `region`, `price_files`",
        ),
        (
            "servers = 2",
            "servers = \"two\"",
            "line 13, key `architectures[0].servers`: invalid type: string \"two\", expected a number of servers, or { size_for = \"peak\" | \"mean\", utilization = 0.6 }",
        ),
        (
            "rps = 20.0",
            "rps = -5.0",
            "line 6, key `demand.rps`: expected a rate > 0 in requests per second, found -5",
        ),
        (
            "rps = 20.0",
            "rps = 0.0",
            "line 6, key `demand.rps`: expected a rate > 0 in requests per second, found 0",
        ),
        (
            "duration = \"2m\"",
            "duration = \"0s\"",
            "line 2, key `duration`: expected a duration > 0",
        ),
        (
            "duration = \"2m\"",
            "duration = \"-2m\"",
            "line 2, key `duration`: expected a duration such as \"50ms\" or \"2h\" (units ns, us, ms, s, m, h, d), found \"-2m\"",
        ),
        (
            "work = \"5ms\"",
            "work = \"5ms\"\ncalls = [{ service = \"db\" }]",
            "line 10, key `services[0].calls[0].service`: unknown service \"db\"; the services are: api",
        ),
        (
            "work = \"5ms\"",
            "work = { dist = \"weibull\", mean = \"5ms\" }",
            "line 9, key `services[0].work`: unknown distribution \"weibull\"; expected one of constant, exponential, uniform, normal, lognormal, gamma, empirical",
        ),
        (
            "instance = \"m5.large\"",
            "instance = \"m9.huge\"",
            "line 14, key `architectures[0].instance`: unknown instance type \"m9.huge\" in us-east-1; known types there: m5.large, m5.xlarge, m5.2xlarge, c5.large, c5.xlarge, c5.2xlarge, m7g.large, m7g.xlarge, t3.micro, t3.small, t3.medium, t3.large, t4g.micro, t4g.small, t4g.medium, t4g.large (or describe it inline: { vcpus = 2, memory = \"8GB\", price_per_hour = 0.096 })",
        ),
        (
            "work = \"5ms\"",
            "work = \"5ms\"\ncalls = [{ service = \"db\" }]\n[[services]]\nname = \"db\"\nwork = \"1ms\"\ncalls = [{ service = \"api\", mode = \"async\" }]",
            "line 8, key `services[0].calls`: the call graph must be acyclic, but it has the cycle api → db → api",
        ),
        (
            "servers = 2",
            "servers = 2\npreemptible = true",
            "line 14, key `architectures[0].preemptible`: unknown field `preemptible`, expected one of `name`, `kind`, `servers`, `instance`, `queue_limit`, `concurrency`, `speed`, `timeout`, `memory`, `cpu`, `cold_start`, `keep_alive`, `max_lifetime`, `scale_rate`, `instance_concurrency`, `idle_selection`, `hop_latency`, `max_instances`, `pending_timeout`, `cpu_target`, `concurrency_target`, `concurrency_limit`, `call_mode`, `gateway`, `gateway_latency`, `free_tier`, `platform`, `billing`, `vcpus`, `pricing`, `market`, `spot`, `egress`, `nat_gateway`, `functions`, `min`, `max`, `initial`, `policy`, `evaluation`, `boot_time`, `scale_out_cooldown`, `scale_in_cooldown`, `tolerance`, `scheduled`, `controller`, `behavior`, `instance_warmup`, `alarm_datapoints`, `services`, `cluster`, `control_plane`, `requests`, `limits`",
        ),
        (
            "work = \"5ms\"",
            "work = { dist = \"uniform\", min = \"5ms\", max = \"1ms\" }",
            "line 9, key `services[0].work`: expected 0 <= min <= max, found min = 0.005s, max = 0.001s",
        ),
        (
            "kind = \"fleet\"",
            "kind = \"mainframe\"",
            "line 12, key `architectures[0].kind`: unknown variant `mainframe`, expected one of `fleet`, `serverless`, `autoscaled`, `microservices`, `kubernetes`",
        ),
    ];
    common::assert_bad_input(GOOD, cases);
}

#[test]
fn a_missing_file_and_bad_flags_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = scalesim(&["run", "nope.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: invalid scenario nope.toml: cannot read the file:"),
        "{stderr}"
    );
    let out = scalesim(&["run", "s.toml", "--seed", "minus-one"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let out = scalesim(&["frobnicate"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

/// A run that cannot write its outputs fails with code 1 and leaves no
/// temporary file behind.
#[test]
fn an_unwritable_output_folder_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.toml", GOOD);
    // A file where the output folder should be.
    write(dir.path(), "blocked", "");
    let out = scalesim(&["run", "s.toml", "--out", "blocked/x"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("cannot create the output folder blocked/x"),
        "{stderr}"
    );
}

/// Bad serverless keys: the same rules, the same one-paragraph messages.
#[test]
fn bad_serverless_input_gets_the_exact_message() {
    let base = common::header("1m") + "[[architectures]]\nname = \"l\"\nkind = \"serverless\"\n";
    let cases: &[(&str, &str)] = &[
        (
            "memory = \"64MB\"",
            "line 12, key `architectures[0].memory`: expected memory between 128MB and 10240MB, found 64MB",
        ),
        (
            "keep_alive = \"-5m\"",
            "line 12, key `architectures[0].keep_alive`: expected a duration such as \"50ms\" or \"2h\" (units ns, us, ms, s, m, h, d), found \"-5m\"",
        ),
        (
            "servers = 3",
            "line 12, key `architectures[0].servers`: key `servers` does not apply to kind = \"serverless\"",
        ),
        (
            "idle_selection = \"random\"",
            "line 12, key `architectures[0].idle_selection`: unknown variant `random`, expected one of `mru`, `lru`, `newest`",
        ),
        (
            "[architectures.functions.db]\nmemory = \"512MB\"",
            "line 12, key `architectures[0].functions.db`: unknown function \"db\"; the functions are the services: api",
        ),
        (
            "[architectures.functions.api]\nreserved_concurrency = 2\nprovisioned = 3",
            "line 14, key `architectures[0].functions.api.provisioned`: provisioned = 3 exceeds the function's concurrency cap of 2",
        ),
        (
            "gateway_latency = \"3ms\"",
            "line 12, key `architectures[0].gateway_latency`: `gateway_latency` needs a gateway: set gateway = \"http\" or \"rest\"",
        ),
    ];
    common::assert_bad_appended(&base, cases);
}
