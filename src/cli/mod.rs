//! The command line: argument parsing, printing and exit codes. The only
//! module that talks to the terminal.
//!
//! Exit codes: 0 success, 1 the run failed for another reason (e.g. the
//! output folder cannot be written), 2 bad input (a bad scenario file or
//! bad arguments).

use crate::report::{self, output, table};
use crate::{architectures, limits, scenario};
use clap::Parser as _;
use std::fmt::Write as _;
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

mod args;
mod interrupt;
mod plan;
mod prices;
mod progress;
mod shard;
pub use args::ChartFormats;
use args::{Cli, Command, RunArgs, SweepArgs};
use interrupt::Interrupt;
use progress::Progress;

/// Writes to standard output; a closed pipe (`scalesim check x | head`)
/// ends the program quietly instead of with a panic.
fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(EXIT_FAILURE as i32);
    }
}

const EXIT_FAILURE: u8 = 1;
const EXIT_BAD_INPUT: u8 = 2;

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Every command prices with the bundled files: refuse to start on a
    // bad one rather than price anything with it.
    if let Err(e) = crate::pricing::catalog::validate() {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    match cli.command {
        Command::Run(args) => run(args),
        Command::Check { file } => check(&file),
        Command::Plan(args) => plan::run(args),
        Command::Prices { filter, files } => prices(filter.as_deref(), &files),
        Command::Demand { file, seed } => demand(&file, seed),
        Command::Sweep(args) => sweep(args),
        Command::Merge {
            dirs,
            out,
            status,
            quiet,
        } => shard::merge(&dirs, out, status, quiet),
    }
}

fn load(file: &std::path::Path, seed: Option<u64>) -> Result<scenario::Scenario, ExitCode> {
    scenario::load_seeded(file, seed).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(EXIT_BAD_INPUT)
    })
}

/// `scenario` with only the architectures `--only` names (all of them
/// without it); exit 2 for a name it does not have.
fn only(
    mut scenario: scenario::Scenario,
    names: &[String],
) -> Result<scenario::Scenario, ExitCode> {
    scenario.only(names).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(EXIT_BAD_INPUT)
    })?;
    Ok(scenario)
}

