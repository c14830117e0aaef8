//! The credential a GuardDuty IAM finding is about (`resource.accessKeyDetails`).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessKeyDetails {
    /// Absent or a placeholder in some findings (console sessions, sample findings).
    #[serde(default)]
    pub access_key_id: Option<AccessKeyId>,
    #[serde(default)]
    pub principal_id: Option<String>,
    /// The IAM user, or for `AssumedRole` the role's name.
    #[serde(default)]
    pub user_name: Option<String>,
    /// CloudTrail's identity types; an open set (`IAMUser`, `AssumedRole`, `Root`,
    /// `FederatedUser`, `AWSService`...).
    #[serde(default)]
    pub user_type: Option<String>,
}

/// An access key id: letters and digits, 16 to 128 of them (IAM's documented form).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccessKeyId(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessKeyKind {
    /// `AKIA…`: an IAM user's key; it can be deactivated.
    LongTerm,
    /// `ASIA…`: from STS; it cannot be deactivated, only its sessions denied.
    Temporary,
    /// Anything else (GuardDuty sample findings use placeholders).
    Unknown,
}

impl AccessKeyId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> AccessKeyKind {
        if self.0.starts_with("AKIA") {
            AccessKeyKind::LongTerm
        } else if self.0.starts_with("ASIA") {
            AccessKeyKind::Temporary
        } else {
            AccessKeyKind::Unknown
        }
    }
}

impl TryFrom<String> for AccessKeyId {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        let ok =
            (16..=128).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric());
        if ok {
            Ok(Self(value))
        } else {
            Err(format!(
                "`{value}` is not a valid AccessKeyId (expected 16 to 128 letters and digits)"
            ))
        }
    }
}

impl std::str::FromStr for AccessKeyId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::try_from(s.to_owned())
    }
}

impl From<AccessKeyId> for String {
    fn from(id: AccessKeyId) -> String {
        id.0
    }
}

impl fmt::Display for AccessKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_told_apart_by_prefix() {
        let long: AccessKeyId = "AKIAIOSFODNN7EXAMPLE".parse().unwrap();
        let temporary: AccessKeyId = "ASIAIOSFODNN7EXAMPLE".parse().unwrap();
        let sample: AccessKeyId = "GeneratedFindingAccessKeyId".parse().unwrap();
        assert_eq!(long.kind(), AccessKeyKind::LongTerm);
        assert_eq!(temporary.kind(), AccessKeyKind::Temporary);
        assert_eq!(sample.kind(), AccessKeyKind::Unknown);
    }

    #[test]
    fn malformed_keys_are_refused() {
        for bad in ["AKIA", "AKIA IOSFODNN7EXAMPLE", "AKIA-IOSFODNN7EXAMPLE", ""] {
            assert!(bad.parse::<AccessKeyId>().is_err(), "{bad}");
        }
    }
}
