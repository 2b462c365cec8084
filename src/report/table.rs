//! What `scalesim run` prints: the table, one row per architecture (with
//! an `slo` column when the scenario has an `[slo]`), a line for every
//! limit an architecture hit, and the conclusion of `report.md` in one
//! line.

use crate::analysis::decision::{self, Verdict};
use crate::report::charts::ChartData;
use crate::results::estimate::Estimate;
use crate::results::summary::RunSummary;
use crate::scenario::Scenario;
use std::fmt::Write as _;

/// Formats a number of milliseconds as people write it: "850 µs", "42.1 ms", "3.20 s".
pub fn fmt_ms(ms: f64) -> String {
    if ms < 1.0 {
        format!("{:.0} µs", ms * 1e3)
    } else if ms < 100.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", ms / 1e3)
    }
}

/// Formats a count with thousands separators: "6,665,031".
pub fn fmt_count(n: u64) -> String {
    crate::numbers::thousands(n)
}

/// Formats dollars: "$1,234", "$280", "$12.30", "$0.0042"
/// ([`crate::numbers::usd`]).
pub fn fmt_usd(usd: f64) -> String {
    crate::numbers::usd(usd)
}

/// Dollars with the half-width of their 95 % interval, to the same
/// precision: "$579.70 ± 0.55", "$1,153 ± 1".
pub fn fmt_usd_pm(e: Estimate) -> String {
    let h = e.half_width();
    if e.mean >= 1000.0 {
        format!("{} ± {}", fmt_usd(e.mean), fmt_count(h.round() as u64))
    } else if e.mean >= 1.0 {
        format!("${:.2} ± {h:.2}", e.mean)
    } else {
        format!("${:.4} ± {h:.4}", e.mean)
    }
}

/// `e` with its 95 % interval (`pm`) when replications gave it one, else
/// just its value (`plain`): one replication's "± 0.00" says nothing.
pub fn with_interval(e: Estimate, pm: fn(Estimate) -> String, plain: fn(f64) -> String) -> String {
    if e.half_width() > 0.0 {
        pm(e)
    } else {
        plain(e.mean)
    }
}

/// Milliseconds with the half-width of their 95 % interval, in the unit
/// of the mean: "821.7 ± 2.9 ms", "12.45 ± 0.03 s", "850 ± 12 µs".
pub fn fmt_ms_pm(e: Estimate) -> String {
    let (m, h) = (e.mean, e.half_width());
    if m < 1.0 {
        format!("{:.0} ± {:.0} µs", m * 1e3, h * 1e3)
    } else if m < 1000.0 {
        format!("{m:.1} ± {h:.1} ms")
    } else {
        format!("{:.2} ± {:.2} s", m / 1e3, h / 1e3)
    }
}

/// Decimals that show a half-width to two significant digits, within
/// `0..=max`; `none` for a half-width of zero.
fn decimals(half: f64, max: i32, none: usize) -> usize {
    if half > 0.0 && half.is_finite() {
        (1 - half.log10().floor() as i32).clamp(0, max) as usize
    } else {
        none
    }
}

/// The size of a dollar difference with its half-width: "$93 ± 4",
/// "$2.31 ± 0.40". Whole dollars once the half-width is a dollar or more.
pub fn fmt_usd_diff(e: Estimate) -> String {
    let (m, h) = (e.mean.abs(), e.half_width());
    let d = if h >= 1.0 || (h == 0.0 && m >= 100.0) {
        0
    } else if h >= 0.01 || m >= 1.0 {
        2
    } else {
        4
    };
    if d == 0 && m >= 1000.0 {
        format!(
            "${} ± {}",
            fmt_count(m.round() as u64),
            fmt_count(h.round() as u64)
        )
    } else {
        format!("${m:.d$} ± {h:.d$}")
    }
}

/// The size of a latency difference with its half-width, in the unit of
/// the larger: "105 ± 12 ms", "4.4 ± 1.3 ms", "11.74 ± 0.02 s".
pub fn fmt_ms_diff(e: Estimate) -> String {
    let (m, h) = (e.mean.abs(), e.half_width());
    if m.max(h) >= 1000.0 {
        let d = decimals(h / 1e3, 3, 2);
        format!("{:.d$} ± {:.d$} s", m / 1e3, h / 1e3)
    } else if m.max(h) < 1.0 {
        let d = decimals(h * 1e3, 1, 0);
        format!("{:.d$} ± {:.d$} µs", m * 1e3, h * 1e3)
    } else {
        let d = decimals(h, 2, 1);
        format!("{m:.d$} ± {h:.d$} ms")
    }
}

