//! Closing a microservices run: per-service results, the cost of every
//! service's fleet, and the kind's [`Outcome`]. Apart from the model
//! because none of it runs while events are handled.

use crate::architectures::{Kind, Outcome};
use crate::kinds::microservices::model::{Capacity, MicroservicesModel, Placement};
use crate::kinds::microservices::results::{MicroservicesResult, ServiceFleetResult};
use crate::kinds::microservices::spec::MicroservicesSpec;
use crate::kinds::servers::bill::{add_burst_surplus, fleet_cost, fleet_prices};
use crate::kinds::servers::model::autoscale::PoolSummary;
use crate::kinds::servers::results::SpotResult;
use crate::pricing::commitment::FleetPricing;
use crate::pricing::commitment::constant_level;
use crate::pricing::cost::CostBreakdown;
use crate::results::stats::RunStats;
use crate::results::summary::{KindResult, PriceNote};
use crate::scenario::Scenario;
use crate::time::SimTime;

/// Per-service results of a run.
pub struct ServiceRun {
    pub servers: u64,
    pub pool: Option<PoolSummary>,
    pub fixed_cost_usd: f64,
    /// Mean busy slots and waiting invocations over the measured period.
    pub mean_busy: f64,
    pub mean_queue: f64,
    /// Mean slots of serving (and draining) servers over the measured period.
    pub mean_slots: f64,
}

impl<P: Placement> MicroservicesModel<P> {
    /// Closes the run at `end`, handing back its placement.
    pub fn finish(mut self, end: SimTime) -> (RunStats, Vec<ServiceRun>, P) {
        let warmup = self.warmup;
        let in_flight = self.calls.in_flight(warmup);
        let measured = (end - warmup).as_secs_f64();
        let services = self
            .fleets
            .iter_mut()
            .map(|f| {
                let busy = f.busy_level.summary(end, warmup);
                let queue = f.queue_level.summary(end, warmup);
                let (fixed_servers, pool, servers, mean_slots) = match f.capacity {
                    Capacity::Fixed { servers, slots } => (servers, None, servers, slots as f64),
                    Capacity::Pooled(i) => {
                        let p = self.pools[i].pool.finish(end);
                        let (peak, slots) = (p.servers.peak, p.working_mean * f.vcpus as f64);
                        // A fixed service on spot reports its own size.
                        (0, Some(p), self.pools[i].fixed.unwrap_or(peak), slots)
                    }
                };
                ServiceRun {
                    servers,
                    fixed_cost_usd: fixed_servers as f64 * f.price_per_hour * measured / 3600.0,
                    pool,
                    mean_busy: busy.mean,
                    mean_queue: queue.mean,
                    mean_slots,
                }
            })
            .collect();
        (self.stats.finish(end, in_flight), services, self.placement)
    }
}

impl Kind for MicroservicesSpec {
    type Model = MicroservicesModel;

    fn build(&self, scenario: &Scenario, replication: u32) -> MicroservicesModel {
        MicroservicesModel::new(scenario, self, replication)
    }

    fn finish(&self, scenario: &Scenario, model: MicroservicesModel) -> Outcome {
        let (stats, runs, _) = model.finish(scenario.duration);
        let mut services = Vec::with_capacity(runs.len());
        let (mut total, mut slots, mut peak) = (0.0, 0.0, 0u64);
        let mut surplus = 0.0;
        let mut spot: Option<SpotResult> = None;
        let mut prices: Vec<PriceNote> = Vec::new();
        let measured = (scenario.duration - scenario.warmup).as_secs_f64();
        for ((svc, fleet), run) in scenario.services.iter().zip(&self.fleets).zip(runs) {
            let spec = fleet.fleet();
            let inst = &spec.instance;
            let cost = match (&spec.pricing, &run.pool) {
                (FleetPricing::OnDemand, None) => run.fixed_cost_usd,
                (FleetPricing::OnDemand, Some(p)) => p.cost_usd,
                (FleetPricing::Committed(_), None) => {
                    let at = constant_level(run.servers, measured);
                    fleet_cost(spec, &at, run.servers as f64 * measured)
                }
                (FleetPricing::Committed(_), Some(p)) => {
                    fleet_cost(spec, &p.seconds_at, p.server_seconds)
                }
            };
            // A burstable service pays for its own CPU above its
            // baseline, over its own billed server-seconds.
            let server_seconds = run
                .pool
                .as_ref()
                .map_or(run.servers as f64 * measured, |p| p.server_seconds);
            let mut burst = CostBreakdown::default();
            let mut notes = fleet_prices(spec);
            let ours = notes.len();
            add_burst_surplus(
                inst,
                run.mean_busy * measured,
                server_seconds,
                &mut burst,
                &mut notes,
            );
            for note in &mut notes[ours..] {
                note.item = format!("{}: {}", svc.name, note.item);
            }
            let cost = cost + burst.compute_usd;
            surplus += burst.compute_usd;
            total += cost;
            slots += run.mean_slots;
            peak += run.servers;
            for note in notes {
                if !prices.iter().any(|p| p.item == note.item) {
                    prices.push(note);
                }
            }
            services.push(ServiceFleetResult {
                name: svc.name.clone(),
                kind: fleet.kind().into(),
                servers: run.servers,
                instance: inst.name.clone(),
                utilization: if run.mean_slots > 0.0 {
                    run.mean_busy / run.mean_slots
                } else {
                    0.0
                },
                mean_queue: run.mean_queue,
                cost_usd: cost,
                autoscaled: run
                    .pool
                    .as_ref()
                    .filter(|_| {
                        matches!(
                            fleet,
                            crate::kinds::microservices::spec::ServiceFleet::Autoscaled(_)
                        )
                    })
                    .map(|p| p.result()),
                spot: run.pool.as_ref().and_then(|p| {
                    let mine = p.spot?;
                    // The architecture's: every spot service's, summed.
                    let all = spot.get_or_insert_with(SpotResult::default);
                    all.interruptions += mine.interruptions;
                    all.replacements += mine.replacements;
                    all.server_hours += mine.server_hours;
                    Some(mine)
                }),
            });
        }
        let busy = stats.mean_level(stats.measured_areas.busy);
        let utilization = if slots > 0.0 { busy / slots } else { 0.0 };
        // As on a fleet, the surplus is compute that did work, kept out of
        // the busy/idle split of server time.
        let mut cost = CostBreakdown::fleet(total - surplus, utilization);
        cost.compute_usd += surplus;
        Outcome {
            stats,
            servers: peak as u32,
            instance: format!("{} fleet(s)", services.len()),
            utilization,
            cost,
            prices,
            spot,
            details: KindResult::Microservices(MicroservicesResult { services }),
        }
    }
}
