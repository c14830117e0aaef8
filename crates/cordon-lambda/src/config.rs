use cordon_core::admission::LedgerSettings;
use cordon_core::credential::CredentialSettings;
use cordon_core::guardduty::TriagePolicy;
use cordon_core::instance::InstanceSettings;
use cordon_core::names::DEFAULT_EXEMPT_TAG;
use cordon_core::recording::NotificationFormat;
use cordon_core::trail::{DEFAULT_ADMIN_PORTS, InternetShare, TrailSettings};
use cordon_events::AccountId;
use thiserror::Error;

pub use cordon_core::Mode;

/// Containments per account per rolling hour before the breaker trips.
pub const DEFAULT_BREAKER_BUDGET: u32 = 10;

#[derive(Debug, Error, PartialEq)]
pub enum ConfigError {
    #[error("{name}={value:?} is invalid: {reason}")]
    Invalid {
        name: &'static str,
        value: String,
        reason: String,
    },
}

/// What every function reads from its environment (set by template.yaml).
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionConfig {
    /// `CORDON_MODE`: `enforce` or `dry-run` (default, as template.yaml's: a function
    /// deployed without a mode only plans).
    pub mode: Mode,
    /// `CORDON_SEVERITY_FLOOR` (default 4): below it findings are observed.
    pub severity_floor: f64,
    /// `CORDON_ALLOWED_ACCOUNTS` (comma-separated); empty means the account the
    /// function runs in.
    pub allowed_accounts: Vec<AccountId>,
    /// `CORDON_EXEMPT_TAG` (default `cordon:exempt`).
    pub exempt_tag: String,
    /// `CORDON_TOPIC_ARN`: the SNS topic for people; unset means nobody is told.
    pub topic_arn: Option<String>,
    /// `CORDON_NOTIFICATION_FORMAT`: `plain` (default) text, or `chatbot`, an AWS
    /// Chatbot custom notification for a topic Chatbot relays to chat.
    pub notification_format: NotificationFormat,
    /// `CORDON_REVOKE_ROLE_SESSIONS` (`true` by default): deny the instance role's
    /// sessions issued before containment, which hits every holder of the role.
    pub revoke_role_sessions: bool,
    /// `CORDON_BREAK_GLASS_PRINCIPALS` (comma-separated user/role names or ARNs): never
    /// contained automatically.
    pub break_glass_principals: Vec<String>,
    /// `CORDON_DELETE_LOGIN_PROFILE` (`false` by default): also delete a contained
    /// user's console password.
    pub delete_login_profile: bool,
    /// `CORDON_RELEASE_FROM_SECURITY_HUB` (`false` by default): a person's
    /// `cordon-release` custom action undoes a containment; otherwise release is
    /// `cordon release`'s alone.
    pub release_from_security_hub: bool,
    /// `CORDON_OWN_ROLE_ARNS` (comma-separated): cordon's function roles, whose calls
    /// the CloudTrail responder never answers.
    pub own_role_arns: Vec<String>,
    /// `CORDON_ADMIN_PORTS` (comma-separated, default `22,3389`): ports that must not
    /// be open to the internet.
    pub admin_ports: Vec<u16>,
    /// `CORDON_EXPOSURE_IPV4_PREFIX` (default 8) and `CORDON_EXPOSURE_IPV6_PREFIX`
    /// (default 16): a rule is open to the internet when it lets in as many public
    /// addresses as a prefix of that length holds.
    pub internet: InternetShare,
    /// `CORDON_CONTAIN_TAMPERING_PRINCIPAL` (`false` by default): also contain the
    /// principal that tampered with the audit trail, with the credential playbook.
    pub contain_tampering_principal: bool,
    /// `CORDON_LEDGER_TABLE`: the DynamoDB table that makes handling exactly-once;
    /// unset (local replay) means no ledger.
    pub ledger_table: Option<String>,
    /// `CORDON_BREAKER_BUDGET` (default 10): containments per account per rolling
    /// hour before cordon only observes and asks a human.
    pub breaker_budget: u32,
    /// `CORDON_MEMBER_ROLE_NAME` (default `cordon-responder`): the role cordon assumes
    /// in a member account to act on that account's findings.
    pub member_role_name: String,
    /// `CORDON_MEMBER_ROLE_EXTERNAL_ID`: sent with every assume-role call; required
    /// when the allow-list names more than one account.
    pub member_role_external_id: Option<String>,
    /// `AWS_LAMBDA_FUNCTION_NAME`, set by Lambda: the deployed function's name, which
    /// the metrics are filed under; unset in a local replay.
    pub function_name: Option<String>,
}

/// The member role's default name, as `member-role.yaml` creates it.
pub const DEFAULT_MEMBER_ROLE_NAME: &str = "cordon-responder";

