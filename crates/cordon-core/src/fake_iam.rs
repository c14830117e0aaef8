//! An in-memory IAM for the credential and CloudTrail playbooks' tests.

use crate::ports::{
    AccessKeyState, PortError, PortResult, Principal, PrincipalCredentials, RoleUsage,
};
use std::collections::BTreeMap;
use std::sync::Mutex;

pub const KEY_A: &str = "AKIAEXAMPLEKEY000001";
pub const KEY_B: &str = "AKIAEXAMPLEKEY000002";

#[derive(Debug, Default)]
pub struct FakeIam {
    pub keys: Mutex<BTreeMap<String, String>>,
    pub policies: Mutex<BTreeMap<String, String>>,
    pub tags: Mutex<Vec<(String, String)>>,
    pub login_profile: Mutex<bool>,
    pub writes: Mutex<Vec<String>>,
    pub tags_unreadable: bool,
    pub missing: bool,
}

impl FakeIam {
    pub fn with_user() -> Self {
        let fake = Self::default();
        fake.keys.lock().unwrap().extend([
            (KEY_A.to_owned(), "Active".to_owned()),
            (KEY_B.to_owned(), "Active".to_owned()),
        ]);
        *fake.login_profile.lock().unwrap() = true;
        fake
    }

    fn write(&self, what: String) {
        self.writes.lock().unwrap().push(what);
    }

    pub fn writes(&self) -> Vec<String> {
        self.writes.lock().unwrap().clone()
    }
}

impl PrincipalCredentials for FakeIam {
    async fn principal_tags(&self, _: &Principal) -> PortResult<Vec<(String, String)>> {
        if self.missing {
            return Err(PortError {
                operation: "iam:ListUserTags",
                code: Some("NoSuchEntity".into()),
                message: "The user with name alice cannot be found.".into(),
                transient: false,
            });
        }
        if self.tags_unreadable {
            return Err(PortError {
                operation: "iam:ListUserTags",
                code: Some("AccessDenied".into()),
                message: "not allowed".into(),
                transient: false,
            });
        }
        Ok(self.tags.lock().unwrap().clone())
    }

    async fn access_keys(&self, _: &str) -> PortResult<Vec<AccessKeyState>> {
        Ok(self
            .keys
            .lock()
            .unwrap()
            .iter()
            .map(|(id, status)| AccessKeyState {
                access_key_id: id.clone(),
                status: status.clone(),
            })
            .collect())
    }

    async fn deactivate_access_key(&self, _: &str, key: &str) -> PortResult<()> {
        self.write(format!("deactivate {key}"));
        self.keys
            .lock()
            .unwrap()
            .insert(key.to_owned(), "Inactive".to_owned());
        Ok(())
    }

    async fn principal_policy(
        &self,
        principal: &Principal,
        name: &str,
    ) -> PortResult<Option<String>> {
        Ok(self
            .policies
            .lock()
            .unwrap()
            .get(&format!("{principal}/{name}"))
            .cloned())
    }

    async fn put_principal_policy(
        &self,
        principal: &Principal,
        name: &str,
        document: &str,
    ) -> PortResult<()> {
        self.write(format!("policy {principal}"));
        self.policies
            .lock()
            .unwrap()
            .insert(format!("{principal}/{name}"), document.to_owned());
        Ok(())
    }

    async fn delete_principal_policy(&self, principal: &Principal, name: &str) -> PortResult<()> {
        self.write(format!("delete policy {principal}"));
        self.policies
            .lock()
            .unwrap()
            .remove(&format!("{principal}/{name}"));
        Ok(())
    }

    async fn has_login_profile(&self, _: &str) -> PortResult<bool> {
        Ok(*self.login_profile.lock().unwrap())
    }

    async fn delete_login_profile(&self, _: &str) -> PortResult<()> {
        self.write("delete login profile".into());
        *self.login_profile.lock().unwrap() = false;
        Ok(())
    }

    async fn tag_principal(
        &self,
        principal: &Principal,
        tags: &[(String, String)],
    ) -> PortResult<()> {
        self.write(format!("tag {principal}"));
        self.tags.lock().unwrap().extend(tags.iter().cloned());
        Ok(())
    }

    async fn role_usage(&self, _: &str) -> PortResult<RoleUsage> {
        Ok(RoleUsage {
            instance_profiles: vec!["web-server".into()],
            trusted: vec!["ec2.amazonaws.com".into()],
        })
    }
}
