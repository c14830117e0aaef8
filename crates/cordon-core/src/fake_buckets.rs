//! An in-memory S3 for the bucket playbook's tests: one bucket's tags and block, the
//! account's block (S3 Control), every write logged, and switchable failures.

use crate::ports::{AccountPublicAccess, BucketAccess, PortError, PortResult, PublicAccessBlock};
use cordon_events::AccountId;
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct FakeBuckets {
    pub block: Mutex<Option<PublicAccessBlock>>,
    pub tags: Mutex<Vec<(String, String)>>,
    pub writes: Mutex<Vec<String>>,
    pub tags_unreadable: bool,
    pub missing: bool,
    /// The put succeeds but S3 keeps the block as it was (the bucket's or the account's).
    pub put_ignored: bool,
    /// The account's block (`None`: not configured, all four off).
    pub account_block: Mutex<Option<PublicAccessBlock>>,
    /// S3 Control refuses to read the account's block.
    pub account_block_unreadable: bool,
}

impl FakeBuckets {
    /// A bucket whose block is `block` (`None`: no block of its own).
    pub fn with_block(block: Option<PublicAccessBlock>) -> Self {
        let fake = Self::default();
        *fake.block.lock().unwrap() = block;
        fake
    }

    /// An account whose block is `block` (`None`: not configured).
    pub fn with_account_block(block: Option<PublicAccessBlock>) -> Self {
        let fake = Self::default();
        *fake.account_block.lock().unwrap() = block;
        fake
    }

    pub fn writes(&self) -> Vec<String> {
        self.writes.lock().unwrap().clone()
    }

    fn no_such_bucket(operation: &'static str) -> PortError {
        PortError {
            operation,
            code: Some("NoSuchBucket".into()),
            message: "The specified bucket does not exist".into(),
            transient: false,
        }
    }
}

impl BucketAccess for FakeBuckets {
    async fn bucket_tags(&self, _: &str) -> PortResult<Vec<(String, String)>> {
        if self.missing {
            return Err(Self::no_such_bucket("s3:GetBucketTagging"));
        }
        if self.tags_unreadable {
            return Err(PortError {
                operation: "s3:GetBucketTagging",
                code: Some("AccessDenied".into()),
                message: "Access Denied".into(),
                transient: false,
            });
        }
        Ok(self.tags.lock().unwrap().clone())
    }

    async fn public_access_block(&self, _: &str) -> PortResult<Option<PublicAccessBlock>> {
        if self.missing {
            return Err(Self::no_such_bucket("s3:GetBucketPublicAccessBlock"));
        }
        Ok(*self.block.lock().unwrap())
    }

    async fn put_public_access_block(
        &self,
        bucket: &str,
        block: PublicAccessBlock,
    ) -> PortResult<()> {
        self.writes
            .lock()
            .unwrap()
            .push(format!("put-public-access-block {bucket} {block}"));
        if !self.put_ignored {
            *self.block.lock().unwrap() = Some(block);
        }
        Ok(())
    }
}

impl AccountPublicAccess for FakeBuckets {
    async fn account_public_access_block(
        &self,
        _: &AccountId,
    ) -> PortResult<Option<PublicAccessBlock>> {
        if self.account_block_unreadable {
            return Err(PortError {
                operation: "s3:GetAccountPublicAccessBlock",
                code: Some("AccessDenied".into()),
                message: "Access Denied".into(),
                transient: false,
            });
        }
        Ok(*self.account_block.lock().unwrap())
    }

    async fn put_account_public_access_block(
        &self,
        account: &AccountId,
        block: PublicAccessBlock,
    ) -> PortResult<()> {
        self.writes
            .lock()
            .unwrap()
            .push(format!("put-account-public-access-block {account} {block}"));
        if !self.put_ignored {
            *self.account_block.lock().unwrap() = Some(block);
        }
        Ok(())
    }
}
