//! Where the servers of pooled services run, when that is more than "on a
//! machine of their own": the `kubernetes` kind runs them as pods on
//! shared nodes, so a launched pod starts only once a node has room for
//! it, and the nodes, not the pods, are billed. The microservices model
//! asks its [`Placement`] at each of those points; [`OwnMachines`] (plain
//! microservices) answers as every fleet does and compiles away.

use super::Event;
use crate::engine::Scheduler;
use crate::time::SimTime;

/// What decides when a pooled service's launched server starts serving,
/// and what running them costs.
pub trait Placement {
    /// Whether servers stop being billed per server (their pools are
    /// priced at zero) and report their stops.
    const PLACES: bool;

    /// At the start of the run: servers `0..n` of `pool` are up (they must
    /// have room at once), and the placement's own first events.
    fn start(&mut self, pool: u32, n: u32, sched: &mut Scheduler<Event>);

    /// Servers of `pool` launched at `now`, each with the time it would
    /// start serving on a machine of its own: the placement schedules its
    /// `BootDone`, now or once it has room.
    fn launched(
        &mut self,
        pool: u32,
        booted_at: &[(u32, SimTime)],
        now: SimTime,
        sched: &mut Scheduler<Event>,
    );

    /// Server `server` of `pool` stopped at `now`: its room is free.
    fn stopped(&mut self, pool: u32, server: u32, now: SimTime, sched: &mut Scheduler<Event>);

    /// Its own event `id` (an [`Event::Placement`]); the servers it wants
    /// evicted, as (pool, server), go into `evict`.
    fn on_event(
        &mut self,
        id: u32,
        now: SimTime,
        sched: &mut Scheduler<Event>,
        evict: &mut Vec<(u32, u32)>,
    );

    /// USD per second of what it bills, at `now`'s state.
    fn spend_rate(&self) -> f64;

    /// What it bills as servers (nodes), for the timeline.
    fn servers(&self) -> u64;

    /// Of those, the ones starting and the ones leaving (nodes
    /// provisioning and draining), for the timeline.
    fn booting_draining(&self) -> (u64, u64);
}

/// Plain microservices: every server on a machine of its own, booting as
/// drawn and billed by its pool.
#[derive(Clone, Copy, Debug, Default)]
pub struct OwnMachines;

impl Placement for OwnMachines {
    const PLACES: bool = false;

    #[inline]
    fn start(&mut self, _: u32, _: u32, _: &mut Scheduler<Event>) {}

    #[inline]
    fn launched(
        &mut self,
        pool: u32,
        booted_at: &[(u32, SimTime)],
        _: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        for &(server, at) in booted_at {
            sched.schedule(at, Event::BootDone { pool, server });
        }
    }

    #[inline]
    fn stopped(&mut self, _: u32, _: u32, _: SimTime, _: &mut Scheduler<Event>) {}

    #[inline]
    fn on_event(&mut self, _: u32, _: SimTime, _: &mut Scheduler<Event>, _: &mut Vec<(u32, u32)>) {}

    #[inline]
    fn spend_rate(&self) -> f64 {
        0.0
    }

    #[inline]
    fn servers(&self) -> u64 {
        0
    }

    #[inline]
    fn booting_draining(&self) -> (u64, u64) {
        (0, 0)
    }
}
