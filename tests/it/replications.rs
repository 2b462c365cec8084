//! Replications and their confidence intervals (issue 12), theory first:
//! the 95 % interval of an M/M/c mean wait covers Erlang C's exact value
//! about 95 % of the time; one replication changes nothing; the number of
//! threads changes nothing; paired differences are tighter than separate
//! intervals; and the CLI refuses bad counts by name, and stops cleanly on
//! Ctrl-C.

use crate::common::{self, MMc};
use scalesim::architectures::{self, RunOptions};
use scalesim::results::estimate::paired;
use scalesim::results::summary::ArchitectureResult;
use scalesim::scenario;
use std::path::Path;
use std::process::Command;

fn scalesim(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the binary runs")
}

/// Every file of `dir`, sorted by name, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// M/M/10 at λ = 8/s, mean work 1 s (ρ = 0.8): Erlang C gives
/// E[W_q] = C(10, 8) / (cμ − λ) ≈ 204.5 ms. Each replication simulates
/// 5 min of warmup (the queue relaxes in well under a minute from empty)
/// and 1 h measured, about 29 k requests; 10 replications give one
/// interval, and 200 seeds give 200 independent intervals. With a true
/// 95 % interval the count that cover is Binomial(200, 0.95): 190 ± 3,
/// so [180, 198] (90–99 %) fails by chance about once in a thousand.
#[test]
fn the_interval_of_the_mmc_mean_wait_covers_erlang_c_95_percent_of_the_time() {
    const SEEDS: u64 = 200;
    const REPLICATIONS: u32 = 10;
    let m = MMc::new(8.0, 1.0, 10);
    let exact_ms = m.mean_wait() * 1e3;
    let started = std::time::Instant::now();
    let mut covered = 0;
    let mut relative_half_widths = Vec::new();
    let mut means = Vec::new();
    for seed in 1..=SEEDS {
        let s = common::mmc_scenario(m, 1.0, seed);
        let run = architectures::run_with(
            &s,
            &RunOptions {
                replications: REPLICATIONS,
                jobs: None,
            },
            &|| {},
        );
        let a = &run.architectures[0];
        let ci = &a.ci95.as_ref().expect("intervals with replications")["wait_ms"]["mean"];
        let (low, high) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
        assert!(low <= a.wait_ms.mean && a.wait_ms.mean <= high);
        if low <= exact_ms && exact_ms <= high {
            covered += 1;
        }
        relative_half_widths.push((high - low) / 2.0 / exact_ms);
        means.push(a.wait_ms.mean);
    }
    let (grand_mean, se) = common::mean_se(&means);
    let half = relative_half_widths.iter().sum::<f64>() / SEEDS as f64;
    eprintln!(
        "coverage {covered}/{SEEDS}; mean half-width {:.1}% of the exact {exact_ms:.2} ms; \
         grand mean {grand_mean:.2} ± {se:.2} ms; {:.1?}",
        half * 100.0,
        started.elapsed()
    );
    assert!(
        (180..=198).contains(&covered),
        "{covered} of {SEEDS} intervals cover the exact {exact_ms:.2} ms (mean half-width \
         {:.1}%; grand mean {grand_mean:.2} ± {se:.2} ms)",
        half * 100.0
    );
    // The bias of a finite run started empty is small against the interval.
    assert!(
        (grand_mean - exact_ms).abs() < 3.0 * se + 0.01 * exact_ms,
        "grand mean {grand_mean:.2} ± {se:.2} ms against the exact {exact_ms:.2} ms"
    );
}

/// `run_with` with one replication, on one thread, is `run`, number for
/// number (the golden test pins `run` itself to the bytes of the
/// outputs). Two bundled scenarios with fleets, autoscaling and
/// serverless: the bakery and the Azure trace would add a minute.
/// A bursty demand is drawn anew for each replication: the arrival counts
/// of 20 replications then vary with the time spent in the busy state,
/// far more than the Poisson variance (= the mean) of one fixed draw;
/// the architectures of one replication still see the same requests.
#[test]
fn random_demand_shapes_are_drawn_per_replication_and_shared_within_one() {
    let s = common::scenario(
        r#"name = "bursts"
duration = "2h"
seed = 3
[demand]
shape = "bursty"
states = [{ rps = 1, mean_sojourn = "10m" }, { rps = 20, mean_sojourn = "10m" }]
noise = 0.2
[[services]]
name = "api"
work = "1ms"
[[architectures]]
name = "a"
kind = "fleet"
servers = 4
instance = { vcpus = 1, memory = "1GB", price_per_hour = 0.1 }
[[architectures]]
name = "b"
kind = "fleet"
servers = 8
instance = { vcpus = 1, memory = "1GB", price_per_hour = 0.1 }
"#,
    );
    let counts: Vec<f64> = (0..20)
        .map(|r| {
            let a = architectures::run_architecture(&s, &s.architectures[0], r);
            let b = architectures::run_architecture(&s, &s.architectures[1], r);
            assert_eq!(a.requests.arrived, b.requests.arrived, "replication {r}");
            a.requests.arrived as f64
        })
        .collect();
    let n = counts.len() as f64;
    let mean = counts.iter().sum::<f64>() / n;
    let var = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (n - 1.0);
    // Time in the busy state over 2 h with 10-minute sojourns has a
    // standard deviation of about 20 min: ~24,000 arrivals, a variance of
    // ~5.8e8 against a Poisson variance of ~75,000.
    assert!(var > 100.0 * mean, "variance {var:.0}, mean {mean:.0}");
    // Replication 0 is the profile the scenario was validated with.
    assert_eq!(
        s.demand.profile_for(s.seed, 0).cumulative(s.duration),
        s.demand.profile.cumulative(s.duration)
    );
}

