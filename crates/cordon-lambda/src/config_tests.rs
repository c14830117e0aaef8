use super::*;
use std::collections::HashMap;

fn config(vars: &[(&str, &str)]) -> Result<FunctionConfig, ConfigError> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    FunctionConfig::from_lookup(|name| vars.get(name).cloned())
}

#[test]
fn defaults_are_dry_run_floor_four_and_own_account() {
    let c = config(&[]).unwrap();
    assert_eq!(c.mode, Mode::DryRun);
    assert_eq!(c.severity_floor, 4.0);
    assert!(c.revoke_role_sessions);
    assert_eq!(c.internet, cordon_core::trail::InternetShare::default());
    let own: AccountId = "123456789012".parse().unwrap();
    assert_eq!(c.policy(&own).allowed_accounts, vec![own]);
}

#[test]
fn reads_every_variable() {
    let c = config(&[
        ("CORDON_MODE", "dry-run"),
        ("CORDON_SEVERITY_FLOOR", "7"),
        ("CORDON_ALLOWED_ACCOUNTS", "111111111111, 222222222222"),
        ("CORDON_MEMBER_ROLE_NAME", "ir-responder"),
        ("CORDON_MEMBER_ROLE_EXTERNAL_ID", "org-7f3a9c2e"),
        ("CORDON_EXEMPT_TAG", "ir:exempt"),
        ("CORDON_REVOKE_ROLE_SESSIONS", "False"),
        (
            "CORDON_BREAK_GLASS_PRINCIPALS",
            "break-glass-admin, arn:aws:iam::123456789012:role/Admin",
        ),
        ("CORDON_DELETE_LOGIN_PROFILE", "true"),
        (
            "CORDON_OWN_ROLE_ARNS",
            "arn:aws:iam::123456789012:role/a, arn:aws:iam::123456789012:role/b",
        ),
        ("CORDON_ADMIN_PORTS", "22, 3389, 5432"),
        ("CORDON_EXPOSURE_IPV4_PREFIX", "24"),
        ("CORDON_EXPOSURE_IPV6_PREFIX", " 48 "),
        ("CORDON_CONTAIN_TAMPERING_PRINCIPAL", "true"),
        ("CORDON_LEDGER_TABLE", "cordon-ledger"),
        ("CORDON_BREAKER_BUDGET", "3"),
    ])
    .unwrap();
    let own: AccountId = "123456789012".parse().unwrap();
    let trail = c.trail(&own);
    assert_eq!(trail.own_roles.len(), 2);
    assert_eq!(trail.admin_ports, [22, 3389, 5432]);
    assert_eq!(trail.internet.ipv4_prefix(), 24);
    assert_eq!(trail.internet.ipv6_prefix(), 48);
    assert!(trail.contain_principal);
    assert_eq!(c.ledger_table.as_deref(), Some("cordon-ledger"));
    assert_eq!(c.ledger().breaker_budget, Some(3));
    assert_eq!(c.break_glass_principals.len(), 2);
    assert!(c.credentials().delete_login_profile);
    assert!(!c.playbook().revoke_role_sessions);
    assert_eq!(c.mode, Mode::DryRun);
    assert_eq!(c.severity_floor, 7.0);
    assert_eq!(c.allowed_accounts.len(), 2);
    assert_eq!(c.exempt_tag, "ir:exempt");
    assert_eq!(c.member_role_name, "ir-responder");
    assert_eq!(c.member_role_external_id.as_deref(), Some("org-7f3a9c2e"));
}

#[test]
fn member_accounts_need_the_external_id() {
    let err = config(&[("CORDON_ALLOWED_ACCOUNTS", "111111111111,222222222222")])
        .unwrap_err()
        .to_string();
    assert!(err.contains("CORDON_MEMBER_ROLE_EXTERNAL_ID"), "{err}");
    let one = config(&[("CORDON_ALLOWED_ACCOUNTS", "111111111111")]).unwrap();
    assert_eq!(one.member_role_name, DEFAULT_MEMBER_ROLE_NAME);
    assert_eq!(one.member_role_external_id, None);
}

