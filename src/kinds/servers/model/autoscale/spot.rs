//! A pool on spot capacity: its interruptions drawn or listed, the notice
//! before an interrupted server stops, and its replacement.

use super::{Launches, Pool, State};
use crate::dist::Dist;
use crate::kinds::servers::spec::spot::{InterruptedWork, SpotSpec};
use crate::rng::Stream;
use crate::time::SimTime;

/// What the fleet must do after a spot interruption.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Interruption {
    /// The replacement, if one was launched.
    pub launches: Launches,
    /// When the notice ends (call [`Pool::notice_ends`] then).
    pub notice_ends: Option<(u32, SimTime)>,
    /// The server whose running work is lost now: fail the requests whose
    /// jobs hold it and release their slots (it stops with the last).
    pub lose: Option<u32>,
}

/// A pool's spot capacity: how its servers are interrupted, and what
/// happened.
pub(super) struct Spot {
    /// Per-instance mean time to interruption, in seconds.
    mean_s: Option<f64>,
    rng: Stream,
    notice: SimTime,
    work: InterruptedWork,
    replacement_boot: Dist,
    /// Notices, and replacements launched, in the measured period.
    pub(super) interruptions: u64,
    pub(super) replacements: u64,
}

impl Pool {
    /// Puts the pool on spot capacity (before [`Pool::start`]); its
    /// interruptions are drawn from `interruptions`, a stream of its own
    /// (one per pool: two services on spot must not be interrupted in
    /// step).
    pub fn with_spot(mut self, spec: &SpotSpec, interruptions: Stream) -> Self {
        self.price_per_hour = spec.price_per_hour;
        self.spot = Some(Spot {
            mean_s: spec
                .mean_time_between_interruptions
                .map(|m| m.as_secs_f64()),
            rng: interruptions,
            notice: spec.notice,
            work: spec.interrupted_work,
            replacement_boot: spec.boot_time.clone(),
            interruptions: 0,
            replacements: 0,
        });
        self
    }

    /// On spot with a mean time between interruptions: when server `s`,
    /// launched at `now`, will be interrupted.
    pub(super) fn draw_interruption(&mut self, s: u32, now: SimTime, out: &mut Launches) {
        if let Some(spot) = &mut self.spot
            && let Some(mean_s) = spot.mean_s
        {
            let u: f64 = rand::Rng::random(&mut spot.rng);
            // 1 − u is in (0, 1]: the logarithm is finite.
            let after = -mean_s * (1.0 - u).ln();
            out.interrupt_at
                .push((s, now.saturating_add(SimTime::from_secs_f64(after))));
        }
    }

    /// The longest-running serving server (else a booting one): the one a
    /// listed interruption time takes. None when none is up.
    pub fn oldest_up(&self) -> Option<u32> {
        let first = |state| {
            self.servers
                .iter()
                .position(|x| x.state == state && !x.interrupted)
        };
        first(State::Serving)
            .or_else(|| first(State::Booting))
            .map(|s| s as u32)
    }

    /// A spot interruption notice for server `s` (ignored once it has
    /// stopped or been interrupted): it takes no new work from now, a
    /// replacement is launched unless it was already leaving, and its work
    /// is lost at the end of the notice, or now under `"lose"`.
    pub fn interrupt(&mut self, s: u32, now: SimTime) -> Interruption {
        let mut out = Interruption::default();
        let server = self.servers[s as usize];
        let Some(spot) = &mut self.spot else {
            return out;
        };
        if server.state == State::Stopped || server.interrupted {
            return out;
        }
        if now >= self.warmup {
            spot.interruptions += 1;
        }
        let (notice, work) = (spot.notice, spot.work);
        let replace = server.state != State::Draining;
        match server.state {
            State::Booting => self.stop(s, now),
            State::Serving => {
                self.make_unavailable(s);
                self.serving -= 1;
                self.draining += 1;
                let x = &mut self.servers[s as usize];
                x.state = State::Draining;
                x.interrupted = true;
                if x.busy == 0 {
                    self.stop(s, now);
                }
            }
            State::Draining => {
                let x = &mut self.servers[s as usize];
                x.interrupted = true;
            }
            State::Stopped => unreachable!("checked above"),
        }
        if replace {
            let spot = self.spot.as_mut().expect("on spot");
            if now >= self.warmup {
                spot.replacements += 1;
            }
            let boot = spot.replacement_boot.sample(&mut self.boot_rng);
            self.launch_one(now, boot, &mut out.launches);
        }
        if self.servers[s as usize].state == State::Draining {
            match work {
                InterruptedWork::Finish => out.notice_ends = Some((s, now + notice)),
                InterruptedWork::Lose => out.lose = Some(s),
            }
        }
        self.record_levels(now);
        out
    }

    /// The notice of interrupted server `s` ends: what it still runs is
    /// lost (the server, if it is still up).
    pub fn notice_ends(&self, s: u32) -> Option<u32> {
        (self.servers[s as usize].state == State::Draining).then_some(s)
    }
}
