//! `--shard` on `run` and `sweep`, and `scalesim merge`: running one
//! shard's units into a partial result, and putting the partials back
//! together through the same publishing as the unsharded commands.

use super::args::Sharding;
use super::interrupt::Interrupt;
use super::progress::Progress;
use super::{ChartFormats, EXIT_BAD_INPUT, EXIT_FAILURE, on_threads};
use crate::architectures::{Units, run_units};
use crate::scenario::{self, Scenario};
use crate::shard::Shard;
use crate::shard::merge::{self, Batch};
use crate::shard::partial::{Input, Partial, scenario_hash};
use clap::ValueEnum as _;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

fn bad(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_BAD_INPUT)
}

/// `--shard`, read before anything runs; `auto` from this process's
/// environment.
pub(super) fn parse(flag: &Sharding) -> Result<Option<Shard>, ExitCode> {
    flag.shard
        .as_deref()
        .map(|t| Shard::parse(t, |k| std::env::var(k).ok()))
        .transpose()
        .map_err(bad)
}

/// What a shard records of its command line, for `merge` to check and
/// run again. Reads the scenario file's text (it was just loaded).
pub(super) fn input(
    command: &str,
    file: &Path,
    seed: Option<u64>,
    replications: u32,
    vary: &[String],
    charts: Option<ChartFormats>,
    only: &[String],
) -> Input {
    Input {
        command: command.into(),
        file: file.to_path_buf(),
        text: std::fs::read_to_string(file).unwrap_or_default(),
        seed,
        replications,
        vary: vary.to_vec(),
        charts: charts
            .and_then(|c| c.to_possible_value())
            .map(|v| v.get_name().to_string()),
        only: only.to_vec(),
    }
}

