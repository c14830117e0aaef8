//! What cordon does to an exposed bucket, as data: its exemption read live, then its
//! public-access block on, all four settings. Nothing else about the bucket changes.

use super::BucketIncident;
use crate::{Plan, Step, StepKind};

/// The bucket playbook; `exempt_tag` is the tag key that exempts a bucket (any value
/// but `false`).
pub fn plan(incident: &BucketIncident, exempt_tag: &str) -> Plan {
    let bucket = incident.bucket.to_string();
    Plan {
        steps: vec![
            Step {
                kind: StepKind::CheckExemption,
                target: bucket.clone(),
                detail: format!(
                    "read bucket {bucket}'s tags now; tagged {exempt_tag} (any value but false) means hands off"
                ),
            },
            Step {
                kind: StepKind::BlockBucketPublicAccess,
                target: bucket.clone(),
                detail: format!(
                    "record {bucket}'s public-access block, turn all four settings on (BlockPublicAcls, \
                     IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets) and read it back; \
                     its policy, ACL and objects are left as they are"
                ),
            },
        ],
    }
}
