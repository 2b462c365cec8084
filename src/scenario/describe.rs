//! What `scalesim check` prints: the resolved scenario in words, one
//! section per part and one line per architecture (with its functions or
//! services below it), plus the notes on fleets sized from the demand.

use super::{ArchitectureSpec, Scenario};
use crate::time::SimTime;
use std::fmt::Write as _;

/// What `check` says about an architecture of a kind; each kind
/// implements it in its `describe` file.
pub trait Describe {
    /// Its line, and the lines of its parts below it, under
    /// `architectures`.
    fn describe(&self, out: &mut String, name: &str, s: &Scenario);

    /// What a size derived from the demand resolved to, if one was.
    fn sizing_note(&self, _name: &str) -> Option<String> {
        None
    }

    /// Its servers and their interruptions, if they run on spot.
    fn spot_note(&self, _name: &str) -> Option<String> {
        None
    }
}

impl Scenario {
    /// One line per architecture whose size was derived from the demand,
    /// so the user sees what "sized for the peak" resolved to.
    pub fn sizing_notes(&self) -> Vec<String> {
        let notes = |note: fn(&ArchitectureSpec, &str) -> Option<String>| {
            self.architectures
                .iter()
                .filter_map(move |a| note(&a.spec, &a.name))
        };
        notes(|spec, name| crate::dispatch!(ArchitectureSpec, spec, x => x.sizing_note(name)))
            .chain(notes(
                |spec, name| crate::dispatch!(ArchitectureSpec, spec, x => x.spot_note(name)),
            ))
            .collect()
    }

    /// A human description of the resolved scenario, for `scalesim check`.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        self.describe_run(&mut s);
        self.describe_services(&mut s);
        if let Some(slo) = &self.slo {
            let _ = writeln!(s, "slo        {slo}");
        }
        if let Some(line) = self.prices.describe() {
            let _ = writeln!(s, "prices     {line}");
        }
        let _ = writeln!(s, "architectures");
        if !self.left_out.is_empty() {
            let _ = writeln!(
                s,
                "  ([report] takes these {}, in this order; left out: {})",
                self.architectures.len(),
                self.left_out.join(", ")
            );
        }
        for a in &self.architectures {
            crate::dispatch!(ArchitectureSpec, &a.spec, x => x.describe(&mut s, &a.name, self));
        }
        s
    }

    /// Name, duration and demand.
    fn describe_run(&self, s: &mut String) {
        let h = self.duration;
        let _ = writeln!(s, "scenario   {}", self.name);
        if !self.description.is_empty() {
            let _ = writeln!(s, "           {}", self.description);
        }
        let _ = writeln!(
            s,
            "duration   {} (warmup {}), window {}, seed {}",
            h, self.warmup, self.window, self.seed
        );
        // Only when asked for, so that `check` prints what it always has
        // for a single run.
        if self.replications > 1 {
            let _ = writeln!(
                s,
                "replications {} (independent seeds: every stream drawn from (seed, replication, purpose))",
                self.replications
            );
        }
        let p = &self.demand.profile;
        let _ = writeln!(
            s,
            "demand     {}, {} arrivals: mean {:.2} rps, peak {:.2} rps, {:.0} requests expected",
            self.demand.description,
            spelled(self.demand.arrivals),
            p.mean(h),
            p.peak(h),
            p.cumulative(h)
        );
    }

    /// The services, their calls, and what one request costs in work.
    fn describe_services(&self, s: &mut String) {
        let _ = writeln!(s, "services");
        for svc in &self.services {
            let calls: Vec<String> = svc
                .calls
                .iter()
                .map(|c| format!("{} ({:?})", self.services[c.service].name, c.mode).to_lowercase())
                .collect();
            let wait = svc.wait.as_ref().map_or(String::new(), |w| {
                format!(
                    ", then waits {} (mean {}) on I/O",
                    w.describe(),
                    SimTime::from_secs_f64(w.mean())
                )
            });
            let memory = svc.memory.map_or(String::new(), |m| {
                format!(
                    ", {} MB a request in progress on {} MB of base",
                    m.per_request_mb, m.base_mb
                )
            });
            let _ = writeln!(
                s,
                "  {:<12} work {} (mean {}){wait}{memory}{}",
                svc.name,
                svc.work.describe(),
                SimTime::from_secs_f64(svc.work.mean()),
                if calls.is_empty() {
                    String::new()
                } else {
                    format!(", calls {}", calls.join(", "))
                }
            );
        }
        let mean_work = SimTime::from_secs_f64(self.calls.mean_work(&self.services));
        if self.calls.entries.len() == 1 {
            let _ = writeln!(
                s,
                "  a request causes {} invocation(s), mean work {mean_work} at 1 vCPU",
                self.calls.len(),
            );
        } else {
            let _ = writeln!(
                s,
                "  requests enter at {} services (one per function), mean work {mean_work} at 1 vCPU",
                self.calls.entries.len(),
            );
        }
    }
}

/// A value as a scenario file spells it (`cpu`, `x86_64`,
/// `requests_per_server`, `mru`), from its Rust name: the words of a
/// CamelCase name, lower case, joined by underscores.
pub fn spelled(v: impl std::fmt::Debug) -> String {
    let name = format!("{v:?}");
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_lowercase());
    }
    out
}
