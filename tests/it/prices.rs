//! Prices as data: the bundled price files, the errors a bad one gets
//! (file, line, key), and `scalesim prices`.

use scalesim::pricing::price_files::Catalog;
use std::path::Path;
use std::process::Command;

fn read(text: &str) -> Result<Catalog, String> {
    let mut c = Catalog::default();
    c.add_file(Path::new("prices/test.toml"), text)
        .map(|()| c)
        .map_err(|e| e.to_string())
}

const GOOD: &str = r#"[defaults]
region = "eu-west-1"
source = "AWS EC2 On-Demand pricing, Linux, eu-west-1"
date = "2026-11"

[[instance]]
name = "m5.large"
vcpus = 2
memory_gib = 8
price_per_hour = 0.107
"#;

#[test]
fn a_new_region_is_one_more_file() {
    let c = read(GOOD).unwrap();
    let i = &c.instances[0];
    assert_eq!(
        (i.name.as_str(), i.region.as_str()),
        ("m5.large", "eu-west-1")
    );
    assert_eq!((i.vcpus, i.memory_mb, i.price_per_hour), (2, 8192.0, 0.107));
    assert_eq!(i.date, "2026-11");
}

#[test]
fn a_missing_field_is_named_with_its_file_line_and_entry() {
    let text = GOOD.replace("vcpus = 2\n", "");
    assert_eq!(
        read(&text).unwrap_err(),
        "invalid price file prices/test.toml, line 6, key `instance[0]`: missing field `vcpus`"
    );
}

/// Finite but absurd prices are refused as in a scenario, each by the
/// bound of its unit (README, Limits).
#[test]
fn a_price_past_its_bound_is_named_with_its_line_and_key() {
    let text = GOOD.replace("0.107", "1e308");
    assert_eq!(
        read(&text).unwrap_err(),
        "invalid price file prices/test.toml, line 10, key `instance[0].price_per_hour`: \
         expected a price of at most 1000000 (USD an hour), found 1e308"
    );
    let lambda = "[defaults]\nregion = \"r\"\nsource = \"s\"\ndate = \"d\"\n[[lambda]]\n\
                  cpu = \"x86_64\"\nrequest_per_million = 0.2\ngb_second = 2.0\n\
                  provisioned_gb_second = 0.0\nprovisioned_execution_gb_second = 0.0\n\
                  [[gateway]]\nkind = \"http\"\nper_million = 20000.0\n";
    assert_eq!(
        read(lambda).unwrap_err(),
        "invalid price file prices/test.toml, line 8, key `lambda[0].gb_second`: expected a \
         price of at most 1 (USD per unit-second), found 2"
    );
    let gateway = lambda.replace("gb_second = 2.0", "gb_second = 0.00001");
    assert_eq!(
        read(&gateway).unwrap_err(),
        "invalid price file prices/test.toml, line 13, key `gateway[0].per_million`: expected a \
         price of at most 10000 (USD per million requests), found 20000"
    );
    let egress =
        "[defaults]\nsource = \"s\"\ndate = \"d\"\n[[egress]]\nregion = \"r\"\nper_gb = 2e4\n";
    assert_eq!(
        read(egress).unwrap_err(),
        "invalid price file prices/test.toml, line 6, key `egress[0].per_gb`: expected a \
         price of at most 10000 (USD per GB), found 20000"
    );
}

#[test]
fn a_bad_price_is_named_with_its_line_and_key() {
    let text = GOOD.replace("0.107", "-0.107");
    assert_eq!(
        read(&text).unwrap_err(),
        "invalid price file prices/test.toml, line 10, key `instance[0].price_per_hour`: expected a price >= 0 (USD), found -0.107"
    );
    let text = GOOD.replace("0.107", "\"cheap\"");
    let e = read(&text).unwrap_err();
    assert!(
        e.starts_with("invalid price file prices/test.toml, line 10, key `instance[0].price_per_hour`: invalid type: string \"cheap\", expected f64"),
        "{e}"
    );
}

#[test]
fn a_price_without_a_source_or_date_is_refused() {
    let text = GOOD.replace("date = \"2026-11\"\n", "");
    assert_eq!(
        read(&text).unwrap_err(),
        "invalid price file prices/test.toml, line 6, key `instance[0].date`: every price needs a `date`: set it on the entry or in [defaults]"
    );
}

#[test]
fn an_unknown_key_or_commitment_name_is_refused() {
    let text = GOOD.replace("vcpus = 2", "vcpu = 2");
    let e = read(&text).unwrap_err();
    assert!(
        e.starts_with("invalid price file prices/test.toml, line 8, key `instance[0].vcpu`: unknown field `vcpu`"),
        "{e}"
    );
    let text = format!(
        "{GOOD}\n[[commitment]]\nname = \"savings-plan-5y\"\nupfront = \"none\"\ndiscount = 0.5\n"
    );
    assert_eq!(
        read(&text).unwrap_err(),
        "invalid price file prices/test.toml, line 13, key `commitment[0].name`: unknown commitment \"savings-plan-5y\"; expected one of savings-plan-1y, savings-plan-3y, reserved-1y, reserved-3y"
    );
}

