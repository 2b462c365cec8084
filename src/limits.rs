//! The documented limits on what one run may hold, and the messages that
//! name the key that passes them and the value that would not.
//!
//! Each limit bounds memory or time that grows with a scenario value: the
//! pieces of a rate profile (noise windows, bursty state changes, trace
//! laps) and the time-series windows are allocated while the scenario is
//! read, so passing them is bad input, refused by `check` as by `run`. The
//! simulated work (requests × architectures × replications) only costs
//! time: `check` prints its estimate and `run` refuses past
//! [`MAX_RUN_SECONDS`] unless given `--force`.

use crate::time::SimTime;

/// Pieces of a rate profile (about 32 bytes each: 320 MB at the limit).
pub const MAX_PROFILE_PIECES: u64 = 10_000_000;
/// Time-series windows per architecture (a row of about 200 bytes each).
pub const MAX_WINDOWS: u64 = 1_000_000;
/// Servers of one fleet, counted, sized or as an autoscaled `max`.
pub const MAX_SERVERS: u64 = 1_000_000;
/// The most pods a Kubernetes node may take: EKS's largest VPC CNI count
/// is 737, and 250 the most it recommends with prefix delegation.
pub const MAX_PODS_PER_NODE: u32 = 1_000;
/// Interruption times listed in a fleet's `spot.interruptions_at`: each is
/// an event and a replacement server, and a list longer than this is a
/// generated one that `mean_time_between_interruptions` says better.
pub const MAX_SPOT_INTERRUPTIONS_AT: usize = 100_000;
/// The price of one server an hour, in USD: a thousand times the dearest
/// cloud instance (about $400/h for 24 TB of memory), far enough from
/// f64's range that no cost overflows (see `results::finite`).
pub const MAX_PRICE_PER_HOUR: f64 = 1e6;
/// A price per million requests (Lambda's requests, an API gateway's, Cloud
/// Run's), in USD: a cent a request, about 3,000 times the dearest
/// published one (API Gateway REST's $3.50).
pub const MAX_PRICE_PER_MILLION: f64 = 1e4;
/// A price per GB-second, vCPU-second or GiB-second (Lambda duration and
/// provisioned concurrency, Cloud Run instances), in USD: $3,600 an hour
/// for one GB or one vCPU, about 60,000 times Lambda's.
pub const MAX_PRICE_PER_UNIT_SECOND: f64 = 1.0;
/// A price per GB moved (internet egress, NAT gateway processing), in
/// USD: about 100,000 times AWS's $0.09 for egress.
pub const MAX_PRICE_PER_GB: f64 = 1e4;
/// The estimated run time `run` accepts without `--force`, in seconds.
pub const MAX_RUN_SECONDS: f64 = 3_600.0;
/// The estimated memory `run` and `sweep` accept without `--force`, in
/// bytes: a third of a 24 GB machine, so that two runs in flight and the
/// rest of the machine still fit.
pub const MAX_MEMORY_BYTES: f64 = 8e9;
/// Simulated requests (works) per second of one core assumed by the
/// estimate: about half the fixed fleet's measured rate (README,
/// Performance), so that the estimate errs long.
pub const WORKS_PER_SECOND: f64 = 5e6;

/// How many pieces of `width` cover `span`; an error naming `key` when
/// they pass `limit`, with the smallest width that would not.
pub fn pieces(
    key: &str,
    width: SimTime,
    span: SimTime,
    what: &str,
    limit: u64,
) -> Result<u64, String> {
    let n = span.as_nanos().div_ceil(width.as_nanos().max(1));
    if n <= limit {
        return Ok(n);
    }
    Err(format!(
        "`{key} = \"{width}\"` over {span} makes {} {what}; the limit is {}; use a {key} of at least {}",
        count(n as f64),
        count(limit as f64),
        SimTime(span.as_nanos().div_ceil(limit))
    ))
}

/// How a price bound's value is shown: 1e308 in full is 309 digits.
pub fn price(p: f64) -> String {
    if p.abs() >= 1e7 {
        format!("{p:e}")
    } else {
        p.to_string()
    }
}

/// A count for a message: "10 million", exact below ten million, else
/// "3.6e12".
pub fn count(n: f64) -> String {
    if n >= 1e6 && n % 1e6 == 0.0 && n < 1e10 {
        format!("{} million", n / 1e6)
    } else if n < 1e7 {
        format!("{n:.0}")
    } else {
        format!("{n:.1e}")
    }
}

/// A size in bytes for an estimate: "640 kB", "12 MB", "3.2 GB", "190 TB".
pub fn bytes(n: f64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    let mut v = n / 1e3;
    let mut unit = UNITS[0];
    for u in &UNITS[1..] {
        if v < 1e3 {
            break;
        }
        v /= 1e3;
        unit = u;
    }
    if v < 10.0 {
        format!("{v:.1} {unit}")
    } else {
        format!("{v:.0} {unit}")
    }
}

/// A span of wall time for an estimate: "4 s", "12 min", "3.1 h", "2.5 years".
pub fn wall(secs: f64) -> String {
    match secs {
        s if s < 1.0 => "under a second".to_string(),
        s if s < 120.0 => format!("{s:.0} s"),
        s if s < 3_600.0 => format!("{:.0} min", s / 60.0),
        s if s < 2.0 * 86_400.0 => format!("{:.1} h", s / 3_600.0).replace(".0 h", " h"),
        s if s < 365.0 * 86_400.0 => format!("{:.0} days", s / 86_400.0),
        s => format!("{} years", count(s / (365.0 * 86_400.0))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_that_makes_too_many_pieces_names_the_smallest_that_would_not() {
        let e = pieces(
            "window",
            SimTime(1),
            SimTime::from_secs(3_600),
            "time-series rows",
            MAX_WINDOWS,
        )
        .unwrap_err();
        assert_eq!(
            e,
            "`window = \"1ns\"` over 1h makes 3.6e12 time-series rows; the limit is 1 million; \
             use a window of at least 3.6ms"
        );
        let ok = pieces(
            "window",
            SimTime::from_millis(4),
            SimTime::from_secs(3_600),
            "",
            MAX_WINDOWS,
        );
        assert_eq!(ok, Ok(900_000));
    }
}
