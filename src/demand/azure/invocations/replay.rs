//! The streaming replay of a 2021 trace: rows held in a heap only as long
//! as a row still unread could start before them (see the `invocations`
//! module doc).

use super::source::{Invocations, Rows, SKIP};
use crate::demand::ArrivalMode;
use crate::demand::spread::{Spread, scaled_count};
use crate::rng::Stream;
use crate::time::SimTime;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A heap entry: start in trace time, then file order to break ties.
type Pending = Reverse<(i128, u64, u32, u64)>;

/// The streaming replay of a 2021 trace (see the module doc).
pub(in crate::demand::azure) struct Replay {
    /// `None` once the current lap's file is read to its end.
    rows: Option<Rows>,
    pending: BinaryHeap<Pending>,
    /// The latest end read in this lap.
    frontier: i128,
    lap: u64,
    order: u64,
    /// The invocation being replayed under `scale`, its copies spread up
    /// to the next recorded start.
    copies: Spread,
    copy_of: (u32, SimTime),
}

impl Replay {
    pub fn new(inv: &Invocations) -> Self {
        Replay {
            // A file that became unreadable since it was checked ends the
            // trace.
            rows: Rows::open(&inv.path).ok(),
            pending: BinaryHeap::new(),
            frontier: i128::MIN,
            lap: 0,
            order: 0,
            copies: Spread::default(),
            copy_of: (0, SimTime::ZERO),
        }
    }

    /// Reads rows until the earliest pending start is final: no unread row
    /// can start before it.
    fn settle(&mut self, inv: &Invocations) {
        while let Some(rows) = &mut self.rows {
            if let Some(Reverse(top)) = self.pending.peek()
                && top.0 < self.frontier.saturating_sub(inv.lateness)
            {
                return;
            }
            let Some(row) = rows.next().ok().flatten() else {
                self.rows = None;
                return;
            };
            self.frontier = self.frontier.max(row.end);
            let f = inv.index.get(rows.key.as_str()).copied().unwrap_or(SKIP);
            let rel = row.start - inv.origin;
            if f != SKIP && inv.in_window(rel) {
                self.order += 1;
                self.pending
                    .push(Reverse((rel, self.order, f, row.duration as u64)));
            }
        }
    }

