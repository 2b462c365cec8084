//! Trace replay: a `rate-csv` bucket of n requests yields exactly n
//! arrivals inside it, a `timestamps-csv` row arrives exactly at its time,
//! `scale` and `speedup` keep their promises, every architecture sees the
//! same arrivals, and each malformed trace gets its own message and exit
//! code 2.

use scalesim::architectures::requests::RequestSource;
use scalesim::time::SimTime;
use std::path::Path;
use std::process::Command;

fn scenario_text(demand: &str, duration: &str) -> String {
    format!(
        r#"name = "t"
duration = "{duration}"
seed = 5
[demand]
shape = "trace"
{demand}
[[services]]
name = "api"
work = "1ms"
[[architectures]]
name = "f"
kind = "fleet"
servers = 4
instance = "m5.large"
[[architectures]]
name = "l"
kind = "serverless"
"#
    )
}

/// Loads a scenario whose trace file `trace.csv` holds `csv`.
fn load(
    csv: &str,
    demand: &str,
    duration: &str,
) -> (tempfile::TempDir, scalesim::scenario::Scenario) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("trace.csv"), csv).unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, scenario_text(demand, duration)).unwrap();
    let s = scalesim::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    (dir, s)
}

fn arrivals(s: &scalesim::scenario::Scenario, limit: SimTime) -> Vec<SimTime> {
    let mut source = RequestSource::new(s, 0);
    let mut w = vec![SimTime::ZERO; source.works_per_request()];
    let mut out = Vec::new();
    while let Some(t) = source.next_into(&mut w) {
        if t >= limit {
            break;
        }
        out.push(t);
    }
    out
}

fn per_bucket(ts: &[SimTime], bucket_s: f64, n: usize) -> Vec<u64> {
    let mut c = vec![0; n];
    for t in ts {
        c[(t.as_secs_f64() / bucket_s) as usize] += 1;
    }
    c
}

const COUNTS: [u64; 8] = [3, 0, 7, 1, 250, 0, 0, 12];

fn rate_csv() -> String {
    let mut s = String::from("minute,requests\n");
    for (i, c) in COUNTS.iter().enumerate() {
        s += &format!("{},{c}\n", 1_700_000_000 + 60 * i);
    }
    s
}

