//! The `[report]` table: which of the file's architectures a run, sweep
//! or plan takes, and in what order they are drawn and reported
//! (`architectures = ["lambda", "fleet-sp3y"]`), and the size of the
//! charts (`chart_size`: a slide's 16:9, a document's 4:3, or pixels). A
//! study keeps every architecture it ever compared in one file and puts
//! on the slide the few the decision is between.

use super::Scenario;
use super::architecture::Architecture;
use crate::file_error::{ErrorContext, ScenarioError};
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    pub architectures: Option<Spanned<Vec<Spanned<String>>>>,
    pub chart_size: Option<Spanned<String>>,
}

/// Charts for a slide: 1600 × 900 pixels (16:9).
pub const SLIDE: (u32, u32) = (1600, 900);
/// Charts for a document page: 1600 × 1200 pixels (4:3).
const PAGE: (u32, u32) = (1600, 1200);
/// The sides a chart may have, in pixels: below, its text no longer fits;
/// above, a PNG grows past what a slide deck wants.
const SIDES: std::ops::RangeInclusive<u32> = 800..=4000;

/// `chart_size`: "16:9" (the default), "4:3", or "WIDTHxHEIGHT" in pixels.
pub(super) fn chart_size(
    raw: Option<&RawReport>,
    ctx: &ErrorContext,
) -> Result<(u32, u32), ScenarioError> {
    let Some(size) = raw.and_then(|r| r.chart_size.as_ref()) else {
        return Ok(SLIDE);
    };
    let text = size.get_ref().trim();
    let parsed = match text {
        "16:9" => Some(SLIDE),
        "4:3" => Some(PAGE),
        _ => text
            .split_once('x')
            .and_then(|(w, h)| Some((w.trim().parse().ok()?, h.trim().parse().ok()?))),
    };
    match parsed {
        Some((w, h)) if SIDES.contains(&w) && SIDES.contains(&h) => Ok((w, h)),
        _ => Err(ctx.at(
            Some(size.span()),
            "report.chart_size",
            format!(
                "expected \"16:9\" (1600x900, a slide), \"4:3\" (1600x1200, a page) or \
                 WIDTHxHEIGHT in pixels, each side {} to {}, found \"{text}\"",
                SIDES.start(),
                SIDES.end()
            ),
        )),
    }
}

/// The architectures `report.architectures` names, in its order (all of
/// them, in file order, without it), and the names of those it leaves
/// out. Every name must be one of the file's, once.
pub(super) fn select(
    raw: Option<&RawReport>,
    mut all: Vec<Architecture>,
    ctx: &ErrorContext,
) -> Result<(Vec<Architecture>, Vec<String>), ScenarioError> {
    let Some(names) = raw.and_then(|r| r.architectures.as_ref()) else {
        return Ok((all, Vec::new()));
    };
    const KEY: &str = "report.architectures";
    if names.get_ref().is_empty() {
        return Err(ctx.at(
            Some(names.span()),
            KEY,
            "expected at least one architecture name (leave the key out to take them all)",
        ));
    }
    let mut chosen = Vec::with_capacity(names.get_ref().len());
    for (i, name) in names.get_ref().iter().enumerate() {
        let n = name.get_ref().trim();
        if names.get_ref()[..i].iter().any(|m| m.get_ref().trim() == n) {
            return Err(ctx.at(
                Some(name.span()),
                KEY,
                format!("architecture \"{n}\" is named twice"),
            ));
        }
        let Some(at) = all.iter().position(|a| a.name == n) else {
            let known: Vec<&str> = all.iter().map(|a| a.name.as_str()).collect();
            return Err(ctx.at(
                Some(name.span()),
                KEY,
                format!(
                    "no architecture is named \"{n}\"; the file's are {}",
                    known.join(", ")
                ),
            ));
        };
        chosen.push(at);
    }
    let mut taken: Vec<Option<Architecture>> = all.drain(..).map(Some).collect();
    let selected = chosen
        .into_iter()
        .map(|i| taken[i].take().expect("each named once"))
        .collect();
    let left_out = taken.into_iter().flatten().map(|a| a.name).collect();
    Ok((selected, left_out))
}

impl Scenario {
    /// Keeps only the architectures `names` (`--only`) in that order, as
    /// `[report] architectures` does; the others join `left_out`. A name
    /// must be one of the scenario's, once.
    pub fn only(&mut self, names: &[String]) -> Result<(), String> {
        if names.is_empty() {
            return Ok(());
        }
        let mut keep = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let n = name.trim();
            if names[..i].iter().any(|m| m.trim() == n) {
                return Err(format!("--only: architecture \"{n}\" is named twice"));
            }
            let Some(at) = self.architectures.iter().position(|a| a.name == n) else {
                let known: Vec<&str> = self.architectures.iter().map(|a| a.name.as_str()).collect();
                return Err(format!(
                    "--only: no architecture is named \"{n}\"; the scenario's are {}",
                    known.join(", ")
                ));
            };
            keep.push(at);
        }
        let mut taken: Vec<Option<Architecture>> = self.architectures.drain(..).map(Some).collect();
        self.architectures = keep
            .into_iter()
            .map(|i| taken[i].take().expect("each named once"))
            .collect();
        self.left_out
            .extend(taken.into_iter().flatten().map(|a| a.name));
        Ok(())
    }
}
