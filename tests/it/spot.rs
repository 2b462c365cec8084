//! Fleets on spot capacity: interruptions at known times on a one-server
//! fleet with evenly spaced requests, where every bill, lost request and
//! latency can be worked out by hand; random interruptions against their
//! Poisson count; an autoscaled fleet whose policy must not add to the
//! replacements; and the messages for bad `market` / `spot` keys.
//!
//! The hand-computed cases: one server of one vCPU at $1/h on demand, spot
//! at 50 % off ($0.50/h), a request every 600 s from t = 0 (uniform
//! arrivals), each 540 s of work, for 1 h 55 min (6,900 s): requests
//! arrive at 0, 600, …, 6,600 (12 of them) and the one at 6,600 is still
//! running at the end. A replacement boots in 150 s. The request that
//! arrives at 3,600 runs from 3,600 to 4,140.

use crate::common::{assert_bad_appended, assert_refused, header, scenario};
use scalesim::results::summary::{ArchitectureResult, KindResult};

use crate::common::run_first as run;

/// The one-server fleet above, interrupted as `spot_keys` add.
fn one_server(spot_keys: &str) -> ArchitectureResult {
    one_server_of("fleet", spot_keys)
}

/// The same server as the one service of a `kind` architecture.
fn one_server_of(kind: &str, spot_keys: &str) -> ArchitectureResult {
    run(&format!(
        "name = \"spot\"\nduration = \"6900s\"\n[demand]\nshape = \"constant\"\nrps = {}\n\
         arrivals = \"uniform\"\n[[services]]\nname = \"api\"\nwork = \"540s\"\n\
         [[architectures]]\nname = \"f\"\nkind = \"{kind}\"\nservers = 1\n\
         instance = {{ vcpus = 1, memory = \"2GB\", price_per_hour = 1.0 }}\nmarket = \"spot\"\n\
         spot = {{ discount = 0.5, boot_time = \"150s\", {spot_keys} }}\n",
        1.0 / 600.0
    ))
}

/// To a hundredth of a cent, so that a wrong rate cannot round right.
fn basis_points(usd: f64) -> i64 {
    (usd * 10_000.0).round() as i64
}

fn conserved(r: &ArchitectureResult) {
    let c = r.requests;
    assert_eq!(
        c.arrived,
        c.completed + c.rejected + c.throttled + c.timed_out + c.interrupted + c.in_flight,
        "{c:?}"
    );
}

#[test]
fn work_still_running_when_the_notice_ends_is_lost() {
    // Interrupted at 3,900 s: the job of 3,600 would end at 4,140, after
    // the notice (4,020), so it is lost then and the server stops. The
    // replacement is launched at 3,900 and serves from 4,050.
    // Billed: 4,020 s + (6,900 − 3,900) s = 7,020 s × $0.50/h = $0.975.
    let r = one_server("interruptions_at = [\"3900s\"]");
    assert_eq!(basis_points(r.cost.total_usd), 9750);
    let spot = r.spot.expect("a spot result");
    assert_eq!((spot.interruptions, spot.replacements), (1, 1));
    assert!((spot.server_hours - 7020.0 / 3600.0).abs() < 1e-9);
    let c = r.requests;
    assert_eq!(
        (c.arrived, c.completed, c.interrupted, c.in_flight),
        (12, 10, 1, 1)
    );
    conserved(&r);
    assert!((r.error_rate - 1.0 / 12.0).abs() < 1e-12);
    // Nobody waited: the replacement was up before the next arrival.
    assert!((r.latency_ms.max - 540_000.0).abs() < 1.0);
}

#[test]
fn lose_drops_the_work_at_the_notice() {
    // Under "lose" the job of 3,600 is lost at 3,900, and the server stops
    // then: 3,900 s + 3,000 s = 6,900 s × $0.50/h = $0.958333.
    let r = one_server("interruptions_at = [\"3900s\"], interrupted_work = \"lose\"");
    assert_eq!(basis_points(r.cost.total_usd), 9583);
    let c = r.requests;
    assert_eq!(
        (c.arrived, c.completed, c.interrupted, c.in_flight),
        (12, 10, 1, 1)
    );
    conserved(&r);
}

