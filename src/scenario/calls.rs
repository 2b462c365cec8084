//! What each request asks of the system: the tree of service invocations
//! it causes, expanded from the services' call graph.

use super::service::Service;
use super::values::CallMode;

/// Largest call tree a request may expand to; beyond it the call graph is
/// almost surely a mistake (a diamond fan-out repeated many levels deep).
pub const MAX_CALL_NODES: usize = 4096;

/// One invocation of a service within a request.
#[derive(Clone, Debug, PartialEq)]
pub struct CallNode {
    pub service: usize,
    /// How the parent invokes this node (the root's mode is irrelevant).
    pub mode: CallMode,
    pub children: Vec<usize>,
}

/// The invocations a request causes, expanded from the service call graph
/// in pre-order, one tree per service a request may enter at (a forest,
/// each tree's nodes contiguous). With the usual single entry, service 0,
/// node 0 is the entry; a service called from two places appears twice.
#[derive(Clone, Debug, PartialEq)]
pub struct CallTree {
    pub nodes: Vec<CallNode>,
    /// The trees, in the order of their entry services.
    pub entries: Vec<Entry>,
    /// By service: the index in `entries` of the tree entered there.
    by_service: Vec<Option<usize>>,
}

/// One tree of the forest: requests entering at `service`.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub service: usize,
    /// Its first node (the entry invocation) and its number of nodes.
    pub root: usize,
    pub len: usize,
    /// The expected share of requests entering here (for sizing).
    pub share: f64,
}

impl CallTree {
    /// Expands the (acyclic) call graph from service 0.
    pub fn build(services: &[Service]) -> Result<CallTree, String> {
        CallTree::build_entries(services, &[(0, 1.0)])
    }

    /// Expands the call graph from each entry service, with the expected
    /// share of requests entering there.
    pub fn build_entries(
        services: &[Service],
        entries: &[(usize, f64)],
    ) -> Result<CallTree, String> {
        let mut tree = CallTree {
            nodes: Vec::new(),
            entries: Vec::with_capacity(entries.len()),
            by_service: vec![None; services.len()],
        };
        for &(service, share) in entries {
            let root = tree.nodes.len();
            tree.expand(services, service, CallMode::Sync)?;
            tree.by_service[service] = Some(tree.entries.len());
            tree.entries.push(Entry {
                service,
                root,
                len: tree.nodes.len() - root,
                share,
            });
        }
        Ok(tree)
    }

    /// The tree requests entering at `service` follow, if they may.
    pub fn entry(&self, service: usize) -> Option<&Entry> {
        self.by_service
            .get(service)
            .copied()
            .flatten()
            .map(|i| &self.entries[i])
    }

    /// Nodes of the largest tree: the work values one request needs.
    pub fn max_tree_len(&self) -> usize {
        self.entries.iter().map(|e| e.len).max().unwrap_or(0)
    }

    fn expand(
        &mut self,
        services: &[Service],
        service: usize,
        mode: CallMode,
    ) -> Result<usize, String> {
        if self.nodes.len() >= MAX_CALL_NODES {
            return Err(format!(
                "one request would cause more than {MAX_CALL_NODES} service invocations; simplify the call graph"
            ));
        }
        let id = self.nodes.len();
        self.nodes.push(CallNode {
            service,
            mode,
            children: Vec::new(),
        });
        for call in &services[service].calls {
            let child = self.expand(services, call.service, call.mode)?;
            self.nodes[id].children.push(child);
        }
        Ok(id)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Expected total work (seconds of CPU at 1 vCPU) of one request,
    /// weighted over its entries.
    pub fn mean_work(&self, services: &[Service]) -> f64 {
        self.weighted_work(services, |_| true)
    }

    /// Expected work one request causes at `service`, weighted over the
    /// entries.
    pub fn service_mean_work(&self, services: &[Service], service: usize) -> f64 {
        self.weighted_work(services, |n| n.service == service)
    }

    /// Expected time one request holds a slot of `service`, weighted over
    /// the entries: its own work plus, for every sync call it makes, the
    /// hop and the callee's own hold (a sync caller keeps its slot until
    /// the answer). Queueing at the callees is left out, so this is a
    /// lower bound: the load a fleet of `service` carries is at least the
    /// arrival rate times this.
    pub fn service_mean_hold(&self, services: &[Service], service: usize, hop: f64) -> f64 {
        self.entries
            .iter()
            .map(|e| {
                let tree: f64 = (e.root..e.root + e.len)
                    .filter(|&n| self.nodes[n].service == service)
                    .map(|n| self.hold(services, n, hop))
                    .sum();
                e.share * tree
            })
            .sum()
    }

    fn hold(&self, services: &[Service], node: usize, hop: f64) -> f64 {
        let n = &self.nodes[node];
        let callees: f64 = n
            .children
            .iter()
            .filter(|&&c| self.nodes[c].mode == CallMode::Sync)
            .map(|&c| hop + self.hold(services, c, hop))
            .sum();
        services[n.service].work.mean() + callees
    }

    fn weighted_work(&self, services: &[Service], counts: impl Fn(&CallNode) -> bool) -> f64 {
        self.entries
            .iter()
            .map(|e| {
                let tree: f64 = self.nodes[e.root..e.root + e.len]
                    .iter()
                    .filter(|n| counts(n))
                    .map(|n| services[n.service].work.mean())
                    .sum();
                e.share * tree
            })
            .sum()
    }
}
