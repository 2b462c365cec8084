//! Demand shapes as a user writes them: the arrivals a scenario produces
//! follow the rate curve it describes. Counts per window are checked
//! against the integral of the rate, computed from the formula of the shape
//! (not from the simulator's own profile), with a chi-square test that a
//! generator using the wrong rate fails by a wide margin.

use crate::common;
use scalesim::architectures::requests::RequestSource;
use scalesim::time::SimTime;
use std::f64::consts::TAU;

/// Arrivals per window of `window_s` seconds over the whole run.
fn counts(text: &str, window_s: f64) -> Vec<f64> {
    let s = common::scenario(text);
    let n = (s.duration.as_secs_f64() / window_s).round() as usize;
    let mut source = RequestSource::new(&s, 0);
    let mut works = vec![SimTime::ZERO; source.works_per_request()];
    let mut counts = vec![0.0; n];
    while let Some(t) = source.next_into(&mut works) {
        let i = (t.as_secs_f64() / window_s) as usize;
        if i >= n {
            break;
        }
        counts[i] += 1.0;
    }
    counts
}

/// Pearson's statistic Σ (O − E)² / E over the windows.
fn chi_square(observed: &[f64], expected: &[f64]) -> f64 {
    observed
        .iter()
        .zip(expected)
        .map(|(o, e)| (o - e).powi(2) / e)
        .sum()
}

/// Under the right rate the statistic is χ² with k degrees of freedom:
/// mean k, standard deviation √(2k). Accept within 5 standard deviations.
fn assert_fits(observed: &[f64], expected: &[f64]) {
    let k = observed.len() as f64;
    let x = chi_square(observed, expected);
    let z = (x - k) / (2.0 * k).sqrt();
    eprintln!("chi-square {x:.1} over {k} windows (z = {z:.2})");
    assert!(
        z.abs() < 5.0,
        "chi-square {x:.1} over {k} windows (z = {z:.2})"
    );
    let total_o: f64 = observed.iter().sum();
    let total_e: f64 = expected.iter().sum();
    let zt = (total_o - total_e) / total_e.sqrt();
    assert!(zt.abs() < 5.0, "total {total_o} vs {total_e} (z = {zt:.2})");
}

/// The same counts against a flat rate with the same total: a generator
/// that ignored the shape would pass this, and must be told apart.
fn assert_flat_rate_is_rejected(observed: &[f64]) {
    let k = observed.len() as f64;
    let mean = observed.iter().sum::<f64>() / k;
    let x = chi_square(observed, &vec![mean; observed.len()]);
    let z = (x - k) / (2.0 * k).sqrt();
    assert!(z > 50.0, "a flat rate fits too well: z = {z:.1}");
}

fn scenario_with(demand: &str, duration: &str) -> String {
    format!(
        r#"
name = "d"
duration = "{duration}"
seed = 11
[demand]
{demand}
[[services]]
name = "api"
work = "1ms"
[[architectures]]
name = "f"
kind = "fleet"
servers = 1
instance = "m5.large"
"#
    )
}

/// ∫ over [a, b) of a rate piecewise given by `f` (its antiderivative).
fn windows(n: usize, w: f64, antiderivative: impl Fn(f64) -> f64) -> Vec<f64> {
    (0..n)
        .map(|i| antiderivative((i + 1) as f64 * w) - antiderivative(i as f64 * w))
        .collect()
}

#[test]
fn ramp_counts_follow_the_linear_rate() {
    // 10 → 200 rps over 2 h, then 200 rps for 30 min: Λ(t) = 10t + 95t²/7200.
    let text = scenario_with(
        "shape = \"ramp\"\nfrom_rps = 10\nto_rps = 200\nover = \"2h\"",
        "150m",
    );
    let observed = counts(&text, 60.0);
    let lambda = |t: f64| {
        let r = t.min(7200.0);
        10.0 * r + 190.0 / 7200.0 * r * r / 2.0 + 200.0 * (t - 7200.0).max(0.0)
    };
    let expected = windows(observed.len(), 60.0, lambda);
    assert_eq!(expected.iter().sum::<f64>(), 1_116_000.0);
    assert_fits(&observed, &expected);
    assert_flat_rate_is_rejected(&observed);
}

