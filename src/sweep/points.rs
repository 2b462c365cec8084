//! The points of a sweep: the grid of values (the first key outermost),
//! each written into the scenario file and validated as a scenario before
//! anything runs, so a bad value stops the sweep with its key and value.

use super::keys;
use crate::scenario::sweep::{SweepValue, Vary};
use crate::scenario::{self, Scenario};
use std::path::Path;

/// Most points a sweep may have.
pub const MAX_POINTS: usize = 10_000;

/// One point of the grid: its values (one per varied key, in order) and
/// the resolved scenario.
#[derive(Clone, Debug)]
pub struct Point {
    pub values: Vec<SweepValue>,
    pub scenario: Scenario,
}

/// Every point of the grid, validated. `text` is the scenario file as read
/// from `path` (relative paths in it resolve against `path`).
pub fn points(
    text: &str,
    path: &Path,
    seed: Option<u64>,
    vary: &[Vary],
) -> Result<Vec<Point>, String> {
    let doc: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| format!("{}: {}", path.display(), e.message()))?;
    let total: usize = vary.iter().map(|v| v.values.len()).product();
    if vary.is_empty() {
        return Err("a sweep needs at least one --vary KEY=VALUES".into());
    }
    if total > MAX_POINTS {
        return Err(format!(
            "the grid has {total} points; the limit is {MAX_POINTS}"
        ));
    }
    let mut out = Vec::with_capacity(total);
    for index in 0..total {
        // The first key varies slowest.
        let mut rest = index;
        let mut picks = vec![0; vary.len()];
        for (k, v) in vary.iter().enumerate().rev() {
            picks[k] = rest % v.values.len();
            rest /= v.values.len();
        }
        let values: Vec<SweepValue> = vary
            .iter()
            .zip(&picks)
            .map(|(v, &i)| v.values[i].clone())
            .collect();
        let mut point = doc.clone();
        let label = || {
            vary.iter()
                .zip(&values)
                .map(|(v, x)| format!("{}={x}", v.key))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (v, x) in vary.iter().zip(&values) {
            keys::set(&mut point, &v.key, x).map_err(|e| format!("--vary {}: {e}", v.key))?;
        }
        let written = toml::to_string(&point).map_err(|e| format!("{}: {e}", label()))?;
        let scenario = scenario::parse_seeded(&written, path, seed).map_err(|e| {
            let key = e
                .key
                .as_deref()
                .map(|k| format!(", key `{k}`"))
                .unwrap_or_default();
            format!(
                "the sweep point {} is not a valid scenario{key}: {}",
                label(),
                e.message
            )
        })?;
        out.push(Point { values, scenario });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::TEST_SCENARIO as FILE;

    #[test]
    fn a_grid_varies_the_first_key_slowest() {
        let vary = [
            Vary::parse("demand.rps=10,20").unwrap(),
            Vary::parse("architectures.fleet.servers=1..3 lin 3").unwrap(),
        ];
        let p = points(FILE, Path::new("s.toml"), None, &vary).unwrap();
        let got: Vec<(f64, f64)> = p
            .iter()
            .map(|p| (p.values[0].as_f64(), p.values[1].as_f64()))
            .collect();
        assert_eq!(
            got,
            [
                (10., 1.),
                (10., 2.),
                (10., 3.),
                (20., 1.),
                (20., 2.),
                (20., 3.)
            ]
        );
        let crate::scenario::ArchitectureSpec::Fleet(f) = &p[4].scenario.architectures[0].spec
        else {
            panic!("a fleet")
        };
        assert_eq!(f.servers, 2);
    }

    #[test]
    fn a_value_the_key_refuses_names_the_key_and_the_value() {
        let vary = [Vary::parse("demand.rps=5,-1").unwrap()];
        let e = points(FILE, Path::new("s.toml"), None, &vary).unwrap_err();
        assert!(
            e.starts_with(
                "the sweep point demand.rps=-1 is not a valid scenario, key `demand.rps`: "
            ),
            "{e}"
        );
        let vary = [Vary::parse("demand.nope=1").unwrap()];
        let e = points(FILE, Path::new("s.toml"), None, &vary).unwrap_err();
        assert!(e.contains("nope"), "{e}");
    }
}