#[test]
fn one_replication_is_the_plain_run() {
    for b in common::bundled_runs()
        .iter()
        .filter(|b| ["steady-api", "flash-crowd"].contains(&b.name.as_str()))
    {
        let one = architectures::run_with(
            &b.scenario,
            &RunOptions {
                replications: 1,
                jobs: Some(1),
            },
            &|| {},
        );
        assert_eq!(
            serde_json::to_string(&one).unwrap(),
            serde_json::to_string(&b.run).unwrap(),
            "{}",
            b.name
        );
        assert_eq!(one.replications, 1);
        assert!(one.architectures.iter().all(|a| a.ci95.is_none()));
    }
}

/// The number of threads changes no byte of any output, charts included.
#[test]
fn jobs_1_and_jobs_8_write_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::env::current_dir().unwrap();
    // The steady API: 2 architectures × 3 replications of 1.3 M requests
    // keep the test short; every output file is compared.
    let steady = root.join("scenarios/steady-api.toml");
    for jobs in ["1", "8"] {
        let out = scalesim(
            &[
                "run",
                steady.to_str().unwrap(),
                "--replications",
                "3",
                "--jobs",
                jobs,
                "--quiet",
                "--out",
                jobs,
            ],
            dir.path(),
        );
        assert!(out.status.success(), "{out:?}");
    }
    let (one, eight) = (files(&dir.path().join("1")), files(&dir.path().join("8")));
    assert!(one.iter().any(|(n, _)| n == "replications.csv"));
    assert!(one.iter().any(|(n, _)| n == "timeline.png"));
    assert_eq!(
        one.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        eight.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in one.iter().zip(&eight) {
        assert!(a == b, "{name} differs between --jobs 1 and --jobs 8");
    }
    replicated_tables_agree(&dir.path().join("1"), 3);
}

