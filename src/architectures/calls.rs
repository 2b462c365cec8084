//! The call stepper shared by the kinds whose services run on pools of
//! their own (microservices, serverless): the records of requests and
//! invocations in flight, and the walk of a request's call tree.
//!
//! An invocation runs its own work, then makes its calls in order: an
//! async call is sent and the walk goes on; a sync call is sent and the
//! walk stops until the callee (and its own sync callees) finish, when the
//! callee's release resumes the caller. A call reaches its callee after
//! the callee's hop latency. Once a request has failed, no further call of
//! it is made. The stepper decides what to call and when; the kind decides
//! where an invocation runs and what it costs.

use super::records::{Slab, WorkBlocks};
use super::requests::Upcoming;
use crate::engine::Scheduler;
use crate::scenario::CallTree;
use crate::scenario::calls::CallNode;
use crate::time::SimTime;

/// No invocation (a root's parent) or no holder (not started).
pub const NIL: u32 = u32::MAX;

/// One invocation of a service within a request.
#[derive(Clone, Copy, Debug)]
pub struct Invocation {
    pub req: u32,
    pub node: u32,
    /// The invocation waiting on this one (a sync call), or NIL.
    pub parent: u32,
    /// Index of the next call to make.
    pub step: u32,
    /// What it runs on (a server, an instance), NIL until it starts.
    pub holder: u32,
    /// When it started.
    pub start: SimTime,
}

/// A request in flight.
#[derive(Clone, Copy, Debug, Default)]
pub struct Request {
    pub arrival: SimTime,
    /// The root node of its call tree (its entry invocation).
    pub root: u32,
    /// Invocations started, queued or in transit, not yet released.
    pub outstanding: u32,
    pub live: bool,
    pub failed: bool,
    /// Its path met a cold start (serverless).
    pub cold: bool,
}

/// What releasing an invocation leaves to do.
pub enum Released {
    /// Its sync caller waits: resume it.
    Caller(u32),
    /// Nothing of the request remains: close it.
    Request(u32),
    /// Other invocations of the request are still out.
    Pending,
}

/// The call tree as the stepper walks it, and the records in flight.
pub struct CallStepper {
    /// Per call-tree node: the pool it runs on (service or function), how
    /// it is called, the latency before it is reached, and its callees.
    node_target: Vec<u32>,
    node_sync: Vec<bool>,
    node_hop: Vec<SimTime>,
    children: Vec<Vec<u32>>,
    pub invocations: Slab<Invocation>,
    pub requests: Slab<Request>,
    pub works: WorkBlocks,
    /// Each request's waits on I/O, laid out like its works (no values
    /// when no service waits).
    pub waits: WorkBlocks,
}

