//! Reaching the account and region an event names. cordon runs in one (security)
//! account; a finding from a member account is acted on there, through the member
//! role, assumed with an external id and a session named after the incident so the
//! member's CloudTrail says which incident each call served. Credentials are fetched
//! lazily, on the first call that needs them: an event refused by triage never
//! reaches STS.

use crate::Clients;
use aws_config::identity::IdentityCache;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use cordon_events::{AccountId, ActionScope};
use tokio::sync::OnceCell;

/// The role cordon assumes in member accounts (`CORDON_MEMBER_ROLE_NAME`,
/// `CORDON_MEMBER_ROLE_EXTERNAL_ID`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberRole {
    pub name: String,
    /// Without one cordon assumes no member role: it acts only in its own account.
    pub external_id: Option<String>,
}

impl MemberRole {
    pub fn new(name: &str, external_id: Option<&str>) -> Self {
        Self {
            name: name.to_owned(),
            external_id: external_id.map(str::to_owned),
        }
    }

    /// The role in `account`, in the partition of `region` (GovCloud and China have
    /// their own).
    pub fn arn(&self, account: &AccountId, region: Option<&str>) -> String {
        let partition = match region {
            Some(r) if r.starts_with("us-gov-") => "aws-us-gov",
            Some(r) if r.starts_with("cn-") => "aws-cn",
            _ => "aws",
        };
        format!(
            "arn:{partition}:iam::{}:role/{}",
            account.as_str(),
            self.name
        )
    }
}

/// The function's own clients and what it needs to build clients elsewhere.
#[derive(Debug)]
pub struct Reach {
    sdk: SdkConfig,
    home: Clients,
    member_role: MemberRole,
    /// The credentials' own account, asked of STS once if ever needed.
    own_account: OnceCell<AccountId>,
}

impl Reach {
    pub fn new(sdk: SdkConfig, member_role: MemberRole) -> Self {
        let home = Clients::new(&sdk);
        Self {
            sdk,
            home,
            member_role,
            own_account: OnceCell::new(),
        }
    }

    /// From the standard AWS configuration, as a Lambda function starts.
    pub async fn load(member_role: MemberRole) -> Self {
        Self::new(crate::load_sdk_config(None, None).await, member_role)
    }

    /// The account the function's credentials belong to (STS, once).
    pub async fn own_account(&self) -> Result<AccountId, String> {
        self.own_account
            .get_or_try_init(|| crate::current_account(&self.sdk))
            .await
            .cloned()
            .map_err(|e| e.to_string())
    }

    /// The clients in the account cordon runs in: recording, notification, the ledger.
    pub fn home(&self) -> &Clients {
        &self.home
    }

    /// The clients to act with for an event in `scope`: the function's own when the
    /// event is in its account and region, otherwise ones built for the scope's
    /// region and, for another account, the member role's credentials. They share the
    /// home counter, so `AwsCalls` counts every request sent on the incident's behalf.
    pub async fn acting_in(
        &self,
        home_account: &AccountId,
        scope: Option<&ActionScope>,
    ) -> Clients {
        let Some(scope) = scope else {
            return self.home.clone();
        };
        let region = Some(scope.region.as_str())
            .filter(|r| Some(*r) != self.sdk.region().map(Region::as_ref));
        let foreign = scope.account != *home_account;
        if region.is_none() && !foreign {
            return self.home.clone();
        }
        let mut sdk = self.sdk.to_builder();
        if let Some(region) = region {
            sdk.set_region(Some(Region::new(region.to_owned())));
        }
        if foreign {
            let home_region = self.sdk.region().map(Region::as_ref);
            let arn = self.member_role.arn(&scope.account, home_region);
            let credentials = match &self.member_role.external_id {
                Some(id) => SharedCredentialsProvider::new(
                    AssumeRoleProvider::builder(arn)
                        .session_name(session_name(&scope.incident))
                        .external_id(id)
                        .configure(&self.sdk)
                        .build()
                        .await,
                ),
                None => SharedCredentialsProvider::new(NoExternalId(arn)),
            };
            sdk.set_credentials_provider(Some(credentials));
            // One cache for this incident's clients: every client shares one set of
            // assumed credentials, and nothing outlives the invocation.
            sdk.set_identity_cache(Some(IdentityCache::lazy().build()));
        }
        Clients::counted(&sdk.build(), self.home.calls.clone())
    }
}

/// Stands in for the member role when no external id is configured: every call in the
/// member account fails, naming why, and is recorded; nothing is assumed without it.
#[derive(Debug)]
struct NoExternalId(String);

impl ProvideCredentials for NoExternalId {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err(CredentialsError::invalid_configuration(format!(
            "cordon does not assume {} without an external id: set CORDON_MEMBER_ROLE_EXTERNAL_ID",
            self.0
        ))))
    }
}

/// `cordon-<incident>`, in the characters and length STS allows (`[\w+=,.@-]{2,64}`).
pub fn session_name(incident: &str) -> String {
    let cleaned: String = incident
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut name = format!("cordon-{cleaned}");
    name.truncate(64);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_name_the_incident_within_sts_limits() {
        assert_eq!(
            session_name("a6c0d5f1b3e94b2f8d7c6e5a4b3c2d1e"),
            "cordon-a6c0d5f1b3e94b2f8d7c6e5a4b3c2d1e"
        );
        assert_eq!(session_name("a/b c:d"), "cordon-a-b-c-d");
        assert_eq!(session_name(&"x".repeat(200)).len(), 64);
    }

    #[test]
    fn the_member_role_is_named_in_the_finding_account() {
        let role = MemberRole::new("cordon-responder", None);
        let account: AccountId = "111111111111".parse().unwrap();
        assert_eq!(
            role.arn(&account, Some("eu-west-1")),
            "arn:aws:iam::111111111111:role/cordon-responder"
        );
        assert_eq!(
            role.arn(&account, Some("us-gov-west-1")),
            "arn:aws-us-gov:iam::111111111111:role/cordon-responder"
        );
    }
}
