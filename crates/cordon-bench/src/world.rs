//! What every benchmark acts in: a fresh emulator with the deployed stack's ledger
//! table and on-call topic, the function settings template.yaml gives, instances with
//! a chosen number of interfaces, and GuardDuty findings about them.

use crate::Why;
use aws_sdk_ec2::types::{Filter, NetworkInterfaceAttachment};
use cordon_aws::Clients;
use cordon_emulators::{MotoServer, publish_finding, workspace_root};
use cordon_fixtures::{Estate, create_ledger_table, sdk_config};
use cordon_lambda::FunctionConfig;
use serde_json::{Value, json};

pub const LEDGER_TABLE: &str = "cordon-ledger";
/// High enough that the blast-radius breaker never holds a benchmark back; the spend
/// is still made, as in the deployed stack.
pub const BREAKER_BUDGET: &str = "1000000";

/// A fresh emulator and the clients that talk to it directly (no proxy).
pub struct World {
    pub moto: MotoServer,
    pub direct: Clients,
    pub topic_arn: String,
}

impl World {
    /// Unrecorded: the calls are read off the fault proxy, and moto's recording would
    /// add its own work to every call measured.
    pub async fn start() -> Result<Self, String> {
        Self::on(MotoServer::start_unrecorded().why("starting moto")?).await
    }

    /// The world in an emulator already started (a fresh one).
    pub async fn on(moto: MotoServer) -> Result<Self, String> {
        let direct = Clients::new(&sdk_config(&moto.endpoint()).await);
        create_ledger_table(&direct.dynamodb, LEDGER_TABLE)
            .await
            .why("creating the ledger table")?;
        let topic = direct
            .sns
            .create_topic()
            .name("cordon-incidents")
            .send()
            .await
            .why("creating the on-call topic")?;
        let topic_arn = topic.topic_arn().unwrap_or_default().to_owned();
        Ok(Self {
            moto,
            direct,
            topic_arn,
        })
    }

    /// The `CORDON_*` variables as template.yaml sets them in enforce mode (ledger,
    /// breaker, topic).
    pub fn function_env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("CORDON_MODE", "enforce".to_owned()),
            ("CORDON_LEDGER_TABLE", LEDGER_TABLE.to_owned()),
            ("CORDON_BREAKER_BUDGET", BREAKER_BUDGET.to_owned()),
            ("CORDON_TOPIC_ARN", self.topic_arn.clone()),
        ]
    }

    /// The same settings, for handlers run in this process.
    pub fn function_config(&self) -> Result<FunctionConfig, String> {
        let env = self.function_env();
        FunctionConfig::from_lookup(|name| {
            env.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
        })
        .why("function settings")
    }

    /// A new instance with `count` interfaces next to `estate`'s, in its VPC, with
    /// only its root volume. Built from [`Estate::launch_instance`] (two interfaces):
    /// the second is detached for one, more are attached for three or more.
    pub async fn instance_with_interfaces(
        &self,
        estate: &Estate,
        name: &str,
        count: usize,
    ) -> Result<Estate, String> {
        let ec2 = &self.direct.ec2;
        let mut launched = estate
            .launch_instance(ec2, name)
            .await
            .why("launching an instance")?;
        if count == 1 {
            let second = launched.interfaces.pop().unwrap_or_default();
            detach(ec2, &second).await?;
        }
        for device in launched.interfaces.len()..count {
            let created = ec2
                .create_network_interface()
                .subnet_id(&estate.subnet)
                .groups(&estate.web_group)
                .send()
                .await
                .why("creating an interface")?;
            let eni = created
                .network_interface()
                .and_then(|n| n.network_interface_id())
                .ok_or("no interface id")?
                .to_owned();
            ec2.attach_network_interface()
                .network_interface_id(&eni)
                .instance_id(&launched.instance)
                .device_index(device as i32)
                .send()
                .await
                .why("attaching an interface")?;
            launched.interfaces.push(eni);
        }
        Ok(launched)
    }
}

async fn detach(ec2: &aws_sdk_ec2::Client, eni: &str) -> Result<(), String> {
    let found = ec2
        .describe_network_interfaces()
        .filters(
            Filter::builder()
                .name("network-interface-id")
                .values(eni)
                .build(),
        )
        .send()
        .await
        .why("describing an interface")?;
    let attachment = found
        .network_interfaces()
        .first()
        .and_then(|n| n.attachment())
        .and_then(NetworkInterfaceAttachment::attachment_id)
        .ok_or_else(|| format!("{eni} is not attached"))?;
    ec2.detach_network_interface()
        .attachment_id(attachment)
        .force(true)
        .send()
        .await
        .why("detaching an interface")?;
    Ok(())
}

/// `events/<path>` as it is.
pub fn sample_event(path: &str) -> Result<String, String> {
    let file = workspace_root().join("events").join(path);
    std::fs::read_to_string(&file).why(&file.display().to_string())
}

/// The two-interface C&C sample about `estate`'s instance as GuardDuty finding
/// `number`, listing exactly the instance's interfaces, however many it has, and
/// published in `world`'s GuardDuty, where cordon reads it back before acting.
pub fn finding_about(world: &World, estate: &Estate, number: usize) -> Result<Value, String> {
    let raw = sample_event("guardduty/backdoor-c2-two-enis.json")?;
    // `Estate::rewrite` names two interfaces; the list is rebuilt from the real ones.
    let mut named = estate.clone();
    while named.interfaces.len() < 2 {
        named.interfaces.push(estate.interfaces[0].clone());
    }
    let mut event: Value = serde_json::from_str(&named.rewrite(&raw)).why("the sample event")?;
    let details = &mut event["detail"]["resource"]["instanceDetails"];
    let template = details["networkInterfaces"][0].clone();
    details["networkInterfaces"] = estate
        .interfaces
        .iter()
        .map(|eni| {
            let mut entry = template.clone();
            entry["networkInterfaceId"] = json!(eni);
            entry
        })
        .collect();
    let id = format!("{number:032x}");
    event["detail"]["arn"] = json!(format!(
        "arn:aws:guardduty:us-east-1:123456789012:detector/{}/finding/{id}",
        estate.detector()
    ));
    event["detail"]["id"] = json!(id);
    publish_finding(&world.moto.endpoint(), &event).why("publishing the finding")?;
    Ok(event)
}
