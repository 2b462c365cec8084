//! A scenario's `region` and `price_files`: which prices it is read with.
//!
//! Both are read before anything is validated: every name the scenario
//! gives (`instance = "m5.large"`, a Lambda architecture, a gateway) is
//! then resolved against the [`Prices`] they make, passed explicitly.

use super::raw::RawScenario;
use crate::file_error::{ErrorContext, ScenarioError};
use crate::pricing::catalog::{DEFAULT_REGION, Prices};
use crate::pricing::price_files::Catalog;
use std::path::PathBuf;

/// What a scenario is priced with.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceScope {
    /// Where instance, Lambda, Fargate, gateway and transfer names are
    /// looked up (Cloud Run keeps its Tier 1 prices).
    pub region: String,
    /// The scenario's own price files, as resolved paths, in file order.
    pub files: Vec<PathBuf>,
}

impl PriceScope {
    /// Whether the scenario prices anything differently from the defaults.
    pub fn is_default(&self) -> bool {
        self.region == DEFAULT_REGION && self.files.is_empty()
    }

    /// One line for `check` and the report, unless the scenario keeps the
    /// defaults (which every price note's source already names).
    pub fn describe(&self) -> Option<String> {
        if self.is_default() {
            return None;
        }
        let mut line = format!("region {}", self.region);
        if !self.files.is_empty() {
            let files: Vec<String> = self.files.iter().map(|f| f.display().to_string()).collect();
            line.push_str(&format!(
                ", with the price files {} before the bundled ones",
                files.join(", ")
            ));
        }
        Some(line)
    }
}

/// Reads `region` and `price_files`, loads and checks those files, and
/// checks that some price file describes the region.
pub(super) fn read(
    raw: &RawScenario,
    ctx: &ErrorContext,
) -> Result<(PriceScope, Prices), ScenarioError> {
    let mut own = Catalog::default();
    let mut files = Vec::new();
    if let Some(list) = &raw.price_files {
        for (i, entry) in list.get_ref().iter().enumerate() {
            let key = format!("price_files[{i}]");
            let path = ctx.resolve(entry.get_ref());
            // Entries listed twice across the scenario's files are refused,
            // as in the bundled ones; an entry that prices a bundled one
            // again replaces it, which is what such a file is for.
            own.read_file(&path)
                .map_err(|m| ctx.at(Some(entry.span()), &key, m))?;
            files.push(path);
        }
    }
    let region = match &raw.region {
        None => DEFAULT_REGION.to_string(),
        Some(r) => {
            let name = r.get_ref().trim();
            if name.is_empty() {
                return Err(ctx.at(
                    Some(r.span()),
                    "region",
                    "expected a region name such as \"us-east-1\"",
                ));
            }
            name.to_string()
        }
    };
    let prices = Prices::new(&region, own);
    let known = prices.regions();
    if !known.contains(&region) {
        let span = raw.region.as_ref().map(|r| r.span());
        return Err(ctx.at(
            span,
            "region",
            format!(
                "no price file describes region \"{region}\"; the price files describe {}. Add a price file for it (same format as `assets/prices/`) and list it in `price_files = [\"...\"]`. (`region` is the AWS region of EC2, Lambda, Fargate and transfer prices; Cloud Run always uses its Tier 1 prices.)",
                known.join(", ")
            ),
        ));
    }
    Ok((PriceScope { region, files }, prices))
}

/// Resolves every `instance` the file names, where it is written (an
/// architecture, or one service of a microservices architecture), so that
/// a name the region lacks is reported at its own key before anything
/// else is validated. The validation of each fleet resolves it again for
/// its use, with the same prices.
pub(super) fn check_instances(
    raw: &RawScenario,
    ctx: &ErrorContext,
    prices: &Prices,
) -> Result<(), ScenarioError> {
    for (i, a) in raw.architectures.iter().enumerate() {
        let key = format!("architectures[{i}]");
        let services = a.services.as_ref().map(|s| s.get_ref());
        let written = a.instance.iter().map(|w| (key.clone(), w)).chain(
            services.into_iter().flatten().filter_map(|(name, table)| {
                let w = table.get_ref().instance.as_ref()?;
                Some((format!("{key}.services.{name}"), w))
            }),
        );
        for (key, w) in written {
            w.get_ref()
                .resolve(prices)
                .map_err(|m| ctx.at(Some(w.span()), &format!("{key}.instance"), m))?;
        }
    }
    Ok(())
}
