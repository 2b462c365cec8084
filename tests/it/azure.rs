//! Multi-function traces (`format = "azure-functions-2019"` and `-2021`):
//! every minute replays exactly its recorded count per function (every
//! invocation at its start, with its duration), each function is its own
//! service with its own arrivals, every architecture sees the same
//! requests, the selection keys and the transformations (`scale`,
//! `speedup`, `start`/`end`, `repeat`) do what they promise, and a broken
//! trace gets its own message and exit code 2.

use crate::common::check_in;
use scalesim::architectures::requests::RequestSource;
use scalesim::scenario::{Scenario, ScenarioError};
use scalesim::time::SimTime;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const DATA: &str = "scenarios/data/azure2019_100";

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(DATA)
}

/// A scenario replaying the bundled sample with `extra` demand keys.
fn text(extra: &str, data: &Path) -> String {
    let d = data.display();
    format!(
        r#"name = "az"
duration = "8h"
seed = 7
[demand]
shape = "trace"
format = "azure-functions-2019"
file = "{d}/invocations.csv"
durations = "{d}/durations.csv"
memory = "{d}/memory.csv"
{extra}
[[architectures]]
name = "fleet"
kind = "fleet"
servers = 40
instance = "m5.large"
[[architectures]]
name = "lambda"
kind = "serverless"
keep_alive = "10m"
"#
    )
}

