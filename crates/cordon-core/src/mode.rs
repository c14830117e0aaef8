//! Whether a function acts or only plans and reports: the operator's switch.

use serde::Serialize;
use std::str::FromStr;

/// Whether a function acts (`enforce`) or only plans and reports (`dry-run`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    Enforce,
    DryRun,
}

impl FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "enforce" => Ok(Self::Enforce),
            "dry-run" => Ok(Self::DryRun),
            other => Err(format!(
                "unknown mode `{other}` (expected enforce or dry-run)"
            )),
        }
    }
}
