//! Google Cloud Run as a serverless platform (`platform = "cloud-run"`):
//! the serverless kind with Cloud Run's defaults (80 requests per
//! instance, up to 1,000; 15 minutes idle before an instance is shut down;
//! 1 vCPU and 512 MiB; no API gateway) and its billing of instance time —
//! request-based (while an instance serves, plus a fee per request) or
//! instance-based (its whole life) — instead of Lambda's per-invocation
//! duration.

use crate::file_error::{ErrorContext, ScenarioError};
use crate::kinds::serverless::spec::{InstanceBilling, ServerlessSpec};
use crate::pricing::catalog::Prices;
use crate::pricing::entries::{CloudRunBilling, CloudRunFree, GatewayKind};
use crate::scenario::raw::{RawArchitecture, RawFunctionKeys, ServerlessPlatform};
use crate::scenario::service::{Service, places_in_memory};
use crate::time::SimTime;
use std::ops::Range;

/// Requests one instance serves at once unless told (Cloud Run docs,
/// "About concurrency"), and the most it allows.
const CONCURRENCY: u32 = 80;
const MAX_CONCURRENCY: u32 = 1000;
/// An idle instance is kept up to 15 minutes (Cloud Run docs, "Instance
/// autoscaling": idle instances may be kept up to 15 minutes).
const KEEP_ALIVE: SimTime = SimTime::from_secs(15 * 60);
/// How long a request waits for a free slot when every instance is at its
/// concurrency and the service is at `max_instances`, before it fails with
/// HTTP 429: "incoming requests queue for up to 60 seconds" (Cloud Run
/// docs, "About container instance autoscaling", section "Exceeding
/// maximum instances", read 2026-12-06; the current "About maximum
/// instances" page no longer states a figure, so this is a key).
pub(crate) const PENDING_TIMEOUT: SimTime = SimTime::from_secs(60);
/// Cloud Run's autoscaler keeps each instance's CPU and its requests in
/// progress at 60 % of what it has, by default; a service may set each
/// target between 10 % and 90 % (CPU) or 95 % (concurrency), or 0 to
/// scale on the other alone (Cloud Run docs, "About instance autoscaling"
/// and "Configure scaling controls", read 2026-12-07).
const TARGET: f64 = 0.6;
const CPU_TARGETS: (f64, f64) = (0.1, 0.9);
const CONCURRENCY_TARGETS: (f64, f64) = (0.1, 0.95);

/// What Cloud Run's autoscaler aims at for one service: the instances it
/// wants are the larger of the CPU driver (a minute's average CPU use ÷
/// vCPUs per instance ÷ `cpu_target`) and the concurrency driver (a
/// minute's average requests in progress ÷ `instance_concurrency` ÷
/// `concurrency_target`); 0 turns a driver off.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Autoscaling {
    pub cpu_target: f64,
    pub concurrency_target: f64,
}

/// Cloud Run's monthly free tier (`free_tier = true`), per billing
/// account, and the prices of what it makes free.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FreeTier {
    pub free: CloudRunFree,
    pub vcpu_second: f64,
    pub gib_second: f64,
    /// Per request.
    pub request: f64,
}

/// Default instance size (Cloud Run docs, "Configure CPU limits" and
/// "Configure memory limits").
const MEMORY_MB: f64 = 512.0;
/// vCPUs an instance may have, and the memory (GiB) each allows.
const SIZES: &[(f64, f64, f64)] = &[
    (1.0, 0.125, 4.0),
    (2.0, 0.125, 8.0),
    (4.0, 2.0, 16.0),
    (6.0, 4.0, 24.0),
    (8.0, 4.0, 32.0),
];