fn load(extra: &str) -> Scenario {
    scalesim::scenario::parse(&text(extra, &data()), Path::new("az.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The invocations file's rows: (HashFunction, trigger, row sum), in order.
fn rows() -> Vec<(String, String, u64)> {
    let text = std::fs::read_to_string(data().join("invocations.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let sum = f[4..].iter().map(|c| c.parse::<u64>().unwrap()).sum();
            (f[2].to_string(), f[3].to_string(), sum)
        })
        .collect()
}

/// Arrivals of replication 0 with the service each enters at.
fn arrivals(s: &Scenario) -> Vec<(SimTime, usize)> {
    let mut source = RequestSource::new(s, 0);
    let mut w = vec![SimTime::ZERO; source.works_per_request()];
    let mut out = Vec::new();
    while let Some((t, root)) = source.next_request(&mut w) {
        out.push((t, s.calls.nodes[root as usize].service));
    }
    out
}

#[test]
fn the_sample_replays_every_recorded_invocation_per_function_and_minute() {
    let s = load("");
    let rows = rows();
    assert_eq!(s.services.len(), 100);
    let a = arrivals(&s);
    assert_eq!(a.len(), 339_657);
    assert!(a.windows(2).all(|w| w[0].0 <= w[1].0), "in time order");
    assert!(a.last().unwrap().0 < SimTime::from_secs(8 * 3600));
    // Per function: the row sum; per minute of the first function: its counts.
    let mut per_service = vec![0u64; s.services.len()];
    for &(_, svc) in &a {
        per_service[svc] += 1;
    }
    let want: Vec<u64> = rows.iter().map(|r| r.2).collect();
    assert_eq!(per_service, want);
    let text = std::fs::read_to_string(data().join("invocations.csv")).unwrap();
    let first: Vec<u64> = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .skip(4)
        .map(|c| c.parse().unwrap())
        .collect();
    let mut per_minute = vec![0u64; 480];
    for &(t, svc) in &a {
        if svc == 0 {
            per_minute[(t.as_nanos() / 60_000_000_000) as usize] += 1;
        }
    }
    assert_eq!(per_minute, first);
    // Services are named by their hash's first 8 hex digits.
    assert_eq!(s.services[0].name, rows[0].0[..8]);
}

#[test]
fn evenly_spread_arrivals_keep_the_counts() {
    let s = load("arrivals = \"uniform\"");
    assert_eq!(arrivals(&s).len(), 339_657);
}

#[test]
fn fleet_and_serverless_see_the_same_arrivals() {
    let s = load("top = 30");
    let summary = scalesim::architectures::run(&s);
    let per_arch: Vec<Vec<u64>> = summary
        .architectures
        .iter()
        .map(|a| a.timeseries.iter().map(|r| r.arrivals).collect())
        .collect();
    assert_eq!(per_arch[0], per_arch[1]);
    let mut busiest: Vec<u64> = rows().iter().map(|r| r.2).collect();
    busiest.sort_unstable_by(|a, b| b.cmp(a));
    let total: u64 = busiest[..30].iter().sum();
    assert_eq!(summary.architectures[0].requests.arrived, total);
    assert_eq!(summary.architectures[1].requests.arrived, total);
    assert_eq!(arrivals(&s), arrivals(&s));
}

#[test]
fn selection_keys_pick_what_they_promise() {
    let rows = rows();
    // top = 20: the 20 busiest (ties to the earlier row), in file order.
    let s = load("top = 20");
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| rows[b].2.cmp(&rows[a].2).then(a.cmp(&b)));
    let mut top: Vec<usize> = order[..20].to_vec();
    top.sort_unstable();
    let want: Vec<String> = top.iter().map(|&i| rows[i].0[..8].to_string()).collect();
    let got: Vec<String> = s.services.iter().map(|s| s.name.clone()).collect();
    assert_eq!(got, want);
    let total: u64 = top.iter().map(|&i| rows[i].2).sum();
    assert_eq!(arrivals(&s).len() as u64, total);
    // functions = [...] by full hash or short name.
    let s = load(&format!(
        "functions = [\"{}\", \"{}\"]",
        rows[3].0,
        &rows[5].0[..8]
    ));
    let got: Vec<&str> = s.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(got, vec![&rows[3].0[..8], &rows[5].0[..8]]);
    // triggers = ["http"]: the 36 HTTP functions.
    let s = load("triggers = [\"http\"]");
    assert_eq!(s.services.len(), 36);
    let http: u64 = rows.iter().filter(|r| r.1 == "http").map(|r| r.2).sum();
    assert_eq!(arrivals(&s).len() as u64, http);
    // merge = true: one service, every invocation enters there.
    let s = load("merge = true");
    assert_eq!(s.services.len(), 1);
    let a = arrivals(&s);
    assert_eq!(a.len(), 339_657);
    assert!(a.iter().all(|x| x.1 == 0));
    let split = load("");
    let (m, w) = (
        s.calls.mean_work(&s.services),
        split.calls.mean_work(&split.services),
    );
    assert!((m - w).abs() < 1e-6 * w, "merged mean work {m} vs {w}");
}

#[test]
fn trace_memory_is_the_serverless_default_unless_a_function_sets_its_own() {
    let s = load("functions = [\"a3cacf8a\", \"b9386d10\"]");
    let scalesim::scenario::ArchitectureSpec::Serverless(sv) = &s.architectures[1].spec else {
        panic!("serverless");
    };
    // b9386d10 records a few MB (clamped to 128); a3cacf8a about 301 MB.
    let mb: Vec<f64> = sv.functions.iter().map(|f| f.memory_mb.round()).collect();
    assert_eq!(mb, vec![128.0, 301.0]);
    let over = text("functions = [\"a3cacf8a\"]", &data())
        + "[architectures.functions.a3cacf8a]\nmemory = \"1GB\"\n";
    let s =
        scalesim::scenario::parse(&over, Path::new("az.toml")).unwrap_or_else(|e| panic!("{e}"));
    let scalesim::scenario::ArchitectureSpec::Serverless(sv) = &s.architectures[1].spec else {
        panic!("serverless");
    };
    assert_eq!(sv.functions[0].memory_mb, 1024.0);
}

/// `scalesim check` of the scenario with `extra` keys on a copy of the
/// sample whose files `edit` may change: exit code and stderr.
pub(crate) fn check(extra: &str, edit: impl Fn(&Path)) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d");
    std::fs::create_dir(&d).unwrap();
    for f in ["invocations.csv", "durations.csv", "memory.csv"] {
        std::fs::copy(data().join(f), d.join(f)).unwrap();
    }
    edit(&d);
    check_in(dir.path(), &text(extra, Path::new("d")))
}

#[test]
fn broken_traces_and_selections_are_reported_exactly() {
    type Edit = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "functions = [\"deadbeef\"]",
            Box::new(|_: &Path| {}),
            "line 10, key `demand.functions`: unknown function \"deadbeef\": no row of the invocations file has that HashFunction",
        ),
        (
            "",
            Box::new(|d: &Path| std::fs::remove_file(d.join("memory.csv")).unwrap()),
            "line 9, key `demand.memory`: trace d/memory.csv: cannot read it: No such file or directory (os error 2)",
        ),
        (
            "",
            Box::new(|d: &Path| {
                let p = d.join("invocations.csv");
                let t = std::fs::read_to_string(&p).unwrap();
                let mut lines: Vec<String> = t.lines().map(String::from).collect();
                lines[2] = lines[2].replacen(",timer,0,1,", ",timer,0,x,", 1);
                std::fs::write(&p, lines.join("\n") + "\n").unwrap();
            }),
            "line 7, key `demand.file`: trace d/invocations.csv, line 3: expected an invocation count (a whole number >= 0) in column 6, found \"x\"",
        ),
        (
            "",
            Box::new(|d: &Path| {
                let p = d.join("durations.csv");
                let t = std::fs::read_to_string(&p).unwrap();
                let keep: Vec<&str> = t.lines().filter(|l| !l.contains("b9386d10c889")).collect();
                std::fs::write(&p, keep.join("\n") + "\n").unwrap();
            }),
            "line 8, key `demand.durations`: trace d/durations.csv: function b9386d10c889ce4ca90550f25debd35474be8d8ec0dce2cfaf3824a3276ee505 has no row",
        ),
        (
            "bucket = \"1m\"",
            Box::new(|_: &Path| {}),
            "line 10, key `demand.bucket`: key `bucket` is not supported with format = \"azure-functions-2019\"",
        ),
    ];
    for (extra, edit, want) in cases {
        let (code, stderr) = check(extra, edit);
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(stderr, format!("error: invalid scenario s.toml, {want}\n"));
    }
}

