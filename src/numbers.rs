//! How numbers are written for people: prices and shares with as many
//! decimals as they need and no float noise.

/// A share as a percentage, to four decimals without trailing zeros (no
/// float noise from 0.7 × 100).
pub fn percent(share: f64) -> String {
    trimmed(share * 100.0, 4)
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