#[test]
fn rate_csv_buckets_hold_exactly_the_recorded_counts() {
    for arrivals_mode in ["poisson", "uniform"] {
        let (_d, s) = load(
            &rate_csv(),
            &format!("file = \"trace.csv\"\nformat = \"rate-csv\"\narrivals = \"{arrivals_mode}\""),
            "10m",
        );
        let ts = arrivals(&s, SimTime::MAX);
        assert!(ts.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(per_bucket(&ts, 60.0, 8), COUNTS);
        // The summary rate is the count per minute.
        assert_eq!(s.demand.profile.cumulative(s.duration), 273.0);
    }
    // Evenly spread: the k-th of n at k/n of the bucket.
    let (_d, s) = load(
        &rate_csv(),
        "file = \"trace.csv\"\nformat = \"rate-csv\"\narrivals = \"uniform\"",
        "10m",
    );
    let ts = arrivals(&s, SimTime::from_secs(60));
    assert_eq!(ts, [0, 20, 40].map(SimTime::from_secs));
}

#[test]
fn poisson_spread_inside_a_bucket_is_uniform() {
    // 100,000 requests in one 100-second bucket: counts per second are
    // multinomial, 1,000 expected each; chi-square over 100 cells.
    let (_d, s) = load(
        "0,100000\n100,0\n",
        "file = \"trace.csv\"\nformat = \"rate-csv\"",
        "200s",
    );
    let ts = arrivals(&s, SimTime::MAX);
    let c = per_bucket(&ts, 1.0, 100);
    let x: f64 = c
        .iter()
        .map(|&o| (o as f64 - 1000.0).powi(2) / 1000.0)
        .sum();
    assert!(
        (x - 99.0).abs() < 5.0 * (2.0f64 * 99.0).sqrt(),
        "chi-square {x}"
    );
}

#[test]
fn timestamps_are_replayed_exactly_from_the_first() {
    let csv = "when,user\n2024-05-01T10:00:00.5Z,a\n2024-05-01T10:00:00.5Z,b\n2024-05-01T10:00:02.25Z,c\n2024-05-01T10:01:00Z,d\n";
    let (_d, s) = load(
        csv,
        "file = \"trace.csv\"\nformat = \"timestamps-csv\"\ncolumn = \"when\"",
        "5m",
    );
    let ts = arrivals(&s, SimTime::MAX);
    assert_eq!(ts, [0, 0, 1_750, 59_500].map(SimTime::from_millis).to_vec());
}

#[test]
fn scale_and_speedup_keep_their_promises() {
    // × 2: exactly twice each bucket's count.
    let (_d, s) = load(
        &rate_csv(),
        "file = \"trace.csv\"\nformat = \"rate-csv\"\nscale = 2.0",
        "10m",
    );
    let doubled: Vec<u64> = COUNTS.iter().map(|c| 2 * c).collect();
    assert_eq!(per_bucket(&arrivals(&s, SimTime::MAX), 60.0, 8), doubled);
    // Speedup 4: the same counts in 15-second buckets.
    let (_d, s) = load(
        &rate_csv(),
        "file = \"trace.csv\"\nformat = \"rate-csv\"\nspeedup = 4",
        "10m",
    );
    assert_eq!(per_bucket(&arrivals(&s, SimTime::MAX), 15.0, 8), COUNTS);
    // × 0.3 of 100,000: binomial, sd = √(100000 × 0.3 × 0.7) ≈ 145.
    let (_d, s) = load(
        "0,100000\n1,0\n",
        "file = \"trace.csv\"\nformat = \"rate-csv\"\nscale = 0.3",
        "10s",
    );
    let n = arrivals(&s, SimTime::MAX).len() as f64;
    assert!((n - 30_000.0).abs() < 5.0 * 145.0, "{n}");
    // Timestamps × 3: each request and two copies before the next one.
    let (_d, s) = load(
        "0\n10\n",
        "file = \"trace.csv\"\nformat = \"timestamps-csv\"\nscale = 3",
        "1m",
    );
    let ts = arrivals(&s, SimTime::MAX);
    assert_eq!(ts.len(), 6);
    assert_eq!((ts[0], ts[3]), (SimTime::ZERO, SimTime::from_secs(10)));
    assert!(ts[1..3].iter().all(|t| *t < SimTime::from_secs(10)));
}

#[test]
fn start_end_and_repeat_cut_and_loop_the_trace() {
    // Minutes 2..5 of the trace (counts 7, 1, 250), looped every 3 minutes.
    let (_d, s) = load(
        &rate_csv(),
        "file = \"trace.csv\"\nformat = \"rate-csv\"\nstart = \"2m\"\nend = \"5m\"\nrepeat = true",
        "9m",
    );
    let ts = arrivals(&s, SimTime::from_secs(540));
    assert_eq!(per_bucket(&ts, 60.0, 9), [7, 1, 250, 7, 1, 250, 7, 1, 250]);
    assert_eq!(s.demand.profile.cumulative(s.duration), 3.0 * 258.0);
}

#[test]
fn every_architecture_sees_the_same_trace_arrivals() {
    let (_d, s) = load(
        &rate_csv(),
        "file = \"trace.csv\"\nformat = \"rate-csv\"",
        "10m",
    );
    assert_eq!(arrivals(&s, SimTime::MAX), arrivals(&s, SimTime::MAX));
    let summary = scalesim::architectures::run(&s);
    let per_arch: Vec<Vec<u64>> = summary
        .architectures
        .iter()
        .map(|a| a.timeseries.iter().map(|r| r.arrivals).collect())
        .collect();
    assert_eq!(per_arch[0], per_arch[1]);
    assert_eq!(summary.architectures[0].requests.arrived, 273);
    assert_eq!(summary.architectures[1].requests.arrived, 273);
}

/// `scalesim check` on a scenario whose trace holds `csv`: exit code and
/// stderr.
fn check(csv: Option<&str>, demand: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    if let Some(csv) = csv {
        std::fs::write(dir.path().join("trace.csv"), csv).unwrap();
    }
    crate::common::check_in(dir.path(), &scenario_text(demand, "10m"))
}

#[test]
fn malformed_traces_are_reported_with_file_and_line() {
    let rate = "file = \"trace.csv\"\nformat = \"rate-csv\"";
    let stamps = "file = \"trace.csv\"\nformat = \"timestamps-csv\"";
    let head = "error: invalid scenario s.toml, line 6, key `demand.file`: trace ./trace.csv";
    let cases = [
        (
            None,
            rate,
            ": cannot read it: No such file or directory (os error 2)",
        ),
        (
            Some("t,n\n0,5\n60,x\n"),
            rate,
            ", line 3: expected a request count (a whole number >= 0), found \"x\"",
        ),
        (
            Some("t,n\n0,5\n60\n"),
            rate,
            ", line 3: expected a request count in column 2, but the row has 1 column(s)",
        ),
        (Some("t,n\n"), rate, ": the trace is empty: no rows"),
        (Some(""), rate, ": the trace is empty: no rows"),
        (Some("0,0\n60,0\n"), rate, ": the trace holds no requests"),
        (
            Some("0,1\n"),
            rate,
            ": cannot infer the bucket width from a single row: set `bucket` (e.g. bucket = \"1m\")",
        ),
        (
            Some("0,1\n60,2\n30,1\n"),
            rate,
            ", line 3: timestamps go backwards: this row is before the one on line 2",
        ),
        (
            Some("5\n7\n6\n"),
            stamps,
            ", line 3: timestamps go backwards: this row is before the one on line 2",
        ),
        (
            Some("5\nsoon\n"),
            stamps,
            ", line 2: expected a timestamp (seconds, or a date-time such as 2024-05-01T13:00:00Z), found \"soon\"",
        ),
    ];
    for (csv, demand, message) in cases {
        let (code, stderr) = check(csv, demand);
        assert_eq!(code, 2, "{stderr}");
        let expected = format!("{head}{message}\n")
            .replace("./trace.csv", &Path::new("trace.csv").display().to_string());
        assert_eq!(stderr, expected);
    }
    let (code, stderr) = check(
        Some("a,b\n1,2\n"),
        "file = \"trace.csv\"\nformat = \"timestamps-csv\"\ncolumn = \"when\"",
    );
    assert_eq!(code, 2);
    assert!(
        stderr.ends_with("trace.csv, line 1: no column named \"when\"; the columns are: a, b\n"),
        "{stderr}"
    );
}

#[test]
fn demand_command_replays_the_bundled_nasa_week_exactly() {
    // scenarios/data holds 10,080 minutes with 567,783 requests in all.
    let out = Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["demand", "scenarios/nasa-web-1995.toml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("requests   567783 in 7d\n"), "{stdout}");
}
