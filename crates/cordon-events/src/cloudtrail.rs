//! CloudTrail management events as EventBridge delivers them. `aws_lambda_events`
//! models the API-call detail; it is reused as is.

/// Detail of an "AWS API Call via CloudTrail" event.
pub type CloudTrailApiCall = aws_lambda_events::cloudwatch_events::cloudtrail::AWSAPICall;

pub(crate) const API_CALL_DETAIL_TYPE: &str = "AWS API Call via CloudTrail";
