//! The cluster under the deployments: nodes with their allocatable room,
//! the scheduler that binds pods to them, and the node autoscaler (the
//! Cluster Autoscaler or Karpenter) that adds and removes them. It is the
//! [`Placement`] of the microservices model that runs the pods.
//!
//! # Rules
//! - A pod the deployment launches (HPA scale-out, a replacement) is
//!   bound at once to a Ready node with room for its requests and a pod
//!   place, chosen by the scoring, and serves after its start time; with
//!   no such node it is **pending**, in creation order.
//! - A stopped pod frees its requests and place; pending pods are bound
//!   whenever room appears (a pod stops, a node becomes Ready).
//! - Cluster Autoscaler: every `scan_interval`, when pods are pending, it
//!   packs them (first fit) onto the nodes still provisioning and then
//!   onto new nodes of each node pool below its `max`, and launches the
//!   new nodes of the pool that leaves the least CPU and memory idle (its
//!   `least-waste` expander; ties to the first pool). A scan that
//!   launched nodes removes none.
//! - Karpenter: a pending pod opens a batch (closed 1 s after the last
//!   pod, 10 s after the first); its pods, largest first, go onto new
//!   nodes one at a time from the pool whose node holds the next pods at
//!   the lowest price per requested core. Its scans reopen a batch for
//!   pods still pending.
//! - Scale-down: a Ready node whose requests (DaemonSets' included) are
//!   below the threshold of its allocatable, CPU or memory whichever is
//!   higher (Karpenter: any node, or only empty ones), is **unneeded**
//!   from that scan on; one unneeded for the unneeded time
//!   (`consolidate_after`) is removed, not within the delay after the last
//!   scale-up and never below its pool's `min`: empty nodes up to 10 at
//!   once, else one node whose pods all fit on the other Ready nodes,
//!   while no other drains. Its pods are evicted (each drains its requests
//!   in progress and is replaced by a new pod, placed as any other) and
//!   the node goes once they have.
//! - Nodes are billed per second with a 60-second minimum, from launch
//!   (provisioning included) to removal; the control plane per hour.

use crate::dist::Dist;
use crate::engine::Scheduler;
use crate::kinds::kubernetes::spec::KubernetesSpec;
use crate::kinds::kubernetes::spec::cluster::{AutoscalerSpec, BATCH_IDLE, BATCH_MAX, NodeScaler};
use crate::kinds::kubernetes::spec::layout::{NodeRoom, Res, Scoring, pick};
use crate::kinds::microservices::model::{Event, Placement};
use crate::pricing::cost;
use crate::results::stats::Level;
use crate::results::summary::LevelSummary;
use crate::rng::{self, Stream};
use crate::time::SimTime;
use std::collections::VecDeque;

const NIL: u32 = u32::MAX;
/// The most empty nodes removed in one scan (`--max-empty-bulk-delete`).
const MAX_EMPTY_BULK_DELETE: usize = 10;
/// The placement event that is a scan; [`BATCH`] is the end of a
/// Karpenter batch window; any other id is a node + 1 that became Ready.
const SCAN: u32 = 0;
const BATCH: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NodeState {
    Provisioning,
    Ready,
    /// Cordoned for removal: takes no pods, goes when its pods have.
    Draining,
    Removed,
}

