//! Recording against the emulator: cordon's own finding in Security Hub, the note on
//! the source finding, and the message for people — read back from the emulator.

use aws_sdk_securityhub::types::SeverityLabel;
use cordon_core::Decision;
use cordon_core::ports::SourceUpdate;
use cordon_emulators::shared_moto;
use cordon_fixtures::import_as_guardduty;
use cordon_integration_tests::{World, enforcing};
use std::collections::BTreeMap;

fn response_id(world: &World, name: &str) -> String {
    let event = world.event(name);
    format!(
        "cordon/contain-instance/123456789012/us-east-1/{}",
        event["detail"]["id"].as_str().unwrap()
    )
}

/// The GuardDuty finding as GuardDuty itself would have imported it.
async fn import_source_finding(world: &World, name: &str) -> String {
    import_as_guardduty(&world.securityhub, &world.event(name))
        .await
        .unwrap()
}

/// The `sns:Publish` requests to this world's topic, as the emulator received them.
fn published_to(world: &World) -> Vec<BTreeMap<String, String>> {
    shared_moto()
        .recorded_calls("sns:Publish")
        .unwrap()
        .into_iter()
        .filter(|call| call.get("TopicArn") == Some(&world.topic_arn))
        .collect()
}

fn workflow_status(finding: &aws_sdk_securityhub::types::AwsSecurityFinding) -> Option<&str> {
    finding
        .workflow()
        .and_then(|w| w.status())
        .map(|s| s.as_str())
}