#[test]
fn work_that_fits_in_the_notice_finishes_and_later_requests_wait_for_the_replacement() {
    // Interrupted at 4,080: the job of 3,600 ends at 4,140, inside the
    // notice (to 4,200), so nothing is lost; the server stops at 4,140.
    // The replacement, launched at 4,080, serves from 4,230, so the
    // request of 4,200 waits 30 s. Billed: 4,140 s + 2,820 s = 6,960 s ×
    // $0.50/h = $0.966667.
    let r = one_server("interruptions_at = [\"4080s\"]");
    assert_eq!(basis_points(r.cost.total_usd), 9667);
    let c = r.requests;
    assert_eq!(
        (c.arrived, c.completed, c.interrupted, c.in_flight),
        (12, 11, 0, 1)
    );
    assert!(
        (r.latency_ms.max - 570_000.0).abs() < 1.0,
        "{}",
        r.latency_ms.max
    );
    // Waits are recorded as requests start: all 12 did, one waited 30 s.
    assert!(
        (r.wait_ms.mean - 30_000.0 / 12.0).abs() < 1.0,
        "{}",
        r.wait_ms.mean
    );
    let spot = r.spot.unwrap();
    assert_eq!((spot.interruptions, spot.replacements), (1, 1));
}

#[test]
fn an_on_demand_fleet_reports_no_spot_and_an_unchanged_bill() {
    let text = format!(
        "{}[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 2\ninstance = \"m5.large\"\n",
        header("1h")
    );
    let r = run(&text);
    assert!(r.spot.is_none());
    assert_eq!(basis_points(r.cost.total_usd), 1920); // 2 × $0.096
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("\"spot\"") && !json.contains("interrupted"));
}

#[test]
fn random_interruptions_come_at_the_rate_given_per_instance() {
    // 20 idle servers for 30 days, each interrupted on average once a day,
    // each replaced at its notice: every server's place sees a Poisson
    // process of rate 1/day, so the count is Poisson with mean 600
    // (standard deviation 24.5). An idle server stops at its notice and
    // its replacement is launched at once, so about 20 servers are billed
    // at every moment: 14,400 server-hours, plus at most a minute's
    // minimum charge for the rare one interrupted in its first minute.
    let mut counts = Vec::new();
    for seed in [1, 2, 3] {
        let r = run(&format!(
            "name = \"spot\"\nduration = \"30d\"\nseed = {seed}\n[demand]\nshape = \"constant\"\n\
             rps = 0.001\n[[services]]\nname = \"api\"\nwork = \"10ms\"\n\
             [[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 20\ninstance = \"m5.large\"\n\
             market = \"spot\"\nspot = {{ discount = 0.6, mean_time_between_interruptions = \"1d\" }}\n"
        ));
        let spot = r.spot.unwrap();
        assert!(
            (spot.interruptions as f64 - 600.0).abs() < 4.0 * 24.5,
            "seed {seed}: {} interruptions",
            spot.interruptions
        );
        assert_eq!(spot.replacements, spot.interruptions);
        assert!(
            (spot.server_hours - 14_400.0).abs() < 0.5,
            "{}",
            spot.server_hours
        );
        // m5.large $0.096 × 40 % = $0.0384 per server-hour.
        assert!((r.cost.total_usd - spot.server_hours * 0.0384).abs() < 1e-6);
        counts.push(spot.interruptions);
    }
    // Three seeds, three different draws.
    counts.dedup();
    assert_eq!(counts.len(), 3, "{counts:?}");
}

#[test]
fn a_scaled_fleet_on_spot_is_replaced_without_a_scaling_action() {
    // min = max = 3: the replacement keeps the count at 3, so the policy
    // never launches a fourth.
    let r = run(&format!(
        "{}[[architectures]]\nname = \"a\"\nkind = \"autoscaled\"\nmin = 3\nmax = 3\n\
         instance = \"m5.large\"\npolicy = {{ metric = \"cpu\", target = 0.5 }}\n\
         market = \"spot\"\nspot = {{ price_per_hour = 0.03, interruptions_at = [\"1h\", \"2h\", \"2h\"] }}\n",
        header("4h")
    ));
    let spot = r.spot.unwrap();
    assert_eq!((spot.interruptions, spot.replacements), (3, 3));
    let KindResult::Autoscaled(a) = &r.details else {
        panic!("an autoscaled result")
    };
    assert_eq!(a.scaling_actions.out, 0);
    assert_eq!(r.servers, 3, "peak launched servers");
    conserved(&r);
    // 3 servers for 4 h at $0.03 (5 ms jobs never outlast a notice).
    assert!(
        (r.cost.total_usd - 0.36).abs() < 1e-4,
        "{}",
        r.cost.total_usd
    );
    assert_eq!(r.prices.len(), 1);
    assert!(r.prices[0].item.starts_with("m5.large spot"));
    assert_eq!(r.prices[0].unit, "spot server-hour");
}

