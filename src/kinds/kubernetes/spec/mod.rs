//! The `kind = "kubernetes"` architecture as resolved from the file: one
//! cluster of node pools, and one deployment per service whose pods are
//! placed on the nodes by their requests and run within their limits.
//!
//! A deployment is read as a microservices service fleet (`kind =
//! "autoscaled"` scaled by the HPA by default, or `kind = "fleet"` for a
//! fixed number of replicas, `servers`), whose "servers" are pods: a pod
//! of CPU limit L cores has ⌈L⌉ vCPUs each running at L / ⌈L⌉ of a
//! node's speed (the CFS quota, averaged over its period), its requests
//! decide where it goes, and it costs nothing itself: the nodes are billed.

pub mod cluster;
pub mod layout;

use crate::file_error::{ErrorContext, ScenarioError};
use crate::kinds::autoscaled::spec::{AutoscaledSpec, validate_autoscaled};
use crate::kinds::kubernetes::keys::{RawControlPlane, RawResources};
use crate::kinds::microservices::spec::{
    DEFAULT_HOP_LATENCY, MicroservicesSpec, ServiceFleet, known_service_tables, service_load,
};
use crate::kinds::servers::keys::ControllerName;
use crate::kinds::servers::spec::controller::ControllerSpec;
use crate::kinds::servers::spec::scaling::ScalingSpec;
use crate::kinds::servers::spec::{fleet_limits, validate_fleet};
use crate::pricing::entries::{Instance, Platform};
use crate::pricing::kubernetes::{CONTROL_PLANES, ControlPlane, control_plane};
use crate::scenario::context::{Shared, checked_name};
use crate::scenario::instance::InstanceSpec;
use crate::scenario::kind::{Context, KeyGroup, Keys, KindSpec};
use crate::scenario::raw::RawArchitecture;
use crate::scenario::values::{Kind, Metric};
use crate::time::SimTime;
use cluster::{ClusterSpec, mebibytes, millicores, validate_cluster};
use layout::{Layout, PoolRoom, Res, initial_layout};
use toml::Spanned;

#[derive(Clone, Debug)]
pub struct KubernetesSpec {
    /// The deployments, as service fleets whose servers are pods (every
    /// one pooled and priced at zero).
    pub deployments: MicroservicesSpec,
    /// Per service, in service order.
    pub pods: Vec<PodSpec>,
    pub cluster: ClusterSpec,
    pub control_plane: ControlPlane,
    /// The nodes up at the start and where the pods up at the start run.
    pub layout: Layout,
}

/// One deployment's pods.
#[derive(Clone, Copy, Debug)]
pub struct PodSpec {
    /// What placement reserves for it on a node.
    pub requests: Res,
    /// The CPU it may use, in millicores.
    pub cpu_limit_m: u64,
    /// A fixed number of replicas (`kind = "fleet"`), not scaled.
    pub fixed: bool,
}

/// A pod's start, from its creation on a node with room to Ready: the
/// Kubernetes scalability SLO puts pod startup (image pulled) within 5 s
/// at the 99th percentile; the application's own start comes on top (set
/// `boot_time`).
pub const POD_START: SimTime = SimTime::from_secs(5);

/// The keys of a deployment's table (`[architectures.services.<name>]`)
/// of fixed replicas (`servers`).
const FIXED_KEYS: Keys = Keys {
    groups: &[],
    keys: &[
        "servers",
        "queue_limit",
        "concurrency",
        "speed",
        "requests",
        "limits",
        "boot_time",
    ],
};

/// The keys of an HPA-scaled deployment's table (`initial`, not
/// `servers`, as on an autoscaled fleet).
const SCALED_KEYS: Keys = Keys {
    groups: &[KeyGroup::Autoscaling],
    keys: &["queue_limit", "concurrency", "speed", "requests", "limits"],
};

fn resources(
    r: Option<&Spanned<RawResources>>,
    rkey: &str,
    ctx: &ErrorContext,
) -> Result<(Option<u64>, Option<u64>), ScenarioError> {
    let Some(r) = r else {
        return Ok((None, None));
    };
    let r = r.get_ref();
    let cpu = match &r.cpu {
        Some(c) => Some(millicores(c, &format!("{rkey}.cpu"), ctx, 1)?),
        None => None,
    };
    let memory = match &r.memory {
        Some(m) => Some(mebibytes(m, &format!("{rkey}.memory"), ctx)?),
        None => None,
    };
    Ok((cpu, memory))
}

