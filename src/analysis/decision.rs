//! Choosing between architectures from the numbers: which meet the SLO, the
//! Pareto frontier of cost against latency, and the cheapest architecture
//! that meets the SLO with what it saves against each other one. Pure
//! functions of plain numbers, so that charts and report agree.

use crate::results::estimate::{Estimate, estimate, paired, with_quantile_resolution};
use crate::results::summary::{ArchitectureResult, Comparison, RunSummary};
use crate::scenario::{Percentile, Slo};

/// Whether an architecture meets the SLO. One that completed no request
/// does not, whatever its (empty) latency histogram says.
pub fn meets_slo(slo: &Slo, a: &ArchitectureResult) -> bool {
    a.requests.completed > 0 && slo.met_by(&a.latency_ms, a.error_rate)
}

/// Whether an architecture meets the SLO, taking the uncertainty of its
/// replications into account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The upper ends of the intervals of its SLO percentile and error
    /// rate are within the objective.
    Meets,
    /// The lower end of one of them is beyond it.
    Misses,
    /// The intervals straddle the objective: more replications would tell.
    Uncertain,
}

/// The verdict on `a`: from its replications' intervals when it has
/// several, else from its single numbers (meets or misses).
pub fn verdict(slo: &Slo, a: &ArchitectureResult) -> Verdict {
    if a.replicas.len() < 2 {
        return if meets_slo(slo, a) {
            Verdict::Meets
        } else {
            Verdict::Misses
        };
    }
    let max_errors = slo.max_error_rate.unwrap_or(f64::INFINITY);
    let none_completed = a.replicas.iter().all(|r| r.requests.completed == 0);
    if none_completed {
        return Verdict::Misses;
    }
    let latency = slo_latency(Some(slo), a);
    let objective = slo.latency.as_millis_f64();
    verdict_of(latency, error_rate(a), objective, max_errors)
}

/// The verdict from the intervals of the SLO percentile (ms) and the
/// error rate. The latency interval includes the histogram's resolution
/// ([`slo_latency`]), so that a p99 a hair under the objective is
/// "uncertain", not a confident "meets", even when every replication lands
/// in the same bucket.
fn verdict_of(latency: Estimate, errors: Estimate, objective: f64, max_errors: f64) -> Verdict {
    let (low, high) = (latency.low, latency.high);
    if low > objective || errors.low > max_errors {
        Verdict::Misses
    } else if high <= objective && errors.high <= max_errors {
        Verdict::Meets
    } else {
        Verdict::Uncertain
    }
}

/// The latency percentile an SLO checks (p99 without one) over an
/// architecture's replications.
/// With replications its interval includes the histogram's resolution (see
/// [`with_quantile_resolution`]); a single run's number stands alone.
pub fn slo_latency(slo: Option<&Slo>, a: &ArchitectureResult) -> Estimate {
    let p = slo.map_or(Percentile::P99, |s| s.percentile);
    let e = over_replicas(a, |r| p.of(&r.latency_ms));
    if a.replicas.len() < 2 {
        e
    } else {
        with_quantile_resolution(e)
    }
}

/// The error rate over an architecture's replications.
pub fn error_rate(a: &ArchitectureResult) -> Estimate {
    over_replicas(a, |r| r.error_rate)
}

/// The cost per month over an architecture's replications.
pub fn cost_per_month(a: &ArchitectureResult) -> Estimate {
    over_replicas(a, |r| r.cost.per_month_usd)
}

/// How many replications to suggest when a verdict is uncertain with `n`:
/// an interval narrows as 1/√n, so four times as many halve it; at least 20.
pub fn more_replications(n: u32) -> u32 {
    n.saturating_mul(4).max(20)
}

fn over_replicas(a: &ArchitectureResult, f: impl Fn(&ArchitectureResult) -> f64) -> Estimate {
    if a.replicas.is_empty() {
        return estimate(&[f(a)]);
    }
    estimate(&a.replicas.iter().map(f).collect::<Vec<_>>())
}