fn check(file: &std::path::Path) -> ExitCode {
    match load(file, None) {
        Ok(s) => {
            let mut text = s.describe();
            text += &s.estimate(s.replications).describe();
            if !s.sweep.is_empty() {
                match sweep_line(file, &s) {
                    Ok(line) => text.push_str(&line),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(EXIT_BAD_INPUT);
                    }
                }
            }
            emit(&text);
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

/// What the `[sweep]` table varies, after every point of it has been
/// validated as a scenario.
fn sweep_line(file: &std::path::Path, s: &scenario::Scenario) -> Result<String, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let grid = crate::sweep::points::points(&text, file, None, &s.sweep)?;
    let keys: Vec<String> = s
        .sweep
        .iter()
        .map(|v| {
            let (first, last) = (&v.values[0], &v.values[v.values.len() - 1]);
            format!("{} = {first} … {last} ({} values)", v.key, v.values.len())
        })
        .collect();
    let mut line = format!(
        "sweep      {} → {} points, each a valid scenario\n",
        keys.join(" × "),
        grid.len()
    );
    if let Some(e) = scenario::sweep_estimate(grid.iter().map(|p| &p.scenario), s.replications) {
        line += &format!(
            "           the whole sweep: estimated run time {} on one core, memory {} per run in flight\n",
            limits::wall(e.wall_seconds),
            limits::bytes(e.memory_bytes)
        );
    }
    Ok(line)
}

fn prices(filter: Option<&str>, files: &[PathBuf]) -> ExitCode {
    let text = match prices::listing_with(files, filter) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    if text.is_empty() {
        eprintln!(
            "scalesim: no price matches \"{}\"; `scalesim prices` lists them all",
            filter.unwrap_or_default()
        );
    }
    emit(&text);
    ExitCode::SUCCESS
}

fn demand(file: &std::path::Path, seed: Option<u64>) -> ExitCode {
    let s = match load(file, seed) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let r = crate::report::demand::demand_report(&s);
    let mut text = String::new();
    let _ = writeln!(
        text,
        "demand     {} ({} arrivals, seed {})",
        s.demand.description,
        crate::scenario::spelled(s.demand.arrivals),
        s.seed
    );
    let _ = writeln!(text, "requests   {} in {}", r.requests, s.duration);
    let _ = writeln!(
        text,
        "rate       mean {:.2} rps, p95 {:.2} rps, peak {:.2} rps (per {} window)",
        r.mean_rps, r.p95_rps, r.peak_rps, r.window
    );
    let _ = writeln!(text, "busiest    the window starting at {}", r.busiest_at);
    if s.calls.entries.len() > 1 {
        // Multi-function traces: the busiest services, most requests first.
        let mut order: Vec<usize> = (0..r.per_service.len()).collect();
        order.sort_by(|&a, &b| r.per_service[b].cmp(&r.per_service[a]).then(a.cmp(&b)));
        let shown = order.len().min(10);
        let _ = writeln!(
            text,
            "services   {} entry services; the {shown} busiest:",
            order.len()
        );
        for &i in &order[..shown] {
            let _ = writeln!(
                text,
                "  {:<12}  {}  ({:.1}%)",
                s.services[i].name,
                r.per_service[i],
                100.0 * r.per_service[i] as f64 / r.requests.max(1) as f64
            );
        }
    }
    emit(&text);
    ExitCode::SUCCESS
}

/// `scalesim run FILE`: every architecture simulated and the outputs
/// published, or with `--shard` one shard's partial result written.
fn run(args: RunArgs) -> ExitCode {
    let shard = match shard::parse(&args.sharding) {
        Ok(shard) => shard,
        Err(code) => return code,
    };
    let (file, seed, quiet, charts) = (args.file.as_path(), args.seed, args.quiet, args.charts);
    let jobs = args.jobs.map(usize::from);
    // The seed is applied before validation: bursty demand and noise are
    // drawn when the scenario is resolved.
    let scenario = match load(file, seed).and_then(|s| only(s, &args.only)) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let options = architectures::RunOptions {
        replications: args.replications.unwrap_or(scenario.replications),
        jobs,
    };
    let mut estimate = scenario.estimate(options.replications);
    // A shard runs its share of the units.
    estimate.wall_seconds /= f64::from(shard.map_or(1, |s| s.count));
    if let Some(code) = refused(file, &estimate, args.force, quiet) {
        return code;
    }
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("output").join(&scenario.name));
    if !quiet {
        eprintln!(
            "scalesim: {} — {} simulated, {} architecture(s), seed {}",
            scenario.name,
            scenario.duration,
            scenario.architectures.len(),
            scenario.seed
        );
        for line in scenario.sizing_notes() {
            eprintln!("  {line}");
        }
    }
    if !quiet && options.replications > 1 {
        eprintln!(
            "  {} replications (independent seeds), 95% intervals by Student's t",
            options.replications
        );
    }
    if let Some(shard) = shard {
        let input = shard::input(
            "run",
            file,
            seed,
            options.replications,
            &[],
            Some(charts),
            &args.only,
        );
        let scenarios = [&scenario];
        return shard::run_shard(input, &scenarios, shard, &out, jobs, quiet);
    }
    let units = u64::from(options.replications) * scenario.architectures.len() as u64;
    let progress = Progress::start(units, !quiet && std::io::stderr().is_terminal());
    let interrupt = Interrupt::install(progress.bar.clone());
    let summary = architectures::run_with(&scenario, &options, &|| progress.unit_done());
    progress.finish();
    publish_run(&scenario, summary, &out, charts, quiet, &interrupt, jobs)
}

