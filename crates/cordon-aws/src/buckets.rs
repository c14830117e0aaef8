//! [`BucketAccess`] on S3: a bucket's tags and its public-access block. Nothing here
//! reads or writes a bucket policy, an ACL or an object.

use crate::error::has_code;
use crate::port_error;
use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use cordon_core::ports::{BucketAccess, PortResult, PublicAccessBlock};

#[derive(Clone, Debug)]
pub struct S3Buckets {
    client: aws_sdk_s3::Client,
}

impl S3Buckets {
    pub fn new(client: aws_sdk_s3::Client) -> Self {
        Self { client }
    }
}

impl BucketAccess for S3Buckets {
    async fn bucket_tags(&self, bucket: &str) -> PortResult<Vec<(String, String)>> {
        match self.client.get_bucket_tagging().bucket(bucket).send().await {
            Ok(out) => Ok(out
                .tag_set()
                .iter()
                .map(|t| (t.key().to_owned(), t.value().to_owned()))
                .collect()),
            // S3's answer for a bucket without tags.
            Err(err) if has_code(&err, &["NoSuchTagSet"]) => Ok(Vec::new()),
            Err(err) => Err(port_error("s3:GetBucketTagging", err)),
        }
    }

    async fn public_access_block(&self, bucket: &str) -> PortResult<Option<PublicAccessBlock>> {
        match self
            .client
            .get_public_access_block()
            .bucket(bucket)
            .send()
            .await
        {
            Ok(out) => Ok(out
                .public_access_block_configuration()
                .map(|c| PublicAccessBlock {
                    block_public_acls: c.block_public_acls().unwrap_or(false),
                    ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                    block_public_policy: c.block_public_policy().unwrap_or(false),
                    restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
                })),
            // S3's answer for a bucket without a block of its own: all four off.
            Err(err) if has_code(&err, &["NoSuchPublicAccessBlockConfiguration"]) => Ok(None),
            Err(err) => Err(port_error("s3:GetBucketPublicAccessBlock", err)),
        }
    }

    async fn put_public_access_block(
        &self,
        bucket: &str,
        block: PublicAccessBlock,
    ) -> PortResult<()> {
        let configuration = PublicAccessBlockConfiguration::builder()
            .block_public_acls(block.block_public_acls)
            .ignore_public_acls(block.ignore_public_acls)
            .block_public_policy(block.block_public_policy)
            .restrict_public_buckets(block.restrict_public_buckets)
            .build();
        self.client
            .put_public_access_block()
            .bucket(bucket)
            .public_access_block_configuration(configuration)
            .send()
            .await
            .map(|_| ())
            .map_err(|err| port_error("s3:PutBucketPublicAccessBlock", err))
    }
}
