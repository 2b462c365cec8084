//! The stream of requests every architecture of a scenario replays
//! identically: each request's arrival time and the work (and wait on I/O)
//! of every invocation it causes.

use crate::demand::ArrivalProcess;
use crate::demand::azure::AzureArrivals;
use crate::demand::trace::TraceArrivals;
use crate::dist::Dist;
use crate::engine::Scheduler;
use crate::rng::{self, Stream};
use crate::scenario::Scenario;
use crate::time::SimTime;

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
    /// Per node, its service's wait; empty when no service waits, so that
    /// a scenario without waits draws nothing more.
    wait_dists: Vec<Option<Dist>>,
    wait_rng: Stream,
    /// The waits of the request last drawn, in node order from its root
    /// (empty when no service waits).
    waits: Vec<SimTime>,
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
                demand.profile_for(scenario.seed, replication),
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
        let waits_any = scenario.services.iter().any(|s| s.wait.is_some());
        let wait_dists: Vec<Option<Dist>> = if waits_any {
            let nodes = &scenario.calls.nodes;
            nodes
                .iter()
                .map(|n| scenario.services[n.service].wait.clone())
                .collect()
        } else {
            Vec::new()
        };
        let max_tree = scenario.calls.max_tree_len();
        RequestSource {
            waits: vec![SimTime::ZERO; if waits_any { max_tree } else { 0 }],
            wait_dists,
            wait_rng: rng::stream(scenario.seed, replication, rng::purpose::WAIT),
            arrivals,
            work_rng: rng::stream(scenario.seed, replication, rng::purpose::WORK),
            node_dists: scenario
                .calls
                .nodes
                .iter()
                .map(|n| scenario.services[n.service].work.clone())
                .collect(),
            entries,
            max_tree,
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
    ///
    /// Always inlined: it runs once per request from two callers, and the
    /// call saved and restored registers around every arrival.
    #[inline(always)]
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
        if !self.waits.is_empty() {
            let dists = &self.wait_dists[root as usize..(root + len) as usize];
            for (w, d) in self.waits.iter_mut().zip(dists) {
                *w = d
                    .as_ref()
                    .map_or(SimTime::ZERO, |d| d.sample(&mut self.wait_rng));
            }
        }
        Some((t, root))
    }

    /// The waits of the request last drawn, in node order from its root as
    /// its works are; empty when no service of the scenario waits.
    #[inline]
    pub fn waits(&self) -> &[SimTime] {
        &self.waits
    }
}

/// The next request of a run, drawn one arrival ahead: its arrival waits
/// in the scheduler's feed while its works wait here, so that a model
/// admits it without drawing anything.
pub struct Upcoming {
    source: RequestSource,
    /// The works of the upcoming request, in node order from `root`.
    pub works: Vec<SimTime>,
    /// The root node of its call tree.
    pub root: u32,
}

impl Upcoming {
    pub fn new(scenario: &Scenario, replication: u32) -> Self {
        let source = RequestSource::new(scenario, replication);
        Upcoming {
            works: vec![SimTime::ZERO; source.works_per_request()],
            source,
            root: 0,
        }
    }

    /// Number of work values per request.
    pub fn works_per_request(&self) -> usize {
        self.works.len()
    }

    /// The waits of the upcoming request (empty when no service waits).
    #[inline]
    pub fn waits(&self) -> &[SimTime] {
        self.source.waits()
    }

    /// Number of wait values per request: as many as works when some
    /// service waits, else none.
    pub fn waits_per_request(&self) -> usize {
        self.source.waits().len()
    }

    /// Draws the next request and feeds `arrival` to the scheduler at its
    /// time; does nothing once the demand is exhausted.
    #[inline]
    pub fn stage<E: Copy>(&mut self, sched: &mut Scheduler<E>, arrival: E) {
        if let Some((t, root)) = self.source.next_request(&mut self.works) {
            self.root = root;
            sched.feed(t, arrival);
        }
    }
}
