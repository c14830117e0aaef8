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
