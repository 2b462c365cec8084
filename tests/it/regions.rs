//! A scenario's `region` and `price_files`: names are looked up in the
//! region, a scenario's own files come before the bundled ones, the region
//! changes prices and nothing else, and every way to get them wrong is
//! refused at its line with nothing written.

use scalesim::architectures::run_architecture;
use scalesim::results::summary::ArchitectureResult;
use scalesim::scenario::{self, Scenario};
use std::path::Path;
use std::process::Command;

/// Prices for a made-up region, each exactly twice us-east-1's: doubling
/// is exact in binary floating point, so every bill must double exactly.
const DOUBLE: &str = r#"# Test data: a made-up region, not a provider's prices.
[defaults]
region = "eu-test-1"
source = "test prices, twice us-east-1"
date = "2026-12-07"

[[instance]]
name = "m5.large"
vcpus = 2
memory_gib = 8
price_per_hour = 0.192

[[lambda]]
cpu = "x86_64"
request_per_million = 0.40
gb_second = 0.0000333334
provisioned_gb_second = 0.0000083334
provisioned_execution_gb_second = 0.0000194444

[[gateway]]
kind = "http"
per_million = 2.00

[[fargate]]
cpu = "x86_64"
vcpu_hour = 0.08096
gb_hour = 0.00889
"#;

/// A made-up region with one instance type and nothing else.
const ONLY_M5: &str = "[defaults]\nregion = \"eu-test-1\"\nsource = \"t\"\ndate = \"2026\"\n\n[[instance]]\nname = \"m5.large\"\nvcpus = 2\nmemory_gib = 8\nprice_per_hour = 0.1\n";

/// A fleet, Lambda behind an HTTP API and a Fargate fleet, on 20 rps of
/// 40 ms work for an hour; `top` goes before the tables.
fn scenario_text(top: &str) -> String {
    format!(
        r#"name = "regions"
duration = "3600s"
seed = 7
{top}
[demand]
shape = "constant"
rps = 20.0

[[services]]
name = "api"
work = {{ dist = "exponential", mean = "40ms" }}

[[architectures]]
name = "fleet"
kind = "fleet"
servers = 3
instance = "m5.large"

[[architectures]]
name = "lambda"
kind = "serverless"
gateway = "http"

[[architectures]]
name = "tasks"
kind = "fleet"
servers = 2
instance = {{ platform = "fargate", vcpus = 1, memory = "2GB" }}
"#
    )
}

/// Writes `files` (name, text) into a new folder; the folder and the
/// scenario `s.toml` read from it.
fn write(files: &[(&str, &str)]) -> (tempfile::TempDir, Scenario) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let s = scenario::load(&dir.path().join("s.toml")).unwrap_or_else(|e| panic!("{e}"));
    (dir, s)
}

fn run_all(s: &Scenario) -> Vec<ArchitectureResult> {
    s.architectures
        .iter()
        .map(|a| run_architecture(s, a, 0))
        .collect()
}

#[test]
fn a_region_changes_the_prices_and_nothing_else() {
    let home = scenario_text("");
    let away = scenario_text("region = \"eu-test-1\"\nprice_files = [\"double.toml\"]");
    let (_d1, s1) = write(&[("s.toml", &home)]);
    let (_d2, s2) = write(&[("s.toml", &away), ("double.toml", DOUBLE)]);
    assert_eq!(s1.prices.region, "us-east-1");
    assert_eq!(s2.prices.region, "eu-test-1");
    let (r1, r2) = (run_all(&s1), run_all(&s2));
    for (a, b) in r1.iter().zip(&r2) {
        // Same requests, same latencies: the region is only a price.
        assert_eq!(a.requests, b.requests, "{}", a.name);
        assert_eq!(a.latency_ms, b.latency_ms, "{}", a.name);
        assert!(a.cost.total_usd > 0.0, "{}", a.name);
        assert_eq!(b.cost.total_usd, 2.0 * a.cost.total_usd, "{}", a.name);
        assert!(
            b.prices
                .iter()
                .all(|p| p.source == "test prices, twice us-east-1")
        );
    }
    // By hand: 3 × m5.large for the hour at $0.192, and 2 Fargate tasks
    // of 1 vCPU and 2 GB at 0.08096 + 2 × 0.00889 = $0.09874 an hour.
    assert!((r2[0].cost.total_usd - 0.576).abs() < 1e-12);
    assert!((r2[2].cost.total_usd - 0.19748).abs() < 1e-12);
}