/// Turns a resolved serverless spec into Cloud Run's if `platform` says
/// so; refuses Cloud Run's keys on Lambda.
pub(crate) fn apply(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    spec: &mut ServerlessSpec,
    services: &[Service],
    prices: &Prices,
) -> Result<(), ScenarioError> {
    let cloud_run = a
        .platform
        .as_ref()
        .is_some_and(|p| *p.get_ref() == ServerlessPlatform::CloudRun);
    if !cloud_run {
        for (k, span) in [
            ("billing", a.billing.as_ref().map(|b| b.span())),
            ("vcpus", a.vcpus.as_ref().map(|v| v.span())),
        ] {
            if let Some(span) = span {
                return Err(ctx.at(
                    Some(span),
                    &format!("{key}.{k}"),
                    format!("`{k}` is a Cloud Run setting: add platform = \"cloud-run\""),
                ));
            }
        }
        return refuse_max_instances_on_lambda(a, key, ctx);
    }
    let refuse = |k: &str, span: Option<Range<usize>>, why: &str| {
        ctx.at(span, &format!("{key}.{k}"), why.to_string())
    };
    if let Some(p) = &a.pricing {
        return Err(refuse(
            "pricing",
            Some(p.span()),
            "Cloud Run's prices come from the price files (`scalesim prices cloud-run`); a `pricing` table prices Lambda",
        ));
    }
    let own_pricing = a.functions.as_ref().and_then(|t| {
        t.get_ref()
            .iter()
            .find_map(|(n, f)| Some((n, f.get_ref().pricing.as_ref()?)))
    });
    if let Some((name, p)) = own_pricing {
        return Err(ctx.at(
            Some(p.span()),
            &format!("{key}.functions.{name}.pricing"),
            "Cloud Run's prices come from the price files (`scalesim prices cloud-run`); a `pricing` table prices Lambda".to_string(),
        ));
    }
    if spec.gateway != GatewayKind::None {
        return Err(refuse(
            "gateway",
            a.gateway.as_ref().map(|g| g.span()),
            "Cloud Run serves HTTP itself: no API gateway (leave `gateway` out)",
        ));
    }
    let billing = a
        .billing
        .as_ref()
        .map_or(CloudRunBilling::Request, |b| *b.get_ref());
    let vcpus = match &a.vcpus {
        None => 1.0,
        Some(v) if SIZES.iter().any(|s| s.0 == *v.get_ref()) => *v.get_ref(),
        Some(v) => {
            return Err(refuse(
                "vcpus",
                Some(v.span()),
                &format!(
                    "expected 1, 2, 4, 6 or 8 vCPUs per Cloud Run instance, found {}",
                    v.get_ref()
                ),
            ));
        }
    };
    let Some(price) = prices.cloud_run(billing) else {
        return Err(refuse(
            "billing",
            None,
            "the price files have no Cloud Run price for this billing",
        ));
    };
    spec.cloud_run_free = spec.free_tier.then(|| FreeTier {
        free: price.free,
        vcpu_second: price.vcpu_second,
        gib_second: price.gib_second,
        request: price.request_per_million / 1e6,
    });
    let base = a.function_keys();
    if let Some(f) = spec.functions.iter().find(|f| f.hybrid.is_some()) {
        // Cloud Run decides when an idle instance stops; the hybrid policy
        // models a provider that pre-warms and unloads by histogram.
        return Err(refuse(
            "keep_alive",
            base.keep_alive.as_ref().map(|k| k.span()),
            &format!(
                "Cloud Run keeps an idle instance for its own idle timeout: give `keep_alive` as a \
                 duration, not a hybrid-histogram policy (function `{}`)",
                f.name
            ),
        ));
    }
    let empty = Default::default();
    let tables = a.functions.as_ref().map_or(&empty, |f| f.get_ref());
    for f in &mut spec.functions {
        let own = tables
            .get(&f.name)
            .map(|t| t.get_ref().keys())
            .unwrap_or_default();
        let set = |field: fn(&RawFunctionKeys) -> bool| field(&base) || field(&own);
        if !set(|k| k.memory.is_some()) {
            f.memory_mb = MEMORY_MB;
        }
        if !set(|k| k.keep_alive.is_some()) {
            f.keep_alive = KEEP_ALIVE;
        }
        if !set(|k| k.instance_concurrency.is_some()) {
            f.instance_concurrency = CONCURRENCY;
        }
        let fkey = format!("{key}.functions.{}", f.name);
        // Where a refused value was set: the function's table, else the
        // architecture's.
        let at = |own: Option<Range<usize>>, base: Option<Range<usize>>, k: &str| match (own, base)
        {
            (Some(s), _) => (Some(s), format!("{fkey}.{k}")),
            (None, s) => (s, format!("{key}.{k}")),
        };
        if f.instance_concurrency > MAX_CONCURRENCY {
            let (span, k) = at(
                own.instance_concurrency.as_ref().map(|x| x.span()),
                base.instance_concurrency.as_ref().map(|x| x.span()),
                "instance_concurrency",
            );
            return Err(ctx.at(
                span,
                &k,
                format!(
                    "Cloud Run allows at most {MAX_CONCURRENCY} requests per instance, found {}",
                    f.instance_concurrency
                ),
            ));
        }
        // No more requests than the instance's memory holds.
        let service = services.iter().position(|s| s.name == f.name);
        let service = service.map_or(&[][..], |i| std::slice::from_ref(&services[i]));
        match places_in_memory(f.memory_mb, service) {
            Some(Ok(fit)) => f.instance_concurrency = f.instance_concurrency.min(fit as u32),
            Some(Err(why)) => {
                let (span, k) = at(
                    own.memory.as_ref().map(|x| x.span()),
                    base.memory.as_ref().map(|x| x.span()),
                    "memory",
                );
                return Err(ctx.at(span, &k, why));
            }
            None => {}
        }
        let &(_, lo, hi) = SIZES.iter().find(|s| s.0 == vcpus).unwrap_or(&SIZES[0]);
        let gib = f.memory_gb();
        if !(lo..=hi).contains(&gib) {
            let (span, k) = at(
                own.memory.as_ref().map(|x| x.span()),
                base.memory.as_ref().map(|x| x.span()),
                "memory",
            );
            return Err(ctx.at(
                span,
                &k,
                format!(
                    "a Cloud Run instance of {vcpus} vCPU takes {lo}-{hi} GiB, found {gib} GiB for {}",
                    f.name
                ),
            ));
        }
        if let Some(max) = f.max_instances
            && f.provisioned > max
        {
            return Err(ctx.at(
                None,
                &format!("{fkey}.provisioned"),
                format!(
                    "provisioned = {} minimum instances exceed max_instances = {max}",
                    f.provisioned
                ),
            ));
        }
        if f.provisioned > 0 && billing == CloudRunBilling::Request {
            return Err(ctx.at(
                None,
                &format!("{fkey}.provisioned"),
                "minimum instances are modelled with billing = \"instance\" only (their idle price under request-based billing is not in the price files)".to_string(),
            ));
        }
        f.autoscaling = Some(autoscaling(
            [
                ("cpu_target", &own.cpu_target, &base.cpu_target, CPU_TARGETS),
                (
                    "concurrency_target",
                    &own.concurrency_target,
                    &base.concurrency_target,
                    CONCURRENCY_TARGETS,
                ),
            ],
            &at,
            ctx,
        )?);
        let per_second = vcpus * price.vcpu_second + gib * price.gib_second;
        f.vcpus = Some(vcpus as u32);
        f.instance_billing = match billing {
            CloudRunBilling::Request => InstanceBilling::WhileServing { per_second },
            CloudRunBilling::Instance => InstanceBilling::Lifetime { per_second },
        };
        let p = &mut f.pricing;
        p.request_per_million = price.request_per_million;
        p.gb_second = 0.0;
        p.provisioned_gb_second = 0.0;
        p.provisioned_execution_gb_second = 0.0;
        p.gateway_per_million = 0.0;
        // Lambda's volume tiers are no Cloud Run price.
        p.tiers.clear();
        p.source = price.source.clone();
        p.date = price.date.clone();
    }
    Ok(())
}

