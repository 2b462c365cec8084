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

/// Every crossover along `xs` (increasing).
pub fn crossovers(xs: &[f64], series: &[Series]) -> Vec<Crossover> {
    let mut out = Vec::new();
    for i in 0..xs.len().saturating_sub(1) {
        let (Some(a), Some(b)) = (cheapest_at(series, i), cheapest_at(series, i + 1)) else {
            continue;
        };
        if a == b {
            continue;
        }
        let d0 = series[a].cost[i] - series[b].cost[i];
        let d1 = series[a].cost[i + 1] - series[b].cost[i + 1];
        let by_cost = series[a].meets[i + 1] && d0 <= 0.0 && d1 > 0.0;
        let at = if by_cost && d1 != d0 {
            xs[i] + (xs[i + 1] - xs[i]) * (-d0) / (d1 - d0)
        } else {
            xs[i + 1]
        };
        out.push(Crossover {
            below: series[a].name.to_string(),
            above: series[b].name.to_string(),
            at,
            between: [xs[i], xs[i + 1]],
            by_cost,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linear_cost_crosses_a_flat_one_where_the_lines_meet() {
        // Serverless costs 10·x, the fleet a flat 35: they meet at x = 3.5.
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        let s = [
            Series {
                name: "lambda",
                cost: xs.iter().map(|x| 10.0 * x).collect(),
                meets: vec![true; 5],
            },
            Series {
                name: "fleet",
                cost: vec![35.0; 5],
                meets: vec![true; 5],
            },
        ];
        let c = crossovers(&xs, &s);
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
}
