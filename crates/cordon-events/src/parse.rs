use crate::{CloudTrailEvent, Envelope, GuardDutyFinding, ParseError, cloudtrail, guardduty};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A parsed event: the validated envelope and, where cordon models it, the typed detail.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    GuardDuty(Envelope, Box<GuardDutyFinding>),
    /// A CloudTrail API call or console sign-in.
    CloudTrail(Envelope, Box<CloudTrailEvent>),
    /// A well-formed event of a kind cordon does not model; only routing can decide on it.
    Other(Envelope, Value),
}

impl Event {
    pub fn envelope(&self) -> &Envelope {
        match self {
            Self::GuardDuty(e, _) | Self::CloudTrail(e, _) | Self::Other(e, _) => e,
        }
    }
}

/// Parses raw EventBridge JSON strictly: first the envelope, then the detail by its
/// `source` / `detail-type`. Any problem is a [`ParseError`] naming the field.
pub fn parse_event(raw: &[u8]) -> Result<Event, ParseError> {
    parse_event_value(serde_json::from_slice(raw).map_err(ParseError::Json)?)
}

/// As [`parse_event`], for an event the Lambda runtime already decoded.
pub fn parse_event_value(value: Value) -> Result<Event, ParseError> {
    if !value.is_object() {
        return Err(ParseError::field(
            "<root>",
            "an EventBridge event must be a JSON object",
        ));
    }
    let generic = deserialize_at("", value)?;
    let (envelope, detail) = Envelope::from_event(generic)?;
    match (envelope.source.as_str(), envelope.detail_type.as_str()) {
        (guardduty::SOURCE, guardduty::DETAIL_TYPE) => {
            let finding: GuardDutyFinding = deserialize_at("detail", detail)?;
            finding.validate()?;
            Ok(Event::GuardDuty(envelope, Box::new(finding)))
        }
        (_, cloudtrail::API_CALL_DETAIL_TYPE) => Ok(Event::CloudTrail(
            envelope,
            Box::new(cloudtrail::parse_api_call(detail)?),
        )),
        (_, detail_type) if cloudtrail::CONSOLE_SIGN_IN_DETAIL_TYPES.contains(&detail_type) => {
            Ok(Event::CloudTrail(
                envelope,
                Box::new(cloudtrail::parse_console_sign_in(detail)?),
            ))
        }
        _ => Ok(Event::Other(envelope, detail)),
    }
}

pub(crate) fn deserialize_at<T: DeserializeOwned>(
    prefix: &str,
    value: Value,
) -> Result<T, ParseError> {
    serde_path_to_error::deserialize(value).map_err(|e| ParseError::from_path(prefix, e))
}