#[derive(Clone, Debug)]
struct Node {
    pool: u32,
    state: NodeState,
    launched: SimTime,
    /// Unneeded since (Cluster Autoscaler), if it is.
    unneeded_since: Option<SimTime>,
    /// Its pods, as (deployment, pod).
    pods: Vec<(u32, u32)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PodState {
    Pending,
    Bound,
    Gone,
}

#[derive(Clone, Copy, Debug)]
struct Pod {
    state: PodState,
    node: u32,
    /// From binding to serving.
    start: SimTime,
    /// When it was created (its wait, if it pends, counts from here).
    created: SimTime,
}

/// One node pool's running state.
struct PoolState {
    price_per_hour: f64,
    vcpus: u32,
    allocatable: Res,
    max_pods: u32,
    min: u32,
    max: u32,
    provisioning: Dist,
    /// Launched and not removed (provisioning, ready, draining).
    launched: u32,
    /// Of those, draining for removal.
    draining: u32,
    level: Level,
    billed_seconds: f64,
    scale_ups: u64,
    scale_downs: u64,
}

/// What the cluster did over a run, for the results.
pub struct ClusterRun {
    pub pools: Vec<PoolRun>,
    pub control_plane_usd: f64,
    pub pending: LevelSummary,
    /// Pods that waited for room, and their mean wait in seconds.
    pub pods_waited: u64,
    pub mean_wait_s: f64,
    /// Mean bound pods (DaemonSets' not counted).
    pub mean_pods: f64,
    /// Mean requested and allocatable CPU (cores) and memory (GiB) of
    /// launched nodes, DaemonSets' requests included in requested.
    pub requested_cpu: f64,
    pub allocatable_cpu: f64,
    pub requested_memory_gib: f64,
    pub allocatable_memory_gib: f64,
    /// Mean vCPUs of launched nodes.
    pub node_vcpus: f64,
    /// Mean pods bound, per deployment.
    pub bound_pods: Vec<f64>,
}

pub struct PoolRun {
    pub nodes: LevelSummary,
    pub node_seconds: f64,
    pub cost_usd: f64,
    pub scale_ups: u64,
    pub scale_downs: u64,
}

pub struct Cluster {
    scoring: Scoring,
    autoscaler: Option<AutoscalerSpec>,
    daemonset_pods: u32,
    daemonsets: Res,
    pools: Vec<PoolState>,
    nodes: Vec<Node>,
    /// Room of each node, beside `nodes` for [`pick`].
    rooms: Vec<NodeRoom>,
    /// Slots of removed nodes, reused by the next node launched: the
    /// scans and the scheduler's pick cost the nodes up, not every node
    /// a long run ever had. (A removed node has no pod and no event left.)
    free: Vec<u32>,
    /// Each deployment's pod requests, and its pods by the pool's index.
    requests: Vec<Res>,
    pods: Vec<Vec<Pod>>,
    pending: VecDeque<(u32, u32)>,
    pending_now: u64,
    /// Nodes launched and not yet Ready.
    provisioning: u64,
    /// Requested on the nodes up (DaemonSets' included), and pods bound:
    /// kept as they change, so that recording the levels is O(pools).
    requested: Res,
    bound: u64,
    /// Pods bound per deployment, for its share of the nodes' bill.
    bound_per: Vec<(u64, Level)>,
    last_scale_up: Option<SimTime>,
    /// Karpenter: the first and the last pod to pend in the open batch,
    /// and whether its end is scheduled.
    batch: Option<(SimTime, SimTime)>,
    batch_scheduled: bool,
    provisioning_rng: Stream,
    control_plane_per_hour: f64,
    warmup: SimTime,
    /// The levels the results read.
    nodes_level: Level,
    pending_level: Level,
    pods_level: Level,
    requested_cpu: Level,
    allocatable_cpu: Level,
    requested_mem: Level,
    allocatable_mem: Level,
    node_vcpus: Level,
    waited: u64,
    waited_s: f64,
    /// Scratch rooms for the autoscaler's simulations.
    scratch: Vec<NodeRoom>,
}

impl Cluster {
    pub fn new(spec: &KubernetesSpec, warmup: SimTime, seed: u64, replication: u32) -> Self {
        let c = &spec.cluster;
        let pools = c
            .node_pools
            .iter()
            .map(|p| PoolState {
                price_per_hour: p.instance.price_per_hour,
                vcpus: p.instance.vcpus,
                allocatable: p.allocatable,
                max_pods: p.max_pods,
                min: p.min,
                max: p.max,
                provisioning: p.provisioning.clone(),
                launched: 0,
                draining: 0,
                level: Level::default(),
                billed_seconds: 0.0,
                scale_ups: 0,
                scale_downs: 0,
            })
            .collect();
        let mut cluster = Cluster {
            scoring: c.scoring,
            autoscaler: c.autoscaler,
            daemonset_pods: c.daemonset_pods,
            daemonsets: c.daemonsets,
            pools,
            nodes: Vec::new(),
            rooms: Vec::new(),
            free: Vec::new(),
            requests: spec.pods.iter().map(|p| p.requests).collect(),
            pods: vec![Vec::new(); spec.pods.len()],
            pending: VecDeque::new(),
            pending_now: 0,
            provisioning: 0,
            requested: Res::ZERO,
            bound: 0,
            bound_per: vec![(0, Level::default()); spec.pods.len()],
            last_scale_up: None,
            batch: None,
            batch_scheduled: false,
            provisioning_rng: rng::stream(seed, replication, rng::purpose::NODE_PROVISIONING),
            control_plane_per_hour: spec.control_plane.per_hour,
            warmup,
            nodes_level: Level::default(),
            pending_level: Level::default(),
            pods_level: Level::default(),
            requested_cpu: Level::default(),
            allocatable_cpu: Level::default(),
            requested_mem: Level::default(),
            allocatable_mem: Level::default(),
            node_vcpus: Level::default(),
            waited: 0,
            waited_s: 0.0,
            scratch: Vec::new(),
        };
        for &(pool, _) in &spec.layout.nodes {
            cluster.add_node(pool as u32, NodeState::Ready, SimTime::ZERO);
        }
        // The pods up at the start go where validation laid them out.
        for (d, placed) in spec.layout.placed.iter().enumerate() {
            for (server, &node) in placed.iter().enumerate() {
                cluster.pods[d].push(Pod {
                    state: PodState::Pending,
                    node: NIL,
                    start: SimTime::ZERO,
                    created: SimTime::ZERO,
                });
                cluster.bind(d as u32, server as u32, node);
            }
        }
        cluster.record(SimTime::ZERO);
        cluster
    }

