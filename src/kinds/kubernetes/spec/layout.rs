//! The arithmetic of pods on nodes: what a node keeps from pods
//! (allocatable, as EKS computes it), whether a pod fits, and how the
//! scheduler scores the nodes it fits on. Shared by validation (which
//! lays out the pods up at the start, refusing a cluster too small for
//! them) and by the model, so that both place pods the same way.

/// CPU in millicores and memory in MiB, whole numbers as Kubernetes
/// counts them, so that fitting is exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Res {
    pub cpu_m: u64,
    pub memory_mib: u64,
}

impl Res {
    pub const ZERO: Res = Res {
        cpu_m: 0,
        memory_mib: 0,
    };

    /// Whether `self` fits in `free`.
    pub fn fits(self, free: Res) -> bool {
        self.cpu_m <= free.cpu_m && self.memory_mib <= free.memory_mib
    }

    pub fn plus(self, o: Res) -> Res {
        Res {
            cpu_m: self.cpu_m + o.cpu_m,
            memory_mib: self.memory_mib + o.memory_mib,
        }
    }

    pub fn minus(self, o: Res) -> Res {
        Res {
            cpu_m: self.cpu_m - o.cpu_m,
            memory_mib: self.memory_mib - o.memory_mib,
        }
    }

    /// As a person reads it: "1.5 vCPU, 512 MiB".
    pub fn describe(self) -> String {
        format!(
            "{} vCPU, {} MiB",
            crate::numbers::trimmed(self.cpu_m as f64 / 1000.0, 3),
            self.memory_mib
        )
    }
}

/// EKS's kube-reserved CPU in millicores for a node of `vcpus`: 6 % of the
/// first core, 1 % of the second, 0.5 % of the third and fourth, 0.25 % of
/// each above (awslabs/amazon-eks-ami, `nodeadm/internal/kubelet/config.go`,
/// read 2026-12), rounded up to a whole millicore.
pub fn kube_reserved_cpu_m(vcpus: u32) -> u64 {
    // Tenths of a millicore per core, by core.
    let tenths: u64 = (1..=u64::from(vcpus))
        .map(|core| match core {
            1 => 600,
            2 => 100,
            3 | 4 => 50,
            _ => 25,
        })
        .sum();
    tenths.div_ceil(10)
}

/// EKS's kube-reserved memory in MiB: 11 MiB per pod the node may run, plus
/// 255 MiB (same source).
pub fn kube_reserved_memory_mib(max_pods: u32) -> u64 {
    11 * u64::from(max_pods) + 255
}

/// The kubelet's default hard eviction threshold, `memory.available`
/// 100 MiB (same source): memory pods never get.
pub const EVICTION_MEMORY_MIB: u64 = 100;

/// The most pods on a node of a type no price file gives `max_pods` for:
/// the EKS AMI's fallback (`eni_max_pods.go`).
pub const DEFAULT_MAX_PODS: u32 = 110;

/// What pods may request on a node of `vcpus` and `memory_mib` that takes
/// `max_pods`, as EKS computes it: the instance less kube-reserved and the
/// eviction threshold (EKS sets no system-reserved). None when nothing is
/// left.
pub fn eks_allocatable(vcpus: u32, memory_mib: u64, max_pods: u32) -> Option<Res> {
    let cpu = u64::from(vcpus) * 1000;
    let reserved_mem = kube_reserved_memory_mib(max_pods) + EVICTION_MEMORY_MIB;
    Some(Res {
        cpu_m: cpu.checked_sub(kube_reserved_cpu_m(vcpus))?,
        memory_mib: memory_mib.checked_sub(reserved_mem)?,
    })
}

/// How the scheduler picks among the nodes a pod fits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scoring {
    /// The node with the most room left after the pod, CPU and memory
    /// weighted equally (kube-scheduler's default `LeastAllocated`).
    LeastAllocated,
    /// The node with the least room left after it (`MostAllocated`:
    /// bin-packing).
    MostAllocated,
}

