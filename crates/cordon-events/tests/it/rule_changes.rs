//! Security group changes cordon answers beyond the added rules of a plain
//! `AuthorizeSecurityGroupIngress`: rules rewritten with `ModifySecurityGroupRules`, and
//! groups named only by name.

use cordon_events::{CloudTrailEvent, Event, ParseError, RuleSource, parse_event_value};
use serde_json::{Value, json};

const EVENTS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../events");

fn sample(name: &str) -> Value {
    let raw = std::fs::read(format!("{EVENTS_DIR}/cloudtrail/{name}")).unwrap();
    serde_json::from_slice(&raw).unwrap()
}

fn parsed(value: Value) -> CloudTrailEvent {
    match parse_event_value(value).unwrap() {
        Event::CloudTrail(_, event) => *event,
        other => panic!("not a CloudTrail event: {other:?}"),
    }
}

fn field_error(value: Value) -> (String, String) {
    match parse_event_value(value) {
        Err(ParseError::Field { path, message }) => (path, message),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn a_modified_rule_is_read_with_its_group_and_new_definition() {
    let event = parsed(sample("ec2-modify-security-group-rules-ssh-open.json"));
    let modification = event.modification.expect("parsed");
    assert_eq!(modification.group_id.as_str(), "sg-0a1b2c3d4e5f60009");
    assert_eq!(modification.rules.len(), 1);
    let rule = &modification.rules[0];
    assert_eq!(rule.rule_id.as_str(), "sgr-0a1b2c3d4e5f60002");
    assert_eq!(rule.protocol.as_deref(), Some("tcp"));
    assert_eq!((rule.from_port, rule.to_port), (Some(22), Some(22)));
    assert_eq!(rule.source, RuleSource::Cidr("0.0.0.0/0".into()));
    assert!(event.ingress.is_none());

    let narrower = parsed(sample("ec2-modify-security-group-rules-narrower.json"));
    let rule = &narrower.modification.unwrap().rules[0];
    assert_eq!(rule.source, RuleSource::Cidr("10.20.0.0/16".into()));
}

#[test]
fn several_rules_ipv6_references_and_unstated_sources_are_kept_apart() {
    let mut value = sample("ec2-modify-security-group-rules-ssh-open.json");
    let request = &mut value["detail"]["requestParameters"]["ModifySecurityGroupRulesRequest"];
    request["SecurityGroupRule"] = json!([
        {"SecurityGroupRuleId": "sgr-0a1b2c3d4e5f60003", "tag": 1,
         "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": "3389", "ToPort": "3389", "CidrIpv6": "::/0"}},
        {"SecurityGroupRuleId": "sgr-0a1b2c3d4e5f60004", "tag": 2,
         "SecurityGroupRule": {"IpProtocol": "-1", "ReferencedGroupId": "sg-0a1b2c3d4e5f6000a"}},
        {"SecurityGroupRuleId": "sgr-0a1b2c3d4e5f6000b", "tag": 3}
    ]);
    let rules = parsed(value).modification.unwrap().rules;
    let sources: Vec<_> = rules.iter().map(|r| r.source.clone()).collect();
    assert_eq!(
        sources,
        [
            RuleSource::Cidr("::/0".into()),
            RuleSource::Reference,
            RuleSource::Unstated
        ]
    );
    assert_eq!(rules[0].from_port, Some(3389), "ports written as text");
    assert_eq!(rules[2].protocol, None);
}

#[test]
fn a_malformed_modification_names_its_field() {
    let request = "detail.requestParameters.ModifySecurityGroupRulesRequest";
    let cases: [(&str, Value, String); 4] = [
        ("GroupId", json!("sg-../x"), format!("{request}.GroupId")),
        ("GroupId", Value::Null, format!("{request}.GroupId")),
        (
            "SecurityGroupRule",
            json!({"SecurityGroupRuleId": "sgr-nope"}),
            format!("{request}.SecurityGroupRule.SecurityGroupRuleId"),
        ),
        (
            "SecurityGroupRule",
            json!([]),
            format!("{request}.SecurityGroupRule"),
        ),
    ];
    for (field, bad, path) in cases {
        let mut value = sample("ec2-modify-security-group-rules-ssh-open.json");
        value["detail"]["requestParameters"]["ModifySecurityGroupRulesRequest"][field] = bad;
        assert_eq!(field_error(value).0, path, "{field}");
    }
    let mut flat = sample("ec2-modify-security-group-rules-ssh-open.json");
    flat["detail"]["requestParameters"] = json!({"groupId": "sg-0a1b2c3d4e5f60009"});
    assert_eq!(
        field_error(flat).0,
        "detail.requestParameters.ModifySecurityGroupRulesRequest"
    );
}

#[test]
fn a_failed_modification_is_an_attempt_and_not_read() {
    let mut value = sample("ec2-modify-security-group-rules-ssh-open.json");
    value["detail"]["errorCode"] = json!("Client.UnauthorizedOperation");
    value["detail"]["requestParameters"] = json!({"ModifySecurityGroupRulesRequest": {}});
    let event = parsed(value);
    assert!(event.error.is_some());
    assert!(event.modification.is_none());
}

#[test]
fn a_group_named_only_by_name_parses_with_its_name() {
    let event = parsed(sample("ec2-authorize-ssh-by-group-name.json"));
    let change = event.ingress.expect("parsed");
    assert_eq!(change.group_id, None);
    assert_eq!(change.group_name.as_deref(), Some("default"));
    assert_eq!(change.added_rules.len(), 1);
    assert_eq!(change.permissions[0].cidrs, ["0.0.0.0/0"]);
}
