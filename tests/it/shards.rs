//! Shards: a run or a sweep split into 1, 3 or 7 shards and merged gives
//! every output file byte for byte as the unsharded command; unit results
//! read back from a partial are bit-identical; bad partials are refused
//! by name; `--shard auto` reads Kubernetes' and Slurm's variables; the
//! deploy files hold what a Job and an array need.

use scalesim::results::summary::ArchitectureResult;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every kind (fleet, serverless, microservices with an autoscaled
/// service, autoscaled), short enough to run many times.
const ALL_KINDS: &str = r#"
name = "all-kinds"
duration = "40m"
warmup = "5m"
seed = 11
window = "5m"
[demand]
shape = "diurnal"
min_rps = 2
peak_rps = 20
peak_at = "00:20"
[[services]]
name = "front"
work = { dist = "exponential", mean = "30ms" }
calls = [{ service = "back", mode = "async" }]
[[services]]
name = "back"
work = { dist = "lognormal", median = "60ms", p99 = "300ms" }
[[architectures]]
name = "fleet"
kind = "fleet"
servers = 3
instance = "m5.large"
[[architectures]]
name = "auto"
kind = "autoscaled"
instance = "c5.large"
min = 1
max = 8
policy = { metric = "cpu", target = 0.6 }
boot_time = "30s"
[[architectures]]
name = "functions"
kind = "serverless"
memory = "1024MB"
cold_start = { dist = "lognormal", median = "250ms", p99 = "1.2s" }
keep_alive = "2m"
[[architectures]]
name = "micro"
kind = "microservices"
servers = 2
instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.04, name = "pod" }
[architectures.services.back]
kind = "autoscaled"
instance = { vcpus = 2, memory = "4GB", price_per_hour = 0.08, name = "pod-2" }
min = 1
max = 6
policy = { metric = "cpu", target = 0.7 }
boot_time = "20s"
[slo]
latency = "1s"
percentile = 99
"#;

/// The Kubernetes and Slurm variables, removed from every child so that
/// the machine running the tests cannot pick a shard.
const SHARD_VARS: &[&str] = &[
    "JOB_COMPLETION_INDEX",
    "SCALESIM_SHARD_COUNT",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_STEP",
];

fn scalesim(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scalesim"));
    cmd.args(args).current_dir(cwd);
    for v in SHARD_VARS {
        cmd.env_remove(v);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("the binary runs")
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A folder holding the scenario as `s.toml`.
fn setup() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.toml"), ALL_KINDS).unwrap();
    tmp
}

/// The files of `dir` other than partial results, sorted.
fn outputs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("shard-")
        })
        .collect();
    v.sort();
    v
}

