//! What the command line accepts, as clap parses it: the commands, their
//! arguments and flags, and the help text of each. README.md documents
//! the same; the help is part of the contract, so its wording stays put.

use crate::report::charts::Format;
use clap::{Parser, Subcommand, ValueEnum};
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
    Run {
        /// The scenario file (TOML).
        file: PathBuf,
        /// Output folder [default: output/NAME/, NAME being the scenario's name].
        #[arg(long, short, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Override the scenario's seed.
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Which chart files to write (report.md is always written).
        #[arg(long, value_enum, default_value_t = ChartFormats::Both, value_name = "FORMAT")]
        charts: ChartFormats,
        /// Independent replications (1 to 10000) [default: the scenario's
        /// `replications`, or 1].
        // Negative numbers are taken as the value, to be refused by name.
        #[arg(long, value_name = "N", allow_negative_numbers = true,
              value_parser = clap::value_parser!(u32).range(1..=10_000))]
        replications: Option<u32>,
        /// Run on at most N threads [default: all cores].
        #[arg(long, short, value_name = "N", allow_negative_numbers = true,
              value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// Run even when the estimate (see `check`) is past the limits
        /// (an hour of run time, 8 GB of memory).
        #[arg(long)]
        force: bool,
        /// Run only shard I of N of the units (`0/4`), or `auto`: the
        /// index and count of a Kubernetes Indexed Job's pod or a Slurm
        /// array task. Writes the partial result `shard-I-of-N.json` into
        /// the output folder instead of the outputs; `scalesim merge`
        /// puts the shards together.
        #[arg(long, value_name = "I/N|auto")]
        shard: Option<String>,
    },
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
    Sweep {
        /// The scenario file (TOML).
        file: PathBuf,
        /// A key of the scenario file and its values: a list
        /// (`architectures.fleet.servers=2,4,8`) or a range
        /// (`demand.scale=0.25..8 log 12`, `1m..10m lin 4`). Twice for a
        /// grid. Replaces the scenario's `[sweep]` table, which is used
        /// when no --vary is given.
        #[arg(long, value_name = "KEY=VALUES")]
        vary: Vec<String>,
        /// Output folder [default: output/NAME-sweep/].
        #[arg(long, short, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Override the scenario's seed.
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// Replications of every point [default: the scenario's, or 1].
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
        replications: Option<u32>,
        /// Run on at most N threads [default: all cores].
        #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Run even when the estimate of the whole sweep is past the
        /// limits (an hour of run time, 8 GB of memory).
        #[arg(long)]
        force: bool,
        /// Run only shard I of N of the units (`0/4`), or `auto`: the
        /// index and count of a Kubernetes Indexed Job's pod or a Slurm
        /// array task. Writes the partial result `shard-I-of-N.json` into
        /// the output folder instead of the outputs; `scalesim merge`
        /// puts the shards together.
        #[arg(long, value_name = "I/N|auto")]
        shard: Option<String>,
    },
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
    Plan {
        /// The scenario file (TOML), with an [slo].
        file: PathBuf,
        /// Output folder [default: output/NAME-plan/].
        #[arg(long, short, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Override the scenario's seed.
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// Replications of every candidate [default: the scenario's, or 1].
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
        replications: Option<u32>,
        /// Run on at most N threads [default: all cores].
        #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
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