    fn empty_room(&self, pool: u32) -> NodeRoom {
        let p = &self.pools[pool as usize];
        NodeRoom {
            allocatable: p.allocatable,
            used: self.daemonsets,
            pods: self.daemonset_pods,
            max_pods: p.max_pods,
        }
    }

    fn add_node(&mut self, pool: u32, state: NodeState, now: SimTime) -> u32 {
        let room = self.empty_room(pool);
        let node = match self.free.pop() {
            Some(i) => {
                let n = &mut self.nodes[i as usize];
                debug_assert!(n.state == NodeState::Removed && n.pods.is_empty());
                (n.pool, n.state, n.launched, n.unneeded_since) = (pool, state, now, None);
                self.rooms[i as usize] = room;
                i
            }
            None => {
                self.nodes.push(Node {
                    pool,
                    state,
                    launched: now,
                    unneeded_since: None,
                    pods: Vec::new(),
                });
                self.rooms.push(room);
                (self.nodes.len() - 1) as u32
            }
        };
        self.requested = self.requested.plus(self.daemonsets);
        self.pools[pool as usize].launched += 1;
        node
    }

    /// The levels the results read, after any change.
    fn record(&mut self, now: SimTime) {
        let w = self.warmup;
        for p in &mut self.pools {
            p.level.set(now, u64::from(p.launched), w);
        }
        let (mut nodes, mut vcpus) = (0u64, 0u64);
        let (req, mut all) = (self.requested, Res::ZERO);
        for p in &self.pools {
            nodes += u64::from(p.launched);
            vcpus += u64::from(p.vcpus) * u64::from(p.launched);
            all = Res {
                cpu_m: all.cpu_m + p.allocatable.cpu_m * u64::from(p.launched),
                memory_mib: all.memory_mib + p.allocatable.memory_mib * u64::from(p.launched),
            };
        }
        let pods = self.bound;
        for (n, level) in &mut self.bound_per {
            level.set(now, *n, w);
        }
        self.nodes_level.set(now, nodes, w);
        self.node_vcpus.set(now, vcpus, w);
        self.pending_level.set(now, self.pending_now, w);
        self.pods_level.set(now, pods, w);
        self.requested_cpu.set(now, req.cpu_m, w);
        self.requested_mem.set(now, req.memory_mib, w);
        self.allocatable_cpu.set(now, all.cpu_m, w);
        self.allocatable_mem.set(now, all.memory_mib, w);
    }

