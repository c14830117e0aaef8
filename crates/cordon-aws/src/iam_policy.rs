//! IAM inline policies and trust policies, shared by the adapters that read and write
//! them: the `Get*Policy` / `Put*Policy` calls for users and roles, and the decoding of
//! the URL-encoded documents IAM returns.

use crate::error::{has_code, invalid};
use crate::port_error;
use aws_sdk_iam::Client;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use cordon_core::ports::{PortResult, Principal};
use serde_json::Value;

/// The principal's inline policy `policy_name`, decoded; `None` if it has none by that
/// name (or the principal does not exist: IAM answers `NoSuchEntity` for both).
pub(crate) async fn get(
    iam: &Client,
    principal: &Principal,
    policy_name: &str,
) -> PortResult<Option<String>> {
    match principal {
        Principal::User(user) => {
            let asked = iam.get_user_policy().user_name(user);
            let found = asked.policy_name(policy_name).send().await;
            document("iam:GetUserPolicy", found.map(|f| f.policy_document))
        }
        Principal::Role(role) => {
            let asked = iam.get_role_policy().role_name(role);
            let found = asked.policy_name(policy_name).send().await;
            document("iam:GetRolePolicy", found.map(|f| f.policy_document))
        }
    }
}

/// Creates or replaces the principal's inline policy `policy_name`.
pub(crate) async fn put(
    iam: &Client,
    principal: &Principal,
    policy_name: &str,
    document: &str,
) -> PortResult<()> {
    match principal {
        Principal::User(user) => {
            let asked = iam.put_user_policy().user_name(user);
            let asked = asked.policy_name(policy_name).policy_document(document);
            let put = asked.send().await;
            put.map_err(|e| port_error("iam:PutUserPolicy", e))?;
        }
        Principal::Role(role) => {
            let asked = iam.put_role_policy().role_name(role);
            let asked = asked.policy_name(policy_name).policy_document(document);
            let put = asked.send().await;
            put.map_err(|e| port_error("iam:PutRolePolicy", e))?;
        }
    }
    Ok(())
}

/// Deletes the principal's inline policy; already gone counts as deleted.
pub(crate) async fn delete(
    iam: &Client,
    principal: &Principal,
    policy_name: &str,
) -> PortResult<()> {
    // Already gone (NoSuchEntity) counts as deleted.
    match principal {
        Principal::User(user) => {
            let sent = iam
                .delete_user_policy()
                .user_name(user)
                .policy_name(policy_name);
            match sent.send().await {
                Err(e) if !crate::error::has_code(&e, &["NoSuchEntity"]) => {
                    Err(port_error("iam:DeleteUserPolicy", e))
                }
                _ => Ok(()),
            }
        }
        Principal::Role(role) => {
            let sent = iam
                .delete_role_policy()
                .role_name(role)
                .policy_name(policy_name);
            match sent.send().await {
                Err(e) if !crate::error::has_code(&e, &["NoSuchEntity"]) => {
                    Err(port_error("iam:DeleteRolePolicy", e))
                }
                _ => Ok(()),
            }
        }
    }
}

/// A `Get*Policy` answer: the decoded document, or `None` for `NoSuchEntity`.
fn document<E, R>(
    operation: &'static str,
    found: Result<String, SdkError<E, R>>,
) -> PortResult<Option<String>>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    match found {
        Ok(document) => percent_decode(operation, &document).map(Some),
        Err(e) if has_code(&e, &["NoSuchEntity"]) => Ok(None),
        Err(e) => Err(port_error(operation, e)),
    }
}

/// Who a role's trust policy (`AssumeRolePolicyDocument`, URL-encoded like every policy
/// document) lets assume it: every principal of its `Allow` statements (`Service`,
/// `AWS`, `Federated`..., each a string or a list, or the bare `"*"`), sorted and
/// deduplicated.
pub(crate) fn trusted_principals(
    operation: &'static str,
    document: &str,
) -> PortResult<Vec<String>> {
    let policy: Value = serde_json::from_str(&percent_decode(operation, document)?)
        .map_err(|e| invalid(operation, format!("the trust policy is not JSON: {e}")))?;
    let statements = match policy.get("Statement") {
        Some(Value::Array(statements)) => statements.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    let mut trusted = Vec::new();
    for statement in statements {
        if statement.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        match statement.get("Principal") {
            Some(Value::Object(by_kind)) => by_kind.values().for_each(|v| strings(v, &mut trusted)),
            Some(other) => strings(other, &mut trusted),
            None => {}
        }
    }
    trusted.sort();
    trusted.dedup();
    Ok(trusted)
}

/// A string, or the strings of a list, appended to `out`.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(one) => out.push(one.clone()),
        Value::Array(many) => out.extend(many.iter().filter_map(Value::as_str).map(str::to_owned)),
        _ => {}
    }
}