/// The pod of a deployment: its requests (both required: placement rests
/// on them) and its CPU limit (its request when not given).
fn pod(raw: &RawArchitecture, skey: &str, ctx: &ErrorContext) -> Result<PodSpec, ScenarioError> {
    let rkey = format!("{skey}.requests");
    let (cpu, memory) = resources(raw.requests.as_ref(), &rkey, ctx)?;
    let (Some(cpu_m), Some(memory_mib)) = (cpu, memory) else {
        let span = raw.requests.as_ref().map_or(raw.kind.span(), |r| r.span());
        return Err(ctx.at(
            Some(span),
            &rkey,
            "a pod needs its `requests`, both CPU and memory, as placement rests on them: requests = { cpu = 0.5, memory = \"512MiB\" }",
        ));
    };
    let (limit_cpu, _) = resources(raw.limits.as_ref(), &format!("{skey}.limits"), ctx)?;
    let cpu_limit_m = limit_cpu.unwrap_or(cpu_m);
    if cpu_limit_m < cpu_m {
        let span = raw.limits.as_ref().expect("a limit was given").span();
        return Err(ctx.at(
            Some(span),
            &format!("{skey}.limits.cpu"),
            format!(
                "a CPU limit ({} cores) below the request ({} cores) is refused by Kubernetes",
                cpu_limit_m as f64 / 1000.0,
                cpu_m as f64 / 1000.0
            ),
        ));
    }
    Ok(PodSpec {
        requests: Res { cpu_m, memory_mib },
        cpu_limit_m,
        fixed: false,
    })
}

/// The pod as the fleet model's "instance": ⌈limit⌉ vCPUs at limit / ⌈limit⌉
/// of the node's speed (times the deployment's `speed`), its memory
/// request as its memory, priced at zero.
fn pod_instance(
    pod: &PodSpec,
    raw: &RawArchitecture,
    skey: &str,
    ctx: &ErrorContext,
) -> Result<Instance, ScenarioError> {
    let vcpus = pod.cpu_limit_m.div_ceil(1000).max(1);
    let share = pod.cpu_limit_m as f64 / (vcpus * 1000) as f64;
    let written = raw.speed.as_ref().map_or(1.0, |s| *s.get_ref());
    let speed = crate::pricing::entries::check_speed(written * share).map_err(|m| {
        let span = raw.speed.as_ref().map_or(raw.kind.span(), |s| s.span());
        ctx.at(Some(span), &format!("{skey}.speed"), m)
    })?;
    Ok(Instance {
        name: format!("pod {}", pod.requests.describe()),
        vcpus: vcpus as u32,
        memory_mb: pod.requests.memory_mib as f64,
        price_per_hour: 0.0,
        region: String::new(),
        source: "a pod: its nodes are billed".into(),
        date: String::new(),
        platform: Platform::Ec2,
        burst: None,
        lambda_managed: None,
        speed,
        max_pods: None,
    })
}