/// Where a function's key was set (its own table, else the
/// architecture's): the span and the key path for a message.
type WhereSet<'a> =
    dyn Fn(Option<Range<usize>>, Option<Range<usize>>, &str) -> (Option<Range<usize>>, String) + 'a;

type Target<'a> = (
    &'static str,
    &'a Option<toml::Spanned<f64>>,
    &'a Option<toml::Spanned<f64>>,
    (f64, f64),
);

/// A service's two autoscaling targets, each from its own table, else the
/// architecture's, else 60 %: 0 or within the range Cloud Run allows, not
/// both 0.
fn autoscaling(
    targets: [Target; 2],
    at: &WhereSet<'_>,
    ctx: &ErrorContext,
) -> Result<Autoscaling, ScenarioError> {
    let mut values = [TARGET; 2];
    let mut last = (None, String::new());
    for (slot, (name, own, base, (lo, hi))) in values.iter_mut().zip(targets) {
        let Some(v) = own.as_ref().or(base.as_ref()) else {
            continue;
        };
        let (span, key) = at(
            own.as_ref().map(|x| x.span()),
            base.as_ref().map(|x| x.span()),
            name,
        );
        let x = *v.get_ref();
        if !(x == 0.0 || (lo..=hi).contains(&x)) {
            return Err(ctx.at(
                span,
                &key,
                format!(
                    "expected 0 (off) or a utilisation between {lo} and {hi}, found {x} \
                     (Cloud Run's `{name}` allows {}-{} %)",
                    lo * 100.0,
                    hi * 100.0
                ),
            ));
        }
        *slot = x;
        last = (span, key);
    }
    if values == [0.0, 0.0] {
        return Err(ctx.at(
            last.0,
            &last.1,
            "`cpu_target` and `concurrency_target` cannot both be 0: Cloud Run scales on at least one"
                .to_string(),
        ));
    }
    Ok(Autoscaling {
        cpu_target: values[0],
        concurrency_target: values[1],
    })
}

/// `max_instances` and `pending_timeout` are Cloud Run's; Lambda caps a
/// function by its concurrent executions instead.
fn refuse_max_instances_on_lambda(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
) -> Result<(), ScenarioError> {
    let mut tables = vec![(key.to_string(), a.function_keys())];
    if let Some(f) = &a.functions {
        for (name, t) in f.get_ref() {
            tables.push((format!("{key}.functions.{name}"), t.get_ref().keys()));
        }
    }
    for (at, k) in tables {
        for (name, span) in [
            ("max_instances", k.max_instances.as_ref().map(|m| m.span())),
            (
                "pending_timeout",
                k.pending_timeout.as_ref().map(|p| p.span()),
            ),
            ("cpu_target", k.cpu_target.as_ref().map(|p| p.span())),
            (
                "concurrency_target",
                k.concurrency_target.as_ref().map(|p| p.span()),
            ),
        ] {
            if let Some(span) = span {
                let instead = if name.ends_with("_target") {
                    "a Lambda function starts an environment for each invocation that finds none free"
                } else {
                    "a Lambda function is capped by `reserved_concurrency`"
                };
                return Err(ctx.at(
                    Some(span),
                    &format!("{at}.{name}"),
                    format!(
                        "`{name}` is a Cloud Run setting (add platform = \"cloud-run\"); {instead}"
                    ),
                ));
            }
        }
    }
    Ok(())
}
