//! What each request asks of the system: the tree of service invocations it
//! causes, and the stream of requests (arrival time plus the work of every
//! invocation) that every architecture of a scenario replays identically.

use crate::demand::ArrivalProcess;
use crate::dist::Dist;
use crate::rng::{self, Stream};
use crate::scenario::{CallMode, Scenario, Service};
use crate::time::SimTime;
use crate::trace::TraceArrivals;

/// Largest call tree a request may expand to; beyond it the call graph is
/// almost surely a mistake (a diamond fan-out repeated many levels deep).
pub const MAX_CALL_NODES: usize = 4096;

/// One invocation of a service within a request.
#[derive(Clone, Debug, PartialEq)]
pub struct CallNode {
    pub service: usize,
    /// How the parent invokes this node (the root's mode is irrelevant).
    pub mode: CallMode,
    pub children: Vec<usize>,
}

/// The invocations one request causes, expanded from the service call graph
/// in pre-order: node 0 is the entry service; a service called from two
/// places appears twice.
#[derive(Clone, Debug, PartialEq)]
pub struct CallTree {
    pub nodes: Vec<CallNode>,
}

impl CallTree {
    /// Expands the (acyclic) call graph from service 0.
    pub fn build(services: &[Service]) -> Result<CallTree, String> {
        let mut tree = CallTree { nodes: Vec::new() };
        tree.expand(services, 0, CallMode::Sync)?;
        Ok(tree)
    }

    fn expand(
        &mut self,
        services: &[Service],
        service: usize,
        mode: CallMode,
    ) -> Result<usize, String> {
        if self.nodes.len() >= MAX_CALL_NODES {
            return Err(format!(
                "one request would cause more than {MAX_CALL_NODES} service invocations; simplify the call graph"
            ));
        }
        let id = self.nodes.len();
        self.nodes.push(CallNode {
            service,
            mode,
            children: Vec::new(),
        });
        for call in &services[service].calls {
            let child = self.expand(services, call.service, call.mode)?;
            self.nodes[id].children.push(child);
        }
        Ok(id)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Expected total work (seconds of CPU at 1 vCPU) of one request.
    pub fn mean_work(&self, services: &[Service]) -> f64 {
        self.nodes
            .iter()
            .map(|n| services[n.service].work.mean())
            .sum()
    }
}

/// Where arrival times come from: a rate curve, or a recorded trace.
enum Arrivals {
    Rate(ArrivalProcess),
    Trace(Box<TraceArrivals>),
}

/// The requests of one replication of a scenario, in arrival order.
///
/// Arrival times come from the `arrivals` stream, work sizes from the `work`
/// stream, drawn for every node of the call tree at arrival, in node order,
/// whatever happens to the request later. So request k has the same arrival
/// time and the same work in every architecture.
pub struct RequestSource {
    arrivals: Arrivals,
    work_rng: Stream,
    node_dists: Vec<Dist>,
}

impl RequestSource {
    pub fn new(scenario: &Scenario, replication: u32) -> Self {
        let stream = rng::stream(scenario.seed, replication, rng::purpose::ARRIVALS);
        let demand = &scenario.demand;
        let arrivals = match &demand.trace {
            None => Arrivals::Rate(ArrivalProcess::new(
                demand.profile.clone(),
                demand.arrivals,
                stream,
            )),
            Some(trace) => Arrivals::Trace(Box::new(TraceArrivals::new(
                trace.clone(),
                demand.arrivals,
                stream,
                rng::stream(scenario.seed, replication, rng::purpose::TRACE_SCALE),
            ))),
        };
        RequestSource {
            arrivals,
            work_rng: rng::stream(scenario.seed, replication, rng::purpose::WORK),
            node_dists: scenario
                .calls
                .nodes
                .iter()
                .map(|n| scenario.services[n.service].work.clone())
                .collect(),
        }
    }

    /// Number of work values per request (one per call-tree node).
    pub fn works_per_request(&self) -> usize {
        self.node_dists.len()
    }

    /// The next request: returns its arrival time and fills `works` (of
    /// length `works_per_request()`).
    #[inline]
    pub fn next_into(&mut self, works: &mut [SimTime]) -> Option<SimTime> {
        let t = match &mut self.arrivals {
            Arrivals::Rate(a) => a.next_arrival(),
            Arrivals::Trace(a) => a.next_arrival(),
        }?;
        for (w, d) in works.iter_mut().zip(&self.node_dists) {
            *w = d.sample(&mut self.work_rng);
        }
        Some(t)
    }
}

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
}

/// Draws the arrivals of replication 0 over the run and counts them.
pub fn demand_report(scenario: &Scenario) -> DemandReport {
    let w = scenario.window.as_nanos();
    let n = scenario.duration.as_nanos().div_ceil(w) as usize;
    let mut counts = vec![0u64; n];
    let mut source = RequestSource::new(scenario, 0);
    let mut works = vec![SimTime::ZERO; source.works_per_request()];
    while let Some(t) = source.next_into(&mut works) {
        if t >= scenario.duration {
            break;
        }
        counts[(t.as_nanos() / w) as usize] += 1;
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
    }
}
