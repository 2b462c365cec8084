//! Publishing a run's files as one set: the folder holds the previous set
//! or the new one, never a mix and never a temporary file.
//!
//! Every file is written in full into a staging folder beside the target
//! (`.NAME.tmp-PID`), then the set moves into place:
//! - no folder yet: one rename of the staging folder;
//! - a folder holding only scalesim's outputs: it is renamed aside
//!   (`.NAME.old-PID`), the staging folder renamed into place, and the old
//!   one removed. Between the two renames the folder is briefly absent;
//!   if the second fails, the old one is renamed back;
//! - a folder holding anything else (`--out .`): each file is renamed
//!   into it, the old behaviour, since the user's other files must stay.
//!
//! On any failure the staging folder is removed and the previous outputs
//! are left as they were.

use anyhow::{Context, Result};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Names any scalesim output set may hold: a folder of nothing else may be
/// replaced as a whole.
const KNOWN: &[&str] = &[
    "summary.json",
    "summary.csv",
    "timeseries.csv",
    "replications.csv",
    "report.md",
    "sweep.json",
    "sweep.csv",
    "sweep.md",
];
const CHART_STEMS: &[&str] = &[
    "cost_vs_latency",
    "timeline",
    "latency_cdf",
    "cost_breakdown",
];

/// A set of files to be published together.
#[derive(Default)]
pub struct OutputSet {
    files: Vec<(String, Vec<u8>)>,
}

impl OutputSet {
    pub fn add(&mut self, name: impl Into<String>, bytes: Vec<u8>) {
        self.files.push((name.into(), bytes));
    }

    /// Adds every file of `other`, in its order, after this set's.
    pub fn append(&mut self, mut other: OutputSet) {
        self.files.append(&mut other.files);
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|(n, _)| n.as_str())
    }

    /// Publishes the set into `dir` (see the module doc). Returns the
    /// paths written.
    pub fn publish(self, dir: &Path) -> Result<Vec<PathBuf>> {
        let (parent, name) = split(dir)?;
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create the output folder {}", dir.display()))?;
        let staging = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if let Err(e) = self.write_into(&staging) {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
        let placed = if !dir.exists() {
            fs::rename(&staging, dir)
                .with_context(|| format!("cannot move the outputs into {}", dir.display()))
        } else if only_outputs(dir, self.names()) {
            swap(
                &staging,
                dir,
                &parent.join(format!(".{name}.old-{}", std::process::id())),
            )
        } else {
            self.move_each(&staging, dir)
        };
        let _ = fs::remove_dir_all(&staging);
        placed?;
        Ok(self.files.iter().map(|(n, _)| dir.join(n)).collect())
    }

    fn write_into(&self, staging: &Path) -> Result<()> {
        fs::create_dir(staging).with_context(|| format!("cannot create {}", staging.display()))?;
        for (name, bytes) in &self.files {
            let path = staging.join(name);
            (|| -> std::io::Result<()> {
                let mut f = fs::File::create(&path)?;
                f.write_all(bytes)?;
                f.sync_all()
            })()
            .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }

    /// Into a folder that holds other files too: one rename per file.
    fn move_each(&self, staging: &Path, dir: &Path) -> Result<()> {
        for (name, _) in &self.files {
            let dest = dir.join(name);
            fs::rename(staging.join(name), &dest)
                .with_context(|| format!("cannot move {} into place", dest.display()))?;
        }
        Ok(())
    }
}

/// The folder beside which to stage, and the target's name; `.` and `..`
/// are resolved so that their staging folder has a parent.
fn split(dir: &Path) -> Result<(PathBuf, String)> {
    let dir = if dir.file_name().is_none() {
        dir.canonicalize()
            .with_context(|| format!("cannot find the output folder {}", dir.display()))?
    } else {
        dir.to_path_buf()
    };
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// Whether every entry of `dir` is a file scalesim writes (or one of the
/// new set), so that the folder may be replaced as a whole.
fn only_outputs<'a>(dir: &Path, new: impl Iterator<Item = &'a str>) -> bool {
    let new: Vec<&str> = new.collect();
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    entries.into_iter().all(|e| {
        let Ok(e) = e else { return false };
        let name = e.file_name().to_string_lossy().into_owned();
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        let chart = CHART_STEMS.iter().any(|s| {
            name.strip_prefix(s)
                .is_some_and(|rest| rest == ".png" || rest == ".svg")
        });
        is_file && (KNOWN.contains(&name.as_str()) || chart || new.contains(&name.as_str()))
    })
}

/// Replaces `dir` by `staging`, keeping `dir` if that fails.
fn swap(staging: &Path, dir: &Path, old: &Path) -> Result<()> {
    fs::rename(dir, old).with_context(|| {
        format!(
            "cannot move the previous outputs in {} aside",
            dir.display()
        )
    })?;
    if let Err(e) = fs::rename(staging, dir) {
        let _ = fs::rename(old, dir);
        return Err(e).with_context(|| format!("cannot move the outputs into {}", dir.display()));
    }
    let _ = fs::remove_dir_all(old);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(tag: &str, names: &[&str]) -> OutputSet {
        let mut s = OutputSet::default();
        for n in names {
            s.add(*n, format!("{tag} {n}").into_bytes());
        }
        s
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_new_set_replaces_the_old_one_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        set("old", &["summary.json", "timeline.png"])
            .publish(&out)
            .unwrap();
        set("new", &["summary.json", "report.md"])
            .publish(&out)
            .unwrap();
        // The old chart is gone with the old set: no mix.
        assert_eq!(listing(&out), ["report.md", "summary.json"]);
        assert_eq!(
            fs::read_to_string(out.join("summary.json")).unwrap(),
            "new summary.json"
        );
        assert_eq!(listing(tmp.path()), ["out"]);
    }

    #[test]
    fn a_folder_with_other_files_keeps_them() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        set("new", &["summary.json"]).publish(&out).unwrap();
        assert_eq!(listing(&out), ["notes.txt", "summary.json"]);
        assert_eq!(listing(tmp.path()), ["out"]);
    }

    #[test]
    fn a_failed_write_leaves_the_old_set_and_no_temporary_file() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        set("old", &["summary.json", "summary.csv"])
            .publish(&out)
            .unwrap();
        // A name that cannot be created inside the staging folder.
        let bad = set("new", &["summary.json", "no/such/dir.csv"]);
        assert!(bad.publish(&out).is_err());
        assert_eq!(listing(&out), ["summary.csv", "summary.json"]);
        assert_eq!(
            fs::read_to_string(out.join("summary.json")).unwrap(),
            "old summary.json"
        );
        assert_eq!(listing(tmp.path()), ["out"]);
    }
}
