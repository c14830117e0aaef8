//! GuardDuty's `Policy:S3/AccountBlockPublicAccessDisabled`: the account-level S3
//! Block Public Access switched off. Its account is the finding's own, and it names no
//! bucket. GuardDuty's S3 finding types page has said both that these findings carry
//! `resourceType: S3Bucket` and, for findings from management events (this one's data
//! source), `AccessKey`: both shapes parse, and an account id that is not one is
//! refused with its field named.

use cordon_events::{Event, GuardDutyFinding, ParseError, parse_event_value};
use serde_json::{Value, json};

fn fixture() -> Value {
    let path = format!(
        "{}/../../events/guardduty/s3-account-block-public-access-disabled.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn parsed(event: Value) -> Result<GuardDutyFinding, ParseError> {
    match parse_event_value(event)? {
        Event::GuardDuty(_, finding) => Ok(*finding),
        other => panic!("expected a GuardDuty finding, got {other:?}"),
    }
}

#[test]
fn the_account_finding_parses_with_its_account_and_caller() {
    let finding = parsed(fixture()).unwrap();
    assert_eq!(
        finding.finding_type,
        "Policy:S3/AccountBlockPublicAccessDisabled"
    );
    assert_eq!(finding.account_id.as_str(), "123456789012");
    assert_eq!(finding.resource.resource_type, "S3Bucket");
    assert!(finding.resource.s3_bucket_details.is_empty());
    let key = finding.resource.access_key_details.as_ref().unwrap();
    assert_eq!(key.user_name.as_deref(), Some("bob"));
    assert_eq!(key.user_type.as_deref(), Some("IAMUser"));
    let call = finding
        .service
        .action
        .as_ref()
        .and_then(|a| a.aws_api_call_action.as_ref())
        .unwrap();
    assert_eq!(call.api.as_deref(), Some("PutAccountPublicAccessBlock"));
    // GuardDuty rates it LOW.
    assert_eq!(finding.severity, 2.0);
}

#[test]
fn the_access_key_shape_and_one_listing_a_bucket_parse_too() {
    let mut as_key = fixture();
    as_key["detail"]["resource"]["resourceType"] = "AccessKey".into();
    as_key["detail"]["resource"]
        .as_object_mut()
        .unwrap()
        .remove("s3BucketDetails");
    let finding = parsed(as_key).unwrap();
    assert_eq!(finding.resource.resource_type, "AccessKey");
    assert!(finding.resource.s3_bucket_details.is_empty());

    let mut with_bucket = fixture();
    with_bucket["detail"]["resource"]["s3BucketDetails"] = json!([{
        "arn": "arn:aws:s3:::example-data-lake",
        "name": "example-data-lake",
        "type": "Destination"
    }]);
    let finding = parsed(with_bucket).unwrap();
    assert_eq!(
        finding.resource.s3_bucket_details[0].name.as_deref(),
        Some("example-data-lake")
    );
}

#[test]
fn an_account_id_that_is_not_one_is_refused_with_its_field_named() {
    let mut event = fixture();
    event["detail"]["accountId"] = "12345678901x".into();
    match parsed(event) {
        Err(ParseError::Field { path, .. }) => assert_eq!(path, "detail.accountId"),
        other => panic!("expected a field error, got {other:?}"),
    }
}
