//! Timestamps as traces write them: seconds, or a date-time with or
//! without a zone. Every trace format reads its times through here, so a
//! time that one format accepts every format accepts.

use crate::time::NANOS_PER_SEC;

/// Parses seconds ("12", "1700000000.25") or a date-time
/// ("1995-07-01T00:01", "2023-11-16 18:17:03.9799600", "…Z", "…+02:00")
/// into nanoseconds. Date-times without a zone are read as UTC: only
/// differences matter.
pub fn parse_timestamp(s: &str) -> Option<i128> {
    let s = s.trim();
    if s.len() >= 10 && s.as_bytes()[4] == b'-' {
        parse_datetime(s)
    } else {
        parse_seconds(s)
    }
}

fn parse_seconds(s: &str) -> Option<i128> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || int.len() > 20
    {
        return None;
    }
    let whole: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    Some(whole * NANOS_PER_SEC as i128 + fraction_ns(frac))
}

/// "25" after a decimal point → 250,000,000 ns (digits past 9 dropped).
fn fraction_ns(frac: &str) -> i128 {
    let mut ns: i128 = 0;
    for (i, b) in frac.bytes().take(9).enumerate() {
        ns += (b - b'0') as i128 * 10i128.pow(8 - i as u32);
    }
    ns
}

fn parse_datetime(s: &str) -> Option<i128> {
    let num = |t: &str| -> Option<i64> {
        (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())?
    };
    let (y, m, d) = (num(&s[0..4])?, num(s.get(5..7)?)?, num(s.get(8..10)?)?);
    if s.as_bytes().get(7) != Some(&b'-')
        || !(1..=12).contains(&m)
        || !(1..=days_in(y, m)).contains(&d)
    {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) * 86_400;
    let mut rest = &s[10..];
    let mut frac = 0;
    if let Some(time) = rest.strip_prefix(['T', ' ']) {
        let (hh, mm) = (num(time.get(0..2)?)?, num(time.get(3..5)?)?);
        if time.as_bytes()[2] != b':' || hh > 23 || mm > 59 {
            return None;
        }
        secs += hh * 3600 + mm * 60;
        rest = &time[5..];
        if let Some(sec) = rest.strip_prefix(':') {
            let ss = num(sec.get(0..2)?)?;
            if ss > 60 {
                return None;
            }
            secs += ss;
            rest = &sec[2..];
            if let Some(f) = rest.strip_prefix('.') {
                let digits = f.bytes().take_while(u8::is_ascii_digit).count();
                frac = fraction_ns(&f[..digits]);
                rest = &f[digits..];
            }
        }
    }
    let zone = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let z = rest[1..].replace(':', "");
            if z.len() != 4 {
                return None;
            }
            // `get`: the zone may hold any character, and a slice
            // inside one would panic.
            sign * (num(z.get(0..2)?)? * 3600 + num(z.get(2..4)?)? * 60)
        }
    };
    Some((secs - zone) as i128 * NANOS_PER_SEC as i128 + frac)
}

/// Days in month `m` of year `y`, so that 1995-02-30 is no date.
fn days_in(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    #[test]
    fn impossible_dates_and_odd_zones_are_no_timestamps() {
        assert_eq!(parse_timestamp("1995-02-30T00:00:00Z"), None);
        assert_eq!(parse_timestamp("1995-04-31"), None);
        assert_eq!(parse_timestamp("1995-02-29"), None);
        assert!(parse_timestamp("1996-02-29").is_some());
        assert!(parse_timestamp("2000-02-29").is_some());
        assert_eq!(parse_timestamp("1900-02-29"), None);
        // A zone with a multi-byte character used to be sliced inside it.
        assert_eq!(parse_timestamp("1995-07-01T00:01+aé:b"), None);
        assert_eq!(parse_timestamp("1995-07-01T00:01+é:ab"), None);
    }

    use super::*;

    #[test]
    fn timestamps_parse_as_seconds_or_date_times() {
        let s = NANOS_PER_SEC as i128;
        assert_eq!(parse_timestamp("12"), Some(12 * s));
        assert_eq!(parse_timestamp("0.25"), Some(s / 4));
        assert_eq!(parse_timestamp("1970-01-02T00:00"), Some(86_400 * s));
        assert_eq!(
            parse_timestamp("1970-01-01T00:01:02.5Z"),
            Some(62 * s + s / 2)
        );
        assert_eq!(parse_timestamp("1970-01-01 01:00:00+01:00"), Some(0));
        assert_eq!(
            parse_timestamp("2023-11-16 18:17:03.9799600"),
            Some(1_700_158_623 * s + 979_960_000)
        );
        assert_eq!(parse_timestamp("2000-03-01"), Some(951_868_800 * s));
        for bad in [
            "",
            "abc",
            "-1",
            "1e3",
            "1995-13-01",
            "1995-07-01T25:00",
            "12:00",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}