    /// Binds pod `server` of deployment `d` to `node`.
    fn bind(&mut self, d: u32, server: u32, node: usize) {
        let req = self.requests[d as usize];
        let room = &mut self.rooms[node];
        room.used = room.used.plus(req);
        room.pods += 1;
        self.requested = self.requested.plus(req);
        self.bound += 1;
        self.bound_per[d as usize].0 += 1;
        self.nodes[node].pods.push((d, server));
        self.nodes[node].unneeded_since = None;
        let pod = &mut self.pods[d as usize][server as usize];
        pod.state = PodState::Bound;
        pod.node = node as u32;
    }

    /// Binds the pod to a Ready node with room, if there is one, and
    /// schedules its start there.
    fn try_bind(
        &mut self,
        d: u32,
        server: u32,
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) -> bool {
        let req = self.requests[d as usize];
        let nodes = &self.nodes;
        let Some(node) = pick(self.scoring, req, &self.rooms, |i| {
            nodes[i].state == NodeState::Ready
        }) else {
            return false;
        };
        self.start_on(d, server, node, now, sched);
        true
    }

    /// Binds the pod to `node` and schedules its start there.
    fn start_on(
        &mut self,
        d: u32,
        server: u32,
        node: usize,
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        self.bind(d, server, node);
        let pod = self.pods[d as usize][server as usize];
        if pod.created < now && pod.created >= self.warmup {
            self.waited += 1;
            self.waited_s += (now - pod.created).as_secs_f64();
        }
        sched.schedule(now + pod.start, Event::BootDone { pool: d, server });
    }

    /// Node `node` has room now (a pod left it, or it became Ready):
    /// binds to it what fits of the pending pods, in creation order. Only
    /// it can take them: they fitted on no other Ready node, and nothing
    /// else changed.
    fn bind_pending_on(&mut self, node: usize, now: SimTime, sched: &mut Scheduler<Event>) {
        if self.pending_now == 0 {
            self.pending.clear();
            return;
        }
        if self.nodes[node].state != NodeState::Ready {
            return;
        }
        let mut left = VecDeque::with_capacity(self.pending.len());
        while let Some((d, s)) = self.pending.pop_front() {
            if self.pods[d as usize][s as usize].state != PodState::Pending {
                continue;
            }
            if self.rooms[node].takes(self.requests[d as usize]) {
                self.start_on(d, s, node, now, sched);
                self.pending_now -= 1;
            } else {
                left.push_back((d, s));
            }
        }
        self.pending = left;
    }

    /// A scan of the Cluster Autoscaler.
    fn scan(
        &mut self,
        ca: AutoscalerSpec,
        now: SimTime,
        sched: &mut Scheduler<Event>,
        evict: &mut Vec<(u32, u32)>,
    ) {
        // As the Cluster Autoscaler's loop: a scan that scales up does not
        // scale down; unneeded timers run on, and pods no node pool can
        // take (every pool at its max) do not hold the cluster's size.
        if ca.scaler == NodeScaler::ClusterAutoscaler
            && self.pending_now > 0
            && self.scale_up(now, sched)
        {
            return;
        }
        // Karpenter watches pending pods all the time: pods its last nodes
        // did not take (they bind in creation order, not as packed) open a
        // batch again here rather than wait for another pod to pend.
        if matches!(ca.scaler, NodeScaler::Karpenter { .. })
            && self.pending_now > 0
            && self.batch.is_none()
        {
            self.batch_pending(now, sched);
        }
        self.mark_unneeded(ca, now);
        let cooling = self
            .last_scale_up
            .is_some_and(|t| now < t + ca.delay_after_add);
        if !cooling {
            self.scale_down(ca, now, evict);
        }
    }

