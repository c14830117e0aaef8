//! An S3 bucket's public-access block and tags: what the bucket playbook reads and
//! writes. Never its policy, its ACL or its objects.

use super::PortResult;
use serde::Serialize;
use std::fmt;
use std::future::Future;

/// S3 Block Public Access for one bucket: the four settings, as S3 reports them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// Every setting on: no ACL or policy can make the bucket public.
    pub const ALL_ON: Self = Self {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };

    pub fn is_all_on(&self) -> bool {
        *self == Self::ALL_ON
    }
}

impl fmt::Display for PublicAccessBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let on = |b: bool| if b { "on" } else { "off" };
        write!(
            f,
            "BlockPublicAcls={} IgnorePublicAcls={} BlockPublicPolicy={} RestrictPublicBuckets={}",
            on(self.block_public_acls),
            on(self.ignore_public_acls),
            on(self.block_public_policy),
            on(self.restrict_public_buckets)
        )
    }
}

/// A bucket's tags (its exemption) and its public-access block.
pub trait BucketAccess: Send + Sync {
    /// The bucket's tags; none is an empty list. A missing bucket is an error with
    /// the code `NoSuchBucket`.
    fn bucket_tags(
        &self,
        bucket: &str,
    ) -> impl Future<Output = PortResult<Vec<(String, String)>>> + Send;

    /// `None`: the bucket has no public-access block of its own (all four off).
    fn public_access_block(
        &self,
        bucket: &str,
    ) -> impl Future<Output = PortResult<Option<PublicAccessBlock>>> + Send;

    fn put_public_access_block(
        &self,
        bucket: &str,
        block: PublicAccessBlock,
    ) -> impl Future<Output = PortResult<()>> + Send;
}
