//! The message as an AWS Chatbot custom notification (`version` 1.0, `source` custom),
//! the only form Chatbot relays from a topic to a chat channel: the summary as the
//! description, what to do next as `nextSteps`, one thread per incident.

use super::Notification;
use super::truncate;
use serde_json::{Map, Value, json};

/// Chat is read at a glance; the whole record is the response finding.
const DESCRIPTION_BYTES: usize = 4000;

/// The custom notification's JSON.
pub(super) fn custom_notification(notification: &Notification) -> String {
    let chat = &notification.chat;
    let decision = notification.attribute("decision");
    let playbook = notification.attribute("playbook");
    let mut context = Map::new();
    for (name, value) in &notification.attributes {
        context.insert((*name).to_owned(), json!(value));
    }
    context.insert(
        "responseFindingId".to_owned(),
        json!(chat.response_finding_id),
    );
    if let Some(source) = &chat.source_finding {
        context.insert("sourceFinding".to_owned(), json!(source));
    }
    let title = inert(&notification.subject);
    json!({
        "version": "1.0",
        "source": "custom",
        "content": {
            "textType": "client-markdown",
            "title": title,
            "description": truncate(&inert(&chat.summary), DESCRIPTION_BYTES),
            "nextSteps": chat.next_steps.iter().map(|step| inert(step)).collect::<Vec<_>>(),
            "keywords": [decision, notification.attribute("severity"), playbook],
        },
        "metadata": {
            "threadId": chat.response_finding_id,
            "summary": title,
            "eventType": format!("cordon/{playbook}/{decision}"),
            "relatedResources": chat.resources,
            "additionalContext": Value::Object(context),
        },
    })
    .to_string()
}

/// Text from an event (a principal's name, a user agent, a request parameter) must not
/// become a mention or a link in chat, which chat markdown writes in angle brackets
/// (`<!channel>`, `<https://…|text>`).
fn inert(text: &str) -> String {
    text.replace('<', "‹").replace('>', "›")
}
