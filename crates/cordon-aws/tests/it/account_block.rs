//! `S3AccountBlock` against the emulator, through S3 Control's own endpoint rules (the
//! emulator's address takes no account prefix): the account's block read, turned on
//! and read back; a refused call is one line naming the operation and the code.

use crate::support::clients;
use cordon_aws::S3AccountBlock;
use cordon_core::ports::{AccountPublicAccess, PublicAccessBlock};
use cordon_events::AccountId;

/// The emulator's own account: the only one whose block it keeps.
fn account() -> AccountId {
    "123456789012".parse().unwrap()
}

const ONLY_ACLS: PublicAccessBlock = PublicAccessBlock {
    block_public_acls: true,
    ignore_public_acls: true,
    block_public_policy: false,
    restrict_public_buckets: false,
};

// The account's block is one per account: this is the only test in this binary that
// touches it.
#[tokio::test]
async fn the_accounts_block_is_read_turned_on_and_read_back() {
    let port = S3AccountBlock::new(clients().await.s3control);
    port.put_account_public_access_block(&account(), ONLY_ACLS)
        .await
        .expect("put");
    assert_eq!(
        port.account_public_access_block(&account())
            .await
            .expect("read"),
        Some(ONLY_ACLS)
    );
    port.put_account_public_access_block(&account(), PublicAccessBlock::ALL_ON)
        .await
        .expect("put");
    assert_eq!(
        port.account_public_access_block(&account())
            .await
            .expect("read back"),
        Some(PublicAccessBlock::ALL_ON)
    );
}

#[tokio::test]
async fn another_accounts_block_is_refused_in_one_line() {
    let port = S3AccountBlock::new(clients().await.s3control);
    let other: AccountId = "210987654321".parse().unwrap();
    let err = port
        .account_public_access_block(&other)
        .await
        .expect_err("not the caller's account");
    let line = err.to_string();
    assert!(
        line.starts_with("s3:GetAccountPublicAccessBlock failed ("),
        "{line}"
    );
    assert!(!line.contains('\n') && !line.contains("SdkError"), "{line}");
}
