//! CloudTrail management events as EventBridge delivers them: API calls ("AWS API
//! Call via CloudTrail") and console sign-ins ("AWS Console Sign In via CloudTrail").
//! API calls are checked against `aws_lambda_events`' `AWSAPICall`; console sign-ins
//! carry no `requestID`, so they have their own model. Both become one
//! [`CloudTrailEvent`] with the facts responders need, including the ones
//! `AWSAPICall` leaves out (`errorCode`, `userIdentity.accessKeyId`).

use crate::{AccessKeyId, AccountId, IngressChange, ParseError, RuleModification};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Detail of an "AWS API Call via CloudTrail" event.
pub type CloudTrailApiCall = aws_lambda_events::cloudwatch_events::cloudtrail::AWSAPICall;

pub(crate) const API_CALL_DETAIL_TYPE: &str = "AWS API Call via CloudTrail";
/// The detail-type real console sign-ins carry; parts of the EventBridge guide spell
/// it "Signin", so both are accepted.
pub(crate) const CONSOLE_SIGN_IN_DETAIL_TYPES: &[&str] = &[
    "AWS Console Sign In via CloudTrail",
    "AWS Console Signin via CloudTrail",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CloudTrailEventKind {
    ApiCall,
    ConsoleSignIn,
}

/// One CloudTrail management event, validated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CloudTrailEvent {
    pub kind: CloudTrailEventKind,
    /// CloudTrail's unique id for the event: the key for deduplication.
    pub event_id: String,
    pub event_time: String,
    /// The service, e.g. `cloudtrail.amazonaws.com`.
    pub event_source: String,
    pub event_name: String,
    pub aws_region: String,
    pub source_ip_address: String,
    pub user_agent: Option<String>,
    pub identity: CallerIdentity,
    /// `null` when the call had none.
    pub request_parameters: Value,
    pub response_elements: Value,
    pub additional_event_data: Value,
    /// Present when the call failed: it was an attempt, not a change.
    pub error: Option<CallError>,
    pub read_only: Option<bool>,
    pub recipient_account_id: Option<AccountId>,
    /// For a successful `ec2:AuthorizeSecurityGroupIngress`: what it added.
    pub ingress: Option<IngressChange>,
    /// For a successful `ec2:ModifySecurityGroupRules`: the rules it rewrote.
    pub modification: Option<RuleModification>,
}

/// Who made the call (`userIdentity`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CallerIdentity {
    /// `Root`, `IAMUser`, `AssumedRole`, `FederatedUser`, `AWSService`...; an open set.
    pub identity_type: String,
    pub principal_id: Option<String>,
    pub arn: Option<String>,
    pub account_id: Option<AccountId>,
    pub user_name: Option<String>,
    pub access_key_id: Option<AccessKeyId>,
    /// For assumed roles: the role the session came from.
    pub session_issuer_arn: Option<String>,
    pub session_issuer_name: Option<String>,
    /// `sessionContext.attributes.mfaAuthenticated`.
    pub mfa_authenticated: Option<bool>,
    /// Set when an AWS service made the call on the principal's behalf.
    pub invoked_by: Option<String>,
}

/// `errorCode` / `errorMessage` of a failed call (a failed sign-in has only the message).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CallError {
    pub code: Option<String>,
    pub message: Option<String>,
}

impl CloudTrailEvent {
    /// The named string in `requestParameters`, if present and non-empty.
    pub fn request_string(&self, field: &str) -> Option<&str> {
        self.request_parameters
            .get(field)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    }

    /// `additionalEventData.MFAUsed` of a console sign-in: `Some(true)` only for "Yes".
    pub fn mfa_used(&self) -> Option<bool> {
        self.additional_event_data
            .get("MFAUsed")
            .and_then(Value::as_str)
            .map(|v| v == "Yes")
    }

    /// Whether a console sign-in succeeded (`responseElements.ConsoleLogin`).
    pub fn sign_in_succeeded(&self) -> bool {
        self.response_elements
            .get("ConsoleLogin")
            .and_then(Value::as_str)
            == Some("Success")
    }
}

/// The fields of an API call's detail that `AWSAPICall` does not model.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiCallExtras {
    #[serde(default)]
    error_code: Option<String>,
    #[serde(default)]
    error_message: Option<String>,
    #[serde(default)]
    read_only: Option<bool>,
    #[serde(default)]
    recipient_account_id: Option<AccountId>,
    user_identity: RawIdentity,
}

