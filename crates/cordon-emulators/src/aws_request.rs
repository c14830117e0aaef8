//! What an AWS request names, read the same way off the fault proxy's requests and off
//! moto's recording: the service it is signed for, and a query-protocol action.

/// The service in a SigV4 `Authorization` header's credential scope
/// (`Credential=KEY/DATE/REGION/SERVICE/aws4_request`).
pub(crate) fn signing_service(authorization: &str) -> Option<&str> {
    let scope = authorization
        .split("Credential=")
        .nth(1)?
        .split(',')
        .next()?;
    scope.split('/').nth(3)
}

/// The `Action=` of a query-protocol form or query string (`Action=DescribeVpcs&...`).
pub(crate) fn form_action(form: &str) -> Option<&str> {
    form.split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_scope_and_the_action() {
        let auth = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00";
        assert_eq!(signing_service(auth), Some("ec2"));
        assert_eq!(signing_service("Bearer x"), None);
        assert_eq!(form_action("Version=1&Action=Ping"), Some("Ping"));
        assert_eq!(form_action("Version=1"), None);
    }
}
