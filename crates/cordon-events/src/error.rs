use thiserror::Error;

/// Why an event was rejected. Every variant names where the problem is, so an operator
/// can fix the producer (or the fixture) without reading cordon's source.
#[derive(Debug, Error)]
pub enum ParseError {
    #[error("event is not valid JSON: {0}")]
    Json(#[source] serde_json::Error),
    #[error("event field `{path}`: {message}")]
    Field { path: String, message: String },
}

impl ParseError {
    pub(crate) fn field(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Field {
            path: path.into(),
            message: message.into(),
        }
    }

    /// Converts a serde error carrying its path, prefixing the path of the enclosing value.
    /// A missing field is named by its own path, not its parent's.
    pub(crate) fn from_path(
        prefix: &str,
        err: serde_path_to_error::Error<serde_json::Error>,
    ) -> Self {
        let inner = err.path().to_string();
        let message = err.into_inner().to_string();
        // serde appends " at line X column Y", which points into a re-serialised value.
        let message = match message.find(" at line ") {
            Some(cut) => message[..cut].to_owned(),
            None => message,
        };
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'));
        let path = [prefix, inner.as_str(), missing.unwrap_or("")]
            .into_iter()
            .filter(|part| !part.is_empty() && *part != ".")
            .collect::<Vec<_>>()
            .join(".");
        let path = if path.is_empty() {
            "<root>".to_owned()
        } else {
            path
        };
        let message = if missing.is_some() {
            "missing".to_owned()
        } else {
            message
        };
        Self::field(path, message)
    }
}
