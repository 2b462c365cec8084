//! The report's section on Kubernetes clusters: what the node layer adds
//! to each cluster's bill — nodes sized by pods' requests rather than
//! their use, capacity no pod requested, pods waiting for a node, the
//! control plane.

use crate::numbers::usd;
use crate::report::table::fmt_count;
use crate::results::summary::RunSummary;
use std::fmt::Write as _;

/// Appends the section when the run has a Kubernetes architecture.
pub fn section(md: &mut String, run: &RunSummary) {
    let clusters: Vec<_> = run
        .architectures
        .iter()
        .filter_map(|a| a.kubernetes().map(|k| (a, k)))
        .collect();
    if clusters.is_empty() {
        return;
    }
    let _ = writeln!(md, "## Kubernetes clusters\n");
    let _ = writeln!(
        md,
        "Nodes are billed, not pods, and how many run follows the pods' CPU and \
         memory *requests*, not their use. Means over the measured period; \
         CPU in cores, memory in GiB, money per month.\n"
    );
    let _ = writeln!(
        md,
        "| cluster | nodes (mean / peak) | pods per node | CPU requested / used / allocatable | memory requested / allocatable | unrequested | control plane | pods that waited (mean wait) |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|---|---|");
    for (a, k) in &clusters {
        let c = &k.cluster;
        let month = |x: f64| {
            if a.cost.total_usd > 0.0 {
                x * a.cost.per_month_usd / a.cost.total_usd
            } else {
                0.0
            }
        };
        let mean: f64 = c.node_pools.iter().map(|p| p.nodes.mean).sum();
        let peak: u64 = c.node_pools.iter().map(|p| p.nodes.peak).sum();
        let _ = writeln!(
            md,
            "| {} | {:.1} / {} | {:.1} | {:.2} / {:.2} / {:.2} | {:.1} / {:.1} | {} | {} ({}) | {} ({:.0} s) |",
            super::esc(&a.name),
            mean,
            peak,
            c.pods_per_node,
            c.requested_cpu,
            c.used_cpu,
            c.allocatable_cpu,
            c.requested_memory_gib,
            c.allocatable_memory_gib,
            usd(month(c.unrequested_usd)),
            usd(month(c.control_plane_usd)),
            c.control_plane,
            fmt_count(c.pods_waited),
            c.mean_pod_wait_s
        );
    }
    let _ = writeln!(md);
    for (a, k) in &clusters {
        let c = &k.cluster;
        if c.used_cpu > 0.0 && c.allocatable_cpu > 0.0 {
            let _ = writeln!(
                md,
                "- {}: pods and DaemonSets request {:.1}× the CPU the work uses, and {:.0} % of the nodes' allocatable CPU is requested by nothing.",
                super::esc(&a.name),
                c.requested_cpu / c.used_cpu,
                100.0 * (1.0 - c.requested_cpu / c.allocatable_cpu).max(0.0)
            );
        }
    }
    let _ = writeln!(md);
}
