//! Shards: one batch of units (a run's replications × architectures, or a
//! sweep's points × replications × architectures) split over N processes
//! that need not share a machine, each writing a partial result
//! ([`partial`]) that `merge` ([`merge`]) puts together into exactly the
//! outputs of the unsharded run.
//!
//! # Which units a shard runs
//! Shard I of N runs every unit u with u mod N = I (units numbered as
//! [`crate::architectures::Units`] does). Strided rather than contiguous:
//! a sweep's points differ in size (a point at 8× the demand takes 32
//! times one at 0.25×), and consecutive units are neighbouring points, so
//! a contiguous block would give one shard all the large points; striding
//! deals each shard a share of every region of the grid and of every
//! architecture.

pub mod merge;
pub mod partial;

use std::fmt;

/// Most shards a batch may be split into.
pub const MAX_SHARDS: u32 = 100_000;

/// Shard `index` of `count` (0 ≤ index < count).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The environment variable that tells `--shard auto` the number of
/// shards of a Kubernetes Indexed Job: Kubernetes gives each pod its
/// index (`JOB_COMPLETION_INDEX`) but not the job's `completions`, so the
/// manifest sets this one to the same number.
pub const K8S_COUNT_VAR: &str = "SCALESIM_SHARD_COUNT";

impl Shard {
    pub fn new(index: u32, count: u32) -> Result<Shard, String> {
        if count == 0 || count > MAX_SHARDS {
            return Err(format!(
                "the shard count must be 1 to {MAX_SHARDS}, found {count}"
            ));
        }
        if index >= count {
            return Err(format!(
                "shard {index} of {count} does not exist: shards are numbered 0 to {}",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// `I/N`, or `auto` (from the environment, read through `env`).
    pub fn parse(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        if text == "auto" {
            return Shard::from_env(env);
        }
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("--shard {text}: expected I/N (e.g. 0/4) or auto"))?;
        let num = |s: &str| {
            s.trim()
                .parse::<u32>()
                .map_err(|_| format!("--shard {text}: expected I/N with whole numbers, e.g. 0/4"))
        };
        Shard::new(num(i)?, num(n)?).map_err(|e| format!("--shard {text}: {e}"))
    }

    /// The shard a Kubernetes Indexed Job's pod or a Slurm array task is:
    /// `JOB_COMPLETION_INDEX` with [`K8S_COUNT_VAR`], or
    /// `SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_COUNT`, less
    /// `SLURM_ARRAY_TASK_MIN` and divided by `SLURM_ARRAY_TASK_STEP` (an
    /// array `--array=1-8` or `0-14:2` still gives shards 0 to N-1).
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let var = |name: &str| -> Result<Option<u32>, String> {
            match env(name) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse::<u32>()
                    .map(Some)
                    .map_err(|_| format!("--shard auto: {name}={v:?} is not a whole number")),
            }
        };
        let need = |name: &str, why: &str| -> Result<u32, String> {
            var(name)?.ok_or_else(|| format!("--shard auto: {name} is not set; {why}"))
        };
        if let Some(index) = var("JOB_COMPLETION_INDEX")? {
            let count = need(
                K8S_COUNT_VAR,
                "a Kubernetes Indexed Job does not tell its pods the completion count: \
                 set it in the pod's env to the Job's `completions`",
            )?;
            return Shard::new(index, count)
                .map_err(|e| format!("--shard auto (JOB_COMPLETION_INDEX, {K8S_COUNT_VAR}): {e}"));
        }
        if let Some(id) = var("SLURM_ARRAY_TASK_ID")? {
            let count = need(
                "SLURM_ARRAY_TASK_COUNT",
                "Slurm sets it in every task of a job array",
            )?;
            let min = var("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let step = var("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
            let from = "--shard auto (SLURM_ARRAY_TASK_ID, _MIN, _STEP, _COUNT)";
            if id < min || (id - min) % step != 0 {
                return Err(format!(
                    "{from}: task {id} is not on the array's grid (min {min}, step {step})"
                ));
            }
            return Shard::new((id - min) / step, count).map_err(|e| format!("{from}: {e}"));
        }
        Err(
            "--shard auto: neither JOB_COMPLETION_INDEX (a Kubernetes Indexed Job, with \
             SCALESIM_SHARD_COUNT) nor SLURM_ARRAY_TASK_ID (a Slurm job array) is set; \
             give the shard as --shard I/N"
                .into(),
        )
    }

    /// The numbers of this shard's units among `total`.
    pub fn units(&self, total: u64) -> Vec<u64> {
        (u64::from(self.index)..total)
            .step_by(self.count as usize)
            .collect()
    }

    /// The name of this shard's partial result.
    pub fn file_name(&self) -> String {
        format!("shard-{}-of-{}.json", self.index, self.count)
    }

    /// The shard a partial result's file name names, if it is one.
    pub fn from_file_name(name: &str) -> Option<Shard> {
        let rest = name.strip_prefix("shard-")?.strip_suffix(".json")?;
        let (i, n) = rest.split_once("-of-")?;
        Shard::new(i.parse().ok()?, n.parse().ok()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn shard_i_of_n_runs_every_nth_unit_from_i() {
        let s = Shard::parse("2/3", env(&[])).unwrap();
        assert_eq!(s.units(11), [2, 5, 8]);
        let all: usize = (0..3)
            .map(|i| Shard::new(i, 3).unwrap().units(11).len())
            .sum();
        assert_eq!(all, 11);
        assert_eq!(Shard::from_file_name(&s.file_name()), Some(s));
        assert_eq!(Shard::from_file_name("shard-3-of-3.json"), None);
    }

    #[test]
    fn bad_shards_are_refused_with_the_text() {
        for (text, want) in [
            ("3/3", "shard 3 of 3 does not exist"),
            ("0/0", "must be 1 to"),
            ("1", "expected I/N"),
            ("a/2", "whole numbers"),
        ] {
            let e = Shard::parse(text, env(&[])).unwrap_err();
            assert!(e.contains(want), "{text}: {e}");
        }
    }

    #[test]
    fn auto_reads_kubernetes_and_slurm() {
        let k8s = env(&[("JOB_COMPLETION_INDEX", "4"), ("SCALESIM_SHARD_COUNT", "7")]);
        assert_eq!(Shard::from_env(k8s), Ok(Shard { index: 4, count: 7 }));
        let e = Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "4")])).unwrap_err();
        assert!(e.contains("SCALESIM_SHARD_COUNT is not set"), "{e}");
        // `sbatch --array=1-8`: tasks 1 to 8 are shards 0 to 7.
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "8"),
            ("SLURM_ARRAY_TASK_COUNT", "8"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
        ]);
        assert_eq!(Shard::from_env(slurm), Ok(Shard { index: 7, count: 8 }));
        // `--array=0-14:2`: 8 tasks, 0, 2, …, 14.
        let stepped = env(&[
            ("SLURM_ARRAY_TASK_ID", "6"),
            ("SLURM_ARRAY_TASK_COUNT", "8"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
        ]);
        assert_eq!(Shard::from_env(stepped), Ok(Shard { index: 3, count: 8 }));
        let e = Shard::from_env(env(&[])).unwrap_err();
        assert!(
            e.contains("JOB_COMPLETION_INDEX") && e.contains("SLURM_ARRAY_TASK_ID"),
            "{e}"
        );
    }
}
