use crate::{AccountId, ParseError};
use aws_lambda_events::eventbridge::EventBridgeEvent;
use serde::Serialize;
use serde_json::Value;

/// The EventBridge envelope with every field EventBridge always sets made mandatory
/// (`aws_lambda_events` keeps them optional to accept any producer).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Envelope {
    pub id: String,
    pub detail_type: String,
    pub source: String,
    pub account: AccountId,
    pub time: String,
    pub region: String,
    pub resources: Vec<String>,
}

impl Envelope {
    /// Validates the generic envelope, returning it with its untyped detail.
    pub(crate) fn from_event(event: EventBridgeEvent<Value>) -> Result<(Self, Value), ParseError> {
        let required = |value: Option<String>, field: &str| {
            value
                .filter(|v| !v.is_empty())
                .ok_or_else(|| ParseError::field(field, "missing or empty"))
        };
        required(event.version, "version")?;
        let id = required(event.id, "id")?;
        let account = AccountId::try_from(required(event.account, "account")?)
            .map_err(|message| ParseError::field("account", message))?;
        let time = event
            .time
            .ok_or_else(|| ParseError::field("time", "missing"))?
            .to_rfc3339();
        let region = required(event.region, "region")?;
        if !crate::scope::is_region(&region) {
            return Err(ParseError::field(
                "region",
                format!("{region:?} is not an AWS region"),
            ));
        }
        if !event.detail.is_object() {
            return Err(ParseError::field("detail", "must be a JSON object"));
        }
        let envelope = Self {
            id,
            detail_type: event.detail_type,
            source: event.source,
            account,
            time,
            region,
            resources: event.resources.unwrap_or_default(),
        };
        Ok((envelope, event.detail))
    }
}