#[test]
fn services_tables_are_refused_with_a_multi_function_trace() {
    let t = text("", &data()) + "[[services]]\nname = \"api\"\nwork = \"1ms\"\n";
    let e = scalesim::scenario::parse(&t, Path::new("az.toml")).unwrap_err();
    assert!(
        e.to_string()
            .contains("defines the services: remove the [[services]] tables"),
        "{e}"
    );
}

#[test]
fn demand_command_prints_the_busiest_functions() {
    let out = Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["demand", "scenarios/azure-functions.toml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("requests   339657 in 8h"), "{stdout}");
    let mut rows = rows();
    rows.sort_by_key(|r| std::cmp::Reverse(r.2));
    let line = format!("{:<12}  {}", &rows[0].0[..8], rows[0].2);
    assert!(stdout.contains(&line), "{line} in {stdout}");
}

/// The 2021 excerpt: `app,func,end_timestamp,duration` rows, not sorted.
fn load_2021_text(extra: &str) -> String {
    let f =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data/azure2021/Azure2021_200.csv");
    format!(
        r#"name = "az21"
duration = "30m"
seed = 3
[demand]
shape = "trace"
format = "azure-functions-2021"
file = "{}"
{extra}
[[architectures]]
name = "fleet"
kind = "fleet"
servers = 4
instance = "m5.large"
[[architectures]]
name = "lambda"
kind = "serverless"
"#,
        f.display()
    )
}

fn parse_2021(extra: &str) -> Result<Scenario, ScenarioError> {
    scalesim::scenario::parse(&load_2021_text(extra), Path::new("az21.toml"))
}

fn load_2021(extra: &str) -> Scenario {
    parse_2021(extra).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_2021_trace_replays_each_invocation_at_its_start_with_its_duration() {
    let s = load_2021("");
    assert_eq!(s.services.len(), 31);
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data/azure2021/Azure2021_200.csv"),
    )
    .unwrap();
    // (start, duration) in ns, as the file says, start = end − duration.
    let ns = |v: &str| scalesim::demand::trace::parse_timestamp(v).unwrap();
    let mut want: Vec<(i128, u64, String)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (ns(f[2]) - ns(f[3]), ns(f[3]) as u64, f[1][..8].to_string())
        })
        .collect();
    want.sort_by_key(|w| w.0);
    let origin = want[0].0;
    let mut source = RequestSource::new(&s, 0);
    let mut w = vec![SimTime::ZERO; source.works_per_request()];
    let mut got = Vec::new();
    while let Some((t, root)) = source.next_request(&mut w) {
        let name = s.services[s.calls.nodes[root as usize].service]
            .name
            .clone();
        got.push((t.as_nanos() as i128 + origin, w[0].as_nanos(), name));
    }
    assert_eq!(got.len(), 199);
    let key = |v: &Vec<(i128, u64, String)>| {
        let mut v = v.clone();
        v.sort();
        v
    };
    assert_eq!(key(&got), key(&want));
    assert!(got.windows(2).all(|p| p[0].0 <= p[1].0));
    // Every architecture sees them all.
    let summary = scalesim::architectures::run(&s);
    for a in &summary.architectures {
        assert_eq!(a.requests.arrived, 199);
    }
    // top = 2: the two busiest functions (32 invocations each).
    let s = load_2021("top = 2");
    let mut source = RequestSource::new(&s, 0);
    let mut n = 0;
    while source.next_into(&mut w).is_some() {
        n += 1;
    }
    assert_eq!(n, 64);
}