#[test]
fn rejects_bad_values_naming_the_variable() {
    for (name, value) in [
        ("CORDON_MODE", "yolo"),
        ("CORDON_SEVERITY_FLOOR", "eleven"),
        ("CORDON_SEVERITY_FLOOR", "11"),
        ("CORDON_ALLOWED_ACCOUNTS", "123"),
        ("CORDON_REVOKE_ROLE_SESSIONS", "yes"),
        ("CORDON_DELETE_LOGIN_PROFILE", "1"),
        ("CORDON_OWN_ROLE_ARNS", "cordon-role"),
        ("CORDON_ADMIN_PORTS", "22,ssh"),
        ("CORDON_ADMIN_PORTS", "70000"),
        ("CORDON_EXPOSURE_IPV4_PREFIX", "0"),
        ("CORDON_EXPOSURE_IPV4_PREFIX", "33"),
        ("CORDON_EXPOSURE_IPV4_PREFIX", "/8"),
        ("CORDON_EXPOSURE_IPV4_PREFIX", "0.0.0.0/8"),
        ("CORDON_EXPOSURE_IPV6_PREFIX", "2"),
        ("CORDON_EXPOSURE_IPV6_PREFIX", "300"),
        ("CORDON_EXPOSURE_IPV6_PREFIX", "-16"),
        ("CORDON_BREAKER_BUDGET", "0"),
        ("CORDON_BREAKER_BUDGET", "many"),
        ("CORDON_MEMBER_ROLE_NAME", "role/with/slashes"),
        ("CORDON_MEMBER_ROLE_EXTERNAL_ID", "has spaces in it"),
    ] {
        let err = config(&[(name, value)]).unwrap_err().to_string();
        assert!(err.contains(name), "{err}");
    }
}

#[test]
fn metrics_are_filed_under_the_deployed_function_name_else_the_logical_id() {
    let deployed = config(&[(
        "AWS_LAMBDA_FUNCTION_NAME",
        "cordon-ContainInstanceFunction-a1B2c3",
    )])
    .unwrap();
    assert_eq!(
        deployed.metrics_function("ContainInstanceFunction"),
        "cordon-ContainInstanceFunction-a1B2c3"
    );
    let local = config(&[("AWS_LAMBDA_FUNCTION_NAME", " ")]).unwrap();
    assert_eq!(
        local.metrics_function("ContainInstanceFunction"),
        "ContainInstanceFunction"
    );
}

#[test]
fn the_notification_format_is_plain_chatbot_or_refused() {
    use cordon_core::recording::NotificationFormat;
    assert_eq!(
        config(&[]).unwrap().notification_format,
        NotificationFormat::Plain
    );
    let chat = config(&[("CORDON_NOTIFICATION_FORMAT", "chatbot")]).unwrap();
    assert_eq!(chat.notification_format, NotificationFormat::Chatbot);
    let err = config(&[("CORDON_NOTIFICATION_FORMAT", "slack")]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "CORDON_NOTIFICATION_FORMAT=\"slack\" is invalid: unknown notification format `slack` \
         (expected plain or chatbot)"
    );
}

#[test]
fn an_exposure_prefix_out_of_range_says_which_range() {
    let err = config(&[("CORDON_EXPOSURE_IPV4_PREFIX", "0")])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "CORDON_EXPOSURE_IPV4_PREFIX=\"0\" is invalid: expected a prefix length from 1 to 32"
        ),
        "{err}"
    );
    let err = config(&[("CORDON_EXPOSURE_IPV6_PREFIX", "sixteen")])
        .unwrap_err()
        .to_string();
    assert!(err.contains("from 3 to 128"), "{err}");
    assert!(!err.contains('\n'), "{err}");
}
