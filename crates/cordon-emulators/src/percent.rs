//! Strict percent-decoding, for the form bodies moto records and the policy documents
//! IAM returns URL-encoded.

/// `%XX` escapes decoded (RFC 3986: `+` stays `+`). `percent_encoding` keeps a
/// malformed escape as text; the kit refuses it, and non-UTF-8, so a test never compares
/// against a guess.
pub fn percent_decode(text: &str) -> Result<String, String> {
    // What follows each `%` must open with two hex digits.
    let escape = |after: &str| {
        after
            .get(..2)
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    if !text.split('%').skip(1).all(escape) {
        return Err(format!("{text:?} has a `%` not followed by two hex digits"));
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map(String::from)
        .map_err(|e| format!("{text:?} does not decode to UTF-8: {e}"))
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn decodes_escapes_and_keeps_plus() {
        assert_eq!(
            percent_decode("%7B%22a%22%3A%201%7D").unwrap(),
            r#"{"a": 1}"#
        );
        assert_eq!(percent_decode("%7B%22Version%22").unwrap(), r#"{"Version""#);
        assert_eq!(percent_decode("a+b%2Bc").unwrap(), "a+b+c");
        assert_eq!(percent_decode("plain").unwrap(), "plain");
    }

    #[test]
    fn refuses_malformed_escapes_and_non_utf8() {
        for bad in ["%+1", "%zz", "100%", "%4", "%é", "%7B%", "%C3%28"] {
            assert!(percent_decode(bad).is_err(), "{bad}");
        }
    }
}