/// A console sign-in's detail: like an API call, without `requestID`, and a failed
/// IAM-user sign-in names the user but may carry no ARN.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConsoleSignIn {
    #[allow(dead_code)] // required for the shape; not used
    event_version: String,
    user_identity: RawIdentity,
    event_time: String,
    event_source: String,
    event_name: String,
    aws_region: String,
    #[serde(rename = "sourceIPAddress")]
    source_ip_address: String,
    #[serde(default)]
    user_agent: Option<String>,
    #[serde(default)]
    response_elements: Value,
    #[serde(default)]
    additional_event_data: Value,
    #[serde(default)]
    error_code: Option<String>,
    #[serde(default)]
    error_message: Option<String>,
    #[serde(rename = "eventID")]
    event_id: String,
    #[serde(default)]
    recipient_account_id: Option<AccountId>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawIdentity {
    #[serde(rename = "type")]
    identity_type: String,
    #[serde(default)]
    principal_id: Option<String>,
    #[serde(default)]
    arn: Option<String>,
    #[serde(default)]
    account_id: Option<AccountId>,
    #[serde(default)]
    user_name: Option<String>,
    /// Console sign-ins carry an empty string.
    #[serde(default)]
    access_key_id: Option<String>,
    #[serde(default)]
    invoked_by: Option<String>,
    #[serde(default)]
    session_context: Option<RawSessionContext>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSessionContext {
    #[serde(default)]
    session_issuer: Option<RawSessionIssuer>,
    #[serde(default)]
    attributes: Option<RawAttributes>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSessionIssuer {
    #[serde(default)]
    arn: Option<String>,
    #[serde(default)]
    user_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAttributes {
    #[serde(default)]
    mfa_authenticated: Option<String>,
}

impl RawIdentity {
    fn into_identity(self) -> Result<CallerIdentity, ParseError> {
        let access_key_id = match self.access_key_id.filter(|k| !k.is_empty()) {
            None => None,
            Some(key) => Some(AccessKeyId::try_from(key).map_err(|message| {
                ParseError::field("detail.userIdentity.accessKeyId", message)
            })?),
        };
        let (issuer, attributes) = match self.session_context {
            Some(context) => (context.session_issuer, context.attributes),
            None => (None, None),
        };
        let (session_issuer_arn, session_issuer_name) = match issuer {
            Some(issuer) => (issuer.arn, issuer.user_name),
            None => (None, None),
        };
        Ok(CallerIdentity {
            identity_type: self.identity_type,
            principal_id: self.principal_id.filter(|p| !p.is_empty()),
            arn: self.arn.filter(|a| !a.is_empty()),
            account_id: self.account_id,
            user_name: self.user_name.filter(|n| !n.is_empty()),
            access_key_id,
            session_issuer_arn,
            session_issuer_name,
            mfa_authenticated: attributes
                .and_then(|a| a.mfa_authenticated)
                .map(|m| m == "true"),
            invoked_by: self.invoked_by,
        })
    }
}

/// Parses an API call's detail: the `AWSAPICall` shape first, then the extras.
pub(crate) fn parse_api_call(detail: Value) -> Result<CloudTrailEvent, ParseError> {
    let call: CloudTrailApiCall = crate::parse::deserialize_at("detail", detail.clone())?;
    let extras: ApiCallExtras = crate::parse::deserialize_at("detail", detail)?;
    require_id(&call.event_id)?;
    let failed = extras.error_code.is_some() || extras.error_message.is_some();
    let response_elements = call.response_elements.unwrap_or(Value::Null);
    let ec2_change =
        |name: &str| call.event_source == "ec2.amazonaws.com" && call.event_name == name && !failed;
    let ingress = ec2_change("AuthorizeSecurityGroupIngress")
        .then(|| IngressChange::parse(&call.request_parameters, &response_elements))
        .transpose()?;
    let modification = ec2_change("ModifySecurityGroupRules")
        .then(|| RuleModification::parse(&call.request_parameters))
        .transpose()?;
    Ok(CloudTrailEvent {
        kind: CloudTrailEventKind::ApiCall,
        event_id: call.event_id,
        event_time: call.event_time,
        event_source: call.event_source,
        event_name: call.event_name,
        aws_region: call.aws_region,
        source_ip_address: call.source_ipaddress,
        user_agent: Some(call.user_agent),
        identity: extras.user_identity.into_identity()?,
        request_parameters: call.request_parameters,
        response_elements,
        additional_event_data: call.additional_event_data.unwrap_or(Value::Null),
        error: failed.then_some(CallError {
            code: extras.error_code,
            message: extras.error_message,
        }),
        read_only: extras.read_only,
        recipient_account_id: extras.recipient_account_id,
        ingress,
        modification,
    })
}

/// Parses a console sign-in's detail.
pub(crate) fn parse_console_sign_in(detail: Value) -> Result<CloudTrailEvent, ParseError> {
    let sign_in: ConsoleSignIn = crate::parse::deserialize_at("detail", detail)?;
    require_id(&sign_in.event_id)?;
    Ok(CloudTrailEvent {
        kind: CloudTrailEventKind::ConsoleSignIn,
        event_id: sign_in.event_id,
        event_time: sign_in.event_time,
        event_source: sign_in.event_source,
        event_name: sign_in.event_name,
        aws_region: sign_in.aws_region,
        source_ip_address: sign_in.source_ip_address,
        user_agent: sign_in.user_agent,
        identity: sign_in.user_identity.into_identity()?,
        request_parameters: Value::Null,
        response_elements: sign_in.response_elements,
        additional_event_data: sign_in.additional_event_data,
        error: (sign_in.error_code.is_some() || sign_in.error_message.is_some()).then_some(
            CallError {
                code: sign_in.error_code,
                message: sign_in.error_message,
            },
        ),
        read_only: Some(false),
        recipient_account_id: sign_in.recipient_account_id,
        ingress: None,
        modification: None,
    })
}

/// The event id keys deduplication and the response finding: it must be usable.
fn require_id(event_id: &str) -> Result<(), ParseError> {
    let ok = !event_id.is_empty()
        && event_id.len() <= 128
        && event_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ParseError::field(
            "detail.eventID",
            format!("`{event_id}` is not a CloudTrail event id (letters, digits and dashes)"),
        ))
    }
}
