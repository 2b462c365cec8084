//! Lambda's price details, billed by hand: Compute Savings Plans on
//! duration and provisioned concurrency, provisioned concurrency in
//! 5-minute steps, and the lower duration tiers above 6 B GB-s a month.
//!
//! Prices (`assets/prices/lambda-us-east-1.toml`): x86 duration
//! $0.0000166667 per GB-s ($0.000015 above 6 B GB-s a month), provisioned
//! $0.0000041667 per GB-s + $0.0000097222 per GB-s executed, $0.20 per
//! million requests; Savings Plans 15 % (1 year) and 17 % (3 years) off.

use crate::common::{assert_refused, header, scenario};
use scalesim::architectures;
use scalesim::results::summary::{ArchitectureResult, KindResult};

/// `demand` for `duration` (with `warmup`) on one 2 GB function whose
/// work of `work` runs at full speed (2048 MB is above 1769 MB), no
/// cold-start delay, and `extra` keys.
fn run(duration: &str, warmup: &str, demand: &str, work: &str, extra: &str) -> ArchitectureResult {
    let s = scenario(&format!(
        r#"
name = "lp"
duration = "{duration}"
warmup = "{warmup}"
[demand]
{demand}
arrivals = "uniform"
[[services]]
name = "api"
work = "{work}"
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "2048MB"
cold_start = "0s"
{extra}
"#
    ));
    architectures::run_architecture(&s, &s.architectures[0], 0)
}

const ONE_RPS: &str = "shape = \"constant\"\nrps = 1";

fn assert_usd(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-9, "{got} against {want}");
}

#[test]
fn a_savings_plan_discounts_duration_but_not_requests() {
    // 3,600 invocations × 0.1 s × 2 GB = 720 GB-s.
    // On demand: 720 × $0.0000166667 = $0.012000024 + 3,600 × $0.2e-6.
    let r = run("1h", "0s", ONE_RPS, "100ms", "");
    assert_usd(r.cost.breakdown.compute_usd, 0.012_000_024);
    assert_usd(r.cost.breakdown.requests_usd, 0.000_72);
    // 3 years, 17 % off: 720 × $0.0000166667 × 0.83 = $0.00996001992.
    let r = run(
        "1h",
        "0s",
        ONE_RPS,
        "100ms",
        "pricing = \"savings-plan-3y\"",
    );
    assert_usd(r.cost.breakdown.compute_usd, 0.009_960_019_92);
    assert_usd(r.cost.breakdown.requests_usd, 0.000_72);
    assert_usd(r.cost.total_usd, 0.010_680_019_92);
    let plan = r
        .prices
        .iter()
        .find(|p| p.item.starts_with("Compute Savings Plan"))
        .unwrap();
    assert_eq!(
        plan.item,
        "Compute Savings Plan savings-plan-3y, upfront none: 17 % off duration and provisioned concurrency"
    );
    assert_usd(plan.price_usd, 0.0000166667 * 0.83);
    // 1 year, 15 % off, with an inline request price kept as given:
    // 720 × $0.0000166667 × 0.85 = $0.0102000204; 3,600 × $1e-6.
    let r = run(
        "1h",
        "0s",
        ONE_RPS,
        "100ms",
        "pricing = { commitment = \"savings-plan-1y\", request_per_million = 1.0 }",
    );
    assert_usd(r.cost.breakdown.compute_usd, 0.010_200_020_4);
    assert_usd(r.cost.breakdown.requests_usd, 0.003_6);
}

#[test]
fn provisioned_concurrency_is_billed_in_five_minute_steps() {
    // Enabled at 0, disabled at 62 min: billed 65 min = 3,900 s ×
    // 2 GB × $0.0000041667 = $0.03250026.
    let r = run(
        "62m",
        "0s",
        ONE_RPS,
        "100ms",
        "[architectures.functions.api]\nprovisioned = 1",
    );
    assert_usd(r.cost.breakdown.provisioned_usd, 0.032_500_26);
    // Every invocation runs on the provisioned instance: 3,720 × 0.1 s ×
    // 2 GB × $0.0000097222 = $0.00723331680.
    assert_usd(r.cost.breakdown.compute_usd, 0.007_233_316_8);
    // A 2-minute warm-up is not reported, the 3-minute rounding is:
    // (3,600 + 180) s × 2 GB × $0.0000041667 = $0.031500252.
    let r = run(
        "62m",
        "2m",
        ONE_RPS,
        "100ms",
        "[architectures.functions.api]\nprovisioned = 1",
    );
    assert_usd(r.cost.breakdown.provisioned_usd, 0.031_500_252);
    let KindResult::Serverless(s) = &r.details else {
        panic!()
    };
    assert_usd(s.functions[0].cost.provisioned_usd, 0.031_500_252);
    // A whole number of steps is not rounded: 3,600 s × 2 GB.
    let r = run(
        "1h",
        "0s",
        ONE_RPS,
        "100ms",
        "[architectures.functions.api]\nprovisioned = 1",
    );
    assert_usd(r.cost.breakdown.provisioned_usd, 0.030_000_24);
    // With a Savings Plan, 17 % off: $0.0249001992.
    let r = run(
        "1h",
        "0s",
        ONE_RPS,
        "100ms",
        "pricing = \"savings-plan-3y\"\n[architectures.functions.api]\nprovisioned = 1",
    );
    assert_usd(r.cost.breakdown.provisioned_usd, 0.024_900_199_2);
}

