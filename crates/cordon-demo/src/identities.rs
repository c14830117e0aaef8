//! The demo's IAM side: a user with two keys, an exempt break-glass user and an
//! instance role, named so the credential samples in `events/guardduty/` point at them.

use cordon_core::ports::Principal;
use cordon_fixtures::{IamUserWithKeys, access_key_statuses, create_role, inline_policy};

const REVOKE_POLICY: &str = "cordon-revoke-older-sessions";

pub struct DemoIdentities {
    alice: IamUserWithKeys,
    break_glass: IamUserWithKeys,
    role: String,
}

impl DemoIdentities {
    pub async fn build(iam: &aws_sdk_iam::Client) -> Result<Self, String> {
        let fail = |e: Box<dyn std::error::Error + Send + Sync>| e.to_string();
        let alice = IamUserWithKeys::create(iam, "alice", &[])
            .await
            .map_err(fail)?;
        let exempt = [("cordon:exempt", "incident-team")];
        let break_glass = IamUserWithKeys::create(iam, "break-glass-admin", &exempt)
            .await
            .map_err(fail)?;
        let role = create_role(iam, "web-server", &[]).await.map_err(fail)?;
        println!(
            "IAM: {} with keys {}; {} (tagged cordon:exempt) with keys {}; role {role}",
            alice.user_name,
            alice.keys.join(", "),
            break_glass.user_name,
            break_glass.keys.join(", ")
        );
        Ok(Self {
            alice,
            break_glass,
            role,
        })
    }

    /// The sample event naming these identities instead of the placeholders.
    pub fn rewrite(&self, raw: &str) -> String {
        raw.replace("\"alice\"", &format!("\"{}\"", self.alice.user_name))
            .replace("AKIAEXAMPLEKEY000001", &self.alice.keys[0])
            .replace(
                "\"break-glass-admin\"",
                &format!("\"{}\"", self.break_glass.user_name),
            )
            .replace("AKIAEXAMPLEKEY000009", &self.break_glass.keys[0])
            .replace("web-server-role", &self.role)
    }

    /// What IAM says now about the identities the sample `name` is about (an attack
    /// sequence names both the user's key and the role).
    pub async fn state(&self, iam: &aws_sdk_iam::Client, name: &str) -> Result<String, String> {
        let sequence = name.starts_with("attack-sequence");
        let user = if name.starts_with("iam-user-exempt") {
            Some(&self.break_glass)
        } else if sequence || name.starts_with("iam-user-") && !name.contains("sample") {
            Some(&self.alice)
        } else {
            None
        };
        let mut parts = Vec::new();
        if let Some(user) = user {
            let keys = access_key_statuses(iam, &user.user_name)
                .await
                .map_err(|e| e.to_string())?;
            let revoked = self
                .revoked(iam, Principal::User(user.user_name.clone()))
                .await?;
            let keys: Vec<String> = user
                .keys
                .iter()
                .map(|k| format!("{k} {}", keys[k]))
                .collect();
            parts.push(format!(
                "{}: {}; {revoked}",
                user.user_name,
                keys.join(", ")
            ));
        }
        if sequence || name.starts_with("instance-credential") {
            let revoked = self
                .revoked(iam, Principal::Role(self.role.clone()))
                .await?;
            parts.push(format!("role {}: {revoked}", self.role));
        }
        if parts.is_empty() {
            return Ok("no IAM principal cordon could act on".into());
        }
        Ok(parts.join("; "))
    }

    async fn revoked(
        &self,
        iam: &aws_sdk_iam::Client,
        principal: Principal,
    ) -> Result<String, String> {
        let policy = inline_policy(iam, &principal, REVOKE_POLICY)
            .await
            .map_err(|e| e.to_string())?;
        Ok(match policy {
            Some(policy) => format!(
                "sessions before {} denied",
                policy["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"]
                    .as_str()
                    .unwrap_or("?")
            ),
            None => "sessions untouched".into(),
        })
    }
}
