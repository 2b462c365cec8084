//! What `scalesim demand` prints: the arrivals of a scenario drawn
//! without simulating them, counted per window.

use crate::architectures::requests::RequestSource;
use crate::scenario::Scenario;
use crate::time::SimTime;

/// The demand a scenario replays, counted per window: what `scalesim
/// demand` prints.
#[derive(Clone, Debug, PartialEq)]
pub struct DemandReport {
    pub requests: u64,
    pub window: SimTime,
    /// Requests per second over the run.
    pub mean_rps: f64,
    /// The 95th percentile (nearest rank) and the maximum of the windows'
    /// rates.
    pub p95_rps: f64,
    pub peak_rps: f64,
    /// Start of the window with the most requests (the first if tied).
    pub busiest_at: SimTime,
    /// Requests per entry service (by service index).
    pub per_service: Vec<u64>,
}

/// Draws the arrivals of replication 0 over the run and counts them.
pub fn demand_report(scenario: &Scenario) -> DemandReport {
    let w = scenario.window.as_nanos();
    let n = scenario.duration.as_nanos().div_ceil(w) as usize;
    let mut counts = vec![0u64; n];
    let mut source = RequestSource::new(scenario, 0);
    let mut works = vec![SimTime::ZERO; source.works_per_request()];
    let mut per_service = vec![0u64; scenario.services.len()];
    while let Some((t, root)) = source.next_request(&mut works) {
        if t >= scenario.duration {
            break;
        }
        counts[(t.as_nanos() / w) as usize] += 1;
        per_service[scenario.calls.nodes[root as usize].service] += 1;
    }
    let secs = scenario.window.as_secs_f64();
    let busiest = counts
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .map_or(0, |(i, _)| i);
    let mut sorted = counts.clone();
    sorted.sort_unstable();
    let rank = ((0.95 * n as f64).ceil() as usize).clamp(1, n) - 1;
    let requests: u64 = counts.iter().sum();
    DemandReport {
        requests,
        window: scenario.window,
        mean_rps: requests as f64 / scenario.duration.as_secs_f64(),
        p95_rps: sorted[rank] as f64 / secs,
        peak_rps: counts[busiest] as f64 / secs,
        busiest_at: SimTime(busiest as u64 * w),
        per_service,
    }
}
