//! Planning a serverless architecture: each function's memory and
//! provisioned concurrency.
//!
//! Why this search. In the model a function's duration is its work ×
//! max(1, 1769 MB / memory) and a cold start does not depend on memory,
//! so latency never gets worse with more memory and meeting the SLO is
//! monotone in it; the on-demand bill per invocation is about flat below
//! 1,769 MB (half the memory, twice the milliseconds) and rises above,
//! but not exactly (1 ms rounding, a sync caller billed while it waits
//! for its callee, provisioned instances priced by memory). So memory is
//! the Lambda Power Tuning question asked with traffic: the smallest
//! meeting point of a log grid (128 MB, doubling, with the 1,769 MB vCPU
//! knee and 10,240 MB) found by exponential search and bisection, then up
//! the grid while the cost still falls, then refined between the grid
//! point below and the answer by bisection in whole MB (to ~3 %).
//! Provisioned concurrency removes cold starts as it rises, so meeting
//! is monotone in it too: the smallest meeting count is searched from 0
//! up to the bound, then counts above it in doubling steps while the cost
//! still falls (provisioned execution is cheaper than on-demand, and a
//! cold start is billed time). Functions interact (a sync caller waits for its
//! callee's cold start; memory changes the concurrency to provision), so
//! the functions are planned jointly where it matters: when the starting
//! point misses, one provisioned count for every function is searched
//! first (no single function's count can rescue a chain whose every link
//! starts cold), then coordinate descent, function by function,
//! provisioned then memory, until a round changes nothing. The answer is
//! the cheapest meeting candidate of all simulated.

use crate::analysis::search::smallest_meeting;
use crate::kinds::fleet::plan::closest;
use crate::kinds::serverless::spec::ServerlessSpec;
use crate::plan::architecture::ArchitecturePlan;
use crate::plan::architecture::Planner;
use crate::plan::evaluate::Evaluator;
use crate::plan::trials::Trials;
use crate::pricing::catalog::lambda_defaults::MB_PER_VCPU;
use crate::scenario::ArchitectureSpec;
use crate::scenario::Scenario;
use crate::scenario::plan::PlanSpec;
use toml::Value;

/// Coordinate-descent rounds at most: each round visits every function.
const ROUNDS: usize = 3;

/// The configuration being improved: per function (name, memory MB,
/// provisioned).
#[derive(Clone, PartialEq)]
struct State(Vec<(String, u32, u32)>);

impl State {
    fn values(&self) -> Vec<(String, Value)> {
        let mut v = Vec::new();
        for (name, mb, p) in &self.0 {
            v.push((
                format!("functions.{name}.memory"),
                Value::String(format!("{mb}MB")),
            ));
            v.push((
                format!("functions.{name}.provisioned"),
                Value::Integer(i64::from(*p)),
            ));
        }
        v
    }
}

struct Search<'e, 'a> {
    ev: &'e mut Evaluator<'a>,
    trials: Trials,
    /// The memory grid within the bounds, MB.
    grid: Vec<u32>,
    vary_memory: bool,
    vary_provisioned: bool,
    /// Per function, the most provisioned concurrency allowed.
    caps: Vec<u32>,
}

impl Search<'_, '_> {
    fn run(&mut self, s: &State) -> Option<usize> {
        let values = s.values();
        let refs: Vec<(&str, Value)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        self.trials.run(self.ev, &refs)
    }

    fn meets(&mut self, s: &State) -> bool {
        self.run(s).is_some_and(|i| self.trials.candidates[i].meets)
    }

    fn cost(&mut self, s: &State) -> Option<f64> {
        self.run(s)
            .map(|i| &self.trials.candidates[i])
            .filter(|c| c.meets)
            .map(|c| c.cost_per_month_usd.mean)
    }

    /// The cheaper of two states, by the cheapest meeting; a missing
    /// state loses to a meeting one, and between two missing ones the
    /// lower SLO percentile wins (the nearer to a feasible point).
    fn better(&mut self, a: &State, b: &State) -> bool {
        let (Some(i), Some(j)) = (self.run(a), self.run(b)) else {
            return false;
        };
        let (x, y) = (&self.trials.candidates[i], &self.trials.candidates[j]);
        match (x.meets, y.meets) {
            (true, true) => x.cost_per_month_usd.mean < y.cost_per_month_usd.mean,
            (true, false) => true,
            (false, true) => false,
            (false, false) => x.latency_ms.mean < y.latency_ms.mean,
        }
    }

