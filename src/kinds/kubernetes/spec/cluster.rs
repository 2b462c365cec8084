//! The `cluster` table resolved: node pools with their allocatable room,
//! the scheduler's scoring, the DaemonSets on every node, and the Cluster
//! Autoscaler's timings, each default with its source.

use super::layout::{DEFAULT_MAX_PODS, Res, Scoring, eks_allocatable};
use crate::dist::Dist;
use crate::file_error::{ErrorContext, ScenarioError};
use crate::kinds::kubernetes::keys::{
    Consolidation, NodeAutoscaler, RawCluster, RawDaemonSets, RawNodePool, RawResources,
    Scoring as RawScoring,
};
use crate::pricing::catalog::Prices;
use crate::pricing::entries::{Instance, Platform};
use crate::scenario::context::count;
use crate::scenario::instance::InstanceSpec;
use crate::time::SimTime;
use std::ops::Range;
use toml::Spanned;

/// Defaults, each with where it comes from.
pub mod defaults {
    use super::Res;
    use crate::time::SimTime;
    /// Cluster Autoscaler `--scan-interval` (cluster-autoscaler FAQ).
    pub const SCAN_INTERVAL: SimTime = SimTime::from_secs(10);
    /// `--scale-down-unneeded-time` (same).
    pub const UNNEEDED_TIME: SimTime = SimTime::from_secs(600);
    /// `--scale-down-delay-after-add` (same).
    pub const DELAY_AFTER_ADD: SimTime = SimTime::from_secs(600);
    /// `--scale-down-utilization-threshold` (same).
    pub const UTILIZATION_THRESHOLD: f64 = 0.5;
    /// From the autoscaler's request to a Ready node: an EC2 launch, boot
    /// and kubelet registration. The FAQ quotes 3–4 minutes on GCE; no EKS
    /// figure is published; 2 minutes here, to be measured and set.
    pub const PROVISIONING: SimTime = SimTime::from_secs(120);
    /// EKS's default add-ons on every node: the VPC CNI (`aws-node`,
    /// requests 25m CPU) and kube-proxy (100m), two pods (the `+ 2` of the
    /// max-pods formula), as their manifests request (not re-verified
    /// against the current add-on versions: set `daemonsets` to what the
    /// cluster runs).
    pub const DAEMONSETS: (u32, Res) = (
        2,
        Res {
            cpu_m: 125,
            memory_mib: 0,
        },
    );
}

#[derive(Clone, Debug)]
pub struct ClusterSpec {
    pub node_pools: Vec<NodePoolSpec>,
    pub scoring: Scoring,
    /// None: the node pools stay at their `nodes`.
    pub autoscaler: Option<AutoscalerSpec>,
    /// Pods the DaemonSets run on every node, and what they request.
    pub daemonset_pods: u32,
    pub daemonsets: Res,
}

#[derive(Clone, Debug)]
pub struct NodePoolSpec {
    pub name: String,
    pub instance: Instance,
    pub min: u32,
    pub max: u32,
    /// Nodes up at the start as written (at least `min`); the pods up at
    /// the start may need more.
    pub nodes: u32,
    pub provisioning: Dist,
    pub max_pods: u32,
    /// What pods (DaemonSets' included) may request on one node.
    pub allocatable: Res,
    /// True when `reserved` replaced EKS's formula.
    pub reserved_given: bool,
}

/// Which node autoscaler, and its own rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeScaler {
    /// Scale-up at each scan, for the least-waste pool.
    ClusterAutoscaler,
    /// Scale-up by batches of pending pods (1 s idle, 10 s at most:
    /// `--batch-idle-duration`, `--batch-max-duration`), onto the node
    /// pools whose nodes hold them at the lowest price per requested core;
    /// consolidation of empty nodes only (`empty_only`) or of any node
    /// whose pods fit elsewhere.
    Karpenter { empty_only: bool },
}

/// Karpenter's batching of pending pods (kubernetes-sigs/karpenter
/// `pkg/operator/options/options.go`).
pub const BATCH_IDLE: SimTime = SimTime::from_secs(1);
pub const BATCH_MAX: SimTime = SimTime::from_secs(10);

/// The node autoscaler's rules and timings (the Cluster Autoscaler FAQ's
/// defaults; under Karpenter the scan is its disruption loop, the
/// unneeded time its `consolidateAfter`, with no threshold and no delay
/// after a scale-up).
#[derive(Clone, Copy, Debug)]
pub struct AutoscalerSpec {
    pub scaler: NodeScaler,
    pub scan_interval: SimTime,
    pub unneeded_time: SimTime,
    pub delay_after_add: SimTime,
    pub utilization_threshold: f64,
}