impl CallStepper {
    /// `sync(i, node)` says whether node `i` is called synchronously and
    /// `hop(node)` the latency before a call reaches it.
    pub fn new(
        tree: &CallTree,
        upcoming: &Upcoming,
        sync: impl Fn(usize, &CallNode) -> bool,
        hop: impl Fn(&CallNode) -> SimTime,
    ) -> Self {
        CallStepper {
            node_target: tree.nodes.iter().map(|n| n.service as u32).collect(),
            node_sync: tree
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| sync(i, n))
                .collect(),
            node_hop: tree.nodes.iter().map(hop).collect(),
            children: tree
                .nodes
                .iter()
                .map(|n| n.children.iter().map(|&c| c as u32).collect())
                .collect(),
            invocations: Slab::default(),
            requests: Slab::default(),
            works: WorkBlocks::new(upcoming.works_per_request()),
            waits: WorkBlocks::new(upcoming.waits_per_request()),
        }
    }

    /// The service (or function) node `node` invokes.
    #[inline]
    pub fn target(&self, node: u32) -> u32 {
        self.node_target[node as usize]
    }

    /// Whether node `node` is called synchronously.
    #[inline]
    pub fn is_sync(&self, node: u32) -> bool {
        self.node_sync[node as usize]
    }

    /// Admits the upcoming request, arrived at `now`, and creates its
    /// entry invocation. Returns (request, entry invocation). Always
    /// inlined: one caller per kind, once per request.
    #[inline(always)]
    pub fn admit(&mut self, now: SimTime, upcoming: &Upcoming) -> (u32, u32) {
        let req = self.requests.insert(Request {
            arrival: now,
            root: upcoming.root,
            outstanding: 0,
            live: true,
            failed: false,
            cold: false,
        });
        self.works.store(req, &upcoming.works);
        self.waits.store(req, upcoming.waits());
        (req, self.invoke(req, upcoming.root, NIL))
    }

    /// A new invocation of `node` for `req`, waited on by `parent`.
    /// Always inlined, like [`CallStepper::release`]: both run for every
    /// invocation and are shorter than saving registers for a call.
    #[inline(always)]
    pub fn invoke(&mut self, req: u32, node: u32, parent: u32) -> u32 {
        self.requests[req as usize].outstanding += 1;
        self.invocations.insert(Invocation {
            req,
            node,
            parent,
            step: 0,
            holder: NIL,
            start: SimTime::ZERO,
        })
    }

    /// The work of an invocation, drawn when its request arrived.
    #[inline]
    pub fn work(&self, inv: u32) -> SimTime {
        let Invocation { req, node, .. } = self.invocations[inv as usize];
        let root = self.requests[req as usize].root;
        self.works.get(req, (node - root) as usize)
    }

    /// The wait on I/O of an invocation, drawn when its request arrived
    /// (zero when no service waits).
    #[inline]
    pub fn wait(&self, inv: u32) -> SimTime {
        if self.waits.per() == 0 {
            return SimTime::ZERO;
        }
        let Invocation { req, node, .. } = self.invocations[inv as usize];
        let root = self.requests[req as usize].root;
        self.waits.get(req, (node - root) as usize)
    }

    /// The request of an invocation.
    #[inline]
    pub fn request_of(&self, inv: u32) -> &Request {
        &self.requests[self.invocations[inv as usize].req as usize]
    }

    /// Makes the invocation's remaining calls, up to the next sync one,
    /// scheduling `arrive(callee)` after each callee's hop. Returns true
    /// when the invocation has no call left to make (or its request has
    /// failed) and should end; false while it waits on a sync callee.
    /// Always inlined: it runs at every invocation's end of work, and the
    /// caller's closure and scheduler fold into it.
    #[inline(always)]
    pub fn step<E: Copy>(
        &mut self,
        inv: u32,
        now: SimTime,
        sched: &mut Scheduler<E>,
        arrive: impl Fn(u32) -> E,
    ) -> bool {
        let Invocation {
            req, node, step, ..
        } = self.invocations[inv as usize];
        let mut step = step as usize;
        while !self.requests[req as usize].failed && step < self.children[node as usize].len() {
            let child = self.children[node as usize][step];
            step += 1;
            let sync = self.node_sync[child as usize];
            let c = self.invoke(req, child, if sync { inv } else { NIL });
            sched.schedule(now + self.node_hop[child as usize], arrive(c));
            if sync {
                self.invocations[inv as usize].step = step as u32;
                return false;
            }
        }
        true
    }

    /// Frees an invocation's record and says what that leaves to do.
    #[inline(always)]
    pub fn release(&mut self, inv: u32) -> Released {
        let Invocation { req, parent, .. } = self.invocations[inv as usize];
        self.invocations.remove(inv);
        let r = &mut self.requests[req as usize];
        r.outstanding -= 1;
        if parent != NIL {
            Released::Caller(parent)
        } else if r.outstanding == 0 {
            Released::Request(req)
        } else {
            Released::Pending
        }
    }

    /// Frees a request's record once nothing of it remains; returns it.
    pub fn close(&mut self, req: u32) -> Request {
        let r = self.requests[req as usize];
        self.requests[req as usize].live = false;
        self.requests.remove(req);
        r
    }

    /// Requests still in flight that arrived at or after `since` and have
    /// not failed.
    pub fn in_flight(&self, since: SimTime) -> u64 {
        self.requests
            .iter()
            .filter(|r| r.live && !r.failed && r.arrival >= since)
            .count() as u64
    }
}
