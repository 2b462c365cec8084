//! Running a sweep: every (point × replication × architecture) on the
//! thread pool, and the table of results one row per (point,
//! architecture), with the crossovers of the first varied key.

use super::points::Point;
use crate::analysis::crossover::{self, Crossover, Series};
use crate::analysis::decision::{self, Verdict};
use crate::architectures::{Units, run_units};
use crate::pricing::cost::HOURS_PER_MONTH;
use crate::report::charts::ChartData;
use crate::results::estimate::Estimate;
use crate::results::summary::RunSummary;
use crate::scenario::sweep::Vary;
use serde::Serialize;

/// One architecture at one point.
#[derive(Clone, Debug, Serialize)]
pub struct SweepRow {
    /// The varied values as written, one per key.
    pub values: Vec<String>,
    pub architecture: String,
    pub cost_per_month_usd: Estimate,
    /// At the SLO percentile (p99 without an SLO).
    pub latency_ms: Estimate,
    pub error_rate: Estimate,
    /// "meets", "misses" or "uncertain"; "none" without an SLO.
    pub slo: &'static str,
    /// Arrivals per second in the measured period (the same for every
    /// architecture of a point: they share the demand).
    pub arrival_rps: f64,
    /// The varied values as numbers (durations in seconds, memory in MB),
    /// for charts.
    #[serde(skip)]
    pub numbers: Vec<f64>,
    #[serde(skip)]
    pub verdict: Option<Verdict>,
    /// The point's SLO latency (ms), if it has an SLO.
    #[serde(skip)]
    pub slo_ms: Option<f64>,
}

/// The results of a sweep.
#[derive(Clone, Debug, Serialize)]
pub struct SweepResult {
    pub scenario: String,
    pub keys: Vec<String>,
    pub replications: u32,
    pub rows: Vec<SweepRow>,
    /// Along the first key, for each combination of the other keys' values
    /// (in grid order): where the cheapest architecture meeting the SLO
    /// changes.
    pub crossovers: Vec<Crossover>,
    /// For the charts: seed, duration and price date of the first point.
    #[serde(skip)]
    pub subtitle: String,
    /// The charts' size in pixels (the scenario's `[report] chart_size`).
    #[serde(skip)]
    pub chart_size: (u32, u32),
    /// For the charts: the SLO percentile ("p99" without an SLO) and the
    /// SLO as the first point states it.
    #[serde(skip)]
    pub percentile: String,
    #[serde(skip)]
    pub slo_label: Option<String>,
}

/// Runs every point. `replications` applies to every point. Every
/// (point × replication × architecture) unit is one task on the pool, so
/// points of different sizes share the threads.
pub fn run(
    points: &[Point],
    vary: &[Vary],
    replications: u32,
    on_unit_done: &(dyn Fn() + Sync),
) -> SweepResult {
    let scenarios = scenarios(points);
    let units = Units::new(&scenarios, replications);
    let all: Vec<u64> = (0..units.len()).collect();
    let done = run_units(&scenarios, &units, &all, on_unit_done);
    tabulate(
        points,
        vary,
        replications,
        done.assemble(&scenarios, &units),
    )
}

/// The points' scenarios, the batch a sweep's units are numbered over.
pub fn scenarios(points: &[Point]) -> Vec<&crate::scenario::Scenario> {
    points.iter().map(|p| &p.scenario).collect()
}

