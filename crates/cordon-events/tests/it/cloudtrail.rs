//! CloudTrail events in `events/cloudtrail/`, and what responders read from them.

use crate::common::file_name;
use cordon_events::{CloudTrailEventKind, Event, parse_event};
use serde_json::Value;
use std::path::Path;

/// A CloudTrail fixture: the fields the issue lists are present, the envelope agrees
/// with the record, and security-group changes name what they added.
pub fn check_valid(file: &Path, raw: &[u8]) {
    let name = file_name(file);
    let value: Value = serde_json::from_slice(raw).unwrap();
    let (envelope, event) = match parse_event(raw).unwrap_or_else(|e| panic!("{name}: {e}")) {
        Event::CloudTrail(envelope, event) => (envelope, event),
        other => panic!("{name}: not a CloudTrail event: {other:?}"),
    };
    let detail = &value["detail"];
    let mut required = vec![
        "eventVersion",
        "userIdentity",
        "eventTime",
        "eventSource",
        "eventName",
        "awsRegion",
        "sourceIPAddress",
        "userAgent",
        "requestParameters",
        "responseElements",
        "eventID",
        "eventType",
    ];
    if event.kind == CloudTrailEventKind::ApiCall {
        required.push("requestID");
    } else {
        assert!(
            detail.get("requestID").is_none(),
            "{name}: sign-ins carry no requestID"
        );
    }
    for field in required {
        assert!(
            detail.get(field).is_some(),
            "{name}: detail.{field} missing"
        );
    }
    assert_eq!(envelope.region, event.aws_region, "{name}");
    assert_eq!(
        event.recipient_account_id.as_ref(),
        Some(&envelope.account),
        "{name}"
    );
    assert_eq!(
        value["time"], detail["eventTime"],
        "{name}: EventBridge stamps the envelope with the event's time"
    );
    if event.event_name == "AuthorizeSecurityGroupIngress" {
        let change = event
            .ingress
            .as_ref()
            .expect("a successful ingress change is parsed");
        assert!(
            change.group_id.is_some() || change.group_name.is_some(),
            "{name}"
        );
        assert!(!change.permissions.is_empty(), "{name}");
    }
    if event.event_name == "ModifySecurityGroupRules" {
        let modification = event
            .modification
            .as_ref()
            .expect("a successful modification is parsed");
        assert!(!modification.rules.is_empty(), "{name}");
    }
}

#[test]
fn cloudtrail_records_keep_what_responders_need() {
    let read = |name: &str| {
        let raw = crate::common::read("cloudtrail", name);
        match parse_event(&raw).unwrap() {
            Event::CloudTrail(_, event) => event,
            other => panic!("{other:?}"),
        }
    };
    let stop = read("cloudtrail-stop-logging.json");
    assert_eq!(stop.identity.user_name.as_deref(), Some("mallory"));
    assert_eq!(
        stop.identity.access_key_id.as_ref().map(|k| k.as_str()),
        Some("AKIAEXAMPLEKEY000007")
    );
    assert!(stop.error.is_none());
    let denied = read("cloudtrail-stop-logging-denied.json");
    assert_eq!(denied.error.unwrap().code.as_deref(), Some("AccessDenied"));
    let cordon = read("cloudtrail-start-logging-by-cordon.json");
    assert_eq!(
        cordon.identity.session_issuer_arn.as_deref(),
        Some("arn:aws:iam::123456789012:role/cordon-RespondToCloudTrailFunctionRole-EXAMPLE")
    );
    let failed = read("signin-console-login-failed.json");
    assert_eq!(failed.kind, CloudTrailEventKind::ConsoleSignIn);
    assert!(failed.error.is_some() && !failed.sign_in_succeeded());
    assert!(
        failed.identity.arn.is_none(),
        "a failed IAM-user sign-in has no ARN"
    );
    let no_mfa = read("signin-console-login-without-mfa.json");
    assert_eq!(no_mfa.mfa_used(), Some(false));
    assert!(no_mfa.sign_in_succeeded());
    let ssh = read("ec2-authorize-ssh-from-anywhere.json")
        .ingress
        .unwrap();
    assert_eq!(ssh.added_rules.len(), 2);
    assert_eq!(ssh.permissions[0].cidrs, ["0.0.0.0/0", "10.0.0.0/8"]);
    let legacy = read("ec2-authorize-ssh-legacy-no-rule-ids.json")
        .ingress
        .unwrap();
    assert!(legacy.added_rules.is_empty());
}
