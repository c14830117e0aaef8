//! The demo's set-up: the emulator with its on-call topic and ledger, a small estate,
//! and every sample event rewritten to name what was built for it.

use crate::audit::DemoAudit;
use crate::identities::DemoIdentities;
use aws_sdk_ec2::Client;
use cordon_emulators::{MOTO_VERSION, MotoServer, heading, publish_finding, workspace_root};
use cordon_fixtures::{
    Estate, EstateClients, create_function, create_ledger_table, import_as_guardduty, sdk_config,
};
use std::path::{Path, PathBuf};

/// The reserved concurrency of the demo's Lambda functions: what release restores.
pub const FUNCTION_RESERVATION: i32 = 5;

/// The ledger table, as the deployed stack has one.
pub const LEDGER_TABLE: &str = "cordon-ledger";

/// One sample event, rewritten to name an instance of its own, the demo's IAM
/// identities when it is about an access key, or the demo's trail, recorder and group
/// when it is a CloudTrail event; a bucket or Lambda finding names a bucket or a
/// function built for it.
pub struct Case {
    pub file: PathBuf,
    pub subject: Subject,
}

pub enum Subject {
    Instance(Box<Estate>),
    Identities,
    Audit,
    /// The bucket the finding names, built open to the world.
    Bucket(String),
    /// The Lambda function the finding names, with a reservation of its own.
    Function(String),
}

/// What every chapter works on: the emulator, the estate in it, and the samples.
pub struct Stage {
    pub moto: MotoServer,
    pub topic_arn: String,
    pub ec2: Client,
    pub iam: aws_sdk_iam::Client,
    pub s3: aws_sdk_s3::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub identities: DemoIdentities,
    pub audit: DemoAudit,
    /// Where the rewritten samples are written; removed when the demo reaches its end.
    pub work: PathBuf,
    pub cases: Vec<Case>,
}

