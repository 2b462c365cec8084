//! The `kind = "microservices"` architecture as resolved from the file:
//! every service on a fleet of its own, fixed or autoscaled.

use crate::file_error::{ErrorContext, ScenarioError};
use crate::kinds::autoscaled::spec::AutoscaledSpec;
use crate::kinds::servers::spec::FleetSpec;
use crate::kinds::servers::spec::{fleet_limits, validate_fleet};
use crate::pricing::catalog::Prices;
use crate::scenario::context::{Load, Shared, checked_name};
use crate::scenario::kind::{Context, KeyGroup, Keys, KindSpec};
use crate::scenario::raw::RawArchitecture;
use crate::scenario::values::Kind;
use crate::time::SimTime;

#[derive(Clone, Debug)]
pub struct MicroservicesSpec {
    /// Added to every service-to-service call.
    pub hop_latency: SimTime,
    /// End to end: a request not finished this long after its arrival
    /// fails as timed out (the client gives up).
    pub timeout: Option<SimTime>,
    /// One per service, in service order.
    pub fleets: Vec<ServiceFleet>,
}

/// The fleet one service of a microservices architecture runs on: fixed
/// or autoscaled, never another kind.
#[derive(Clone, Debug)]
pub enum ServiceFleet {
    Fixed(FleetSpec),
    Autoscaled(AutoscaledSpec),
}

impl ServiceFleet {
    /// Its servers, instance and limits (an autoscaled fleet's at start).
    pub fn fleet(&self) -> &FleetSpec {
        match self {
            ServiceFleet::Fixed(f) => f,
            ServiceFleet::Autoscaled(x) => &x.fleet,
        }
    }

    /// The name of its kind, as written in scenario files and results.
    pub fn kind(&self) -> &'static str {
        match self {
            ServiceFleet::Fixed(_) => "fleet",
            ServiceFleet::Autoscaled(_) => "autoscaled",
        }
    }
}

/// Kubernetes pod-to-pod calls inside a cluster: about a millisecond.
pub const DEFAULT_HOP_LATENCY: SimTime = SimTime::from_millis(1);

/// What service `i`'s fleet must serve. A function of a multi-function
/// trace has its own arrivals, so its fleet is sized for its own peak
/// (functions do not all peak in the same minute); otherwise every
/// request's share of work at the service, at the demand's rate.
pub(crate) fn service_load(shared: &Shared, i: usize) -> Load {
    let (demand, h) = (shared.demand, shared.duration);
    match &demand.functions {
        Some(trace) if !trace.options.merge => {
            let f = &trace.functions[i];
            Load {
                peak_rps: f.peak_rps,
                mean_rps: demand.profile.mean(h) * f.total as f64 / trace.requests as f64,
                mean_work: shared.services[i].work.mean(),
            }
        }
        _ => Load {
            peak_rps: demand.profile.peak(h),
            mean_rps: demand.profile.mean(h),
            mean_work: shared.calls.service_mean_work(shared.services, i),
        },
    }
}

/// The offered load at service `i` at the demand's peak, in erlangs of
/// one vCPU: peak requests per second reaching it × the time each holds a
/// slot there (its work, and for a sync caller the wait on its callees
/// with `hop` per call; queueing left out). A fleet needs more vCPUs than
/// this to keep its queue from growing without bound through the peak.
pub fn service_peak_erlangs(s: &Shared, i: usize, hop: SimTime) -> f64 {
    let l = service_load(s, i);
    let hold = match &s.demand.functions {
        // A trace function's requests enter at it and call nothing.
        Some(trace) if !trace.options.merge => l.mean_work,
        _ => s.calls.service_mean_hold(s.services, i, hop.as_secs_f64()),
    };
    l.peak_rps * hold
}

/// Refuses a `services.<name>` table naming no service of the scenario.
pub(crate) fn known_service_tables(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    services: &[crate::scenario::service::Service],
) -> Result<(), ScenarioError> {
    for (name, table) in a
        .services
        .as_ref()
        .map_or(&Default::default(), |s| s.get_ref())
    {
        if !services.iter().any(|s| &s.name == name) {
            let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
            return Err(ctx.at(
                Some(table.span()),
                &format!("{key}.services.{name}"),
                format!(
                    "unknown service \"{name}\"; the services are: {}",
                    names.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

pub(crate) fn validate_microservices(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    shared: &Shared,
    prices: &Prices,
) -> Result<MicroservicesSpec, ScenarioError> {
    let services = shared.services;
    let tables = a.services.as_ref().map(|s| s.get_ref());
    known_service_tables(a, key, ctx, services)?;
    let mut fleets = Vec::with_capacity(services.len());
    for (i, svc) in services.iter().enumerate() {
        let raw = a.for_service(&svc.name, tables.and_then(|t| t.get(&svc.name)));
        let skey = format!("{key}.services.{}", svc.name);
        if !matches!(raw.kind.get_ref(), Kind::Fleet | Kind::Autoscaled) {
            return Err(ctx.at(
                Some(raw.kind.span()),
                &format!("{skey}.kind"),
                "a service runs on kind = \"fleet\" or \"autoscaled\"",
            ));
        }
        let keys = if *raw.kind.get_ref() == Kind::Autoscaled {
            AutoscaledSpec::KEYS
        } else {
            FleetSpec::KEYS
        };
        checked_name(&raw, &skey, ctx, &keys)?;
        let fleet = if *raw.kind.get_ref() == Kind::Autoscaled {
            ServiceFleet::Autoscaled(crate::kinds::autoscaled::spec::validate_autoscaled(
                &raw,
                &skey,
                ctx,
                std::slice::from_ref(&shared.services[i]),
                prices,
            )?)
        } else {
            ServiceFleet::Fixed(validate_fleet(
                &raw,
                &skey,
                ctx,
                &service_load(shared, i),
                std::slice::from_ref(&shared.services[i]),
                prices,
            )?)
        };
        let instance = match &fleet {
            ServiceFleet::Fixed(f) => &f.instance,
            ServiceFleet::Autoscaled(a) => &a.fleet.instance,
        };
        if instance.lambda_managed.is_some() {
            return Err(ctx.at(
                Some(raw.kind.span()),
                &format!("{skey}.instance"),
                "Lambda Managed Instances run one function per fleet: give it a `kind = \"autoscaled\"` (or \"fleet\") architecture of its own",
            ));
        }
        fleets.push(fleet);
    }
    let (_, timeout) = fleet_limits(a, key, ctx)?;
    Ok(MicroservicesSpec {
        timeout,
        hop_latency: a
            .hop_latency
            .as_ref()
            .map_or(DEFAULT_HOP_LATENCY, |h| h.get_ref().0),
        fleets,
    })
}

pub type Spec = MicroservicesSpec;

impl KindSpec for MicroservicesSpec {
    const KEYS: Keys = Keys {
        groups: &[KeyGroup::Servers],
        keys: &["hop_latency", "servers", "services"],
    };

    fn validate(a: &RawArchitecture, key: &str, cx: &Context) -> Result<Self, ScenarioError> {
        validate_microservices(a, key, cx.ctx, cx.shared, cx.prices)
    }
}
