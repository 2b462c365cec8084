//! Shared helpers for the integration tests: queueing theory to check
//! against, and small scenario builders.
#![allow(dead_code)]

use scalesim::scenario::{self, Scenario};
use std::path::Path;

/// For each (text to replace in `base`, its replacement, expected message):
/// `scalesim run` and `scalesim check` of the edited file exit with code
/// 2, print exactly `error: invalid scenario bad.toml, <message>` and
/// nothing else, and write no output.
pub fn assert_bad_input(base: &str, cases: &[(&str, &str, &str)]) {
    let dir = tempfile::tempdir().unwrap();
    for (from, to, expected) in cases {
        assert!(base.contains(from), "{from}");
        std::fs::write(dir.path().join("bad.toml"), base.replacen(from, to, 1)).unwrap();
        for cmd in ["run", "check"] {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_scalesim"))
                .args([cmd, "bad.toml"])
                .current_dir(dir.path())
                .output()
                .expect("the binary runs");
            assert_eq!(out.status.code(), Some(2), "{cmd} {to}");
            let stderr = String::from_utf8(out.stderr).unwrap();
            let want = format!("error: invalid scenario bad.toml, {expected}\n");
            assert_eq!(stderr, want, "for `{to}`");
            assert!(out.stdout.is_empty());
        }
        assert!(
            !dir.path().join("output").exists(),
            "outputs written for `{to}`"
        );
    }
}

/// Parses scenario text as if it came from `test.toml`.
pub fn scenario(text: &str) -> Scenario {
    scenario::parse(text, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}"))
}

/// M/M/c results from queueing theory (Erlang C).
#[derive(Debug, Clone, Copy)]
pub struct MMc {
    pub lambda: f64,
    pub mu: f64,
    pub c: u32,
}

impl MMc {
    pub fn rho(&self) -> f64 {
        self.lambda / (self.c as f64 * self.mu)
    }

    /// P(wait > 0), the Erlang C formula, computed through the Erlang B
    /// recursion (stable for large c).
    pub fn p_wait(&self) -> f64 {
        let a = self.lambda / self.mu;
        let mut b = 1.0;
        for k in 1..=self.c {
            b = a * b / (k as f64 + a * b);
        }
        let rho = self.rho();
        b / (1.0 - rho + rho * b)
    }

    /// Rate of the conditional wait: W | W > 0 ~ Exp(cμ − λ).
    fn theta(&self) -> f64 {
        self.c as f64 * self.mu - self.lambda
    }

    /// Mean wait in queue, seconds.
    pub fn mean_wait(&self) -> f64 {
        self.p_wait() / self.theta()
    }

    /// Mean response time (wait + service), seconds.
    pub fn mean_response(&self) -> f64 {
        self.mean_wait() + 1.0 / self.mu
    }

    /// P(response > t): with probability 1 − P_W the response is the
    /// service alone, Exp(μ); otherwise Exp(θ) + Exp(μ) (hypoexponential,
    /// or Erlang-2 when θ = μ).
    pub fn response_tail(&self, t: f64) -> f64 {
        let (mu, th, pw) = (self.mu, self.theta(), self.p_wait());
        let both = if ((th - mu) / mu).abs() < 1e-9 {
            (-mu * t).exp() * (1.0 + mu * t)
        } else {
            (mu * (-th * t).exp() - th * (-mu * t).exp()) / (mu - th)
        };
        (1.0 - pw) * (-mu * t).exp() + pw * both
    }

    /// The q-quantile of the response time, by bisection on the tail.
    pub fn response_quantile(&self, q: f64) -> f64 {
        let (mut lo, mut hi) = (0.0, 1.0);
        while self.response_tail(hi) > 1.0 - q {
            hi *= 2.0;
        }
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if self.response_tail(mid) > 1.0 - q {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// P(wait > t) = P_W · e^{−θt}.
    pub fn wait_tail(&self, t: f64) -> f64 {
        self.p_wait() * (-self.theta() * t).exp()
    }
}

/// Mean and standard error of a sample.
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

/// A one-service scenario with exponential work on one fleet of `c`
/// one-vCPU servers.
pub fn mmc_scenario(m: MMc, hours: f64, seed: u64) -> Scenario {
    let mean_ms = 1000.0 / m.mu;
    scenario(&format!(
        r#"
name = "mmc"
duration = "{secs}s"
warmup = "5m"
seed = {seed}
window = "1m"
[demand]
shape = "constant"
rps = {lambda}
[[services]]
name = "api"
work = {{ dist = "exponential", mean = "{mean_ms}ms" }}
[[architectures]]
name = "fleet"
kind = "fleet"
servers = {c}
instance = {{ vcpus = 1, memory = "2GB", price_per_hour = 0.05 }}
"#,
        secs = (hours * 3600.0).round() as u64 + 300,
        lambda = m.lambda,
        c = m.c,
    ))
}