    /// One provisioned count for every function, when the state misses:
    /// the smallest that meets, or the state unchanged.
    fn joint_provisioned(&mut self, s: &State) -> State {
        let cap = self.caps.iter().copied().min().unwrap_or(0);
        let with = |k: u32| {
            State(
                s.0.iter()
                    .map(|(n, m, p)| (n.clone(), *m, (*p).max(k)))
                    .collect(),
            )
        };
        if !self.meets(&with(cap)) {
            return s.clone();
        }
        match smallest_meeting(0, cap, 1, |k| self.meets(&with(k))) {
            Some(k) => with(k),
            None => s.clone(),
        }
    }

    fn provisioned_step(&mut self, s: &State, f: usize) -> State {
        let with = |p: u32| {
            let mut t = s.clone();
            t.0[f].2 = p;
            t
        };
        let (now, cap) = (s.0[f].2, self.caps[f]);
        let found = if self.meets(s) {
            smallest_meeting(0, now, now, |p| self.meets(&with(p)))
        } else if now < cap && self.meets(&with(cap)) {
            smallest_meeting(now + 1, cap, now + 1, |p| self.meets(&with(p)))
        } else {
            None
        };
        let Some(mut cur) = found else {
            return s.clone();
        };
        // Cost is not monotone in the count: a provisioned instance is
        // billed all the time but runs at a lower price and never starts
        // cold (a cold start is billed time), so at a high enough
        // utilisation more of them is cheaper. Climb while it pays.
        let mut step = 1;
        while let Some(next) = cur.checked_add(step).filter(|&n| n <= cap) {
            match (self.cost(&with(next)), self.cost(&with(cur))) {
                (Some(up), Some(here)) if up < here => {
                    cur = next;
                    step = step.saturating_mul(2);
                }
                _ => break,
            }
        }
        with(cur)
    }