fn validate_deployment(
    a: &RawArchitecture,
    i: usize,
    key: &str,
    cx: &Context,
) -> Result<(ServiceFleet, PodSpec), ScenarioError> {
    let (ctx, shared) = (cx.ctx, cx.shared);
    let tables = a.services.as_ref().map(|s| s.get_ref());
    let svc = &shared.services[i];
    let mut raw = a.for_service(&svc.name, tables.and_then(|t| t.get(&svc.name)));
    let skey = format!("{key}.services.{}", svc.name);
    // The architecture's autoscaling keys are every HPA's defaults.
    if *raw.kind.get_ref() == Kind::Autoscaled {
        raw.default_autoscaling(a);
    }
    if !matches!(raw.kind.get_ref(), Kind::Fleet | Kind::Autoscaled) {
        return Err(ctx.at(
            Some(raw.kind.span()),
            &format!("{skey}.kind"),
            "a deployment is kind = \"autoscaled\" (scaled by the HPA) or \"fleet\" (a fixed number of replicas, `servers`)",
        ));
    }
    if raw.instance.is_some() {
        return Err(ctx.at(
            Some(raw.kind.span()),
            &format!("{skey}.instance"),
            "a pod's size is its `requests` and `limits`; the nodes' type is a node pool's `instance`",
        ));
    }
    if let Some(p) = &raw.pricing {
        return Err(ctx.at(
            Some(p.span()),
            &format!("{skey}.pricing"),
            "pods are not billed, their nodes are (on demand)",
        ));
    }
    let keys = if *raw.kind.get_ref() == Kind::Autoscaled {
        SCALED_KEYS
    } else {
        FIXED_KEYS
    };
    checked_name(&raw, &skey, ctx, &keys)?;
    let mut pod = pod(&raw, &skey, ctx)?;
    let instance = pod_instance(&pod, &raw, &skey, ctx)?;
    raw.instance = Some(Spanned::new(
        raw.kind.span(),
        InstanceSpec::Inline(instance),
    ));
    raw.speed = None;
    let start = raw.boot_time.as_ref().map(|b| b.get_ref().0.clone());
    let start = start.unwrap_or_else(|| crate::dist::Dist::constant(POD_START));
    let services = std::slice::from_ref(svc);
    let fleet = if *raw.kind.get_ref() == Kind::Autoscaled {
        match &raw.controller {
            None => {
                raw.controller = Some(Spanned::new(raw.kind.span(), ControllerName::KubernetesHpa))
            }
            Some(c) if *c.get_ref() == ControllerName::Ec2TargetTracking => {
                return Err(ctx.at(
                    Some(c.span()),
                    &format!("{skey}.controller"),
                    "pods are scaled by the HPA (\"kubernetes-hpa\", the default) or scalesim's \"custom\" policy, not by EC2 Auto Scaling",
                ));
            }
            Some(_) => {}
        }
        let mut x = validate_autoscaled(&raw, &skey, ctx, services, cx.prices)?;
        x.scaling.boot_time = start;
        // The HPA's CPU utilisation is usage over the request; the model's
        // metric is busy vCPUs over the pod's, worth its limit.
        if x.scaling.metric == Metric::Cpu {
            x.scaling.target *= pod.requests.cpu_m as f64 / pod.cpu_limit_m as f64;
        }
        x
    } else {
        pod.fixed = true;
        let fleet = validate_fleet(
            &raw,
            &skey,
            ctx,
            &service_load(shared, i),
            services,
            cx.prices,
        )?;
        let n = fleet.servers;
        // A fixed deployment is a pool that no policy moves (min = max):
        // its pods still start on nodes and move when a node leaves.
        AutoscaledSpec {
            fleet,
            scaling: ScalingSpec {
                min: n,
                max: n,
                metric: Metric::Cpu,
                target: 1.0,
                evaluation: SimTime::from_secs(3600),
                boot_time: start,
                scale_out_cooldown: SimTime::ZERO,
                scale_in_cooldown: SimTime::ZERO,
                tolerance: 0.0,
                scheduled: Vec::new(),
                controller: ControllerSpec::Custom,
            },
        }
    };
    Ok((ServiceFleet::Autoscaled(fleet), pod))
}

fn validate_control_plane(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
) -> Result<ControlPlane, ScenarioError> {
    let Some(c) = &a.control_plane else {
        return Ok(control_plane("eks").expect("a bundled offering").clone());
    };
    let ckey = format!("{key}.control_plane");
    match c.get_ref() {
        RawControlPlane::Named(name) => control_plane(name).cloned().ok_or_else(|| {
            let names: Vec<&str> = CONTROL_PLANES.iter().map(|c| c.name).collect();
            ctx.at(
                Some(c.span()),
                &ckey,
                format!(
                    "unknown control plane \"{name}\"; expected one of {}, or a price in USD per hour",
                    names.join(", ")
                ),
            )
        }),
        RawControlPlane::PerHour(x) if x.is_finite() && *x >= 0.0 && *x <= crate::limits::MAX_PRICE_PER_HOUR => {
            Ok(ControlPlane {
                name: "custom",
                per_hour: *x,
                source: "scenario file",
                date: "",
            })
        }
        RawControlPlane::PerHour(x) => Err(ctx.at(
            Some(c.span()),
            &ckey,
            format!(
                "expected a price per hour between 0 and {}, found {x}",
                crate::limits::MAX_PRICE_PER_HOUR
            ),
        )),
    }
}

