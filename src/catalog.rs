//! Built-in price and size data for server instances, each entry with its
//! region, source and date. Prices are data, not constants: a scenario can
//! describe any instance inline, and these entries only save typing.

use serde::Serialize;

/// A server type a fleet can be made of.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Instance {
    pub name: String,
    pub vcpus: u32,
    pub memory_mb: f64,
    pub price_per_hour: f64,
    pub region: String,
    pub source: String,
    /// When the price was read from its source (ISO date or month).
    pub date: String,
}

const EC2_SOURCE: &str = "AWS EC2 On-Demand pricing, Linux, us-east-1";
const EC2_DATE: &str = "2025-06";

/// (name, vCPUs, memory GiB, USD per hour)
const EC2: &[(&str, u32, f64, f64)] = &[
    ("m5.large", 2, 8.0, 0.096),
    ("m5.xlarge", 4, 16.0, 0.192),
    ("m5.2xlarge", 8, 32.0, 0.384),
    ("c5.large", 2, 4.0, 0.085),
    ("c5.xlarge", 4, 8.0, 0.170),
    ("c5.2xlarge", 8, 16.0, 0.340),
    ("m7g.large", 2, 8.0, 0.0816),
    ("m7g.xlarge", 4, 16.0, 0.1632),
    ("t3.medium", 2, 4.0, 0.0416),
];

/// Looks up a built-in instance type.
pub fn instance(name: &str) -> Option<Instance> {
    EC2.iter()
        .find(|(n, ..)| *n == name)
        .map(|&(n, vcpus, gib, price)| Instance {
            name: n.to_string(),
            vcpus,
            memory_mb: gib * 1024.0,
            price_per_hour: price,
            region: "us-east-1".into(),
            source: EC2_SOURCE.into(),
            date: EC2_DATE.into(),
        })
}

/// The names of every built-in instance type, for error messages.
pub fn instance_names() -> Vec<&'static str> {
    EC2.iter().map(|(n, ..)| *n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_documented_instances() {
        let m5 = instance("m5.large").unwrap();
        assert_eq!((m5.vcpus, m5.price_per_hour), (2, 0.096));
        assert_eq!(instance("c5.xlarge").unwrap().vcpus, 4);
        assert_eq!(instance("m7g.large").unwrap().price_per_hour, 0.0816);
        assert!(instance("z9.huge").is_none());
    }
}