#[test]
fn the_spot_price_note_says_what_it_was_derived_from() {
    let r = one_server("interruptions_at = [\"3900s\"]");
    assert_eq!(r.prices.len(), 1);
    assert_eq!(r.prices[0].item, "custom spot (50 % off on-demand $1/h)");
    assert_eq!(r.prices[0].price_usd, 0.5);
}

#[test]
fn bad_market_and_spot_keys_are_refused_with_the_exact_message() {
    let base = header("1h")
        + "[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 2\ninstance = \"m5.large\"\n";
    let cases: &[(&str, &str)] = &[
        (
            "market = \"spot\"",
            "line 14, key `architectures[0].spot`: market = \"spot\" needs a `spot` table with its price and interruptions, such as spot = { discount = 0.7, mean_time_between_interruptions = \"2d\" } (the Spot Instance Advisor gives both per instance type and region)",
        ),
        (
            "market = \"auction\"",
            "line 14, key `architectures[0].market`: unknown variant `auction`, expected `on-demand` or `spot`",
        ),
        (
            "spot = { discount = 0.7, mean_time_between_interruptions = \"2d\" }",
            "line 14, key `architectures[0].spot`: a `spot` table needs market = \"spot\" beside it",
        ),
        (
            "market = \"spot\"\nspot = { discount = 1.2, mean_time_between_interruptions = \"2d\" }",
            "line 15, key `architectures[0].spot.discount`: expected a discount off the on-demand price in [0, 1), such as 0.7, found 1.2",
        ),
        (
            "market = \"spot\"\nspot = { discount = 0.7, price_per_hour = 0.03, interruptions_at = [\"1h\"] }",
            "line 15, key `architectures[0].spot.price_per_hour`: give `discount` or `price_per_hour`, not both",
        ),
        (
            "market = \"spot\"\nspot = { mean_time_between_interruptions = \"2d\" }",
            "line 15, key `architectures[0].spot.discount`: a spot fleet needs its price: `discount` (off on-demand, such as 0.7) or `price_per_hour`",
        ),
        (
            "market = \"spot\"\nspot = { discount = 0.7 }",
            "line 15, key `architectures[0].spot.mean_time_between_interruptions`: a spot fleet needs its interruptions: `mean_time_between_interruptions` per instance (such as \"2d\"), `interruptions_at` (times such as [\"6h\", \"30h\"]), or both",
        ),
        (
            "market = \"spot\"\nspot = { discount = 0.7, mean_time_between_interruptions = \"10s\" }",
            "line 15, key `architectures[0].spot.mean_time_between_interruptions`: expected a mean time between interruptions of at least 1m, found 10s",
        ),
        (
            "market = \"spot\"\nspot = { discount = 0.7, interruptions_at = [\"1h\"], notice = \"2h\" }",
            "line 15, key `architectures[0].spot.notice`: expected a notice of at most 1h (EC2 gives 2m), found 2h",
        ),
        (
            "market = \"spot\"\nspot = { discount = 0.7, interruptions_at = [\"1h\"], interrupted_work = \"pause\" }",
            "line 15, key `architectures[0].spot.interrupted_work`: unknown variant `pause`, expected `finish` or `lose`",
        ),
        (
            "market = \"spot\"\npricing = \"savings-plan-3y\"\nspot = { discount = 0.7, interruptions_at = [\"1h\"] }",
            "line 14, key `architectures[0].market`: spot servers cannot also be bought with a commitment (`pricing`): Savings Plans and Reserved Instances apply to on-demand capacity; drop one of the two",
        ),
    ];
    assert_refused(&base, cases);
    let managed = header("1h")
        + "[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 3\n\
           instance = { platform = \"lambda-managed\", name = \"m7g.large\" }\n";
    assert_refused(
        &managed,
        &[(
            "market = \"spot\"\nspot = { discount = 0.7, interruptions_at = [\"1h\"] }",
            "line 14, key `architectures[0].market`: Lambda Managed Instances run on on-demand capacity (Savings Plans apply); they cannot be bought on spot",
        )],
    );
    // The same through the binary: exit 2, nothing written.
    assert_bad_appended(&base, &cases[..2]);
    // A service inherits the architecture's market, and is told so in
    // its own key.
    let micro = header("1h")
        + "[[architectures]]\nname = \"m\"\nkind = \"microservices\"\nservers = 2\ninstance = \"m5.large\"\n";
    assert_refused(
        &micro,
        &[(
            "market = \"spot\"",
            "line 14, key `architectures[0].services.api.spot`: market = \"spot\" needs a `spot` table with its price and interruptions, such as spot = { discount = 0.7, mean_time_between_interruptions = \"2d\" } (the Spot Instance Advisor gives both per instance type and region)",
        )],
    );
}