#[test]
fn a_2021_trace_refuses_the_2019_companions() {
    let e = parse_2021("durations = \"d.csv\"").unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid scenario az21.toml, line 8, key `demand.durations`: key `durations` is not supported with format = \"azure-functions-2021\""
    );
}

#[test]
fn each_function_weighs_by_its_share_of_the_invocations() {
    let s = load("top = 10");
    let total: u64 = s.calls.entries.iter().map(|e| e.len as u64).sum();
    assert_eq!(total, 10, "one single-node tree per function");
    let a = arrivals(&s);
    for (i, svc) in s.services.iter().enumerate() {
        let n = a.iter().filter(|x| x.1 == i).count() as f64;
        let want = n / a.len() as f64 * svc.work.mean();
        let got = s.calls.service_mean_work(&s.services, i);
        assert!((got - want).abs() < 1e-12 + 1e-9 * want, "{}", svc.name);
    }
    let sum: f64 = (0..s.services.len())
        .map(|i| s.calls.service_mean_work(&s.services, i))
        .sum();
    let w = s.calls.mean_work(&s.services);
    assert!((sum - w).abs() < 1e-9 * w);
}

#[test]
fn start_end_speedup_and_repeat_cut_compress_and_loop_whole_minutes() {
    let rows_text = std::fs::read_to_string(data().join("invocations.csv")).unwrap();
    let window: u64 = rows_text
        .lines()
        .skip(1)
        .flat_map(|l| {
            l.split(',')
                .skip(4 + 60)
                .take(60)
                .map(|c| c.parse::<u64>().unwrap())
                .collect::<Vec<_>>()
        })
        .sum();
    // start = 1h, end = 2h: minute columns 60..120, from time 0.
    let s = load("start = \"1h\"\nend = \"2h\"");
    let a = arrivals(&s);
    assert_eq!(a.len() as u64, window);
    assert!(a.last().unwrap().0 < SimTime::from_secs(3600));
    // speedup = 4: all of it within 2 hours.
    let s = load("speedup = 4.0");
    let a = arrivals(&s);
    assert_eq!(a.len(), 339_657);
    assert!(a.last().unwrap().0 < SimTime::from_secs(2 * 3600));
    // repeat: a second lap of the window starts after the first.
    let s = load("start = \"1h\"\nend = \"2h\"\nrepeat = true");
    let mut source = RequestSource::new(&s, 0);
    let mut w = vec![SimTime::ZERO; source.works_per_request()];
    let mut n = 0u64;
    while let Some(t) = source.next_into(&mut w) {
        if t >= SimTime::from_secs(3 * 3600) {
            break;
        }
        n += 1;
    }
    assert_eq!(n, 3 * window);
    // Not whole minutes: an error.
    let e = scalesim::scenario::parse(&text("start = \"30s\"", &data()), Path::new("az.toml"))
        .unwrap_err();
    assert!(
        e.to_string().ends_with(
            "key `demand.start`: expected a whole number of minutes with format = \"azure-functions-2019\" (it counts per minute), found 30s"
        ),
        "{e}"
    );
}

