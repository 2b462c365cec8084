//! Crossovers: where, along a swept value, the cheapest architecture that
//! meets the SLO changes. Between two adjacent points where it changes
//! from A to B, the crossover is where the line through A's and B's cost
//! differences at those points crosses zero (linear interpolation); when
//! the change comes from A ceasing to meet the SLO rather than from cost,
//! there is nothing to interpolate and the crossover is reported at the
//! first point where B is the answer.

use serde::Serialize;

/// One architecture's series along the swept value.
#[derive(Clone, Debug)]
pub struct Series<'a> {
    pub name: &'a str,
    pub cost: Vec<f64>,
    pub meets: Vec<bool>,
}

/// A change of the cheapest architecture meeting the SLO.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Crossover {
    /// The answer below the crossover, and above it.
    pub below: String,
    pub above: String,
    /// The interpolated value of the swept key.
    pub at: f64,
    /// The adjacent points that bracket it.
    pub between: [f64; 2],
    /// True when the change comes from cost; false when `below` stops
    /// meeting the SLO.
    pub by_cost: bool,
    /// For a sweep of `demand.scale`: the crossover in requests per
    /// second, interpolated between the bracketing points' arrival rates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_rps: Option<f64>,
    /// For a sweep of `demand.scale`: the demand's peak rate at the
    /// crossover, interpolated between the bracketing points' profiles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_peak_rps: Option<f64>,
    /// For a sweep of `demand.scale`: requests a month (730 hours) at
    /// `at_rps`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_requests_per_month: Option<f64>,
    /// In a grid: the other keys' values on this line (`key=value`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub on: Vec<String>,
}

/// A stretch of the swept range with one answer: the index of the
/// cheapest series meeting the SLO, or `None` where none does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    pub from: f64,
    pub to: f64,
    pub cheapest: Option<usize>,
}

/// The cheapest series meeting the SLO at point `i` (the first of equals).
pub fn cheapest_at(series: &[Series], i: usize) -> Option<usize> {
    (0..series.len())
        .filter(|&k| series[k].meets[i])
        .min_by(|&a, &b| {
            series[a].cost[i]
                .total_cmp(&series[b].cost[i])
                .then(a.cmp(&b))
        })
}

/// A change of answer between points `i` and `i + 1`.
struct Change {
    i: usize,
    from: Option<usize>,
    to: Option<usize>,
    at: f64,
    by_cost: bool,
}

/// Every change of answer along `xs` (increasing). Between two series
/// that both meet the SLO on both sides and swap order, the change is
/// where their cost difference crosses zero; any other change (an
/// answer that stops or starts meeting the SLO) is placed at the point
/// where the new answer holds.
fn changes(xs: &[f64], series: &[Series]) -> Vec<Change> {
    let mut out = Vec::new();
    for i in 0..xs.len().saturating_sub(1) {
        let (from, to) = (cheapest_at(series, i), cheapest_at(series, i + 1));
        if from == to {
            continue;
        }
        let (mut at, mut by_cost) = (xs[i + 1], false);
        if let (Some(a), Some(b)) = (from, to) {
            let d0 = series[a].cost[i] - series[b].cost[i];
            let d1 = series[a].cost[i + 1] - series[b].cost[i + 1];
            if series[a].meets[i + 1] && series[b].meets[i] && d0 <= 0.0 && d1 > 0.0 {
                by_cost = true;
                at = xs[i] + (xs[i + 1] - xs[i]) * (-d0) / (d1 - d0);
            }
        }
        out.push(Change {
            i,
            from,
            to,
            at,
            by_cost,
        });
    }
    out
}

/// Every crossover along `xs` (increasing) from one architecture to
/// another; stretches where none meets the SLO are [`bands`], not
/// crossovers.
pub fn crossovers(xs: &[f64], series: &[Series]) -> Vec<Crossover> {
    changes(xs, series)
        .into_iter()
        .filter_map(|c| {
            let (a, b) = (c.from?, c.to?);
            Some(Crossover {
                below: series[a].name.to_string(),
                above: series[b].name.to_string(),
                at: c.at,
                between: [xs[c.i], xs[c.i + 1]],
                by_cost: c.by_cost,
                at_rps: None,
                at_peak_rps: None,
                at_requests_per_month: None,
                on: Vec::new(),
            })
        })
        .collect()
}

/// The swept range cut where the answer changes, from the first point to
/// the last.
pub fn bands(xs: &[f64], series: &[Series]) -> Vec<Band> {
    let (Some(&first), Some(&last)) = (xs.first(), xs.last()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut from = first;
    let mut cheapest = cheapest_at(series, 0);
    for c in changes(xs, series) {
        out.push(Band {
            from,
            to: c.at,
            cheapest,
        });
        (from, cheapest) = (c.at, c.to);
    }
    out.push(Band {
        from,
        to: last,
        cheapest,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const XS: [f64; 5] = [1.0, 2.0, 3.0, 4.0, 5.0];

    /// Serverless costing 10·x against a fleet's flat 35 along [`XS`]:
    /// their costs meet at x = 3.5. Lambda always meets the SLO, the
    /// fleet where `fleet_meets` says.
    fn lambda_and_fleet(fleet_meets: [bool; 5]) -> [Series<'static>; 2] {
        [
            Series {
                name: "lambda",
                cost: XS.iter().map(|x| 10.0 * x).collect(),
                meets: vec![true; 5],
            },
            Series {
                name: "fleet",
                cost: vec![35.0; 5],
                meets: fleet_meets.to_vec(),
            },
        ]
    }

    /// The bands along [`XS`] as (from, to, cheapest).
    fn spans(series: &[Series]) -> Vec<(f64, f64, Option<usize>)> {
        bands(&XS, series)
            .iter()
            .map(|b| (b.from, b.to, b.cheapest))
            .collect()
    }

    #[test]
    fn a_linear_cost_crosses_a_flat_one_where_the_lines_meet() {
        let c = crossovers(&XS, &lambda_and_fleet([true; 5]));
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].below.as_str(), c[0].above.as_str()),
            ("lambda", "fleet")
        );
        assert!((c[0].at - 3.5).abs() < 1e-12);
        assert_eq!(c[0].between, [3.0, 4.0]);
        assert!(c[0].by_cost);
    }

    #[test]
    fn losing_the_slo_is_a_crossover_at_the_first_point_it_is_lost() {
        let xs = [1.0, 2.0, 3.0];
        let s = [
            Series {
                name: "small",
                cost: vec![1.0; 3],
                meets: vec![true, true, false],
            },
            Series {
                name: "big",
                cost: vec![5.0; 3],
                meets: vec![true; 3],
            },
        ];
        let c = crossovers(&xs, &s);
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].at, c[0].by_cost), (3.0, false));
    }

    #[test]
    fn bands_cover_the_range_and_change_where_the_answer_does() {
        // Cheap lambda up to 3.5, the fleet from there, which misses at 5.
        let got = spans(&lambda_and_fleet([true, true, true, true, false]));
        // At 5 lambda (50) is again the only one meeting: back to lambda.
        assert_eq!(
            got,
            [
                (1.0, 3.5, Some(0)),
                (3.5, 5.0, Some(1)),
                (5.0, 5.0, Some(0))
            ]
        );
        let lost = [Series {
            name: "only",
            cost: vec![1.0; 5],
            meets: vec![true, true, false, false, true],
        }];
        assert_eq!(
            spans(&lost),
            [(1.0, 3.0, Some(0)), (3.0, 5.0, None), (5.0, 5.0, Some(0))]
        );
        assert!(crossovers(&XS, &lost).is_empty());
    }
}
