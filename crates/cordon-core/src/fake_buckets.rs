//! An in-memory S3 for the bucket playbook's tests: one bucket's tags and block, every
//! write logged, and switchable failures.

use crate::ports::{BucketAccess, PortError, PortResult, PublicAccessBlock};
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct FakeBuckets {
    pub block: Mutex<Option<PublicAccessBlock>>,
    pub tags: Mutex<Vec<(String, String)>>,
    pub writes: Mutex<Vec<String>>,
    pub tags_unreadable: bool,
    pub missing: bool,
    /// The put succeeds but S3 keeps the block as it was.
    pub put_ignored: bool,
}

impl FakeBuckets {
    /// A bucket whose block is `block` (`None`: no block of its own).
    pub fn with_block(block: Option<PublicAccessBlock>) -> Self {
        let fake = Self::default();
        *fake.block.lock().unwrap() = block;
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