    /// The requests of the pending pods that the nodes still provisioning
    /// will not take (packed onto them first fit, in creation order), as
    /// both autoscalers count them.
    fn beyond_provisioning(&mut self) -> Vec<Res> {
        self.scratch.clear();
        for (n, r) in self.nodes.iter().zip(&self.rooms) {
            if n.state == NodeState::Provisioning {
                self.scratch.push(*r);
            }
        }
        let mut left = Vec::new();
        for &(d, s) in &self.pending {
            if self.pods[d as usize][s as usize].state != PodState::Pending {
                continue;
            }
            let req = self.requests[d as usize];
            match self.scratch.iter_mut().find(|r| r.takes(req)) {
                Some(r) => {
                    r.used = r.used.plus(req);
                    r.pods += 1;
                }
                None => left.push(req),
            }
        }
        left
    }

    /// Packs the pending pods onto the nodes still provisioning, then onto
    /// new nodes of the pool that wastes least, and launches those;
    /// whether it launched any.
    fn scale_up(&mut self, now: SimTime, sched: &mut Scheduler<Event>) -> bool {
        let unplaced = self.beyond_provisioning();
        if unplaced.is_empty() {
            return false;
        }
        // Each pool's new nodes for the rest, and the CPU they leave idle.
        let mut best: Option<(u32, usize, f64)> = None;
        for pool in 0..self.pools.len() as u32 {
            let p = &self.pools[pool as usize];
            let room = p.max.saturating_sub(p.launched) as usize;
            if room == 0 {
                continue;
            }
            let mut new: Vec<NodeRoom> = Vec::new();
            for &req in &unplaced {
                if let Some(r) = new.iter_mut().find(|r| r.takes(req)) {
                    r.used = r.used.plus(req);
                    r.pods += 1;
                } else if new.len() < room && self.empty_room(pool).takes(req) {
                    let mut r = self.empty_room(pool);
                    r.used = r.used.plus(req);
                    r.pods += 1;
                    new.push(r);
                }
            }
            if new.is_empty() {
                continue;
            }
            // Idle CPU and idle memory, each as a share of the new nodes'.
            let n = new.len() as u64;
            let used = new.iter().fold(Res::ZERO, |u, r| u.plus(r.used));
            let idle = |used: u64, all: u64| 1.0 - used as f64 / (n * all).max(1) as f64;
            let waste = idle(used.cpu_m, p.allocatable.cpu_m)
                + idle(used.memory_mib, p.allocatable.memory_mib);
            if best.is_none_or(|(_, _, w)| waste < w) {
                best = Some((pool, new.len(), waste));
            }
        }
        let Some((pool, n, _)) = best else {
            return false;
        };
        for _ in 0..n {
            self.launch_node(pool, now, sched);
        }
        self.last_scale_up = Some(now);
        true
    }

    /// A pod went pending under Karpenter: it opens a batch, or extends
    /// the open one.
    fn batch_pending(&mut self, now: SimTime, sched: &mut Scheduler<Event>) {
        let first = self.batch.map_or(now, |(f, _)| f);
        self.batch = Some((first, now));
        if !self.batch_scheduled {
            self.batch_scheduled = true;
            sched.schedule(now + BATCH_IDLE, Event::Placement { id: BATCH });
        }
    }

    /// The batch window's timer: provisions once the pods have stopped
    /// coming for `BATCH_IDLE`, or `BATCH_MAX` after the first.
    fn on_batch(&mut self, now: SimTime, sched: &mut Scheduler<Event>) {
        self.batch_scheduled = false;
        let Some((first, last)) = self.batch else {
            return;
        };
        let due = (last + BATCH_IDLE).min(first + BATCH_MAX);
        if now < due {
            self.batch_scheduled = true;
            sched.schedule(due, Event::Placement { id: BATCH });
            return;
        }
        self.batch = None;
        self.provision(now, sched);
    }

