//! Putting shards together: finding the partial results in folders,
//! checking that they are one batch (same format, scalesim version,
//! scenario hash, input and shard count), that every shard is there once,
//! and pooling their units into what the unsharded run would have had.
//! Every refusal names the file (or the shard that has none).

use super::Shard;
use super::partial::{FORMAT, Partial, version};
use crate::architectures::{UnitResults, Units};
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};

/// The partial results in `dirs`, by file name (`shard-I-of-N.json`),
/// sorted by folder then shard.
pub fn find(dirs: &[PathBuf]) -> Result<Vec<(Shard, PathBuf)>, String> {
    let mut out = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read the folder {}: {e}", dir.display()))?;
        let mut here: Vec<(Shard, PathBuf)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                Shard::from_file_name(&name).map(|s| (s, e.path()))
            })
            .collect();
        here.sort_by_key(|(s, _)| (s.count, s.index));
        if here.is_empty() {
            return Err(format!(
                "{}: no partial result (shard-I-of-N.json) in it",
                dir.display()
            ));
        }
        out.extend(here);
    }
    Ok(out)
}

/// The partials of one batch, read and checked against each other.
pub struct Batch {
    /// (file, partial), in shard order.
    pub partials: Vec<(PathBuf, Partial)>,
    pub count: u32,
}

impl Batch {
    /// Reads every file and checks they are one batch; with
    /// `allow_missing`, shards may be missing (`--status`).
    pub fn read(found: &[(Shard, PathBuf)], allow_missing: bool) -> Result<Batch, String> {
        let mut partials: Vec<(PathBuf, Partial)> = Vec::new();
        for (named, path) in found {
            let p = Partial::read(path)?;
            check_header(path, &p)?;
            if p.shard != *named {
                return Err(format!(
                    "{}: holds shard {}, its name says {named}",
                    path.display(),
                    p.shard
                ));
            }
            if let Some((first, f)) = partials.first() {
                same_batch(first, f, path, &p)?;
            }
            if let Some((twin, _)) = partials.iter().find(|(_, q)| q.shard == p.shard) {
                return Err(format!(
                    "shard {} is there twice: {} and {}",
                    p.shard,
                    twin.display(),
                    path.display()
                ));
            }
            partials.push((path.clone(), p));
        }
        partials.sort_by_key(|(_, p)| p.shard.index);
        let count = partials.first().map_or(0, |(_, p)| p.shard.count);
        let batch = Batch { partials, count };
        let missing = batch.missing();
        if !allow_missing && !missing.is_empty() {
            let dir = found
                .first()
                .and_then(|(_, p)| p.parent())
                .map_or(String::new(), |d| format!(" in {}", d.display()));
            let names: Vec<String> = missing
                .iter()
                .map(|&i| Shard { index: i, count }.file_name())
                .collect();
            return Err(format!(
                "{} of {count} shard(s) missing: no {}{dir}",
                missing.len(),
                names.join(", ")
            ));
        }
        Ok(batch)
    }

    /// The shard indices with no partial.
    pub fn missing(&self) -> Vec<u32> {
        let mut have = vec![false; self.count as usize];
        for (_, p) in &self.partials {
            have[p.shard.index as usize] = true;
        }
        (0..self.count).filter(|&i| !have[i as usize]).collect()
    }

    /// What every shard was asked to run.
    pub fn input(&self) -> &super::partial::Input {
        &self.partials[0].1.input
    }

    /// Checks the scenario(s) `merge` resolved from the input against
    /// the shards' hash, then pools every unit: the results the unsharded
    /// run would have had, in unit order.
    pub fn unit_results(
        self,
        scenarios: &[&Scenario],
        units: &Units,
        hash: &str,
    ) -> Result<UnitResults, String> {
        let (path0, p0) = &self.partials[0];
        if p0.scenario_hash != hash || p0.units != units.len() {
            return Err(format!(
                "{}: the shards ran scenario {} ({} units); its input resolves here to {hash} \
                 ({} units): a file it reads (a trace) differs or is not at the same path; \
                 run merge where the shards ran",
                path0.display(),
                p0.scenario_hash,
                p0.units,
                units.len()
            ));
        }
        let mut seen = vec![false; units.len() as usize];
        let mut into = UnitResults::empty(scenarios);
        for (path, p) in self.partials {
            p.add_to(&mut into, &mut seen, &path)?;
        }
        if let Some(u) = seen.iter().position(|s| !s) {
            return Err(format!("unit {u} is in no shard (damaged partials?)"));
        }
        into.results.sort_by_key(|(u, _)| *u);
        Ok(into)
    }
}

fn check_header(path: &Path, p: &Partial) -> Result<(), String> {
    if p.format != FORMAT {
        return Err(format!(
            "{}: format {:?}, this scalesim reads {FORMAT:?}",
            path.display(),
            p.format
        ));
    }
    if p.scalesim != version() {
        return Err(format!(
            "{}: written by scalesim {}, this is {}: run the shards and merge with one build",
            path.display(),
            p.scalesim,
            version()
        ));
    }
    Ok(())
}

fn same_batch(first: &Path, f: &Partial, path: &Path, p: &Partial) -> Result<(), String> {
    let differs = if p.scenario_hash != f.scenario_hash || p.input != f.input {
        Some(format!(
            "a different scenario or input (scenario {} vs {})",
            p.scenario_hash, f.scenario_hash
        ))
    } else if p.shard.count != f.shard.count || p.units != f.units {
        Some(format!(
            "a split into {} shards, not {}",
            p.shard.count, f.shard.count
        ))
    } else {
        None
    };
    match differs {
        Some(what) => Err(format!(
            "{}: not the same batch as {}: {what}",
            path.display(),
            first.display()
        )),
        None => Ok(()),
    }
}
