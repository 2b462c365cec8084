//! The report's function-by-function comparison of serverless
//! architectures: with two or more of them (the same functions under
//! different keep-alive policies, memory or provisioned concurrency),
//! where each one's cold starts and idle memory-time go, as Shahrad et
//! al. (ATC'20) compare keep-alive policies per application; and, for
//! any Lambda architecture whose functions wait on I/O, how much of its
//! duration bill is that waiting.

use crate::kinds::serverless::results::{FunctionResult, ServerlessResult};
use crate::report::table::fmt_count;
use crate::results::summary::RunSummary;
use std::fmt::Write as _;

/// Functions listed one by one, busiest first; the rest are counted in
/// the sentence that compares every function.
const LISTED: usize = 10;

/// Appends the section when the run has two or more serverless
/// architectures; nothing otherwise.
pub fn section(md: &mut String, run: &RunSummary) {
    let archs: Vec<(&str, &ServerlessResult)> = run
        .architectures
        .iter()
        .filter_map(|a| a.serverless().map(|s| (a.name.as_str(), s)))
        .collect();
    if archs.len() < 2 {
        return;
    }
    let _ = writeln!(md, "## Cold starts and idle memory by function\n");
    let _ = writeln!(
        md,
        "The serverless architectures side by side: cold starts as a share of \
         invocations, and the memory held by idle warm instances (GB × s), \
         what a keep-alive policy trades against cold starts.\n"
    );
    totals(md, &archs);
    by_function(md, &archs);
    against_first(md, &archs);
}

/// One line per Lambda architecture whose functions wait on I/O: the
/// share of its billed GB-seconds that is waiting, which no memory size
/// shortens (a fleet's server does other work meanwhile). Nothing when
/// none waits.
pub fn waiting(md: &mut String, run: &RunSummary) {
    let waits: Vec<(&str, &ServerlessResult, f64)> = run
        .architectures
        .iter()
        .filter_map(|a| {
            let s = a.serverless()?;
            Some((a.name.as_str(), s, s.waiting_share()?))
        })
        .collect();
    if waits.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "Lambda bills an invocation's waits on I/O as it bills its work; no memory size shortens them:\n"
    );
    for (name, s, share) in waits {
        let (w, b) = s.lambda_gb_seconds();
        let _ = writeln!(
            md,
            "- {}: {} of the billed GB-seconds ({} of {}) were waits.",
            super::esc(name),
            crate::numbers::share(share),
            fmt_count(w.round() as u64),
            fmt_count(b.round() as u64),
        );
    }
    md.push('\n');
}

fn share(cold: u64, invocations: u64) -> String {
    if invocations == 0 {
        return "–".into();
    }
    // Two significant figures below 1 %: 349 cold starts in 10 M
    // invocations read 0.0033 %, not 0.00 %.
    crate::numbers::share(cold as f64 / invocations as f64)
}

fn totals(md: &mut String, archs: &[(&str, &ServerlessResult)]) {
    let _ = writeln!(
        md,
        "| architecture | invocations | cold starts | cold/invocations | idle GB-s |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|");
    for (name, s) in archs {
        let inv: u64 = s.functions.iter().map(|f| f.invocations).sum();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            super::esc(name),
            fmt_count(inv),
            fmt_count(s.cold_starts),
            share(s.cold_starts, inv),
            fmt_count(s.idle_gb_seconds.round() as u64),
        );
    }
    md.push('\n');
}

/// The first architecture's function of each name, for lookups.
fn find<'a>(s: &'a ServerlessResult, name: &str) -> Option<&'a FunctionResult> {
    s.functions.iter().find(|f| f.name == name)
}

