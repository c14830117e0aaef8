use thiserror::Error;

/// A malformed event pattern. `path` is the dotted field path inside the pattern
/// (`<root>` for the pattern itself), so a template author can find the offending rule
/// line without reading the matcher.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid event pattern at `{path}`: {reason}")]
pub struct PatternError {
    path: String,
    reason: String,
}

impl PatternError {
    pub(crate) fn new(path: &str, reason: impl Into<String>) -> Self {
        let path = if path.is_empty() { "<root>" } else { path };
        Self {
            path: path.to_owned(),
            reason: reason.into(),
        }
    }

    /// Dotted path of the offending field inside the pattern.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong with it.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// Why a SAM template could not be turned into routes. Locations are dotted template
/// paths (`Resources.Fn.Properties.Events.Ev...`).
#[derive(Debug, Error)]
pub enum RulesError {
    #[error("template is not valid YAML: {0}")]
    Yaml(#[source] serde_norway::Error),
    #[error("template `{at}`: {reason}")]
    Template { at: String, reason: String },
    #[error(
        "template `{at}`: `{intrinsic}` cannot be evaluated offline; a pattern may only use \
         `!Ref` to a template parameter that has a `Default`"
    )]
    UnsupportedIntrinsic { at: String, intrinsic: String },
    #[error("template `{at}`: `!Ref {name}` {reason}")]
    UnresolvedRef {
        at: String,
        name: String,
        reason: &'static str,
    },
    #[error("function `{function}`, event `{event}`: {error}")]
    Pattern {
        function: String,
        event: String,
        error: PatternError,
    },
}

impl RulesError {
    pub(crate) fn template(at: &str, reason: impl Into<String>) -> Self {
        Self::Template {
            at: at.to_owned(),
            reason: reason.into(),
        }
    }
}
