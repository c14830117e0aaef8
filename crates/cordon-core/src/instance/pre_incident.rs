//! What containment replaced on an instance, as cordon saw it before changing it.
//! Release restores from this record, kept in cordon's ledger; the `cordon:*` tags are
//! a copy people can read, and anyone with `ec2:CreateTags` can rewrite them.

use cordon_events::SecurityGroupId;
use std::collections::BTreeMap;

/// Entries keyed by the resource and the tag that holds their copy
/// (`eni-…` and `cordon:original-groups`, `i-…` and `cordon:instance-profile`, …).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreIncident {
    entries: BTreeMap<(String, String), String>,
}

/// Ledger entry names join the resource and the tag key with this, which neither holds.
const SEPARATOR: char = '|';

impl PreIncident {
    /// The ledger subject of an instance's record: instance ids are unique per account.
    pub fn subject(account: &str, instance: &str) -> String {
        format!("{account}/{instance}")
    }

    /// Notes the value `resource` had before containment, copied to its tag `tag`.
    pub fn keep(&mut self, resource: &str, tag: &str, value: impl Into<String>) {
        self.entries
            .insert((resource.to_owned(), tag.to_owned()), value.into());
    }

    /// Another run's record joined in; what this one noted first stays.
    pub fn merge(&mut self, other: Self) {
        for (key, value) in other.entries {
            self.entries.entry(key).or_insert(value);
        }
    }

    pub fn get(&self, resource: &str, tag: &str) -> Option<&str> {
        self.entries
            .get(&(resource.to_owned(), tag.to_owned()))
            .map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Flat `(name, value)` pairs for the ledger.
    pub fn to_entries(&self) -> Vec<(String, String)> {
        self.entries
            .iter()
            .map(|((resource, tag), value)| (format!("{resource}{SEPARATOR}{tag}"), value.clone()))
            .collect()
    }

    /// The record from the ledger's pairs; names that are not entries are ignored.
    pub fn from_entries(entries: impl IntoIterator<Item = (String, String)>) -> Self {
        let entries = entries
            .into_iter()
            .filter_map(|(name, value)| {
                let (resource, tag) = name.split_once(SEPARATOR)?;
                Some(((resource.to_owned(), tag.to_owned()), value))
            })
            .collect();
        Self { entries }
    }

    /// Groups as the record and the `cordon:original-groups` tag hold them.
    pub fn groups_value(groups: &[SecurityGroupId]) -> String {
        groups
            .iter()
            .map(SecurityGroupId::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The groups in a recorded value.
    pub fn parse_groups(value: &str) -> Result<Vec<SecurityGroupId>, String> {
        value
            .split(',')
            .filter(|g| !g.is_empty())
            .map(|g| {
                g.parse().map_err(|_| {
                    format!("cordon's record holds {g}, which is not a security group id")
                })
            })
            .collect()
    }

    /// The value release restores for `tag` on `resource`: the record's, checked
    /// against the tag. `None` means nothing was recorded and nothing is tagged.
    /// Without a ledger (`record` is `None`, a local replay) the tag is all there is.
    pub fn restore_value(
        record: Option<&Self>,
        resource: &str,
        tag: &str,
        tagged: Option<&str>,
    ) -> Result<Option<String>, String> {
        let Some(record) = record else {
            return Ok(tagged.map(str::to_owned));
        };
        match (record.get(resource, tag), tagged) {
            (Some(kept), Some(tagged)) if kept == tagged => Ok(Some(kept.to_owned())),
            (Some(kept), Some(tagged)) => Err(format!(
                "the tag {tag}={tagged} on {resource} disagrees with cordon's record ({kept}): the tag was changed after containment, so nothing is restored here; check who changed it, then restore by hand"
            )),
            // The tag is only a copy: a removed one does not lose the record.
            (Some(kept), None) => Ok(Some(kept.to_owned())),
            (None, Some(tagged)) => Err(format!(
                "the tag {tag}={tagged} on {resource} is not in cordon's record, so cordon did not write it; nothing is restored here"
            )),
            (None, None) => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUPS: &str = "cordon:original-groups";

    fn record() -> PreIncident {
        let mut record = PreIncident::default();
        record.keep("eni-1", GROUPS, "sg-a,sg-b");
        record
    }

    #[test]
    fn entries_survive_the_ledger_round_trip() {
        let mut record = record();
        record.keep(
            "i-1",
            "cordon:instance-profile",
            "arn:aws:iam::1:instance-profile/p",
        );
        let back = PreIncident::from_entries(record.to_entries());
        assert_eq!(back, record);
        let with_other_attributes =
            PreIncident::from_entries([("pk".to_owned(), "record#1/i-1".to_owned())]);
        assert!(with_other_attributes.is_empty());
    }

    #[test]
    fn merging_keeps_what_was_noted_first() {
        let mut first = record();
        let mut later = PreIncident::default();
        later.keep("eni-1", GROUPS, "sg-deny");
        later.keep("eni-2", GROUPS, "sg-c");
        first.merge(later);
        assert_eq!(first.get("eni-1", GROUPS), Some("sg-a,sg-b"));
        assert_eq!(first.get("eni-2", GROUPS), Some("sg-c"));
    }

    #[test]
    fn release_restores_the_record_and_stops_on_a_rewritten_or_planted_tag() {
        let record = record();
        let restore = |tagged| PreIncident::restore_value(Some(&record), "eni-1", GROUPS, tagged);
        assert_eq!(restore(Some("sg-a,sg-b")), Ok(Some("sg-a,sg-b".to_owned())));
        assert_eq!(restore(None), Ok(Some("sg-a,sg-b".to_owned())));
        let rewritten = restore(Some("sg-attacker")).unwrap_err();
        assert!(
            rewritten.contains("disagrees with cordon's record (sg-a,sg-b)"),
            "{rewritten}"
        );
        let planted =
            PreIncident::restore_value(Some(&record), "eni-2", GROUPS, Some("sg-attacker"));
        assert!(planted.unwrap_err().contains("not in cordon's record"));
        assert_eq!(
            PreIncident::restore_value(Some(&record), "eni-2", GROUPS, None),
            Ok(None)
        );
    }

    #[test]
    fn without_a_ledger_the_tag_is_all_there_is() {
        assert_eq!(
            PreIncident::restore_value(None, "eni-1", GROUPS, Some("sg-a")),
            Ok(Some("sg-a".to_owned()))
        );
        assert_eq!(
            PreIncident::restore_value(None, "eni-1", GROUPS, None),
            Ok(None)
        );
    }
}