#[test]
fn a_spot_run_writes_its_interruptions_in_the_summary_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}[[architectures]]\nname = \"on-spot\"\nkind = \"fleet\"\nservers = 2\ninstance = \"m5.large\"\n\
         market = \"spot\"\nspot = {{ discount = 0.7, interruptions_at = [\"10m\", \"20m\"], source = \"EC2 spot price history\", date = \"2026-12\" }}\n",
        header("1h")
    );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["run", "s.toml", "--out", "out"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/summary.json")).unwrap(),
    )
    .unwrap();
    let a = &json["architectures"][0];
    assert_eq!(a["spot"]["interruptions"], 2);
    assert_eq!(a["spot"]["replacements"], 2);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/golden/summary.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let errors = crate::json_schema::validate(&schema, &json);
    assert!(errors.is_empty(), "{errors:?}");
    let md = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(md.contains(
        "- on-spot: m5.large, on spot ($0.0288/h, 70 % off on-demand), interrupted 2 listed times with 2m notice (work running: finish), replacements boot in constant 1.5m"
    ), "{md}");
    assert!(
        md.contains("- on-spot: 2 interruptions, 2 replacements; 0 requests failed because work they had running was lost (0.00% of arrivals)."),
        "{md}"
    );
    assert!(md.contains("| m5.large spot (70 % off on-demand $0.096/h) | $0.0288 | spot server-hour | EC2 spot price history | 2026-12 |"), "{md}");
}

/// A spot server's record outlives it, so the memory estimate counts the
/// replacements: twice the expected interruptions, plus the listed ones.
#[test]
fn replacements_count_in_the_memory_estimate() {
    let pool = |servers: u32, spot: &str| {
        scenario(&format!(
            "{}[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = {servers}\n\
             instance = \"m5.large\"\nmarket = \"spot\"\nspot = {{ discount = 0.7, {spot} }}\n",
            header("10d")
        ))
        .estimate(1)
        .pool
        .unwrap()
    };
    // 1,000 servers for 10 days, one interruption a minute each: 1.44e7
    // expected, 2.88e7 counted, plus the servers themselves.
    let p = pool(1000, "mean_time_between_interruptions = \"1m\"");
    assert_eq!(p.count, 1000.0 + 2.0 * 1000.0 * 14_400.0);
    assert_eq!(
        p.key,
        "architectures[0].spot.mean_time_between_interruptions"
    );
    // Listed times count one record each (at most 100,000): this many stay
    // below what the estimate names; only random ones can run away.
    let listed = format!("interruptions_at = [{}]", vec!["\"1h\""; 99_990].join(", "));
    assert_eq!(
        scenario(&format!(
            "{}[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 3\n\
             instance = \"m5.large\"\nmarket = \"spot\"\nspot = {{ discount = 0.7, {listed} }}\n",
            header("10d")
        ))
        .estimate(1)
        .pool,
        None
    );
    // On a microservices architecture the key names the service.
    let m = scenario(&format!(
        "{}[[architectures]]\nname = \"m\"\nkind = \"microservices\"\nservers = 1000\n\
         instance = \"m5.large\"\nmarket = \"spot\"\n\
         spot = {{ discount = 0.7, mean_time_between_interruptions = \"1m\" }}\n",
        header("10d")
    ))
    .estimate(1)
    .pool
    .unwrap();
    assert_eq!(
        (m.count, m.key.as_str()),
        (
            1000.0 + 2.0 * 1000.0 * 14_400.0,
            "architectures[0].services.api.spot.mean_time_between_interruptions"
        )
    );
    let s = scenario(&format!(
        "{}[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 100000\n\
         instance = \"m5.large\"\nmarket = \"spot\"\n\
         spot = {{ discount = 0.7, mean_time_between_interruptions = \"1m\" }}\n",
        header("1d")
    ));
    let refusal = s.estimate(1).refusal().expect("refused");
    assert!(
        refusal.contains(
            "`f` may hold up to ~2.9e8 servers (18 GB), set by \
             `architectures[0].spot.mean_time_between_interruptions`. Raise it"
        ),
        "{refusal}"
    );
}

