//! The `[[services]]` tables, or the services a multi-function trace
//! defines: names resolved, calls checked to form an acyclic graph.

use super::calls::CallTree;
use super::raw::{RawScenario, RawService};
use super::service::{Call, RequestMemory, Service};
use crate::demand::azure::AzureTrace;
use crate::file_error::{ErrorContext, ScenarioError};
use std::collections::HashMap;

pub(super) fn validate_services(
    raw: &RawScenario,
    ctx: &ErrorContext,
) -> Result<Vec<Service>, ScenarioError> {
    if raw.services.is_empty() {
        return Err(ctx.whole_file("expected at least one [[services]] table"));
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, s) in raw.services.iter().enumerate() {
        let name = s.name.get_ref().as_str();
        if name.trim().is_empty() {
            return Err(ctx.at(
                Some(s.name.span()),
                &format!("services[{i}].name"),
                "expected a non-empty name",
            ));
        }
        if index.insert(name, i).is_some() {
            return Err(ctx.at(
                Some(s.name.span()),
                &format!("services[{i}].name"),
                format!("service name \"{name}\" is used twice; names must be unique"),
            ));
        }
    }
    let mut services = Vec::with_capacity(raw.services.len());
    for (i, s) in raw.services.iter().enumerate() {
        let mut calls = Vec::new();
        for (j, c) in s.calls.iter().enumerate() {
            let target = c.service.get_ref().as_str();
            let key = format!("services[{i}].calls[{j}].service");
            let Some(&to) = index.get(target) else {
                let known: Vec<&str> = raw
                    .services
                    .iter()
                    .map(|s| s.name.get_ref().as_str())
                    .collect();
                return Err(ctx.at(
                    Some(c.service.span()),
                    &key,
                    format!(
                        "unknown service \"{target}\"; the services are: {}",
                        known.join(", ")
                    ),
                ));
            };
            calls.push(Call {
                service: to,
                mode: c.mode,
            });
        }
        services.push(Service {
            name: s.name.get_ref().clone(),
            work: s.work.0.clone(),
            wait: s.wait.as_ref().map(|w| w.0.clone()),
            calls,
            memory_mb: None,
            assumed_memory_mb: None,
            response_size: s.response_size.as_ref().map(|d| d.get_ref().0.clone()),
            outbound_size: s.outbound_size.as_ref().map(|d| d.get_ref().0.clone()),
            memory: service_memory(s, i, ctx)?,
        });
        if let (true, Some(r)) = (i > 0, &s.response_size) {
            return Err(ctx.at(
                Some(r.span()),
                &format!("services[{i}].response_size"),
                "only the entry service (the first) answers the client; a called service's response stays inside the region and is not billed. Use `outbound_size` for bytes a service sends to the internet itself",
            ));
        }
    }
    if let Some(cycle) = find_cycle(&services) {
        let names: Vec<&str> = cycle.iter().map(|&i| services[i].name.as_str()).collect();
        let first = cycle[0];
        return Err(ctx.at(
            Some(raw.services[first].name.span()),
            &format!("services[{first}].calls"),
            format!(
                "the call graph must be acyclic, but it has the cycle {}",
                names.join(" → ")
            ),
        ));
    }
    Ok(services)
}

/// The services of a multi-function trace: one per function, each an entry
/// with its share of the invocations, or all merged into one.
pub(super) fn trace_services(
    raw: &RawScenario,
    trace: &AzureTrace,
    ctx: &ErrorContext,
) -> Result<(Vec<Service>, CallTree), ScenarioError> {
    if let Some(s) = raw.services.first() {
        return Err(ctx.at(
            Some(s.name.span()),
            "services",
            "a multi-function trace (format = \"azure-functions-2019\" or \"azure-functions-2021\") defines the services: remove the [[services]] tables",
        ));
    }
    if trace.options.merge {
        let services = vec![Service {
            name: "functions".to_string(),
            work: trace.merged_work(),
            wait: None,
            calls: Vec::new(),
            memory_mb: None,
            assumed_memory_mb: assumed_memory(trace),
            response_size: None,
            outbound_size: None,
            memory: None,
        }];
        let calls = CallTree::build(&services).map_err(|m| ctx.at(None, "services", m))?;
        return Ok((services, calls));
    }
    let services: Vec<Service> = trace
        .functions
        .iter()
        .map(|f| Service {
            name: f.name.clone(),
            work: f.work.clone(),
            wait: None,
            calls: Vec::new(),
            memory_mb: f.memory_mb,
            assumed_memory_mb: assumed_memory(trace),
            response_size: None,
            outbound_size: None,
            memory: None,
        })
        .collect();
    let total = trace.requests as f64;
    let entries: Vec<(usize, f64)> = trace
        .functions
        .iter()
        .enumerate()
        .map(|(i, f)| (i, f.total as f64 / total))
        .collect();
    let calls =
        CallTree::build_entries(&services, &entries).map_err(|m| ctx.at(None, "services", m))?;
    Ok((services, calls))
}

/// A cycle in the call graph, as the list of services along it (first repeated last).
fn find_cycle(services: &[Service]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        s: usize,
        services: &[Service],
        marks: &mut [Mark],
        path: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        marks[s] = Mark::Open;
        path.push(s);
        for c in &services[s].calls {
            match marks[c.service] {
                Mark::Open => {
                    let start = path.iter().position(|&p| p == c.service).unwrap_or(0);
                    let mut cycle = path[start..].to_vec();
                    cycle.push(c.service);
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(cycle) = visit(c.service, services, marks, path) {
                        return Some(cycle);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks[s] = Mark::Done;
        None
    }
    let mut marks = vec![Mark::New; services.len()];
    for s in 0..services.len() {
        if marks[s] == Mark::New
            && let Some(c) = visit(s, services, &mut marks, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

/// A 2021 trace records durations but no memory: its functions get the
/// memory of one full vCPU unless something sets theirs, so that the
/// recorded durations replay unchanged on serverless as on a fleet.
fn assumed_memory(trace: &AzureTrace) -> Option<f64> {
    (trace.options.format == crate::demand::azure::AzureFormat::Invocations2021)
        .then_some(crate::pricing::catalog::lambda_defaults::MB_PER_VCPU)
}

/// `request_memory` and `base_memory` (which needs the first).
fn service_memory(
    s: &RawService,
    i: usize,
    ctx: &ErrorContext,
) -> Result<Option<RequestMemory>, ScenarioError> {
    let mb = |v: &toml::Spanned<String>, k: &str| {
        crate::time::parse_memory_mb(v.get_ref())
            .and_then(|mb| {
                if mb.is_finite() && (0.0..=1e9).contains(&mb) {
                    Ok(mb)
                } else {
                    Err(format!(
                        "expected a memory between 0 and 1PB, found {}",
                        v.get_ref()
                    ))
                }
            })
            .map_err(|e| ctx.at(Some(v.span()), &format!("services[{i}].{k}"), e))
    };
    match (&s.request_memory, &s.base_memory) {
        (None, None) => Ok(None),
        (None, Some(b)) => Err(ctx.at(
            Some(b.span()),
            &format!("services[{i}].base_memory"),
            "`base_memory` goes with `request_memory` (the memory of each request in progress)",
        )),
        (Some(r), b) => Ok(Some(RequestMemory {
            per_request_mb: mb(r, "request_memory")?,
            base_mb: b
                .as_ref()
                .map(|b| mb(b, "base_memory"))
                .transpose()?
                .unwrap_or(0.0),
        })),
    }
}
