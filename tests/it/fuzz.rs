//! Structured fuzzing of the scenario loader: the bundled synthetic
//! scenarios with one or two values swapped for an extreme one (zero,
//! negative, huge, tiny, NaN-like, a nanosecond, centuries). Loading must
//! return a scenario or an error, never panic, and a loaded scenario's
//! estimate must be computable. A bounded number of cases, so that it runs
//! in `cargo test --release` in under a second; failures are kept by
//! proptest in `fuzz.proptest-regressions`.

use proptest::prelude::*;
use std::path::Path;

/// The seed corpus: bundled scenarios that read no trace file.
const CORPUS: &[&str] = &[
    include_str!("../../scenarios/steady-api.toml"),
    include_str!("../../scenarios/flash-crowd.toml"),
    include_str!("../../scenarios/bakery.toml"),
    include_str!("../../scenarios/lunch-peak.toml"),
];

/// Values that have broken integer time, allocation or arithmetic.
const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "1e308",
    "1e-308",
    "4294967296",
    "18446744073709551616",
    "1e12",
    "0.0000001",
    "\"0s\"",
    "\"1ns\"",
    "\"1d\"",
    "\"500000d\"",
    "\"100000d\"",
    "\"-5s\"",
    "\"1e400s\"",
    "\"\"",
    "nan",
    "inf",
];

/// Byte ranges of the values of `key = value` lines: numbers and quoted
/// strings, the places a mutation goes.
fn value_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(eq) = line.find(" = ") {
            let start = offset + eq + 3;
            let rest = &line[eq + 3..];
            let end = rest
                .find(['#', '\n'])
                .map_or(rest.len(), |i| i)
                .min(rest.trim_end().len());
            if end > 0 && !rest.starts_with(['[', '{']) {
                spans.push((start, start + end));
            }
        }
        offset += line.len();
    }
    spans
}

fn mutate(text: &str, picks: &[(usize, usize)]) -> String {
    let spans = value_spans(text);
    let mut chosen: Vec<(usize, usize, &str)> = picks
        .iter()
        .map(|&(s, v)| {
            let (a, b) = spans[s % spans.len()];
            (a, b, EXTREMES[v % EXTREMES.len()])
        })
        .collect();
    chosen.sort();
    chosen.dedup_by_key(|c| c.0);
    let mut out = text.to_string();
    for (a, b, v) in chosen.into_iter().rev() {
        out.replace_range(a..b, v);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
    #[test]
    fn mutated_bundled_scenarios_load_or_fail_cleanly(
        which in 0usize..CORPUS.len(),
        picks in prop::collection::vec((0usize..1000, 0usize..1000), 1..3),
    ) {
        let text = mutate(CORPUS[which], &picks);
        // `scenarios/` so that relative paths resolve as for the corpus.
        if let Ok(s) = scalesim::scenario::parse(&text, Path::new("scenarios/fuzz.toml")) {
            let e = s.estimate(s.replications);
            prop_assert!(e.wall_seconds >= 0.0);
        }
    }
}

#[test]
fn the_corpus_loads_unmutated() {
    for text in CORPUS {
        assert!(!value_spans(text).is_empty());
        scalesim::scenario::parse(text, Path::new("scenarios/x.toml")).unwrap();
    }
}

/// Lines a trace reader may meet: timestamps as seconds or dates (some
/// impossible), counts from zero to past u64, junk and empty fields.
fn trace_line() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..100_000, 0u64..1_000).prop_map(|(t, c)| format!("{t},{c}")),
        Just("0,18446744073709551615".to_string()),
        Just("1995-02-30T00:00:00Z,3".to_string()),
        Just("1995-07-01T00:00+aé:b,1".to_string()),
        Just("5,5".to_string()),
        Just(",".to_string()),
        Just("x,y".to_string()),
        (0u64..100).prop_map(|t| format!("{t}")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    /// Both CSV trace formats, with and without `repeat` and `speedup`,
    /// over generated files: a scenario or an error, never a panic.
    #[test]
    fn generated_trace_files_load_or_fail_cleanly(
        lines in prop::collection::vec(trace_line(), 0..12),
        rate in any::<bool>(),
        repeat in any::<bool>(),
        speedup in prop_oneof![Just(1.0), Just(60.0), Just(1e15)],
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.csv"), lines.join("\n")).unwrap();
        let format = if rate { "rate-csv" } else { "timestamps-csv" };
        let text = format!(
            "name = \"t\"\nduration = \"1h\"\n[demand]\nshape = \"trace\"\nformat = \"{format}\"\n\
             file = \"t.csv\"\nrepeat = {repeat}\nspeedup = {speedup:?}\n[[services]]\n\
             name = \"api\"\nwork = \"5ms\"\n[[architectures]]\nname = \"f\"\nkind = \"fleet\"\n\
             servers = 2\ninstance = \"m5.large\"\n"
        );
        if let Ok(s) = scalesim::scenario::parse(&text, &dir.path().join("s.toml")) {
            prop_assert!(s.estimate(1).wall_seconds >= 0.0);
        }
    }
}
