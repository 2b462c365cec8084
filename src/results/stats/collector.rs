//! The collector a model feeds as events happen: counts, histograms, the
//! time integrals of its levels, and the windowed time series, closed
//! window by window as simulated time passes.

use super::{Areas, RequestCounts, RunStats, WindowRow};
use crate::results::metrics::{Bucket, Histogram};
use crate::results::transfer::TransferMeter;
use crate::time::SimTime;

/// Level values whose time integrals are tracked on every event: they
/// change on nearly every one.
#[derive(Clone, Copy, Debug, Default)]
struct Levels {
    busy: u64,
    queue: u64,
    in_system: u64,
}

/// A level that changes rarely (servers running, booting or draining;
/// instances idle or provisioned): integrated when it changes, not on
/// every event, to keep the per-event work of the common levels small.
#[derive(Clone, Copy, Debug, Default)]
struct Slow {
    value: u64,
    since: SimTime,
    area: u128,
}

impl Slow {
    fn set(&mut self, now: SimTime, value: u64) {
        self.area = self.area_at(now);
        self.since = now;
        self.value = value;
    }

    fn area_at(&self, t: SimTime) -> u128 {
        self.area + self.value as u128 * (t - self.since).as_nanos() as u128
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct WindowCounts {
    arrivals: u64,
    completions: u64,
    rejected: u64,
    throttled: u64,
    timed_out: u64,
    interrupted: u64,
    cold_starts: u64,
}

/// Collects the statistics of one run as events happen.
#[derive(Debug)]
pub struct Collector {
    warmup: SimTime,
    window: SimTime,
    price_per_server_ns: f64,
    /// Cost not proportional to server time: pay-per-use charges, and a
    /// continuous rate (provisioned capacity), accrued as time passes.
    extra_cost: f64,
    cost_rate_per_ns: f64,
    cost_rate_since: SimTime,
    servers: Slow,
    idle: Slow,
    provisioned: Slow,
    booting: Slow,
    draining: Slow,
    pub counts: RequestCounts,
    pub latency: Histogram,
    pub wait: Histogram,
    window_latency: Histogram,
    levels: Levels,
    areas: Areas,
    areas_at_warmup: Option<Areas>,
    areas_at_window_start: Areas,
    last: SimTime,
    window_start: SimTime,
    next_boundary: SimTime,
    win: WindowCounts,
    pub rows: Vec<WindowRow>,
    /// Bytes sent to the internet, when the scenario's services send any.
    transfer: Option<Box<TransferMeter>>,
}

impl Collector {
    /// `price_per_server_hour` prices the `servers` level for the running
    /// cost column of the time series.
    pub fn new(warmup: SimTime, window: SimTime, price_per_server_hour: f64) -> Self {
        let mut c = Collector {
            warmup,
            window,
            price_per_server_ns: price_per_server_hour / 3600.0 / 1e9,
            extra_cost: 0.0,
            cost_rate_per_ns: 0.0,
            cost_rate_since: SimTime::ZERO,
            servers: Slow::default(),
            idle: Slow::default(),
            provisioned: Slow::default(),
            booting: Slow::default(),
            draining: Slow::default(),
            counts: RequestCounts::default(),
            latency: Histogram::new(),
            wait: Histogram::new(),
            window_latency: Histogram::new(),
            levels: Levels::default(),
            areas: Areas::default(),
            areas_at_warmup: None,
            areas_at_window_start: Areas::default(),
            last: SimTime::ZERO,
            window_start: SimTime::ZERO,
            next_boundary: SimTime::ZERO,
            win: WindowCounts::default(),
            rows: Vec::new(),
            transfer: None,
        };
        if warmup == SimTime::ZERO {
            c.areas_at_warmup = Some(Areas::default());
        }
        c.next_boundary = c.compute_next_boundary();
        c
    }

    fn compute_next_boundary(&self) -> SimTime {
        let win_end = self.window_start + self.window;
        match self.areas_at_warmup {
            None => win_end.min(self.warmup),
            Some(_) => win_end,
        }
    }

    #[inline]
    fn integrate_to(&mut self, t: SimTime) {
        let dt = (t - self.last).as_nanos() as u128;
        if dt > 0 {
            let l = self.levels;
            self.areas.busy += l.busy as u128 * dt;
            self.areas.queue += l.queue as u128 * dt;
            self.areas.in_system += l.in_system as u128 * dt;
            self.last = t;
        }
    }

    /// Brings the integrals and windows up to `now`. Call before changing
    /// any level at `now`.
    #[inline]
    pub fn advance(&mut self, now: SimTime) {
        if now >= self.next_boundary {
            self.cross_boundaries(now);
        }
        self.integrate_to(now);
    }

    #[cold]
    fn cross_boundaries(&mut self, now: SimTime) {
        while now >= self.next_boundary {
            let b = self.next_boundary;
            self.integrate_to(b);
            if self.areas_at_warmup.is_none() && b == self.warmup {
                self.areas_at_warmup = Some(self.snapshot(b));
            }
            if b == self.window_start + self.window {
                self.close_window(b);
            }
            self.next_boundary = self.compute_next_boundary();
        }
    }

    fn close_window(&mut self, end: SimTime) {
        let span = (end - self.window_start).as_nanos() as f64;
        let now = self.snapshot(end);
        let a = now.minus(self.areas_at_window_start);
        let avg = |x: u128| if span > 0.0 { x as f64 / span } else { 0.0 };
        let w = self.win;
        let [p50, p90, p95, p99, p999] = self
            .window_latency
            .quantiles([0.50, 0.90, 0.95, 0.99, 0.999])
            .map(SimTime::as_millis_f64);
        self.rows.push(WindowRow {
            start_s: self.window_start.as_secs_f64(),
            arrivals: w.arrivals,
            completions: w.completions,
            rejected: w.rejected,
            throttled: w.throttled,
            timed_out: w.timed_out,
            interrupted: w.interrupted,
            cold_starts: w.cold_starts,
            busy_slots: avg(a.busy),
            queue_length: avg(a.queue),
            in_system: avg(a.in_system),
            servers: avg(a.servers),
            idle_instances: avg(a.idle),
            provisioned_instances: avg(a.provisioned),
            booting_servers: avg(a.booting),
            draining_servers: avg(a.draining),
            p99_ms: p99,
            p50_ms: p50,
            p90_ms: p90,
            p95_ms: p95,
            p999_ms: p999,
            cost_usd: now.servers as f64 * self.price_per_server_ns + self.extra_cost_at(end),
        });
        self.window_latency.clear();
        self.win = WindowCounts::default();
        self.areas_at_window_start = now;
        self.window_start = end;
    }

    #[inline]
    fn counted(&self, arrival: SimTime) -> bool {
        arrival >= self.warmup
    }

    #[inline]
    pub fn set_busy(&mut self, busy: u64) {
        self.levels.busy = busy;
    }
    #[inline]
    pub fn set_queue(&mut self, queue: u64) {
        self.levels.queue = queue;
    }
    #[inline]
    pub fn set_in_system(&mut self, n: u64) {
        self.levels.in_system = n;
    }
    #[inline]
    pub fn set_servers(&mut self, n: u64) {
        if n != self.servers.value {
            self.servers.set(self.last, n);
        }
    }
    #[inline]
    pub fn set_idle(&mut self, n: u64) {
        if n != self.idle.value {
            self.idle.set(self.last, n);
        }
    }
    pub fn set_provisioned(&mut self, n: u64) {
        self.provisioned.set(self.last, n);
    }
    pub fn set_booting_draining(&mut self, booting: u64, draining: u64) {
        if booting != self.booting.value {
            self.booting.set(self.last, booting);
        }
        if draining != self.draining.value {
            self.draining.set(self.last, draining);
        }
    }

    /// Every integral at `t`, which must be the instant integrated to.
    fn snapshot(&self, t: SimTime) -> Areas {
        Areas {
            servers: self.servers.area_at(t),
            idle: self.idle.area_at(t),
            provisioned: self.provisioned.area_at(t),
            booting: self.booting.area_at(t),
            draining: self.draining.area_at(t),
            ..self.areas
        }
    }

    /// Pay-per-use charges and the continuous spend up to `t`.
    fn extra_cost_at(&self, t: SimTime) -> f64 {
        self.extra_cost + self.cost_rate_per_ns * (t - self.cost_rate_since).as_nanos() as f64
    }

    /// Adds a one-off charge (an invocation's bill) to the running cost.
    #[inline]
    pub fn add_cost(&mut self, usd: f64) {
        self.extra_cost += usd;
    }

    /// Sets a continuous spend rate, in USD per second.
    pub fn set_cost_rate(&mut self, usd_per_second: f64) {
        self.extra_cost = self.extra_cost_at(self.last);
        self.cost_rate_since = self.last;
        self.cost_rate_per_ns = usd_per_second / 1e9;
    }

    #[inline]
    pub fn on_cold_start(&mut self) {
        self.win.cold_starts += 1;
    }

    #[inline]
    pub fn on_throttle(&mut self, arrival: SimTime) {
        self.win.throttled += 1;
        if self.counted(arrival) {
            self.counts.throttled += 1;
        }
    }

    #[inline]
    pub fn on_arrival(&mut self, arrival: SimTime) {
        self.win.arrivals += 1;
        if self.counted(arrival) {
            self.counts.arrived += 1;
        }
    }

    #[inline]
    pub fn on_reject(&mut self, arrival: SimTime) {
        self.win.rejected += 1;
        if self.counted(arrival) {
            self.counts.rejected += 1;
        }
    }

    #[inline]
    pub fn on_timeout(&mut self, arrival: SimTime) {
        self.win.timed_out += 1;
        if self.counted(arrival) {
            self.counts.timed_out += 1;
        }
    }

    /// A request failed: work it had running was lost to a spot
    /// interruption.
    pub fn on_interrupted(&mut self, arrival: SimTime) {
        self.win.interrupted += 1;
        if self.counted(arrival) {
            self.counts.interrupted += 1;
        }
    }

    /// The request's first work started at `now`.
    #[inline]
    pub fn on_start(&mut self, arrival: SimTime, now: SimTime) {
        if self.counted(arrival) {
            self.wait.record(now - arrival);
        }
    }

    /// The last work the request caused finished at `now`.
    #[inline]
    pub fn on_complete(&mut self, arrival: SimTime, now: SimTime) {
        let latency = Bucket::of(now - arrival);
        self.win.completions += 1;
        self.window_latency.record_in(latency);
        if self.counted(arrival) {
            self.counts.completed += 1;
            self.latency.record_in(latency);
            if let Some(m) = &mut self.transfer {
                meter(m, arrival);
            }
        }
    }

    /// Meters the bytes of completed requests from now on.
    pub fn meter_transfer(&mut self, meter: Option<Box<TransferMeter>>) {
        self.transfer = meter;
    }

    pub fn warmup(&self) -> SimTime {
        self.warmup
    }

    /// The integrals from time 0 up to the last `advance`.
    pub fn areas(&self) -> Areas {
        self.snapshot(self.last)
    }

    /// Closes the run at `end`: the last (possibly partial) window is
    /// written. `in_flight` is the number of counted requests the model
    /// still holds.
    pub fn finish(mut self, end: SimTime, in_flight: u64) -> RunStats {
        self.advance(end);
        if end > self.window_start {
            self.close_window(end);
        }
        self.counts.in_flight = in_flight;
        let measured = self
            .snapshot(end)
            .minus(self.areas_at_warmup.unwrap_or_default());
        RunStats {
            counts: self.counts,
            latency: self.latency,
            wait: self.wait,
            measured_areas: measured,
            measured_time: end - self.warmup,
            rows: self.rows,
            transfer: self.transfer.map(|m| m.bytes),
        }
    }
}

/// Meters a completed request's bytes. Out of line: inlined, the metering
/// (a keyed generator and size draws) made every completion save and
/// restore six registers, metered or not.
#[inline(never)]
fn meter(m: &mut TransferMeter, arrival: SimTime) {
    m.record(arrival);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrals_split_exactly_at_window_edges() {
        let s = SimTime::from_secs;
        let mut c = Collector::new(SimTime::ZERO, s(10), 3.6);
        c.advance(s(0));
        c.set_servers(2);
        c.set_busy(1);
        c.advance(s(15));
        c.set_busy(3);
        let stats = c.finish(s(20), 0);
        assert_eq!(stats.rows.len(), 2);
        assert_eq!(stats.rows[0].busy_slots, 1.0);
        assert_eq!(stats.rows[1].busy_slots, 2.0);
        assert_eq!(stats.rows[1].servers, 2.0);
        // 2 servers × 20 s at $3.6/h = $0.04
        assert!((stats.rows[1].cost_usd - 0.04).abs() < 1e-12);
        assert_eq!(stats.mean_level(stats.measured_areas.busy), 1.5);
    }

    #[test]
    fn warmup_requests_are_simulated_but_not_counted() {
        let s = SimTime::from_secs;
        let mut c = Collector::new(s(5), s(10), 0.0);
        c.advance(s(1));
        c.on_arrival(s(1));
        c.advance(s(6));
        c.on_arrival(s(6));
        c.on_complete(s(1), s(6));
        // The model reports the request of t = 6 s as still in flight.
        let stats = c.finish(s(10), 1);
        assert_eq!(stats.counts.arrived, 1);
        assert_eq!(stats.counts.completed, 0);
        assert_eq!(stats.counts.in_flight, 1);
        assert_eq!(stats.rows[0].arrivals, 2);
        assert_eq!(stats.rows[0].completions, 1);
        assert_eq!(stats.measured_time, s(5));
    }
}
