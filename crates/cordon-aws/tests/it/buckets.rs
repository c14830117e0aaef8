//! `S3Buckets` against the emulator: a bucket's tags and its public-access block, read
//! and written as the bucket playbook does; its policy is never touched.

use crate::support::{clients, unique};
use aws_sdk_s3::types::{Tag, Tagging};
use cordon_aws::S3Buckets;
use cordon_core::ports::{BucketAccess, PublicAccessBlock};

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}]}"#;

#[tokio::test]
async fn the_block_is_read_turned_on_and_read_back_and_the_policy_stays() {
    let clients = clients().await;
    let bucket = unique("cordon-bucket");
    clients
        .s3
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("bucket");
    let policy = POLICY.replace("BUCKET", &bucket);
    clients
        .s3
        .put_bucket_policy()
        .bucket(&bucket)
        .policy(&policy)
        .send()
        .await
        .expect("policy");
    let port = S3Buckets::new(clients.s3.clone());

    assert_eq!(port.bucket_tags(&bucket).await.expect("tags"), vec![]);
    assert_eq!(
        port.public_access_block(&bucket).await.expect("block"),
        None
    );
    port.put_public_access_block(&bucket, PublicAccessBlock::ALL_ON)
        .await
        .expect("put");
    assert_eq!(
        port.public_access_block(&bucket).await.expect("block"),
        Some(PublicAccessBlock::ALL_ON)
    );
    let kept = clients
        .s3
        .get_bucket_policy()
        .bucket(&bucket)
        .send()
        .await
        .expect("policy read");
    assert_eq!(kept.policy(), Some(policy.as_str()));
}

#[tokio::test]
async fn tags_are_read_and_a_missing_bucket_says_so() {
    let clients = clients().await;
    let bucket = unique("cordon-tagged");
    clients
        .s3
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("bucket");
    let tag = Tag::builder()
        .key("cordon:exempt")
        .value("pentest")
        .build()
        .unwrap();
    clients
        .s3
        .put_bucket_tagging()
        .bucket(&bucket)
        .tagging(Tagging::builder().tag_set(tag).build().unwrap())
        .send()
        .await
        .expect("tagging");
    let port = S3Buckets::new(clients.s3.clone());
    assert_eq!(
        port.bucket_tags(&bucket).await.expect("tags"),
        vec![("cordon:exempt".to_owned(), "pentest".to_owned())]
    );
    let missing = port
        .bucket_tags(&unique("cordon-missing"))
        .await
        .expect_err("no such bucket");
    assert_eq!(missing.code.as_deref(), Some("NoSuchBucket"), "{missing}");
    assert!(
        missing
            .to_string()
            .starts_with("s3:GetBucketTagging failed (NoSuchBucket)"),
        "{missing}"
    );
}
