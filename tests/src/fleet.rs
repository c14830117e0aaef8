//! Many instances and a distinct finding about each, for the tests that deliver
//! findings in bulk (duplicates, faults).

use cordon_emulators::workspace_root;
use cordon_fixtures::Estate;

/// `count` two-interface instances in one VPC, the first one's estate first.
pub async fn launch_fleet(ec2: &aws_sdk_ec2::Client, count: usize) -> Vec<Estate> {
    let first = Estate::build(ec2).await.unwrap();
    let mut estates = vec![first.clone()];
    for index in 1..count {
        let name = format!("web-{index}");
        estates.push(first.launch_instance(ec2, &name).await.unwrap());
    }
    estates
}

/// The two-interface sample about `estate`'s instance, as GuardDuty finding `index`.
pub fn numbered_finding(estate: &Estate, index: usize) -> serde_json::Value {
    let path = workspace_root().join("events/guardduty/backdoor-c2-two-enis.json");
    let raw = std::fs::read_to_string(path).unwrap();
    let mut event: serde_json::Value = serde_json::from_str(&estate.rewrite(&raw)).unwrap();
    let id = format!("{index:032x}");
    event["detail"]["arn"] = serde_json::json!(format!(
        "arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0/finding/{id}"
    ));
    event["detail"]["id"] = serde_json::json!(id);
    event
}

/// A fleet in its own emulator, with the ledger table, every instance's finding
/// published as GuardDuty reported it, and the instance function's ports reaching the
/// emulator through a fault-injecting proxy.
pub struct FaultyFleet {
    pub moto: cordon_emulators::MotoServer,
    pub proxy: cordon_emulators::FaultProxy,
    /// Clients that reach the emulator directly, for reading it back.
    pub direct: cordon_aws::Clients,
    pub estates: Vec<Estate>,
    /// Finding `i` is about `estates[i]`.
    pub events: Vec<serde_json::Value>,
    pub ports: cordon_lambda::AwsInstancePorts,
    /// Enforce mode, with a breaker budget no test reaches.
    pub config: cordon_lambda::FunctionConfig,
    pub account: cordon_events::AccountId,
}

impl FaultyFleet {
    /// `count` instances behind a proxy failing `rate` of the calls, drawn from `seed`.
    pub async fn start(count: usize, rate: f64, seed: u64) -> Self {
        use cordon_emulators::{FaultKind, FaultProxy, Faults, MotoServer, publish_finding};
        use cordon_fixtures::{Placeholders, create_ledger_table, sdk_config};
        use cordon_lambda::Connect;
        const TABLE: &str = "cordon-ledger";
        let moto = MotoServer::start().unwrap();
        let direct = cordon_aws::Clients::new(&sdk_config(&moto.endpoint()).await);
        create_ledger_table(&direct.dynamodb, TABLE).await.unwrap();
        let estates = launch_fleet(&direct.ec2, count).await;
        let events: Vec<_> = estates
            .iter()
            .enumerate()
            .map(|(i, estate)| numbered_finding(estate, i))
            .collect();
        for event in &events {
            publish_finding(&moto.endpoint(), event).unwrap();
        }
        let faults = Faults {
            rate,
            kinds: FaultKind::ALL.to_vec(),
            seed,
            ..Faults::default()
        };
        let proxy = FaultProxy::start(&moto.endpoint(), faults).unwrap();
        let faulty = cordon_aws::Clients::new(&sdk_config(&proxy.endpoint()).await);
        let ports = cordon_lambda::AwsInstancePorts::on_aws(&faulty, None, Some(TABLE.to_owned()));
        let config =
            crate::enforcing(|name| (name == "CORDON_BREAKER_BUDGET").then(|| "1000".to_owned()))
                .unwrap();
        Self {
            moto,
            proxy,
            direct,
            estates,
            events,
            ports,
            config,
            account: Placeholders::ACCOUNT.parse().unwrap(),
        }
    }
}
