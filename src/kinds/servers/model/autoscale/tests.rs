//! The pool on hand-driven timelines: draining, boot order, billing, and
//! what the metric counts during an instance warmup.

use super::*;
use crate::kinds::servers::spec::controller::Ec2Alarms;
use crate::kinds::servers::spec::spot::{InterruptedWork, SpotSpec};
use crate::results::stats::Areas;
use crate::scenario::Metric;

fn spec(min: u32, max: u32) -> ScalingSpec {
    ScalingSpec {
        min,
        max,
        metric: Metric::Cpu,
        target: 0.5,
        evaluation: SimTime::from_secs(60),
        boot_time: Dist::constant(SimTime::from_secs(30)),
        scale_out_cooldown: SimTime::ZERO,
        scale_in_cooldown: SimTime::ZERO,
        tolerance: 0.0,
        scheduled: vec![],
        controller: ControllerSpec::Custom,
    }
}

/// The metric is the pool's own: these areas only carry the queue.
fn no_queue() -> Areas {
    Areas::default()
}

/// Two one-slot servers; one busy slot on average over a minute at 50 %
/// needs 2 → stays. Then a minute with little load (both busy for its last
/// 5 s): the policy keeps min = 1 and must remove a busy server: it
/// drains, serves nothing new, and stops (and is billed) only when its job
/// ends.
#[test]
fn a_busy_server_drains_and_stops_when_its_work_ends() {
    let s = SimTime::from_secs;
    let mut p = Pool::new(&spec(1, 4), 1, 3.6, SimTime::ZERO, 1, 0);
    p.start(2);
    let a = p.take_slot(s(0));
    assert_eq!(p.evaluate(s(60), no_queue()), Launches::default());
    assert_eq!((p.launched(), p.draining()), (2, 0));
    p.release_slot(a, s(60));
    let a = p.take_slot(s(115));
    let b = p.take_slot(s(115));
    assert_ne!(a, b);
    assert!(!p.has_free_slot());
    // 10 slot-seconds in 60 s: needs 1/3 of a server → min = 1, by draining.
    p.evaluate(s(120), no_queue());
    assert_eq!(
        (
            p.launched(),
            p.draining(),
            p.policy.as_ref().unwrap().scale_ins
        ),
        (2, 1, 1)
    );
    assert_eq!(p.working_slots(), 2);
    // The drained server's job ends: it stops; the other takes work again.
    let drained = if p.servers[a as usize].state == State::Draining {
        a
    } else {
        b
    };
    let other = a + b - drained;
    p.release_slot(drained, s(130));
    assert_eq!((p.launched(), p.draining()), (1, 0));
    assert!(!p.has_free_slot());
    p.release_slot(other, s(140));
    assert!(p.has_free_slot());
    // Billed: the stopped server 130 s; the other to the end at 200 s.
    let summary = p.finish(s(200));
    assert_eq!(summary.server_seconds, 330.0);
    assert!((summary.cost_usd - 0.33).abs() < 1e-12);
}

/// Scale-out launches servers that serve only after their boot time;
/// scale-in removes booting servers first.
#[test]
fn booting_servers_serve_late_and_go_first() {
    let s = SimTime::from_secs;
    let mut p = Pool::new(&spec(1, 10), 1, 3.6, SimTime::ZERO, 1, 0);
    p.start(1);
    let a = p.take_slot(s(0));
    // Saturated at 1 slot: needs 1 / 0.5 = 2 servers.
    let l = p.evaluate(s(60), no_queue());
    assert_eq!(l.booted_at.len(), 1);
    assert_eq!(l.booted_at[0].1, s(90));
    assert_eq!((p.launched(), p.booting(), p.working_slots()), (2, 1, 1));
    assert!(!p.has_free_slot());
    // Load gone before the boot finished: the booting one goes first.
    p.release_slot(a, s(60));
    p.evaluate(s(80), no_queue());
    assert_eq!((p.launched(), p.booting()), (1, 0));
    p.boot_done(l.booted_at[0].0, s(90));
    assert_eq!(p.launched(), 1);
    // It lived 20 s and pays the 60 s minimum.
    let summary = p.finish(s(100));
    assert_eq!(summary.server_seconds, 60.0 + 100.0);
}

/// Under EC2 target tracking a new instance serves after its boot but its
/// busy slots stay out of the metric until its warmup ends, when its
/// second timer fires; meanwhile it blocks scale-in.
#[test]
fn a_warming_instance_serves_but_is_not_counted() {
    let s = SimTime::from_secs;
    let mut z = spec(1, 10);
    z.tolerance = 0.1;
    z.controller = ControllerSpec::Ec2TargetTracking(Ec2Alarms {
        instance_warmup: s(120),
        scale_out_datapoints: 1,
        scale_in_datapoints: 1,
    });
    let mut p = Pool::new(&z, 1, 3.6, SimTime::ZERO, 1, 0);
    p.start(1);
    let a = p.take_slot(s(0));
    // Saturated: metric 100 % > 50 %, desired 2: one launch, two timers.
    let l = p.evaluate(s(60), no_queue());
    assert_eq!(l.booted_at.len(), 2);
    assert_eq!((l.booted_at[0].1, l.booted_at[1].1), (s(90), s(210)));
    let new = l.booted_at[0].0;
    p.boot_done(new, s(90));
    assert!(p.has_free_slot());
    let b = p.take_slot(s(90));
    assert_eq!(b, new);
    p.release_slot(a, s(90));
    // 60..120: the counted server was busy 30 of 60 s (50 %, on target);
    // the warming one's 30 busy seconds are not read. 0.5 / 0.5: hold.
    assert_eq!(p.evaluate(s(120), no_queue()), Launches::default());
    // 120..180: the counted server idle, metric 0 — far below target, but
    // the warming instance blocks scale-in.
    assert_eq!(p.evaluate(s(180), no_queue()), Launches::default());
    assert_eq!(p.launched(), 2);
    // Warmup over at 210: its busy slot now counts. 180..240: counted busy
    // 30 s over a mean of 1.5 counted servers.
    p.boot_done(new, s(210));
    p.evaluate(s(240), no_queue());
    // Busy 30 s of 60 → needs 0.5 / 0.5 = 1 server: one leaves (the idle
    // first server), the working one stays.
    assert_eq!((p.launched(), p.draining()), (1, 0));
    assert_eq!(p.servers[new as usize].state, State::Serving);
}

