//! Sample findings: GuardDuty's generated samples in `events/guardduty-samples/`, and the
//! sample flag however a finding words it.

use crate::common::{
    BACKDOOR, backdoor_with, field_error, file_name, finding_with, guardduty, read,
};
use cordon_events::{Event, parse_event};
use serde_json::{Value, json};
use std::path::Path;

/// GuardDuty's generated samples, placeholders and all: recognised as samples, never
/// rejected for ids that are not ids.
pub fn check_generated(file: &Path, raw: &[u8]) {
    let name = file_name(file);
    let text = std::str::from_utf8(raw).unwrap();
    assert!(
        text.contains("GeneratedFinding"),
        "{name}: not a generated sample"
    );
    let detail: Value = serde_json::from_slice::<Value>(raw).unwrap()["detail"].clone();
    // Placeholders that are not ids make a sample of its own kind; where every id is
    // well-formed (an access key's id is an opaque string) it parses as any finding.
    match parse_event(raw) {
        Ok(Event::GuardDutySample(envelope, sample)) => {
            assert_eq!(sample.id, detail["id"], "{name}");
            assert_eq!(sample.finding_type, detail["type"], "{name}");
            assert_eq!(sample.account_id.as_str(), detail["accountId"], "{name}");
            assert_eq!(envelope.region, sample.region, "{name}");
        }
        Ok(Event::GuardDuty(_, finding)) => {
            assert!(finding.is_sample(), "{name}");
            assert_eq!(finding.id, detail["id"], "{name}");
        }
        other => panic!("{name}: expected a GuardDuty sample, got {other:?}"),
    }
}

#[test]
fn placeholders_outside_a_sample_are_still_rejected() {
    let raw = read("guardduty-samples", "trojan-dga-domain-request.json");
    let mut event: Value = serde_json::from_slice(&raw).unwrap();
    event["detail"]["service"]["additionalInfo"]["sample"] = json!(false);
    let (path, message) = field_error(parse_event(event.to_string().as_bytes()));
    assert!(
        path.starts_with("detail.resource.instanceDetails"),
        "{path}: {message}"
    );
}

#[test]
fn sample_given_as_a_string_is_accepted_in_any_case() {
    for (given, sample) in [
        ("True", true),
        ("true", true),
        ("TRUE", true),
        ("False", false),
        ("false", false),
    ] {
        let finding =
            finding_with(|v| v["detail"]["service"]["additionalInfo"]["sample"] = json!(given));
        assert_eq!(
            finding.service.additional_info.as_ref().unwrap().sample,
            Some(sample),
            "{given}"
        );
        assert_eq!(finding.is_sample(), sample, "{given}");
    }
}

#[test]
fn sample_that_is_not_a_boolean_names_its_field() {
    let (path, message) = field_error(backdoor_with(|v| {
        v["detail"]["service"]["additionalInfo"]["sample"] = json!("yes")
    }));
    assert_eq!(path, "detail.service.additionalInfo.sample", "{message}");
    assert!(message.contains("yes"), "{message}");
}

#[test]
fn sample_inside_the_value_document_counts_without_the_sample_key() {
    let finding = finding_with(|v| {
        v["detail"]["service"]["additionalInfo"] =
            json!({"value": "{\"sample\":true}", "type": "default"});
    });
    assert_eq!(
        finding.service.additional_info.as_ref().unwrap().sample,
        None
    );
    assert!(finding.is_sample());

    for value in [
        "{\"sample\":false}",
        "{}",
        "not json",
        "{\"sample\":\"true\"}",
    ] {
        let finding =
            finding_with(|v| v["detail"]["service"]["additionalInfo"] = json!({"value": value}));
        assert!(!finding.is_sample(), "{value}");
    }
}

#[test]
fn the_fixtures_sample_flags_are_read() {
    let sample = read("guardduty", "sample-finding.json");
    assert!(guardduty(parse_event(&sample).unwrap()).1.is_sample());
    assert!(
        !guardduty(parse_event(BACKDOOR.as_bytes()).unwrap())
            .1
            .is_sample()
    );
}
