//! The selected functions: which the selection keys keep, their short
//! names, the peak a function's own fleet is sized for, and the mixture of
//! their work when they are merged into one service.

use super::options::{AzureFunction, AzureOptions};
use crate::demand::buckets::rate_of_counts;
use crate::dist::Dist;
use crate::time::SimTime;
use std::collections::HashMap;

/// Which functions the selection keys keep, given each function's hash,
/// trigger and total: `functions`, then `triggers`, then `top`.
pub(super) fn select(
    options: &AzureOptions,
    rows: &[(&str, &str, u64)],
) -> Result<Vec<bool>, String> {
    let mut keep = vec![true; rows.len()];
    if let Some(wanted) = &options.functions {
        keep = vec![false; rows.len()];
        for w in wanted {
            let hits: Vec<usize> = (0..rows.len())
                .filter(|&i| rows[i].0 == w || (w.len() >= 8 && rows[i].0.starts_with(w.as_str())))
                .collect();
            match hits.len() {
                0 => {
                    return Err(format!(
                        "unknown function \"{w}\": no row of the invocations file has that HashFunction"
                    ));
                }
                1 => keep[hits[0]] = true,
                n => {
                    return Err(format!(
                        "function \"{w}\" is ambiguous: {n} functions' hashes start with it"
                    ));
                }
            }
        }
    }
    if let Some(triggers) = &options.triggers {
        for (k, r) in keep.iter_mut().zip(rows) {
            *k &= triggers.iter().any(|t| t.eq_ignore_ascii_case(r.1));
        }
        if !keep.contains(&true) {
            return Err(format!(
                "no function has one of the triggers {}",
                triggers.join(", ")
            ));
        }
    }
    if let Some(n) = options.top {
        // The busiest n, ties to the earlier row.
        let mut order: Vec<usize> = (0..rows.len()).filter(|&i| keep[i]).collect();
        order.sort_by(|&a, &b| rows[b].2.cmp(&rows[a].2).then(a.cmp(&b)));
        for &i in order.iter().skip(n) {
            keep[i] = false;
        }
    }
    Ok(keep)
}

/// The shortest prefix of at least 8 characters that tells the hashes
/// apart; identical hashes get a suffix `-2`, `-3`, ….
pub(super) fn short_names<'a>(hashes: impl Iterator<Item = &'a str> + Clone) -> Vec<String> {
    let longest = hashes.clone().map(str::len).max().unwrap_or(0);
    let mut len = 8;
    loop {
        let mut seen: HashMap<&str, u32> = HashMap::new();
        let mut clash = false;
        let names: Vec<String> = hashes
            .clone()
            .map(|h| {
                let p = &h[..len.min(h.len())];
                let n = seen.entry(p).or_insert(0);
                *n += 1;
                clash |= *n > 1;
                if *n > 1 {
                    format!("{p}-{n}")
                } else {
                    p.to_string()
                }
            })
            .collect();
        if !clash || len >= longest {
            return names;
        }
        len += 4;
    }
}

/// A function's busiest minute within the run, as a rate in simulated time:
/// the peak of its own rate profile, so that a cut last minute counts as it
/// does for the whole trace's (see `demand::buckets`). `edge` places the
/// minutes as for the whole trace's profile.
pub(super) fn peak_rps(
    per_minute: &[u32],
    options: &AzureOptions,
    edge: impl Fn(u64, usize) -> SimTime,
) -> f64 {
    let expected: Vec<f64> = per_minute
        .iter()
        .map(|&c| c as f64 * options.scale)
        .collect();
    rate_of_counts(&expected, options.repeat, options.horizon, edge).peak(options.horizon)
}

/// The work of one invocation of any of `functions` (which make `requests`
/// invocations together): the mixture of their distributions weighted by
/// invocations. Piecewise-linear CDFs mix exactly at the union of their
/// breakpoints.
pub(super) fn merged_work(functions: &[AzureFunction], requests: u64) -> Dist {
    let total = requests as f64;
    let tables: Vec<(f64, &[(f64, f64)])> = functions
        .iter()
        .filter_map(|f| match &f.work {
            Dist::Empirical { points } => Some((f.total as f64 / total, points.as_slice())),
            _ => None,
        })
        .collect();
    let mut xs: Vec<f64> = tables
        .iter()
        .flat_map(|t| t.1.iter().map(|p| p.1))
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let mix = |x: f64, left: bool| -> f64 { tables.iter().map(|(w, t)| w * cdf(t, x, left)).sum() };
    let mut points: Vec<(f64, f64)> = Vec::with_capacity(2 * xs.len());
    for &x in &xs {
        for left in [true, false] {
            let p = (mix(x, left) * 100.0).clamp(0.0, 100.0);
            if points.last().is_none_or(|l| p > l.0 + 1e-9) {
                points.push((p, x));
            }
        }
    }
    points[0].0 = 0.0;
    if points.len() == 1 {
        points.push((100.0, points[0].1));
    }
    let last = points.len() - 1;
    points[last].0 = 100.0;
    Dist::empirical(points).expect("a mixture of percentile tables is one")
}

/// The CDF of a percentile table (fractions, seconds) at `x`, or its limit
/// from the left.
fn cdf(points: &[(f64, f64)], x: f64, left: bool) -> f64 {
    let below = |v: f64| if left { v < x } else { v <= x };
    let n = points.iter().take_while(|p| below(p.1)).count();
    if n == 0 {
        return 0.0;
    }
    if n == points.len() {
        return 1.0;
    }
    let (a, b) = (points[n - 1], points[n]);
    if b.1 == a.1 {
        return a.0;
    }
    a.0 + (b.0 - a.0) * (x - a.1) / (b.1 - a.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_lengthen_on_collisions() {
        let a = "0123456789abcdef";
        let b = "0123456789abffff";
        let c = "fedcba9876543210";
        assert_eq!(short_names([a, a].into_iter()), vec![a, &format!("{a}-2")]);
        assert_eq!(
            short_names([a, c].into_iter()),
            vec!["01234567", "fedcba98"]
        );
        assert_eq!(short_names([a, b, c].into_iter()), vec![a, b, c]);
    }
}
