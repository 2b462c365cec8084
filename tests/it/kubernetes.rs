//! The `kubernetes` kind: pods placed on nodes by their requests, the
//! Cluster Autoscaler's timings, the bill of nodes and control plane, and
//! the cluster of one pod per node against the autoscaled fleet it then
//! is. Every number is worked out in the comments.

use crate::common::{assert_bad_input, check_in, run_first};
use scalesim::kinds::kubernetes::results::KubernetesResult;
use scalesim::results::summary::ArchitectureResult;

/// One service `api` of constant 50 ms work, under a `demand` table.
fn with_demand(duration: &str, warmup: &str, window: &str, demand: &str, arch: &str) -> String {
    format!(
        r#"name = "k8s"
duration = "{duration}"
warmup = "{warmup}"
window = "{window}"
seed = 7
[demand]
{demand}
[[services]]
name = "api"
work = "50ms"
[[architectures]]
name = "eks"
kind = "kubernetes"
{arch}
"#
    )
}

fn k8s(a: &ArchitectureResult) -> &KubernetesResult {
    a.kubernetes().expect("a kubernetes architecture")
}

/// Service `api` scaled by the HPA at half its CPU request, from
/// `initial` pods, between 1 and 30.
fn hpa_api(initial: u32) -> String {
    format!(
        r#"[architectures.services.api]
kind = "autoscaled"
initial = {initial}
min = 1
max = 30
policy = {{ metric = "cpu", target = 0.5 }}
"#
    )
}

/// One pod per m5.large node: a pod of 1 vCPU requested leaves 1.93 −
/// 0.125 − 1 = 0.805 vCPU, too little for another.
const ONE_POD_PER_NODE: &str = r#"requests = { cpu = 1, memory = "1GiB" }
"#;

