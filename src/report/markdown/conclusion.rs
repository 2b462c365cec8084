//! The conclusion of `report.md`: the cheapest architecture that meets
//! the SLO and what it saves against each other one, or why none does,
//! then the Pareto frontier. One writer serves a single run and a run
//! with replications, so that both keep one structure and the same words
//! where they agree; what differs (plain numbers or means with their
//! 95 % intervals, plain or paired differences, "breaks" or "misses") is
//! asked of [`Reading`]. Why an architecture fails the SLO is told by
//! `why_breaks` (a single run) and `why_misses` / `why_uncertain`
//! (replications), beside the other parts of their kind of report.

use super::*;
use crate::analysis::decision::Candidate;

/// The conclusion: the cheapest architecture meeting the SLO and what it
/// saves against each other one; or why there is none. With replications
/// an architecture meets the SLO with 95 % confidence, savings are paired
/// differences, and an uncertain verdict that could change the decision
/// is called out.
pub fn conclusion(data: &ChartData) -> String {
    let r = Reading::of(data);
    let mut md = String::new();
    match (data.slo, decision::cheapest_meeting_slo(&r.candidates)) {
        (None, _) => r.no_slo(&mut md),
        (Some(slo), Some(best)) => r.recommend(&mut md, &slo, best),
        (Some(slo), None) => r.none_meets(&mut md, &slo),
    }
    let _ = writeln!(
        md,
        "On the Pareto frontier{} (no other architecture is both cheaper and faster at {}): {}.",
        r.if_replicated(|_| " of the means".to_string()),
        r.p,
        frontier(data)
    );
    md
}