#[test]
fn a_scenario_file_prices_a_bundled_type_again() {
    let own = r#"[defaults]
region = "us-east-1"
source = "our enterprise discount"
date = "2026-12"

[[instance]]
name = "m5.large"
vcpus = 2
memory_gib = 8
price_per_hour = 0.08
"#;
    let text = scenario_text("price_files = [\"own.toml\"]");
    let (_d, s) = write(&[("s.toml", &text), ("own.toml", own)]);
    let fleet = run_architecture(&s, &s.architectures[0], 0);
    // 3 servers × 1 h × $0.08, where the bundled entry says $0.096.
    assert!((fleet.cost.total_usd - 0.24).abs() < 1e-12);
    assert_eq!(fleet.prices[0].source, "our enterprise discount");
    // The other types and platforms keep the bundled prices.
    let lambda = run_architecture(&s, &s.architectures[1], 0);
    assert!(lambda.prices[0].source.starts_with("AWS Lambda"));
    assert!(
        s.describe()
            .contains("prices     region us-east-1, with the price files")
    );
}

#[test]
fn the_report_says_the_region_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let text = scenario_text("region = \"eu-test-1\"\nprice_files = [\"double.toml\"]");
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    std::fs::write(dir.path().join("double.toml"), DOUBLE).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["run", "s.toml", "--out", "out", "--charts", "none", "-q"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    let want = format!(
        "Priced in region eu-test-1, with the price files {} before the bundled ones.",
        Path::new("s.toml")
            .parent()
            .unwrap()
            .join("double.toml")
            .display()
    );
    assert!(report.contains(&want), "{report}");
    assert!(
        report.contains("| m5.large | $0.192 | server-hour |"),
        "{report}"
    );
}

/// `scalesim run` and `check` of `s.toml` beside `files` exit 2 with
/// exactly `expected` on standard error and write nothing.
fn assert_refused(scenario: &str, files: &[(&str, &str)], expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), scenario).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    for cmd in ["run", "check"] {
        let out = Command::new(env!("CARGO_BIN_EXE_scalesim"))
            .args([cmd, "s.toml"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}: {out:?}");
        assert_eq!(
            String::from_utf8(out.stderr).unwrap(),
            format!("error: {expected}\n")
        );
        assert!(out.stdout.is_empty());
        assert!(!dir.path().join("output").exists());
    }
}

#[test]
fn a_region_no_file_describes_is_refused_at_its_line() {
    assert_refused(
        &scenario_text("region = \"eu-west-9\""),
        &[],
        "invalid scenario s.toml, line 4, key `region`: no price file describes region \"eu-west-9\"; the price files describe us-east-1. Add a price file for it (same format as `assets/prices/`) and list it in `price_files = [\"...\"]`. (`region` is the AWS region of EC2, Lambda, Fargate and transfer prices; Cloud Run always uses its Tier 1 prices.)",
    );
    assert_refused(
        &scenario_text("region = \" \""),
        &[],
        "invalid scenario s.toml, line 4, key `region`: expected a region name such as \"us-east-1\"",
    );
    assert_refused(
        &scenario_text("region = 3"),
        &[],
        "invalid scenario s.toml, line 4, key `region`: invalid type: integer `3`, expected a string",
    );
}