/// What `scalesim run` prints for `run` of `scenario`: the table, the
/// limits hit, then the conclusion's first paragraph, as plain text.
pub fn terminal(scenario: &Scenario, run: &RunSummary) -> String {
    let data = ChartData {
        run,
        slo: scenario.slo,
    };
    let mut out = table(&data);
    let hits = crate::report::limits::hits(scenario, run);
    if !hits.is_empty() {
        let mean = if run.replications > 1 {
            " (means over the replications; when is replication 0's)"
        } else {
            ""
        };
        let _ = writeln!(out, "\nlimits hit{mean}:");
        let window = crate::time::SimTime::from_secs_f64(run.window_s);
        for h in hits {
            let _ = writeln!(out, "  {}: {}", h.architecture, plain(&h.sentence(window)));
        }
    }
    let unlike = crate::report::markdown::like_for_like::lines(scenario, run);
    if !unlike.is_empty() {
        let _ = writeln!(out, "\nnot like for like:");
        for l in unlike {
            let _ = writeln!(out, "  {}", plain(&l));
        }
    }
    let conclusion = crate::report::conclusion(&data);
    let first = conclusion.split("\n\n").next().unwrap_or_default();
    let _ = writeln!(out, "\n{}", plain(first.trim()));
    out
}

/// Markdown's inline marks taken out: bold, code and escapes.
fn plain(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut chars = md.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '*' | '`' => {}
            c => out.push(c),
        }
    }
    out
}

/// The table: with replications, cost/month and p99 carry the half-width
/// of their 95 % interval.
pub fn render(run: &RunSummary) -> String {
    table(&ChartData { run, slo: None })
}

/// The table, with an `slo` column (meets, misses or uncertain, as
/// `report.md` decides) when `data` has an SLO.
fn table(data: &ChartData) -> String {
    let run = data.run;
    let replicated = run.replications > 1;
    let mut header = vec![
        "architecture",
        "kind",
        "servers",
        "cost/month",
        "p50",
        "p95",
        "p99",
        "errors",
        "util",
    ];
    if data.slo.is_some() {
        header.push("slo");
    }
    let rows: Vec<Vec<String>> = run
        .architectures
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut row = vec![
                a.name.clone(),
                a.kind.clone(),
                a.servers.to_string(),
                if replicated {
                    fmt_usd_pm(decision::cost_per_month(a))
                } else {
                    fmt_usd(a.cost.per_month_usd)
                },
                fmt_ms(a.latency_ms.p50),
                fmt_ms(a.latency_ms.p95),
                if replicated {
                    fmt_ms_pm(decision::slo_latency(None, a))
                } else {
                    fmt_ms(a.latency_ms.p99)
                },
                crate::numbers::share(a.error_rate),
                format!("{:.0}%", a.utilization * 100.0),
            ];
            row.extend(data.verdict(i).map(|v| {
                match v {
                    Verdict::Meets => "meets",
                    Verdict::Misses => "misses",
                    Verdict::Uncertain => "uncertain",
                }
                .to_string()
            }));
            row
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        for (i, (c, &w)) in cells.iter().zip(&widths).enumerate() {
            let pad = w - c.chars().count();
            // Names and words to the left, numbers to the right.
            if i < 2 || i == 9 {
                let _ = write!(out, "{c}{}  ", " ".repeat(pad));
            } else {
                let _ = write!(out, "{}{c}  ", " ".repeat(pad));
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    };
    line(
        &header.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
        &mut out,
    );
    for r in &rows {
        line(r, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(fmt_ms(0.25), "250 µs");
        assert_eq!(fmt_ms(42.13), "42.1 ms");
        assert_eq!(fmt_ms(250.0), "250 ms");
        assert_eq!(fmt_ms(3200.0), "3.20 s");
        assert_eq!(fmt_usd(1234.4), "$1,234");
        assert_eq!(fmt_usd(1234567.0), "$1,234,567");
        assert_eq!(fmt_usd(12.3), "$12.30");
        assert_eq!(fmt_count(6_665_031), "6,665,031");
        assert_eq!(fmt_count(999), "999");
    }

    fn e(mean: f64, half: f64) -> Estimate {
        Estimate {
            mean,
            low: mean - half,
            high: mean + half,
        }
    }

    #[test]
    fn intervals_read_in_the_unit_and_precision_of_their_mean() {
        assert_eq!(fmt_usd_pm(e(579.7, 1.2)), "$579.70 ± 1.20");
        assert_eq!(fmt_usd_pm(e(1153.26, 1.1)), "$1,153 ± 1");
        assert_eq!(fmt_ms_pm(e(821.66, 2.85)), "821.7 ± 2.9 ms");
        assert_eq!(fmt_ms_pm(e(12448.7, 30.0)), "12.45 ± 0.03 s");
        assert_eq!(fmt_ms_pm(e(0.85, 0.012)), "850 ± 12 µs");
    }

    #[test]
    fn differences_show_their_half_width_to_two_digits() {
        assert_eq!(fmt_usd_diff(e(-93.28, 4.1)), "$93 ± 4");
        assert_eq!(fmt_usd_diff(e(2.314, 0.4)), "$2.31 ± 0.40");
        assert_eq!(fmt_usd_diff(e(1354.5, 12.0)), "$1,355 ± 12");
        assert_eq!(fmt_usd_diff(e(136.02, 0.0)), "$136 ± 0");
        assert_eq!(fmt_ms_diff(e(-105.2, 12.3)), "105 ± 12 ms");
        assert_eq!(fmt_ms_diff(e(108.21, 4.36)), "108.2 ± 4.4 ms");
        assert_eq!(fmt_ms_diff(e(11735.2, 2.85)), "11.735 ± 0.003 s");
        assert_eq!(fmt_ms_diff(e(0.0, 0.0)), "0 ± 0 µs");
    }
}