fn assert_same_files(want: &Path, got: &Path) {
    let (w, g) = (outputs(want), outputs(got));
    let names = |v: &[PathBuf]| -> Vec<String> {
        v.iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(names(&w), names(&g));
    for (a, b) in w.iter().zip(&g) {
        assert!(
            std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
            "{} differs from the unsharded {}",
            b.display(),
            a.display()
        );
    }
}

/// Runs `args` unsharded into `full`, then as 1, 3 and 7 shards each
/// merged, and compares every output file.
fn sharded_equals_unsharded(args: &[&str], files: usize) {
    let tmp = setup();
    let dir = tmp.path();
    let with = |extra: &[&str]| -> Vec<String> {
        args.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    let run = |a: Vec<String>| {
        ok(scalesim(
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
            dir,
            &[],
        ))
    };
    run(with(&["--out", "full", "-q"]));
    assert_eq!(outputs(&dir.join("full")).len(), files);
    for n in [1, 3, 7] {
        let parts = format!("parts-{n}");
        for i in 0..n {
            run(with(&[
                "--out",
                &parts,
                "-q",
                "--shard",
                &format!("{i}/{n}"),
            ]));
        }
        let merged = format!("merged-{n}");
        ok(scalesim(
            &["merge", &parts, "--out", &merged, "-q"],
            dir,
            &[],
        ));
        assert_same_files(&dir.join("full"), &dir.join(&merged));
    }
}

#[test]
fn a_sweep_in_1_3_and_7_shards_merges_into_the_unsharded_files() {
    // 2 × 2 points × 2 replications × 4 architectures = 32 units.
    sharded_equals_unsharded(
        &[
            "sweep",
            "s.toml",
            "--vary",
            "demand.scale=0.5,2",
            "--vary",
            "architectures.fleet.servers=2,4",
            "--replications",
            "2",
        ],
        7,
    );
}

#[test]
fn a_run_with_replications_in_1_3_and_7_shards_merges_into_the_unsharded_files() {
    // 3 replications × 4 architectures = 12 units; 13 files with charts.
    sharded_equals_unsharded(&["run", "s.toml", "--replications", "3"], 13);
}

#[test]
fn a_single_run_in_shards_keeps_its_time_series_and_histograms() {
    // One replication: each architecture's own result, not an average.
    sharded_equals_unsharded(&["run", "s.toml", "--charts", "svg"], 8);
}

#[test]
fn unit_results_read_back_from_json_bit_for_bit() {
    // Every bundled scenario: every kind and key that a run writes.
    for b in crate::common::bundled_runs() {
        for a in &b.run.architectures {
            let json = serde_json::to_string(a).unwrap();
            let back: ArchitectureResult = serde_json::from_str(&json)
                .unwrap_or_else(|e| panic!("{} {}: {e}", b.name, a.name));
            assert_eq!(serde_json::to_string(&back).unwrap(), json, "{}", b.name);
            let rows = serde_json::to_string(&a.timeseries).unwrap();
            let back: Vec<scalesim::results::stats::WindowRow> =
                serde_json::from_str(&rows).unwrap();
            assert!(back == a.timeseries, "{} {}: time series", b.name, a.name);
        }
    }
    // Floats whose shortest text is hard to parse back exactly.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut floats = vec![
        0.1 + 0.2,
        5e-324,
        2.225_073_858_507_201e-308,
        f64::MAX,
        -0.0,
    ];
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let f = f64::from_bits(x);
        if f.is_finite() {
            floats.push(f);
        }
    }
    let back: Vec<f64> = serde_json::from_str(&serde_json::to_string(&floats).unwrap()).unwrap();
    for (a, b) in floats.iter().zip(&back) {
        assert_eq!(a.to_bits(), b.to_bits(), "{a:e} came back as {b:e}");
    }
}

/// Two shards of a run in `dir/parts`, with `--seed seed`.
fn two_shards(dir: &Path, parts: &str, seed: &str) {
    for i in 0..2 {
        ok(scalesim(
            &[
                "run",
                "s.toml",
                "--seed",
                seed,
                "--out",
                parts,
                "-q",
                "--shard",
                &format!("{i}/2"),
            ],
            dir,
            &[],
        ));
    }
}