/// Adds the comparisons to a run's summary, publishes its outputs into
/// `out` and prints its table (unless `quiet`).
fn publish_run(
    scenario: &scenario::Scenario,
    mut summary: crate::results::summary::RunSummary,
    out: &std::path::Path,
    charts: ChartFormats,
    quiet: bool,
    interrupt: &Interrupt,
    jobs: Option<usize>,
) -> ExitCode {
    crate::analysis::decision::add_comparisons(&mut summary, scenario.slo.as_ref());
    // The charts are drawn in parallel, on the threads --jobs allows, and
    // beside them the data files (a long run's time series takes as long
    // as a chart); the set keeps the data files first.
    let drawn_beside_data = || {
        let (data, drawn) = rayon::join(
            || output::outputs(&summary),
            || {
                let mut drawn = output::OutputSet::default();
                report::add_outputs(&mut drawn, scenario, &summary, charts.formats())
                    .map(|()| drawn)
            },
        );
        let mut set = data?;
        set.append(drawn?);
        anyhow::Ok(set)
    };
    let written = output::check_finite(&summary)
        .and_then(|()| on_threads(jobs, drawn_beside_data).map_err(anyhow::Error::msg)?)
        .and_then(|set| {
            // From here on Ctrl-C waits for the files to be in place.
            interrupt.begin_publishing();
            set.publish(out)
        });
    if let Some(signal) = interrupt.end_publishing() {
        match &written {
            Ok(_) => eprintln!(
                "scalesim: {}; the outputs in {} were being written and are complete",
                signal.word(),
                out.display()
            ),
            Err(e) => eprintln!("scalesim: {}; error: {e:#}", signal.word()),
        }
        return ExitCode::from(signal.exit_code());
    }
    report_published(written, quiet, || table::terminal(scenario, &summary))
}

/// `scalesim sweep FILE`: every point of the grid simulated and the
/// sweep's files published, or with `--shard` one shard's partial result
/// written.
fn sweep(args: SweepArgs) -> ExitCode {
    use crate::sweep::run as sweep_run;
    let shard = match shard::parse(&args.sharding) {
        Ok(shard) => shard,
        Err(code) => return code,
    };
    let (file, sim) = (args.file.as_path(), args.sim);
    let (seed, quiet, jobs) = (sim.seed, sim.quiet, sim.jobs.map(usize::from));
    let bad = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(EXIT_BAD_INPUT)
    };
    // The file alone must be a valid scenario before any value goes in.
    let base = match load(file, seed).and_then(|s| only(s, &sim.only)) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => return bad(format!("cannot read {}: {e}", file.display())),
    };
    let (vary, grid) = match sweep_grid(&base, &text, file, seed, &args.vary, &sim.only) {
        Ok(g) => g,
        Err(e) => return bad(e),
    };
    let replications = sim.replications.unwrap_or(base.replications);
    let estimate = scenario::sweep_estimate(grid.iter().map(|p| &p.scenario), replications);
    if let Some(code) = estimate.and_then(|e| refused(file, &e, args.force, quiet)) {
        return code;
    }
    let out = sim
        .out
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-sweep", base.name)));
    if !quiet {
        eprintln!(
            "scalesim: sweep of {} — {} point(s) × {} replication(s) × {} architecture(s)",
            base.name,
            grid.len(),
            replications,
            base.architectures.len()
        );
    }
    if let Some(shard) = shard {
        let input = shard::input(
            "sweep",
            file,
            seed,
            replications,
            &args.vary,
            None,
            &sim.only,
        );
        let scenarios = sweep_run::scenarios(&grid);
        return shard::run_shard(input, &scenarios, shard, &out, jobs, quiet);
    }
    let units = grid.len() as u64 * u64::from(replications) * base.architectures.len() as u64;
    let progress = Progress::start(units, !quiet && std::io::stderr().is_terminal());
    let interrupt = Interrupt::install(progress.bar.clone());
    let work = || sweep_run::run(&grid, &vary, replications, &|| progress.unit_done());
    let result = match on_threads(jobs, work) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    progress.finish();
    publish_sweep(&result, &vary, &out, &interrupt, quiet)
}