#[test]
fn a_name_the_region_lacks_is_refused_naming_what_it_has() {
    let top = "region = \"eu-test-1\"\nprice_files = [\"p.toml\"]";
    assert_refused(
        &scenario_text(top).replace(
            "servers = 3\ninstance = \"m5.large\"",
            "servers = 3\ninstance = \"c5.large\"",
        ),
        &[("p.toml", ONLY_M5)],
        "invalid scenario s.toml, line 18, key `architectures[0].instance`: unknown instance type \"c5.large\" in eu-test-1; known types there: m5.large (or describe it inline: { vcpus = 2, memory = \"8GB\", price_per_hour = 0.096 })",
    );
    // No Lambda prices there: refused, never priced at zero.
    let no_tasks = |text: String| {
        text[..text.find("\n[[architectures]]\nname = \"tasks\"").unwrap()].to_string()
    };
    assert_refused(
        &no_tasks(scenario_text(top)),
        &[("p.toml", ONLY_M5)],
        "invalid scenario s.toml, line 22, key `architectures[1]`: the price files have no Lambda x86_64 prices for `region` eu-test-1; add them in a price file listed in `price_files`, or give all four rates in `pricing` (request_per_million, gb_second, provisioned_gb_second, provisioned_execution_gb_second)",
    );
    // Lambda prices but no gateway's: the same, unless the scenario gives it.
    let lambda = format!(
        "{ONLY_M5}\n[[lambda]]\ncpu = \"x86_64\"\nrequest_per_million = 0.2\ngb_second = 0.00002\nprovisioned_gb_second = 0.000004\nprovisioned_execution_gb_second = 0.00001\n"
    );
    assert_refused(
        &no_tasks(scenario_text(top)),
        &[("p.toml", &lambda)],
        "invalid scenario s.toml, line 22, key `architectures[1]`: the price files have no Http API gateway price for `region` eu-test-1; add it in a price file listed in `price_files`, or set `gateway_per_million` in `pricing`",
    );
    let given = scenario_text(top).replace(
        "gateway = \"http\"",
        "gateway = \"http\"\npricing = { gateway_per_million = 1.5 }",
    );
    assert_refused(
        &given,
        &[("p.toml", &lambda)],
        "invalid scenario s.toml, line 30, key `architectures[2].instance`: the price files have no Fargate price for X86_64 in eu-test-1; give `price_per_hour`, or add it in a price file listed in `price_files`",
    );
}

#[test]
fn a_bad_or_missing_price_file_is_refused_at_its_line() {
    let top = "price_files = [\"p.toml\"]";
    assert_refused(
        &scenario_text(top),
        &[],
        "invalid scenario s.toml, line 4, key `price_files[0]`: cannot read the price file p.toml: No such file or directory (os error 2)",
    );
    let bad = ONLY_M5.replace("price_per_hour = 0.1", "price_per_hour = -0.1");
    assert_refused(
        &scenario_text(top),
        &[("p.toml", &bad)],
        "invalid scenario s.toml, line 4, key `price_files[0]`: invalid price file p.toml, line 10, key `instance[0].price_per_hour`: expected a price >= 0 (USD), found -0.1",
    );
    assert_refused(
        &scenario_text("price_files = [\"p.toml\", \"q.toml\"]"),
        &[("p.toml", ONLY_M5), ("q.toml", ONLY_M5)],
        "invalid scenario s.toml, line 4, key `price_files[1]`: invalid price file q.toml, line 7, key `instance[0].name`: instance type \"m5.large\" in eu-test-1 is listed twice",
    );
}

#[test]
fn prices_lists_a_file_of_ones_own_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("double.toml"), DOUBLE).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_scalesim"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = run(&["prices", "--file", "double.toml", "m5.large"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].contains("eu-test-1") && lines[1].contains("$0.192"));
    assert!(lines[2].contains("us-east-1") && lines[2].contains("$0.096"));
    let out = run(&["prices", "--file", "missing.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: cannot read the price file missing.toml: No such file or directory (os error 2)\n"
    );
}

#[test]
fn lambda_rates_given_in_full_need_no_entry_for_the_region() {
    let mut text = scenario_text("region = \"eu-test-1\"\nprice_files = [\"p.toml\"]");
    text.truncate(text.find("\n[[architectures]]\nname = \"tasks\"").unwrap());
    let text = text.replace(
        "gateway = \"http\"",
        "gateway = \"http\"\npricing = { request_per_million = 0.4, gb_second = 0.00002, provisioned_gb_second = 0.000005, provisioned_execution_gb_second = 0.00001, gateway_per_million = 2.0, source = \"our quote\" }",
    );
    let (_d, s) = write(&[("s.toml", &text), ("p.toml", ONLY_M5)]);
    let lambda = run_architecture(&s, &s.architectures[1], 0);
    let price = |item: &str| {
        lambda
            .prices
            .iter()
            .find(|p| p.item.contains(item))
            .unwrap_or_else(|| panic!("{item}: {:?}", lambda.prices))
            .clone()
    };
    assert_eq!(price("invocations").price_usd, 0.4);
    assert_eq!(price("API gateway").price_usd, 2.0);
    assert!(lambda.prices.iter().all(|p| p.source == "our quote"));
    // The bill: exactly the invocation and gateway fees on the requests
    // that reached the function, plus its duration.
    let c = &lambda.cost.breakdown;
    let calls = lambda.requests.arrived as f64;
    assert!((c.requests_usd - calls * 0.4e-6).abs() < 1e-12, "{c:?}");
    assert!((c.gateway_usd - calls * 2.0e-6).abs() < 1e-12, "{c:?}");
}

