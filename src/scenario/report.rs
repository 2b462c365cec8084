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
    let listed: Vec<&str> = names
        .get_ref()
        .iter()
        .map(|n| n.get_ref().as_str())
        .collect();
    pick(&listed, &mut all, "the file's")
        .map_err(|(i, why)| ctx.at(Some(names.get_ref()[i].span()), KEY, why))
}

/// The architectures `names` names, in that order, and the names of the
/// others, taken out of `all`; or, leaving `all` as it was, the index of
/// the first bad name and why (`whose`: "the file's", "the scenario's").
fn pick(
    names: &[&str],
    all: &mut Vec<Architecture>,
    whose: &str,
) -> Result<(Vec<Architecture>, Vec<String>), (usize, String)> {
    let mut chosen = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let n = name.trim();
        if names[..i].iter().any(|m| m.trim() == n) {
            return Err((i, format!("architecture \"{n}\" is named twice")));
        }
        let Some(at) = all.iter().position(|a| a.name == n) else {
            let known: Vec<&str> = all.iter().map(|a| a.name.as_str()).collect();
            return Err((
                i,
                format!(
                    "no architecture is named \"{n}\"; {whose} are {}",
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
        let listed: Vec<&str> = names.iter().map(String::as_str).collect();
        let (kept, left) = pick(&listed, &mut self.architectures, "the scenario's")
            .map_err(|(_, why)| format!("--only: {why}"))?;
        self.architectures = kept;
        self.left_out.extend(left);
        Ok(())
    }
}
