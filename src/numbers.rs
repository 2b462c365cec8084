//! How numbers are written for people: prices and shares with as many
//! decimals as they need and no float noise.

/// A share as a percentage, to four decimals without trailing zeros (no
/// float noise from 0.7 × 100).
pub fn percent(share: f64) -> String {
    trimmed(share * 100.0, 4)
}

/// A share (a fraction) as a percentage in a table: two decimals, and two
/// significant figures below 1 % so that a small rate does not read as
/// none ("1.50%", "0.060%", "0.0033%", "0.00%"). Error rates and
/// cold-start shares are written with it wherever they are printed.
pub fn share(fraction: f64) -> String {
    let pct = fraction * 100.0;
    let decimals = if pct > 0.0 && pct < 1.0 {
        (1 - pct.log10().floor() as i32).max(2) as usize
    } else {
        2
    };
    format!("{pct:.decimals$}%")
}

/// `x` to `decimals` places, without trailing zeros: a price or share as
/// a person writes it, free of float noise (0.096 × 0.3 reads 0.0288).
pub fn trimmed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if !s.contains('.') {
        return s;
    }
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Dollars as a person writes an amount: whole dollars with thousands
/// separators from $100 ("$1,234", "$280"), cents below ("$56.20"), four
/// decimals below a dollar ("$0.0042"), "$0" for nothing; never float
/// noise.
pub fn usd(x: f64) -> String {
    let a = x.abs();
    let sign = if x < 0.0 && a >= 0.00005 { "-" } else { "" };
    let body = if a < 0.00005 {
        "0".to_string()
    } else if a >= 99.995 {
        thousands(a.round() as u64)
    } else if a >= 0.995 {
        format!("{a:.2}")
    } else {
        format!("{a:.4}")
    };
    format!("{sign}${body}")
}

/// A large count in words, three significant digits: "850,000",
/// "137 million", "2.4 billion" (how a decision document writes requests
/// a month).
pub fn count_in_words(n: f64) -> String {
    let a = n.abs();
    let (scaled, word) = if a >= 1e9 {
        (n / 1e9, " billion")
    } else if a >= 1e6 {
        (n / 1e6, " million")
    } else {
        return thousands(n.max(0.0).round() as u64);
    };
    let decimals = if scaled.abs() >= 100.0 {
        0
    } else if scaled.abs() >= 10.0 {
        1
    } else {
        2
    };
    format!("{}{word}", trimmed(scaled, decimals))
}

/// A count with thousands separators: "6,665,031".
pub fn thousands(n: u64) -> String {
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

/// A unit price as a price list writes it: six significant digits at
/// most, no trailing zeros past the cents, no float noise: "$0.20",
/// "$0.01224", "$0.0000166667", "$1.234".
pub fn price(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("${x}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (5 - magnitude).clamp(2, 12) as usize;
    let s = format!("{:.decimals$}", x.abs());
    let (whole, frac) = s.split_once('.').expect("decimals are at least two");
    let frac = frac.trim_end_matches('0');
    let sign = if x < 0.0 { "-" } else { "" };
    format!("{sign}${whole}.{frac:0<2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_keep_two_significant_figures_below_one_percent() {
        assert_eq!(share(0.0), "0.00%");
        assert_eq!(share(0.015), "1.50%");
        assert_eq!(share(0.0006), "0.060%");
        assert_eq!(share(0.000_033), "0.0033%");
        assert_eq!(share(0.5), "50.00%");
    }

    #[test]
    fn counts_in_words_keep_three_significant_digits() {
        assert_eq!(count_in_words(850_000.4), "850,000");
        assert_eq!(count_in_words(137_250_000.0), "137 million");
        assert_eq!(count_in_words(13_725_000.0), "13.7 million");
        assert_eq!(count_in_words(2_400_000_000.0), "2.4 billion");
        assert_eq!(count_in_words(1_000_000.0), "1 million");
    }

    #[test]
    fn dollars_read_as_people_write_them() {
        let cases = [
            (10_722.4, "$10,722"),
            (5480.26, "$5,480"),
            (280.32, "$280"),
            (99.996, "$100"),
            (56.2, "$56.20"),
            (0.012240000000000001, "$0.0122"),
            (0.0, "$0"),
            (-3.5, "-$3.50"),
        ];
        for (x, written) in cases {
            assert_eq!(usd(x), written, "{x}");
        }
        assert_eq!(thousands(6_665_031), "6,665,031");
        let prices = [
            (0.2, "$0.20"),
            (0.012240000000000001, "$0.01224"),
            (0.0000166667, "$0.0000166667"),
            (0.096, "$0.096"),
            (1.234, "$1.234"),
            (3.0, "$3.00"),
        ];
        for (x, written) in prices {
            assert_eq!(price(x), written, "{x}");
        }
    }
}
