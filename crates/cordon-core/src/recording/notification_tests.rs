//! Both message formats, on an instance incident's message: what to do next in Security
//! Hub by decision, the Chatbot schema, and SNS's size limit.

use super::*;
use crate::fake_cloud::{TWO_ENIS, incident};
use crate::instance::{InstanceIncident, InstanceSettings, notification, plan, response_finding};
use crate::{StepReport, StepStatus};
use serde_json::Value;

fn outcome(incident: &InstanceIncident, decision: Decision) -> Outcome {
    let steps = plan(incident, InstanceSettings::default())
        .steps
        .iter()
        .map(|s| s.report(StepStatus::Done, "ok"))
        .collect::<Vec<StepReport>>();
    Outcome {
        steps,
        time_to_containment_ms: Some(42),
        ..Outcome::without_steps(decision, "Backdoor as ACTOR; isolation verified")
    }
}

fn message_about(outcome: &Outcome) -> (Notification, ResponseFinding) {
    let incident = incident(TWO_ENIS);
    let finding = response_finding(&incident, "2024-05-01T12:00:00Z", outcome);
    (notification(&incident, outcome, &finding), finding)
}

fn chatbot(notification: Notification) -> Value {
    let body = notification.in_format(NotificationFormat::Chatbot).message;
    serde_json::from_str(&body).expect("the Chatbot message is JSON")
}

#[test]
fn formats_are_plain_or_chatbot_and_nothing_else() {
    assert_eq!("plain".parse(), Ok(NotificationFormat::Plain));
    assert_eq!(" chatbot ".parse(), Ok(NotificationFormat::Chatbot));
    assert_eq!(NotificationFormat::default(), NotificationFormat::Plain);
    let err = "slack".parse::<NotificationFormat>().unwrap_err();
    assert!(
        err.contains("`slack`") && err.contains("plain or chatbot"),
        "{err}"
    );
}

#[test]
fn the_plain_message_says_what_to_do_in_security_hub_before_the_incident_json() {
    let incident = incident(TWO_ENIS);
    let (message, finding) = message_about(&outcome(&incident, Decision::Contained));
    let plain = message.clone().in_format(NotificationFormat::Plain);
    assert_eq!(plain, message);
    let (summary, machine) = plain.message.split_once(INCIDENT_JSON).unwrap();
    assert!(summary.starts_with("ISOLATED (verified):"), "{summary}");
    let next = summary.lines().last().unwrap();
    assert!(next.starts_with("Next in Security Hub"), "{next}");
    assert!(next.contains(&finding.id), "{next}");
    assert!(next.contains("Actions → cordon-release"), "{next}");
    let incident: Value = serde_json::from_str(machine.trim()).unwrap();
    assert_eq!(incident["outcome"]["decision"], "contained");
}

#[test]
fn the_next_step_in_security_hub_follows_the_decision() {
    let incident = incident(TWO_ENIS);
    let next = |outcome: Outcome| {
        let (message, _) = message_about(&outcome);
        let chat = chatbot(message.clone());
        let steps = chat["content"]["nextSteps"].as_array().unwrap().clone();
        (
            message.message,
            steps.last().unwrap().as_str().unwrap().to_owned(),
        )
    };
    let (plain, step) = next(outcome(&incident, Decision::Contained));
    assert!(
        step.contains("cordon-release") && plain.contains(&step),
        "{step}"
    );

    let held = Outcome {
        held_by_breaker: true,
        ..Outcome::without_steps(Decision::Observed, "past the blast-radius budget")
    };
    let (plain, step) = next(held);
    assert!(step.contains("cordon-approve"), "{step}");
    assert!(
        step.contains("cordon-contain") && plain.contains(&step),
        "{step}"
    );

    let repaired_but_held = Outcome {
        held_by_breaker: true,
        ..Outcome::without_steps(Decision::Contained, "logging restarted; principal held")
    };
    let (_, step) = next(repaired_but_held);
    assert!(step.contains("cordon-approve"), "{step}");

    let (_, step) = next(Outcome::without_steps(Decision::Observed, "exempt by tag"));
    assert!(step.contains("→ Actions → cordon-contain"), "{step}");
    assert!(!step.contains("cordon-approve"), "{step}");

    let forged = Outcome {
        possible_forgery: true,
        ..Outcome::without_steps(Decision::Observed, "GuardDuty does not know it")
    };
    let (_, step) = next(forged);
    assert!(step.contains("find who sent the event"), "{step}");

    let (plain, step) = next(outcome(&incident, Decision::Failed));
    assert!(
        step.contains("check its steps") && plain.contains(&step),
        "{step}"
    );
    assert!(!step.contains("cordon-release"), "{step}");

    let (message, _) = message_about(&Outcome::without_steps(Decision::Ignored, "not ours"));
    assert!(!message.message.contains("Next in Security Hub"));
}

