//! Which ingress rules open an admin port to the whole internet. Pure.

use super::internet::InternetShare;
use cordon_events::{IngressChange, RuleModification, RuleSource, SecurityGroupRuleId};
use serde::Serialize;
use std::fmt;

/// SSH and RDP: the ports the benchmark forbids opening to the world.
pub const DEFAULT_ADMIN_PORTS: &[u16] = &[22, 3389];

/// What counts as exposed: one of the admin ports, or every port, open to at least
/// `share` of the internet.
#[derive(Clone, Copy, Debug)]
pub struct Exposure<'a> {
    pub admin_ports: &'a [u16],
    pub share: InternetShare,
}

impl Exposure<'_> {
    /// Whether a rule of this protocol, ports and source range exposes the group.
    pub fn exposes(&self, protocol: &str, from: Option<i32>, to: Option<i32>, cidr: &str) -> bool {
        if !self.share.opened_by(cidr) {
            return false;
        }
        match normalise_protocol(protocol) {
            "-1" => true,
            "tcp" | "udp" => match (from, to) {
                (Some(from), Some(to)) if from >= 0 && to >= from => {
                    (from == 0 && to == 65535)
                        || self
                            .admin_ports
                            .iter()
                            .any(|port| (from..=to).contains(&i32::from(*port)))
                }
                // Ports left out (or -1) mean every port.
                _ => true,
            },
            _ => false,
        }
    }

    /// Whether the rule, as the group holds it now, exposes the group.
    pub fn exposes_rule(&self, rule: &crate::ports::IngressRule) -> bool {
        rule.cidr
            .as_deref()
            .is_some_and(|cidr| self.exposes(&rule.protocol, rule.from_port, rule.to_port, cidr))
    }
}

/// A rule that exposes an admin port, as the event describes it. Whether it still
/// does is decided on the rule as EC2 holds it when cordon acts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExposedRule {
    /// Newer events name the rule; older ones only describe it.
    pub rule_id: Option<SecurityGroupRuleId>,
    /// Empty when a rewrite left it out of the event: the rule is read back by id.
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    /// Empty when a rewrite left it out of the event: the rule is read back by id.
    pub cidr: String,
}

impl ExposedRule {
    /// Whether `rule` (read from the group) is this one: by id when the event named
    /// it, otherwise by exactly the same protocol, ports and range.
    pub fn matches(&self, rule: &crate::ports::IngressRule) -> bool {
        match &self.rule_id {
            Some(id) => rule.rule_id == id.as_str(),
            None => {
                normalise_protocol(&rule.protocol) == normalise_protocol(&self.protocol)
                    && rule.cidr.as_deref() == Some(self.cidr.as_str())
                    && (normalise_protocol(&self.protocol) == "-1"
                        || (rule.from_port == self.from_port && rule.to_port == self.to_port))
            }
        }
    }
}

impl fmt::Display for ExposedRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.protocol.is_empty() || self.cidr.is_empty() {
            let id = self.rule_id.as_ref().map_or("a rule", |id| id.as_str());
            return write!(f, "{id} (rewritten; the event does not say to what)");
        }
        let ports = match (
            normalise_protocol(&self.protocol),
            self.from_port,
            self.to_port,
        ) {
            ("-1", _, _) => "all traffic".to_owned(),
            (p, Some(from), Some(to)) if from == to => format!("{p} {from}"),
            (p, Some(from), Some(to)) => format!("{p} {from}-{to}"),
            (p, _, _) => format!("{p} all ports"),
        };
        match &self.rule_id {
            Some(id) => write!(f, "{id} ({ports} from {})", self.cidr),
            None => write!(f, "{ports} from {}", self.cidr),
        }
    }
}

/// The rules `change` added that expose the group (see [`Exposure`]). Rules the
/// response names are used when present, so the revocation can go by rule id.
pub fn exposed_rules(change: &IngressChange, exposure: Exposure<'_>) -> Vec<ExposedRule> {
    if !change.added_rules.is_empty() {
        return change
            .added_rules
            .iter()
            .filter_map(|rule| {
                let cidr = rule.cidr.as_deref()?;
                exposure
                    .exposes(&rule.protocol, rule.from_port, rule.to_port, cidr)
                    .then(|| ExposedRule {
                        rule_id: Some(rule.rule_id.clone()),
                        protocol: rule.protocol.clone(),
                        from_port: rule.from_port,
                        to_port: rule.to_port,
                        cidr: cidr.to_owned(),
                    })
            })
            .collect();
    }
    change
        .permissions
        .iter()
        .flat_map(|p| {
            p.cidrs
                .iter()
                .filter(|cidr| exposure.exposes(&p.protocol, p.from_port, p.to_port, cidr))
                .map(|cidr| ExposedRule {
                    rule_id: None,
                    protocol: p.protocol.clone(),
                    from_port: p.from_port,
                    to_port: p.to_port,
                    cidr: cidr.clone(),
                })
        })
        .collect()
}

