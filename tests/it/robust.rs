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
