//! `scalesim plan FILE`: the cheapest configuration of each architecture
//! meeting the SLO, printed as a table and written as plan.md and
//! plan.json.

use super::args::PlanArgs;
use super::interrupt::Interrupt;
use super::progress::Progress;
use super::{EXIT_BAD_INPUT, load, only};
use crate::plan::{self, output};
use std::path::PathBuf;
use std::process::ExitCode;

/// `scalesim plan FILE`.
pub fn run(args: PlanArgs) -> ExitCode {
    let (file, sim) = (args.file.as_path(), args.sim);
    let bad = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(EXIT_BAD_INPUT)
    };
    let s = match load(file, sim.seed).and_then(|s| only(s, &sim.only)) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if s.slo.is_none() {
        return bad(format!(
            "{} has no [slo]: plan looks for the cheapest configuration that meets one",
            file.display()
        ));
    }
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => return bad(format!("cannot read {}: {e}", file.display())),
    };
    let replications = sim.replications.unwrap_or(s.replications);
    let out = sim
        .out
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-plan", s.name)));
    if !sim.quiet {
        eprintln!(
            "scalesim: plan of {} — {} architecture(s), {} replication(s) per candidate",
            s.name,
            s.architectures.len(),
            replications
        );
    }
    // No bar: the number of candidates is not known in advance.
    let progress = Progress::start(0, false);
    let interrupt = Interrupt::install(progress.bar.clone());
    let work = || plan::plan(&s, &text, file, sim.seed, replications);
    let result = match super::on_threads(sim.jobs.map(usize::from), work) {
        Ok(Ok(r)) => r,
        Ok(Err(e)) | Err(e) => return bad(e),
    };
    let table = output::table(&result);
    super::publish_and_report(
        output::output_set(&result),
        &out,
        &interrupt,
        sim.quiet,
        &table,
    )
}