/// The architectures no other beats on both cost and latency at the SLO
/// percentile, in bold, comma-separated.
fn frontier(data: &ChartData) -> String {
    let archs = &data.run.architectures;
    let points: Vec<(f64, f64)> = (0..archs.len())
        .map(|i| (data.latency_ms(i), archs[i].cost.per_month_usd))
        .collect();
    decision::pareto_frontier(&points)
        .into_iter()
        .map(|i| format!("**{}**", esc(&archs[i].name)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A run's numbers as the conclusion reads them: plain for a single run;
/// with replications, means with their intervals.
struct Reading<'a> {
    data: &'a ChartData<'a>,
    archs: &'a [ArchitectureResult],
    p: Percentile,
    /// Independent replications behind the numbers (1: a single run).
    n: u32,
    candidates: Vec<Candidate>,
}

/// What choosing the best architecture saves against another one.
struct Saving {
    other: usize,
    /// The other's cost per month less the best's (the mean of the
    /// paired differences with replications): positive when the best
    /// saves.
    usd: f64,
    /// No difference at all (with replications: interval and all).
    none: bool,
    /// The difference without its sign, as the sentence gives it.
    amount: String,
    /// The saving as a percentage of the other's cost.
    percent: f64,
    /// Said of a difference whose interval includes zero.
    noise: &'static str,
}

impl<'a> Reading<'a> {
    fn of(data: &'a ChartData<'a>) -> Self {
        let archs = &data.run.architectures[..];
        let candidates = (0..archs.len())
            .map(|i| Candidate {
                cost_per_month_usd: archs[i].cost.per_month_usd,
                meets_slo: data.meets(i),
            })
            .collect();
        Reading {
            data,
            archs,
            p: data.percentile(),
            n: data.replications(),
            candidates,
        }
    }

    fn replicated(&self) -> bool {
        self.n > 1
    }

    /// What a sentence adds with replications (nothing for a single run).
    fn if_replicated(&self, phrase: impl FnOnce(u32) -> String) -> String {
        if self.replicated() {
            phrase(self.n)
        } else {
            String::new()
        }
    }

    fn name(&self, i: usize) -> String {
        format!("**{}**", esc(&self.archs[i].name))
    }

    /// "$579.70/month"; with replications "$579.70 ± 0.55/month".
    fn cost(&self, i: usize) -> String {
        let a = &self.archs[i];
        let usd = if self.replicated() {
            fmt_usd_pm(decision::cost_per_month(a))
        } else {
            fmt_usd(a.cost.per_month_usd)
        };
        format!("{usd}/month")
    }

    /// The latency at the SLO percentile.
    fn latency(&self, i: usize) -> String {
        if self.replicated() {
            fmt_ms_pm(decision::slo_latency(
                self.data.slo.as_ref(),
                &self.archs[i],
            ))
        } else {
            fmt_ms(self.data.latency_ms(i))
        }
    }

    fn errors(&self, i: usize) -> String {
        let a = &self.archs[i];
        if self.replicated() {
            error_pm(decision::error_rate(a))
        } else {
            pct(a.error_rate)
        }
    }

    /// The cost and latency of `i` as a recommendation cites them, with
    /// its error rate if `errors`: "$579.70/month (p99 822 ms, errors 0.00%)".
    fn figures(&self, i: usize, errors: bool) -> String {
        let errors = if errors {
            format!(", errors {}", self.errors(i))
        } else {
            String::new()
        };
        format!("{} ({} {}{errors})", self.cost(i), self.p, self.latency(i))
    }

    /// The verb for failing the SLO for sure: a single run "breaks" it;
    /// with replications an architecture "misses" it, interval and all.
    fn fails(&self) -> &'static str {
        if self.replicated() {
            "misses"
        } else {
            "breaks"
        }
    }

    /// Why `i` fails the SLO, as [`Self::fails`] says it does.
    fn why_fails(&self, slo: &Slo, i: usize) -> String {
        if self.replicated() {
            why_misses(slo, &self.archs[i])
        } else {
            why_breaks(slo, &self.archs[i])
        }
    }

    /// The verdict on another architecture, after "which".
    fn standing(&self, slo: &Slo, o: usize) -> String {
        match self.data.verdict(o) {
            Some(Verdict::Meets) => "also meets the SLO".to_string(),
            Some(Verdict::Uncertain) => format!(
                "may or may not meet the SLO: {}",
                why_uncertain(slo, &self.archs[o])
            ),
            _ => format!("{} the SLO: {}", self.fails(), self.why_fails(slo, o)),
        }
    }

    /// The architectures whose verdict is uncertain (only with
    /// replications: a single run meets or breaks the SLO).
    fn uncertain(&self) -> Vec<usize> {
        (0..self.archs.len())
            .filter(|&i| self.data.verdict(i) == Some(Verdict::Uncertain))
            .collect()
    }

    fn no_slo(&self, md: &mut String) {
        let cheapest = decision::cheapest_meeting_slo(&self.candidates).unwrap_or(0);
        let _ = writeln!(
            md,
            "The scenario sets no `[slo]`, so no architecture is ruled out. The cheapest is {} at {}{}. Add an `[slo]` table to get a recommendation.\n",
            self.name(cheapest),
            self.figures(cheapest, false),
            self.if_replicated(|n| format!(", means of {n} replications")),
        );
    }

    /// The recommendation of `best`, what it saves against each other
    /// architecture, and whether a cheaper one could still overturn it.
    fn recommend(&self, md: &mut String, slo: &Slo, best: usize) {
        let confidence =
            self.if_replicated(|n| format!(" with 95 % confidence over {n} replications"));
        let _ = writeln!(
            md,
            "{} is the cheapest architecture that meets the SLO ({slo}){confidence}, at {}.\n",
            self.name(best),
            self.figures(best, true),
        );
        for s in self.savings(best) {
            let _ = writeln!(md, "- It {}.", self.against(slo, &s));
        }
        if self.archs.len() > 1 {
            md.push('\n');
        }
        self.unsettled(md, best);
    }

    /// What `best` saves against every other architecture, in order.
    fn savings(&self, best: usize) -> Vec<Saving> {
        if !self.replicated() {
            return decision::savings(&self.candidates, best)
                .into_iter()
                .map(|s| Saving {
                    other: s.other,
                    usd: s.usd_per_month,
                    none: s.usd_per_month == 0.0,
                    amount: fmt_usd(s.usd_per_month.abs()),
                    percent: s.fraction * 100.0,
                    noise: "",
                })
                .collect();
        }
        (0..self.archs.len())
            .filter(|&o| o != best)
            .map(|o| {
                // The other minus the best: positive when the best saves.
                let d =
                    decision::compare(self.p, &self.archs[o], &self.archs[best]).cost_per_month_usd;
                let of = self.archs[o].cost.per_month_usd;
                Saving {
                    other: o,
                    usd: d.mean,
                    none: is_nil(d),
                    amount: fmt_usd_diff(d),
                    percent: if of > 0.0 { d.mean / of * 100.0 } else { 0.0 },
                    noise: if d.excludes_zero() || is_nil(d) {
                        ""
                    } else {
                        " (not a significant difference)"
                    },
                }
            })
            .collect()
    }

    /// "saves $93/month (14%) against **k8s**, which also meets the SLO".
    fn against(&self, slo: &Slo, s: &Saving) -> String {
        let (other, noise) = (self.name(s.other), s.noise);
        let which = self.standing(slo, s.other);
        if s.none {
            format!("costs the same as {other}, which {which}")
        } else if s.usd > 0.0 {
            format!(
                "saves {}/month{noise} ({:.0}%) against {other}, which {which}",
                s.amount, s.percent
            )
        } else {
            format!(
                "costs {}/month more{noise} than {other}, which {which}",
                s.amount
            )
        }
    }

    /// With replications: a warning when an architecture cheaper than
    /// `best` has an uncertain verdict, as more replications could make it
    /// the choice.
    fn unsettled(&self, md: &mut String, best: usize) {
        let cheaper: Vec<String> = self
            .uncertain()
            .into_iter()
            .filter(|&u| self.archs[u].cost.per_month_usd < self.archs[best].cost.per_month_usd)
            .map(|u| self.name(u))
            .collect();
        if !cheaper.is_empty() {
            let _ = writeln!(
                md,
                "The decision is not settled: {} {} cheaper and may meet the SLO too, but {} replications cannot tell. Run with `--replications {}` to narrow the intervals.\n",
                cheaper.join(", "),
                if cheaper.len() == 1 { "is" } else { "are" },
                self.n,
                decision::more_replications(self.n),
            );
        }
    }

    /// Why no architecture meets the SLO: with replications, the
    /// cheapest whose verdict is uncertain if there is one, as more
    /// replications could tell; else the fastest and why it fails.
    fn none_meets(&self, md: &mut String, slo: &Slo) {
        let archs = self.archs;
        let cheapest_uncertain = self.uncertain().into_iter().min_by(|&i, &j| {
            archs[i]
                .cost
                .per_month_usd
                .total_cmp(&archs[j].cost.per_month_usd)
                .then(i.cmp(&j))
        });
        if let Some(u) = cheapest_uncertain {
            let _ = writeln!(
                md,
                "No architecture meets the SLO ({slo}) with 95 % confidence over {} replications, but the decision hangs on {}: the cheapest whose verdict is uncertain ({}), as {}. Run with `--replications {}` to tell.\n",
                self.n,
                self.name(u),
                self.cost(u),
                why_uncertain(slo, &archs[u]),
                decision::more_replications(self.n),
            );
            return;
        }
        let fastest = (0..archs.len())
            .min_by(|&i, &j| self.data.latency_ms(i).total_cmp(&self.data.latency_ms(j)))
            .unwrap_or(0);
        let every = self.if_replicated(|n| {
            format!(": over {n} replications, every one misses it with 95 % confidence")
        });
        let _ = writeln!(
            md,
            "No architecture meets the SLO ({slo}){every}. The fastest at {} is {} ({}, {}), which {} it: {}. Add capacity or relax the SLO.\n",
            self.p,
            self.name(fastest),
            self.latency(fastest),
            self.cost(fastest),
            self.fails(),
            self.why_fails(slo, fastest),
        );
    }
}
