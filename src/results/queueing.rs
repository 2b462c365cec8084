//! Closed forms from queueing theory: Erlang B (loss), Erlang C (delay)
//! and the M/M/c wait and response-time distributions. The tests check the
//! simulator against them; capacity planning can size fleets with them.
//!
//! Notation: λ the arrival rate, μ the service rate of one server (1 / mean
//! service time), c the number of servers, a = λ/μ the offered load in
//! erlangs and ρ = a/c the utilization.
//!
//! Everything is computed through the Erlang B recursion
//!
//! ```text
//! B(0, a) = 1,   B(k, a) = a·B(k−1, a) / (k + a·B(k−1, a))
//! ```
//!
//! whose every step stays in [0, 1]: no factorial or power of `a` is ever
//! formed, so it is accurate for thousands of servers (the unit tests
//! check c = 1000 against exact rational arithmetic).

/// Erlang B: the probability that an arrival finds all `servers` busy
/// and is lost, for `offered` erlangs (a = λ·E[S]) and no queue.
///
/// ```text
/// B(c, a) = (aᶜ / c!) / Σ_{k=0..c} aᵏ / k!
/// ```
///
/// Holds for any service distribution (it is insensitive to it). Computed
/// with the recursion above; `B(0, a) = 1` and `B(c, 0) = 0` for c ≥ 1.
pub fn erlang_b(servers: u32, offered: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=servers {
        b = offered * b / (k as f64 + offered * b);
    }
    b
}

/// Erlang C: the probability P_W that an arrival has to wait in an M/M/c
/// queue with `servers` servers and `offered` erlangs.
///
/// ```text
/// P_W = C(c, a) = B(c, a) / (1 − ρ·(1 − B(c, a))),   ρ = a / c
/// ```
///
/// For `offered ≥ servers` (ρ ≥ 1) the queue grows without bound and every
/// arrival waits: the result is 1.
pub fn erlang_c(servers: u32, offered: f64) -> f64 {
    if offered >= servers as f64 {
        return 1.0;
    }
    let b = erlang_b(servers, offered);
    let rho = offered / servers as f64;
    b / (1.0 - rho * (1.0 - b))
}

/// An M/M/c queue: Poisson arrivals at rate `lambda` per second,
/// exponential service at rate `mu` per second on each of `servers`
/// servers, one first-come-first-served queue without limit.
///
/// The wait in queue W_q is 0 with probability 1 − P_W and otherwise
/// exponential with rate θ = cμ − λ; the response time is W_q plus an
/// independent Exp(μ) service. For ρ ≥ 1 there is no steady state: P_W = 1,
/// means and quantiles are infinite and the tails are 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MMc {
    /// Arrival rate λ, per second.
    pub lambda: f64,
    /// Service rate μ of one server, per second (1 / mean service time).
    pub mu: f64,
    /// Number of servers c.
    pub servers: u32,
}

impl MMc {
    pub fn new(lambda: f64, mu: f64, servers: u32) -> Self {
        MMc {
            lambda,
            mu,
            servers,
        }
    }

    /// Offered load a = λ/μ, in erlangs.
    pub fn offered(&self) -> f64 {
        self.lambda / self.mu
    }

    /// Utilization ρ = λ / (cμ): the mean fraction of busy servers.
    pub fn utilization(&self) -> f64 {
        self.lambda / (self.servers as f64 * self.mu)
    }

    /// Whether a steady state exists (ρ < 1).
    pub fn is_stable(&self) -> bool {
        self.utilization() < 1.0
    }

    /// Rate θ = cμ − λ of the wait of those who wait: W_q | W_q > 0 ~ Exp(θ).
    pub fn wait_rate(&self) -> f64 {
        self.servers as f64 * self.mu - self.lambda
    }

    /// P(W_q > 0), the Erlang C formula ([`erlang_c`]).
    pub fn p_wait(&self) -> f64 {
        erlang_c(self.servers, self.offered())
    }

    /// Mean wait in queue, seconds: W_q = P_W / (cμ − λ).
    pub fn mean_wait(&self) -> f64 {
        if !self.is_stable() {
            return f64::INFINITY;
        }
        self.p_wait() / self.wait_rate()
    }

    /// Mean response time (wait + service), seconds: W_q + 1/μ.
    pub fn mean_response(&self) -> f64 {
        self.mean_wait() + 1.0 / self.mu
    }

    /// P(W_q > t) = P_W · e^{−(cμ−λ)t}, for t ≥ 0 seconds.
    pub fn wait_tail(&self, t: f64) -> f64 {
        if !self.is_stable() {
            return 1.0;
        }
        self.p_wait() * (-self.wait_rate() * t).exp()
    }