fn by_function(md: &mut String, archs: &[(&str, &ServerlessResult)]) {
    let first = archs[0].1;
    let mut busiest: Vec<&FunctionResult> = first.functions.iter().collect();
    // Stable: ties keep the scenario's order.
    busiest.sort_by_key(|f| std::cmp::Reverse(f.invocations));
    let shown = busiest.len().min(LISTED);
    let what = if shown < busiest.len() {
        format!("The {shown} busiest of {} functions", busiest.len())
    } else {
        "Each function".to_string()
    };
    let _ = writeln!(
        md,
        "{what} (invocations in {}), cold starts / share of invocations / idle GB-s:\n",
        super::esc(archs[0].0)
    );
    let mut header = String::from("| function | invocations |");
    let mut rule = String::from("|---|---:|");
    for (name, _) in archs {
        let _ = write!(header, " {} |", super::esc(name));
        rule.push_str("---:|");
    }
    let _ = writeln!(md, "{header}\n{rule}");
    for f in &busiest[..shown] {
        let mut row = format!("| {} | {} |", super::esc(&f.name), fmt_count(f.invocations));
        for (_, s) in archs {
            match find(s, &f.name) {
                Some(g) => {
                    let _ = write!(
                        row,
                        " {} / {} / {} |",
                        fmt_count(g.cold_starts),
                        share(g.cold_starts, g.invocations),
                        fmt_count(g.idle_gb_seconds.round() as u64)
                    );
                }
                None => row.push_str(" – |"),
            }
        }
        let _ = writeln!(md, "{row}");
    }
    md.push('\n');
}

fn functions(n: u32) -> String {
    if n == 1 {
        "1 function".into()
    } else {
        format!("{n} functions")
    }
}

/// One sentence per other architecture: on how many functions it has
/// fewer, as many or more cold starts than the first.
fn against_first(md: &mut String, archs: &[(&str, &ServerlessResult)]) {
    let (base_name, base) = archs[0];
    for (name, s) in &archs[1..] {
        let (mut fewer, mut same, mut more) = (0u32, 0u32, 0u32);
        for f in &s.functions {
            let Some(b) = find(base, &f.name) else {
                continue;
            };
            match f.cold_starts.cmp(&b.cold_starts) {
                std::cmp::Ordering::Less => fewer += 1,
                std::cmp::Ordering::Equal => same += 1,
                std::cmp::Ordering::Greater => more += 1,
            }
        }
        let idle = s.idle_gb_seconds - base.idle_gb_seconds;
        let _ = writeln!(
            md,
            "- {} against {}: fewer cold starts on {}, as many on {}, more on {}; \
             {} GB-s {} idle memory.",
            super::esc(name),
            super::esc(base_name),
            functions(fewer),
            functions(same),
            functions(more),
            fmt_count(idle.abs().round() as u64),
            if idle <= 0.0 { "less" } else { "more" },
        );
    }
    md.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function(name: &str, invocations: u64, cold: u64, idle: f64) -> FunctionResult {
        FunctionResult {
            name: name.into(),
            invocations,
            cold_starts: cold,
            idle_gb_seconds: idle,
            ..FunctionResult::default()
        }
    }

    fn arch(fs: Vec<FunctionResult>) -> ServerlessResult {
        ServerlessResult {
            cold_starts: fs.iter().map(|f| f.cold_starts).sum(),
            idle_gb_seconds: fs.iter().map(|f| f.idle_gb_seconds).sum(),
            functions: fs,
            ..ServerlessResult::default()
        }
    }

    #[test]
    fn functions_are_counted_against_the_first_architecture() {
        let fixed = arch(vec![
            function("a", 100, 10, 50.0),
            function("b", 40, 4, 20.0),
            function("c", 900, 0, 5.0),
        ]);
        let hybrid = arch(vec![
            function("a", 100, 2, 30.0),
            function("b", 40, 6, 10.0),
            function("c", 900, 0, 5.0),
        ]);
        let archs = [("fixed", &fixed), ("hybrid", &hybrid)];
        let mut md = String::new();
        totals(&mut md, &archs);
        by_function(&mut md, &archs);
        against_first(&mut md, &archs);
        assert!(md.contains("| fixed | 1,040 | 14 | 1.35% | 75 |"), "{md}");
        assert_eq!(share(349, 10_537_475), "0.0033%");
        assert_eq!(share(25, 10_000), "0.25%");
        assert_eq!(share(0, 10), "0.00%");
        assert!(md.contains("| hybrid | 1,040 | 8 | 0.77% | 45 |"), "{md}");
        // Busiest first: c, then a, then b.
        let (c, a, b) = (md.find("| c |"), md.find("| a |"), md.find("| b |"));
        assert!(c < a && a < b, "{md}");
        assert!(
            md.contains("| a | 100 | 10 / 10.00% / 50 | 2 / 2.00% / 30 |"),
            "{md}"
        );
        assert!(
            md.contains(
                "- hybrid against fixed: fewer cold starts on 1 function, as many on 1 \
                 function, more on 1 function; 30 GB-s less idle memory."
            ),
            "{md}"
        );
    }
}
