use crate::sample::{SampleFinding, sample_finding};
use crate::{
    CloudTrailEvent, CustomAction, Envelope, GuardDutyFinding, ParseError, cloudtrail,
    custom_action, guardduty,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A parsed event: the validated envelope and, where cordon models it, the typed detail.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    GuardDuty(Envelope, Box<GuardDutyFinding>),
    /// A GuardDuty sample finding whose placeholders are not ids: nothing to act on.
    GuardDutySample(Envelope, Box<SampleFinding>),
    /// A CloudTrail API call or console sign-in.
    CloudTrail(Envelope, Box<CloudTrailEvent>),
    /// A person chose one of cordon's custom actions on a finding in Security Hub.
    CustomAction(Envelope, Box<CustomAction>),
    /// A well-formed event of a kind cordon does not model; only routing can decide on it.
    Other(Envelope, Value),
}

impl Event {
    pub fn envelope(&self) -> &Envelope {
        match self {
            Self::GuardDuty(e, _)
            | Self::GuardDutySample(e, _)
            | Self::CloudTrail(e, _)
            | Self::CustomAction(e, _)
            | Self::Other(e, _) => e,
        }
    }

    /// What logs name the incident by: the GuardDuty finding id or the CloudTrail
    /// event id; `None` for a kind cordon does not model.
    pub fn incident_id(&self) -> Option<&str> {
        match self {
            Self::GuardDuty(_, finding) => Some(&finding.id),
            Self::GuardDutySample(_, sample) => Some(&sample.id),
            Self::CloudTrail(_, event) => Some(&event.event_id),
            // A person's decision names the GuardDuty finding it leads back to.
            Self::CustomAction(_, action) => Some(&action.finding_id),
            Self::Other(..) => None,
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
            let finding: GuardDutyFinding = match deserialize_at("detail", detail.clone()) {
                Ok(finding) => finding,
                // A sample's placeholders are not ids; it is recognised before they are
                // validated, and ids stay strict wherever cordon would act on them.
                Err(err) => {
                    return match sample_finding(&detail) {
                        Some(sample) => {
                            let sample = sample?;
                            check_region("detail.region", &sample.region)?;
                            Ok(Event::GuardDutySample(envelope, Box::new(sample)))
                        }
                        None => Err(err),
                    };
                }
            };
            finding.validate()?;
            // cordon acts in the finding's region: one that is not a region, or not the
            // one GuardDuty delivered the event from, is a claim nothing backs.
            check_region("detail.region", &finding.region)?;
            if finding.region != envelope.region {
                return Err(ParseError::field(
                    "detail.region",
                    format!(
                        "{:?} differs from the event's region {:?}",
                        finding.region, envelope.region
                    ),
                ));
            }
            Ok(Event::GuardDuty(envelope, Box::new(finding)))
        }
        (_, detail_type)
            if detail_type == cloudtrail::API_CALL_DETAIL_TYPE
                || cloudtrail::CONSOLE_SIGN_IN_DETAIL_TYPES.contains(&detail_type) =>
        {
            // Only AWS services put `aws.` sources on a bus; anyone with
            // events:PutEvents can write any other.
            if !envelope.source.starts_with("aws.") {
                return Err(ParseError::field(
                    "source",
                    format!(
                        "{:?} is not an AWS service: CloudTrail events come from `aws.` sources",
                        envelope.source
                    ),
                ));
            }
            let event = if detail_type == cloudtrail::API_CALL_DETAIL_TYPE {
                cloudtrail::parse_api_call(detail)?
            } else {
                cloudtrail::parse_console_sign_in(detail)?
            };
            check_region("detail.awsRegion", &event.aws_region)?;
            Ok(Event::CloudTrail(envelope, Box::new(event)))
        }
        (custom_action::SOURCE, custom_action::DETAIL_TYPE) => {
            let action = custom_action::parse(&envelope, detail)?;
            Ok(Event::CustomAction(envelope, Box::new(action)))
        }
        _ => Ok(Event::Other(envelope, detail)),
    }
}

fn check_region(field: &str, region: &str) -> Result<(), ParseError> {
    match crate::scope::is_region(region) {
        true => Ok(()),
        false => Err(ParseError::field(
            field,
            format!("{region:?} is not an AWS region"),
        )),
    }
}

pub(crate) fn deserialize_at<T: DeserializeOwned>(
    prefix: &str,
    value: Value,
) -> Result<T, ParseError> {
    serde_path_to_error::deserialize(value).map_err(|e| ParseError::from_path(prefix, e))
}