#[test]
fn the_gateway_price_names_its_own_source() {
    // Lambda re-priced in us-east-1 by a file that has no gateway: the
    // gateway keeps the bundled price, and says so.
    let own = "[defaults]\nregion = \"us-east-1\"\nsource = \"our discount\"\ndate = \"2026-12\"\n\n[[lambda]]\ncpu = \"x86_64\"\nrequest_per_million = 0.1\ngb_second = 0.00001\nprovisioned_gb_second = 0.000004\nprovisioned_execution_gb_second = 0.000009\n";
    let text = scenario_text("price_files = [\"own.toml\"]");
    let (_d, s) = write(&[("s.toml", &text), ("own.toml", own)]);
    let lambda = run_architecture(&s, &s.architectures[1], 0);
    let gateway = lambda
        .prices
        .iter()
        .find(|p| p.item.starts_with("API gateway"))
        .unwrap();
    assert_eq!(gateway.price_usd, 1.0);
    assert!(
        gateway
            .source
            .starts_with("AWS Lambda and API Gateway pricing pages"),
        "{gateway:?}"
    );
    let invocations = lambda
        .prices
        .iter()
        .find(|p| p.item.contains("invocations"))
        .unwrap();
    assert_eq!(
        (invocations.price_usd, invocations.source.as_str()),
        (0.1, "our discount")
    );
}

#[test]
fn an_instance_is_refused_where_it_is_written_in_a_microservices_architecture() {
    // Names are resolved after the file is read: an architecture-wide
    // `instance` is still reported at the architecture, and a service's
    // own at the service's table.
    let top = "region = \"eu-test-1\"\nprice_files = [\"p.toml\"]";
    let micro = |extra: &str| {
        scenario_text(top).replace(
            "[[architectures]]\nname = \"fleet\"\nkind = \"fleet\"\nservers = 3\ninstance = \"m5.large\"",
            &format!("[[architectures]]\nname = \"fleet\"\nkind = \"microservices\"\nservers = 3\n{extra}"),
        )
    };
    assert_refused(
        &micro("instance = \"c5.large\""),
        &[("p.toml", ONLY_M5)],
        "invalid scenario s.toml, line 18, key `architectures[0].instance`: unknown instance type \"c5.large\" in eu-test-1; known types there: m5.large (or describe it inline: { vcpus = 2, memory = \"8GB\", price_per_hour = 0.096 })",
    );
    assert_refused(
        &micro("instance = \"m5.large\"\nservices.api = { instance = \"c5.large\" }"),
        &[("p.toml", ONLY_M5)],
        "invalid scenario s.toml, line 19, key `architectures[0].services.api.instance`: unknown instance type \"c5.large\" in eu-test-1; known types there: m5.large (or describe it inline: { vcpus = 2, memory = \"8GB\", price_per_hour = 0.096 })",
    );
}

#[test]
fn scenarios_of_two_regions_read_one_after_the_other_keep_their_own_prices() {
    // Prices travel with the scenario being read, not with the thread:
    // reading one region's scenario leaves nothing behind for the next.
    let top = "region = \"eu-test-1\"\nprice_files = [\"p.toml\"]";
    let fleet_only = |text: String| {
        text[..text.find("\n[[architectures]]\nname = \"lambda\"").unwrap()].to_string()
    };
    let price = |s: &Scenario| match &s.architectures[0].spec {
        scalesim::scenario::ArchitectureSpec::Fleet(f) => f.instance.price_per_hour,
        other => panic!("{other:?}"),
    };
    let (_eu_dir, eu) = write(&[
        ("s.toml", &fleet_only(scenario_text(top))),
        ("p.toml", ONLY_M5),
    ]);
    let (_us_dir, us) = write(&[("s.toml", &fleet_only(scenario_text("")))]);
    let (_eu_dir2, eu2) = write(&[
        ("s.toml", &fleet_only(scenario_text(top))),
        ("p.toml", ONLY_M5),
    ]);
    assert_eq!((price(&eu), price(&us), price(&eu2)), (0.1, 0.096, 0.1));
}