/// The rules `modification` rewrote that may now expose the group: those the event
/// shows opening an admin port (or every port) to the internet, and those whose new
/// protocol or source it leaves out. Rules now pointing at another group or a prefix
/// list, or at a narrow range, are left alone.
pub fn rewritten_rules(
    modification: &RuleModification,
    exposure: Exposure<'_>,
) -> Vec<ExposedRule> {
    modification
        .rules
        .iter()
        .filter(|rule| match (&rule.source, rule.protocol.as_deref()) {
            (RuleSource::Reference, _) => false,
            (RuleSource::Unstated, _) => true,
            (RuleSource::Cidr(cidr), None) => exposure.share.opened_by(cidr),
            (RuleSource::Cidr(cidr), Some(protocol)) => {
                exposure.exposes(protocol, rule.from_port, rule.to_port, cidr)
            }
        })
        .map(|rule| ExposedRule {
            rule_id: Some(rule.rule_id.clone()),
            protocol: rule.protocol.clone().unwrap_or_default(),
            from_port: rule.from_port,
            to_port: rule.to_port,
            cidr: match &rule.source {
                RuleSource::Cidr(cidr) => cidr.clone(),
                _ => String::new(),
            },
        })
        .collect()
}

/// EC2 accepts names or numbers: `-1`/`all`, `tcp`/`6`, `udp`/`17`.
fn normalise_protocol(protocol: &str) -> &str {
    match protocol.to_ascii_lowercase().as_str() {
        "-1" | "all" => "-1",
        "tcp" | "6" => "tcp",
        "udp" | "17" => "udp",
        _ => protocol,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_events::{AddedRule, IngressPermission};

    fn permission(protocol: &str, ports: Option<(i32, i32)>, cidrs: &[&str]) -> IngressPermission {
        IngressPermission {
            protocol: protocol.into(),
            from_port: ports.map(|p| p.0),
            to_port: ports.map(|p| p.1),
            cidrs: cidrs.iter().map(|c| c.to_string()).collect(),
        }
    }

    fn default() -> Exposure<'static> {
        Exposure {
            admin_ports: DEFAULT_ADMIN_PORTS,
            share: InternetShare::default(),
        }
    }

    fn change(permissions: Vec<IngressPermission>, added_rules: Vec<AddedRule>) -> IngressChange {
        IngressChange {
            group_id: Some("sg-0a1b2c3d4e5f60009".parse().unwrap()),
            group_name: None,
            permissions,
            added_rules,
        }
    }

    #[test]
    fn admin_ports_to_the_world_are_exposed_and_nothing_else() {
        let cases = [
            (permission("tcp", Some((22, 22)), &["0.0.0.0/0"]), 1),
            (permission("tcp", Some((3389, 3389)), &["::/0"]), 1),
            (permission("6", Some((0, 1024)), &["0.0.0.0/0"]), 1),
            (permission("-1", None, &["0.0.0.0/0"]), 1),
            (permission("tcp", Some((0, 65535)), &["::/0"]), 1),
            (permission("tcp", None, &["0.0.0.0/0"]), 1),
            (
                permission("tcp", Some((22, 22)), &["10.0.0.0/8", "0.0.0.0/0"]),
                1,
            ),
            (permission("tcp", Some((443, 443)), &["0.0.0.0/0"]), 0),
            (permission("tcp", Some((22, 22)), &["203.0.113.0/24"]), 0),
            // The world split in two is still the world; a private /8 is not.
            (
                permission("tcp", Some((22, 22)), &["0.0.0.0/1", "128.0.0.0/1"]),
                2,
            ),
            (permission("tcp", Some((22, 22)), &["10.0.0.0/8"]), 0),
            (permission("icmp", Some((-1, -1)), &["0.0.0.0/0"]), 0),
        ];
        for (permission, expected) in cases {
            let found = exposed_rules(&change(vec![permission.clone()], vec![]), default());
            assert_eq!(found.len(), expected, "{permission:?}");
        }
    }

    #[test]
    fn rules_named_in_the_response_are_used_by_id() {
        let rule = |id: &str, cidr: &str| AddedRule {
            rule_id: id.parse().unwrap(),
            protocol: "tcp".into(),
            from_port: Some(22),
            to_port: Some(22),
            cidr: Some(cidr.into()),
        };
        let found = exposed_rules(
            &change(
                vec![permission(
                    "tcp",
                    Some((22, 22)),
                    &["0.0.0.0/0", "10.0.0.0/8"],
                )],
                vec![
                    rule("sgr-0a1b2c3d4e5f60001", "0.0.0.0/0"),
                    rule("sgr-0a1b2c3d4e5f60002", "10.0.0.0/8"),
                ],
            ),
            default(),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].to_string(),
            "sgr-0a1b2c3d4e5f60001 (tcp 22 from 0.0.0.0/0)"
        );
    }

    #[test]
    fn configured_ports_replace_the_defaults() {
        let found = exposed_rules(
            &change(
                vec![permission("tcp", Some((5432, 5432)), &["0.0.0.0/0"])],
                vec![],
            ),
            Exposure {
                admin_ports: &[5432],
                share: InternetShare::default(),
            },
        );
        assert_eq!(found.len(), 1);
    }
}
