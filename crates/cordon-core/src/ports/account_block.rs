//! An account's S3 Block Public Access (S3 Control): what the bucket function reads and
//! writes when GuardDuty reports the account-level block switched off. It covers every
//! bucket of the account; nothing about any one bucket is read or written here.

use super::{PortResult, PublicAccessBlock};
use cordon_events::AccountId;
use std::future::Future;

/// The account-level public-access block of one account.
pub trait AccountPublicAccess: Send + Sync {
    /// `None`: the account has no block configured (all four off).
    fn account_public_access_block(
        &self,
        account: &AccountId,
    ) -> impl Future<Output = PortResult<Option<PublicAccessBlock>>> + Send;

    fn put_account_public_access_block(
        &self,
        account: &AccountId,
        block: PublicAccessBlock,
    ) -> impl Future<Output = PortResult<()>> + Send;
}
