//! A Lambda function's reserved concurrency, execution role and tags: what the Lambda
//! playbook reads and writes. Never its code, configuration or triggers.

use super::PortResult;
use std::future::Future;

/// The error code Lambda answers for a function that does not exist.
pub const NO_SUCH_FUNCTION: &str = "ResourceNotFoundException";

pub trait FunctionControls: Send + Sync {
    /// The function's tags, read live (its exemption); `function_arn` unqualified.
    fn function_tags(
        &self,
        function_arn: &str,
    ) -> impl Future<Output = PortResult<Vec<(String, String)>>> + Send;

    /// The execution role's ARN, as Lambda holds it now.
    fn execution_role(&self, function: &str) -> impl Future<Output = PortResult<String>> + Send;

    /// The reserved concurrency; `None` when the function draws on the account's
    /// unreserved pool.
    fn reserved_concurrency(
        &self,
        function: &str,
    ) -> impl Future<Output = PortResult<Option<i32>>> + Send;

    fn put_reserved_concurrency(
        &self,
        function: &str,
        reserved: i32,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// Back to the unreserved pool (release of a function that had no reservation).
    fn delete_reserved_concurrency(
        &self,
        function: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;

    fn tag_function(
        &self,
        function_arn: &str,
        tags: &[(String, String)],
    ) -> impl Future<Output = PortResult<()>> + Send;
}
