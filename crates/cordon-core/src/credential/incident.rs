//! The facts about one stolen-credential finding that containment needs: the key, its
//! kind, and the user or role it belongs to.

use crate::ports::Principal;
use cordon_events::{AccessKeyId, AccessKeyKind, AccountId, GuardDutyFinding, SequenceUser};
use serde::Serialize;

/// CloudTrail's identity types, as GuardDuty repeats them in `userType`; an open set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UserType {
    IamUser,
    AssumedRole,
    Root,
    FederatedUser,
    Other(String),
}

impl UserType {
    pub fn parse(raw: Option<&str>) -> Self {
        match raw {
            Some("IAMUser") => Self::IamUser,
            Some("AssumedRole") => Self::AssumedRole,
            Some("Root") => Self::Root,
            Some("FederatedUser") => Self::FederatedUser,
            Some(other) => Self::Other(other.to_owned()),
            None => Self::Other("unknown".to_owned()),
        }
    }
}

/// The facts about one stolen-credential finding that containment needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CredentialIncident {
    pub finding_id: String,
    pub finding_arn: String,
    pub finding_type: String,
    pub severity: f64,
    pub account_id: AccountId,
    pub region: String,
    pub access_key_id: Option<AccessKeyId>,
    pub principal_id: Option<String>,
    /// The IAM user, or the role for `AssumedRole`.
    pub user_name: Option<String>,
    pub user_type: UserType,
    pub updated_at: String,
}

impl CredentialIncident {
    /// `None` when the finding is not about an access key.
    pub fn from_finding(finding: &GuardDutyFinding) -> Option<Self> {
        let details = finding.resource.access_key_details.as_ref()?;
        Some(Self {
            finding_id: finding.id.clone(),
            finding_arn: finding.arn.clone(),
            finding_type: finding.finding_type.clone(),
            severity: finding.severity,
            account_id: finding.account_id.clone(),
            region: finding.region.clone(),
            access_key_id: details.access_key_id.clone(),
            principal_id: details.principal_id.clone(),
            user_name: details.user_name.clone().filter(|n| !n.is_empty()),
            user_type: UserType::parse(details.user_type.as_deref()),
            updated_at: finding.updated_at.clone(),
        })
    }

    /// The credential behind one actor of an attack sequence: GuardDuty's `User` names
    /// the identity as `accessKeyDetails` does (the user, or the role for `AssumedRole`)
    /// and the key it used in `credentialUid`.
    pub fn from_actor(finding: &GuardDutyFinding, user: &SequenceUser) -> Self {
        Self {
            finding_id: finding.id.clone(),
            finding_arn: finding.arn.clone(),
            finding_type: finding.finding_type.clone(),
            severity: finding.severity,
            account_id: finding.account_id.clone(),
            region: finding.region.clone(),
            access_key_id: user.credential_uid.clone(),
            principal_id: Some(user.uid.clone()).filter(|id| !id.is_empty()),
            user_name: Some(user.name.clone()).filter(|n| !n.is_empty()),
            user_type: UserType::parse(Some(&user.user_type)),
            updated_at: finding.updated_at.clone(),
        }
    }

    /// The IAM identity cordon would act on: a user, or an assumed role's role.
    pub fn principal(&self) -> Option<Principal> {
        let name = self.user_name.clone()?;
        match self.user_type {
            UserType::IamUser => Some(Principal::User(name)),
            UserType::AssumedRole => Some(Principal::Role(name)),
            _ => None,
        }
    }

    /// The long-term key to deactivate, if the finding names one.
    pub fn long_term_key(&self) -> Option<&AccessKeyId> {
        self.access_key_id
            .as_ref()
            .filter(|k| k.kind() == AccessKeyKind::LongTerm)
    }

    /// What a responder would call the credential.
    pub fn describe(&self) -> String {
        let key = self
            .access_key_id
            .as_ref()
            .map_or("no key id".to_owned(), ToString::to_string);
        match self.principal() {
            Some(principal) => format!("{key} of {principal}"),
            None => format!(
                "{key} ({:?} {})",
                self.user_type,
                self.user_name.as_deref().unwrap_or("unnamed")
            ),
        }
    }
}