/// IAM returns policy documents URL-encoded (RFC 3986; moto does the same): `+` is a
/// literal there, not a space. `percent_encoding` keeps a malformed escape as text, so
/// a `%` not followed by two hex digits is refused first, like a document that does not
/// decode to UTF-8: a policy is read exactly or not at all.
fn percent_decode(operation: &'static str, text: &str) -> PortResult<String> {
    // What follows each `%` must open with two hex digits.
    let escape = |after: &str| {
        after
            .get(..2)
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    if !text.split('%').skip(1).all(escape) {
        let message = "the policy document has a `%` not followed by two hex digits";
        return Err(invalid(operation, message.to_owned()));
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map(String::from)
        .map_err(|e| invalid(operation, format!("the policy document is not UTF-8: {e}")))
}

#[cfg(test)]
mod tests {
    use super::{percent_decode, trusted_principals};

    #[test]
    fn decodes_an_encoded_policy_document() {
        assert_eq!(
            percent_decode(
                "test",
                "%7B%22Version%22%3A%20%222012-10-17%22%2C%22Sid%22%3A%22caf%C3%A9%22%7D"
            )
            .unwrap(),
            r#"{"Version": "2012-10-17","Sid":"café"}"#
        );
        assert_eq!(
            percent_decode("test", "%7B%22Version%22").unwrap(),
            r#"{"Version""#
        );
    }

    #[test]
    fn leaves_plain_text_and_plus_alone() {
        let plain = r#"{"Version": "2012-10-17", "Statement": []}"#;
        assert_eq!(percent_decode("test", plain).unwrap(), plain);
        assert_eq!(percent_decode("test", "a+b%2Bc").unwrap(), "a+b+c");
    }

    #[test]
    fn refuses_malformed_escapes_and_non_utf8() {
        // `%+1`: `u8::from_str_radix` would take the sign and read it as 0x01.
        for bad in ["%+1", "%zz", "50%", "%4", "%4 ", "%é", "%7B%", "%C3%28"] {
            let err = percent_decode("iam:GetRolePolicy", bad).unwrap_err();
            assert_eq!(err.operation, "iam:GetRolePolicy", "{bad}");
            assert!(!err.transient, "{bad}");
        }
    }

    #[test]
    fn trusted_principals_are_the_allowed_ones_sorted_and_unique() {
        let policy = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root", "arn:aws:iam::210987654321:role/ci"], "Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}},
            {"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}},
            {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}}
        ]}"#;
        assert_eq!(
            trusted_principals("test", policy).unwrap(),
            [
                "arn:aws:iam::123456789012:root",
                "arn:aws:iam::210987654321:role/ci",
                "cognito-identity.amazonaws.com",
                "ec2.amazonaws.com",
                "lambda.amazonaws.com",
            ]
        );
    }

    #[test]
    fn an_encoded_trust_policy_is_decoded_first() {
        let encoded = "%7B%22Statement%22%3A%20%5B%7B%22Effect%22%3A%20%22Allow%22%2C%20%22Principal%22%3A%20%7B%22Service%22%3A%20%22ec2.amazonaws.com%22%7D%7D%5D%7D";
        assert_eq!(
            trusted_principals("test", encoded).unwrap(),
            ["ec2.amazonaws.com"]
        );
    }

    #[test]
    fn a_single_statement_and_a_bare_star_are_understood() {
        let policy =
            r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}}"#;
        assert_eq!(trusted_principals("test", policy).unwrap(), ["*"]);
        let nobody = r#"{"Statement": [{"Effect": "Deny", "Principal": "*"}]}"#;
        assert!(trusted_principals("test", nobody).unwrap().is_empty());
    }

    #[test]
    fn a_trust_policy_that_is_not_json_is_an_error() {
        let err = trusted_principals("iam:GetRole", "{not json").unwrap_err();
        assert_eq!(err.operation, "iam:GetRole");
        assert!(!err.transient);
    }
}
