//! The error a user sees for a bad input file (a scenario or a price
//! file): which file, which line, which key, and what was expected, in one
//! paragraph.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    pub file: PathBuf,
    /// 1-based line of the offending key or value, when known.
    pub line: Option<usize>,
    /// Dotted key path, e.g. `architectures[1].servers`.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid scenario {}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ", key `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// One file being read: builds its errors, turning byte spans into line
/// numbers, and resolves the paths written in it.
pub(crate) struct ErrorContext<'a> {
    pub file: &'a Path,
    pub text: &'a str,
}

impl ErrorContext<'_> {
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    pub fn at(
        &self,
        span: Option<Range<usize>>,
        key: &str,
        message: impl Into<String>,
    ) -> ScenarioError {
        ScenarioError {
            file: self.file.to_path_buf(),
            line: span.map(|s| self.line_of(s.start)),
            key: (!key.is_empty()).then(|| key.to_string()),
            message: message.into(),
        }
    }

    /// Reads the whole text as a `T`; a TOML or type error names its line
    /// and key.
    pub fn deserialize<T: serde::de::DeserializeOwned>(&self) -> Result<T, ScenarioError> {
        let de = toml::de::Deserializer::parse(self.text).map_err(|e| self.toml_error(&e, ""))?;
        serde_path_to_error::deserialize(de).map_err(|e| {
            // `Spanned` values show up in the path as a private field: hide it.
            let key = e
                .path()
                .to_string()
                .replace(".$__serde_spanned_private_value", "");
            self.toml_error(e.inner(), if key == "." { "" } else { &key })
        })
    }

    pub fn toml_error(&self, e: &toml::de::Error, key: &str) -> ScenarioError {
        let message = e.message().trim().replace('\n', " ");
        self.at(e.span(), key, message)
    }

    pub fn whole_file(&self, message: impl Into<String>) -> ScenarioError {
        self.at(None, "", message)
    }

    /// A path written in this file (a trace, a price file), resolved
    /// against the file's folder as a person reading it would.
    pub fn resolve(&self, written: &str) -> PathBuf {
        let p = Path::new(written);
        match self.file.parent() {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }
}