#[test]
fn diurnal_counts_follow_the_cosine_day() {
    // λ(t) = 5 + 95 (1 + cos(2π (t − 13 h) / 1 d)) / 2, two days.
    let text = scenario_with(
        "shape = \"diurnal\"\nmin_rps = 5\npeak_rps = 100\npeak_at = \"13:00\"",
        "2d",
    );
    let observed = counts(&text, 300.0);
    let (day, p) = (86_400.0, 13.0 * 3600.0);
    let lambda = |t: f64| 5.0 * t + 47.5 * (t + day / TAU * (TAU * (t - p) / day).sin());
    let expected = windows(observed.len(), 300.0, lambda);
    assert_eq!(observed.len(), 576);
    assert_fits(&observed, &expected);
    assert_flat_rate_is_rejected(&observed);
    // The busiest window is around 13:00 of a day.
    let busiest = observed
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .unwrap()
        .0;
    let hour = (busiest as f64 * 300.0 % day) / 3600.0;
    assert!((hour - 13.0).abs() < 1.0, "busiest at {hour:.2} h");
}

#[test]
fn spike_counts_follow_rise_hold_and_decay() {
    // 50 rps; from 30 min the rate rises to 10× over 2 min, holds 15 min,
    // decays over 5 min. 10-second windows resolve the rise and decay.
    let text = scenario_with(
        "shape = \"constant\"\nrps = 50\n[[demand.events]]\nat = \"30m\"\nrise = \"2m\"\nhold = \"15m\"\ndecay = \"5m\"\nmultiplier = 10",
        "1h",
    );
    let observed = counts(&text, 10.0);
    let envelope = |t: f64| {
        // ∫ of (multiplier − 1) × envelope, piece by piece.
        let ramp_up = |x: f64| (x.clamp(0.0, 120.0)).powi(2) / 240.0;
        let held = |x: f64| (x - 120.0).clamp(0.0, 900.0);
        let down = |x: f64| {
            let y = (x - 1020.0).clamp(0.0, 300.0);
            y - y * y / 600.0
        };
        let x = t - 1800.0;
        ramp_up(x) + held(x) + down(x)
    };
    let lambda = |t: f64| 50.0 * t + 50.0 * 9.0 * envelope(t);
    let expected = windows(observed.len(), 10.0, lambda);
    // 50 × 3600 + 450 × (60 + 900 + 150) extra.
    assert!((expected.iter().sum::<f64>() - 679_500.0).abs() < 1e-6);
    assert_fits(&observed, &expected);
    assert_flat_rate_is_rejected(&observed);
}

#[test]
fn spike_on_a_ramp_multiplies_both() {
    // The product of two slopes is quadratic; it is approximated by 1-second
    // chords, far below what the statistics can see.
    let text = scenario_with(
        "shape = \"ramp\"\nfrom_rps = 20\nto_rps = 80\nover = \"1h\"\n[[demand.events]]\nat = \"20m\"\nrise = \"10m\"\nhold = \"0s\"\ndecay = \"10m\"\nmultiplier = 4",
        "1h",
    );
    let observed = counts(&text, 30.0);
    let rate = |t: f64| {
        let base = 20.0 + 60.0 * t / 3600.0;
        let x = t - 1200.0;
        let env = if (0.0..600.0).contains(&x) {
            1.0 + 3.0 * x / 600.0
        } else if (600.0..1200.0).contains(&x) {
            4.0 - 3.0 * (x - 600.0) / 600.0
        } else {
            1.0
        };
        base * env
    };
    // Simpson's rule per window is exact for the piecewise quadratic rate.
    let expected: Vec<f64> = (0..observed.len())
        .map(|i| {
            let (a, b) = (i as f64 * 30.0, (i + 1) as f64 * 30.0);
            (b - a) / 6.0 * (rate(a) + 4.0 * rate((a + b) / 2.0) + rate(b))
        })
        .collect();
    assert_fits(&observed, &expected);
}

