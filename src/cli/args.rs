//! What the command line accepts, as clap parses it: the commands, their
//! arguments and flags, and the help text of each. README.md documents
//! the same; the help is part of the contract, so its wording stays put.
//!
//! The flags several commands share are defined once, in [`Simulation`]
//! (`sweep` and `plan`) and [`Sharding`] (`run` and `sweep`), and
//! flattened into each command's arguments. Where the commands word a
//! shared flag differently (the default output folder, what is
//! replicated), the command fills in its own words ([`Simulation::help`]).

use crate::report::charts::Format;
use clap::{Arg, Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Compares the cost and latency of architectures against one demand curve.
#[derive(Parser, Debug)]
#[command(name = "scalesim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate every architecture of a scenario; print a table and write
    /// summary.json, summary.csv, timeseries.csv, the charts and report.md.
    Run(RunArgs),
    /// Validate a scenario and print it resolved (fleet sizes, units)
    /// without running it.
    Check {
        /// The scenario file (TOML).
        file: PathBuf,
    },
    /// Run a scenario over a grid of values of one or two keys and find
    /// where the cheapest architecture meeting the SLO changes; write
    /// sweep.csv, sweep.json, sweep.md and the break-even and latency
    /// charts.
    Sweep(SweepArgs),
    /// Put the partial results of a sharded `run` or `sweep` together:
    /// writes exactly the outputs the unsharded command would have.
    Merge {
        /// Folders holding the partial results (shard-I-of-N.json).
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Output folder [default: the first DIR].
        #[arg(long, short, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Only list which shards are done and which are missing (exit
        /// code 1 while any is missing).
        #[arg(long)]
        status: bool,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Find the cheapest configuration of each architecture that meets the
    /// scenario's SLO with confidence; write plan.md and plan.json.
    Plan(PlanArgs),
    /// List the bundled prices (instances, commitments, Lambda, gateways)
    /// with their region, source and date, after those of any `--file`.
    Prices {
        /// Show only the prices whose kind, item or region contains this
        /// text (any case), e.g.
        /// `m5`, `arm64`, `savings-plan`.
        filter: Option<String>,
        /// A price file of your own (the format of `assets/prices/`), checked
        /// and listed before the bundled prices; repeat for several.
        #[arg(long = "file", value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Print the demand of a scenario without simulating it: total
    /// requests, mean / p95 / peak rate per window, the busiest window.
    Demand {
        /// The scenario file (TOML).
        file: PathBuf,
        /// Override the scenario's seed.
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
    },
}

// The doc comments of the argument structs below are for the code's
// reader: clap describes each command by its variant's doc above, which
// it applies last.

/// `scalesim run`. It has the flags of [`Simulation`], but in another
/// order and taking a negative count as the value (refused by name, where
/// `sweep` and `plan` report an unexpected argument): its help and
/// messages being the contract, it keeps its own.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub file: PathBuf,
    /// Output folder [default: output/NAME/, NAME being the scenario's name].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override the scenario's seed.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Which chart files to write (report.md is always written).
    #[arg(long, value_enum, default_value_t = ChartFormats::Both, value_name = "FORMAT")]
    pub charts: ChartFormats,
    /// Independent replications (1 to 10000) [default: the scenario's
    /// `replications`, or 1].
    // Negative numbers are taken as the value, to be refused by name.
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub replications: Option<u32>,
    /// Run on at most N threads [default: all cores].
    #[arg(long, short, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Run even when the estimate (see `check`) is past the limits
    /// (an hour of run time, 8 GB of memory).
    #[arg(long)]
    pub force: bool,
    /// Run and report only these architectures, in this order
    /// (comma-separated names), as `[report] architectures` does.
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub only: Vec<String>,
    #[command(flatten)]
    pub sharding: Sharding,
}

/// `scalesim sweep`.
#[derive(Args, Debug)]
#[command(mut_args(Simulation::help("output/NAME-sweep/", "point")))]
pub struct SweepArgs {
    /// The scenario file (TOML).
    pub file: PathBuf,
    /// A key of the scenario file and its values: a list
    /// (`architectures.fleet.servers=2,4,8`) or a range
    /// (`demand.scale=0.25..8 log 12`, `1m..10m lin 4`). Twice for a
    /// grid. Replaces the scenario's `[sweep]` table, which is used
    /// when no --vary is given.
    #[arg(long, value_name = "KEY=VALUES")]
    pub vary: Vec<String>,
    #[command(flatten)]
    pub sim: Simulation,
    /// Run even when the estimate of the whole sweep is past the
    /// limits (an hour of run time, 8 GB of memory).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub sharding: Sharding,
}

/// `scalesim plan`.
#[derive(Args, Debug)]
#[command(mut_args(Simulation::help("output/NAME-plan/", "candidate")))]
pub struct PlanArgs {
    /// The scenario file (TOML), with an [slo].
    pub file: PathBuf,
    #[command(flatten)]
    pub sim: Simulation,
}

/// How `sweep` and `plan` simulate a scenario many times over (a sweep's
/// points, a plan's candidates) and where they write. The help of `--out`
/// and `--replications` names the command's default folder and what it
/// replicates: the command that flattens this gives its words to [`help`].
///
/// [`help`]: Simulation::help
#[derive(Args, Debug)]
pub struct Simulation {
    // Its help: `Simulation::help`, in the command's words.
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override the scenario's seed.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    // Its help: `Simulation::help`, in the command's words.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub replications: Option<u32>,
    /// Run on at most N threads [default: all cores].
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Run and report only these architectures, in this order
    /// (comma-separated names), as `[report] architectures` does.
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub only: Vec<String>,
}

impl Simulation {
    /// Completes the help of a command's flags with that of `--out` (the
    /// command's default `folder`) and `--replications` (of every
    /// `unit`), for `#[command(mut_args(…))]`.
    fn help(folder: &'static str, unit: &'static str) -> impl FnMut(Arg) -> Arg {
        // An argument's id is its field's name.
        move |arg| match arg.get_id().as_str() {
            "out" => arg.help(format!("Output folder [default: {folder}]")),
            "replications" => arg.help(format!(
                "Replications of every {unit} [default: the scenario's, or 1]"
            )),
            _ => arg,
        }
    }
}

/// `--shard`, on the commands whose units can be spread over processes
/// (`run` and `sweep`).
#[derive(Args, Debug)]
pub struct Sharding {
    /// Run only shard I of N of the units (`0/4`), or `auto`: the
    /// index and count of a Kubernetes Indexed Job's pod or a Slurm
    /// array task. Writes the partial result `shard-I-of-N.json` into
    /// the output folder instead of the outputs; `scalesim merge`
    /// puts the shards together.
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
}

/// The chart formats `--charts` selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ChartFormats {
    Png,
    Svg,
    Both,
    None,
}

impl ChartFormats {
    pub fn formats(self) -> &'static [Format] {
        match self {
            ChartFormats::Png => &[Format::Png],
            ChartFormats::Svg => &[Format::Svg],
            ChartFormats::Both => &[Format::Png, Format::Svg],
            ChartFormats::None => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    /// Shared flags get part of their help from the command that flattens
    /// them ([`Simulation::help`]): a flag renamed there, or a command
    /// that forgets its words, would lose its help without this.
    #[test]
    fn the_grammar_holds_together_and_every_argument_has_help() {
        Cli::command().debug_assert();
        for command in Cli::command().get_subcommands() {
            for arg in command.get_arguments() {
                assert!(
                    arg.get_help().is_some(),
                    "`scalesim {}`: {} has no help",
                    command.get_name(),
                    arg.get_id()
                );
            }
        }
    }
}
