//! The search for the smallest whole number meeting a monotone condition
//! (a fleet's server count: more servers never make latency worse), from
//! a guess: exponential steps away from it until the answer is bracketed,
//! then bisection. O(log N) evaluations, not a scan.

/// The smallest n in [lo, hi] for which `meets(n)` holds, assuming it is
/// monotone (false below some n, true from there on), starting from
/// `guess`; `None` when even `hi` fails. `meets` is called at most about
/// 2·log₂(distance from the guess) + 2 times, and never twice for one n.
pub fn smallest_meeting(
    lo: u32,
    hi: u32,
    guess: u32,
    mut meets: impl FnMut(u32) -> bool,
) -> Option<u32> {
    if lo > hi {
        return None;
    }
    let guess = guess.clamp(lo, hi);
    // (fails, holds): the largest n known to fail and the smallest known
    // to hold; `lo - 1` and `hi + 1` stand for "none known".
    let (mut fails, mut holds): (Option<u32>, Option<u32>) = (None, None);
    if meets(guess) {
        holds = Some(guess);
        let mut step = 1u32;
        while fails.is_none() {
            let below = holds.expect("set above").saturating_sub(step).max(lo);
            if below == holds.expect("set above") {
                return holds;
            }
            if meets(below) {
                holds = Some(below);
                if below == lo {
                    return holds;
                }
                step = step.saturating_mul(2);
            } else {
                fails = Some(below);
            }
        }
    } else {
        fails = Some(guess);
        let mut step = 1u32;
        while holds.is_none() {
            let f = fails.expect("set above");
            if f == hi {
                return None;
            }
            let above = f.saturating_add(step).min(hi);
            if meets(above) {
                holds = Some(above);
            } else {
                fails = Some(above);
                step = step.saturating_mul(2);
            }
        }
    }
    let (mut f, mut h) = (fails.expect("bracketed"), holds.expect("bracketed"));
    while h - f > 1 {
        let mid = f + (h - f) / 2;
        if meets(mid) {
            h = mid;
        } else {
            f = mid;
        }
    }
    Some(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(lo: u32, hi: u32, guess: u32, answer: u32) -> (Option<u32>, Vec<u32>) {
        let mut calls = Vec::new();
        let got = smallest_meeting(lo, hi, guess, |n| {
            calls.push(n);
            n >= answer
        });
        (got, calls)
    }

    #[test]
    fn finds_the_threshold_from_any_guess_in_logarithmic_steps() {
        for answer in [1, 2, 3, 7, 50, 99, 100, 1000] {
            for guess in [1, 5, 49, 50, 51, 400, 5000] {
                let (got, calls) = count(1, 10_000, guess, answer);
                assert_eq!(got, Some(answer), "guess {guess}");
                let distance = f64::from(answer.abs_diff(guess.min(10_000)) + 1);
                let bound = 2.0 * distance.log2().ceil() + 3.0;
                assert!(
                    calls.len() as f64 <= bound,
                    "answer {answer}, guess {guess}: {} calls {calls:?}",
                    calls.len()
                );
                let mut seen = calls.clone();
                seen.sort();
                seen.dedup();
                assert_eq!(seen.len(), calls.len(), "no n twice: {calls:?}");
            }
        }
    }

    #[test]
    fn none_meets_within_the_bounds() {
        let (got, calls) = count(1, 64, 10, 65);
        assert_eq!(got, None);
        assert_eq!(*calls.last().unwrap(), 64);
        assert_eq!(count(5, 64, 1, 1).0, Some(5), "the lower bound holds");
    }
}
