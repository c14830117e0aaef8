//! Switching the audit services back on: CloudTrail trails and the AWS Config recorder.

use super::PortResult;
use std::future::Future;

/// The audit services cordon can switch back on: CloudTrail trails and the AWS
/// Config recorder. Each start is a single call that restores the state before.
pub trait AuditLogging: Send + Sync {
    /// `GetTrailStatus.IsLogging`. `trail` is a name or ARN.
    fn trail_is_logging(&self, trail: &str) -> impl Future<Output = PortResult<bool>> + Send;

    fn start_trail_logging(&self, trail: &str) -> impl Future<Output = PortResult<()>> + Send;

    /// Whether the recorder is recording.
    fn recorder_is_recording(
        &self,
        recorder: &str,
    ) -> impl Future<Output = PortResult<bool>> + Send;

    fn start_recorder(&self, recorder: &str) -> impl Future<Output = PortResult<()>> + Send;
}
