//! Hostile input: values that look valid but meet integer time, memory
//! or file formats at their edges. Each test is one case that used to
//! panic, hang or print nonsense, and now runs sanely or is refused with
//! exit code 2 and a message naming the key and the limit.

use crate::common::{assert_bad_input, header, scenario};
use scalesim::architectures;

/// A synchronous chain of 600 services whose works add up to 2^64 ns plus
/// 1,184 ns: the sum used to wrap, so every request "completed" about a
/// microsecond after it arrived. It saturates now: none completes.
#[test]
fn a_sync_chain_longer_than_584_years_never_completes() {
    let n = 600;
    let mut text = String::from(
        "name = \"chain\"\nduration = \"1s\"\nseed = 1\n[demand]\nshape = \"constant\"\n\
         rps = 10\narrivals = \"uniform\"\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "[[services]]\nname = \"s{i}\"\nwork = \"30744573456182588ns\"\n"
        ));
        if i + 1 < n {
            text.push_str(&format!("calls = [{{ service = \"s{}\" }}]\n", i + 1));
        }
    }
    text.push_str(
        "[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 1\n\
         instance = { vcpus = 1, memory = \"1GB\", price_per_hour = 1.0 }\n",
    );
    let s = scenario(&text);
    let r = architectures::run_architecture(&s, &s.architectures[0], 0);
    assert_eq!((r.requests.arrived, r.requests.completed), (10, 0));
    assert_eq!(r.requests.in_flight, 10);
}

/// A lognormal whose p99 is a day has a p99.99 of ten years: its draws
/// used to pass 584 years and wrap the clock (`event scheduled in the
/// past`). Distributions are refused when their p99.99 passes 365 days.
#[test]
fn distributions_with_tails_past_a_year_are_refused() {
    let base = header("10m");
    assert_bad_input(
        &base,
        &[
            (
                "work = \"5ms\"",
                "work = { dist = \"lognormal\", median = \"100ms\", p99 = \"1d\" }",
                "line 8, key `services[0].work`: lognormal median 100ms p99 1d has a 99.99th \
                 percentile of 9.8 years, past the limit of 365d on a sampled duration; a request \
                 that long never completes within a run",
            ),
            (
                "work = \"5ms\"",
                "work = { dist = \"lognormal\", mu = 1.0, sigma = 20.0 }",
                "line 8, key `services[0].work`: lognormal median 2.718s p99 213503.982d has a \
                 99.99th percentile of 1.7e25 years, past the limit of 365d on a sampled \
                 duration; a request that long never completes within a run",
            ),
            (
                "work = \"5ms\"",
                "work = \"400d\"",
                "line 8, key `services[0].work`: constant 400d has a 99.99th percentile of 1.1 \
                 years, past the limit of 365d on a sampled duration; a request that long never \
                 completes within a run",
            ),
            (
                "work = \"5ms\"",
                "work = { dist = \"lognormal\", median = \"100ms\", mu = 1.0 }",
                "line 8, key `services[0].work`: a lognormal distribution takes either `median` \
                 and `p99` or `mu` and `sigma`, not both (found `mu` and `median`)",
            ),
        ],
    );
}

proptest::proptest! {
    /// Offsets anywhere in u64, added to a clock anywhere in u64, as a
    /// model adds a sampled work to `now`: nothing panics, time never goes
    /// backwards, and what overflows lands at `SimTime::MAX`, never handled.
    #[test]
    fn extreme_offsets_never_schedule_into_the_past(
        offsets in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::num::u64::ANY,
                (u64::MAX - 1_000)..=u64::MAX,
                0u64..1_000,
            ],
            1..64,
        ),
    ) {
        use scalesim::engine::Scheduler;
        use scalesim::time::SimTime;
        let mut sched: Scheduler<u64> = Scheduler::new();
        sched.schedule(SimTime::ZERO, 0);
        let mut next = offsets.iter().copied();
        let mut last = SimTime::ZERO;
        while let Some((t, _)) = sched.pop_before(SimTime::MAX) {
            proptest::prop_assert!(t >= last);
            proptest::prop_assert!(t < SimTime::MAX);
            last = t;
            if let Some(o) = next.next() {
                sched.schedule(sched.now() + SimTime(o), o);
                sched.schedule_in(SimTime(o / 2), o);
            }
        }
    }
}

