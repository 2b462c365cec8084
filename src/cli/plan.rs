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
    // No bar: the number of candidates is not known in advance. A line
    // per candidate instead, terminal or not (a CI log, `tee`), so that a
    // plan of many minutes shows where it is.
    let progress = Progress::start(0, false);
    let interrupt = Interrupt::install(progress.bar.clone());
    let started = std::time::Instant::now();
    let budget = s.plan.budget;
    let percentile = s.slo.map(|o| o.percentile.to_string()).unwrap_or_default();
    let tell = |architecture: &str, c: &crate::plan::evaluate::Candidate, runs: u32| {
        eprintln!(
            "{}",
            candidate_line(
                architecture,
                c,
                &percentile,
                runs,
                budget,
                started.elapsed()
            )
        );
    };
    let on_candidate: Option<&plan::evaluate::OnCandidate<'_>> = (!sim.quiet).then_some(&tell);
    let work = || plan::plan_telling(&s, &text, file, sim.seed, replications, on_candidate);
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

/// One candidate as the plan's progress shows it: when, which, and what
/// it gave.
fn candidate_line(
    architecture: &str,
    c: &crate::plan::evaluate::Candidate,
    percentile: &str,
    runs: u32,
    budget: u32,
    elapsed: std::time::Duration,
) -> String {
    format!(
        "  [{:>7.1} s] {architecture}: {} → {}, {}/month, {percentile} {} (simulation {runs} of at most {budget})",
        elapsed.as_secs_f64(),
        if c.config.is_empty() {
            "as written".to_string()
        } else {
            c.config.join(", ")
        },
        c.slo,
        crate::numbers::usd(c.cost_per_month_usd.mean),
        crate::report::table::fmt_ms(c.latency_ms.mean),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::evaluate::Candidate;
    use crate::results::estimate::Estimate;

    #[test]
    fn a_candidate_line_says_which_what_and_when() {
        let e = |mean| Estimate {
            mean,
            low: mean,
            high: mean,
        };
        let c = Candidate {
            config: vec!["min = 4".into(), "policy.target = 0.6".into()],
            cost_per_month_usd: e(1179.4),
            latency_ms: e(212.0),
            error_rate: e(0.0),
            replications: 3,
            slo: "meets",
            meets: true,
            series: (Vec::new(), Vec::new()),
            waiting_share: None,
        };
        let line = candidate_line(
            "asg",
            &c,
            "p99",
            7,
            40,
            std::time::Duration::from_millis(12_340),
        );
        assert_eq!(
            line,
            "  [   12.3 s] asg: min = 4, policy.target = 0.6 → meets, $1,179/month, p99 212 ms (simulation 7 of at most 40)"
        );
    }
}