#[test]
fn uniform_arrivals_on_a_ramp_are_exact() {
    // Evenly spaced in Λ: the count in [0, t) is ⌈Λ(t)⌉. From 0 to 2 rps
    // over 100 s, Λ(t) = t²/100: request k arrives at t = 10 √k.
    let s = common::scenario(&scenario_with(
        "shape = \"ramp\"\nfrom_rps = 0\nto_rps = 2\nover = \"100s\"\narrivals = \"uniform\"",
        "100s",
    ));
    let mut source = RequestSource::new(&s, 0);
    let mut w = vec![SimTime::ZERO; 1];
    let ts: Vec<f64> = (0..5)
        .map(|_| source.next_into(&mut w).unwrap().as_secs_f64())
        .collect();
    let exact: Vec<f64> = [0.0, 10.0, 10.0 * 2f64.sqrt(), 10.0 * 3f64.sqrt(), 20.0]
        .iter()
        .map(|&x| SimTime::from_secs_f64(x).as_secs_f64())
        .collect();
    assert_eq!(ts, exact);
}

#[test]
fn bursty_and_noise_are_fixed_by_the_seed() {
    let text = scenario_with(
        "shape = \"bursty\"\nstates = [{ rps = 5, mean_sojourn = \"2m\" }, { rps = 50, mean_sojourn = \"30s\" }]\nnoise = 0.2",
        "1h",
    );
    let a = counts(&text, 60.0);
    assert_eq!(a, counts(&text, 60.0));
    let other = common::scenario(&text.replace("seed = 11", "seed = 12"));
    let first = common::scenario(&text);
    assert_ne!(other.demand.profile, first.demand.profile);
}

#[test]
fn bad_demand_keys_name_the_key_and_what_was_expected() {
    let cases = [
        (
            "shape = \"ramp\"\nfrom_rps = 1\nto_rps = 2\nover = \"1h\"\nrps = 5",
            "line 10, key `demand.rps`: key `rps` does not apply to shape = \"ramp\"",
        ),
        (
            // A trace key left behind when the shape changed is a mistake,
            // not something to ignore silently.
            "shape = \"constant\"\nrps = 5\nfile = \"old.csv\"",
            "line 8, key `demand.file`: key `file` does not apply to shape = \"constant\"",
        ),
        (
            "shape = \"diurnal\"\nmin_rps = 1\npeak_rps = 2\ntop = 3",
            "line 9, key `demand.top`: key `top` does not apply to shape = \"diurnal\"",
        ),
        (
            "shape = \"diurnal\"\nmin_rps = 1\npeak_rps = 2\npeak_at = \"1pm\"",
            "line 9, key `demand.peak_at`: expected a time of day such as \"13:00\", found \"1pm\"",
        ),
        (
            "shape = \"diurnal\"\nmin_rps = 3\npeak_rps = 2",
            "line 7, key `demand.min_rps`: expected min_rps <= peak_rps (2), found 3",
        ),
        (
            "shape = \"hourly\"\nhourly = [1, 2, 3]",
            "line 7, key `demand.hourly`: expected 24 values (00:00 to 23:00), found 3",
        ),
        (
            "shape = \"bursty\"\nstates = [{ rps = 1, mean_sojourn = \"1m\" }]",
            "line 7, key `demand.states`: expected at least 2 states, found 1",
        ),
        (
            "shape = \"constant\"\nrps = 1\n[[demand.events]]\nat = \"1m\"\nmultiplier = -2",
            "line 10, key `demand.events[0].multiplier`: expected a factor >= 0, found -2",
        ),
        (
            "shape = \"ramp\"\nfrom_rps = 1\nto_rps = 2",
            "line 5, key `demand.over`: shape = \"ramp\" needs `over` (over = \"1h\")",
        ),
    ];
    for (demand, message) in cases {
        common::assert_parse_error(&scenario_with(demand, "1h"), message);
    }
}