/// A copy of the row on line `line` (1-based) of `file` in `d`, appended
/// at its end.
fn duplicate_line(d: &std::path::Path, file: &str, line: usize) {
    let p = d.join(file);
    let t = std::fs::read_to_string(&p).unwrap();
    let row = t.lines().nth(line - 1).unwrap().to_string();
    std::fs::write(&p, format!("{}\n{row}\n", t.trim_end_matches('\n'))).unwrap();
}

/// A function given twice in any of the three files of a 2019 trace used
/// to panic (an index out of bounds) in `check` and `run`; now it is an
/// error naming both lines.
#[test]
fn a_function_given_twice_in_a_2019_trace_names_both_rows() {
    for (file, key, line) in [
        ("invocations.csv", "line 7, key `demand.file`", 102),
        ("durations.csv", "line 8, key `demand.durations`", 102),
        ("memory.csv", "line 9, key `demand.memory`", 102),
    ] {
        let (code, stderr) = crate::azure::check("", |d| duplicate_line(d, file, 3));
        assert_eq!(code, 2, "{stderr}");
        let hash_of_line_3 = {
            let t = std::fs::read_to_string(
                std::path::Path::new("scenarios/data/azure2019_100").join(file),
            )
            .unwrap();
            let header: Vec<&str> = t.lines().next().unwrap().split(',').collect();
            let col = header.iter().position(|h| *h == "HashFunction").unwrap();
            t.lines()
                .nth(2)
                .unwrap()
                .split(',')
                .nth(col)
                .unwrap()
                .to_string()
        };
        assert_eq!(
            stderr,
            format!(
                "error: invalid scenario s.toml, {key}: trace d/{file}, line {line}: function \
                 {hash_of_line_3} has a second row here; its first is on line 3\n"
            )
        );
    }
}

/// `scalesim check` of `files` (name, text) written in a temporary
/// folder, the first being the scenario: exit code, stdout and stderr.
fn check_files(files: &[(&str, &str)], cmd: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let mut args = cmd.to_vec();
    args.push(files[0].0);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(&args)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!dir.path().join("output").exists());
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const FLEET: &str = "[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 4\n\
                     instance = \"m5.large\"\n";

/// Values that used to abort on allocation or hang `check` itself: each
/// is refused by `check` and `run` alike, naming its key, the limit and
/// the smallest value that fits.
#[test]
fn windows_sojourns_and_laps_too_short_for_the_run_are_refused() {
    let base = format!("{}{FLEET}", header("1h"));
    assert_bad_input(
        &base,
        &[
            (
                "rps = 5.0\n",
                "rps = 5.0\nnoise = 0.2\nnoise_window = \"1ns\"\n",
                "line 7, key `demand.noise_window`: `noise_window = \"1ns\"` over 1h makes 3.6e12 \
                 noise windows; the limit is 10 million; use a noise_window of at least 360us",
            ),
            (
                "duration = \"1h\"\n",
                "duration = \"1h\"\nwindow = \"1ns\"\n",
                "line 3, key `window`: `window = \"1ns\"` over 1h makes 3.6e12 time-series rows; \
                 the limit is 1 million; use a window of at least 3.6ms",
            ),
            (
                "shape = \"constant\"\nrps = 5.0\n",
                "shape = \"bursty\"\nstates = [{ rps = 1, mean_sojourn = \"1ns\" }, \
                 { rps = 9, mean_sojourn = \"1ns\" }]\n",
                "line 5, key `demand.states`: mean sojourns averaging 1ns over 1h make about \
                 3.6e12 state changes; the limit is 10 million; use mean sojourns averaging at \
                 least 360us",
            ),
        ],
    );
}

