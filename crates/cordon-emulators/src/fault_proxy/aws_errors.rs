//! Injected errors worded as each service words its own, so the SDK parses them (and
//! retries them) as it would the real thing.

use super::FaultKind;
use crate::http::{Request, Response};

/// How a service words its errors, which decides how the SDK parses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Protocol {
    /// `<Response><Errors><Error>…` (EC2 alone).
    Ec2Query,
    /// `<ErrorResponse><Error>…` (IAM, STS, SNS, Auto Scaling, ELB ...).
    AwsQuery,
    /// `{"__type": …}` plus `x-amzn-ErrorType` (awsJson and restJson services).
    Json,
}

/// Query services send form-encoded bodies; everything else the kit talks to is JSON.
pub(super) fn protocol_of(service: &str, request: &Request) -> Protocol {
    let form = request
        .headers
        .get("Content-Type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    match (service, form) {
        ("ec2", _) => Protocol::Ec2Query,
        (_, true) => Protocol::AwsQuery,
        _ => Protocol::Json,
    }
}

/// An injected error answer, shaped as the real service sends it.
#[derive(Debug)]
pub(super) struct ErrorReply {
    status: u16,
    code: &'static str,
    protocol: Protocol,
    body: String,
}

impl ErrorReply {
    pub(super) fn new(kind: FaultKind, protocol: Protocol, request_id: &str) -> Self {
        use FaultKind::*;
        use Protocol::*;
        // EC2's own codes, and the codes common to the other services' APIs.
        let (status, code, message) = match (kind, protocol) {
            (Throttle, Ec2Query) => (503, "RequestLimitExceeded", "Request limit exceeded."),
            (Throttle, AwsQuery) => (400, "Throttling", "Rate exceeded"),
            (Throttle, Json) => (400, "ThrottlingException", "Rate exceeded"),
            (InternalError, Ec2Query) => (500, "InternalError", "An internal error has occurred."),
            (InternalError, _) => (500, "InternalFailure", "An internal error has occurred."),
            // A dropped connection never gets this far; it has no body to word.
            (Unavailable | DropConnection, _) => (
                503,
                "ServiceUnavailable",
                "The service is unavailable. Please try again shortly.",
            ),
        };
        let fault_type = if status == 400 { "Sender" } else { "Receiver" };
        let body = match protocol {
            Ec2Query => format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"#
            ),
            AwsQuery => format!(
                r#"<ErrorResponse><Error><Type>{fault_type}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"#
            ),
            Json => serde_json::json!({ "__type": code, "message": message }).to_string(),
        };
        Self {
            status,
            code,
            protocol,
            body,
        }
    }

    pub(super) fn to_response(&self, request: &Request) -> Response {
        let content_type = match self.protocol {
            Protocol::Json => request
                .headers
                .get("X-Amz-Target")
                .and(request.headers.get("Content-Type"))
                .unwrap_or("application/json"),
            _ => "text/xml",
        };
        let response =
            Response::new(self.status, self.body.as_str()).header("Content-Type", content_type);
        match self.protocol {
            Protocol::Json => response.header("x-amzn-ErrorType", self.code),
            _ => response,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault_proxy::tests::{EC2_AUTH, request};

    #[test]
    fn query_services_are_told_apart_by_their_form_bodies() {
        let query = request(&format!(
            "POST / HTTP/1.1\r\n{EC2_AUTH}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n\r\n"
        ));
        assert_eq!(protocol_of("ec2", &query), Protocol::Ec2Query);
        assert_eq!(protocol_of("iam", &query), Protocol::AwsQuery);
        let json = request("POST / HTTP/1.1\r\nX-Amz-Target: A.B\r\nContent-Length: 0\r\n\r\n");
        assert_eq!(protocol_of("cloudtrail", &json), Protocol::Json);
    }

    #[test]
    fn words_errors_as_each_protocol_does() {
        let ec2 = ErrorReply::new(FaultKind::Throttle, Protocol::Ec2Query, "r-1");
        assert_eq!(ec2.status, 503);
        assert!(
            ec2.body
                .contains("<Response><Errors><Error><Code>RequestLimitExceeded</Code>")
        );
        assert!(ec2.body.ends_with("<RequestID>r-1</RequestID></Response>"));
        let query = ErrorReply::new(FaultKind::Throttle, Protocol::AwsQuery, "r-2");
        assert_eq!(query.status, 400);
        assert!(
            query
                .body
                .starts_with("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>")
        );
        let json = ErrorReply::new(FaultKind::Unavailable, Protocol::Json, "r-3");
        assert_eq!(json.status, 503);
        assert_eq!(
            json.body,
            r#"{"__type":"ServiceUnavailable","message":"The service is unavailable. Please try again shortly."}"#
        );
        let target = request(
            "POST / HTTP/1.1\r\nX-Amz-Target: A.B\r\nContent-Type: application/x-amz-json-1.1\r\n\r\n",
        );
        let mut bytes = Vec::new();
        json.to_response(&target)
            .write_to(&mut bytes, false)
            .unwrap();
        let bytes = String::from_utf8(bytes).unwrap();
        assert!(bytes.starts_with("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-ErrorType: ServiceUnavailable\r\n"), "{bytes}");
    }
}
