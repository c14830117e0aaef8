use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use cordon_core::ports::{PortError, PortResult};

/// Error codes AWS uses for "slow down" or "try again": the call may succeed on retry.
const TRANSIENT_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "InternalError",
    "InternalFailure",
    "ServiceUnavailable",
    "Unavailable",
    // S3's throttling.
    "SlowDown",
];

/// Maps an SDK error to a [`PortError`], keeping the service's error code and deciding
/// on purpose whether a retry could help.
pub fn port_error<E, R>(operation: &'static str, err: SdkError<E, R>) -> PortError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    let code = err.code().map(str::to_owned);
    let transient = match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(_) => code
            .as_deref()
            .is_some_and(|c| TRANSIENT_CODES.contains(&c)),
        _ => false,
    };
    let message = err
        .message()
        .map(str::to_owned)
        .unwrap_or_else(|| one_line(&err));
    PortError {
        operation,
        code,
        message,
        transient,
    }
}

/// Longest message kept from an error's chain of causes.
const MESSAGE_LIMIT: usize = 300;

/// An error without a service message (no credentials, no connection, a timeout) as
/// one line a person can read: each cause's own text, outermost first. Causes that
/// print a debug dump (`Name { field: .. }`) add nothing readable and are left out.
pub(crate) fn one_line(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cause = Some(err);
    while let Some(current) = cause {
        let text = current.to_string();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let dump = text.contains('{') || text.contains("(Some(");
        if !text.is_empty() && !dump && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = current.source();
    }
    let mut line = if parts.is_empty() {
        "no further detail".to_owned()
    } else {
        parts.join(": ")
    };
    if line.len() > MESSAGE_LIMIT {
        let mut end = MESSAGE_LIMIT;
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        line.truncate(end);
        line.push('…');
    }
    line
}

/// Whether the call failed with one of `codes`: the few errors that mean "already done".
pub(crate) fn has_code<E, R>(err: &SdkError<E, R>, codes: &[&str]) -> bool
where
    E: ProvideErrorMetadata,
{
    err.code().is_some_and(|code| codes.contains(&code))
}

/// A field the service should always return but did not: a surprise, so an error.
pub(crate) fn missing(operation: &'static str, what: &str) -> PortError {
    invalid(operation, format!("the response has no {what}"))
}

/// A request or response cordon cannot make sense of: not the service's error, and a
/// retry would not help.
pub(crate) fn invalid(operation: &'static str, message: String) -> PortError {
    PortError {
        operation,
        code: None,
        message,
        transient: false,
    }
}

/// Every item of a paginated listing, or the first error.
pub(crate) fn every<T, E, R>(
    operation: &'static str,
    items: Vec<Result<T, SdkError<E, R>>>,
) -> PortResult<Vec<T>>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    items
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| port_error(operation, e))
}

#[cfg(test)]
mod tests {
    use super::one_line;
    use std::fmt;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|l| l as _)
        }
    }

    #[test]
    fn a_chain_of_causes_is_one_readable_line_without_debug_dumps() {
        let err = Layer(
            "dispatch failure",
            Some(Box::new(Layer(
                "ServiceError { source: Unhandled(Unhandled { meta: .. }), raw: Response { .. } }",
                Some(Box::new(Layer(
                    "no providers in chain provided credentials\n  (tried environment, profile, IMDS)",
                    None,
                ))),
            ))),
        );
        let line = one_line(&err);
        assert_eq!(
            line,
            "dispatch failure: no providers in chain provided credentials (tried environment, profile, IMDS)"
        );
        assert!(!line.contains("ServiceError {") && !line.contains("raw: Response"));
    }

    #[test]
    fn a_long_chain_is_cut_to_a_readable_length() {
        let long = Box::leak("x".repeat(1000).into_boxed_str());
        let line = one_line(&Layer(long, None));
        assert!(
            line.chars().count() <= super::MESSAGE_LIMIT + 1,
            "{}",
            line.len()
        );
        assert!(line.ends_with('…'));
    }
}