    /// The next invocation: when, which function, and its recorded work.
    pub fn next(
        &mut self,
        inv: &Invocations,
        mode: ArrivalMode,
        rng: &mut Stream,
        scale_rng: &mut Stream,
    ) -> Option<(SimTime, u32, Option<SimTime>)> {
        loop {
            if let Some(t) = self.copies.next(mode, rng) {
                let (f, work) = self.copy_of;
                return Some((t, f, Some(work)));
            }
            self.settle(inv);
            let Some(Reverse((rel, _, f, work))) = self.pending.pop() else {
                if self.rows.is_none() && inv.repeat {
                    self.lap += 1;
                    self.frontier = i128::MIN;
                    self.rows = Rows::open(&inv.path).ok();
                    if self.rows.is_some() {
                        continue;
                    }
                }
                return None;
            };
            let t = inv.sim_time(rel, self.lap);
            let work = SimTime(work);
            if inv.scale == 1.0 {
                return Some((t, f, Some(work)));
            }
            // Copies spread from this start to the next recorded one (or
            // the lap's end), the first exactly on time; none if thinned.
            let n = scaled_count(1, inv.scale, scale_rng);
            self.settle(inv);
            let next = match self.pending.peek() {
                Some(Reverse(p)) => inv.sim_time(p.0, self.lap),
                None => inv.sim_time(inv.start + inv.period, self.lap),
            };
            let width = next.saturating_sub(t).as_nanos() as f64;
            self.copies = Spread::new(t, width, n, true);
            self.copy_of = (f, work);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::options::{AzureFormat, AzureOptions};
    use super::super::load::load;
    use super::*;
    use crate::time::NANOS_PER_SEC;

    fn replay_all(
        name: &str,
        text: &str,
        options: impl FnOnce(&mut AzureOptions),
    ) -> Vec<(f64, u32, f64)> {
        let path = std::env::temp_dir().join(format!("scalesim-{name}-{}.csv", std::process::id()));
        std::fs::write(&path, text).unwrap();
        let mut o = AzureOptions {
            format: AzureFormat::Invocations2021,
            invocations: path.clone(),
            scale: 1.0,
            speedup: 1.0,
            horizon: SimTime::from_secs(3600),
            ..AzureOptions::default()
        };
        options(&mut o);
        let (_, inv) = load(&o).unwrap();
        let inv = &inv;
        let mut r = Replay::new(inv);
        let mut rng = crate::rng::stream(1, 0, "a");
        let mut srng = crate::rng::stream(1, 0, "b");
        let mut out = Vec::new();
        while let Some((t, f, w)) = r.next(inv, ArrivalMode::Poisson, &mut rng, &mut srng) {
            out.push((t.as_secs_f64(), f, w.unwrap().as_secs_f64()));
            if out.len() > 100 {
                break;
            }
        }
        std::fs::remove_file(&path).unwrap();
        out
    }

    const SHUFFLED: &str = "app,func,end_timestamp,duration\n\
        a,f,10,2\n\
        a,g,5,5\n\
        b,f,30,1\n\
        a,f,7,1\n\
        a,g,12,0.5\n";

    #[test]
    fn shuffled_rows_replay_in_start_order_with_their_durations() {
        // Starts 8, 0, 29, 6, 11.5: time 0 is the earliest start.
        let got = replay_all("shuffled", SHUFFLED, |_| {});
        let want = [
            (0.0, 1, 5.0),
            (6.0, 0, 1.0),
            (8.0, 0, 2.0),
            (11.5, 1, 0.5),
            (29.0, 2, 1.0),
        ];
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g.0 - w.0).abs() < 1e-9 && g.1 == w.1 && (g.2 - w.2).abs() < 1e-9);
        }
    }

    #[test]
    fn the_lateness_bounds_what_is_held() {
        // Ordered by end, durations at most 2 s: a start is never more than
        // 2 s behind the latest end read.
        let mut text = String::from("app,func,end_timestamp,duration\n");
        for i in 0..50 {
            text += &format!("a,f,{},{}\n", 10 + i, (i % 3) as f64);
        }
        let path = std::env::temp_dir().join(format!("scalesim-late-{}.csv", std::process::id()));
        std::fs::write(&path, &text).unwrap();
        let (_, inv) = load(&AzureOptions {
            format: AzureFormat::Invocations2021,
            invocations: path.clone(),
            scale: 1.0,
            speedup: 1.0,
            ..AzureOptions::default()
        })
        .unwrap();
        let inv = &inv;
        assert_eq!(inv.lateness, 2 * NANOS_PER_SEC as i128);
        let mut r = Replay::new(inv);
        let (mut rng, mut srng) = (crate::rng::stream(1, 0, "a"), crate::rng::stream(1, 0, "b"));
        let (mut most, mut last, mut n) = (0, SimTime::ZERO, 0);
        while let Some((t, _, _)) = r.next(inv, ArrivalMode::Poisson, &mut rng, &mut srng) {
            assert!(t >= last);
            last = t;
            most = most.max(r.pending.len());
            n += 1;
        }
        std::fs::remove_file(&path).unwrap();
        assert_eq!(n, 50);
        assert!(most <= 4, "held {most} rows at once");
    }

    #[test]
    fn window_speedup_and_repeat_map_trace_time() {
        // Window [5 s, 12 s) holds starts 6, 8, 11.5; sped up × 2, a lap
        // lasts 3.5 s.
        let got = replay_all("window", SHUFFLED, |o| {
            o.start = SimTime::from_secs(5);
            o.end = Some(SimTime::from_secs(12));
            o.speedup = 2.0;
            o.repeat = true;
            o.horizon = SimTime::from_secs(7);
        });
        let times: Vec<f64> = got.iter().take(6).map(|g| g.0).collect();
        assert_eq!(times, vec![0.5, 1.5, 3.25, 4.0, 5.0, 6.75]);
    }
}
