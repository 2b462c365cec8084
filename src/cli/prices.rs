//! `scalesim prices [FILTER]`: what the bundled price files know, one price
//! a line with its region, source and date.

use crate::numbers;
use crate::pricing::catalog::{self};

use crate::pricing::entries::Platform;
use crate::pricing::price_files::Catalog;
use std::fmt::Write as _;

/// One printed price.
struct Row {
    what: &'static str,
    item: String,
    region: String,
    price: String,
    unit: String,
    date: String,
    source: String,
}

fn rows(c: &Catalog) -> Vec<Row> {
    let mut rows = Vec::new();
    for i in &c.instances {
        rows.push(Row {
            what: "instance",
            item: format!(
                "{} ({} vCPU, {} GiB)",
                i.name,
                i.vcpus,
                i.memory_mb / 1024.0
            ),
            region: i.region.clone(),
            price: numbers::price(i.price_per_hour),
            unit: "server-hour".into(),
            date: i.date.clone(),
            source: i.source.clone(),
        });
    }
    for cm in &c.commitments {
        rows.push(Row {
            what: "commitment",
            item: match cm.platform {
                Platform::Ec2 => format!("{}, upfront = {}", cm.name, cm.upfront.name()),
                Platform::Fargate => {
                    format!("{}, upfront = {} (Fargate)", cm.name, cm.upfront.name())
                }
                Platform::Lambda => {
                    format!("{}, upfront = {} (Lambda)", cm.name, cm.upfront.name())
                }
            },
            region: String::new(),
            price: format!("{}% off on-demand", round(cm.discount * 100.0)),
            unit: String::new(),
            date: cm.date.clone(),
            source: cm.source.clone(),
        });
    }
    for l in &c.lambda {
        let cpu = format!("{:?}", l.cpu);
        for (line, price, unit) in [
            ("duration", l.gb_second, "GB-second"),
            ("invocations", l.request_per_million, "million requests"),
            ("provisioned", l.provisioned_gb_second, "GB-second"),
            (
                "provisioned duration",
                l.provisioned_execution_gb_second,
                "GB-second",
            ),
        ] {
            rows.push(Row {
                what: "lambda",
                item: format!("{line} ({cpu})"),
                region: l.region.clone(),
                price: numbers::price(price),
                unit: unit.into(),
                date: l.date.clone(),
                source: l.source.clone(),
            });
        }
    }
    for t in &c.lambda_tiers {
        rows.push(Row {
            what: "lambda",
            item: format!(
                "duration above {} B GB-s a month ({:?})",
                t.above_gb_seconds / 1e9,
                t.cpu
            ),
            region: t.region.clone(),
            price: numbers::price(t.gb_second),
            unit: "GB-second".into(),
            date: t.date.clone(),
            source: t.source.clone(),
        });
    }
    for f in &c.fargate {
        for (line, price, unit) in [
            ("vCPU", f.vcpu_hour, "vCPU-hour"),
            ("memory", f.gb_hour, "GB-hour"),
        ] {
            rows.push(Row {
                what: "fargate",
                item: format!("{line} ({:?})", f.cpu),
                region: f.region.clone(),
                price: numbers::price(price),
                unit: unit.into(),
                date: f.date.clone(),
                source: f.source.clone(),
            });
        }
    }
    for r in &c.cloud_run {
        for (line, price, unit) in [
            ("vCPU", r.vcpu_second, "vCPU-second"),
            ("memory", r.gib_second, "GiB-second"),
            ("requests", r.request_per_million, "million requests"),
        ] {
            rows.push(Row {
                what: "cloud-run",
                item: format!("{line} ({:?} billing)", r.billing),
                region: r.region.clone(),
                price: numbers::price(price),
                unit: unit.into(),
                date: r.date.clone(),
                source: r.source.clone(),
            });
        }
    }
    for m in &c.lambda_managed {
        for (item, price, unit) in [
            (
                "Managed Instances management fee".to_string(),
                format!("{}% of EC2 on-demand", round(m.management_fee * 100.0)),
                String::new(),
            ),
            (
                "Managed Instances requests".to_string(),
                numbers::price(m.request_per_million),
                "million requests".to_string(),
            ),
        ] {
            rows.push(Row {
                what: "lambda",
                item,
                region: m.region.clone(),
                price,
                unit,
                date: m.date.clone(),
                source: m.source.clone(),
            });
        }
    }
    for g in &c.gateways {
        rows.push(Row {
            what: "gateway",
            item: format!("API gateway ({:?})", g.kind),
            region: g.region.clone(),
            price: numbers::price(g.per_million),
            unit: "million requests".into(),
            date: g.date.clone(),
            source: g.source.clone(),
        });
    }
    for e in &c.egress {
        rows.push(Row {
            what: "egress",
            item: "internet egress".into(),
            region: e.region.clone(),
            price: numbers::price(e.per_gb),
            unit: "GB (2^30 bytes)".into(),
            date: e.date.clone(),
            source: e.source.clone(),
        });
    }
    for n in &c.nat_gateways {
        for (line, price, unit) in [
            ("hours", n.per_hour, "gateway-hour"),
            ("data processed", n.per_gb, "GB (2^30 bytes)"),
        ] {
            rows.push(Row {
                what: "nat",
                item: format!("NAT gateway {line}"),
                region: n.region.clone(),
                price: numbers::price(price),
                unit: unit.into(),
                date: n.date.clone(),
                source: n.source.clone(),
            });
        }
    }
    rows
}

