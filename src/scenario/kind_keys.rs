//! Which keys apply to which kind of architecture. An architecture table
//! accepts every architecture key (so that serde names the table's keys
//! when one is unknown); this is where a key that exists but does not fit
//! the table's kind is rejected. Each kind says which keys it takes
//! ([`super::kind::KindSpec::KEYS`]).

use super::raw::RawArchitecture;
use crate::file_error::{ErrorContext, ScenarioError};
use std::ops::Range;

/// Which group an architecture key belongs to: the serverless keys (also
/// settable per function), the autoscaling keys (also settable per
/// service), the keys of any fleet of servers, or none but the table's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyGroup {
    Function,
    Autoscaling,
    Servers,
    Table,
}

/// The kind-specific keys a kind takes (every kind takes `name`, `kind`
/// and the data-transfer keys).
#[derive(Clone, Copy)]
pub struct Keys {
    /// Every key of these groups.
    pub groups: &'static [KeyGroup],
    /// And these, whatever their group.
    pub keys: &'static [&'static str],
}

impl Keys {
    pub fn accepts(&self, key: &str, group: KeyGroup) -> bool {
        self.groups.contains(&group) || self.keys.contains(&key)
    }
}

/// Rejects keys that `keys` (the table's kind's) does not hold, naming the
/// first one found.
pub(super) fn check_kind_keys(
    a: &RawArchitecture,
    key: &str,
    ctx: &ErrorContext,
    keys: &Keys,
) -> Result<(), ScenarioError> {
    let kind = *a.kind.get_ref();
    if let Some((k, span, _)) = given_keys(a)
        .into_iter()
        .find(|&(k, _, group)| !keys.accepts(k, group))
    {
        return Err(ctx.at(
            span.or(Some(a.kind.span())),
            &format!("{key}.{k}"),
            format!("key `{k}` does not apply to kind = \"{}\"", kind.name()),
        ));
    }
    Ok(())
}

type Given = (&'static str, Option<Range<usize>>, KeyGroup);

/// The kind-specific keys the table sets, with where and their group, in
/// the order they are checked (the first misplaced one is reported).
fn given_keys(a: &RawArchitecture) -> Vec<Given> {
    let mut given: Vec<Given> = Vec::new();
    for (k, s) in a.function_keys().present() {
        given.push((k, Some(s), KeyGroup::Function));
    }
    macro_rules! keys_of {
        ($group:expr; $($f:ident),*) => {
            $(if let Some(x) = &a.$f {
                given.push((stringify!($f), Some(x.span()), $group));
            })*
        };
    }
    macro_rules! key {
        ($($f:ident),*) => { keys_of!(KeyGroup::Table; $($f),*) };
    }
    macro_rules! server_key {
        ($($f:ident),*) => { keys_of!(KeyGroup::Servers; $($f),*) };
    }
    key!(
        concurrency_limit,
        call_mode,
        gateway,
        gateway_latency,
        free_tier,
        platform,
        billing,
        vcpus,
        functions,
        servers,
        services,
        cluster,
        control_plane,
        requests,
        limits
    );
    server_key!(queue_limit, concurrency, speed, timeout, market, spot);
    for (k, s) in a.autoscaling_keys().present() {
        given.push((k, Some(s), KeyGroup::Autoscaling));
    }
    if a.instance.is_some() {
        // `instance` is read without its position: report the kind's line.
        given.push(("instance", None, KeyGroup::Servers));
    }
    given
}