/// The table of a sweep from every point's run, in point order.
pub fn tabulate(
    points: &[Point],
    vary: &[Vary],
    replications: u32,
    mut runs: Vec<RunSummary>,
) -> SweepResult {
    for (p, run) in points.iter().zip(&mut runs) {
        decision::add_comparisons(run, p.scenario.slo.as_ref());
    }
    let mut rows = Vec::new();
    let mut meets: Vec<Vec<bool>> = Vec::new();
    for (p, run) in points.iter().zip(&runs) {
        let slo = p.scenario.slo.as_ref();
        let mut point_meets = Vec::new();
        for a in &run.architectures {
            let verdict = slo.map(|s| decision::verdict(s, a));
            point_meets.push(verdict.is_none_or(|v| v == Verdict::Meets));
            let cost = if a.replicas.is_empty() {
                vec![a.cost.per_month_usd]
            } else {
                a.replicas.iter().map(|r| r.cost.per_month_usd).collect()
            };
            rows.push(SweepRow {
                values: p.values.iter().map(|v| v.to_string()).collect(),
                architecture: a.name.clone(),
                cost_per_month_usd: crate::results::estimate::estimate(&cost),
                latency_ms: decision::slo_latency(slo, a),
                error_rate: decision::error_rate(a),
                slo: match verdict {
                    None => "none",
                    Some(Verdict::Meets) => "meets",
                    Some(Verdict::Misses) => "misses",
                    Some(Verdict::Uncertain) => "uncertain",
                },
                arrival_rps: a.arrival_rate,
                numbers: p.values.iter().map(|v| v.as_f64()).collect(),
                verdict,
                slo_ms: slo.map(|s| s.latency.as_millis_f64()),
            });
        }
        meets.push(point_meets);
    }
    let crossovers = first_key_crossovers(points, vary, &runs, &meets);
    let first = ChartData {
        run: &runs[0],
        slo: points[0].scenario.slo,
    };
    SweepResult {
        chart_size: points
            .first()
            .map_or(crate::report::charts::look::SIZE, |p| p.scenario.chart_size),
        subtitle: first.subtitle(),
        percentile: first.percentile().to_string(),
        slo_label: first.slo_label(),
        scenario: points
            .first()
            .map_or(String::new(), |p| p.scenario.name.clone()),
        keys: vary.iter().map(|v| v.key.clone()).collect(),
        replications,
        rows,
        crossovers,
    }
}

/// The crossovers along the first key, one line of points per combination
/// of the other keys.
fn first_key_crossovers(
    points: &[Point],
    vary: &[Vary],
    runs: &[RunSummary],
    meets: &[Vec<bool>],
) -> Vec<Crossover> {
    let along = vary[0].values.len();
    let lines = points.len() / along;
    let mut out = Vec::new();
    for line in 0..lines {
        // The first key varies slowest: its points are `lines` apart.
        let idx: Vec<usize> = (0..along).map(|i| i * lines + line).collect();
        let xs: Vec<f64> = idx.iter().map(|&i| points[i].values[0].as_f64()).collect();
        let archs = &runs[idx[0]].architectures;
        let series: Vec<Series> = archs
            .iter()
            .enumerate()
            .map(|(k, a)| Series {
                name: &a.name,
                cost: idx
                    .iter()
                    .map(|&i| runs[i].architectures[k].cost.per_month_usd)
                    .collect(),
                meets: idx.iter().map(|&i| meets[i][k]).collect(),
            })
            .collect();
        let rps: Vec<f64> = idx
            .iter()
            .map(|&i| runs[i].architectures[0].arrival_rate)
            .collect();
        let peaks: Vec<f64> = idx
            .iter()
            .map(|&i| {
                let s = &points[i].scenario;
                s.demand.profile.peak(s.duration)
            })
            .collect();
        let on: Vec<String> = vary
            .iter()
            .zip(&points[idx[0]].values)
            .skip(1)
            .map(|(v, x)| format!("{}={x}", v.key))
            .collect();
        for mut c in crossover::crossovers(&xs, &series) {
            if vary[0].key == "demand.scale" {
                let mean = interpolate(&xs, &rps, c.at);
                c.at_rps = Some(mean);
                c.at_peak_rps = Some(interpolate(&xs, &peaks, c.at));
                c.at_requests_per_month = Some(mean * 3600.0 * HOURS_PER_MONTH);
            }
            c.on = on.clone();
            out.push(c);
        }
    }
    out
}

/// `ys` at `x` by linear interpolation between the points of `xs`
/// (increasing) that bracket it.
fn interpolate(xs: &[f64], ys: &[f64], x: f64) -> f64 {
    let i = xs.partition_point(|&v| v < x).clamp(1, xs.len().max(2) - 1);
    if xs.len() < 2 || xs[i] == xs[i - 1] {
        return ys[i.min(ys.len() - 1)];
    }
    ys[i - 1] + (ys[i] - ys[i - 1]) * (x - xs[i - 1]) / (xs[i] - xs[i - 1])
}