/// The varied keys (`--vary`, or else the file's `[sweep]`) and every
/// point of the grid, validated.
fn sweep_grid(
    base: &scenario::Scenario,
    text: &str,
    file: &std::path::Path,
    seed: Option<u64>,
    vary_args: &[String],
    only: &[String],
) -> Result<(Vec<scenario::sweep::Vary>, Vec<crate::sweep::points::Point>), String> {
    use crate::scenario::sweep::{MAX_KEYS, Vary};
    let vary: Vec<Vary> = vary_args
        .iter()
        .map(|v| Vary::parse(v))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("--vary {e}"))?;
    let vary = if vary.is_empty() {
        base.sweep.clone()
    } else {
        vary
    };
    if vary.is_empty() {
        return Err(format!(
            "nothing to vary: give --vary KEY=VALUES, or a [sweep] table in {}",
            file.display()
        ));
    }
    if vary.len() > MAX_KEYS {
        return Err(format!(
            "a sweep varies at most {MAX_KEYS} keys (a grid), found {}",
            vary.len()
        ));
    }
    let mut grid = crate::sweep::points::points(text, file, seed, &vary)?;
    for p in &mut grid {
        p.scenario.only(only)?;
    }
    Ok((vary, grid))
}

/// Publishes a sweep's files into `out` and prints its crossovers
/// (unless `quiet`).
fn publish_sweep(
    result: &crate::sweep::run::SweepResult,
    vary: &[scenario::sweep::Vary],
    out: &std::path::Path,
    interrupt: &Interrupt,
    quiet: bool,
) -> ExitCode {
    use crate::sweep::output as sweep_output;
    let unit = crate::sweep::figure::unit_of(&vary[0]);
    let md = sweep_output::sweep_md(result, unit);
    let crossings = md.split("## Every point").next().unwrap_or_default();
    publish_and_report(
        sweep_output::output_set(result, unit),
        out,
        interrupt,
        quiet,
        crossings,
    )
}

/// Exit code 2 with the reason when `estimate` is past the limits and
/// `force` is not given; with `force`, the reason as a note.
fn refused(
    file: &std::path::Path,
    estimate: &scenario::Estimate,
    force: bool,
    quiet: bool,
) -> Option<ExitCode> {
    let why = estimate.refusal()?;
    if !force {
        eprintln!("error: {}: {why}", file.display());
        return Some(ExitCode::from(EXIT_BAD_INPUT));
    }
    if !quiet {
        eprintln!("scalesim: --force: {why}");
    }
    None
}

/// Runs `work` on `jobs` threads, or on rayon's global pool (all cores).
fn on_threads<T: Send>(jobs: Option<usize>, work: impl FnOnce() -> T + Send) -> Result<T, String> {
    match jobs {
        Some(j) => match rayon::ThreadPoolBuilder::new().num_threads(j).build() {
            Ok(pool) => Ok(pool.install(work)),
            Err(e) => Err(format!("cannot start {j} threads: {e}")),
        },
        None => Ok(work()),
    }
}

/// Publishes `set` into `out` (an interrupt during it waits for the set
/// to be whole or gone), then prints `summary` and the files written
/// unless `quiet`.
fn publish_and_report(
    set: anyhow::Result<output::OutputSet>,
    out: &std::path::Path,
    interrupt: &Interrupt,
    quiet: bool,
    summary: &str,
) -> ExitCode {
    let written = set.and_then(|set| {
        interrupt.begin_publishing();
        set.publish(out)
    });
    if let Some(signal) = interrupt.end_publishing() {
        eprintln!("scalesim: {}", signal.word());
        return ExitCode::from(signal.exit_code());
    }
    report_published(written, quiet, || summary)
}

/// How publishing ended, on the terminal: unless `quiet`, the command's
/// summary (drawn up only then, from outputs known to be written) and
/// the files written; or the error, with exit code 1.
fn report_published<S: AsRef<str>>(
    written: anyhow::Result<Vec<PathBuf>>,
    quiet: bool,
    summary: impl FnOnce() -> S,
) -> ExitCode {
    match written {
        Ok(paths) => {
            if !quiet {
                emit(summary().as_ref());
                for p in paths {
                    eprintln!("wrote {}", p.display());
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}