/// Fills `run.comparisons` when it has replications: every architecture
/// against the reference, the cheapest that meets the SLO with confidence
/// (the first architecture without an SLO, or when none meets it), as
/// paired differences over replications. Replication r of every
/// architecture replayed the same requests, so the differences cancel the
/// shared noise.
pub fn add_comparisons(run: &mut RunSummary, slo: Option<&Slo>) {
    if run.replications < 2 || run.architectures.len() < 2 {
        return;
    }
    let archs = &run.architectures;
    let reference = slo
        .and_then(|s| {
            let candidates: Vec<Candidate> = archs
                .iter()
                .map(|a| Candidate {
                    cost_per_month_usd: a.cost.per_month_usd,
                    meets_slo: verdict(s, a) == Verdict::Meets,
                })
                .collect();
            cheapest_meeting_slo(&candidates)
        })
        .unwrap_or(0);
    let p = slo.map_or(Percentile::P99, |s| s.percentile);
    let base = &archs[reference];
    run.comparisons = archs
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != reference)
        .map(|(_, a)| compare(p, a, base))
        .collect();
}

/// `a` against `base` as paired differences over their replications (`a`
/// minus `base`), latency at percentile `p`. Both must have the same
/// number of replications.
pub fn compare(p: Percentile, a: &ArchitectureResult, base: &ArchitectureResult) -> Comparison {
    let series = |a: &ArchitectureResult, f: &dyn Fn(&ArchitectureResult) -> f64| -> Vec<f64> {
        if a.replicas.is_empty() {
            vec![f(a)]
        } else {
            a.replicas.iter().map(f).collect()
        }
    };
    let cost = |r: &ArchitectureResult| r.cost.per_month_usd;
    let latency = |r: &ArchitectureResult| p.of(&r.latency_ms);
    let errors = |r: &ArchitectureResult| r.error_rate;
    let c = paired(&series(a, &cost), &series(base, &cost));
    let l = paired(&series(a, &latency), &series(base, &latency));
    Comparison {
        architecture: a.name.clone(),
        reference: base.name.clone(),
        cost_per_month_usd: c,
        latency_ms: l,
        error_rate: paired(&series(a, &errors), &series(base, &errors)),
        cost_significant: c.excludes_zero(),
        latency_significant: l.excludes_zero(),
    }
}

/// Indices of the points that no other point beats on both coordinates:
/// no other is at least as good on both and better on one. Points equal on
/// both are all on the frontier. Sorted by the first coordinate, then the
/// second, then index. Points are (latency, cost); lower is better.
pub fn pareto_frontier(points: &[(f64, f64)]) -> Vec<usize> {
    let dominates =
        |a: (f64, f64), b: (f64, f64)| a.0 <= b.0 && a.1 <= b.1 && (a.0 < b.0 || a.1 < b.1);
    let mut frontier: Vec<usize> = (0..points.len())
        .filter(|&i| !points.iter().any(|&p| dominates(p, points[i])))
        .collect();
    frontier.sort_by(|&i, &j| {
        points[i]
            .0
            .total_cmp(&points[j].0)
            .then(points[i].1.total_cmp(&points[j].1))
            .then(i.cmp(&j))
    });
    frontier
}

/// One architecture as the conclusion sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    pub cost_per_month_usd: f64,
    pub meets_slo: bool,
}

/// The cheapest candidate that meets the SLO; among equally cheap ones,
/// the first. `None` if none meets it.
pub fn cheapest_meeting_slo(candidates: &[Candidate]) -> Option<usize> {
    candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.meets_slo)
        .min_by(|(i, a), (j, b)| {
            a.cost_per_month_usd
                .total_cmp(&b.cost_per_month_usd)
                .then(i.cmp(j))
        })
        .map(|(i, _)| i)
}

/// What choosing `best` saves against another candidate, per month.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Saving {
    pub other: usize,
    /// Other's cost minus best's: negative when the other is cheaper
    /// (which it can only be by missing the SLO).
    pub usd_per_month: f64,
    /// The saving as a fraction of the other's cost (0 if that is 0).
    pub fraction: f64,
}

