//! The table `scalesim run` prints: one row per architecture.

use crate::results::summary::RunSummary;
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
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Formats dollars: "$1,234", "$12.30", "$0.0042".
pub fn fmt_usd(usd: f64) -> String {
    if usd >= 1000.0 {
        format!("${}", fmt_count(usd.round() as u64))
    } else if usd >= 1.0 {
        format!("${usd:.2}")
    } else {
        format!("${usd:.4}")
    }
}

pub fn render(run: &RunSummary) -> String {
    let header = [
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
    let rows: Vec<[String; 9]> = run
        .architectures
        .iter()
        .map(|a| {
            [
                a.name.clone(),
                a.kind.clone(),
                a.servers.to_string(),
                fmt_usd(a.cost.per_month_usd),
                fmt_ms(a.latency_ms.p50),
                fmt_ms(a.latency_ms.p95),
                fmt_ms(a.latency_ms.p99),
                format!("{:.2}%", a.error_rate * 100.0),
                format!("{:.0}%", a.utilization * 100.0),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w - c.chars().count();
            if i < 2 {
                let _ = write!(out, "{c}{}  ", " ".repeat(pad));
            } else {
                let _ = write!(out, "{}{c}  ", " ".repeat(pad));
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    };
    line(&header.map(String::from), &mut out);
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
}