    /// Karpenter's provisioning: the pending pods that the nodes still
    /// provisioning will not take, largest CPU request first, packed onto
    /// new nodes one at a time, each of the node pool whose node holds the
    /// next pods at the lowest price per requested core.
    fn provision(&mut self, now: SimTime, sched: &mut Scheduler<Event>) {
        let mut left = self.beyond_provisioning();
        // Stable: equal requests keep their creation order.
        left.sort_by(|a, b| b.cpu_m.cmp(&a.cpu_m).then(b.memory_mib.cmp(&a.memory_mib)));
        let mut launched = false;
        while !left.is_empty() {
            let mut best: Option<(u32, Vec<usize>, f64)> = None;
            for pool in 0..self.pools.len() as u32 {
                let p = &self.pools[pool as usize];
                if p.launched >= p.max {
                    continue;
                }
                let mut room = self.empty_room(pool);
                let mut taken = Vec::new();
                for (i, &req) in left.iter().enumerate() {
                    if room.takes(req) {
                        room.used = room.used.plus(req);
                        room.pods += 1;
                        taken.push(i);
                    }
                }
                if taken.is_empty() {
                    continue;
                }
                let cores: u64 = taken.iter().map(|&i| left[i].cpu_m).sum();
                let per_core = p.price_per_hour / cores.max(1) as f64;
                if best.as_ref().is_none_or(|(_, _, b)| per_core < *b) {
                    best = Some((pool, taken, per_core));
                }
            }
            let Some((pool, taken, _)) = best else {
                break;
            };
            for &i in taken.iter().rev() {
                left.remove(i);
            }
            self.launch_node(pool, now, sched);
            launched = true;
        }
        if launched {
            self.last_scale_up = Some(now);
        }
    }

    /// A new node of `pool`, Ready after the pool's provisioning time.
    fn launch_node(&mut self, pool: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let node = self.add_node(pool, NodeState::Provisioning, now);
        self.provisioning += 1;
        let p = &mut self.pools[pool as usize];
        let ready = p.provisioning.sample(&mut self.provisioning_rng);
        if now >= self.warmup {
            p.scale_ups += 1;
        }
        sched.schedule(now + ready, Event::Placement { id: node + 1 });
    }

    fn utilization(&self, node: usize) -> f64 {
        let (r, a) = (self.rooms[node].used, self.rooms[node].allocatable);
        let share = |u: u64, a: u64| if a == 0 { 1.0 } else { u as f64 / a as f64 };
        share(r.cpu_m, a.cpu_m).max(share(r.memory_mib, a.memory_mib))
    }

    fn mark_unneeded(&mut self, ca: AutoscalerSpec, now: SimTime) {
        for i in 0..self.nodes.len() {
            if self.nodes[i].state != NodeState::Ready {
                continue;
            }
            let low = match ca.scaler {
                NodeScaler::Karpenter { empty_only: true } => self.nodes[i].pods.is_empty(),
                _ => self.utilization(i) < ca.utilization_threshold,
            };
            let n = &mut self.nodes[i];
            match (low, n.unneeded_since) {
                (true, None) => n.unneeded_since = Some(now),
                (false, Some(_)) => n.unneeded_since = None,
                _ => {}
            }
        }
    }

    /// Nodes of `pool` not on their way out.
    fn staying(&self, pool: u32) -> u32 {
        let p = &self.pools[pool as usize];
        p.launched - p.draining
    }

