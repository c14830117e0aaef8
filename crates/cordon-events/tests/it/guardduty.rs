//! GuardDuty findings in `events/guardduty/`: every one keeps its envelope, its key
//! fields and its resource (checked by the resource's own family), and survives its own
//! serialisation; and the finding's fields refuse what is not what GuardDuty sends.

use crate::common::{
    BACKDOOR, assert_fields, backdoor_with, field_error, finding_with, guardduty, read,
};
use cordon_events::{GuardDutyFinding, ResourceRole, parse_event};
use serde_json::{Value, json};
use std::path::Path;

pub fn check_valid(file: &Path, raw: &[u8]) {
    let name = file.display().to_string();
    let json: Value = serde_json::from_slice(raw).unwrap_or_else(|e| panic!("{name}: {e}"));
    let event = parse_event(raw).unwrap_or_else(|e| panic!("{name}: {e}"));
    let (envelope, finding) = guardduty(event);
    let detail = &json["detail"];

    assert_fields(
        &name,
        &json,
        &[
            ("id", Some(envelope.id.as_str())),
            ("account", Some(envelope.account.as_str())),
            ("region", Some(envelope.region.as_str())),
        ],
    );
    assert_fields(
        &name,
        detail,
        &[
            ("id", Some(finding.id.as_str())),
            ("accountId", Some(finding.account_id.as_str())),
            ("type", Some(finding.finding_type.as_str())),
        ],
    );
    assert_fields(
        &name,
        &detail["resource"],
        &[(
            "resourceType",
            Some(finding.resource.resource_type.as_str()),
        )],
    );
    assert_eq!(
        Some(finding.severity),
        detail["severity"].as_f64(),
        "{name}"
    );

    match finding.resource.resource_type.as_str() {
        "Instance" => crate::instance::check_resource(&name, &finding, detail),
        "AccessKey" => crate::access_key::check_resource(&name, &finding, detail),
        "S3Bucket" => crate::bucket::check_resource(&name, &finding, detail),
        "Lambda" => crate::lambda::check_resource(&name, &finding, detail),
        other => panic!("{name}: resource type {other} has no checks in this test: add them"),
    }

    let role = match detail["service"]["resourceRole"].as_str() {
        Some("ACTOR") => Some(ResourceRole::Actor),
        Some("TARGET") => Some(ResourceRole::Target),
        Some(_) => Some(ResourceRole::Unknown),
        None => None,
    };
    assert_eq!(finding.service.resource_role, role, "{name}");
    let raw_sample = detail["service"]["additionalInfo"]["sample"].as_bool() == Some(true);
    assert_eq!(finding.is_sample(), raw_sample, "{name}");

    // The typed finding survives its own serialisation unchanged.
    let reserialised = serde_json::to_value(&finding).expect("serialises");
    assert_eq!(
        reserialised["resource"]["resourceType"], detail["resource"]["resourceType"],
        "{name}"
    );
    assert_eq!(
        reserialised["severity"].as_f64(),
        detail["severity"].as_f64(),
        "{name}"
    );
    let back: GuardDutyFinding =
        serde_json::from_value(reserialised).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(back, finding, "{name}");
}

#[test]
fn a_region_with_anything_around_it_is_not_a_region() {
    let mut event: serde_json::Value = serde_json::from_str(BACKDOOR).unwrap();
    for bad in ["us-east-1\n", " us-east-1", "US-EAST-1", "mars-1", ""] {
        event["region"] = bad.into();
        event["detail"]["region"] = bad.into();
        let (path, message) = field_error(parse_event(event.to_string().as_bytes()));
        assert!(
            path == "region" || path == "detail.region",
            "{bad:?}: {path}: {message}"
        );
    }
}

#[test]
fn a_missing_field_is_named_by_its_own_path() {
    let raw = read("invalid", "missing-detail-type.json");
    let (path, message) = field_error(parse_event(&raw));
    assert_eq!(path, "detail-type", "{message}");

    let (path, _) = field_error(backdoor_with(|v| {
        v["detail"].as_object_mut().unwrap().remove("arn");
    }));
    assert_eq!(path, "detail.arn");
    let (path, _) = field_error(backdoor_with(|v| {
        v["detail"]["resource"]["instanceDetails"]["networkInterfaces"][0]
            .as_object_mut()
            .unwrap()
            .remove("vpcId");
    }));
    assert_eq!(
        path,
        "detail.resource.instanceDetails.networkInterfaces[0].vpcId"
    );
}

#[test]
fn archived_given_as_a_string_is_accepted() {
    for (given, archived) in [
        (json!("False"), Some(false)),
        (json!("True"), Some(true)),
        (json!(false), Some(false)),
        (Value::Null, None),
    ] {
        let finding = finding_with(|v| v["detail"]["service"]["archived"] = given.clone());
        assert_eq!(finding.service.archived, archived, "{given}");
    }
    let finding = finding_with(|v| {
        v["detail"]["service"]
            .as_object_mut()
            .unwrap()
            .remove("archived");
    });
    assert_eq!(finding.service.archived, None);

    let (path, _) = field_error(backdoor_with(|v| {
        v["detail"]["service"]["archived"] = json!("nope")
    }));
    assert_eq!(path, "detail.service.archived");
}

#[test]
fn severity_with_or_without_a_decimal_point_is_the_same_f64() {
    let whole = finding_with(|v| v["detail"]["severity"] = json!(8));
    let decimal = finding_with(|v| v["detail"]["severity"] = json!(8.0));
    assert_eq!(whole.severity, 8.0);
    assert_eq!(whole, decimal);
    let fraction = finding_with(|v| v["detail"]["severity"] = json!(5.3));
    assert_eq!(fraction.severity, 5.3);
}

#[test]
fn severity_outside_zero_to_ten_is_refused() {
    for severity in [json!(10.5), json!(-1)] {
        let (path, message) = field_error(backdoor_with(|v| {
            v["detail"]["severity"] = severity.clone()
        }));
        assert_eq!(path, "detail.severity", "{severity}");
        assert!(message.contains("0-10"), "{message}");
    }
    for edge in [json!(0), json!(10)] {
        assert!(
            backdoor_with(|v| v["detail"]["severity"] = edge.clone()).is_ok(),
            "{edge}"
        );
    }
}

#[test]
fn unknown_resource_role_parses_as_unknown() {
    let finding = finding_with(|v| v["detail"]["service"]["resourceRole"] = json!("BYSTANDER"));
    assert_eq!(finding.service.resource_role, Some(ResourceRole::Unknown));
}
