//! An instance with everything the instance playbook acts on, for its tests and
//! release's.

use super::*;

pub const PROFILE: &str = "arn:aws:iam::123456789012:instance-profile/web-server";
pub const ROLE: &str = "web-server-role";
pub const GROUP: &str = "web-asg";
pub const TG_A: &str =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-a/0123456789abcdef";
pub const TG_B: &str =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-b/fedcba9876543210";

/// An instance with everything the playbook acts on: a profile and role, two volumes
/// deleted on termination, no protection, an Auto Scaling group, two target groups.
pub fn compromised_instance() -> FakeCloud {
    let cloud = FakeCloud::new()
        .attach(ENI1, &[WEB])
        .attach(ENI2, &[WEB, ADMIN])
        .tagged(ENI2, "ip", "10.0.1.20");
    {
        let mut state = cloud.state();
        state.association = Some(ProfileAssociation {
            association_id: "iip-assoc-1".into(),
            profile_arn: PROFILE.into(),
        });
        state
            .profile_roles
            .insert(PROFILE.into(), vec![ROLE.into()]);
        state.protection = Some(InstanceProtection {
            termination_protection: false,
            stop_protection: false,
            shutdown_behavior: "terminate".into(),
            volumes: vec![
                volume("/dev/xvda", "vol-root"),
                volume("/dev/sdf", "vol-data"),
            ],
        });
        state.membership = Some(AutoScalingMembership {
            group: GROUP.into(),
            desired_capacity: 2,
        });
        state.desired.insert(GROUP.into(), 2);
        state.registrations = vec![
            registration(TG_A, INSTANCE),
            registration(TG_B, "10.0.1.20"),
        ];
    }
    cloud
}

pub fn volume(device: &str, id: &str) -> AttachedVolume {
    AttachedVolume {
        device: device.into(),
        volume_id: id.into(),
        delete_on_termination: true,
    }
}

pub fn registration(group: &str, target: &str) -> TargetRegistration {
    TargetRegistration {
        target_group_arn: group.into(),
        target_id: target.into(),
        port: Some(80),
        state: Some("healthy".into()),
    }
}