/// Replayed on serverless at its recorded memory, a function takes its
/// recorded durations: the trace's durations were measured at that memory,
/// so its CPU share is not applied a second time.
#[test]
fn serverless_replays_recorded_durations() {
    let s = load("top = 1");
    let (hash, _, _) = rows().into_iter().max_by_key(|r| r.2).unwrap();
    let durations = std::fs::read_to_string(data().join("durations.csv")).unwrap();
    let row: Vec<&str> = durations
        .lines()
        .find(|l| l.contains(hash.as_str()))
        .unwrap()
        .split(',')
        .collect();
    let recorded_p50_ms: f64 = row[10].parse().unwrap(); // percentile_Average_50
    let lambda = scalesim::architectures::run_architecture(&s, &s.architectures[1], 0);
    let p50 = lambda.latency_ms.p50;
    eprintln!("recorded p50 {recorded_p50_ms} ms, replayed {p50} ms");
    assert!(
        (p50 - recorded_p50_ms).abs() <= 0.02 * recorded_p50_ms + 1.0,
        "{p50} vs {recorded_p50_ms}"
    );
}

/// Arrivals per (service, minute of simulated time).
fn per_function_minute(s: &Scenario, minutes: usize) -> Vec<Vec<u64>> {
    let mut out = vec![vec![0u64; minutes]; s.services.len()];
    for (t, svc) in arrivals(s) {
        out[svc][(t.as_nanos() / 60_000_000_000) as usize] += 1;
    }
    out
}

#[test]
fn scale_copies_or_thins_each_function_minute_reproducibly() {
    let recorded = per_function_minute(&load("top = 20"), 480);
    // A whole factor is exact: every function-minute doubled.
    let doubled = per_function_minute(&load("top = 20\nscale = 2.0"), 480);
    let want: Vec<Vec<u64>> = recorded
        .iter()
        .map(|r| r.iter().map(|c| 2 * c).collect())
        .collect();
    assert_eq!(doubled, want);
    // A fraction thins binomially: never more than recorded per cell, the
    // total within 5 standard deviations of half, and the same draw for
    // the same seed.
    let s = load("top = 20\nscale = 0.5");
    let halved = per_function_minute(&s, 480);
    let n: u64 = recorded.iter().flatten().sum();
    let got: u64 = halved.iter().flatten().sum();
    for (h, r) in halved.iter().flatten().zip(recorded.iter().flatten()) {
        assert!(h <= r);
    }
    let sd = (n as f64 * 0.25).sqrt();
    assert!(
        (got as f64 - n as f64 / 2.0).abs() < 5.0 * sd,
        "{got} of {n}"
    );
    assert_eq!(halved, per_function_minute(&s, 480));
    // The rate the sizing and the report see is scaled too.
    let base = load("top = 20");
    let (a, b) = (
        base.demand.profile.cumulative(SimTime::from_secs(8 * 3600)),
        s.demand.profile.cumulative(SimTime::from_secs(8 * 3600)),
    );
    assert!((b - a / 2.0).abs() < 1e-6 * a, "{a} {b}");
    // 1.5: every recorded invocation once, half of them twice.
    let s = load("top = 20\nscale = 1.5");
    let got: u64 = per_function_minute(&s, 480).iter().flatten().sum();
    assert!((got as f64 - 1.5 * n as f64).abs() < 5.0 * sd, "{got}");
    let summary = scalesim::architectures::run(&s);
    assert_eq!(summary.architectures[0].requests.arrived, got);
    assert_eq!(summary.architectures[1].requests.arrived, got);
}