    /// The q-quantile of the wait in queue, seconds (0 ≤ q < 1): 0 when
    /// 1 − q ≥ P_W, else ln(P_W / (1 − q)) / (cμ − λ).
    pub fn wait_quantile(&self, q: f64) -> f64 {
        if !self.is_stable() {
            return f64::INFINITY;
        }
        let pw = self.p_wait();
        if 1.0 - q >= pw {
            0.0
        } else {
            (pw / (1.0 - q)).ln() / self.wait_rate()
        }
    }

    /// P(response > t), for t ≥ 0 seconds. With probability 1 − P_W the
    /// response is the service alone, Exp(μ); otherwise it is Exp(θ) +
    /// Exp(μ) with θ = cμ − λ, whose tail is
    ///
    /// ```text
    /// (μ·e^{−θt} − θ·e^{−μt}) / (μ − θ)     (θ ≠ μ),   e^{−μt}·(1 + μt)   (θ = μ)
    /// ```
    ///
    /// Summed and rearranged so that no two terms cancel, whatever θ − μ:
    ///
    /// ```text
    /// P(R > t) = e^{−μt} + P_W · μ · e^{−min(θ,μ)·t} · (1 − e^{−|μ−θ|t}) / |μ−θ|
    /// ```
    ///
    /// where the last factor tends to t as θ → μ.
    pub fn response_tail(&self, t: f64) -> f64 {
        if !self.is_stable() {
            return 1.0;
        }
        let (mu, theta) = (self.mu, self.wait_rate());
        let d = (mu - theta).abs();
        let g = if d * t == 0.0 {
            t
        } else {
            -(-d * t).exp_m1() / d
        };
        let tail = (-mu * t).exp() + self.p_wait() * mu * (-mu.min(theta) * t).exp() * g;
        tail.min(1.0)
    }

    /// P(response ≤ t) = 1 − [`response_tail`](Self::response_tail).
    pub fn response_cdf(&self, t: f64) -> f64 {
        1.0 - self.response_tail(t)
    }

    /// The q-quantile of the response time, seconds (0 ≤ q < 1): the t
    /// with P(R > t) = 1 − q, by bisection on the tail (which decreases
    /// strictly), to the last bit.
    pub fn response_quantile(&self, q: f64) -> f64 {
        if !self.is_stable() {
            return f64::INFINITY;
        }
        let target = 1.0 - q;
        let (mut lo, mut hi) = (0.0, 1.0 / self.mu);
        while self.response_tail(hi) > target {
            lo = hi;
            hi *= 2.0;
        }
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if self.response_tail(mid) > target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, want: f64, rel: f64) -> bool {
        (x - want).abs() <= rel * want.abs()
    }

    /// Published Erlang B table values (4 digits).
    #[test]
    fn erlang_b_matches_the_tables() {
        for (c, a, want) in [(10, 10.0, 0.2146), (5, 2.0, 0.0367), (10, 5.0, 0.0184)] {
            let b = erlang_b(c, a);
            assert!((b - want).abs() < 5e-5, "B({c}, {a}) = {b}, table {want}");
        }
        // One server: B = a / (1 + a); no server: every arrival is lost.
        assert!(close(erlang_b(1, 3.0), 0.75, 1e-15));
        assert_eq!(erlang_b(0, 3.0), 1.0);
        assert_eq!(erlang_b(4, 0.0), 0.0);
    }

    /// Erlang C against textbook cases: M/M/1 waits with probability ρ,
    /// M/M/2 at a = 1 with 1/3, and the 10-server, 9-erlang table value
    /// 0.6687.
    #[test]
    fn erlang_c_matches_known_cases() {
        assert!(close(erlang_c(1, 0.8), 0.8, 1e-12));
        assert!(close(erlang_c(2, 1.0), 1.0 / 3.0, 1e-12));
        assert!((erlang_c(10, 9.0) - 0.6687).abs() < 5e-5);
        assert_eq!(erlang_c(10, 10.0), 1.0);
        assert_eq!(erlang_c(10, 12.0), 1.0);
    }

    /// Large fleets against exact rational arithmetic (Python's
    /// `fractions` on the factorial sums): no overflow, no lost digits.
    #[test]
    fn large_fleets_are_exact() {
        for (c, a, b, pw) in [
            (100, 90.0, 0.026957380464359214, 0.2169404809063664),
            (1000, 950.0, 0.0036492936889424097, 0.06825341537714143),
            (1000, 990.0, 0.018965776430814613, 0.6590804218808545),
        ] {
            assert!(close(erlang_b(c, a), b, 1e-12), "B({c}, {a})");
            assert!(close(erlang_c(c, a), pw, 1e-12), "C({c}, {a})");
        }
    }

