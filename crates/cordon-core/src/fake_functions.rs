//! An in-memory Lambda for the Lambda playbook's tests: one function's concurrency,
//! role and tags, every write logged, and switchable failures.

use crate::ports::{FunctionControls, NO_SUCH_FUNCTION, PortError, PortResult};
use std::sync::Mutex;

pub const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/thumbnailer-role";

#[derive(Debug)]
pub struct FakeFunctions {
    pub reserved: Mutex<Option<i32>>,
    pub tags: Mutex<Vec<(String, String)>>,
    pub role_arn: String,
    pub writes: Mutex<Vec<String>>,
    pub tags_unreadable: bool,
    pub missing: bool,
    /// The put succeeds but Lambda keeps the concurrency as it was.
    pub put_ignored: bool,
}

impl Default for FakeFunctions {
    fn default() -> Self {
        Self {
            reserved: Mutex::new(None),
            tags: Mutex::default(),
            role_arn: ROLE_ARN.to_owned(),
            writes: Mutex::default(),
            tags_unreadable: false,
            missing: false,
            put_ignored: false,
        }
    }
}

impl FakeFunctions {
    /// A function whose reserved concurrency is `reserved` (`None`: unreserved).
    pub fn with_reserved(reserved: Option<i32>) -> Self {
        let fake = Self::default();
        *fake.reserved.lock().unwrap() = reserved;
        fake
    }

    pub fn writes(&self) -> Vec<String> {
        self.writes.lock().unwrap().clone()
    }

    pub fn tag(&self, key: &str) -> Option<String> {
        let tags = self.tags.lock().unwrap();
        tags.iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn check(&self, operation: &'static str) -> PortResult<()> {
        if self.missing {
            return Err(PortError {
                operation,
                code: Some(NO_SUCH_FUNCTION.into()),
                message: "Function not found".into(),
                transient: false,
            });
        }
        Ok(())
    }

    fn write(&self, what: String) {
        self.writes.lock().unwrap().push(what);
    }
}

impl FunctionControls for FakeFunctions {
    async fn function_tags(&self, _: &str) -> PortResult<Vec<(String, String)>> {
        self.check("lambda:ListTags")?;
        if self.tags_unreadable {
            return Err(PortError {
                operation: "lambda:ListTags",
                code: Some("AccessDeniedException".into()),
                message: "not allowed".into(),
                transient: false,
            });
        }
        Ok(self.tags.lock().unwrap().clone())
    }

    async fn execution_role(&self, _: &str) -> PortResult<String> {
        self.check("lambda:GetFunctionConfiguration")?;
        Ok(self.role_arn.clone())
    }

    async fn reserved_concurrency(&self, _: &str) -> PortResult<Option<i32>> {
        self.check("lambda:GetFunctionConcurrency")?;
        Ok(*self.reserved.lock().unwrap())
    }

    async fn put_reserved_concurrency(&self, function: &str, reserved: i32) -> PortResult<()> {
        self.write(format!("put-concurrency {function} {reserved}"));
        if !self.put_ignored {
            *self.reserved.lock().unwrap() = Some(reserved);
        }
        Ok(())
    }

    async fn delete_reserved_concurrency(&self, function: &str) -> PortResult<()> {
        self.write(format!("delete-concurrency {function}"));
        *self.reserved.lock().unwrap() = None;
        Ok(())
    }

    async fn tag_function(&self, _: &str, tags: &[(String, String)]) -> PortResult<()> {
        let keys: Vec<&str> = tags.iter().map(|(k, _)| k.as_str()).collect();
        self.write(format!("tag {}", keys.join(",")));
        let mut held = self.tags.lock().unwrap();
        for (key, value) in tags {
            held.retain(|(k, _)| k != key);
            held.push((key.clone(), value.clone()));
        }
        Ok(())
    }
}