#[test]
fn the_lower_tier_applies_to_the_monthly_equivalent_volume() {
    // 300 requests a second for 9 minutes, none after: 162,000 × 1 s ×
    // 10 GB = 1,620,000 GB-s in 600 s. A month is 4,380 such periods:
    // 7.0956 B GB-s, of which 1.0956 B above 6 B save $0.0000016667 each,
    // $1,826.03652 a month, $0.416903315... for the period.
    // $27.000054 − $0.4169033151 = $26.5831506849.
    let r = run(
        "10m",
        "0s",
        "shape = \"steps\"\nsteps = [{ at = \"0s\", rps = 300 }, { at = \"9m\", rps = 0 }]",
        "1s",
        "[architectures.functions.api]\nmemory = \"10240MB\"",
    );
    assert_eq!(r.requests.completed, 162_000);
    let saving = 1.0956e9 * (0.0000166667 - 0.000015) / 4380.0;
    assert_usd(r.cost.breakdown.compute_usd, 27.000_054 - saving);
    assert_eq!((r.cost.breakdown.compute_usd * 100.0).round(), 2658.0);
    // A volume below 6 B GB-s a month (the same in an hour) gets none.
    let r = run(
        "1h",
        "0s",
        "shape = \"steps\"\nsteps = [{ at = \"0s\", rps = 300 }, { at = \"9m\", rps = 0 }]",
        "1s",
        "[architectures.functions.api]\nmemory = \"10240MB\"",
    );
    assert_usd(r.cost.breakdown.compute_usd, 27.000_054);
    // A scenario's own duration price stands alone, without tiers.
    let r = run(
        "10m",
        "0s",
        "shape = \"steps\"\nsteps = [{ at = \"0s\", rps = 300 }, { at = \"9m\", rps = 0 }]",
        "1s",
        "pricing = { gb_second = 0.00001 }\n[architectures.functions.api]\nmemory = \"10240MB\"",
    );
    assert_usd(r.cost.breakdown.compute_usd, 16.2);
}

#[test]
fn arm64_tiers_start_at_7_5_and_18_75_billion_gb_seconds() {
    // The same 1,620,000 GB-s on arm64: 7.0956 B a month is below arm64's
    // first tier (7.5 B), so all of it is at $0.0000133334: $21.600108.
    let steps = "shape = \"steps\"\nsteps = [{ at = \"0s\", rps = 300 }, { at = \"9m\", rps = 0 }]";
    let arm = "cpu = \"arm64\"\n[architectures.functions.api]\nmemory = \"10240MB\"";
    let r = run("10m", "0s", steps, "1s", arm);
    assert_usd(r.cost.breakdown.compute_usd, 1_620_000.0 * 0.0000133334);
    // 539 seconds of it in a 9-minute run (all finished) are 1,617,000 GB-s,
    // × 2,628,000 / 540 = 7.869 B a month: the 0.369 B above 7.5 B save
    // $0.0000013333 each, scaled back to 540 s.
    let steps = steps.replace("9m", "539s");
    let r = run("9m", "0s", &steps, "1s", arm);
    let gb_s = 1_617_000.0;
    let monthly = gb_s * 2_628_000.0 / 540.0;
    let saving = (monthly - 7.5e9) * (0.0000133334 - 0.0000120001) * 540.0 / 2_628_000.0;
    assert_usd(r.cost.breakdown.compute_usd, gb_s * 0.0000133334 - saving);
}