impl Scoring {
    pub fn name(self) -> &'static str {
        match self {
            Scoring::LeastAllocated => "least-allocated",
            Scoring::MostAllocated => "most-allocated",
        }
    }

    /// The score of placing a pod of `pod` on a node of `allocatable` with
    /// `used` already requested (higher wins): the mean over CPU and
    /// memory of the share free after it (least) or used after it (most).
    pub fn score(self, pod: Res, used: Res, allocatable: Res) -> f64 {
        let share = |used: u64, pod: u64, all: u64| {
            if all == 0 {
                0.0
            } else {
                (used + pod) as f64 / all as f64
            }
        };
        let used_share = (share(used.cpu_m, pod.cpu_m, allocatable.cpu_m)
            + share(used.memory_mib, pod.memory_mib, allocatable.memory_mib))
            / 2.0;
        match self {
            Scoring::LeastAllocated => 1.0 - used_share,
            Scoring::MostAllocated => used_share,
        }
    }
}

/// One node as placement sees it.
#[derive(Clone, Copy, Debug)]
pub struct NodeRoom {
    pub allocatable: Res,
    /// Requested by its pods and DaemonSets.
    pub used: Res,
    /// Pods on it, DaemonSets' included.
    pub pods: u32,
    pub max_pods: u32,
}

impl NodeRoom {
    pub fn takes(&self, pod: Res) -> bool {
        self.pods < self.max_pods && pod.fits(self.allocatable.minus(self.used))
    }
}

/// The node a pod of `pod` goes to among `nodes` (those `usable` says may
/// take pods), by `scoring`; ties go to the first. None when it fits on
/// none.
pub fn pick(
    scoring: Scoring,
    pod: Res,
    nodes: &[NodeRoom],
    usable: impl Fn(usize) -> bool,
) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, n) in nodes.iter().enumerate() {
        if !usable(i) || !n.takes(pod) {
            continue;
        }
        let s = scoring.score(pod, n.used, n.allocatable);
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    best.map(|(i, _)| i)
}

/// A node pool as placement needs it.
#[derive(Clone, Copy, Debug)]
pub struct PoolRoom {
    pub allocatable: Res,
    pub max_pods: u32,
    /// Nodes up at the start as written.
    pub nodes: u32,
    pub max: u32,
}

/// The cluster at the start: its nodes (pool, room) and, per service, the
/// node of each of its pods up at the start.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub nodes: Vec<(usize, NodeRoom)>,
    pub placed: Vec<Vec<usize>>,
}

impl Layout {
    /// Nodes of each pool.
    pub fn nodes_per_pool(&self, pools: usize) -> Vec<u32> {
        let mut n = vec![0; pools];
        for &(p, _) in &self.nodes {
            n[p] += 1;
        }
        n
    }
}