    fn memory_step(&mut self, s: &State, f: usize) -> State {
        let with = |mb: u32| {
            let mut t = s.clone();
            t.0[f].1 = mb;
            t
        };
        let grid = self.grid.clone();
        let n = grid.len() as u32;
        let now = s.0[f].1;
        let guess = nearest(&grid, now);
        let Some(i) = smallest_meeting(0, n - 1, guess, |i| self.meets(&with(grid[i as usize])))
        else {
            // Nothing meets by memory alone: keep the memory with the
            // lowest SLO percentile, for the other variables to build on.
            let mut best = s.clone();
            for &mb in &grid {
                let t = with(mb);
                if self.trials.candidates.iter().any(|c| c.config == lines(&t))
                    && self.better(&t, &best)
                {
                    best = t;
                }
            }
            return best;
        };
        // Up the grid while the cost still falls.
        let mut j = i as usize;
        while j + 1 < grid.len() {
            match (self.cost(&with(grid[j + 1])), self.cost(&with(grid[j]))) {
                (Some(up), Some(here)) if up < here => j += 1,
                _ => break,
            }
        }
        // Refine between the grid point below (missing) and the answer.
        if j == i as usize && i > 0 {
            let (mut lo, mut hi) = (grid[j - 1], grid[j]);
            while hi - lo > (lo / 32).max(1) {
                let mid = lo + (hi - lo) / 2;
                if self.meets(&with(mid)) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            let refined = with(hi);
            if self.better(&refined, &with(grid[j])) {
                return refined;
            }
        }
        with(grid[j])
    }
}

fn lines(s: &State) -> Vec<String> {
    s.values()
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect()
}

/// The grid index nearest `mb` on a log scale.
fn nearest(grid: &[u32], mb: u32) -> u32 {
    let d = |g: u32| (f64::from(g).ln() - f64::from(mb.max(1)).ln()).abs();
    (0..grid.len())
        .min_by(|&a, &b| d(grid[a]).total_cmp(&d(grid[b])))
        .unwrap_or(0) as u32
}

/// 128 MB doubling, the vCPU knee and 10,240 MB, within `[lo, hi]`, with
/// the bounds themselves.
pub fn memory_grid(lo: f64, hi: f64) -> Vec<u32> {
    let (lo, hi) = (lo.ceil() as u32, hi.floor() as u32);
    let mut g: Vec<u32> = (0..7)
        .map(|k| 128u32 << k)
        .chain([MB_PER_VCPU as u32, 10_240])
        .filter(|&m| m > lo && m < hi)
        .chain([lo, hi])
        .collect();
    g.sort_unstable();
    g.dedup();
    g
}

/// Plans a serverless architecture.
pub fn plan(ev: &mut Evaluator, spec: &PlanSpec) -> Result<ArchitecturePlan, String> {
    let own = ev.resolve(&[])?;
    let ArchitectureSpec::Serverless(a) = &own.architectures[0].spec else {
        unreachable!("plan::serverless is called for serverless architectures only")
    };
    let start = State(
        a.functions
            .iter()
            .map(|f| {
                let mb = f.memory_mb.round() as u32;
                let mb = mb.clamp(
                    spec.memory_mb.0.ceil() as u32,
                    spec.memory_mb.1.floor() as u32,
                );
                (f.name.clone(), mb, f.provisioned)
            })
            .collect(),
    );
    let caps = a
        .functions
        .iter()
        .map(|f| {
            let cap = f.reserved_concurrency.unwrap_or(a.concurrency_limit);
            spec.max_provisioned.map_or(cap, |m| m.min(cap))
        })
        .collect();
    let mut s = Search {
        ev,
        trials: Trials::new(spec.budget),
        grid: memory_grid(spec.memory_mb.0, spec.memory_mb.1),
        // Cloud Run's CPU is its `vcpus`, whatever the memory: more memory
        // only costs more (and past the vCPUs' range is no instance).
        vary_memory: spec.varies("memory") && a.functions.iter().all(|f| f.vcpus.is_none()),
        vary_provisioned: spec.varies("provisioned"),
        caps,
    };
    let mut state = start.clone();
    if !s.vary_memory && !s.vary_provisioned {
        // Nothing to search (Cloud Run, without minimum instances): the
        // configuration as written is the answer, or why there is none.
        s.meets(&state);
    }
    if s.vary_provisioned && !s.meets(&state) {
        state = s.joint_provisioned(&state);
    }
    for _ in 0..ROUNDS {
        let before = state.clone();
        for f in 0..state.0.len() {
            if s.vary_provisioned {
                state = s.provisioned_step(&state, f);
            }
            if s.vary_memory {
                state = s.memory_step(&state, f);
            }
        }
        if state == before || s.trials.exhausted || s.trials.failure.is_some() {
            break;
        }
    }
    s.trials.check()?;
    let best = s.trials.cheapest_meeting();
    let mut notes = Vec::new();
    if best.is_none() {
        notes.push(infeasible(&mut s, &start));
    }
    if s.trials.exhausted {
        notes.push(format!(
            "the budget of {} simulations ran out before the search ended",
            spec.budget
        ));
    }
    Ok(ArchitecturePlan::new(
        s.ev,
        s.trials.candidates,
        best,
        notes,
    ))
}

/// Why nothing met, in one line: cold starts (the SLO is missed even at
/// the most memory, and provisioning every function to its bound did not
/// help or was not allowed), or the work itself.
fn infeasible(s: &mut Search, start: &State) -> String {
    let best = closest(&s.trials.candidates, &s.ev.slo);
    if !s.vary_provisioned && !s.vary_memory {
        return format!(
            "nothing to vary: a Cloud Run instance's CPU is its `vcpus`, not its memory, and minimum instances are planned with billing = \"instance\" only; as written it misses the SLO ({best})"
        );
    }
    if !s.vary_provisioned {
        return format!(
            "no memory within the bounds meets the SLO without provisioned concurrency ({best})"
        );
    }
    let cap = s.caps.iter().copied().min().unwrap_or(0);
    format!(
        "even provisioned concurrency {cap} (the bound) on each of the {} function(s){} misses the SLO: {best}",
        start.0.len(),
        if s.vary_memory {
            ", with the memory search,"
        } else {
            ""
        }
    )
}

impl Planner for ServerlessSpec {
    fn varied(&self, plan: &PlanSpec) -> bool {
        plan.varies("memory") || plan.varies("provisioned")
    }

    fn plan(&self, ev: &mut Evaluator, s: &Scenario) -> Result<ArchitecturePlan, String> {
        plan(ev, &s.plan)
    }
}