#[test]
fn check_shows_allocatable_and_pods_per_node_by_hand() {
    // m5.large: 2 vCPU − 70m kube-reserved = 1.93; 8192 MiB − (11 × 29 +
    // 255) − 100 = 7518 MiB; 29 pods. Seven fixed pods of 0.5 vCPU: three
    // per node after the DaemonSets' 125m (3 × 0.5 = 1.5 ≤ 1.805), so
    // three nodes.
    let text = with_demand(
        "1h",
        "0s",
        "10m",
        "shape = \"constant\"\nrps = 1",
        r#"servers = 7
requests = { cpu = 0.5, memory = "1GiB" }
[architectures.cluster]
node_pools = [{ name = "general", instance = "m5.large", max = 10 }]
"#,
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), &text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(["check", "s.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "node pool general    3 × m5.large (0..10), each 1.93 vCPU, 7518 MiB and 29 pods allocatable (EKS formula)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("daemonsets 2 pods, 0.125 vCPU, 0 MiB on every node"),
        "{stdout}"
    );
    assert!(
        stdout.contains("api        7 pods, requests 0.5 vCPU, 1024 MiB"),
        "{stdout}"
    );
}

#[test]
fn a_step_pends_pods_until_a_scan_a_node_and_its_provisioning() {
    // 5 → 100 requests/s of 50 ms at 1 h: the HPA (target 50 % of a
    // 1-vCPU request) keeps 1 pod, then wants 10 pods, one per node; the nodes up hold one
    // each, so the new pods pend until a scan (every 10 s) launches
    // nodes, Ready 120 s later. Each waits 120 s plus the time to the next
    // scan: in [120, 130) s. None may start before its node is Ready.
    let a = run_first(&with_demand(
        "3h",
        "0s",
        "1m",
        r#"shape = "steps"
steps = [{ at = "0s", rps = 5 }, { at = "1h", rps = 100 }]"#,
        &format!(
            r#"{ONE_POD_PER_NODE}
[architectures.cluster]
node_pools = [{{ instance = "m5.large", min = 1, max = 30, provisioning = "2m" }}]
{}"#,
            hpa_api(1)
        ),
    ));
    let c = &k8s(&a).cluster;
    assert!(c.pods_waited >= 8, "{c:?}");
    assert!(
        c.mean_pod_wait_s >= 120.0 && c.mean_pod_wait_s < 130.0,
        "{c:?}"
    );
    let pool = &c.node_pools[0];
    assert!(pool.scale_ups >= 8, "{pool:?}");
    // Before the step one node ran; no node came before the step's first
    // HPA reading (15 s period) and the scan after it.
    for row in &a.timeseries {
        if row.start_s + 60.0 <= 3615.0 {
            assert_eq!(row.servers, 1.0, "{row:?}");
        }
    }
    // The timeline's starting servers are nodes provisioning: none
    // before the step, some after it.
    assert!(
        a.timeseries
            .iter()
            .filter(|r| r.start_s < 3600.0)
            .all(|r| r.booting_servers == 0.0)
    );
    assert!(
        a.timeseries
            .iter()
            .any(|r| r.start_s >= 3600.0 && r.booting_servers > 0.0)
    );
    // The pods up meanwhile are saturated by the backlog, so the HPA
    // overshoots (to its max of 30 here); an hour later it is back near
    // the 10 the load needs, and the nodes followed it down.
    let late = a.timeseries.iter().find(|r| r.start_s == 7200.0).unwrap();
    assert!((10.0..=12.0).contains(&late.servers), "{late:?}");
    assert!(k8s(&a).services[0].servers >= 10);
    assert!(c.pending_pods.peak >= 8, "{c:?}");
}

#[test]
fn nodes_leave_only_after_the_unneeded_time() {
    // 100 requests/s on 10 pods of one node each, then 5/s from 1 h. The
    // HPA scales in to one pod after its 300 s stabilisation (at the
    // first 15 s reading after 3,900 s); the empty nodes are unneeded from
    // the next scan and leave 600 s later: not before 4,500 s, all by
    // about 4,500 + 15 + 10 s. The pool's min keeps one.
    let a = run_first(&with_demand(
        "2h",
        "0s",
        "1m",
        r#"shape = "steps"
steps = [{ at = "0s", rps = 100 }, { at = "1h", rps = 5 }]"#,
        &format!(
            r#"{ONE_POD_PER_NODE}
[architectures.cluster]
node_pools = [{{ instance = "m5.large", min = 1, max = 30 }}]
{}"#,
            hpa_api(10)
        ),
    ));
    let c = &k8s(&a).cluster;
    let first_lower = a
        .timeseries
        .iter()
        .find(|r| r.servers < 10.0)
        .expect("nodes leave");
    assert!(
        first_lower.start_s >= 4500.0 && first_lower.start_s <= 4560.0,
        "{first_lower:?}"
    );
    let last = a.timeseries.last().unwrap();
    assert_eq!(last.servers, 1.0, "{last:?}");
    assert_eq!(c.node_pools[0].scale_downs, 9, "{c:?}");
    assert_eq!(c.node_pools[0].scale_ups, 0, "{c:?}");
}

#[test]
fn karpenter_batches_pending_pods_onto_the_cheapest_nodes_and_consolidates_at_once() {
    // The step of the Cluster Autoscaler test under Karpenter, with a
    // choice of m5.2xlarge ($0.384/h, 7 pods of 1 vCPU) and m5.large
    // ($0.096/h, 1 pod): each HPA reading pends a few pods; the batch
    // closes 1 s after the last, and one pod per m5.large is the lowest
    // price per requested core until a batch of 4 or more (4 × $0.096 >
    // $0.384 only from 5 pods). Every waiting pod waits the batch's 1 s
    // and the 120 s provisioning — no 10 s scan — unless a node already
    // provisioning takes it.
    let a = run_first(&with_demand(
        "3h",
        "0s",
        "1m",
        r#"shape = "steps"
steps = [{ at = "0s", rps = 5 }, { at = "1h", rps = 100 }, { at = "2h", rps = 5 }]"#,
        &format!(
            r#"{ONE_POD_PER_NODE}
[architectures.cluster]
autoscaler = "karpenter"
node_pools = [
  {{ instance = "m5.2xlarge", max = 30, provisioning = "2m" }},
  {{ instance = "m5.large", min = 1, nodes = 1, max = 30, provisioning = "2m" }},
]
{}"#,
            hpa_api(1)
        ),
    ));
    let c = &k8s(&a).cluster;
    assert!(c.pods_waited >= 8, "{c:?}");
    assert!(
        c.mean_pod_wait_s > 100.0 && c.mean_pod_wait_s <= 121.0 + 1e-9,
        "{c:?}"
    );
    let (big, small) = (&c.node_pools[0], &c.node_pools[1]);
    assert!(small.scale_ups >= 2, "{small:?}");
    // Consolidation after 0 s, checked every 10 s: once the HPA has
    // scaled in (its 300 s window after the drop at 2 h, read every
    // 15 s), the emptied nodes leave within a scan, not 10 minutes later.
    let peak = a.timeseries.iter().map(|r| r.servers).fold(0.0, f64::max);
    let first_lower = a
        .timeseries
        .iter()
        .find(|r| r.start_s >= 7200.0 && r.servers < peak)
        .expect("nodes leave");
    assert!(
        first_lower.start_s <= 7200.0 + 300.0 + 60.0,
        "{first_lower:?}"
    );
    assert!(
        big.scale_downs + small.scale_downs >= small.scale_ups,
        "{c:?}"
    );
    assert_eq!(a.timeseries.last().unwrap().servers, 1.0);
}

#[test]
fn a_fixed_cluster_bills_nodes_and_control_plane_to_the_cent() {
    // Three m5.large ($0.096/h) for the 9 measured hours: $2.592; the EKS
    // control plane $0.10/h: $0.90. GKE's is the same; AKS Free's is 0;
    // a number is a price per hour.
    for (cp, fee) in [
        ("\"eks\"", 0.9),
        ("\"gke\"", 0.9),
        ("\"aks-free\"", 0.0),
        ("0.6", 5.4),
    ] {
        let a = run_first(&with_demand(
            "10h",
            "1h",
            "1h",
            "shape = \"constant\"\nrps = 2",
            &format!(
                r#"control_plane = {cp}
servers = 2
requests = {{ cpu = 0.5, memory = "512MiB" }}
[architectures.cluster]
autoscaler = "none"
node_pools = [{{ instance = "m5.large", nodes = 3, max = 3 }}]
"#
            ),
        ));
        let b = &a.cost.breakdown;
        let charged = b.control_plane_usd.expect("a control plane line");
        assert!((charged - fee).abs() < 1e-9, "{cp}: {charged}");
        assert!((b.compute_usd + b.idle_usd - 2.592).abs() < 1e-9, "{b:?}");
        assert!((a.cost.total_usd - (2.592 + fee)).abs() < 1e-9, "{cp}");
        let c = &k8s(&a).cluster;
        assert!((c.node_pools[0].node_hours - 27.0).abs() < 1e-9, "{c:?}");
        assert_eq!(c.node_pools[0].nodes.peak, 3);
        // Requested: 2 pods × 0.5 + 3 nodes × 0.125 DaemonSets; allocatable
        // 3 × 1.93.
        assert!((c.requested_cpu - 1.375).abs() < 1e-9, "{c:?}");
        assert!((c.allocatable_cpu - 5.79).abs() < 1e-9, "{c:?}");
        // The service's share of the nodes is its requests' share of
        // allocatable; the rest nobody requested.
        let svc = &k8s(&a).services[0];
        assert!((svc.cost_usd - 2.592 * 1.0 / 5.79).abs() < 1e-9, "{svc:?}");
        assert!((c.unrequested_usd - 2.592 * (1.0 - 1.0 / 5.79)).abs() < 1e-9);
    }
}

#[test]
fn one_pod_per_node_matches_the_autoscaled_fleet() {
    // A pod that fills its node (1.9 vCPU requested of 1.93 allocatable, no
    // DaemonSets, limit 2: the node's two vCPUs at full speed) under the
    // HPA is the autoscaled fleet of the same instances: a node added at
    // the first scan after the pod (1 s here) is Ready after 85 s and the
    // pod starts 5 s later, against the fleet's 90 s boot; a node leaves
    // at the first scan after its pod. The HPA target of 0.6 of the
    // request is 0.57 of the node, the fleet's target.
    let demand = r#"shape = "diurnal"
min_rps = 5
peak_rps = 120
peak_at = "12:00""#;
    let cluster = run_first(&with_demand(
        "1d",
        "1h",
        "10m",
        demand,
        r#"requests = { cpu = 1.9, memory = "1GiB" }
limits = { cpu = 2 }
[architectures.cluster]
scan_interval = "1s"
scale_down_unneeded_time = "0s"
scale_down_delay_after_add = "0s"
daemonsets = { pods = 0 }
node_pools = [{ instance = "m5.large", max = 40, provisioning = "85s" }]
[architectures.services.api]
kind = "autoscaled"
initial = 2
min = 1
max = 40
policy = { metric = "cpu", target = 0.6 }
boot_time = "5s"
"#,
    ));
    let fleet_text = with_demand(
        "1d",
        "1h",
        "10m",
        demand,
        r#"initial = 2
"#,
    )
    .replace("kind = \"kubernetes\"", "kind = \"autoscaled\"")
    .replace(
        "initial = 2\n",
        r#"initial = 2
instance = "m5.large"
controller = "kubernetes-hpa"
min = 1
max = 40
policy = { metric = "cpu", target = 0.57 }
boot_time = "90s"
"#,
    );
    let fleet = run_first(&fleet_text);
    let (c, f) = (cluster.cost.per_month_usd, fleet.cost.per_month_usd);
    // The control plane is the cluster's alone.
    let cp = 0.10 * 730.0;
    assert!(((c - cp) / f - 1.0).abs() < 0.02, "cluster {c} fleet {f}");
    for (x, y) in [
        (cluster.latency_ms.p50, fleet.latency_ms.p50),
        (cluster.latency_ms.p99, fleet.latency_ms.p99),
    ] {
        assert!((x / y - 1.0).abs() < 0.05, "cluster {x} ms, fleet {y} ms");
    }
    assert_eq!(cluster.requests.completed, fleet.requests.completed);
}

#[test]
fn impossible_clusters_are_refused_with_file_line_and_key() {
    let base = with_demand(
        "1h",
        "0s",
        "10m",
        "shape = \"constant\"\nrps = 1",
        r#"servers = 2
requests = { cpu = 0.5, memory = "512MiB" }
limits = { cpu = 1 }
control_plane = "eks"
[architectures.cluster]
node_pools = [{ instance = "m5.large", max = 2 }]
"#,
    );
    assert_bad_input(
        &base,
        &[
            (
                "requests = { cpu = 0.5, memory = \"512MiB\" }",
                "requests = { cpu = 0.5, memory = \"16GiB\" }",
                "line 16, key `architectures[0].services.api.requests`: a pod requesting 0.5 vCPU, 16384 MiB fits on no node pool's node; room for pods after the DaemonSets: pool-1 (1.805 vCPU, 7518 MiB)",
            ),
            (
                "requests = { cpu = 0.5, memory = \"512MiB\" }",
                "requests = { cpu = 0.5 }",
                "line 16, key `architectures[0].services.api.requests`: a pod needs its `requests`, both CPU and memory, as placement rests on them: requests = { cpu = 0.5, memory = \"512MiB\" }",
            ),
            (
                "limits = { cpu = 1 }",
                "limits = { cpu = 0.25 }",
                "line 17, key `architectures[0].services.api.limits.cpu`: a CPU limit (0.25 cores) below the request (0.5 cores) is refused by Kubernetes",
            ),
            (
                "control_plane = \"eks\"",
                "control_plane = \"openshift\"",
                "line 18, key `architectures[0].control_plane`: unknown control plane \"openshift\"; expected one of eks, eks-extended, gke, aks-free, aks-standard, none, or a price in USD per hour",
            ),
            (
                "servers = 2",
                "servers = 20",
                "line 19, key `architectures[0].cluster`: the 20 pods of \"api\" up at the start do not fit on the node pools' `max` nodes (with the pods of the services before it)",
            ),
            (
                "max = 2 }",
                "max = 2, reserved = { cpu = 2 } }",
                "line 20, key `architectures[0].cluster.node_pools[0].reserved`: reserves 2 vCPU, 0 MiB of a m5.large node's 2 vCPU, 8192 MiB: nothing is left for pods",
            ),
            (
                "[architectures.cluster]\nnode_pools = [{ instance = \"m5.large\", max = 2 }]",
                "",
                "line 14, key `architectures[0].cluster`: a kubernetes architecture needs a `cluster` table with at least one node pool: [[architectures.cluster.node_pools]] instance = \"m5.large\", max = 10",
            ),
            (
                "node_pools = [{ instance = \"m5.large\", max = 2 }]",
                "node_pools = [{ instance = \"m5.large\" }]",
                "line 20, key `architectures[0].cluster.node_pools[0].max`: a node pool needs `max`, the most nodes it may run: nothing else bounds the cost",
            ),
            (
                "node_pools = [{ instance = \"m5.large\", max = 2 }]",
                "consolidate_after = \"1m\"\nnode_pools = [{ instance = \"m5.large\", max = 2 }]",
                "line 19, key `architectures[0].cluster.consolidate_after`: `consolidate_after` is Karpenter's: set autoscaler = \"karpenter\"",
            ),
            (
                "servers = 2\n",
                "servers = 2\ninstance = \"m5.large\"\n",
                "line 14, key `architectures[0].instance`: key `instance` does not apply to kind = \"kubernetes\"",
            ),
        ],
    );
    // A deployment's table may not size its pods as instances.
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = check_in(
        dir.path(),
        &format!("{base}[architectures.services.api]\ninstance = \"m5.large\"\n"),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("key `architectures[0].services.api.instance`: a pod's size is its `requests` and `limits`"),
        "{err}"
    ); // Pods are not scaled by EC2 Auto Scaling.
    let (code, err) = check_in(
        dir.path(),
        &format!(
            "{base}[architectures.services.api]\nkind = \"autoscaled\"\nmax = 4\ncontroller = \"ec2-target-tracking\"\n"
        ),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("key `architectures[0].services.api.controller`: pods are scaled by the HPA"),
        "{err}"
    );
}
