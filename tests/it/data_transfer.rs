//! Data transfer: `response_size` and `outbound_size` on services, internet
//! egress per GB and NAT gateways, billed by hand to the cent and beyond.
//!
//! Prices (`assets/prices/data-transfer.toml`): egress $0.09 per GB from
//! us-east-1 and $0.12 from Cloud Run's us-central1; NAT gateway $0.045
//! per hour and per GB processed. A GB is 2^30 bytes, so 1,024 responses
//! of 1 MiB are exactly 1 GB.

use crate::common::{assert_refused, header, scenario};
use scalesim::architectures;
use scalesim::results::summary::ArchitectureResult;

/// One request per second, evenly spaced, for an hour: 3,600 requests of
/// 5 ms on the entry service `api`, with `sizes` added to it, on the
/// architecture `arch`.
fn run(sizes: &str, arch: &str) -> ArchitectureResult {
    let s = scenario(&format!(
        r#"
name = "dt"
duration = "1h"
[demand]
shape = "constant"
rps = 1
arrivals = "uniform"
[[services]]
name = "api"
work = "5ms"
{sizes}
[[architectures]]
name = "a"
{arch}
"#
    ));
    let r = architectures::run_architecture(&s, &s.architectures[0], 0);
    assert_eq!(r.requests.completed, 3600);
    r
}

const FLEET: &str = "kind = \"fleet\"\nservers = 1\ninstance = \"m5.large\"\n";
const LAMBDA: &str = "kind = \"serverless\"\ncold_start = \"0s\"\n";

fn assert_usd(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-9, "{got} against {want}");
}

#[test]
fn responses_pay_internet_egress_per_gb() {
    // 3,600 × 1 MiB = 3.515625 GB × $0.09 = $0.31640625, beside the
    // server-hour's $0.096.
    let r = run("response_size = \"1MiB\"", FLEET);
    let b = r.cost.breakdown;
    assert_usd(b.egress_usd.unwrap(), 0.316_406_25);
    assert_eq!(b.nat_gateway_usd, None);
    assert_usd(r.cost.total_usd, 0.096 + 0.316_406_25);
    let note = r
        .prices
        .iter()
        .find(|p| p.item.starts_with("internet egress"))
        .unwrap();
    assert_eq!(note.item, "internet egress (us-east-1)");
    assert_eq!((note.price_usd, note.date.as_str()), (0.09, "2025-06"));
    // Decimal units: 3,600 × 40 KB = 144,000,000 bytes = 0.134110451 GB.
    let r = run("response_size = \"40KB\"", FLEET);
    assert_usd(
        r.cost.breakdown.egress_usd.unwrap(),
        144e6 / 1_073_741_824.0 * 0.09,
    );
}

#[test]
fn a_nat_gateway_bills_its_hours_and_the_outbound_bytes_only() {
    // Responses (1 MiB) go back through the load balancer: egress only.
    // Outbound (512 KiB per request) crosses the NAT: egress and
    // processing. Egress: 3,600 × 1.5 MiB = 5.2734375 GB × $0.09 =
    // $0.474609375. NAT: 1 h × $0.045 + 1.7578125 GB × $0.045 =
    // $0.1241015625. Total with the server: $0.6947109375.
    let sizes = "response_size = \"1MiB\"\noutbound_size = \"512KiB\"";
    let r = run(sizes, &format!("{FLEET}nat_gateway = true\n"));
    let b = r.cost.breakdown;
    assert_usd(b.egress_usd.unwrap(), 0.474_609_375);
    assert_usd(b.nat_gateway_usd.unwrap(), 0.124_101_562_5);
    assert_usd(r.cost.total_usd, 0.694_710_937_5);
    assert_eq!((r.cost.total_usd * 100.0).round(), 69.0);
    // Two gateways (two zones) and an inline price: 2 × $0.05 + 1.7578125
    // GB × $0.01 = $0.117578125.
    let r = run(
        sizes,
        &format!(
            "{FLEET}nat_gateway = {{ count = 2, per_hour = 0.05, per_gb = 0.01, source = \"our invoice\", date = \"2026-11\" }}\n"
        ),
    );
    assert_usd(r.cost.breakdown.nat_gateway_usd.unwrap(), 0.117_578_125);
    let hours = r.prices.iter().find(|p| p.unit == "gateway-hour").unwrap();
    assert_eq!(
        (hours.item.as_str(), hours.source.as_str()),
        ("NAT gateway × 2", "our invoice")
    );
    // Without outbound bytes, a NAT gateway costs its hours alone.
    let r = run(
        "response_size = \"1MiB\"",
        &format!("{FLEET}nat_gateway = true\n"),
    );
    assert_usd(r.cost.breakdown.nat_gateway_usd.unwrap(), 0.045);
}

