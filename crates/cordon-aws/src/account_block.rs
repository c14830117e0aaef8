//! [`AccountPublicAccess`] on S3 Control: an account's own S3 Block Public Access.
//! Nothing here reads or writes any bucket's block, policy, ACL or objects.

use crate::error::has_code;
use crate::port_error;
use aws_sdk_s3control::types::PublicAccessBlockConfiguration;
use cordon_core::ports::{AccountPublicAccess, PortResult, PublicAccessBlock};
use cordon_events::AccountId;

#[derive(Clone, Debug)]
pub struct S3AccountBlock {
    client: aws_sdk_s3control::Client,
}

impl S3AccountBlock {
    pub fn new(client: aws_sdk_s3control::Client) -> Self {
        Self { client }
    }
}

impl AccountPublicAccess for S3AccountBlock {
    async fn account_public_access_block(
        &self,
        account: &AccountId,
    ) -> PortResult<Option<PublicAccessBlock>> {
        match self
            .client
            .get_public_access_block()
            .account_id(account.as_str())
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
            // S3 Control's answer for an account without a block: all four off.
            Err(err) if has_code(&err, &["NoSuchPublicAccessBlockConfiguration"]) => Ok(None),
            Err(err) => Err(port_error("s3:GetAccountPublicAccessBlock", err)),
        }
    }

    async fn put_account_public_access_block(
        &self,
        account: &AccountId,
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
            .account_id(account.as_str())
            .public_access_block_configuration(configuration)
            .send()
            .await
            .map(|_| ())
            .map_err(|err| port_error("s3:PutAccountPublicAccessBlock", err))
    }
}