/// A CSV file as its header and rows of strings.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// The CSV contract of a replicated run: `replications.csv` holds one
/// row per (replication, architecture) with the raw numbers; each
/// `summary.csv` mean is the mean of those rows, and its `_low`/`_high`
/// columns are the Student t interval over them (checked by hand for the
/// monthly cost: t(0.975, n − 1) × s / √n).
fn replicated_tables_agree(dir: &Path, n: usize) {
    let (sh, summary) = read_csv(&dir.join("summary.csv"));
    let (rh, reps) = read_csv(&dir.join("replications.csv"));
    let col = |h: &[String], name: &str| h.iter().position(|c| c == name).unwrap();
    assert_eq!(rh[0], "replication");
    assert_eq!(
        reps.len(),
        n * summary.len(),
        "one row per replication and architecture"
    );
    for c in [
        "latency_p99_ms",
        "error_rate",
        "cost_per_month_usd",
        "utilization",
    ] {
        assert!(
            sh.contains(&format!("{c}_low")) && sh.contains(&format!("{c}_high")),
            "{c}"
        );
    }
    let t = 4.302_652_729_911_275; // Student t, 0.975, 2 degrees of freedom
    assert_eq!(n, 3, "the t quantile above is for 3 replications");
    for row in &summary {
        let arch = &row[col(&sh, "architecture")];
        let costs: Vec<f64> = reps
            .iter()
            .filter(|r| &r[col(&rh, "architecture")] == arch)
            .map(|r| r[col(&rh, "cost_per_month_usd")].parse().unwrap())
            .collect();
        assert_eq!(costs.len(), n, "{arch}");
        let reps_of: Vec<&str> = reps
            .iter()
            .filter(|r| &r[col(&rh, "architecture")] == arch)
            .map(|r| r[0].as_str())
            .collect();
        assert_eq!(reps_of, ["0", "1", "2"], "{arch}");
        let mean = costs.iter().sum::<f64>() / n as f64;
        let sd = (costs.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
        let half = t * sd / (n as f64).sqrt();
        let get = |c: &str| -> f64 { row[col(&sh, c)].parse().unwrap() };
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs().max(1.0);
        assert!(
            close(get("cost_per_month_usd"), mean),
            "{arch}: mean {mean}"
        );
        assert!(
            close(get("cost_per_month_usd_low"), mean - half),
            "{arch}: low"
        );
        assert!(
            close(get("cost_per_month_usd_high"), mean + half),
            "{arch}: high"
        );
        for c in [
            "latency_p99_ms",
            "latency_mean_ms",
            "error_rate",
            "utilization",
        ] {
            let (lo, m, hi) = (get(&format!("{c}_low")), get(c), get(&format!("{c}_high")));
            assert!(lo <= m && m <= hi, "{arch} {c}: {lo} ≤ {m} ≤ {hi}");
        }
    }
}

/// Replication r of every architecture sees the same requests (common
/// random numbers), so the interval of a difference between two
/// architectures, from the per-replication differences, is far narrower
/// than the two separate intervals combined as if independent. The two
/// serverless variants of the bakery only (the others would not change
/// the pairing), 5 replications. Mean latency rather than p99: the p99s
/// of the two variants fall in the same histogram bucket in every
/// replication, so their paired difference has no spread at all.
#[test]
fn paired_differences_are_narrower_than_unpaired_ones_on_the_bakery() {
    let mut s = scenario::load(Path::new("scenarios/bakery.toml")).unwrap();
    s.architectures
        .retain(|a| a.name == "lambda-events" || a.name == "lambda-sync");
    let run = architectures::run_with(
        &s,
        &RunOptions {
            replications: 5,
            jobs: None,
        },
        &|| {},
    );
    let arch = |name: &str| -> &ArchitectureResult {
        run.architectures
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let (a, b) = (arch("lambda-events"), arch("lambda-sync"));
    type Metric = fn(&ArchitectureResult) -> f64;
    let metrics: [(&str, Metric); 2] = [
        ("cost per month", |r| r.cost.per_month_usd),
        ("mean latency", |r| r.latency_ms.mean),
    ];
    for (what, f) in metrics {
        let xs: Vec<f64> = a.replicas.iter().map(f).collect();
        let ys: Vec<f64> = b.replicas.iter().map(f).collect();
        let p = paired(&xs, &ys).half_width();
        let (ha, hb) = (
            scalesim::results::estimate::estimate(&xs).half_width(),
            scalesim::results::estimate::estimate(&ys).half_width(),
        );
        let unpaired = (ha * ha + hb * hb).sqrt();
        assert!(unpaired > 0.0, "{what}: no spread across replications");
        let ratio = p / unpaired;
        eprintln!("{what}: paired/unpaired half-width {ratio:.3} ({p:.4} / {unpaired:.4})");
        assert!(
            ratio < 0.8,
            "{what}: the paired half-width is {ratio:.3} of the unpaired one \
             ({p:.4} against {unpaired:.4})"
        );
    }
}

#[test]
fn bad_replication_and_job_counts_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        common::header("1m")
            + "[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 1\ninstance = \"m5.large\"\n",
    )
    .unwrap();
    for (flag, value) in [
        ("--replications", "0"),
        ("--replications", "-1"),
        ("--replications", "2.5"),
        ("--replications", "10001"),
        ("--replications", "many"),
        ("--jobs", "0"),
        ("--jobs", "-2"),
        ("-j", "0"),
    ] {
        let out = scalesim(&["run", "s.toml", flag, value], dir.path());
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        let long = if flag == "-j" { "--jobs" } else { flag };
        assert!(
            stderr.starts_with(&format!("error: invalid value '{value}' for '{long} <N>'")),
            "{flag} {value}: {stderr}"
        );
        assert!(out.stdout.is_empty());
    }
    assert!(!dir.path().join("output").exists());
}

/// SIGINT in the middle of a long run: exit code 130, one line on
/// standard error, and no file in the output folder.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_run_with_130_and_writes_nothing() {
    signal_stops_the_run("INT", 130, "interrupted");
}

/// SIGTERM (what Kubernetes and Slurm send a job they stop): 143, told
/// apart from Ctrl-C, and likewise nothing written.
#[cfg(unix)]
#[test]
fn sigterm_stops_the_run_with_143_and_writes_nothing() {
    signal_stops_the_run("TERM", 143, "terminated");
}

#[cfg(unix)]
fn signal_stops_the_run(signal: &str, code: i32, word: &str) {
    let dir = tempfile::tempdir().unwrap();
    // About 3.6 M requests per replication, 40 of them: about 10 s on 2 cores.
    std::fs::write(
        dir.path().join("slow.toml"),
        r#"name = "slow"
duration = "20000s"
seed = 1
[demand]
shape = "constant"
rps = 180.0
[[services]]
name = "api"
work = { dist = "exponential", mean = "50ms" }
[[architectures]]
name = "fleet"
kind = "fleet"
servers = 10
instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 }
"#,
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["run", "slow.toml", "--out", "out", "--replications", "40"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let kill = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    // No timed assertion: a run that ignored the signal would finish its
    // 40 replications, exit 0 and write outputs, which the checks below
    // refuse.
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert!(
        stderr.ends_with(&format!("\nscalesim: {word}; no outputs written\n")),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    let left: Vec<_> = std::fs::read_dir(dir.path().join("out")).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}