#[tokio::test]
async fn a_contained_incident_has_exactly_one_response_finding_pointing_at_its_source() {
    let world = World::new().await;
    let outcome = world.replay("backdoor-c2-two-enis.json").await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    let id = response_id(&world, "backdoor-c2-two-enis.json");
    assert_eq!(outcome.record.as_ref().unwrap().response_finding_id, id);

    let found = world.findings_with_id(&id).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    let finding = &found[0];
    assert_eq!(
        finding.product_arn(),
        Some("arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default")
    );
    assert_eq!(finding.generator_id(), Some("cordon/contain-instance"));
    assert_eq!(finding.schema_version(), Some("2018-10-08"));
    assert_eq!(finding.aws_account_id(), Some("123456789012"));
    assert_eq!(
        finding.types(),
        ["TTPs/Command and Control/Backdoor:EC2/C&CActivity.B"]
    );
    let severity = finding.severity().unwrap();
    assert_eq!(severity.label(), Some(&SeverityLabel::High));
    assert_eq!(severity.original(), Some("8"));
    assert_eq!(workflow_status(finding), Some("NEW"));
    let related = finding.related_findings();
    assert_eq!(related.len(), 1);
    let source_arn = world.event("backdoor-c2-two-enis.json")["detail"]["arn"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(related[0].id(), Some(source_arn.as_str()));
    assert_eq!(
        related[0].product_arn(),
        Some("arn:aws:securityhub:us-east-1::product/aws/guardduty")
    );
    let instance_arn = format!(
        "arn:aws:ec2:us-east-1:123456789012:instance/{}",
        world.estate.instance
    );
    let resources: Vec<_> = finding.resources().iter().map(|r| r.id()).collect();
    assert!(
        resources.contains(&Some(instance_arn.as_str())),
        "{resources:?}"
    );
    for eni in &world.estate.interfaces {
        assert!(
            resources
                .iter()
                .any(|r| r.is_some_and(|r| r.ends_with(eni))),
            "{eni} missing from {resources:?}"
        );
    }
    let fields = finding.product_fields().unwrap();
    assert_eq!(fields["cordon/Decision"], "contained");
    assert!(fields.contains_key("cordon/TimeToContainmentMs"));
    assert!(fields.keys().any(|k| k.starts_with("cordon/Step")));
    let advice = finding
        .remediation()
        .and_then(|r| r.recommendation())
        .and_then(|r| r.text())
        .unwrap();
    assert!(advice.contains("memory"), "{advice}");
}

#[tokio::test]
async fn three_deliveries_still_make_one_response_finding() {
    let world = World::new().await;
    for _ in 0..3 {
        let outcome = world.replay("tor-client.json").await;
        assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    }
    let found = world
        .findings_with_id(&response_id(&world, "tor-client.json"))
        .await;
    assert_eq!(found.len(), 1);
}

#[tokio::test]
async fn the_source_finding_gets_cordons_note_and_is_marked_notified() {
    let world = World::new().await;
    let source = import_source_finding(&world, "bitcoin-tool-dns.json").await;
    let outcome = world.replay("bitcoin-tool-dns.json").await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    let record = outcome.record.unwrap();
    assert_eq!(record.source_finding, Some(SourceUpdate::Updated));

    let found = world.findings_with_id(&source).await;
    assert_eq!(found.len(), 1);
    let note = found[0].note().expect("a note");
    assert_eq!(note.updated_by(), Some("cordon"));
    assert!(note.text().unwrap().contains("contained"), "{note:?}");
    assert_eq!(workflow_status(&found[0]), Some("NOTIFIED"));
    let fields = found[0].user_defined_fields().unwrap();
    assert_eq!(
        fields["cordon/ResponseFindingId"],
        response_id(&world, "bitcoin-tool-dns.json")
    );
}

#[tokio::test]
async fn a_source_finding_security_hub_lacks_is_said_not_failed() {
    let world = World::new().await;
    let outcome = world.replay("dns-data-exfiltration.json").await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    let record = outcome.record.unwrap();
    assert_eq!(record.source_finding, Some(SourceUpdate::NotInSecurityHub));
    assert!(record.failures.is_empty());
}

#[tokio::test]
async fn an_observed_finding_is_recorded_as_notified_without_touching_the_instance() {
    let world = World::new().await;
    let outcome = world.replay("port-probe-target.json").await;
    assert_eq!(outcome.decision, Decision::Observed, "{outcome:#?}");
    let found = world
        .findings_with_id(&response_id(&world, "port-probe-target.json"))
        .await;
    assert_eq!(found.len(), 1);
    assert_eq!(workflow_status(&found[0]), Some("NOTIFIED"));
    assert!(world.isolation_groups().await.is_empty());
}

#[tokio::test]
async fn people_get_a_human_summary_first_then_the_incident_as_json() {
    let world = World::new().await;
    let outcome = world.replay("ssh-brute-force-actor.json").await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    assert!(outcome.record.as_ref().unwrap().notified);
    // A duplicate delivery changes nothing, so nobody is told twice.
    let again = world.replay("ssh-brute-force-actor.json").await;
    assert_eq!(again.decision, Decision::Contained, "{again:#?}");
    assert!(!again.record.as_ref().unwrap().notified);

    let published = published_to(&world);
    assert_eq!(published.len(), 1, "{published:#?}");
    let message = &published[0]["Message"];
    let first_line = message.lines().next().unwrap();
    assert!(
        first_line.starts_with("ISOLATED (verified):"),
        "{first_line}"
    );
    assert!(first_line.contains(&world.estate.instance));
    let (_, machine) = message.split_once("--- incident (JSON) ---").unwrap();
    let incident: serde_json::Value = serde_json::from_str(machine.trim()).unwrap();
    assert_eq!(incident["instanceId"], world.estate.instance.as_str());
    assert_eq!(incident["outcome"]["decision"], "contained");
    assert!(published[0]["Subject"].starts_with("[cordon] ISOLATED"));
    assert!(published[0]["Subject"].chars().count() <= 100);
    // Subscriptions filter on the message attributes.
    let attributes: std::collections::BTreeMap<&str, &str> = (1..=4)
        .map(|n| {
            let name = &published[0][&format!("MessageAttributes.entry.{n}.Name")];
            let value = &published[0][&format!("MessageAttributes.entry.{n}.Value.StringValue")];
            (name.as_str(), value.as_str())
        })
        .collect();
    assert_eq!(attributes["decision"], "contained", "{attributes:?}");
    assert_eq!(attributes["playbook"], "contain-instance", "{attributes:?}");
    assert_eq!(attributes["account"], "123456789012", "{attributes:?}");
    assert!(
        ["CRITICAL", "HIGH", "MEDIUM", "LOW"].contains(&attributes["severity"]),
        "{attributes:?}"
    );
    assert!(
        !message.contains("testing"),
        "credentials leaked into the message"
    );
}

#[tokio::test]
async fn with_the_chatbot_format_people_get_a_custom_notification() {
    let world = World::new().await;
    let config =
        enforcing(|name| (name == "CORDON_NOTIFICATION_FORMAT").then(|| "chatbot".to_owned()))
            .unwrap();
    let outcome = world
        .replay_with(world.event("tor-client.json"), &config)
        .await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    let published = published_to(&world);
    assert_eq!(published.len(), 1, "{published:#?}");
    let chat: serde_json::Value = serde_json::from_str(&published[0]["Message"]).unwrap();
    assert_eq!(chat["version"], "1.0");
    assert_eq!(chat["source"], "custom");
    assert_eq!(chat["content"]["textType"], "client-markdown");
    assert_eq!(chat["content"]["title"], published[0]["Subject"].as_str());
    let description = chat["content"]["description"].as_str().unwrap();
    assert!(
        description.starts_with("ISOLATED (verified):"),
        "{description}"
    );
    assert!(
        description.contains(&world.estate.instance),
        "{description}"
    );
    let response = response_id(&world, "tor-client.json");
    assert_eq!(chat["metadata"]["threadId"], response.as_str());
    let next = chat["content"]["nextSteps"].as_array().unwrap();
    let release = next.last().and_then(|s| s.as_str()).unwrap();
    assert!(release.contains("Actions → cordon-release"), "{release}");
    assert!(release.contains(&response), "{release}");
    // Subscription filters see the same attributes in either format.
    let decision =
        (1..=4).find(|n| published[0][&format!("MessageAttributes.entry.{n}.Name")] == "decision");
    let value = format!(
        "MessageAttributes.entry.{}.Value.StringValue",
        decision.unwrap()
    );
    assert_eq!(published[0][&value], "contained", "{published:#?}");
}

#[tokio::test]
async fn with_security_hub_unreachable_the_instance_is_still_isolated_and_the_run_fails() {
    // Nothing listens on port 9 of the loopback: every Security Hub call fails.
    let world = World::with_securityhub_at(&shared_moto().endpoint(), "http://127.0.0.1:9").await;
    let outcome = world.replay("backdoor-c2-actor.json").await;
    assert_eq!(outcome.decision, Decision::Failed, "{outcome:#?}");
    assert!(
        outcome.reason.contains("recording failed"),
        "{}",
        outcome.reason
    );
    assert!(
        outcome.reason.contains("securityhub:BatchImportFindings"),
        "{}",
        outcome.reason
    );
    let record = outcome.record.unwrap();
    assert!(!record.failures.is_empty());
    // The containment itself happened and holds.
    let deny = world.deny_group().await;
    assert_eq!(
        world.interfaces_in(deny.group_id().unwrap()).await,
        world.estate.all_interfaces()
    );
}