fn err(ctx: &ErrorContext, span: Range<usize>, key: &str, m: impl Into<String>) -> ScenarioError {
    ctx.at(Some(span), key, m)
}

/// Cores as written (`0.25`) in whole millicores, at least `min_m`.
pub(super) fn millicores(
    v: &Spanned<f64>,
    key: &str,
    ctx: &ErrorContext,
    min_m: u64,
) -> Result<u64, ScenarioError> {
    let x = *v.get_ref();
    let m = (x * 1000.0).round();
    if !(x.is_finite() && m >= min_m as f64 && m <= 1e9) {
        return Err(err(
            ctx,
            v.span(),
            key,
            format!(
                "expected CPU in cores of at least {} (Kubernetes' {min_m}m), found {x}",
                min_m as f64 / 1000.0
            ),
        ));
    }
    Ok(m as u64)
}

/// A memory size as written ("512MiB") in whole MiB, rounded up.
pub(super) fn mebibytes(
    v: &Spanned<String>,
    key: &str,
    ctx: &ErrorContext,
) -> Result<u64, ScenarioError> {
    let mb = crate::time::parse_memory_mb(v.get_ref()).map_err(|m| err(ctx, v.span(), key, m))?;
    if mb > 1e9 {
        return Err(err(ctx, v.span(), key, "expected at most 1,000,000 GiB"));
    }
    Ok(mb.ceil() as u64)
}

pub(super) fn validate_cluster(
    raw: Option<&Spanned<RawCluster>>,
    kind_span: Range<usize>,
    key: &str,
    ctx: &ErrorContext,
    prices: &Prices,
) -> Result<ClusterSpec, ScenarioError> {
    let ckey = format!("{key}.cluster");
    let Some(raw) = raw else {
        return Err(err(
            ctx,
            kind_span,
            &ckey,
            "a kubernetes architecture needs a `cluster` table with at least one node pool: [[architectures.cluster.node_pools]] instance = \"m5.large\", max = 10",
        ));
    };
    let c = raw.get_ref();
    let (daemonset_pods, daemonsets) = daemonsets(c.daemonsets.as_ref(), &ckey, ctx)?;
    if c.node_pools.get_ref().is_empty() {
        return Err(err(
            ctx,
            c.node_pools.span(),
            &format!("{ckey}.node_pools"),
            "expected at least one node pool",
        ));
    }
    let mut node_pools = Vec::new();
    for (i, p) in c.node_pools.get_ref().iter().enumerate() {
        let pkey = format!("{ckey}.node_pools[{i}]");
        let pool = node_pool(p, &pkey, i, ctx, prices)?;
        if node_pools
            .iter()
            .any(|q: &NodePoolSpec| q.name == pool.name)
        {
            return Err(err(
                ctx,
                p.span(),
                &format!("{pkey}.name"),
                format!("node pool \"{}\" is named twice", pool.name),
            ));
        }
        if !(daemonsets.fits(pool.allocatable) && daemonset_pods < pool.max_pods) {
            return Err(err(
                ctx,
                p.span(),
                &pkey,
                format!(
                    "the DaemonSets ({daemonset_pods} pods, {}) leave no room for pods on its nodes ({} allocatable, {} pods)",
                    daemonsets.describe(),
                    pool.allocatable.describe(),
                    pool.max_pods
                ),
            ));
        }
        node_pools.push(pool);
    }
    let scoring = match c.scheduling.as_ref().map(|s| *s.get_ref()) {
        None | Some(RawScoring::LeastAllocated) => Scoring::LeastAllocated,
        Some(RawScoring::MostAllocated) => Scoring::MostAllocated,
    };
    let dur =
        |v: &Option<Spanned<crate::scenario::values::Dur>>, name: &str, default: SimTime| match v {
            None => Ok(default),
            Some(d) if d.get_ref().0 > SimTime::ZERO || name != "scan_interval" => {
                Ok(d.get_ref().0)
            }
            Some(d) => Err(err(
                ctx,
                d.span(),
                &format!("{ckey}.{name}"),
                "expected a positive duration",
            )),
        };
    let scan_interval = dur(&c.scan_interval, "scan_interval", defaults::SCAN_INTERVAL)?;
    if scan_interval < SimTime::from_secs(1) {
        let span = c.scan_interval.as_ref().expect("a default is 10 s").span();
        return Err(err(
            ctx,
            span,
            &format!("{ckey}.scan_interval"),
            "expected a scan interval of at least 1s (the Cluster Autoscaler's default is 10s)",
        ));
    }
    let chosen = c.autoscaler.as_ref().map(|a| *a.get_ref());
    // Each autoscaler's keys are its own.
    let foreign: &[(&str, bool)] = match chosen {
        Some(NodeAutoscaler::Karpenter) => &[
            (
                "scale_down_unneeded_time",
                c.scale_down_unneeded_time.is_some(),
            ),
            (
                "scale_down_delay_after_add",
                c.scale_down_delay_after_add.is_some(),
            ),
            (
                "scale_down_utilization_threshold",
                c.scale_down_utilization_threshold.is_some(),
            ),
        ],
        _ => &[
            ("consolidate_after", c.consolidate_after.is_some()),
            ("consolidation", c.consolidation.is_some()),
        ],
    };
    if let Some((k, _)) = foreign.iter().find(|(_, given)| *given) {
        let what = match chosen {
            Some(NodeAutoscaler::Karpenter) => "the Cluster Autoscaler's, not Karpenter's",
            _ => "Karpenter's: set autoscaler = \"karpenter\"",
        };
        return Err(err(
            ctx,
            raw.span(),
            &format!("{ckey}.{k}"),
            format!("`{k}` is {what}"),
        ));
    }
    let autoscaler = match chosen {
        Some(NodeAutoscaler::None) => None,
        Some(NodeAutoscaler::Karpenter) => Some(AutoscalerSpec {
            scaler: NodeScaler::Karpenter {
                empty_only: c
                    .consolidation
                    .as_ref()
                    .is_some_and(|p| *p.get_ref() == Consolidation::WhenEmpty),
            },
            scan_interval,
            // `consolidateAfter` defaults to 0 s (`pkg/apis/v1/nodepool.go`).
            unneeded_time: dur(&c.consolidate_after, "consolidate_after", SimTime::ZERO)?,
            delay_after_add: SimTime::ZERO,
            utilization_threshold: 1.0,
        }),
        None | Some(NodeAutoscaler::ClusterAutoscaler) => Some(AutoscalerSpec {
            scaler: NodeScaler::ClusterAutoscaler,
            scan_interval,
            unneeded_time: dur(
                &c.scale_down_unneeded_time,
                "scale_down_unneeded_time",
                defaults::UNNEEDED_TIME,
            )?,
            delay_after_add: dur(
                &c.scale_down_delay_after_add,
                "scale_down_delay_after_add",
                defaults::DELAY_AFTER_ADD,
            )?,
            utilization_threshold: match &c.scale_down_utilization_threshold {
                None => defaults::UTILIZATION_THRESHOLD,
                Some(t) if *t.get_ref() >= 0.0 && *t.get_ref() <= 1.0 => *t.get_ref(),
                Some(t) => {
                    return Err(err(
                        ctx,
                        t.span(),
                        &format!("{ckey}.scale_down_utilization_threshold"),
                        format!("expected a share in [0, 1], found {}", t.get_ref()),
                    ));
                }
            },
        }),
    };
    Ok(ClusterSpec {
        node_pools,
        scoring,
        autoscaler,
        daemonset_pods,
        daemonsets,
    })
}