#[test]
fn lambda_commitments_that_do_not_exist_are_refused() {
    let base = format!(
        "{}[[architectures]]\nname = \"l\"\nkind = \"serverless\"\n",
        header("1h")
    );
    assert_refused(
        &base,
        &[
            (
                "pricing = \"reserved-1y\"",
                "line 12, key `architectures[0].pricing`: a serverless `pricing` is \"savings-plan-1y\" or \"savings-plan-3y\" (Compute Savings Plans; Lambda has no Reserved Instances), or a table of `commitment`, `upfront`, `request_per_million`, `gb_second`, `provisioned_gb_second`, `provisioned_execution_gb_second`, `gateway_per_million`, `source`, `date`",
            ),
            (
                "pricing = { commitment = \"savings-plan-3y\", upfront = \"all\" }",
                "line 12, key `architectures[0].pricing.commitment`: the price files have no Lambda rate for \"savings-plan-3y\" with upfront = \"all\"; they list savings-plan-1y (upfront none), savings-plan-3y (upfront none)",
            ),
            (
                "platform = \"cloud-run\"\npricing = \"savings-plan-1y\"",
                "line 13, key `architectures[0].pricing`: Cloud Run's prices come from the price files (`scalesim prices cloud-run`); a `pricing` table prices Lambda",
            ),
        ],
    );
}

/// Two functions of one request, `a` calling `b` by event, each 100 ms at
/// 1,769 MB (1.7275390625 GB) once a second for an hour: 3,600 × 0.1 s ×
/// 1.7275390625 GB = 621.9140625 GB-s each. With a 3-year Compute Savings
/// Plan on `b` alone, `a` pays $0.0000166667 per GB-s and `b` 17 % less:
/// 621.9140625 × $0.0000166667 × 1.83 = $0.018968... in duration, plus
/// 7,200 invocations × $0.20/M = $0.00144.
#[test]
fn a_savings_plan_on_one_function_discounts_that_function_only() {
    let text = |extra: &str| {
        format!(
            r#"
name = "per-function"
duration = "1h"
[demand]
shape = "constant"
rps = 1
arrivals = "uniform"
[[services]]
name = "a"
work = "100ms"
calls = [{{ service = "b", mode = "async" }}]
[[services]]
name = "b"
work = "100ms"
[[architectures]]
name = "l"
kind = "serverless"
memory = "1769MB"
cold_start = "0s"
{extra}
"#
        )
    };
    let run = |extra: &str| {
        let s = crate::common::scenario(&text(extra));
        scalesim::architectures::run_architecture(&s, &s.architectures[0], 0)
    };
    let gb_s = 3600.0 * 0.1 * 1769.0 / 1024.0;
    let r = run("[architectures.functions.b]\npricing = \"savings-plan-3y\"");
    let b = r.cost.breakdown;
    let want = gb_s * 0.0000166667 * (1.0 + 0.83);
    assert!(
        (b.compute_usd - want).abs() < 1e-12,
        "{} vs {want}",
        b.compute_usd
    );
    assert!((b.requests_usd - 0.00144).abs() < 1e-12);
    assert_eq!((r.cost.total_usd * 100.0).round(), 2.0);
    let items: Vec<&str> = r.prices.iter().map(|p| p.item.as_str()).collect();
    assert!(
        items.contains(
            &"Compute Savings Plan savings-plan-3y, upfront none, for function b: 17 % off duration and provisioned concurrency"
        ),
        "{items:?}"
    );
    // The architecture's plan, overridden for `b` by on-demand prices.
    let r = run(
        "pricing = \"savings-plan-3y\"\n[architectures.functions.b]\npricing = { request_per_million = 0.2 }",
    );
    let want = gb_s * 0.0000166667 * (0.83 + 1.0);
    assert!((r.cost.breakdown.compute_usd - want).abs() < 1e-12);
    assert_refused(
        &text(""),
        &[
            (
                "[architectures.functions.b]\npricing = { gateway_per_million = 1.0 }",
                "line 22, key `architectures[0].functions.b.pricing.gateway_per_million`: the API gateway is priced on the architecture, not per function",
            ),
            (
                "[architectures.functions.b]\npricing = \"reserved-1y\"",
                "line 22, key `architectures[0].functions.b.pricing`: a serverless `pricing` is \"savings-plan-1y\" or \"savings-plan-3y\" (Compute Savings Plans; Lambda has no Reserved Instances), or a table of `commitment`, `upfront`, `request_per_million`, `gb_second`, `provisioned_gb_second`, `provisioned_execution_gb_second`, `gateway_per_million`, `source`, `date`",
            ),
            (
                "platform = \"cloud-run\"\n[architectures.functions.b]\npricing = \"savings-plan-3y\"",
                "line 23, key `architectures[0].functions.b.pricing`: Cloud Run's prices come from the price files (`scalesim prices cloud-run`); a `pricing` table prices Lambda",
            ),
        ],
    );
}
