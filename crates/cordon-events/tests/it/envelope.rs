//! The EventBridge envelope around every event: input that is not an event object is
//! refused at the root, the fields EventBridge always sets are required, and a
//! well-formed event of a kind cordon does not model is `Other`.

use crate::common::{BACKDOOR, field_error};
use cordon_events::{Event, ParseError, parse_event, parse_event_value};
use serde_json::{Value, json};

#[test]
fn input_that_is_not_json_is_a_json_error() {
    for raw in [&b"not json"[..], b"", b"{\"version\": \"0\",", b"\xff\xfe"] {
        match parse_event(raw) {
            Err(ParseError::Json(_)) => {}
            other => panic!(
                "{:?}: expected ParseError::Json, got {other:?}",
                String::from_utf8_lossy(raw)
            ),
        }
    }
}

#[test]
fn json_that_is_not_an_object_is_refused_at_the_root() {
    for raw in ["[]", "42", "\"event\"", "null"] {
        let (path, _) = field_error(parse_event(raw.as_bytes()));
        assert_eq!(path, "<root>", "{raw}");
    }
}

fn ec2_state_change() -> Value {
    json!({
        "version": "0",
        "id": "7bf73129-1428-4cd3-a780-95db273d1602",
        "detail-type": "EC2 Instance State-change Notification",
        "source": "aws.ec2",
        "account": "123456789012",
        "time": "2025-06-12T14:27:41Z",
        "region": "us-east-1",
        "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b2c3d4e5f60001"],
        "detail": {"instance-id": "i-0a1b2c3d4e5f60001", "state": "stopping"}
    })
}

#[test]
fn a_well_formed_event_of_another_kind_is_other() {
    let event = parse_event(ec2_state_change().to_string().as_bytes()).expect("parses");
    let Event::Other(envelope, detail) = &event else {
        panic!("expected Event::Other, got {event:?}");
    };
    assert_eq!(envelope.source, "aws.ec2");
    assert_eq!(
        envelope.detail_type,
        "EC2 Instance State-change Notification"
    );
    assert_eq!(envelope.account.as_str(), "123456789012");
    assert_eq!(envelope.resources.len(), 1);
    assert_eq!(detail["state"], "stopping");
    assert_eq!(event.envelope(), envelope);

    // GuardDuty's source with a detail-type cordon does not model is not a finding.
    let mut other = serde_json::from_str::<Value>(BACKDOOR).unwrap();
    other["detail-type"] = json!("GuardDuty Malware Protection Object Scan Result");
    other["detail"] = json!({"scanStatus": "COMPLETED"});
    assert!(matches!(parse_event_value(other), Ok(Event::Other(..))));
}

#[test]
fn envelope_fields_eventbridge_always_sets_are_required() {
    let cases: [(&str, Value); 5] = [
        ("id", json!("")),
        ("account", json!("12345")),
        ("region", Value::Null),
        ("version", Value::Null),
        ("detail", json!("a string")),
    ];
    for (field, value) in cases {
        let mut event = ec2_state_change();
        event[field] = value;
        let (path, message) = field_error(parse_event_value(event));
        assert_eq!(path, field, "{message}");
    }
    let mut event = ec2_state_change();
    event.as_object_mut().unwrap().remove("time");
    assert_eq!(field_error(parse_event_value(event)).0, "time");
}