/// Lays out the pods up at the start, `pods[s]` = (requests, count) of
/// service `s`, in service order: each goes where the scheduler puts it
/// on the nodes up so far; one that fits nowhere adds a node to the first
/// pool below its `max` whose empty node takes it (as if the cluster had
/// been scaled for them). Err(s): service `s`'s pods do not fit within
/// the pools' `max`.
pub fn initial_layout(
    pools: &[PoolRoom],
    daemonsets: (u32, Res),
    scoring: Scoring,
    pods: &[(Res, u32)],
) -> Result<Layout, usize> {
    let empty = |p: &PoolRoom| NodeRoom {
        allocatable: p.allocatable,
        used: daemonsets.1,
        pods: daemonsets.0,
        max_pods: p.max_pods,
    };
    let mut layout = Layout::default();
    let mut count: Vec<u32> = pools.iter().map(|p| p.nodes).collect();
    for (i, p) in pools.iter().enumerate() {
        for _ in 0..p.nodes {
            layout.nodes.push((i, empty(p)));
        }
    }
    let mut rooms: Vec<NodeRoom> = layout.nodes.iter().map(|&(_, r)| r).collect();
    for (s, &(pod, n)) in pods.iter().enumerate() {
        let mut placed = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let node = match pick(scoring, pod, &rooms, |_| true) {
                Some(node) => node,
                None => {
                    let i = (0..pools.len())
                        .find(|&i| count[i] < pools[i].max && empty(&pools[i]).takes(pod))
                        .ok_or(s)?;
                    count[i] += 1;
                    layout.nodes.push((i, empty(&pools[i])));
                    rooms.push(empty(&pools[i]));
                    rooms.len() - 1
                }
            };
            rooms[node].used = rooms[node].used.plus(pod);
            rooms[node].pods += 1;
            placed.push(node);
        }
        layout.placed.push(placed);
    }
    for (n, r) in layout.nodes.iter_mut().zip(rooms) {
        n.1 = r;
    }
    Ok(layout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_reserved_cpu_follows_the_eks_ranges() {
        // 6 % + 1 % of two cores; + 0.5 % × 2; + 0.25 % × 4.
        assert_eq!(kube_reserved_cpu_m(1), 60);
        assert_eq!(kube_reserved_cpu_m(2), 70);
        assert_eq!(kube_reserved_cpu_m(4), 80);
        assert_eq!(kube_reserved_cpu_m(8), 90);
        assert_eq!(kube_reserved_cpu_m(96), 310);
    }

    #[test]
    fn m5_large_allocatable_by_hand() {
        // 2 vCPU, 8 GiB, 29 pods: 2000 − 70 m; 8192 − (11·29 + 255) − 100.
        let a = eks_allocatable(2, 8192, 29).unwrap();
        assert_eq!(
            a,
            Res {
                cpu_m: 1930,
                memory_mib: 7518
            }
        );
    }

    #[test]
    fn scoring_spreads_or_packs() {
        let all = Res {
            cpu_m: 1000,
            memory_mib: 1000,
        };
        let pod = Res {
            cpu_m: 100,
            memory_mib: 100,
        };
        let nodes = [
            NodeRoom {
                allocatable: all,
                used: Res {
                    cpu_m: 500,
                    memory_mib: 500,
                },
                pods: 1,
                max_pods: 10,
            },
            NodeRoom {
                allocatable: all,
                used: Res::ZERO,
                pods: 0,
                max_pods: 10,
            },
        ];
        assert_eq!(
            pick(Scoring::LeastAllocated, pod, &nodes, |_| true),
            Some(1)
        );
        assert_eq!(pick(Scoring::MostAllocated, pod, &nodes, |_| true), Some(0));
        // Full by pod count: never picked.
        let mut full = nodes;
        full[0].pods = 10;
        assert_eq!(pick(Scoring::MostAllocated, pod, &full, |_| true), Some(1));
        assert_eq!(pick(Scoring::MostAllocated, pod, &full, |i| i == 0), None);
    }

    #[test]
    fn pods_per_node_from_allocatable_by_hand() {
        // m5.large: 1930m and 7518 MiB allocatable, 29 pods; DaemonSets
        // take 2 pods and 125m. Pods of 500m and 1 GiB: CPU binds,
        // ⌊(1930 − 125) / 500⌋ = 3 per node, so 7 pods need 3 nodes.
        let pool = PoolRoom {
            allocatable: eks_allocatable(2, 8192, 29).unwrap(),
            max_pods: 29,
            nodes: 0,
            max: 10,
        };
        let ds = (
            2,
            Res {
                cpu_m: 125,
                memory_mib: 0,
            },
        );
        let pod = Res {
            cpu_m: 500,
            memory_mib: 1024,
        };
        for scoring in [Scoring::LeastAllocated, Scoring::MostAllocated] {
            let l = initial_layout(&[pool], ds, scoring, &[(pod, 7)]).unwrap();
            assert_eq!(l.nodes_per_pool(1), vec![3]);
            let on = |n: usize| l.placed[0].iter().filter(|&&x| x == n).count();
            assert_eq!((on(0), on(1), on(2)), (3, 3, 1));
        }
        // Memory binds for 3 GiB pods: ⌊7518 / 3072⌋ = 2 per node.
        let big = Res {
            cpu_m: 100,
            memory_mib: 3072,
        };
        let l = initial_layout(&[pool], ds, Scoring::MostAllocated, &[(big, 5)]).unwrap();
        assert_eq!(l.nodes_per_pool(1), vec![3]);
        // The pool's max bounds it: the service is named.
        let small = PoolRoom { max: 2, ..pool };
        assert_eq!(
            initial_layout(&[small], ds, Scoring::MostAllocated, &[(big, 5)]).unwrap_err(),
            0
        );
        // Pod count binds with 27 places left.
        let tiny = Res {
            cpu_m: 1,
            memory_mib: 1,
        };
        let l = initial_layout(&[pool], ds, Scoring::MostAllocated, &[(tiny, 28)]).unwrap();
        assert_eq!(l.nodes_per_pool(1), vec![2]);
    }
}