fn daemonsets(
    raw: Option<&Spanned<RawDaemonSets>>,
    ckey: &str,
    ctx: &ErrorContext,
) -> Result<(u32, Res), ScenarioError> {
    let Some(d) = raw else {
        return Ok(defaults::DAEMONSETS);
    };
    let dkey = format!("{ckey}.daemonsets");
    let d = d.get_ref();
    let pods = count(&d.pods, &format!("{dkey}.pods"), ctx, 0, 0)?;
    let cpu_m = match &d.cpu {
        None => 0,
        Some(c) => millicores(c, &format!("{dkey}.cpu"), ctx, 0)?,
    };
    let memory_mib = match &d.memory {
        None => 0,
        Some(m) => mebibytes(m, &format!("{dkey}.memory"), ctx)?,
    };
    Ok((pods, Res { cpu_m, memory_mib }))
}

fn node_pool(
    p: &Spanned<RawNodePool>,
    pkey: &str,
    i: usize,
    ctx: &ErrorContext,
    prices: &Prices,
) -> Result<NodePoolSpec, ScenarioError> {
    let r = p.get_ref();
    let ikey = format!("{pkey}.instance");
    let Some(written) = &r.instance else {
        return Err(err(
            ctx,
            p.span(),
            &ikey,
            "a node pool needs `instance`, the nodes' type, such as \"m5.large\"",
        ));
    };
    if matches!(
        written.get_ref(),
        InstanceSpec::Fargate { .. } | InstanceSpec::LambdaManaged { .. }
    ) {
        return Err(err(
            ctx,
            written.span(),
            &ikey,
            "a node is an EC2 instance: a type name such as \"m5.large\", or { vcpus = 2, memory = \"8GB\", price_per_hour = 0.096 }",
        ));
    }
    let instance = written
        .get_ref()
        .resolve(prices)
        .map_err(|m| err(ctx, written.span(), &ikey, m))?;
    debug_assert_eq!(instance.platform, Platform::Ec2);
    let name = r.name.as_ref().map_or_else(
        || format!("pool-{}", i + 1),
        |n| n.get_ref().trim().to_string(),
    );
    if name.is_empty() || name.contains([',', '/']) {
        let span = r.name.as_ref().map_or(p.span(), |n| n.span());
        return Err(err(
            ctx,
            span,
            &format!("{pkey}.name"),
            "expected a non-empty name without slashes or commas",
        ));
    }
    let min = count(&r.min, &format!("{pkey}.min"), ctx, 0, 0)?;
    let Some(max_raw) = &r.max else {
        return Err(err(
            ctx,
            p.span(),
            &format!("{pkey}.max"),
            "a node pool needs `max`, the most nodes it may run: nothing else bounds the cost",
        ));
    };
    let max = count(&r.max, &format!("{pkey}.max"), ctx, 1, 0)?;
    if u64::from(max) > crate::limits::MAX_SERVERS {
        return Err(err(
            ctx,
            max_raw.span(),
            &format!("{pkey}.max"),
            format!(
                "expected at most {} nodes, found {max}",
                crate::limits::MAX_SERVERS
            ),
        ));
    }
    if min > max {
        let span = r.min.as_ref().expect("min > max ≥ 1").span();
        return Err(err(
            ctx,
            span,
            &format!("{pkey}.min"),
            format!("min ({min}) is above max ({max})"),
        ));
    }
    let nodes = count(&r.nodes, &format!("{pkey}.nodes"), ctx, 0, min)?;
    if nodes < min || nodes > max {
        let span = r.nodes.as_ref().expect("defaults to min").span();
        return Err(err(
            ctx,
            span,
            &format!("{pkey}.nodes"),
            format!("expected nodes between min ({min}) and max ({max}), found {nodes}"),
        ));
    }
    let max_pods = match &r.max_pods {
        None => instance.max_pods.unwrap_or(DEFAULT_MAX_PODS),
        Some(_) => {
            let m = count(&r.max_pods, &format!("{pkey}.max_pods"), ctx, 1, 0)?;
            if m > crate::limits::MAX_PODS_PER_NODE {
                let span = r.max_pods.as_ref().expect("given").span();
                return Err(err(
                    ctx,
                    span,
                    &format!("{pkey}.max_pods"),
                    format!(
                        "expected at most {} pods per node, found {m}",
                        crate::limits::MAX_PODS_PER_NODE
                    ),
                ));
            }
            m
        }
    };
    let memory_mib = instance.memory_mb.floor() as u64;
    let allocatable = match &r.reserved {
        None => eks_allocatable(instance.vcpus, memory_mib, max_pods).ok_or_else(|| {
            err(
                ctx,
                written.span(),
                &ikey,
                format!(
                    "a {} ({} vCPU, {memory_mib} MiB) keeps nothing for pods once EKS reserves for {max_pods} pods: lower `max_pods` or set `reserved`",
                    instance.name, instance.vcpus
                ),
            )
        })?,
        Some(res) => reserved(res, &format!("{pkey}.reserved"), ctx, &instance, memory_mib)?,
    };
    let provisioning = r.provisioning.as_ref().map_or_else(
        || Dist::constant(defaults::PROVISIONING),
        |d| d.get_ref().0.clone(),
    );
    Ok(NodePoolSpec {
        name,
        instance,
        min,
        max,
        nodes,
        provisioning,
        max_pods,
        allocatable,
        reserved_given: r.reserved.is_some(),
    })
}

/// Allocatable from a `reserved` given in full (kube-reserved,
/// system-reserved and the eviction threshold together).
fn reserved(
    res: &Spanned<RawResources>,
    rkey: &str,
    ctx: &ErrorContext,
    instance: &Instance,
    memory_mib: u64,
) -> Result<Res, ScenarioError> {
    let r = res.get_ref();
    let cpu_m = match &r.cpu {
        None => 0,
        Some(c) => millicores(c, &format!("{rkey}.cpu"), ctx, 0)?,
    };
    let mem = match &r.memory {
        None => 0,
        Some(m) => mebibytes(m, &format!("{rkey}.memory"), ctx)?,
    };
    let total = Res {
        cpu_m: u64::from(instance.vcpus) * 1000,
        memory_mib,
    };
    let kept = Res {
        cpu_m,
        memory_mib: mem,
    };
    if kept.cpu_m >= total.cpu_m || kept.memory_mib >= total.memory_mib {
        return Err(err(
            ctx,
            res.span(),
            rkey,
            format!(
                "reserves {} of a {} node's {}: nothing is left for pods",
                kept.describe(),
                instance.name,
                total.describe()
            ),
        ));
    }
    Ok(total.minus(kept))
}
