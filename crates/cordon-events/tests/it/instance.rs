//! Instance findings: the instance, its interfaces and their groups are carried over as
//! given, and a finding about an instance cannot parse without them.

use crate::common::{backdoor_with, field_error};
use cordon_events::GuardDutyFinding;
use serde_json::{Value, json};

pub fn check_resource(name: &str, finding: &GuardDutyFinding, detail: &Value) {
    let instance = &detail["resource"]["instanceDetails"];
    let details = finding
        .resource
        .instance_details
        .as_ref()
        .unwrap_or_else(|| panic!("{name}: instance details"));
    assert_eq!(
        details.instance_id.as_str(),
        instance["instanceId"].as_str().unwrap(),
        "{name}"
    );
    let raw_enis: Vec<&str> = instance["networkInterfaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|eni| eni["networkInterfaceId"].as_str().unwrap())
        .collect();
    let enis: Vec<&str> = details
        .network_interfaces
        .iter()
        .map(|eni| eni.network_interface_id.as_str())
        .collect();
    assert_eq!(enis, raw_enis, "{name}");
    assert!(!enis.is_empty(), "{name}");
    for (typed, raw) in details
        .network_interfaces
        .iter()
        .zip(instance["networkInterfaces"].as_array().unwrap())
    {
        assert_eq!(
            typed.vpc_id.as_str(),
            raw["vpcId"].as_str().unwrap(),
            "{name}"
        );
        let groups: Vec<&str> = typed
            .security_groups
            .iter()
            .map(|g| g.group_id.as_str())
            .collect();
        let raw_groups: Vec<&str> = raw["securityGroups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["groupId"].as_str().unwrap())
            .collect();
        assert_eq!(groups, raw_groups, "{name}");
    }
    let reserialised = serde_json::to_value(finding).expect("serialises");
    assert_eq!(
        reserialised["resource"]["instanceDetails"]["instanceId"], instance["instanceId"],
        "{name}"
    );
}

#[test]
fn instance_findings_need_instance_details_and_interfaces() {
    let (path, _) = field_error(backdoor_with(|v| {
        v["detail"]["resource"]
            .as_object_mut()
            .unwrap()
            .remove("instanceDetails");
    }));
    assert_eq!(path, "detail.resource.instanceDetails");

    let (path, _) = field_error(backdoor_with(|v| {
        v["detail"]["resource"]["instanceDetails"]["networkInterfaces"] = json!([]);
    }));
    assert_eq!(path, "detail.resource.instanceDetails.networkInterfaces");

    let (path, _) = field_error(backdoor_with(|v| {
        v["detail"]["resource"]["instanceDetails"]["networkInterfaces"][0]["networkInterfaceId"] =
            json!("eni-nothex!");
    }));
    assert_eq!(
        path,
        "detail.resource.instanceDetails.networkInterfaces[0].networkInterfaceId"
    );
}