#[test]
fn the_chatbot_message_is_a_custom_notification_with_every_field_filled() {
    let incident = incident(TWO_ENIS);
    let (message, finding) = message_about(&outcome(&incident, Decision::Contained));
    let chat = chatbot(message.clone());
    assert_eq!(chat["version"], "1.0");
    assert_eq!(chat["source"], "custom");
    let content = &chat["content"];
    assert_eq!(content["textType"], "client-markdown");
    assert_eq!(content["title"], message.subject.as_str());
    let description = content["description"].as_str().unwrap();
    assert!(
        description.starts_with("ISOLATED (verified):"),
        "{description}"
    );
    assert!(!description.contains("--- incident (JSON) ---"));
    assert!(!description.contains("cordon-release"), "in nextSteps only");
    let steps: Vec<&str> = content["nextSteps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(steps[0], finding.remediation);
    assert!(steps[1].contains("cordon-release"), "{steps:?}");
    assert_eq!(
        content["keywords"],
        serde_json::json!(["contained", "HIGH", "contain-instance"])
    );
    let metadata = &chat["metadata"];
    assert_eq!(metadata["threadId"], finding.id.as_str());
    assert_eq!(metadata["summary"], message.subject.as_str());
    assert_eq!(metadata["eventType"], "cordon/contain-instance/contained");
    let resources = metadata["relatedResources"].as_array().unwrap();
    assert!(
        resources
            .iter()
            .any(|r| r.as_str().unwrap().ends_with(incident.instance_id.as_str())),
        "{resources:?}"
    );
    // Chatbot's additional context is a map of strings.
    let context = metadata["additionalContext"].as_object().unwrap();
    assert!(context.values().all(Value::is_string), "{context:?}");
    assert_eq!(context["responseFindingId"], finding.id.as_str());
    assert_eq!(context["sourceFinding"], incident.finding_arn.as_str());
    assert_eq!(context["account"], "123456789012");
    // The subject and the attributes are SNS's, whatever the body.
    let chat_message = message.clone().in_format(NotificationFormat::Chatbot);
    assert_eq!(chat_message.subject, message.subject);
    assert_eq!(chat_message.attributes, message.attributes);
}

#[test]
fn text_from_an_event_cannot_become_a_mention_or_a_link_in_chat() {
    let incident = incident(TWO_ENIS);
    let outcome = outcome(&incident, Decision::Observed);
    let finding = response_finding(&incident, "2024-05-01T12:00:00Z", &outcome);
    let message = Notification::new(
        "[cordon] <!channel> observed",
        "Who: <https://evil.example|click here>\n".into(),
        &outcome,
        &finding,
        "123456789012",
    );
    let chat = chatbot(message);
    for field in [&chat["content"]["title"], &chat["content"]["description"]] {
        let text = field.as_str().unwrap();
        assert!(!text.contains('<') && !text.contains('>'), "{text}");
    }
    assert_eq!(chat["content"]["title"], "[cordon] ‹!channel› observed");
}

#[test]
fn both_formats_stay_under_the_sns_limit_however_many_steps() {
    let incident = incident(TWO_ENIS);
    let mut outcome = outcome(&incident, Decision::Failed);
    let step = outcome.steps[0].clone();
    outcome.steps = (0..5000)
        .map(|n| StepReport {
            target: format!("eni-{n:08}"),
            detail: "é".repeat(60),
            ..step.clone()
        })
        .collect();
    let (message, _) = message_about(&outcome);
    let size = |n: &Notification| {
        n.message.len()
            + n.subject.len()
            + n.attributes
                .iter()
                .map(|(k, v)| k.len() + v.len())
                .sum::<usize>()
    };
    assert!(size(&message) <= SNS_MESSAGE_BYTES, "{}", size(&message));
    assert!(message.message.ends_with('…'));
    let chat = message.clone().in_format(NotificationFormat::Chatbot);
    assert!(size(&chat) <= SNS_MESSAGE_BYTES, "{}", size(&chat));
    let chat: Value = serde_json::from_str(&chat.message).unwrap();
    assert!(chat["content"]["description"].as_str().unwrap().len() <= 4000);
    assert!(
        chat["content"]["nextSteps"][1]
            .as_str()
            .unwrap()
            .contains("check its steps")
    );
}

#[test]
fn custom_actions_are_offered_only_where_the_template_routes_them() {
    let contained = Outcome::without_steps(Decision::Contained, "logging restarted");
    assert_eq!(
        security_hub_action(
            &contained,
            "cordon/respond-cloudtrail/1/x",
            "respond-cloudtrail"
        ),
        None
    );
    let held = Outcome {
        held_by_breaker: true,
        ..contained.clone()
    };
    assert_eq!(security_hub_action(&held, "id", "respond-cloudtrail"), None);
    let failed = Outcome::without_steps(Decision::Failed, "StartLogging denied");
    let step = security_hub_action(&failed, "id", "respond-cloudtrail").unwrap();
    assert!(step.contains("check its steps"), "{step}");
    let step = security_hub_action(&contained, "id", "contain-credentials").unwrap();
    assert!(step.contains("cordon-release"), "{step}");
}