pub(crate) fn validate_kubernetes(
    a: &RawArchitecture,
    key: &str,
    cx: &Context,
) -> Result<KubernetesSpec, ScenarioError> {
    let (ctx, shared): (&ErrorContext, &Shared) = (cx.ctx, cx.shared);
    let services = shared.services;
    known_service_tables(a, key, ctx, services)?;
    let cluster = validate_cluster(a.cluster.as_ref(), a.kind.span(), key, ctx, cx.prices)?;
    let mut fleets = Vec::with_capacity(services.len());
    let mut pods = Vec::with_capacity(services.len());
    for (i, svc) in services.iter().enumerate() {
        let (fleet, pod) = validate_deployment(a, i, key, cx)?;
        let fits = cluster
            .node_pools
            .iter()
            .any(|p| pod.requests.fits(p.allocatable.minus(cluster.daemonsets)));
        if !fits {
            let skey = format!("{key}.services.{}.requests", svc.name);
            let span = a.for_service(
                &svc.name,
                a.services.as_ref().and_then(|t| t.get_ref().get(&svc.name)),
            );
            let span = span.requests.as_ref().map_or(a.kind.span(), |r| r.span());
            let rooms: Vec<String> = cluster
                .node_pools
                .iter()
                .map(|p| {
                    format!(
                        "{} ({})",
                        p.name,
                        p.allocatable.minus(cluster.daemonsets).describe()
                    )
                })
                .collect();
            return Err(ctx.at(
                Some(span),
                &skey,
                format!(
                    "a pod requesting {} fits on no node pool's node; room for pods after the DaemonSets: {}",
                    pod.requests.describe(),
                    rooms.join(", ")
                ),
            ));
        }
        fleets.push(fleet);
        pods.push(pod);
    }
    let rooms: Vec<PoolRoom> = cluster
        .node_pools
        .iter()
        .map(|p| PoolRoom {
            allocatable: p.allocatable,
            max_pods: p.max_pods,
            nodes: p.nodes,
            max: p.max,
        })
        .collect();
    let initial: Vec<(Res, u32)> = pods
        .iter()
        .zip(&fleets)
        .map(|(p, f)| (p.requests, f.fleet().servers))
        .collect();
    let layout = initial_layout(
        &rooms,
        (cluster.daemonset_pods, cluster.daemonsets),
        cluster.scoring,
        &initial,
    )
    .map_err(|s| {
        ctx.at(
            Some(a.cluster.as_ref().map_or(a.kind.span(), |c| c.span())),
            &format!("{key}.cluster"),
            format!(
                "the {} pods of \"{}\" up at the start do not fit on the node pools' `max` nodes (with the pods of the services before it)",
                initial[s].1, services[s].name
            ),
        )
    })?;
    let (_, timeout) = fleet_limits(a, key, ctx)?;
    let control_plane = validate_control_plane(a, key, ctx)?;
    Ok(KubernetesSpec {
        deployments: MicroservicesSpec {
            hop_latency: a
                .hop_latency
                .as_ref()
                .map_or(DEFAULT_HOP_LATENCY, |h| h.get_ref().0),
            timeout,
            fleets,
        },
        pods,
        cluster,
        control_plane,
        layout,
    })
}

pub type Spec = KubernetesSpec;

impl KindSpec for KubernetesSpec {
    const KEYS: Keys = Keys {
        groups: &[KeyGroup::Autoscaling],
        keys: &[
            "hop_latency",
            "services",
            "cluster",
            "control_plane",
            "requests",
            "limits",
            "timeout",
            "servers",
            "queue_limit",
            "concurrency",
            "speed",
        ],
    };

    fn validate(a: &RawArchitecture, key: &str, cx: &Context) -> Result<Self, ScenarioError> {
        validate_kubernetes(a, key, cx)
    }
}
