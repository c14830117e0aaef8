//! `wildcard` operands: `*` matches any run of characters (including none), `\*` a
//! literal asterisk and `\\` a literal backslash; EventBridge rejects `**` and any
//! other escape, and so do we.

/// A wildcard operand split at its unescaped `*`s: the literal text runs between them.
#[derive(Debug, Clone)]
pub(super) struct Wildcard {
    parts: Vec<String>,
}

impl Wildcard {
    pub(super) fn parse(pattern: &str) -> Result<Self, String> {
        let mut parts = vec![String::new()];
        let mut chars = pattern.chars();
        let mut previous_was_star = false;
        while let Some(c) = chars.next() {
            let literal = match c {
                '*' if previous_was_star => {
                    return Err(format!("consecutive wildcard characters in `{pattern}`"));
                }
                '*' => None,
                '\\' => match chars.next() {
                    Some(escaped @ ('*' | '\\')) => Some(escaped),
                    _ => {
                        return Err(format!(
                            "invalid escape in `{pattern}`: only `\\*` and `\\\\` are allowed"
                        ));
                    }
                },
                other => Some(other),
            };
            previous_was_star = literal.is_none();
            match literal {
                Some(c) => parts.last_mut().expect("never empty").push(c),
                None => parts.push(String::new()),
            }
        }
        Ok(Self { parts })
    }

    pub(super) fn matches(&self, s: &str) -> bool {
        let (first, rest) = self.parts.split_first().expect("never empty");
        let Some((last, middle)) = rest.split_last() else {
            return s == first;
        };
        let Some(mut remaining) = s.strip_prefix(first.as_str()) else {
            return false;
        };
        // With `*` as the only metacharacter, taking each middle run at its leftmost
        // occurrence never loses a match.
        for part in middle {
            match remaining.find(part.as_str()) {
                Some(at) => remaining = &remaining[at + part.len()..],
                None => return false,
            }
        }
        remaining.ends_with(last.as_str())
    }
}
