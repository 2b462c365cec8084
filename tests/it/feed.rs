//! The arrival feed and the completions' calendar against the plain event
//! heap: arrivals wait beside the heap (`Scheduler::feed`) and a fleet's
//! job completions in a calendar queue (`Scheduler::schedule_completion`),
//! both merged with the heap's minimum, which must change nothing but
//! speed. Every bundled scenario, and a scenario built so that arrivals and
//! completions tie with other events at the same nanosecond, writes
//! byte-identical outputs whether they go through the heap or not.

use crate::common::bundled_runs;
use scalesim::architectures;
use scalesim::cli::ChartFormats;
use scalesim::engine::Queues;
use scalesim::report::{self, output};
use scalesim::results::summary::RunSummary;
use scalesim::scenario::{self, Scenario};
use std::path::Path;

/// The text outputs of `scalesim run` (the charts are drawn from them).
fn outputs(scenario: &Scenario, run: &RunSummary) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("summary.json", output::summary_json(run)),
        ("summary.csv", output::summary_csv(run).unwrap()),
        ("timeseries.csv", output::timeseries_csv(run).unwrap()),
        (
            "report.md",
            report::render(scenario, run, ChartFormats::Both.formats()).into_bytes(),
        ),
    ]
}

/// `run` with every architecture re-run on a scheduler that keeps its
/// arrivals and completions as `queues` says.
fn on(queues: Queues, scenario: &Scenario, run: &RunSummary) -> RunSummary {
    assert_eq!(run.replications, 1, "bundled runs are single");
    let mut other = run.clone();
    other.architectures = scenario
        .architectures
        .iter()
        .map(|a| architectures::run::run_architecture_on(scenario, a, 0, queues))
        .collect();
    other
}

/// `run` with every arrival and completion in the heap.
fn on_plain_heap(scenario: &Scenario, run: &RunSummary) -> RunSummary {
    on(Queues::PlainHeap, scenario, run)
}

fn assert_same_outputs(name: &str, scenario: &Scenario, fed: &RunSummary, plain: &RunSummary) {
    for ((file, a), (_, b)) in outputs(scenario, fed)
        .into_iter()
        .zip(outputs(scenario, plain))
    {
        assert!(a == b, "{name}: {file} differs from the usual queues");
    }
    for (a, b) in fed.architectures.iter().zip(&plain.architectures) {
        assert_eq!(a.events, b.events, "{name}/{}: events handled", a.name);
        for q in [0.5, 0.9, 0.99, 0.999, 1.0] {
            assert_eq!(a.latency.quantile(q), b.latency.quantile(q), "{name}");
        }
    }
}

#[test]
fn every_bundled_scenario_writes_the_same_outputs_on_the_plain_heap() {
    for b in bundled_runs() {
        let plain = on_plain_heap(&b.scenario, &b.run);
        assert_same_outputs(&b.name, &b.scenario, &b.run, &plain);
        let calendar = on(Queues::AllCompletionsOnCalendar, &b.scenario, &b.run);
        assert_same_outputs(&b.name, &b.scenario, &b.run, &calendar);
    }
}

/// Arrivals every millisecond exactly, and every duration a whole number
/// of milliseconds: jobs end, keep-alives expire and hops land at the very
/// nanosecond a request arrives, so the order of tied events decides who
/// finds a free slot, a warm instance or room in the queue. A job's async
/// call (on the heap) is due at the instant the job ends (on the
/// calendar); timeouts and spot interruptions leave completions of
/// abandoned jobs on the calendar.
const TIES: &str = r#"
name = "ties"
duration = "20s"
window = "1s"
seed = 3
[demand]
shape = "steps"
steps = [{ at = "0s", rps = 1000 }, { at = "5s", rps = 2000 }, { at = "10s", rps = 500 }]
arrivals = "uniform"
[[services]]
name = "a"
work = { dist = "constant", value = "3ms" }
calls = [{ service = "b", mode = "async" }]
[[services]]
name = "b"
work = { dist = "constant", value = "2ms" }
[[architectures]]
name = "fleet"
kind = "fleet"
servers = 2
queue_limit = 3
timeout = "5ms"
instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 }
[[architectures]]
name = "spot"
kind = "fleet"
servers = 3
queue_limit = 2
instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 }
market = "spot"
spot = { discount = 0.5, boot_time = "1s", mean_time_between_interruptions = "1h", interruptions_at = ["3s", "12s"] }
[[architectures]]
name = "lambda"
kind = "serverless"
memory = "1769MB"
keep_alive = "3ms"
cold_start = { dist = "constant", value = "2ms" }
hop_latency = "1ms"
[[architectures]]
name = "services"
kind = "microservices"
hop_latency = "1ms"
servers = 1
instance = { vcpus = 1, memory = "2GB", price_per_hour = 0.05 }
[[architectures]]
name = "scaled"
kind = "autoscaled"
min = 1
max = 3
boot_time = { dist = "constant", value = "1s" }
evaluation = "1s"
scale_out_cooldown = "1s"
scale_in_cooldown = "2s"
instance = { vcpus = 2, memory = "2GB", price_per_hour = 0.05 }
"#;

#[test]
fn arrivals_and_completions_tied_with_other_events_run_in_insertion_order_on_both_queues() {
    let s = scenario::parse(TIES, Path::new("ties.toml")).unwrap_or_else(|e| panic!("{e}"));
    let fed = architectures::run(&s);
    let plain = on_plain_heap(&s, &fed);
    assert_same_outputs("ties", &s, &fed, &plain);
    // Its fleets are too small for the calendar in real runs: put every
    // completion there, so that the ties meet it too.
    let calendar = on(Queues::AllCompletionsOnCalendar, &s, &fed);
    assert_same_outputs("ties", &s, &fed, &calendar);
    // The ties bit: requests were refused and timed out, so admission
    // depended on what ran first at an instant.
    let fleet = &fed.architectures[0].requests;
    assert!(fleet.rejected > 0 && fleet.timed_out > 0, "{fleet:?}");
    let spot = &fed.architectures[1];
    assert!(spot.requests.rejected > 0, "{:?}", spot.requests);
    assert_eq!(spot.spot.as_ref().unwrap().interruptions, 2);
}