    /// M/M/1 at ρ = 0.8: P_W = ρ, W_q = ρ / (μ − λ), and the response is
    /// Exp(μ − λ), so its p99 is ln(100) / (μ − λ).
    #[test]
    fn mm1_is_textbook() {
        let m = MMc::new(8.0, 10.0, 1);
        assert!(close(m.utilization(), 0.8, 1e-15));
        assert!(close(m.p_wait(), 0.8, 1e-12));
        assert!(close(m.mean_wait(), 0.4, 1e-12));
        assert!(close(m.mean_response(), 0.5, 1e-12));
        for t in [0.0f64, 0.1, 1.0, 5.0] {
            assert!(close(m.response_tail(t), (-2.0 * t).exp(), 1e-12), "{t}");
            assert!(close(m.wait_tail(t), 0.8 * (-2.0 * t).exp(), 1e-12));
        }
        assert!(close(m.response_quantile(0.99), 100f64.ln() / 2.0, 1e-12));
        // P(W_q > t) = 0.01 at t = ln(80) / 2.
        assert!(close(m.wait_quantile(0.99), 80f64.ln() / 2.0, 1e-12));
        assert_eq!(m.wait_quantile(0.1), 0.0);
    }

    /// θ = cμ − λ equal to μ (λ = 180, μ = 20, c = 10: θ = 20) uses the
    /// Erlang-2 limit e^{−μt}(1 + μt); nearby rates agree with it.
    #[test]
    fn the_equal_rate_case_is_the_limit_of_the_others() {
        let eq = MMc::new(180.0, 20.0, 10);
        assert_eq!(eq.wait_rate(), eq.mu);
        let pw = eq.p_wait();
        for t in [0.0f64, 0.01, 0.1, 1.0] {
            let want = (1.0 - pw) * (-20.0 * t).exp() + pw * (-20.0 * t).exp() * (1.0 + 20.0 * t);
            assert!(close(eq.response_tail(t), want, 1e-12), "{t}");
            for dl in [1e-9, -1e-9, 1e-4, -1e-4] {
                let near = MMc::new(180.0 + dl, 20.0, 10);
                let tol = 1e-6 + 10.0 * dl.abs();
                assert!(close(near.response_tail(t), want, tol), "{t} {dl}");
            }
        }
    }

    /// The two-term hypoexponential tail, written the textbook way, where
    /// θ and μ are far apart (no cancellation there).
    #[test]
    fn response_tail_is_the_mixture() {
        for m in [
            MMc::new(140.0, 20.0, 10),
            MMc::new(5.0, 1.0, 8),
            MMc::new(950.0, 1.0, 1000),
        ] {
            let (mu, th, pw) = (m.mu, m.wait_rate(), m.p_wait());
            for t in [0.0f64, 0.05, 0.5, 2.0, 10.0] {
                let both = (mu * (-th * t).exp() - th * (-mu * t).exp()) / (mu - th);
                let want = (1.0 - pw) * (-mu * t).exp() + pw * both;
                assert!(close(m.response_tail(t), want, 1e-9), "{m:?} at {t}");
            }
            assert_eq!(m.response_cdf(0.0), 0.0);
        }
    }

    /// The percentile by bisection lands where the CDF says it should.
    #[test]
    fn response_quantile_inverts_the_cdf() {
        for m in [
            MMc::new(180.0, 20.0, 10),
            MMc::new(140.0, 20.0, 10),
            MMc::new(160.0, 200.0, 1),
            MMc::new(990.0, 1.0, 1000),
        ] {
            let mut last = 0.0;
            for q in [0.1, 0.5, 0.9, 0.99, 0.999] {
                let t = m.response_quantile(q);
                assert!(t > last, "{m:?}: quantiles increase");
                assert!((m.response_cdf(t) - q).abs() < 1e-12, "{m:?} q {q}");
                last = t;
            }
        }
    }

    #[test]
    fn an_overloaded_queue_has_no_steady_state() {
        let m = MMc::new(20.0, 1.0, 10);
        assert!(!m.is_stable());
        assert_eq!(m.p_wait(), 1.0);
        assert_eq!(m.mean_wait(), f64::INFINITY);
        assert_eq!(m.wait_tail(100.0), 1.0);
        assert_eq!(m.response_tail(100.0), 1.0);
        assert_eq!(m.response_quantile(0.5), f64::INFINITY);
    }
}
