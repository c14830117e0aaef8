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

/// Who cordon never touches, whatever a finding says: anything tagged `exempt_tag`
/// (read live), and the break-glass principals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandsOff {
    pub exempt_tag: String,
    /// User or role names, or their ARNs (any path, any partition).
    pub break_glass: Vec<String>,
}

/// Whether `principal` of `account` is on the break-glass list: by name, or by an ARN
/// naming it in any partition (`aws`, `aws-cn`, `aws-us-gov`) and under any path.
pub(crate) fn is_break_glass(
    principal: &crate::ports::Principal,
    account: &cordon_events::AccountId,
    break_glass: &[String],
) -> bool {
    let kind = match principal {
        crate::ports::Principal::User(_) => "user",
        crate::ports::Principal::Role(_) => "role",
    };
    let name = principal.name();
    break_glass.iter().any(|entry| {
        let entry = entry.trim();
        entry == name || arn_names(entry, account.as_str(), kind, name)
    })
}

/// `arn:<partition>:iam::<account>:<kind>/<path/><name>`.
fn arn_names(arn: &str, account: &str, kind: &str, name: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, owner, resource] = parts[..] else {
        return false;
    };
    prefix == "arn"
        && partition.starts_with("aws")
        && service == "iam"
        && region.is_empty()
        && owner == account
        && resource.split_once('/').is_some_and(|(k, path_and_name)| {
            k == kind && path_and_name.rsplit('/').next() == Some(name)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::Principal;

    #[test]
    fn break_glass_matches_by_name_or_by_arn_in_any_path_and_partition() {
        let account: cordon_events::AccountId = "123456789012".parse().unwrap();
        let admin = Principal::Role("Admin".into());
        for entry in [
            "Admin",
            "arn:aws:iam::123456789012:role/Admin",
            "arn:aws:iam::123456789012:role/emergency/Admin",
            "arn:aws-us-gov:iam::123456789012:role/Admin",
            "arn:aws-cn:iam::123456789012:role/a/b/Admin",
        ] {
            assert!(
                is_break_glass(&admin, &account, &[entry.to_owned()]),
                "{entry}"
            );
        }
        for entry in [
            "Admin2",
            "arn:aws:iam::210987654321:role/Admin",
            "arn:aws:iam::123456789012:user/Admin",
            "arn:aws:iam::123456789012:role/Admin/other",
            "arn:aws:sts::123456789012:role/Admin",
            "arn:aws:iam::123456789012:role/",
        ] {
            assert!(
                !is_break_glass(&admin, &account, &[entry.to_owned()]),
                "{entry}"
            );
        }
    }
}
