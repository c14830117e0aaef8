//! Resource identifiers, checked for their documented form before any AWS call uses them.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! resource_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, String> {
                if is_prefixed_hex(&value, $prefix) {
                    Ok(Self(value))
                } else {
                    Err(format!(
                        "`{value}` is not a valid {} (expected `{}` followed by 8 or 17 hex digits)",
                        stringify!($name),
                        $prefix
                    ))
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::try_from(s.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

resource_id!(
    /// An EC2 instance id: `i-` and 8 or 17 hex digits.
    InstanceId, "i-"
);
resource_id!(
    /// An elastic network interface id.
    NetworkInterfaceId, "eni-"
);
resource_id!(
    /// A security group id.
    SecurityGroupId, "sg-"
);
resource_id!(
    /// A security group rule id.
    SecurityGroupRuleId, "sgr-"
);
resource_id!(
    /// A VPC id.
    VpcId, "vpc-"
);
resource_id!(
    /// A subnet id.
    SubnetId, "subnet-"
);

/// EC2 ids are a prefix and 8 (older resources) or 17 lowercase hex digits.
fn is_prefixed_hex(value: &str, prefix: &str) -> bool {
    value.strip_prefix(prefix).is_some_and(|hex| {
        matches!(hex.len(), 8 | 17)
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// A 12-digit AWS account id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountId(String);

impl AccountId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AccountId {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(value))
        } else {
            Err(format!(
                "`{value}` is not a valid AWS account id (expected 12 digits)"
            ))
        }
    }
}

impl std::str::FromStr for AccountId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::try_from(s.to_owned())
    }
}

impl From<AccountId> for String {
    fn from(id: AccountId) -> String {
        id.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_short_and_long_ec2_ids() {
        assert!(InstanceId::try_from("i-0123abcd".to_owned()).is_ok());
        assert!(InstanceId::try_from("i-0a1b2c3d4e5f60001".to_owned()).is_ok());
        assert!(NetworkInterfaceId::try_from("eni-0a1b2c3d4e5f60001".to_owned()).is_ok());
    }

    #[test]
    fn rejects_ids_of_the_wrong_form() {
        for bad in [
            "i-XYZ",
            "i-0123ABCD",
            "i-",
            "eni-0123abcd",
            "i-0123abcd0",
            "0123abcd",
        ] {
            assert!(InstanceId::try_from(bad.to_owned()).is_err(), "{bad}");
        }
        let err = VpcId::try_from("sg-0123abcd".to_owned()).unwrap_err();
        assert!(err.contains("VpcId") && err.contains("vpc-"), "{err}");
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(AccountId::try_from("123456789012".to_owned()).is_ok());
        for bad in ["12345", "1234567890123", "12345678901a"] {
            assert!(AccountId::try_from(bad.to_owned()).is_err(), "{bad}");
        }
    }
}