#[test]
fn the_same_instance_twice_in_a_region_is_refused() {
    let text = format!("{GOOD}\n{}", &GOOD[GOOD.find("[[instance]]").unwrap()..]);
    assert_eq!(
        read(&text).unwrap_err(),
        "invalid price file prices/test.toml, line 13, key `instance[1].name`: instance type \"m5.large\" in eu-west-1 is listed twice"
    );
}

#[test]
fn the_prices_command_lists_with_sources_and_dates() {
    let out = Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["prices", "c5"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(text.contains("c5.xlarge (4 vCPU, 8 GiB)"));
    let line = text.lines().find(|l| l.contains("c5.xlarge")).unwrap();
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        words[words.len() - 10..].join(" "),
        "$0.17 per server-hour 2025-06 AWS EC2 On-Demand pricing, Linux, us-east-1"
    );
}

#[test]
fn a_data_transfer_price_needs_its_fields_and_a_region() {
    let good = "[defaults]\nsource = \"AWS VPC pricing\"\ndate = \"2026-11\"\n\n[[nat_gateway]]\nregion = \"eu-west-1\"\nper_hour = 0.048\nper_gb = 0.048\n";
    let c = read(good).unwrap();
    assert_eq!(c.nat_gateways[0].per_hour, 0.048);
    assert_eq!(
        read(&good.replace("per_gb = 0.048\n", "")).unwrap_err(),
        "invalid price file prices/test.toml, line 5, key `nat_gateway[0]`: missing field `per_gb`"
    );
    assert_eq!(
        read(&good.replace("region = \"eu-west-1\"\n", "")).unwrap_err(),
        "invalid price file prices/test.toml, line 6, key `nat_gateway[0].region`: every data-transfer price needs a `region`: set it on the entry or in [defaults]"
    );
    let egress =
        "[[egress]]\nregion = \"eu-west-1\"\nper_gb = -0.09\nsource = \"s\"\ndate = \"d\"\n";
    assert_eq!(
        read(egress).unwrap_err(),
        "invalid price file prices/test.toml, line 3, key `egress[0].per_gb`: expected a price >= 0 (USD), found -0.09"
    );
}

#[test]
fn lambda_tiers_must_fall_as_volume_rises() {
    let text = "[defaults]\nregion = \"eu-west-1\"\nsource = \"s\"\ndate = \"d\"\n\n[[lambda_tier]]\ncpu = \"x86_64\"\nabove_gb_seconds = 15e9\ngb_second = 0.0000133334\n\n[[lambda_tier]]\ncpu = \"x86_64\"\nabove_gb_seconds = 6e9\ngb_second = 0.000015\n";
    assert_eq!(
        read(text).unwrap_err(),
        "invalid price file prices/test.toml, line 13, key `lambda_tier[1].above_gb_seconds`: tiers must come in increasing volume with prices not rising: 6000000000 GB-s at $0.000015 follows 15000000000 GB-s at $0.0000133334"
    );
}

#[test]
fn a_burstable_instance_needs_both_its_baseline_and_surplus_price() {
    let text = GOOD.replace("0.107\n", "0.107\nbaseline = 0.2\n");
    assert_eq!(
        read(&text).unwrap_err(),
        "invalid price file prices/test.toml, line 11, key `instance[0].surplus_per_vcpu_hour`: a burstable instance needs both `baseline` and `surplus_per_vcpu_hour`"
    );
    let text = GOOD.replace(
        "0.107\n",
        "0.107\nbaseline = 1.5\nsurplus_per_vcpu_hour = 0.05\n",
    );
    assert_eq!(
        read(&text).unwrap_err(),
        "invalid price file prices/test.toml, line 11, key `instance[0].baseline`: expected a baseline per vCPU in (0, 1), found 1.5"
    );
}

/// A price file may say how fast an instance's vCPU runs `work` (CPU
/// speed per instance type); without it every type is 1.0, and a speed
/// out of its range is refused with its line and key.
#[test]
fn an_instance_may_carry_a_cpu_speed() {
    assert_eq!(read(GOOD).unwrap().instances[0].speed, 1.0);
    let fast = GOOD.replace(
        "price_per_hour = 0.107\n",
        "price_per_hour = 0.107\nspeed = 1.25\n",
    );
    assert_eq!(read(&fast).unwrap().instances[0].speed, 1.25);
    let bad = GOOD.replace(
        "price_per_hour = 0.107\n",
        "price_per_hour = 0.107\nspeed = -1\n",
    );
    assert_eq!(
        read(&bad).unwrap_err(),
        "invalid price file prices/test.toml, line 11, key `instance[0].speed`: \
         expected a speed between 0.01 and 100 (1.0: the CPU `work` is measured on), found -1"
    );
}
