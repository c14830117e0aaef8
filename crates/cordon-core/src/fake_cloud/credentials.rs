//! The fake's instance profile, its role and the role's policies and tags.

use super::*;

impl InstanceCredentials for FakeCloud {
    async fn profile_association(
        &self,
        _instance: &InstanceId,
    ) -> PortResult<Option<ProfileAssociation>> {
        self.call(Call::ReadAssociation).await;
        Ok(self.state().association.clone())
    }

    async fn associate_profile(&self, _instance: &InstanceId, profile_arn: &str) -> PortResult<()> {
        self.call(Call::Associate(profile_arn.to_owned())).await;
        self.state().association = Some(ProfileAssociation {
            association_id: "iip-assoc-released".into(),
            profile_arn: profile_arn.to_owned(),
        });
        Ok(())
    }

    async fn delete_role_policy(&self, role: &str, policy_name: &str) -> PortResult<()> {
        self.call(Call::DeleteRolePolicy(
            role.to_owned(),
            policy_name.to_owned(),
        ))
        .await;
        self.state()
            .role_policies
            .remove(&(role.to_owned(), policy_name.to_owned()));
        Ok(())
    }

    async fn disassociate_profile(&self, association_id: &str) -> PortResult<()> {
        self.call(Call::Disassociate(association_id.to_owned()))
            .await;
        let mut state = self.state();
        if state.fail_disassociate {
            return Err(transient("DisassociateIamInstanceProfile", "throttled"));
        }
        state.association = None;
        Ok(())
    }

    async fn profile_roles(&self, profile_arn: &str) -> PortResult<Vec<String>> {
        self.call(Call::ProfileRoles).await;
        Ok(self
            .state()
            .profile_roles
            .get(profile_arn)
            .cloned()
            .unwrap_or_default())
    }

    async fn instances_using_profile(&self, profile_arn: &str) -> PortResult<Vec<InstanceId>> {
        self.call(Call::InstancesUsingProfile).await;
        let state = self.state();
        let mut users: Vec<InstanceId> = state
            .profile_users
            .get(profile_arn)
            .into_iter()
            .flatten()
            .map(|i| i.parse().unwrap())
            .collect();
        if state.association.is_some() {
            users.push(INSTANCE.parse().unwrap());
        }
        Ok(users)
    }

    async fn role_policy(&self, role: &str, policy_name: &str) -> PortResult<Option<String>> {
        self.call(Call::ReadRolePolicy(role.to_owned())).await;
        Ok(self
            .state()
            .role_policies
            .get(&(role.to_owned(), policy_name.to_owned()))
            .cloned())
    }

    async fn role_tags(&self, role: &str) -> PortResult<Vec<(String, String)>> {
        self.call(Call::ReadRoleTags(role.to_owned())).await;
        let state = self.state();
        if state.fail_role_tags {
            return Err(transient("ListRoleTags", "throttled"));
        }
        Ok(state.role_tags.get(role).cloned().unwrap_or_default())
    }

    async fn put_role_policy(
        &self,
        role: &str,
        policy_name: &str,
        document: &str,
    ) -> PortResult<()> {
        self.call(Call::PutRolePolicy(role.to_owned(), document.to_owned()))
            .await;
        self.state().role_policies.insert(
            (role.to_owned(), policy_name.to_owned()),
            document.to_owned(),
        );
        Ok(())
    }
}