fn refused(dir: &Path, args: &[&str], names: &[&str]) -> String {
    let out = scalesim(args, dir, &[]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    for n in names {
        assert!(err.contains(n), "{args:?}: {err} does not name {n}");
    }
    err
}

#[test]
fn bad_partials_are_refused_by_name() {
    let tmp = setup();
    let dir = tmp.path();
    two_shards(dir, "a", "1");
    two_shards(dir, "b", "2");
    // A shard run again writes the same bytes.
    let first = std::fs::read(dir.join("a/shard-1-of-2.json")).unwrap();
    two_shards(dir, "a", "1");
    assert!(first == std::fs::read(dir.join("a/shard-1-of-2.json")).unwrap());
    // Missing.
    std::fs::create_dir(dir.join("half")).unwrap();
    std::fs::copy(
        dir.join("a/shard-0-of-2.json"),
        dir.join("half/shard-0-of-2.json"),
    )
    .unwrap();
    refused(
        dir,
        &["merge", "half"],
        &["1 of 2 shard(s) missing", "shard-1-of-2.json"],
    );
    let status = scalesim(&["merge", "--status", "half"], dir, &[]);
    assert_eq!(status.status.code(), Some(1));
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains("done     0\n") && text.contains("missing  1\n"),
        "{text}"
    );
    // Duplicated: the same shard in two folders.
    refused(
        dir,
        &["merge", "a", "half"],
        &[
            "shard 0/2 is there twice",
            "a/shard-0-of-2.json",
            "half/shard-0-of-2.json",
        ],
    );
    // Another scenario (another seed).
    std::fs::copy(
        dir.join("b/shard-1-of-2.json"),
        dir.join("half/shard-1-of-2.json"),
    )
    .unwrap();
    refused(
        dir,
        &["merge", "half"],
        &["half/shard-1-of-2.json", "not the same batch"],
    );
    // Another version.
    let text = std::fs::read_to_string(dir.join("a/shard-1-of-2.json")).unwrap();
    let version = format!("\"scalesim\":\"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(text.contains(&version));
    std::fs::write(
        dir.join("half/shard-1-of-2.json"),
        text.replace(&version, "\"scalesim\":\"0.0.1\""),
    )
    .unwrap();
    refused(
        dir,
        &["merge", "half"],
        &["half/shard-1-of-2.json", "written by scalesim 0.0.1"],
    );
    // Truncated.
    std::fs::write(
        dir.join("half/shard-1-of-2.json"),
        &text.as_bytes()[..text.len() / 2],
    )
    .unwrap();
    refused(
        dir,
        &["merge", "half"],
        &["half/shard-1-of-2.json", "truncated"],
    );
    // A folder with none.
    std::fs::create_dir(dir.join("empty")).unwrap();
    refused(dir, &["merge", "empty"], &["empty: no partial result"]);
    // The scenario file the shards ran is what merge uses: the seed-1
    // shards merge whatever s.toml now says.
    std::fs::write(dir.join("s.toml"), "garbage").unwrap();
    ok(scalesim(&["merge", "a", "-q"], dir, &[]));
    assert!(dir.join("a/summary.json").exists());
}

#[test]
fn shard_auto_reads_kubernetes_and_slurm_variables() {
    let tmp = setup();
    let dir = tmp.path();
    let auto = |out: &str, env: &[(&str, &str)]| {
        scalesim(
            &["run", "s.toml", "--out", out, "-q", "--shard", "auto"],
            dir,
            env,
        )
    };
    ok(auto(
        "k8s",
        &[("JOB_COMPLETION_INDEX", "1"), ("SCALESIM_SHARD_COUNT", "2")],
    ));
    assert!(dir.join("k8s/shard-1-of-2.json").exists());
    // `sbatch --array=1-2`: task 2 is shard 1 of 2.
    ok(auto(
        "slurm",
        &[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "2"),
        ],
    ));
    assert!(dir.join("slurm/shard-1-of-2.json").exists());
    let a = std::fs::read(dir.join("k8s/shard-1-of-2.json")).unwrap();
    assert!(a == std::fs::read(dir.join("slurm/shard-1-of-2.json")).unwrap());
    for (env, want) in [
        (&[][..], "neither JOB_COMPLETION_INDEX"),
        (
            &[("JOB_COMPLETION_INDEX", "0")][..],
            "SCALESIM_SHARD_COUNT is not set",
        ),
        (
            &[
                ("SLURM_ARRAY_TASK_ID", "5"),
                ("SLURM_ARRAY_TASK_COUNT", "2"),
            ][..],
            "shard 5 of 2 does not exist",
        ),
    ] {
        let out = auto("none", env);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(want), "{err}");
    }
    assert!(!dir.join("none").exists());
}

/// `plan` takes no `--shard` (the README says why): asked for one, it
/// exits 2 naming the flag and writes nothing.
#[test]
fn plan_refuses_a_shard_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("all.toml"), ALL_KINDS).unwrap();
    let out = scalesim(
        &["plan", "all.toml", "--shard", "0/2", "--out", "p"],
        tmp.path(),
        &[],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--shard"), "{err}");
    assert!(!tmp.path().join("p").exists());
}
