//! GuardDuty Extended Threat Detection: an attack-sequence finding
//! (`AttackSequence:IAM/CompromisedCredentials` and friends) carries the chain of
//! signals it correlated in `service.detection.sequence`, with the actors behind them
//! and, for each actor, the credential it used. Modelled after GuardDuty's `Sequence`,
//! `Signal`, `Actor` and `User` API shapes; the rest (resources, endpoints, indicators,
//! timestamps) is tolerated and left out.

use crate::AccessKeyId;
use serde::{Deserialize, Serialize};

/// `service.detection`: what GuardDuty's detection models add to a finding.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Detection {
    #[serde(default)]
    pub sequence: Option<Sequence>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sequence {
    pub uid: String,
    #[serde(default)]
    pub description: String,
    /// At least one, at most 100 (GuardDuty's documented bounds).
    pub signals: Vec<Signal>,
    #[serde(default)]
    pub actors: Vec<Actor>,
}

/// One signal of the chain: a GuardDuty finding or an API activity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Signal {
    pub uid: String,
    /// `FINDING`, `CLOUD_TRAIL`, `S3_DATA_EVENTS`, … (an open set).
    #[serde(rename = "type")]
    pub signal_type: String,
    /// The finding type for a `FINDING` signal, the API for an activity.
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub severity: Option<f64>,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub actor_ids: Vec<String>,
}

/// Who acted in the sequence; `user` when it was an AWS identity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    pub id: String,
    #[serde(default)]
    pub user: Option<SequenceUser>,
}

/// The identity behind an actor (GuardDuty's `User`): the IAM user, or for
/// `AssumedRole` the role, and the access key it used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SequenceUser {
    pub name: String,
    pub uid: String,
    /// CloudTrail's identity types, as in `accessKeyDetails.userType`.
    #[serde(rename = "type")]
    pub user_type: String,
    /// The access key the actor used; checked like every key cordon may act on.
    #[serde(default)]
    pub credential_uid: Option<AccessKeyId>,
}

/// An attack-sequence finding stands on its chain: without it, or with more signals
/// than GuardDuty ever reports, it is not the finding the documentation describes.
pub(crate) fn validate(sequence: Option<&Sequence>) -> Result<(), crate::ParseError> {
    const FIELD: &str = "detail.service.detection.sequence";
    let Some(sequence) = sequence else {
        return Err(crate::ParseError::field(
            FIELD,
            "an attack-sequence finding must carry its sequence of signals",
        ));
    };
    if !(1..=100).contains(&sequence.signals.len()) {
        return Err(crate::ParseError::field(
            format!("{FIELD}.signals"),
            format!(
                "{} signals; GuardDuty reports 1 to 100",
                sequence.signals.len()
            ),
        ));
    }
    Ok(())
}
