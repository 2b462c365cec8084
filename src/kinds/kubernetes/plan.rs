//! Planning a Kubernetes architecture: not searched yet. `plan` evaluates
//! it as written beside the architectures it searches, so a cluster can
//! be compared with their answers; searching node types, pod requests,
//! HPA targets and node-pool minimums is future work (README, Limits).

use crate::kinds::kubernetes::spec::KubernetesSpec;
use crate::plan::architecture::{ArchitecturePlan, Planner};
use crate::plan::evaluate::Evaluator;
use crate::scenario::Scenario;
use crate::scenario::plan::PlanSpec;

impl Planner for KubernetesSpec {
    fn varied(&self, _plan: &PlanSpec) -> bool {
        false
    }

    fn plan(&self, _ev: &mut Evaluator, _s: &Scenario) -> Result<ArchitecturePlan, String> {
        Err("a kubernetes architecture is evaluated as written: plan does not vary it".into())
    }
}