/// Fargate Spot is the same market on tasks: 4 tasks of 1 vCPU and 2 GB
/// ($0.04937 an hour on demand) at 70 % off for an hour, one interrupted
/// at 30 min while idle and replaced at once: 4 task-hours × $0.014811.
#[test]
fn fargate_tasks_can_run_on_spot() {
    let r = run(&format!(
        "{}[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 4\n\
         instance = {{ platform = \"fargate\", vcpus = 1, memory = \"2GB\" }}\nmarket = \"spot\"\n\
         spot = {{ discount = 0.7, interruptions_at = [\"30m\"], boot_time = \"40s\" }}\n",
        header("1h")
    ));
    assert_eq!(basis_points(r.cost.total_usd), 592); // $0.059244
    assert_eq!(r.prices[0].unit, "spot task-hour");
    assert_eq!(r.spot.unwrap().interruptions, 1);
}

/// A microservices architecture of one service is the fixed fleet again:
/// each hand-computed case above gives the same bill, counts and worst
/// latency when the server is a service's.
#[test]
fn a_service_on_spot_fails_and_bills_like_the_fleet() {
    for keys in [
        "interruptions_at = [\"3900s\"]",
        "interruptions_at = [\"3900s\"], interrupted_work = \"lose\"",
        "interruptions_at = [\"4080s\"]",
    ] {
        let fleet = one_server(keys);
        let micro = one_server_of("microservices", keys);
        assert_eq!(
            basis_points(micro.cost.total_usd),
            basis_points(fleet.cost.total_usd),
            "{keys}"
        );
        assert_eq!(micro.requests, fleet.requests, "{keys}");
        assert!((micro.latency_ms.max - fleet.latency_ms.max).abs() < 1e-6);
        assert_eq!(micro.spot, fleet.spot, "{keys}");
        let KindResult::Microservices(m) = &micro.details else {
            panic!("a microservices result")
        };
        // Reported as the fixed service it is, with its own interruptions.
        assert_eq!(
            (m.services[0].servers, m.services[0].kind.as_str()),
            (1, "fleet")
        );
        assert!(m.services[0].autoscaled.is_none());
        assert_eq!(m.services[0].spot, fleet.spot);
        assert!((m.services[0].cost_usd - fleet.cost.total_usd).abs() < 1e-12);
    }
}

