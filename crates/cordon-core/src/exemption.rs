//! Whether a resource may be touched, read live from its tags just before acting: an
//! exempt resource is left alone, and an unreadable answer means no action.

/// Whether a resource may be touched, as its tags say now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exemption {
    NotExempt,
    /// Tagged exempt: `key=value`.
    Exempt(String),
    /// The tags could not be read: cordon does not act (fail closed).
    Unknown(String),
    /// The resource no longer exists (a user, role or group deleted since): nothing
    /// left to contain.
    PrincipalMissing,
}

impl Exemption {
    /// Tagged `key` with any value but `false` means hands off.
    pub fn from_tags(tags: &[(String, String)], key: &str) -> Self {
        tags.iter()
            .find(|(k, v)| k == key && !v.eq_ignore_ascii_case("false"))
            .map_or(Self::NotExempt, |(k, v)| Self::Exempt(format!("{k}={v}")))
    }
}
