use aws_sdk_ec2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use cordon_core::PortError;
use cordon_core::ports::PortResult;

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
];

/// Maps an SDK error to a [`PortError`], keeping the service's error code and deciding
/// on purpose whether a retry could help.
pub fn port_error<E, R>(operation: &'static str, err: SdkError<E, R>) -> PortError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
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
        .unwrap_or_else(|| DisplayErrorContext(&err).to_string());
    PortError {
        operation,
        code,
        message,
        transient,
    }
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
    R: std::fmt::Debug,
{
    items
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| port_error(operation, e))
}