/// The saving of `best` against every other candidate, in input order.
pub fn savings(candidates: &[Candidate], best: usize) -> Vec<Saving> {
    let b = candidates[best].cost_per_month_usd;
    candidates
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != best)
        .map(|(i, c)| {
            let usd = c.cost_per_month_usd - b;
            Saving {
                other: i,
                usd_per_month: usd,
                fraction: if c.cost_per_month_usd > 0.0 {
                    usd / c.cost_per_month_usd
                } else {
                    0.0
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(cost: f64, meets: bool) -> Candidate {
        Candidate {
            cost_per_month_usd: cost,
            meets_slo: meets,
        }
    }

    #[test]
    fn a_percentile_within_the_histogram_resolution_of_the_objective_is_uncertain() {
        let at = |v: f64| Estimate {
            mean: v,
            low: v,
            high: v,
        };
        let no_errors = at(0.0);
        // Every replication in one bucket: a point t interval, but the
        // bucket is up to 0.4 % wide, which `slo_latency` adds.
        let lat = |v: f64| with_quantile_resolution(at(v));
        for (p99, expected) in [
            (99.9, Verdict::Uncertain),
            (100.2, Verdict::Uncertain),
            (99.0, Verdict::Meets),
            (101.0, Verdict::Misses),
        ] {
            let got = verdict_of(lat(p99), no_errors, 100.0, 0.01);
            assert_eq!(got, expected, "p99 {p99} ms against 100 ms");
        }
        // Errors are counted exactly: no widening.
        assert_eq!(verdict_of(at(50.0), at(0.01), 100.0, 0.01), Verdict::Meets);
    }

    #[test]
    fn more_replications_halve_the_interval_and_are_at_least_20() {
        assert_eq!(more_replications(2), 20);
        assert_eq!(more_replications(5), 20);
        assert_eq!(more_replications(10), 40);
    }

    #[test]
    fn the_frontier_keeps_what_nothing_beats_on_both() {
        // (latency, cost): 1 is beaten by 0 on both; 3 by 2 on cost at equal latency.
        let pts = [
            (100.0, 500.0),
            (200.0, 600.0),
            (300.0, 100.0),
            (300.0, 150.0),
            (50.0, 900.0),
        ];
        assert_eq!(pareto_frontier(&pts), vec![4, 0, 2]);
    }

    #[test]
    fn equal_points_are_both_on_the_frontier() {
        let pts = [(100.0, 500.0), (100.0, 500.0), (120.0, 520.0)];
        assert_eq!(pareto_frontier(&pts), vec![0, 1]);
    }

    #[test]
    fn the_frontier_of_nothing_is_empty_and_of_one_is_itself() {
        assert!(pareto_frontier(&[]).is_empty());
        assert_eq!(pareto_frontier(&[(1.0, 1.0)]), vec![0]);
    }

    #[test]
    fn the_cheapest_meeting_the_slo_ignores_cheaper_ones_that_miss_it() {
        let cands = [c(300.0, true), c(100.0, false), c(200.0, true)];
        assert_eq!(cheapest_meeting_slo(&cands), Some(2));
    }

    #[test]
    fn a_tie_goes_to_the_first_in_file_order() {
        let cands = [c(500.0, false), c(200.0, true), c(200.0, true)];
        assert_eq!(cheapest_meeting_slo(&cands), Some(1));
    }

    #[test]
    fn no_candidate_meeting_the_slo_gives_none() {
        assert_eq!(cheapest_meeting_slo(&[c(1.0, false), c(2.0, false)]), None);
        assert_eq!(cheapest_meeting_slo(&[]), None);
    }

    #[test]
    fn savings_are_against_every_other_and_negative_when_it_is_cheaper() {
        let cands = [
            c(400.0, true),
            c(100.0, false),
            c(200.0, true),
            c(0.0, false),
        ];
        let s = savings(&cands, 2);
        assert_eq!(s.len(), 3);
        assert_eq!(
            (s[0].other, s[0].usd_per_month, s[0].fraction),
            (0, 200.0, 0.5)
        );
        assert_eq!(
            (s[1].other, s[1].usd_per_month, s[1].fraction),
            (1, -100.0, -1.0)
        );
        assert_eq!((s[2].other, s[2].fraction), (3, 0.0));
    }
}
