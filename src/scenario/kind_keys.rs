//! Which keys apply to which kind of architecture. An architecture table
//! accepts every architecture key (so that serde names the table's keys
//! when one is unknown); this is where a key that exists but does not fit
//! the table's kind is rejected.

use super::raw::RawArchitecture;
use super::values::Kind::{self, Autoscaled, Fleet, Microservices, Serverless};
use crate::file_error::{ErrorContext, ScenarioError};
use std::ops::Range;

/// Rejects keys that do not belong to the architecture's kind, naming the
/// first one found.
pub(super) fn check_kind_keys(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
) -> Result<(), ScenarioError> {
    let kind = *a.kind.get_ref();
    if let Some((k, span, _)) = given_keys(a)
        .into_iter()
        .find(|(_, _, kinds)| !kinds.contains(&kind))
    {
        return Err(ctx.at(
            span.or(Some(a.kind.span())),
            &format!("{key}.{k}"),
            format!("key `{k}` does not apply to kind = \"{}\"", kind_name(kind)),
        ));
    }
    Ok(())
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Fleet => "fleet",
        Serverless => "serverless",
        Autoscaled => "autoscaled",
        Microservices => "microservices",
    }
}

type Given = (&'static str, Option<Range<usize>>, &'static [Kind]);

/// The keys the table sets, with where and the kinds they apply to, in the
/// order they are checked (the first misplaced one is reported).
fn given_keys(a: &RawArchitecture) -> Vec<Given> {
    const SERVERLESS: &[Kind] = &[Serverless];
    const AUTOSCALED: &[Kind] = &[Autoscaled];
    let mut given: Vec<Given> = Vec::new();
    for (k, s) in a.function_keys().present() {
        // Microservices take the hop latency between their services too.
        let kinds: &[Kind] = if k == "hop_latency" {
            &[Serverless, Microservices]
        } else {
            SERVERLESS
        };
        given.push((k, Some(s), kinds));
    }
    macro_rules! key {
        ($f:ident, $kinds:expr) => {
            if let Some(x) = &a.$f {
                given.push((stringify!($f), Some(x.span()), $kinds));
            }
        };
    }
    key!(concurrency_limit, SERVERLESS);
    key!(call_mode, SERVERLESS);
    key!(gateway, SERVERLESS);
    key!(gateway_latency, SERVERLESS);
    key!(free_tier, SERVERLESS);
    key!(platform, SERVERLESS);
    key!(billing, SERVERLESS);
    key!(vcpus, SERVERLESS);
    key!(functions, SERVERLESS);
    key!(servers, &[Fleet, Microservices]);
    key!(services, &[Microservices]);
    key!(queue_limit, &[Fleet, Autoscaled, Microservices]);
    key!(timeout, &[Fleet, Autoscaled, Microservices]);
    key!(market, &[Fleet, Autoscaled, Microservices]);
    key!(spot, &[Fleet, Autoscaled, Microservices]);
    for (k, s) in a.autoscaling_keys().present() {
        given.push((k, Some(s), AUTOSCALED));
    }
    if a.instance.is_some() {
        // `instance` is read without its position: report the kind's line.
        given.push(("instance", None, &[Fleet, Autoscaled, Microservices]));
    }
    given
}