/// The excerpt's invocations as (start ns from the first, duration ns).
fn excerpt() -> Vec<(u64, u64)> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data/azure2021/Azure2021_200.csv"),
    )
    .unwrap();
    let ns = |v: &str| scalesim::demand::trace::parse_timestamp(v).unwrap();
    let mut v: Vec<(i128, i128)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (ns(f[2]) - ns(f[3]), ns(f[3]))
        })
        .collect();
    v.sort();
    let origin = v[0].0;
    v.iter()
        .map(|&(s, d)| ((s - origin) as u64, d as u64))
        .collect()
}

fn replay_2021(extra: &str) -> Vec<(u64, u64)> {
    let s = load_2021(extra);
    let mut source = RequestSource::new(&s, 0);
    let mut w = vec![SimTime::ZERO; source.works_per_request()];
    let mut out = Vec::new();
    while let Some(t) = source.next_into(&mut w) {
        if t >= s.duration {
            break;
        }
        out.push((t.as_nanos(), w[0].as_nanos()));
    }
    out
}

#[test]
fn a_2021_trace_takes_every_transformation() {
    let recorded = excerpt();
    let span = recorded.last().unwrap().0;
    // speedup: every start divided, durations kept.
    let fast = replay_2021("speedup = 4.0");
    let want: Vec<(u64, u64)> = recorded
        .iter()
        .map(|&(s, d)| ((s as f64 / 4.0).round() as u64, d))
        .collect();
    assert_eq!(fast, want);
    // start/end: the invocations starting in [5 min, 15 min), from time 0.
    let (a, b) = (300_000_000_000u64, 900_000_000_000u64);
    let cut = replay_2021("start = \"5m\"\nend = \"15m\"");
    let want: Vec<(u64, u64)> = recorded
        .iter()
        .filter(|r| r.0 >= a && r.0 < b)
        .map(|&(s, d)| (s - a, d))
        .collect();
    assert_eq!(cut, want);
    // repeat: the 10-minute window again from 10 min, within the 30-min run.
    let looped = replay_2021("start = \"5m\"\nend = \"15m\"\nrepeat = true");
    assert_eq!(looped.len(), 3 * want.len());
    for (lap, chunk) in looped.chunks(want.len()).enumerate() {
        let shifted: Vec<(u64, u64)> = want
            .iter()
            .map(|&(s, d)| (s + lap as u64 * (b - a), d))
            .collect();
        assert_eq!(chunk, shifted.as_slice());
    }
    // scale = 3: each invocation three times with its duration, the first
    // exactly on time, the copies before the next recorded start.
    let tripled = replay_2021("scale = 3.0");
    assert_eq!(tripled.len(), 3 * recorded.len());
    assert!(tripled.windows(2).all(|p| p[0].0 <= p[1].0));
    for (i, chunk) in tripled.chunks(3).enumerate() {
        assert_eq!(chunk[0], recorded[i]);
        let next = recorded.get(i + 1).map_or(span + 60_000_000_000, |r| r.0);
        for c in chunk {
            assert_eq!(c.1, recorded[i].1);
            assert!(c.0 >= chunk[0].0 && (c.0 < next || c.0 == chunk[0].0));
        }
    }
    // scale = 0.5: a reproducible thinning of the recorded invocations.
    let thin = replay_2021("scale = 0.5");
    assert!(thin.len() > 60 && thin.len() < 140, "{}", thin.len());
    assert!(thin.iter().all(|x| recorded.contains(x)));
    assert_eq!(thin, replay_2021("scale = 0.5"));
}