/// Runs `shard`'s units of the batch `scenarios` and writes its partial
/// result into `out`.
pub(super) fn run_shard(
    input: Input,
    scenarios: &[&Scenario],
    shard: Shard,
    out: &Path,
    jobs: Option<usize>,
    quiet: bool,
) -> ExitCode {
    let units = Units::new(scenarios, input.replications);
    let mine = shard.units(units.len());
    let hash = scenario_hash(&input.command, input.replications, scenarios);
    if !quiet {
        eprintln!(
            "scalesim: shard {shard}: {} of the {} units (those with number mod {} = {}), \
             scenario {hash}",
            mine.len(),
            units.len(),
            shard.count,
            shard.index
        );
    }
    let terminal = std::io::stderr().is_terminal();
    let progress = Progress::start(mine.len() as u64, !quiet && terminal);
    let lines = Lines::new(shard, mine.len() as u64, !quiet && !terminal);
    let interrupt = Interrupt::install(progress.bar.clone());
    let work = || {
        run_units(scenarios, &units, &mine, &|| {
            progress.unit_done();
            lines.unit_done();
        })
    };
    let done = match on_threads(jobs, work) {
        Ok(d) => d,
        Err(e) => return bad(e),
    };
    progress.finish();
    let partial = Partial::new(input, hash, shard, &units, done);
    interrupt.begin_publishing();
    let written = partial.write_into(out);
    if let Some(signal) = interrupt.end_publishing() {
        eprintln!("scalesim: {}", signal.word());
        return ExitCode::from(signal.exit_code());
    }
    match written {
        Ok(path) => {
            if !quiet {
                eprintln!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// A shard's progress as plain lines on standard error, for cluster logs
/// (no terminal, so no bar): one line per tenth of the units.
struct Lines {
    shard: Shard,
    total: u64,
    done: AtomicU64,
    start: Instant,
    on: bool,
}

impl Lines {
    fn new(shard: Shard, total: u64, on: bool) -> Lines {
        Lines {
            shard,
            total,
            done: AtomicU64::new(0),
            start: Instant::now(),
            on,
        }
    }

    fn unit_done(&self) {
        let d = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let tenth = |n: u64| n * 10 / self.total.max(1);
        if !self.on || tenth(d) == tenth(d - 1) {
            return;
        }
        let secs = self.start.elapsed().as_secs_f64();
        let eta = secs / d as f64 * (self.total - d) as f64;
        eprintln!(
            "scalesim: shard {}: {d}/{} units ({}%), {secs:.0} s elapsed, ETA {eta:.0} s",
            self.shard,
            self.total,
            d * 100 / self.total.max(1)
        );
    }
}

/// `scalesim merge DIR... [--out DIR] [--status]`.
pub(super) fn merge(dirs: &[PathBuf], out: Option<PathBuf>, status: bool, quiet: bool) -> ExitCode {
    let found = match merge::find(dirs) {
        Ok(f) => f,
        Err(e) => return bad(e),
    };
    let batch = match Batch::read(&found, status) {
        Ok(b) => b,
        Err(e) => return bad(e),
    };
    if status {
        return print_status(&batch);
    }
    let input = batch.input().clone();
    let out = out.unwrap_or_else(|| dirs[0].clone());
    let bad_input = |e: String| bad(format!("the shards' input ({}): {e}", input.file.display()));
    let base = match scenario::parse_seeded(&input.text, &input.file, input.seed)
        .map_err(|e| e.to_string())
        .and_then(|mut s| s.only(&input.only).map(|()| s))
    {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    let interrupt = Interrupt::install(indicatif::ProgressBar::hidden());
    match input.command.as_str() {
        "run" => {
            let charts = input
                .charts
                .as_deref()
                .and_then(|c| ChartFormats::from_str(c, false).ok())
                .unwrap_or(ChartFormats::Both);
            let scenarios = [&base];
            let summary = match assemble(batch, &input, &scenarios) {
                Ok(mut runs) => runs.pop().expect("one scenario"),
                Err(e) => return bad(e),
            };
            super::publish_run(&base, summary, &out, charts, quiet, &interrupt, None)
        }
        "sweep" => {
            let (vary, grid) = match super::sweep_grid(
                &base,
                &input.text,
                &input.file,
                input.seed,
                &input.vary,
                &input.only,
            ) {
                Ok(g) => g,
                Err(e) => return bad_input(e),
            };
            let scenarios = crate::sweep::run::scenarios(&grid);
            let runs = match assemble(batch, &input, &scenarios) {
                Ok(runs) => runs,
                Err(e) => return bad(e),
            };
            let result = crate::sweep::run::tabulate(&grid, &vary, input.replications, runs);
            super::publish_sweep(&result, &vary, &out, &interrupt, quiet)
        }
        other => bad(format!(
            "the shards ran `{other}`, which merge does not know"
        )),
    }
}

/// Every point's summary from the batch's partials.
fn assemble(
    batch: Batch,
    input: &Input,
    scenarios: &[&Scenario],
) -> Result<Vec<crate::results::summary::RunSummary>, String> {
    let units = Units::new(scenarios, input.replications);
    let hash = scenario_hash(&input.command, input.replications, scenarios);
    let results = batch.unit_results(scenarios, &units, &hash)?;
    Ok(results.assemble(scenarios, &units))
}

/// `merge --status`: which shards are done; exit 1 while any is missing.
fn print_status(batch: &Batch) -> ExitCode {
    let input = batch.input();
    let done: Vec<String> = batch
        .partials
        .iter()
        .map(|(_, p)| p.shard.index.to_string())
        .collect();
    let missing: Vec<String> = batch.missing().iter().map(|i| i.to_string()).collect();
    let units: usize = batch.partials.iter().map(|(_, p)| p.results.len()).sum();
    let total = batch.partials[0].1.units;
    let mut text = format!(
        "{} of {}: {} shard(s), {units} of {total} units done\n",
        input.command,
        input.file.display(),
        batch.count
    );
    text += &format!("  done     {}\n", done.join(" "));
    if missing.is_empty() {
        text += "  missing  none: ready to merge\n";
    } else {
        text += &format!("  missing  {}\n", missing.join(" "));
    }
    super::emit(&text);
    if missing.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILURE)
    }
}