#[test]
fn repeated_traces_with_laps_too_short_are_refused() {
    let trace = |extra: &str| {
        format!(
            "name = \"x\"\nduration = \"1h\"\n[demand]\nshape = \"trace\"\nformat = \
             \"timestamps-csv\"\nfile = \"t.csv\"\nrepeat = true\n{extra}\n[[services]]\n\
             name = \"api\"\nwork = \"5ms\"\n{FLEET}"
        )
    };
    let want = |lap: &str, laps: &str| {
        format!(
            "error: invalid scenario s.toml, line 6, key `demand.file`: trace t.csv: with \
             `repeat`, laps of {lap} of simulated time over 1h make {laps} rate pieces ({laps} \
             laps of 1 bucket(s)); the limit is 10 million; a lap must last at least 360us \
             (replay a longer stretch of the trace, or lower `speedup`)\n"
        )
    };
    // Every timestamp equal: a lap of one nanosecond.
    let same = trace("");
    let (code, _, err) = check_files(&[("s.toml", &same), ("t.csv", "t\n5\n5\n5\n")], &["check"]);
    assert_eq!((code, err), (2, want("1ns", "3.6e12")));
    // A second-long lap sped up 10^15 times.
    let fast = trace("speedup = 1e15");
    let (code, _, err) = check_files(&[("s.toml", &fast), ("t.csv", "t\n0\n1\n")], &["check"]);
    assert_eq!((code, err), (2, want("1ns", "3.6e12")));
}

#[test]
fn fleets_past_a_million_servers_and_initial_past_max_are_refused() {
    let auto = |keys: &str| {
        format!(
            "{}[[architectures]]\nname = \"a\"\nkind = \"autoscaled\"\ninstance = \"m5.large\"\n\
             {keys}\n",
            header("1h")
        )
    };
    let base = auto("min = 1\nmax = 10\ninitial = 2");
    assert_bad_input(
        &base,
        &[
            (
                "max = 10",
                "max = 2000000000",
                "line 14, key `architectures[0].max`: expected at most 1000000 servers, found \
                 2000000000",
            ),
            (
                "initial = 2",
                "initial = 11",
                "line 15, key `architectures[0].initial`: expected initial <= max, found \
                 initial = 11, max = 10",
            ),
            (
                "max = 10",
                "max = 5000000000",
                "line 14, key `architectures[0].max`: expected a whole number of at most \
                 4294967295 (the largest count held), found 5000000000",
            ),
        ],
    );
    let sized = format!(
        "{}[[architectures]]\nname = \"f\"\nkind = \"fleet\"\ninstance = \"m5.large\"\n\
         servers = {{ size_for = \"peak\", utilization = 0.6 }}\n",
        header("1h")
    );
    assert_bad_input(
        &sized,
        &[(
            "utilization = 0.6",
            "utilization = 1e-9",
            "line 13, key `architectures[0].servers`: sizing for 5.0000 rps at utilization \
             0.000000001 gives 1.2e7 servers, past the limit of 1 million; the load keeps \
             0.013 servers busy, so use a utilization of at least 1.250e-8",
        )],
    );
}