impl FunctionConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`Self::from_env`], from any lookup: tests need not touch the process env.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let read = |name: &'static str| get(name).filter(|v| !v.trim().is_empty());
        let invalid = |name, value: &str, reason: String| ConfigError::Invalid {
            name,
            value: value.to_owned(),
            reason,
        };
        let mode = match read("CORDON_MODE") {
            None => Mode::DryRun,
            Some(v) => v.parse().map_err(|r| invalid("CORDON_MODE", &v, r))?,
        };
        let severity_floor = match read("CORDON_SEVERITY_FLOOR") {
            None => 4.0,
            Some(v) => v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| (0.0..=10.0).contains(f))
                .ok_or_else(|| {
                    invalid(
                        "CORDON_SEVERITY_FLOOR",
                        &v,
                        "expected a number from 0 to 10".into(),
                    )
                })?,
        };
        let allowed_accounts = match read("CORDON_ALLOWED_ACCOUNTS") {
            None => Vec::new(),
            Some(v) => v
                .split(',')
                .map(|a| a.trim().parse::<AccountId>())
                .collect::<Result<_, _>>()
                .map_err(|r| invalid("CORDON_ALLOWED_ACCOUNTS", &v, r))?,
        };
        let exempt_tag = read("CORDON_EXEMPT_TAG").unwrap_or_else(|| DEFAULT_EXEMPT_TAG.to_owned());
        let topic_arn = read("CORDON_TOPIC_ARN");
        if let Some(topic) = &topic_arn
            && !topic.starts_with("arn:")
        {
            return Err(invalid(
                "CORDON_TOPIC_ARN",
                topic,
                "expected an SNS topic ARN".into(),
            ));
        }
        let notification_format = match read("CORDON_NOTIFICATION_FORMAT") {
            None => NotificationFormat::Plain,
            Some(v) => v
                .parse()
                .map_err(|r| invalid("CORDON_NOTIFICATION_FORMAT", &v, r))?,
        };
        let flag = |name: &'static str, default: bool| match read(name) {
            None => Ok(default),
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(invalid(name, &v, "expected true or false".into())),
            },
        };
        let revoke_role_sessions = flag("CORDON_REVOKE_ROLE_SESSIONS", true)?;
        let delete_login_profile = flag("CORDON_DELETE_LOGIN_PROFILE", false)?;
        let release_from_security_hub = flag("CORDON_RELEASE_FROM_SECURITY_HUB", false)?;
        let list = |name: &'static str| -> Vec<String> {
            read(name)
                .map(|v| {
                    v.split(',')
                        .map(|p| p.trim().to_owned())
                        .filter(|p| !p.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        let break_glass_principals = list("CORDON_BREAK_GLASS_PRINCIPALS");
        let own_role_arns = list("CORDON_OWN_ROLE_ARNS");
        if let Some(bad) = own_role_arns.iter().find(|a| !a.starts_with("arn:")) {
            return Err(invalid(
                "CORDON_OWN_ROLE_ARNS",
                bad,
                "expected IAM role ARNs".into(),
            ));
        }
        let admin_ports = match read("CORDON_ADMIN_PORTS") {
            None => DEFAULT_ADMIN_PORTS.to_vec(),
            Some(v) => list("CORDON_ADMIN_PORTS")
                .iter()
                .map(|p| p.parse::<u16>())
                .collect::<Result<_, _>>()
                .map_err(|_| {
                    invalid(
                        "CORDON_ADMIN_PORTS",
                        &v,
                        "expected port numbers separated by commas".into(),
                    )
                })?,
        };
        // Anything but a prefix length in range gets the range in its message.
        let prefix = |name: &'static str,
                      with: fn(InternetShare, u8) -> Result<InternetShare, String>,
                      share: InternetShare| match read(name) {
            None => Ok(share),
            Some(v) => {
                let length = v.trim().parse::<u8>().unwrap_or(u8::MAX);
                with(share, length).map_err(|r| invalid(name, &v, r))
            }
        };
        let internet = prefix(
            "CORDON_EXPOSURE_IPV4_PREFIX",
            InternetShare::with_ipv4_prefix,
            InternetShare::default(),
        )?;
        let internet = prefix(
            "CORDON_EXPOSURE_IPV6_PREFIX",
            InternetShare::with_ipv6_prefix,
            internet,
        )?;
        let contain_tampering_principal = flag("CORDON_CONTAIN_TAMPERING_PRINCIPAL", false)?;
        let ledger_table = read("CORDON_LEDGER_TABLE");
        let breaker_budget = match read("CORDON_BREAKER_BUDGET") {
            None => DEFAULT_BREAKER_BUDGET,
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|b| *b > 0)
                .ok_or_else(|| {
                    invalid(
                        "CORDON_BREAKER_BUDGET",
                        &v,
                        "expected a whole number of containments above 0".into(),
                    )
                })?,
        };
        let member_role_name =
            read("CORDON_MEMBER_ROLE_NAME").unwrap_or_else(|| DEFAULT_MEMBER_ROLE_NAME.to_owned());
        if !iam_name(&member_role_name, 64) {
            return Err(invalid(
                "CORDON_MEMBER_ROLE_NAME",
                &member_role_name,
                "expected an IAM role name (letters, digits and +=,.@_-, at most 64)".into(),
            ));
        }
        let member_role_external_id = read("CORDON_MEMBER_ROLE_EXTERNAL_ID");
        match &member_role_external_id {
            Some(id) if id.len() < 2 || !external_id(id) => {
                return Err(invalid(
                    "CORDON_MEMBER_ROLE_EXTERNAL_ID",
                    id,
                    "expected 2 to 1224 of letters, digits and +=,.@:/_-".into(),
                ));
            }
            None if allowed_accounts.len() > 1 => {
                return Err(invalid(
                    "CORDON_MEMBER_ROLE_EXTERNAL_ID",
                    "",
                    "CORDON_ALLOWED_ACCOUNTS names member accounts, so the member role's \
                     external id must be set"
                        .into(),
                ));
            }
            _ => {}
        }
        let function_name = read("AWS_LAMBDA_FUNCTION_NAME").map(|n| n.trim().to_owned());
        Ok(Self {
            mode,
            severity_floor,
            allowed_accounts,
            exempt_tag,
            topic_arn,
            notification_format,
            revoke_role_sessions,
            break_glass_principals,
            delete_login_profile,
            release_from_security_hub,
            own_role_arns,
            admin_ports,
            internet,
            contain_tampering_principal,
            ledger_table,
            breaker_budget,
            member_role_name,
            member_role_external_id,
            function_name,
        })
    }

    /// The metrics' `Function` dimension: the deployed function's name, so two stacks
    /// in one region keep their numbers apart; `logical_id` (the function's id in
    /// template.yaml) where Lambda did not name it.
    pub fn metrics_function<'a>(&'a self, logical_id: &'a str) -> &'a str {
        self.function_name.as_deref().unwrap_or(logical_id)
    }

    /// Who cordon never touches: the exempt tag and the break-glass principals.
    pub fn hands_off(&self) -> cordon_core::HandsOff {
        cordon_core::HandsOff {
            exempt_tag: self.exempt_tag.clone(),
            break_glass: self.break_glass_principals.clone(),
        }
    }

    /// The role cordon assumes in member accounts.
    pub fn member_role(&self) -> cordon_aws::MemberRole {
        cordon_aws::MemberRole::new(
            &self.member_role_name,
            self.member_role_external_id.as_deref(),
        )
    }

    /// Leases and the blast-radius breaker, as the operator configured them.
    pub fn ledger(&self) -> LedgerSettings {
        LedgerSettings {
            breaker_budget: Some(self.breaker_budget),
            ..LedgerSettings::default()
        }
    }

    /// What the CloudTrail responder does, as the operator configured it.
    pub fn trail(&self, current_account: &AccountId) -> TrailSettings {
        TrailSettings {
            allowed_accounts: self.policy(current_account).allowed_accounts,
            own_roles: self.own_role_arns.clone(),
            admin_ports: self.admin_ports.clone(),
            internet: self.internet,
            exempt_tag: self.exempt_tag.clone(),
            contain_principal: self.contain_tampering_principal,
            break_glass: self.break_glass_principals.clone(),
            credentials: self.credentials(),
        }
    }

    /// What the credential playbook does, as the operator configured it.
    pub fn credentials(&self) -> CredentialSettings {
        CredentialSettings {
            exempt_tag: self.exempt_tag.clone(),
            delete_login_profile: self.delete_login_profile,
        }
    }

    /// What the instance playbook does, as the operator configured it.
    pub fn playbook(&self) -> InstanceSettings {
        InstanceSettings {
            revoke_role_sessions: self.revoke_role_sessions,
        }
    }

    /// The triage policy, with `current_account` standing in for an empty allow-list.
    pub fn policy(&self, current_account: &AccountId) -> TriagePolicy {
        let allowed_accounts = if self.allowed_accounts.is_empty() {
            vec![current_account.clone()]
        } else {
            self.allowed_accounts.clone()
        };
        TriagePolicy {
            severity_floor: self.severity_floor,
            allowed_accounts,
            exempt_tag: self.exempt_tag.clone(),
        }
    }
}

fn iam_name(name: &str, max: usize) -> bool {
    !name.is_empty()
        && name.len() <= max
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

/// STS's pattern for an external id: `[\w+=,.@:/-]*`, at most 1224 characters.
fn external_id(id: &str) -> bool {
    id.len() <= 1224
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@:/_-".contains(&b))
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