fn spot(work: InterruptedWork) -> SpotSpec {
    SpotSpec {
        price_per_hour: 1.8,
        discount: None,
        mean_time_between_interruptions: None,
        interruptions_at: vec![],
        notice: SimTime::from_secs(120),
        interrupted_work: work,
        boot_time: Dist::constant(SimTime::from_secs(45)),
        source: String::new(),
        date: String::new(),
    }
}

/// Spot notices on each state a server can be in: a busy serving one
/// drains and is replaced, with its work lost at the notice's end (or at
/// once under "lose"); an idle one stops at once; one already draining
/// after a scale-in is not replaced; a booting one stops and is replaced;
/// a second notice for the same server is ignored.
#[test]
fn a_spot_notice_drains_replaces_and_loses_work_by_state() {
    let s = SimTime::from_secs;
    let mut p = Pool::fixed(1, 3.6, SimTime::ZERO, 1, 0)
        .with_spot(&spot(InterruptedWork::Finish), rng::stream(1, 0, "t"));
    assert!(
        p.start(2).interrupt_at.is_empty(),
        "no random interruptions"
    );
    let busy = p.take_slot(s(0));
    let idle = 1 - busy;
    let i = p.interrupt(busy, s(100));
    assert_eq!(i.launches.booted_at, vec![(2, s(145))]);
    assert_eq!((i.notice_ends, i.lose), (Some((busy, s(220))), None));
    assert_eq!((p.launched(), p.draining(), p.booting()), (3, 1, 1));
    assert!(p.has_free_slot(), "the idle server still serves");
    assert_eq!(p.interrupt(busy, s(101)), Interruption::default());
    // The notice ends with the job still running: it is lost, and the
    // server stops when the fleet releases the job's slot.
    assert_eq!(p.notice_ends(busy), Some(busy));
    p.release_slot(busy, s(220));
    assert_eq!((p.launched(), p.draining()), (2, 0));
    assert_eq!(p.notice_ends(busy), None);
    p.boot_done(2, s(145));
    // An idle server stops at its notice: nothing to lose.
    let i = p.interrupt(idle, s(300));
    assert_eq!((i.notice_ends, i.lose), (None, None));
    assert_eq!(i.launches.booted_at, vec![(3, s(345))]);
    // A booting server (the second replacement) stops and is replaced.
    let i = p.interrupt(3, s(310));
    assert_eq!(i.launches.booted_at, vec![(4, s(355))]);
    assert_eq!((p.launched(), p.booting()), (2, 1));
    let summary = p.finish(s(400));
    let counts = summary.spot.unwrap();
    assert_eq!((counts.interruptions, counts.replacements), (3, 3));
    // Billed at the spot price: 220 + 300 + (400 − 100) + 60 (the booting
    // one's minimum) + (400 − 310) seconds.
    assert_eq!(summary.server_seconds, 220.0 + 300.0 + 300.0 + 60.0 + 90.0);

    // "lose": the work is lost at the notice.
    let mut p = Pool::fixed(2, 3.6, SimTime::ZERO, 1, 0)
        .with_spot(&spot(InterruptedWork::Lose), rng::stream(1, 0, "t"));
    let _ = p.start(1);
    let only = p.take_slot(s(0));
    let i = p.interrupt(only, s(50));
    assert_eq!((i.notice_ends, i.lose), (None, Some(only)));
    assert!(!p.has_free_slot(), "the replacement is still booting");
}

/// A server draining after a scale-in is leaving anyway: a notice loses
/// its work at the end of the notice but launches no replacement.
#[test]
fn a_draining_server_is_not_replaced() {
    let s = SimTime::from_secs;
    let mut p = Pool::new(&spec(1, 4), 1, 3.6, SimTime::ZERO, 1, 0)
        .with_spot(&spot(InterruptedWork::Finish), rng::stream(1, 0, "t"));
    let _ = p.start(2);
    let a = p.take_slot(s(115));
    let b = p.take_slot(s(115));
    p.evaluate(s(120), no_queue());
    assert_eq!(p.draining(), 1);
    let drained = if p.servers[a as usize].state == State::Draining {
        a
    } else {
        b
    };
    let i = p.interrupt(drained, s(130));
    assert!(i.launches.booted_at.is_empty());
    assert_eq!(i.notice_ends, Some((drained, s(250))));
    assert_eq!(p.finish(s(300)).spot.unwrap().replacements, 0);
}
