//! What set a response going: an event (cordon decides), or a person choosing one of
//! cordon's custom actions in Security Hub (they decided). A person's decision lifts
//! the dry-run mode and the blast-radius breaker; exemptions, the account allow-list
//! and GuardDuty's own record of the finding still decide as always.

use cordon_events::HumanDecision;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// An event from GuardDuty or CloudTrail.
    Event,
    /// A custom action chosen in Security Hub, or its CLI twin.
    Person(PersonAction),
}

/// Every event-triggered response starts from this.
pub static BY_EVENT: Trigger = Trigger::Event;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonAction {
    pub decision: HumanDecision,
    /// The custom-action event's id: one decision acts once, however often delivered.
    pub event_id: String,
    /// When the person chose it (the event's time).
    pub at: String,
    /// Where: Security Hub, or the cordon CLI.
    pub via: &'static str,
}

impl Trigger {
    pub fn person(&self) -> Option<&PersonAction> {
        match self {
            Self::Event => None,
            Self::Person(action) => Some(action),
        }
    }
}

impl PersonAction {
    /// A person chose to act: the dry-run mode and the breaker give way.
    pub fn acts(&self) -> bool {
        matches!(
            self.decision,
            HumanDecision::Contain | HumanDecision::Approve
        )
    }

    /// The record's opening: which action, where and when.
    pub fn describe(&self) -> String {
        format!(
            "{} chosen in {} at {} (event {})",
            self.decision.name(),
            self.via,
            self.at,
            self.event_id
        )
    }

    /// The ledger claim of this decision: the incident update's key and the action,
    /// so each chosen action acts once and never collides with cordon's own claim.
    pub fn ledger_key(&self, key: &str) -> String {
        format!("{key}/{}/{}", self.decision.name(), self.event_id)
    }
}
