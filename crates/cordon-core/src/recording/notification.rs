//! The message for the people on call (SNS): plain text for e-mail, or an AWS Chatbot
//! custom notification for chat channels. Either way it says what a person can do next
//! from Security Hub, where cordon's custom actions act on the response finding.

use super::{ResponseFinding, chatbot, truncate};
use crate::{Decision, Outcome};
use std::str::FromStr;

/// The most SNS accepts in one message, in bytes.
pub const SNS_MESSAGE_BYTES: usize = 256 * 1024;

/// Room left under SNS's limit for the subject and the message attributes.
const ROOM_FOR_THE_REST: usize = 4 * 1024;

/// Every domain's message is its summary for people, then this line and the incident
/// as JSON.
const INCIDENT_JSON: &str = "\n--- incident (JSON) ---\n";

/// A domain's message: `summary` for people, then [`INCIDENT_JSON`] and `incident`.
pub(crate) fn incident_message(summary: &str, incident: &serde_json::Value) -> String {
    let machine = serde_json::to_string_pretty(incident).unwrap_or_default();
    format!("{summary}{INCIDENT_JSON}{machine}\n")
}

/// One line per step with its detail, as the bucket, account-block and Lambda messages
/// list them.
pub(crate) fn step_lines(steps: &[crate::StepReport]) -> String {
    steps
        .iter()
        .map(|step| {
            format!(
                "  - {} {}: {} ({})\n",
                step.name,
                step.target,
                step.status.as_str(),
                step.detail
            )
        })
        .collect()
}

/// How the message body is written (`CORDON_NOTIFICATION_FORMAT`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NotificationFormat {
    /// Text for e-mail: the summary, then the incident as JSON.
    #[default]
    Plain,
    /// An AWS Chatbot custom notification, which Chatbot renders in Slack, Teams or
    /// Chime (it relays nothing else from a topic to a channel).
    Chatbot,
}

impl FromStr for NotificationFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "plain" => Ok(Self::Plain),
            "chatbot" => Ok(Self::Chatbot),
            other => Err(format!(
                "unknown notification format `{other}` (expected plain or chatbot)"
            )),
        }
    }
}

/// The message for the people on call (SNS).
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    /// SNS subjects are at most 100 characters.
    pub subject: String,
    /// The body SNS sends: plain text until [`Notification::in_format`] says otherwise.
    pub message: String,
    /// SNS message attributes, so a subscription can filter on them: `severity`,
    /// `decision`, `playbook` and `account`.
    pub attributes: Vec<(&'static str, String)>,
    /// What a chat message is made of.
    pub(super) chat: ChatParts,
}

/// The parts of the message a Chatbot notification lays out in fields of its own.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct ChatParts {
    /// The domain's summary for people, without the incident JSON (what to do next is
    /// in `next_steps`).
    pub summary: String,
    /// What to do about the incident, then what to do in Security Hub.
    pub next_steps: Vec<String>,
    /// cordon's finding: one chat thread per incident.
    pub response_finding_id: String,
    /// The GuardDuty finding answered (its ARN), if any.
    pub source_finding: Option<String>,
    pub resources: Vec<String>,
}

impl Notification {
    /// The message about `outcome`, recorded as `finding`, in `account`. `subject` is
    /// cut to SNS's 100 characters and `message` to SNS's limit; what to do next in
    /// Security Hub is added to the summary.
    pub fn new(
        subject: &str,
        message: String,
        outcome: &Outcome,
        finding: &ResponseFinding,
        account: &str,
    ) -> Self {
        // `cordon/contain-instance`, `cordon/respond-cloudtrail/<family>`: the playbook.
        let playbook = finding
            .generator_id
            .split('/')
            .nth(1)
            .unwrap_or(&finding.generator_id);
        let (summary, incident) = match message.split_once(INCIDENT_JSON) {
            Some((summary, incident)) => (summary, Some(incident)),
            None => (message.as_str(), None),
        };
        let summary = summary.trim_end().to_owned();
        let action = security_hub_action(outcome, &finding.id, playbook);
        let mut plain = summary.clone();
        if let Some(action) = &action {
            plain.push_str(&format!("\n{action}"));
        }
        plain = match incident {
            Some(incident) => format!("{plain}\n{INCIDENT_JSON}{incident}"),
            None => format!("{plain}\n"),
        };
        let next_steps = [finding.remediation.clone()]
            .into_iter()
            .filter(|step| !step.is_empty())
            .chain(action)
            .collect();
        Self {
            subject: subject.chars().take(100).collect(),
            message: truncate(&plain, SNS_MESSAGE_BYTES - ROOM_FOR_THE_REST),
            attributes: vec![
                ("severity", finding.severity_label.to_owned()),
                ("decision", outcome.decision.as_str().to_owned()),
                ("playbook", playbook.to_owned()),
                ("account", account.to_owned()),
            ],
            chat: ChatParts {
                summary,
                next_steps,
                response_finding_id: finding.id.clone(),
                source_finding: finding.source.as_ref().map(|s| s.id.clone()),
                resources: finding
                    .resources
                    .iter()
                    .map(|r| r.id().to_owned())
                    .collect(),
            },
        }
    }

    /// The same message with its body in `format`.
    pub fn in_format(self, format: NotificationFormat) -> Self {
        match format {
            NotificationFormat::Plain => self,
            NotificationFormat::Chatbot => Self {
                message: chatbot::custom_notification(&self),
                ..self
            },
        }
    }

    /// The value of message attribute `name`.
    pub fn attribute(&self, name: &str) -> &str {
        self.attributes
            .iter()
            .find(|(key, _)| *key == name)
            .map_or("", |(_, value)| value)
    }
}

/// What a person can do next from Security Hub, by decision: the custom actions
/// `cordon-release`, `cordon-approve` and `cordon-contain` act on the response finding
/// selected, for the GuardDuty playbooks the template routes them to.
fn security_hub_action(
    outcome: &Outcome,
    response_finding: &str,
    playbook: &str,
) -> Option<String> {
    let select = format!("select the response finding {response_finding} → Actions →");
    let actionable = matches!(playbook, "contain-instance" | "contain-credentials");
    let action = match outcome.decision {
        Decision::Failed => format!(
            "Next in Security Hub: open the response finding {response_finding} and check \
             its steps (cordon/Step…; cordon/Retried says whether Lambda retries the event)."
        ),
        _ if !actionable => return None,
        Decision::Contained | Decision::Observed if outcome.held_by_breaker => format!(
            "Next in Security Hub: {select} cordon-approve to let the containment the \
             blast-radius breaker held back go ahead, or cordon-contain to contain it now."
        ),
        Decision::Contained => format!(
            "Next in Security Hub, once the incident has been dealt with: {select} \
             cordon-release, which undoes the containment (where the stack allows release \
             from Security Hub; otherwise run `cordon release --incident {}`).",
            response_finding
                .rsplit('/')
                .next()
                .unwrap_or(response_finding)
        ),
        Decision::Observed if outcome.possible_forgery => format!(
            "Next: find who sent the event; nothing was touched. Should the finding prove \
             real, in Security Hub {select} cordon-contain."
        ),
        Decision::Observed => {
            format!("Next in Security Hub, to contain it after all: {select} cordon-contain.")
        }
        Decision::Ignored => return None,
    };
    Some(action)
}

#[cfg(test)]
#[path = "notification_tests.rs"]
mod tests;
