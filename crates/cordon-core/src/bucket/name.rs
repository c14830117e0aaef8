//! An S3 bucket name, checked against S3's general-purpose naming rules before it is
//! ever put in a request: a name that breaks them is not a bucket cordon acts on.

use serde::Serialize;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct BucketName(String);

impl BucketName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Prefixes and suffixes S3 reserves (access point aliases, directory and table
/// buckets, Object Lambda, multi-region access points).
const RESERVED_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES: &[&str] = &["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

impl std::str::FromStr for BucketName {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        let bad = |why: &str| Err(format!("`{name}` is not a valid S3 bucket name: {why}"));
        if !(3..=63).contains(&name.len()) {
            return bad("it must be 3 to 63 characters");
        }
        let bytes = name.as_bytes();
        if !bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'.' || *b == b'-')
        {
            return bad("only lowercase letters, digits, dots and hyphens are allowed");
        }
        let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        if !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
            return bad("it must begin and end with a letter or digit");
        }
        if name.contains("..") {
            return bad("two dots in a row");
        }
        if name.parse::<std::net::Ipv4Addr>().is_ok() {
            return bad("it must not be an IP address");
        }
        if RESERVED_PREFIXES.iter().any(|p| name.starts_with(p))
            || RESERVED_SUFFIXES.iter().any(|s| name.ends_with(s))
        {
            return bad("it uses a prefix or suffix S3 reserves");
        }
        Ok(Self(name.to_owned()))
    }
}

impl From<BucketName> for String {
    fn from(name: BucketName) -> String {
        name.0
    }
}

impl fmt::Display for BucketName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::BucketName;

    #[test]
    fn names_s3_accepts_are_accepted() {
        for ok in [
            "abc",
            "example-data-lake",
            "logs.example.com",
            "a1-b2.c3",
            &"a".repeat(63),
        ] {
            assert!(ok.parse::<BucketName>().is_ok(), "{ok}");
        }
    }

    #[test]
    fn names_s3_refuses_are_refused() {
        for bad in [
            "",
            "ab",
            &"a".repeat(64),
            "Example",
            "under_score",
            "-leading",
            "trailing.",
            "two..dots",
            "192.168.5.4",
            "xn--punycode",
            "sthree-bucket",
            "data-s3alias",
            "bucket--ol-s3",
            "with/slash",
            "with space",
            "../../etc",
            "bucket?x=1",
        ] {
            assert!(bad.parse::<BucketName>().is_err(), "{bad}");
        }
    }
}
