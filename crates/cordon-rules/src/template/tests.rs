use serde_json::json;

use super::Routes;
use crate::error::RulesError;

const TEMPLATE: &str = r#"
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  SeverityThreshold:
    Type: Number
    Default: 7
  FindingSource:
    Type: String
    Default: aws.guardduty
Resources:
  EvidenceBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub '${AWS::StackName}-evidence'
  ContainInstance:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: rust-cargolambda
      BuildProperties:
        Binary: cordon-contain-instance
    Properties:
      CodeUri: .
      Handler: bootstrap
      Environment:
        Variables:
          EVIDENCE_BUCKET: !Ref EvidenceBucket
          EVIDENCE_BUCKET_ARN: !GetAtt EvidenceBucket.Arn
      Events:
        HighSeverityFinding:
          Type: EventBridgeRule
          Properties:
            Pattern:
              source: [!Ref FindingSource]
              detail-type: [GuardDuty Finding]
              detail:
                severity: [{ numeric: ['>=', !Ref SeverityThreshold] }]
        ManualContainment:
          Type: EventBridgeRule
          Properties:
            Pattern:
              source: [{ Ref: FindingSource }, cordon.manual]
              detail:
                action: [contain]
        Nightly:
          Type: Schedule
          Properties:
            Schedule: rate(1 day)
  Notify:
    Type: AWS::Serverless::Function
    Properties:
      Handler: bootstrap
      Events:
        AnyAwsEvent:
          Type: CloudWatchEvent
          Properties:
            Pattern:
              source: [{ prefix: aws. }]
  Queue:
    Type: AWS::SQS::Queue
"#;

fn finding(severity: f64, action: Option<&str>) -> serde_json::Value {
    let mut detail = json!({ "severity": severity });
    if let Some(action) = action {
        detail["action"] = json!(action);
    }
    json!({ "source": "aws.guardduty", "detail-type": "GuardDuty Finding", "detail": detail })
}

#[test]
fn lists_eventbridge_routes_in_template_order() {
    let routes = Routes::from_template(TEMPLATE).unwrap();
    let listed: Vec<_> = routes
        .routes()
        .iter()
        .map(|r| (r.function(), r.event_name(), r.binary()))
        .collect();
    assert_eq!(
        listed,
        [
            (
                "ContainInstance",
                "HighSeverityFinding",
                Some("cordon-contain-instance")
            ),
            (
                "ContainInstance",
                "ManualContainment",
                Some("cordon-contain-instance")
            ),
            ("Notify", "AnyAwsEvent", None),
        ]
    );
    // Parameter defaults are substituted, and a YAML integer stays a JSON integer.
    assert_eq!(
        routes.routes()[0].pattern_json(),
        &json!({
            "source": ["aws.guardduty"],
            "detail-type": ["GuardDuty Finding"],
            "detail": { "severity": [{ "numeric": [">=", 7] }] }
        })
    );
    assert_eq!(
        routes.routes()[1].pattern_json()["source"],
        json!(["aws.guardduty", "cordon.manual"])
    );
}

#[test]
fn routes_events_to_matching_functions() {
    let routes = Routes::from_template(TEMPLATE).unwrap();
    let cases = [
        (
            "severity above threshold",
            finding(8.0, None),
            vec!["ContainInstance", "Notify"],
        ),
        (
            "severity at threshold",
            finding(7.0, None),
            vec!["ContainInstance", "Notify"],
        ),
        (
            "severity below threshold",
            finding(5.0, None),
            vec!["Notify"],
        ),
        // Both ContainInstance rules match; the function is listed once.
        (
            "two rules, one function",
            finding(9.0, Some("contain")),
            vec!["ContainInstance", "Notify"],
        ),
        (
            "manual trigger",
            json!({ "source": "cordon.manual", "detail": { "action": "contain" } }),
            vec!["ContainInstance"],
        ),
        ("nothing", json!({ "source": "cordon.manual" }), vec![]),
    ];
    for (name, event, expected) in cases {
        assert_eq!(routes.functions_for(&event), expected, "{name}");
    }
    let matched: Vec<_> = routes
        .routes_for(&finding(9.0, Some("contain")))
        .iter()
        .map(|r| r.event_name())
        .collect();
    assert_eq!(
        matched,
        ["HighSeverityFinding", "ManualContainment", "AnyAwsEvent"]
    );
}