/// A sync caller waiting on work that is lost: `front` (on demand, 1 s of
/// work) calls `back` (on spot, 540 s) synchronously, a request every
/// 600 s. The request of 3,600 reaches `back` at 3,601.001 s; `back`'s
/// server is interrupted at 3,900 under "lose": the request fails, and
/// `front`'s slot, held for the call, is freed then. Every later request
/// completes: the replacement serves from 4,050.
#[test]
fn a_sync_caller_is_released_when_its_callee_is_lost() {
    let r = run(&format!(
        "name = \"spot\"\nduration = \"6900s\"\n[demand]\nshape = \"constant\"\nrps = {}\n\
         arrivals = \"uniform\"\n\
         [[services]]\nname = \"front\"\nwork = \"1s\"\ncalls = [{{ service = \"back\", mode = \"sync\" }}]\n\
         [[services]]\nname = \"back\"\nwork = \"540s\"\n\
         [[architectures]]\nname = \"m\"\nkind = \"microservices\"\nservers = 1\n\
         instance = {{ vcpus = 1, memory = \"2GB\", price_per_hour = 1.0 }}\n\
         [architectures.services.back]\nmarket = \"spot\"\n\
         spot = {{ discount = 0.5, boot_time = \"150s\", interruptions_at = [\"3900s\"], interrupted_work = \"lose\" }}\n",
        1.0 / 600.0
    ));
    let c = r.requests;
    assert_eq!(
        (c.arrived, c.completed, c.interrupted, c.in_flight),
        (12, 10, 1, 1)
    );
    conserved(&r);
    let KindResult::Microservices(m) = &r.details else {
        panic!("a microservices result")
    };
    assert!(m.services[0].spot.is_none());
    assert_eq!(m.services[1].spot.unwrap().interruptions, 1);
    // front: $1/h for 6,900 s. back: 3,900 s + 3,000 s at $0.50/h.
    assert!((m.services[0].cost_usd - 6900.0 / 3600.0).abs() < 1e-9);
    assert_eq!(basis_points(m.services[1].cost_usd), 9583);
    // front's slot is busy 541.001 s per request that completes or is in
    // flight, and 300.001 s for the lost one (3,600 to 3,900): had it
    // stayed held to 4,141.001, its mean busy would be 541 / 6,900 higher.
    let front_busy = m.services[0].utilization * 6900.0;
    let expected = 10.0 * 541.001 + 300.0 + (6900.0 - 6600.0);
    assert!(
        (front_busy - expected).abs() < 0.01,
        "front busy {front_busy} s, expected {expected} s"
    );
}

/// The spot keys can be swept like any other (`--vary`), so "from what
/// discount or interruption rate on does spot stop paying?" is a sweep:
/// the one-server fleet's bill at 30 % and 60 % off is 70 % and 40 % of
/// its on-demand bill.
#[test]
fn spot_keys_can_be_swept() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 2\n\
         instance = {{ vcpus = 1, memory = \"2GB\", price_per_hour = 1.0 }}\nmarket = \"spot\"\n\
         spot = {{ discount = 0.5, interruptions_at = [\"30m\"] }}\n",
        header("1h")
    );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args([
            "sweep",
            "s.toml",
            "--vary",
            "architectures.f.spot.discount=0.3,0.6",
            "--out",
            "sw",
            "--quiet",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(dir.path().join("sw/sweep.csv")).unwrap();
    let costs: Vec<f64> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap().parse().unwrap())
        .collect();
    // 2 servers for the hour (the interrupted one replaced at once, idle):
    // $2 on demand, a month of it 730 × that.
    assert_eq!(costs.len(), 2, "{csv}");
    assert!((costs[0] - 730.0 * 2.0 * 0.7).abs() < 0.5, "{costs:?}");
    assert!((costs[1] - 730.0 * 2.0 * 0.4).abs() < 0.5, "{costs:?}");
}

/// Two services on spot draw their interruptions from streams of their
/// own: with the same servers and rate, in step they would be interrupted
/// at the same instants, always the same number of times.
#[test]
fn services_on_spot_are_interrupted_independently() {
    let r = run(
        "name = \"spot\"\nduration = \"10d\"\nseed = 4\n[demand]\nshape = \"constant\"\nrps = 0.01\n\
         [[services]]\nname = \"a\"\nwork = \"10ms\"\ncalls = [{ service = \"b\", mode = \"async\" }]\n\
         [[services]]\nname = \"b\"\nwork = \"10ms\"\n\
         [[architectures]]\nname = \"m\"\nkind = \"microservices\"\nservers = 10\ninstance = \"m5.large\"\n\
         market = \"spot\"\nspot = { discount = 0.6, mean_time_between_interruptions = \"1d\" }\n",
    );
    let KindResult::Microservices(m) = &r.details else {
        panic!("a microservices result")
    };
    let (a, b) = (m.services[0].spot.unwrap(), m.services[1].spot.unwrap());
    // Each about Poisson(100): 10 servers, 10 days, one a day.
    for n in [a.interruptions, b.interruptions] {
        assert!((n as f64 - 100.0).abs() < 40.0, "{n}");
    }
    assert_ne!(a.interruptions, b.interruptions);
    assert_eq!(
        r.spot.unwrap().interruptions,
        a.interruptions + b.interruptions
    );
}