impl Stage {
    /// Starts the emulator, builds the estate and writes every sample rewritten for it.
    pub async fn set_up() -> Result<Self, String> {
        heading(&format!(
            "starting the local AWS emulator (moto {MOTO_VERSION}) on 127.0.0.1"
        ));
        let moto = MotoServer::start().map_err(|e| e.to_string())?;
        let sdk = sdk_config(&moto.endpoint()).await;
        let ec2 = Client::new(&sdk);
        let securityhub = aws_sdk_securityhub::Client::new(&sdk);
        println!("listening on {}", moto.endpoint());
        let topic = aws_sdk_sns::Client::new(&sdk)
            .create_topic()
            .name("cordon-incidents")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let topic_arn = topic.topic_arn().unwrap_or_default().to_owned();
        println!("on-call topic {topic_arn}");
        create_ledger_table(&aws_sdk_dynamodb::Client::new(&sdk), LEDGER_TABLE)
            .await
            .map_err(|e| e.to_string())?;
        println!("exactly-once ledger: DynamoDB table {LEDGER_TABLE}");

        heading(
            "building a small estate: a VPC, a subnet, a web security group, one instance per sample event; \
             web-1 also has an instance profile, a data volume, an Auto Scaling group and two target groups",
        );
        let network = Estate::build_full(&EstateClients::new(&sdk))
            .await
            .map_err(|e| e.to_string())?;
        let iam = aws_sdk_iam::Client::new(&sdk);
        let s3 = aws_sdk_s3::Client::new(&sdk);
        let lambda = aws_sdk_lambda::Client::new(&sdk);
        let identities = DemoIdentities::build(&iam).await?;
        let audit = DemoAudit::build(&moto, &sdk, &ec2, &network.vpc).await?;
        let work = std::env::temp_dir().join(format!("cordon-demo-{}", std::process::id()));
        std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
        let mut cases = Vec::new();
        for (index, source) in sample_events("guardduty")?.into_iter().enumerate() {
            let name = format!("web-{}", index + 1);
            let file = work.join(source.file_name().unwrap_or_default());
            let raw = std::fs::read_to_string(&source).map_err(|e| e.to_string())?;
            let event: serde_json::Value = serde_json::from_str(&raw).map_err(|e| e.to_string())?;
            if let Some(function) =
                event["detail"]["resource"]["lambdaDetails"]["functionName"].as_str()
            {
                create_function(&iam, &lambda, function, Some(FUNCTION_RESERVATION), &[])
                    .await
                    .map_err(|e| format!("function {function}: {e}"))?;
                std::fs::write(&file, &raw).map_err(|e| e.to_string())?;
                import_as_guardduty(&securityhub, &event)
                    .await
                    .map_err(|e| e.to_string())?;
                publish_finding(&moto.endpoint(), &event).map_err(|e| e.to_string())?;
                println!(
                    "function {function}: reserved concurrency {FUNCTION_RESERVATION}, run by role {function}-role"
                );
                cases.push(Case {
                    file,
                    subject: Subject::Function(function.to_owned()),
                });
                continue;
            }
            if let Some(bucket) = event["detail"]["resource"]["s3BucketDetails"][0]["name"].as_str()
            {
                open_bucket(&s3, bucket).await?;
                std::fs::write(&file, &raw).map_err(|e| e.to_string())?;
                import_as_guardduty(&securityhub, &event)
                    .await
                    .map_err(|e| e.to_string())?;
                publish_finding(&moto.endpoint(), &event).map_err(|e| e.to_string())?;
                println!("bucket {bucket}: readable by anyone through its policy");
                cases.push(Case {
                    file,
                    subject: Subject::Bucket(bucket.to_owned()),
                });
                continue;
            }
            if raw.contains("\"accessKeyDetails\"") {
                let rewritten = identities.rewrite(&raw);
                std::fs::write(&file, &rewritten).map_err(|e| e.to_string())?;
                let event = serde_json::from_str(&rewritten).map_err(|e| e.to_string())?;
                import_as_guardduty(&securityhub, &event)
                    .await
                    .map_err(|e| e.to_string())?;
                publish_finding(&moto.endpoint(), &event).map_err(|e| e.to_string())?;
                cases.push(Case {
                    file,
                    subject: Subject::Identities,
                });
                continue;
            }
            let estate = match index {
                0 => network.clone(),
                _ => network
                    .launch_instance(&ec2, &name)
                    .await
                    .map_err(|e| e.to_string())?,
            };
            let rewritten = estate.rewrite(&raw);
            std::fs::write(&file, &rewritten).map_err(|e| e.to_string())?;
            // GuardDuty sends its findings to Security Hub too; cordon annotates them.
            let event = serde_json::from_str(&rewritten).map_err(|e| e.to_string())?;
            import_as_guardduty(&securityhub, &event)
                .await
                .map_err(|e| e.to_string())?;
            // ... and cordon reads each finding back from GuardDuty before acting on it.
            publish_finding(&moto.endpoint(), &event).map_err(|e| e.to_string())?;
            println!(
                "{name}: {} with interfaces {}",
                estate.instance,
                estate.interfaces.join(", ")
            );
            cases.push(Case {
                file,
                subject: Subject::Instance(Box::new(estate)),
            });
        }
        for source in sample_events("cloudtrail")? {
            let file = work.join(source.file_name().unwrap_or_default());
            let raw = std::fs::read_to_string(&source).map_err(|e| e.to_string())?;
            std::fs::write(&file, audit.rewrite(&raw)).map_err(|e| e.to_string())?;
            cases.push(Case {
                file,
                subject: Subject::Audit,
            });
        }
        Ok(Self {
            moto,
            topic_arn,
            ec2,
            iam,
            s3,
            lambda,
            identities,
            audit,
            work,
            cases,
        })
    }
}

/// A bucket anyone may read through its policy, with no public-access block.
async fn open_bucket(s3: &aws_sdk_s3::Client, bucket: &str) -> Result<(), String> {
    s3.create_bucket()
        .bucket(bucket)
        .send()
        .await
        .map_err(|e| format!("bucket {bucket}: {e}"))?;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{bucket}/*"}}]}}"#
    );
    s3.put_bucket_policy()
        .bucket(bucket)
        .policy(policy)
        .send()
        .await
        .map_err(|e| format!("bucket {bucket}'s policy: {e}"))?;
    Ok(())
}

fn sample_events(kind: &str) -> Result<Vec<PathBuf>, String> {
    let dir = workspace_root().join("events").join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// The last part of `path`: how the demo names a sample, and finds its record.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