#[test]
fn lambda_pays_the_same_egress_and_a_nat_only_in_a_vpc() {
    let sizes = "response_size = \"1MiB\"\noutbound_size = \"512KiB\"";
    let r = run(sizes, LAMBDA);
    assert_usd(r.cost.breakdown.egress_usd.unwrap(), 0.474_609_375);
    assert_eq!(r.cost.breakdown.nat_gateway_usd, None);
    let r = run(sizes, &format!("{LAMBDA}nat_gateway = true\n"));
    assert_usd(r.cost.breakdown.nat_gateway_usd.unwrap(), 0.124_101_562_5);
}

#[test]
fn cloud_run_pays_google_egress() {
    // 3.515625 GB × $0.12 = $0.421875.
    let r = run(
        "response_size = \"1MiB\"",
        "kind = \"serverless\"\nplatform = \"cloud-run\"\ncold_start = \"0s\"\n",
    );
    assert_usd(r.cost.breakdown.egress_usd.unwrap(), 0.421_875);
    let note = r
        .prices
        .iter()
        .find(|p| p.item.starts_with("internet"))
        .unwrap();
    assert_eq!(note.item, "internet egress (us-central1)");
    // An inline egress price replaces the file's.
    let r = run(
        "response_size = \"1MiB\"",
        &format!(
            "{FLEET}egress = {{ per_gb = 0.05, source = \"CDN contract\", date = \"2026-10\" }}\n"
        ),
    );
    assert_usd(r.cost.breakdown.egress_usd.unwrap(), 3.515_625 * 0.05);
}

#[test]
fn a_request_has_the_same_sizes_in_every_architecture() {
    // Drawn per request from its arrival, not in completion order: the
    // fleet and the function complete the same 3,600 requests, so they
    // send the same bytes to the byte.
    let sizes = "response_size = { dist = \"lognormal\", median = \"20KB\", p99 = \"2MB\" }";
    let fleet = run(sizes, FLEET).cost.breakdown.egress_usd.unwrap();
    let lambda = run(sizes, LAMBDA).cost.breakdown.egress_usd.unwrap();
    assert_eq!(fleet, lambda);
    // And the mean is the distribution's: lognormal with median 20 KB and
    // p99 2 MB has mean 20 KB × e^(σ²/2), σ = ln(100)/2.326 = 1.98: 143 KB.
    let gb = fleet / 0.09;
    let mean = gb * 1_073_741_824.0 / 3600.0;
    assert!((80e3..250e3).contains(&mean), "{mean}");
}

#[test]
fn without_sizes_or_a_gateway_there_is_no_data_transfer_part() {
    let r = run("", FLEET);
    assert_eq!(r.cost.breakdown.egress_usd, None);
    let json = serde_json::to_string(&r.cost).unwrap();
    assert!(
        !json.contains("egress_usd") && !json.contains("nat_gateway_usd"),
        "{json}"
    );
    assert!(r.prices.iter().all(|p| !p.item.contains("egress")));
}

#[test]
fn bad_sizes_and_gateways_are_refused_with_their_line() {
    let base = header("1h");
    assert_refused(
        &base,
        &[
            (
                "response_size = \"40kb\"",
                "line 9, key `services[0].response_size`: expected a size such as \"40KB\" or \"1MiB\" (units B, KB, MB, GB (powers of 1000), KiB, MiB, GiB (powers of 1024)), found \"40kb\"",
            ),
            (
                "outbound_size = { dist = \"lognormal\", mu = 1.0, sigma = 0.5 }",
                "line 9, key `services[0].outbound_size`: `mu` does not apply to a size distribution; give a lognormal's `median` and `p99` as sizes",
            ),
        ],
    );
    let two = format!(
        "{base}calls = [{{ service = \"db\" }}]\n[[services]]\nname = \"db\"\nwork = \"1ms\"\nresponse_size = \"1KB\"\n[[architectures]]\nname = \"a\"\n{FLEET}"
    );
    crate::common::assert_parse_error(
        &two,
        "line 13, key `services[1].response_size`: only the entry service (the first) answers the client; a called service's response stays inside the region and is not billed. Use `outbound_size` for bytes a service sends to the internet itself",
    );
    let arch = format!("{base}response_size = \"1KB\"\n[[architectures]]\nname = \"a\"\n");
    assert_refused(
        &arch,
        &[
            (
                "kind = \"serverless\"\nplatform = \"cloud-run\"\nnat_gateway = true",
                "line 14, key `architectures[0].nat_gateway`: a NAT gateway is AWS's (hourly + per GB processed); Cloud Run services reach the internet without one unless they use Cloud NAT, which is priced differently and not modelled",
            ),
            (
                &format!("{FLEET}nat_gateway = {{ count = 0 }}"),
                "line 15, key `architectures[0].nat_gateway.count`: expected between 1 and 64 NAT gateways (one per availability zone), found 0",
            ),
            (
                &format!("{FLEET}egress = {{ per_gb = -0.09 }}"),
                "line 15, key `architectures[0].egress.per_gb`: expected a price >= 0 (USD), found -0.09",
            ),
        ],
    );
}