    fn scale_down(&mut self, ca: AutoscalerSpec, now: SimTime, evict: &mut Vec<(u32, u32)>) {
        let due: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| {
                let n = &self.nodes[i];
                n.state == NodeState::Ready
                    && n.unneeded_since
                        .is_some_and(|t| now >= t + ca.unneeded_time)
            })
            .collect();
        if due.is_empty() {
            return;
        }
        let mut removed = 0;
        for &i in &due {
            let pool = self.nodes[i].pool;
            if self.nodes[i].pods.is_empty()
                && removed < MAX_EMPTY_BULK_DELETE
                && self.staying(pool) > self.pools[pool as usize].min
            {
                self.remove(i, now);
                removed += 1;
            }
        }
        if removed > 0 {
            return;
        }
        // One node whose pods all fit elsewhere, and one drain at a time
        // (`--max-drain-parallelism`, 1 by default).
        if self.pools.iter().any(|p| p.draining > 0)
            || ca.scaler == (NodeScaler::Karpenter { empty_only: true })
        {
            return;
        }
        for &i in &due {
            let pool = self.nodes[i].pool;
            if self.staying(pool) <= self.pools[pool as usize].min || !self.movable(i) {
                continue;
            }
            self.nodes[i].state = NodeState::Draining;
            self.nodes[i].unneeded_since = None;
            self.pools[pool as usize].draining += 1;
            if now >= self.warmup {
                self.pools[pool as usize].scale_downs += 1;
            }
            evict.extend_from_slice(&self.nodes[i].pods);
            return;
        }
    }

    /// Whether every pod of node `i` fits on the other Ready nodes, packed
    /// first fit in a simulation.
    fn movable(&mut self, i: usize) -> bool {
        self.scratch.clear();
        for (j, (n, r)) in self.nodes.iter().zip(&self.rooms).enumerate() {
            if j != i && n.state == NodeState::Ready {
                self.scratch.push(*r);
            }
        }
        for &(d, _) in &self.nodes[i].pods {
            let req = self.requests[d as usize];
            match self.scratch.iter_mut().find(|r| r.takes(req)) {
                Some(r) => {
                    r.used = r.used.plus(req);
                    r.pods += 1;
                }
                None => return false,
            }
        }
        true
    }

    /// Node `i` leaves now: billed to here.
    fn remove(&mut self, i: usize, now: SimTime) {
        let n = &mut self.nodes[i];
        debug_assert!(n.pods.is_empty());
        let p = &mut self.pools[n.pool as usize];
        if n.state == NodeState::Draining {
            p.draining -= 1;
        }
        n.state = NodeState::Removed;
        self.requested = self.requested.minus(self.rooms[i].used);
        self.free.push(i as u32);
        p.launched -= 1;
        if now >= self.warmup && n.unneeded_since.is_some() {
            p.scale_downs += 1;
        }
        p.billed_seconds += cost::billed_seconds(
            n.launched,
            now,
            self.warmup,
            SimTime::MAX,
            cost::SERVER_MINIMUM,
        );
        n.unneeded_since = None;
    }

    /// Closes the cluster at `end`.
    pub fn finish(&mut self, end: SimTime) -> ClusterRun {
        let w = self.warmup;
        for n in &self.nodes {
            if n.state != NodeState::Removed {
                let p = &mut self.pools[n.pool as usize];
                p.billed_seconds +=
                    cost::billed_seconds(n.launched, SimTime::MAX, w, end, cost::SERVER_MINIMUM);
            }
        }
        let measured_h = (end - w).as_secs_f64() / 3600.0;
        let pools = self
            .pools
            .iter_mut()
            .map(|p| PoolRun {
                nodes: p.level.summary(end, w),
                node_seconds: p.billed_seconds,
                cost_usd: p.billed_seconds * p.price_per_hour / 3600.0,
                scale_ups: p.scale_ups,
                scale_downs: p.scale_downs,
            })
            .collect();
        ClusterRun {
            pools,
            control_plane_usd: self.control_plane_per_hour * measured_h,
            pending: self.pending_level.summary(end, w),
            pods_waited: self.waited,
            mean_wait_s: if self.waited > 0 {
                self.waited_s / self.waited as f64
            } else {
                0.0
            },
            mean_pods: self.pods_level.summary(end, w).mean,
            requested_cpu: self.requested_cpu.summary(end, w).mean / 1000.0,
            allocatable_cpu: self.allocatable_cpu.summary(end, w).mean / 1000.0,
            requested_memory_gib: self.requested_mem.summary(end, w).mean / 1024.0,
            allocatable_memory_gib: self.allocatable_mem.summary(end, w).mean / 1024.0,
            node_vcpus: self.node_vcpus.summary(end, w).mean,
            bound_pods: self
                .bound_per
                .iter_mut()
                .map(|(_, l)| l.summary(end, w).mean)
                .collect(),
        }
    }
}