/// Rounds a percentage for display (the files hold three decimals of a
/// fraction, so one decimal of a percentage shows them all).
fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The listing, restricted to the lines whose kind, item or region
/// contains `filter` (any case).
pub fn listing(c: &Catalog, filter: Option<&str>) -> String {
    let needle = filter.map(str::to_lowercase);
    let cells = |r: &Row| {
        [
            r.what.to_string(),
            r.item.clone(),
            r.region.clone(),
            if r.unit.is_empty() {
                r.price.clone()
            } else {
                format!("{} per {}", r.price, r.unit)
            },
            r.date.clone(),
            r.source.clone(),
        ]
    };
    let shown: Vec<[String; 6]> = rows(c)
        .iter()
        .map(cells)
        .filter(|cells| {
            needle
                .as_ref()
                .is_none_or(|n| cells[..3].join(" ").to_lowercase().contains(n.as_str()))
        })
        .collect();
    let header = ["what", "item", "region", "price", "date", "source"].map(String::from);
    let mut widths = [0usize; 6];
    for row in std::iter::once(&header).chain(&shown) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    if shown.is_empty() {
        return text;
    }
    for row in std::iter::once(&header).chain(&shown) {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<w$}  ");
            }
        }
        let _ = writeln!(text, "{}", line.trim_end());
    }
    text
}

/// The listing of `files` (a scenario's `price_files`, checked as a
/// scenario would check them) followed by the bundled catalog's.
pub fn listing_with(files: &[std::path::PathBuf], filter: Option<&str>) -> Result<String, String> {
    let mut own = Catalog::default();
    for f in files {
        own.read_file(f)?;
    }
    let b = catalog::catalog();
    // The scenario's own entries first: they are found first.
    macro_rules! chain {
        ($($field:ident),*) => {
            Catalog { $($field: own.$field.iter().chain(&b.$field).cloned().collect(),)* }
        };
    }
    let all = chain!(
        instances,
        lambda,
        gateways,
        commitments,
        fargate,
        cloud_run,
        lambda_managed,
        egress,
        nat_gateways,
        lambda_tiers
    );
    Ok(listing(&all, filter))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin_listing(filter: Option<&str>) -> String {
        listing_with(&[], filter).unwrap()
    }

    #[test]
    fn a_filter_keeps_the_matching_lines_and_the_header() {
        let text = builtin_listing(Some("M5.LARGE"));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].starts_with("what"));
        assert!(lines[1].contains("$0.096 per server-hour"), "{text}");
        assert!(lines[1].contains("2025-06"));
    }

    #[test]
    fn every_entry_is_listed_with_a_date() {
        let c = catalog::catalog();
        let text = builtin_listing(None);
        // 16 instances, 12 + 3 + 2 commitments, 2 × 4 Lambda lines and 4
        // tiers, 2 × 2 Fargate lines, 2 × 3 Cloud Run lines, 2 Lambda
        // Managed Instances lines, 2 gateways, 2 egress regions and 2 NAT
        // gateway lines.
        assert_eq!(
            text.lines().count(),
            1 + 16 + 17 + 8 + 4 + 4 + 6 + 2 + 2 + 2 + 2
        );
        assert!(c.instances.iter().all(|i| !i.date.is_empty()));
        assert!(builtin_listing(Some("no such price")).is_empty());
    }
}