#[test]
fn broken_2021_traces_are_reported_exactly() {
    let cases = [
        (
            "app,func,end_timestamp,duration\na,f,10,1\na,g,12,x\n",
            "",
            "line 6, key `demand.file`: trace t.csv, line 3: expected a duration in seconds (a number >= 0), found \"x\"",
        ),
        (
            "app,func,end_timestamp,duration\n",
            "",
            "line 6, key `demand.file`: trace t.csv: the trace is empty: no rows",
        ),
        (
            "app,func,end,duration\na,f,10,1\n",
            "",
            "line 6, key `demand.file`: trace t.csv, line 1: expected a column named \"end_timestamp\" in the header",
        ),
        (
            "app,func,end_timestamp,duration\na,f,10,1\na,g,100,1\n",
            "start = \"2m\"",
            "line 7, key `demand.start`: trace t.csv: the trace holds no invocations between `start` and `end`",
        ),
    ];
    for (csv, extra, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.csv"), csv).unwrap();
        let t = format!(
            "name = \"t\"\nduration = \"1h\"\n[demand]\nshape = \"trace\"\nformat = \"azure-functions-2021\"\n\
             file = \"t.csv\"\n{extra}\n[[architectures]]\nname = \"l\"\nkind = \"serverless\"\n"
        );
        let (code, stderr) = check_in(dir.path(), &t);
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(stderr, format!("error: invalid scenario s.toml, {want}\n"));
    }
}

#[test]
fn microservice_fleets_are_sized_for_each_functions_own_peak() {
    let t = text("top = 8", &data())
        + "[[architectures]]\nname = \"k8s\"\nkind = \"microservices\"\n\
           servers = { size_for = \"peak\", utilization = 0.5 }\n\
           instance = { vcpus = 1, memory = \"2GB\", price_per_hour = 0.04 }\n";
    let s = scalesim::scenario::parse(&t, Path::new("az.toml")).unwrap();
    let scalesim::scenario::ArchitectureSpec::Microservices(m) = &s.architectures[2].spec else {
        panic!("microservices");
    };
    // Each function's busiest minute, straight from the file.
    let text = std::fs::read_to_string(data().join("invocations.csv")).unwrap();
    let peaks: HashMap<String, f64> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let most = f[4..].iter().map(|c| c.parse::<u64>().unwrap()).max();
            (f[2][..8].to_string(), most.unwrap() as f64 / 60.0)
        })
        .collect();
    let mut below_own_peak = 0;
    for (svc, fleet) in s.services.iter().zip(&m.fleets) {
        let scalesim::kinds::microservices::spec::ServiceFleet::Fixed(f) = fleet else {
            panic!("fixed fleets");
        };
        let peak = peaks[&svc.name];
        let sizing = f.sizing.as_ref().unwrap();
        assert!((sizing.rate - peak).abs() < 1e-9, "{}", svc.name);
        let want = ((peak * svc.work.mean() / 0.5) - 1e-9).ceil().max(1.0) as u32;
        assert_eq!(f.servers, want, "{}", svc.name);
        // Its share of the whole trace's peak understates a function that
        // peaks when the others do not (and overstates a steady one).
        let i = s.services.iter().position(|x| x.name == svc.name).unwrap();
        let share_of_peak = s.calls.entries[i].share * s.demand.profile.peak(s.duration);
        if share_of_peak < 0.8 * peak {
            below_own_peak += 1;
        }
    }
    assert!(below_own_peak >= 2, "{below_own_peak} functions peak apart");
}

/// A 2021 trace records no memory: each function gets one full vCPU's
/// memory (1769 MB), so on serverless it runs exactly its recorded
/// durations, as on a fleet; the architecture's or a function's own
/// memory still wins.
#[test]
fn a_2021_trace_replays_its_durations_unchanged_on_serverless() {
    let memories = |s: &Scenario| -> Vec<(f64, f64)> {
        let scalesim::scenario::ArchitectureSpec::Serverless(sv) = &s.architectures[1].spec else {
            panic!("serverless");
        };
        sv.functions
            .iter()
            .map(|f| (f.memory_mb, f.slowdown()))
            .collect()
    };
    let s = load_2021("top = 3");
    assert_eq!(memories(&s), vec![(1769.0, 1.0); 3]);
    let s = scalesim::scenario::parse(
        &format!("{}memory = \"1024MB\"\n", load_2021_text("top = 3")),
        Path::new("az21.toml"),
    )
    .unwrap();
    assert!(memories(&s).iter().all(|m| m.0 == 1024.0 && m.1 > 1.7));
}
