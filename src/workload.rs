//! What each request asks of the system: the tree of service invocations it
//! causes, and the stream of requests (arrival time plus the work of every
//! invocation) that every architecture of a scenario replays identically.

use crate::azure::AzureArrivals;
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

/// The invocations a request causes, expanded from the service call graph
/// in pre-order, one tree per service a request may enter at (a forest,
/// each tree's nodes contiguous). With the usual single entry, service 0,
/// node 0 is the entry; a service called from two places appears twice.
#[derive(Clone, Debug, PartialEq)]
pub struct CallTree {
    pub nodes: Vec<CallNode>,
    /// The trees, in the order of their entry services.
    pub entries: Vec<Entry>,
    /// By service: the index in `entries` of the tree entered there.
    by_service: Vec<Option<usize>>,
}

/// One tree of the forest: requests entering at `service`.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub service: usize,
    /// Its first node (the entry invocation) and its number of nodes.
    pub root: usize,
    pub len: usize,
    /// The expected share of requests entering here (for sizing).
    pub share: f64,
}

impl CallTree {
    /// Expands the (acyclic) call graph from service 0.
    pub fn build(services: &[Service]) -> Result<CallTree, String> {
        CallTree::build_entries(services, &[(0, 1.0)])
    }

    /// Expands the call graph from each entry service, with the expected
    /// share of requests entering there.
    pub fn build_entries(
        services: &[Service],
        entries: &[(usize, f64)],
    ) -> Result<CallTree, String> {
        let mut tree = CallTree {
            nodes: Vec::new(),
            entries: Vec::with_capacity(entries.len()),
            by_service: vec![None; services.len()],
        };
        for &(service, share) in entries {
            let root = tree.nodes.len();
            tree.expand(services, service, CallMode::Sync)?;
            tree.by_service[service] = Some(tree.entries.len());
            tree.entries.push(Entry {
                service,
                root,
                len: tree.nodes.len() - root,
                share,
            });
        }
        Ok(tree)
    }

    /// The tree requests entering at `service` follow, if they may.
    pub fn entry(&self, service: usize) -> Option<&Entry> {
        self.by_service
            .get(service)
            .copied()
            .flatten()
            .map(|i| &self.entries[i])
    }

    /// Nodes of the largest tree: the work values one request needs.
    pub fn max_tree_len(&self) -> usize {
        self.entries.iter().map(|e| e.len).max().unwrap_or(0)
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

    /// Expected total work (seconds of CPU at 1 vCPU) of one request,
    /// weighted over its entries.
    pub fn mean_work(&self, services: &[Service]) -> f64 {
        self.weighted_work(services, |_| true)
    }

    /// Expected work one request causes at `service`, weighted over the
    /// entries.
    pub fn service_mean_work(&self, services: &[Service], service: usize) -> f64 {
        self.weighted_work(services, |n| n.service == service)
    }

    fn weighted_work(&self, services: &[Service], counts: impl Fn(&CallNode) -> bool) -> f64 {
        self.entries
            .iter()
            .map(|e| {
                let tree: f64 = self.nodes[e.root..e.root + e.len]
                    .iter()
                    .filter(|n| counts(n))
                    .map(|n| services[n.service].work.mean())
                    .sum();
                e.share * tree
            })
            .sum()
    }
}

/// Where arrival times come from: a rate curve, or a recorded trace.
enum Arrivals {
    Rate(ArrivalProcess),
    Trace(Box<TraceArrivals>),
    /// A multi-function trace: each arrival names its function.
    Functions(Box<AzureArrivals>),
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
    /// Per function of a multi-function trace (else just one): the root
    /// node and node count of the tree its requests follow.
    entries: Vec<(u32, u32)>,
    max_tree: usize,
}

impl RequestSource {
    pub fn new(scenario: &Scenario, replication: u32) -> Self {
        let stream = rng::stream(scenario.seed, replication, rng::purpose::ARRIVALS);
        let demand = &scenario.demand;
        let entry = |service: usize| {
            let e = scenario
                .calls
                .entry(service)
                .expect("every entry service has a call tree");
            (e.root as u32, e.len as u32)
        };
        let mut entries = vec![entry(0)];
        let scale_stream = rng::stream(scenario.seed, replication, rng::purpose::TRACE_SCALE);
        let arrivals = match &demand.trace {
            None if demand.functions.is_some() => {
                let trace = demand.functions.clone().expect("checked");
                if !trace.options.merge {
                    entries = (0..trace.functions.len()).map(entry).collect();
                }
                Arrivals::Functions(Box::new(AzureArrivals::new(
                    trace,
                    demand.arrivals,
                    stream,
                    scale_stream,
                )))
            }
            None => Arrivals::Rate(ArrivalProcess::new(
                demand.profile.clone(),
                demand.arrivals,
                stream,
            )),
            Some(trace) => Arrivals::Trace(Box::new(TraceArrivals::new(
                trace.clone(),
                demand.arrivals,
                stream,
                scale_stream,
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
            entries,
            max_tree: scenario.calls.max_tree_len(),
        }
    }

    /// Number of work values per request: one per node of the largest
    /// call tree.
    pub fn works_per_request(&self) -> usize {
        self.max_tree
    }

    /// The next request's arrival time, its work filled into `works` as by
    /// [`RequestSource::next_request`].
    #[inline]
    pub fn next_into(&mut self, works: &mut [SimTime]) -> Option<SimTime> {
        self.next_request(works).map(|(t, _)| t)
    }

    /// The next request: returns its arrival time and the root node of the
    /// call tree it follows, and fills the first `len` of `works` (of
    /// length `works_per_request()`) with the work of that tree's nodes in
    /// node order: node `root + i` gets `works[i]`.
    #[inline]
    pub fn next_request(&mut self, works: &mut [SimTime]) -> Option<(SimTime, u32)> {
        let (t, entry, recorded) = match &mut self.arrivals {
            Arrivals::Rate(a) => (a.next_arrival()?, 0, None),
            Arrivals::Trace(a) => (a.next_arrival()?, 0, None),
            Arrivals::Functions(a) => a.next_arrival()?,
        };
        let (root, len) = self
            .entries
            .get(entry as usize)
            .copied()
            .unwrap_or(self.entries[0]);
        let dists = &self.node_dists[root as usize..(root + len) as usize];
        for (w, d) in works.iter_mut().zip(dists) {
            *w = d.sample(&mut self.work_rng);
        }
        // A trace that records each invocation's duration: that is its work.
        if let Some(w) = recorded {
            works[0] = w;
        }
        Some((t, root))
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