/// `rps = 1e12` is a valid rate but 3.6e15 requests an hour: `check`
/// prints the estimate, `run` refuses it with exit code 2 and why.
#[test]
fn a_run_estimated_past_an_hour_is_refused_unless_forced() {
    let text = format!("{}{FLEET}", header("1h")).replace("rps = 5.0", "rps = 1e12");
    let (code, out, err) = check_files(&[("s.toml", &text)], &["check"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.ends_with(
            "estimate   ~3.6e15 requests × 1 architecture(s) × 1 replication(s), 100 time-series \
             rows; estimated run time 23 years on one core, memory 230 PB per run in flight\n\
             \x20          `f` may queue up to ~3.6e15 requests (demand beyond its capacity, no \
             queue_limit)\n"
        ),
        "{out}"
    );
    let (code, out, err) = check_files(&[("s.toml", &text)], &["run", "--quiet"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: s.toml: the run is estimated at 23 years on one core: ~3.6e15 requests × 1 \
         architecture(s) × 1 replication(s) × up to 1 invocation(s) each = 3.6e15 simulated \
         invocations, at about 5 million a second; the limit is 1 h. Lower the demand \
         (`demand.rps`, `demand.scale`, `speedup`), `duration` or `replications`, or pass \
         --force to run anyway\n"
    );
}

/// Demand that outruns a fleet without `queue_limit` or `timeout` fills
/// memory with waiting requests: 2,000 rps against the 1,600 rps that 8
/// slots serve at 5 ms leaves 400 rps × 7 days = 2.4e8 requests waiting,
/// about 15 GB. `check` names the fleet, `run` refuses and says what
/// bounds it; a queue limit or a timeout makes the same run acceptable.
#[test]
fn a_queue_that_would_fill_memory_is_refused_unless_bounded() {
    let text = format!("{}{FLEET}", header("7d")).replace("rps = 5.0", "rps = 2000.0");
    let (code, out, err) = check_files(&[("s.toml", &text)], &["check"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.ends_with(
            "memory 15 GB per run in flight\n           `f` may queue up to ~2.4e8 requests \
             (demand beyond its capacity, no queue_limit)\n"
        ),
        "{out}"
    );
    let (code, out, err) = check_files(&[("s.toml", &text)], &["run", "--quiet"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: s.toml: the run is estimated to need 15 GB of memory; the limit is 8.0 GB: `f` \
         may queue up to ~2.4e8 requests (15 GB): demand outruns its capacity and nothing bounds \
         its queue. Give it a `queue_limit` or a `timeout`, more servers (or a higher `max`), or \
         less demand, or pass --force to run anyway\n"
    );
    // The bound is the fluid excess, exactly: 400 rps over 604,800 s.
    let e = scenario(&text).estimate(1);
    let (n, name) = e.backlog.clone().unwrap();
    assert_eq!(name, "f");
    assert!((n - 400.0 * 604_800.0).abs() < 1e-3 * n, "{n}");
    for bound in ["queue_limit = 100000\n", "timeout = \"30s\"\n"] {
        let bounded = format!("{text}{bound}");
        let e = scenario(&bounded).estimate(1);
        assert_eq!(e.refusal(), None, "{bound}");
        assert!(e.memory_bytes < 20e6, "{bound}: {}", e.memory_bytes);
    }
}

/// A sweep is estimated as a whole before any point runs: one point at
/// two million times the demand is 3.6e10 requests, two hours.
#[test]
fn a_sweep_estimated_past_the_limits_is_refused_unless_forced() {
    let text = format!("{}{FLEET}", header("1h"));
    let (code, out, err) = check_files(
        &[("s.toml", &text)],
        &["sweep", "--quiet", "--vary", "demand.scale=1,2000000"],
    );
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(
        err.starts_with("error: s.toml: the run is estimated at 2 h on one core: ~3.6e10 requests"),
        "{err}"
    );
    assert!(err.ends_with("or pass --force to run anyway\n"), "{err}");
}

/// Values the README's rules forbid, or that made nonsense, each refused
/// at its key: a price that overflowed every cost to NaN, steps that were
/// silently sorted and padded, scheduled minimums out of order, reserved
/// concurrency above the account's limit.
#[test]
fn rules_the_readme_states_are_enforced() {
    let fleet = format!(
        "{}[[architectures]]\nname = \"f\"\nkind = \"fleet\"\nservers = 2\n\
         instance = {{ vcpus = 1, memory = \"1GB\", price_per_hour = 0.1 }}\n",
        header("1h")
    );
    assert_bad_input(
        &fleet,
        &[
            (
                "price_per_hour = 0.1",
                "price_per_hour = 1e308",
                "line 13, key `architectures[0].instance`: expected price_per_hour between 0 and \
                 1000000 (USD), found 1e308",
            ),
            (
                "shape = \"constant\"\nrps = 5.0\n",
                "shape = \"steps\"\nsteps = [{ at = \"1m\", rps = 5 }, { at = \"2m\", rps = 1 }]\n",
                "line 5, key `demand.steps[0].at`: the first step must be at \"0s\", found \"1m\"",
            ),
            (
                "shape = \"constant\"\nrps = 5.0\n",
                "shape = \"steps\"\nsteps = [{ at = \"0s\", rps = 5 }, { at = \"2m\", rps = 1 }, \
                 { at = \"1m\", rps = 3 }]\n",
                "line 5, key `demand.steps[2].at`: steps must be in strictly increasing time: \
                 \"1m\" follows \"2m\"",
            ),
        ],
    );
    let auto = format!(
        "{}[[architectures]]\nname = \"a\"\nkind = \"autoscaled\"\ninstance = \"m5.large\"\n\
         max = 10\nscheduled = [{{ at = \"08:00\", min = 4 }}, {{ at = \"20:00\", min = 2 }}]\n",
        header("1h")
    );
    assert_bad_input(
        &auto,
        &[(
            "\"20:00\"",
            "\"07:00\"",
            "line 14, key `architectures[0].scheduled[1].at`: scheduled minimums must be in \
             increasing time of day: \"07:00\" follows \"8h\"",
        )],
    );
    let lambda = format!(
        "{}[[architectures]]\nname = \"l\"\nkind = \"serverless\"\nconcurrency_limit = 100\n\
         [architectures.functions.api]\nreserved_concurrency = 50\n",
        header("1h")
    );
    assert_bad_input(
        &lambda,
        &[(
            "reserved_concurrency = 50",
            "reserved_concurrency = 500",
            "line 14, key `architectures[0].functions.api.reserved_concurrency`: \
             reserved_concurrency = 500 exceeds the account's concurrency limit of 100 \
             (`concurrency_limit`)",
        )],
    );
}

/// No bundled scenario's summary holds a NaN or an infinity (`run`
/// refuses to write one that does, as an internal error).
#[test]
fn no_bundled_scenario_has_a_non_finite_result() {
    for b in crate::common::bundled_runs() {
        assert_eq!(
            scalesim::results::finite::first_non_finite(&b.run),
            None,
            "{}",
            b.name
        );
    }
}

/// `check` prints enumerated values as the file spells them, not as Rust
/// names them.
#[test]
fn check_prints_names_as_the_scenario_spells_them() {
    let (code, out, _) = check_files(
        &[(
            "s.toml",
            &std::fs::read_to_string("scenarios/flash-crowd.toml").unwrap(),
        )],
        &["check"],
    );
    assert_eq!(code, 0);
    for spelled in [
        "poisson arrivals",
        "cpu target 0.6",
        "gateway http",
        "x86_64",
        "mru idle",
    ] {
        assert!(out.contains(spelled), "{spelled}: {out}");
    }
    for debug in ["Poisson", "Cpu", "Http", "X86_64", "Mru"] {
        assert!(!out.contains(debug), "{debug}: {out}");
    }
}

/// Every file of `dir` with its bytes, sorted by name.
fn contents(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Ctrl-C at several points of a run that replaces an earlier one: the
/// folder then holds the old set or the new one, whole, and nothing else
/// is left beside it.
#[test]
fn an_interrupted_run_leaves_the_old_set_or_the_new_one_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{}{FLEET}", header("6h"))
        .replace("rps = 5.0", "rps = 300.0")
        .replace(
            "duration = \"6h\"\n",
            "duration = \"6h\"\nwindow = \"1s\"\n",
        );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let run = |seed: &str, out: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
            .args([
                "run", "s.toml", "--quiet", "--charts", "none", "--seed", seed, "--out", out,
            ])
            .current_dir(dir.path())
            .spawn()
            .unwrap()
    };
    assert!(run("1", "old").wait().unwrap().success());
    assert!(run("2", "new").wait().unwrap().success());
    let old = contents(&dir.path().join("old"));
    let new = contents(&dir.path().join("new"));
    assert_ne!(old, new);
    let mut outcomes = (0, 0);
    for delay_ms in [0, 100, 250, 400, 600, 900, 1300] {
        let _ = std::fs::remove_dir_all(dir.path().join("out"));
        assert!(run("1", "out").wait().unwrap().success());
        let mut child = run("2", "out");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        let now = contents(&dir.path().join("out"));
        if now == old {
            outcomes.0 += 1;
        } else {
            assert!(now == new, "a mix after {delay_ms} ms ({status:?})");
            outcomes.1 += 1;
        }
        let mut beside: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        beside.sort();
        assert_eq!(
            beside,
            ["new", "old", "out", "s.toml"],
            "after {delay_ms} ms"
        );
    }
    assert!(
        outcomes.0 > 0,
        "no interrupt landed before publishing: {outcomes:?}"
    );
}

/// The estimate counts the servers of an autoscaled group at its `max` and
/// a serverless architecture's instances (its provisioned ones and about
/// as many as its demand keeps busy), names the key that sets the larger
/// pool, and `run` refuses one past the memory limit. A fixed fleet keeps
/// no record per server and adds nothing.
#[test]
fn servers_and_instances_count_in_the_memory_estimate() {
    let arch = |keys: &str| format!("{}[[architectures]]\n{keys}\n", header("1h"));
    let pool = |keys: &str| scenario(&arch(keys)).estimate(1).pool;
    let autoscaled =
        pool("name = \"a\"\nkind = \"autoscaled\"\ninstance = \"m5.large\"\nmax = 1000000")
            .unwrap();
    assert_eq!(
        (autoscaled.count, autoscaled.what, autoscaled.key.as_str()),
        (1e6, "servers", "architectures[0].max")
    );
    assert_eq!(autoscaled.bytes(), 64e6);
    let lambda = "name = \"l\"\nkind = \"serverless\"\nconcurrency_limit = 4000000000\n\
                  [architectures.functions.api]\n";
    let provisioned = pool(&format!("{lambda}provisioned = 2000000")).unwrap();
    assert_eq!(
        provisioned.key,
        "architectures[0].functions.api.provisioned"
    );
    // 2 million provisioned, plus the few that 5 rps keep busy.
    assert!(
        provisioned.count >= 2e6 && provisioned.count < 2e6 + 10.0,
        "{provisioned:?}"
    );
    let capped = pool(&format!(
        "{lambda}provisioned = 300000\nreserved_concurrency = 300000"
    ))
    .unwrap();
    assert_eq!(
        (capped.count, capped.key.as_str()),
        (3e5, "architectures[0].functions.api.reserved_concurrency")
    );
    // Small pools are not named; a fixed fleet has none.
    assert_eq!(pool("name = \"l\"\nkind = \"serverless\""), None);
    let fleet = "name = \"f\"\nkind = \"fleet\"\nservers = 1000000\ninstance = \"m5.large\"";
    assert_eq!(pool(fleet), None);
    let text = arch(&format!("{lambda}provisioned = 100000000"));
    let (code, out, err) = check_files(&[("s.toml", &text)], &["check"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.ends_with(
            "memory 13 GB per run in flight\n           `l` may hold up to ~1.0e8 instances (13 GB, \
             `architectures[0].functions.api.provisioned`)\n"
        ),
        "{out}"
    );
    let (code, _, err) = check_files(&[("s.toml", &text)], &["run", "--quiet"]);
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "error: s.toml: the run is estimated to need 13 GB of memory; the limit is 8.0 GB: \
             `l` may hold up to ~1.0e8 instances (13 GB), set by \
             `architectures[0].functions.api.provisioned`. Lower it, or pass --force to run \
             anyway\n"
        )
    );
}
