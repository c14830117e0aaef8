//! The AWS-documented way to revoke temporary credentials: an inline policy denying
//! everything to sessions issued before a cutoff. New sessions keep working.

use serde_json::{Value, json};

/// The policy document denying every session issued before `cutoff` (ISO 8601, UTC).
pub fn revoke_sessions_document(cutoff: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "CordonRevokeOlderSessions",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": { "DateLessThan": { "aws:TokenIssueTime": cutoff } }
        }]
    })
    .to_string()
}

/// The cutoff of a revoke document, if `document` is one.
pub fn revoked_before(document: &str) -> Option<String> {
    let policy: Value = serde_json::from_str(document).ok()?;
    let statements = match &policy["Statement"] {
        Value::Array(all) => all.clone(),
        single @ Value::Object(_) => vec![single.clone()],
        _ => return None,
    };
    statements.iter().find_map(|statement| {
        let denies_all = statement["Effect"] == "Deny"
            && is_wildcard(&statement["Action"])
            && is_wildcard(&statement["Resource"]);
        let cutoff = statement["Condition"]["DateLessThan"]["aws:TokenIssueTime"].as_str()?;
        denies_all.then(|| cutoff.to_owned())
    })
}

/// Whether `document` is exactly what cordon writes: the revoke deny and nothing that
/// allows anything.
pub fn is_revoke_only(document: &str) -> bool {
    let Ok(policy) = serde_json::from_str::<Value>(document) else {
        return false;
    };
    let only_denies = match &policy["Statement"] {
        Value::Array(all) => all.iter().all(|s| s["Effect"] == "Deny"),
        single @ Value::Object(_) => single["Effect"] == "Deny",
        _ => false,
    };
    only_denies && revoked_before(document).is_some()
}

fn is_wildcard(value: &Value) -> bool {
    match value {
        Value::String(s) => s == "*",
        Value::Array(all) => all.iter().any(|v| v == "*"),
        _ => false,
    }
}

/// Whether sessions issued before `cutoff` include every session issued before `since`:
/// compared to the second, as both are UTC ISO 8601 (`2026-11-23T10:15:30Z`, GuardDuty
/// adds milliseconds). An unreadable time never counts as covered.
pub fn cutoff_covers(cutoff: &str, since: &str) -> bool {
    match (to_the_second(cutoff), to_the_second(since)) {
        (Some(cutoff), Some(since)) => cutoff >= since,
        _ => false,
    }
}

fn to_the_second(time: &str) -> Option<&str> {
    let head = time.get(..19)?;
    let shape_ok = head.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        10 => b == b'T',
        13 | 16 => b == b':',
        _ => b.is_ascii_digit(),
    });
    (shape_ok && time.ends_with('Z')).then_some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_denies_everything_to_older_sessions_and_reads_back() {
        let document = revoke_sessions_document("2026-11-23T10:15:30Z");
        let policy: Value = serde_json::from_str(&document).unwrap();
        assert_eq!(policy["Statement"][0]["Effect"], "Deny");
        assert_eq!(
            policy["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"],
            "2026-11-23T10:15:30Z"
        );
        assert_eq!(
            revoked_before(&document).as_deref(),
            Some("2026-11-23T10:15:30Z")
        );
    }

    #[test]
    fn a_policy_that_does_not_deny_everything_is_not_a_revocation() {
        let allow = r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*",
            "Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-11-23T10:15:30Z"}}}}"#;
        let narrow = r#"{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*",
            "Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-11-23T10:15:30Z"}}}]}"#;
        assert_eq!(revoked_before(allow), None);
        assert_eq!(revoked_before(narrow), None);
        assert_eq!(revoked_before("not json"), None);
        let single = r#"{"Statement":{"Effect":"Deny","Action":["*"],"Resource":"*",
            "Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-11-23T10:15:30Z"}}}}"#;
        assert_eq!(
            revoked_before(single).as_deref(),
            Some("2026-11-23T10:15:30Z")
        );
    }

    #[test]
    fn cutoffs_compare_to_the_second() {
        assert!(cutoff_covers(
            "2026-11-23T10:15:30Z",
            "2026-11-23T10:15:30.999Z"
        ));
        assert!(cutoff_covers(
            "2026-11-23T10:15:31Z",
            "2026-11-23T10:15:30.000Z"
        ));
        assert!(!cutoff_covers(
            "2026-11-23T10:15:29Z",
            "2026-11-23T10:15:30.000Z"
        ));
        assert!(!cutoff_covers("2026-11-23", "2026-11-23T10:15:30Z"));
        assert!(!cutoff_covers(
            "2026-11-23T10:15:30+01:00",
            "2026-11-23T10:15:30Z"
        ));
    }
}