fn with_pattern(pattern: &str) -> String {
    format!(
        "Parameters:\n  NoDefault:\n    Type: String\n\
         Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        \
         Ev:\n          Type: EventBridgeRule\n          Properties:\n            Pattern:\n              \
         {pattern}\n"
    )
}

#[test]
fn rejects_intrinsics_that_need_a_deployed_stack() {
    let at = "Resources.Fn.Properties.Events.Ev.Properties.Pattern.source[0]";
    for (pattern, intrinsic) in [
        ("source: [!GetAtt Bucket.Arn]", "!GetAtt"),
        ("source: [!Sub '${AWS::Region}-x']", "!Sub"),
        ("source: [{ 'Fn::ImportValue': Shared }]", "Fn::ImportValue"),
    ] {
        match Routes::from_template(&with_pattern(pattern)) {
            Err(RulesError::UnsupportedIntrinsic {
                at: got_at,
                intrinsic: got,
            }) => {
                assert_eq!(
                    (got_at.as_str(), got.as_str()),
                    (at, intrinsic),
                    "{pattern}"
                );
            }
            other => panic!("{pattern}: expected UnsupportedIntrinsic, got {other:?}"),
        }
    }
}

#[test]
fn rejects_refs_without_an_offline_value() {
    for (pattern, name) in [
        ("source: [!Ref Nope]", "Nope"),
        ("source: [!Ref NoDefault]", "NoDefault"),
        ("account: [!Ref 'AWS::AccountId']", "AWS::AccountId"),
    ] {
        match Routes::from_template(&with_pattern(pattern)) {
            Err(err @ RulesError::UnresolvedRef { .. }) => {
                assert!(err.to_string().contains(&format!("`!Ref {name}`")), "{err}");
            }
            other => panic!("{pattern}: expected UnresolvedRef, got {other:?}"),
        }
    }
}

#[test]
fn reports_invalid_patterns_with_function_and_event() {
    let err = Routes::from_template(&with_pattern("detail: { state: running }")).unwrap_err();
    let RulesError::Pattern {
        function,
        event,
        error,
    } = &err
    else {
        panic!("expected a pattern error, got {err:?}");
    };
    assert_eq!(
        (function.as_str(), event.as_str(), error.path()),
        ("Fn", "Ev", "detail.state")
    );
    assert!(
        err.to_string().contains("must be an object or an array"),
        "{err}"
    );
}

#[test]
fn rejects_malformed_templates() {
    assert!(matches!(
        Routes::from_template("a: [b"),
        Err(RulesError::Yaml(_))
    ));
    assert!(matches!(
        Routes::from_template("Parameters: {}"),
        Err(RulesError::Template { at, .. }) if at == "Resources"
    ));
    let no_pattern = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      \
                      Events:\n        Ev:\n          Type: EventBridgeRule\n          Properties: {}\n";
    assert!(matches!(
        Routes::from_template(no_pattern),
        Err(RulesError::Template { reason, .. }) if reason.contains("needs a `Pattern`")
    ));
}

#[test]
fn accepts_a_pattern_given_as_a_json_string() {
    let routes = Routes::from_template(&with_pattern(r#"'{"source": ["aws.ec2"]}'"#)).unwrap();
    assert_eq!(
        routes.functions_for(&json!({ "source": "aws.ec2" })),
        ["Fn"]
    );
}

/// The project's own template: a root call reaches the CloudTrail responder only when
/// AWS emitted it. Custom events cannot carry an `aws.` source, so anyone allowed
/// `events:PutEvents` on the bus cannot make cordon answer a root call that never was.
#[test]
fn root_activity_routes_only_from_aws_sources() {
    let routes = Routes::from_template(include_str!("../../../../template.yaml")).unwrap();
    let sample: serde_json::Value = serde_json::from_str(include_str!(
        "../../../../events/cloudtrail/iam-root-create-access-key.json"
    ))
    .unwrap();
    let matched: Vec<_> = routes
        .routes_for(&sample)
        .iter()
        .map(|r| (r.function(), r.event_name()))
        .collect();
    assert_eq!(matched, [("RespondToCloudTrailFunction", "RootActivity")]);
    for forged in ["custom.audit", "awsome.corp", "iam", ""] {
        let mut event = sample.clone();
        event["source"] = json!(forged);
        assert!(routes.routes_for(&event).is_empty(), "source {forged:?}");
    }
}