impl Placement for Cluster {
    const PLACES: bool = true;

    fn start(&mut self, pool: u32, n: u32, sched: &mut Scheduler<Event>) {
        debug_assert_eq!(self.pods[pool as usize].len(), n as usize);
        if pool == 0
            && let Some(ca) = self.autoscaler
        {
            sched.schedule(ca.scan_interval, Event::Placement { id: SCAN });
        }
    }

    fn launched(
        &mut self,
        pool: u32,
        booted_at: &[(u32, SimTime)],
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        for &(server, at) in booted_at {
            let pods = &mut self.pods[pool as usize];
            debug_assert_eq!(pods.len(), server as usize);
            pods.push(Pod {
                state: PodState::Pending,
                node: NIL,
                start: at - now,
                created: now,
            });
            if !self.try_bind(pool, server, now, sched) {
                self.pending.push_back((pool, server));
                self.pending_now += 1;
                if self
                    .autoscaler
                    .is_some_and(|a| matches!(a.scaler, NodeScaler::Karpenter { .. }))
                {
                    self.batch_pending(now, sched);
                }
            }
        }
        if !booted_at.is_empty() {
            self.record(now);
        }
    }

    fn stopped(&mut self, pool: u32, server: u32, now: SimTime, sched: &mut Scheduler<Event>) {
        let pod = self.pods[pool as usize][server as usize];
        self.pods[pool as usize][server as usize].state = PodState::Gone;
        match pod.state {
            PodState::Gone => return,
            PodState::Pending => self.pending_now -= 1,
            PodState::Bound => {
                let node = pod.node as usize;
                let req = self.requests[pool as usize];
                let room = &mut self.rooms[node];
                room.used = room.used.minus(req);
                room.pods -= 1;
                self.requested = self.requested.minus(req);
                self.bound -= 1;
                self.bound_per[pool as usize].0 -= 1;
                let n = &mut self.nodes[node];
                let at = n
                    .pods
                    .iter()
                    .position(|&x| x == (pool, server))
                    .expect("a bound pod is on its node");
                n.pods.swap_remove(at);
                if n.state == NodeState::Draining && n.pods.is_empty() {
                    self.remove(node, now);
                } else {
                    self.bind_pending_on(node, now, sched);
                }
            }
        }
        self.record(now);
    }

    fn on_event(
        &mut self,
        id: u32,
        now: SimTime,
        sched: &mut Scheduler<Event>,
        evict: &mut Vec<(u32, u32)>,
    ) {
        if id == SCAN {
            let ca = self.autoscaler.expect("scans only with an autoscaler");
            self.scan(ca, now, sched, evict);
            sched.schedule(now + ca.scan_interval, Event::Placement { id: SCAN });
        } else if id == BATCH {
            self.on_batch(now, sched);
        } else {
            let node = (id - 1) as usize;
            debug_assert_eq!(self.nodes[node].state, NodeState::Provisioning);
            self.nodes[node].state = NodeState::Ready;
            self.provisioning -= 1;
            self.bind_pending_on(node, now, sched);
        }
        self.record(now);
    }

    fn spend_rate(&self) -> f64 {
        let nodes: f64 = self
            .pools
            .iter()
            .map(|p| f64::from(p.launched) * p.price_per_hour)
            .sum();
        (nodes + self.control_plane_per_hour) / 3600.0
    }

    fn servers(&self) -> u64 {
        self.pools.iter().map(|p| u64::from(p.launched)).sum()
    }

    fn booting_draining(&self) -> (u64, u64) {
        let draining: u64 = self.pools.iter().map(|p| u64::from(p.draining)).sum();
        (self.provisioning, draining)
    }
}
