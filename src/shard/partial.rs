//! A shard's partial result (`shard-I-of-N.json`): what the shard was
//! asked to run (the scenario text, seed, replications, varied keys), a
//! hash of the scenario(s) that resolved to, each unit's result with the
//! time series of replication 0, and the latency histograms of its units
//! pooled per point and architecture, sparse — never per-request data.
//! Every number is written so that it reads back bit for bit (integers as
//! integers, a u128 sum as a decimal string, f64 by shortest round-trip
//! text, parsed back exactly with serde_json's `float_roundtrip`).

use super::Shard;
use crate::architectures::{UnitResults, Units};
use crate::results::metrics::Histogram;
use crate::results::stats::WindowRow;
use crate::results::summary::ArchitectureResult;
use crate::scenario::Scenario;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The format's name and version; `merge` refuses any other.
pub const FORMAT: &str = "scalesim-partial/1";

/// What a shard was asked to run: every shard of a batch must have been
/// given the same, and `merge` resolves it again to write the outputs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Input {
    /// `run` or `sweep`.
    pub command: String,
    /// The scenario file as given (relative paths in it resolve against
    /// it, so `merge` runs where the shards ran).
    pub file: PathBuf,
    /// The scenario file's text.
    pub text: String,
    /// `--seed`, if given.
    pub seed: Option<u64>,
    /// The replications of every point.
    pub replications: u32,
    /// `--vary` as given (a sweep; empty: the file's `[sweep]`).
    #[serde(default)]
    pub vary: Vec<String>,
    /// `--charts` (a run).
    #[serde(default)]
    pub charts: Option<String>,
    /// `--only`, if given: the architectures run, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only: Vec<String>,
}

/// One unit's result.
#[derive(Debug, Serialize, Deserialize)]
pub struct UnitRecord {
    pub unit: u64,
    pub result: ArchitectureResult,
    /// Empty but for replication 0.
    pub timeseries: Vec<WindowRow>,
}

/// The latency histogram of a point's architecture over this shard's
/// units, as its non-empty buckets.
#[derive(Debug, Serialize, Deserialize)]
pub struct PooledRecord {
    pub point: usize,
    pub architecture: usize,
    /// The exact sum in nanoseconds (a u128: a string, since JSON readers
    /// differ past 2⁶⁴).
    pub sum_ns: String,
    pub min_ns: u64,
    pub max_ns: u64,
    /// `[bucket, count]`, lowest bucket first.
    pub buckets: Vec<(usize, u64)>,
}

/// A shard's partial result.
#[derive(Debug, Serialize, Deserialize)]
pub struct Partial {
    pub format: String,
    /// The scalesim version that wrote it.
    pub scalesim: String,
    /// FNV-1a 64 of the resolved scenario(s), replications and command:
    /// shards that disagree ran different work.
    pub scenario_hash: String,
    pub shard: Shard,
    /// Units in the whole batch.
    pub units: u64,
    pub input: Input,
    pub results: Vec<UnitRecord>,
    pub latency: Vec<PooledRecord>,
}

/// The scalesim version partial results are checked against.
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The hash that says two shards ran the same work: over the command,
/// the replications and the Debug text of every resolved scenario (which
/// holds every key and every value read from a trace).
pub fn scenario_hash(command: &str, replications: u32, scenarios: &[&Scenario]) -> String {
    struct Fnv(u64);
    impl std::fmt::Write for Fnv {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            for b in s.bytes() {
                self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            }
            Ok(())
        }
    }
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    let _ = std::fmt::write(
        &mut h,
        format_args!("{command} {replications} {scenarios:?}"),
    );
    format!("{:016x}", h.0)
}

impl Partial {
    /// The partial result of `shard`, from what its units gave.
    pub fn new(
        input: Input,
        scenario_hash: String,
        shard: Shard,
        units: &Units,
        done: UnitResults,
    ) -> Partial {
        let results = done
            .results
            .into_iter()
            .map(|(unit, mut result)| UnitRecord {
                unit,
                timeseries: std::mem::take(&mut result.timeseries),
                result,
            })
            .collect();
        let mut latency = Vec::new();
        for (point, hists) in done.pooled.iter().enumerate() {
            for (architecture, h) in hists.iter().enumerate() {
                if h.count() > 0 {
                    latency.push(PooledRecord {
                        point,
                        architecture,
                        sum_ns: h.sum_nanos().to_string(),
                        min_ns: h.min().as_nanos(),
                        max_ns: h.max().as_nanos(),
                        buckets: h.buckets().collect(),
                    });
                }
            }
        }
        Partial {
            format: FORMAT.into(),
            scalesim: version(),
            scenario_hash,
            shard,
            units: units.len(),
            input,
            results,
            latency,
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec(self).expect("a partial result always serializes");
        v.push(b'\n');
        v
    }

    /// Reads `path`; a file that does not parse (cut short by a full
    /// disk, or not a partial result) is named.
    pub fn read(path: &Path) -> Result<Partial, String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "{}: not a whole partial result (truncated or damaged?): {e}",
                path.display()
            )
        })
    }

    /// Writes the partial into `dir` as one rename: readers see the whole
    /// file or none. Not `OutputSet`: every shard writes into the same
    /// shared folder, and the temporary name must be unique across
    /// machines (a pod's process id is often 1 in every pod).
    pub fn write_into(&self, dir: &Path) -> Result<PathBuf, String> {
        use std::io::Write as _;
        let name = self.shard.file_name();
        let path = dir.join(&name);
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the output folder {}: {e}", dir.display()))?;
        let nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let tmp = dir.join(format!(".{name}.tmp-{}-{nonce}", std::process::id()));
        let written = (|| -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&self.to_json())?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)
        })();
        written.map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write {}: {e}", path.display())
        })?;
        Ok(path)
    }

    /// Adds this partial's units and histograms to `into`, checking each
    /// against the batch (`units`): a unit outside this shard, one seen
    /// before, or a histogram of no point is damage, named by `path`.
    pub fn add_to(
        self,
        into: &mut UnitResults,
        seen: &mut [bool],
        path: &Path,
    ) -> Result<(), String> {
        let bad = |what: String| format!("{}: {what}", path.display());
        let expected = self.shard.units(self.units).len();
        if self.results.len() != expected {
            return Err(bad(format!(
                "holds {} unit(s), shard {} has {expected} (damaged?)",
                self.results.len(),
                self.shard
            )));
        }
        for rec in self.results {
            let u = rec.unit;
            if u >= self.units || u % u64::from(self.shard.count) != u64::from(self.shard.index) {
                return Err(bad(format!(
                    "unit {u} is not one of shard {}'s",
                    self.shard
                )));
            }
            if std::mem::replace(&mut seen[u as usize], true) {
                return Err(bad(format!("unit {u} appears a second time")));
            }
            let mut result = rec.result;
            result.timeseries = rec.timeseries;
            into.results.push((u, result));
        }
        for p in self.latency {
            let sum: u128 = p
                .sum_ns
                .parse()
                .map_err(|_| bad(format!("latency sum {:?} is not a number", p.sum_ns)))?;
            let h = Histogram::from_buckets(&p.buckets, sum, SimTime(p.min_ns), SimTime(p.max_ns))
                .map_err(|e| bad(format!("latency histogram: {e}")))?;
            let slot = into
                .pooled
                .get_mut(p.point)
                .and_then(|a| a.get_mut(p.architecture))
                .ok_or_else(|| {
                    bad(format!(
                        "a histogram of no point ({}, {})",
                        p.point, p.architecture
                    ))
                })?;
            slot.merge(&h);
        }
        Ok(())
    }
}
