//! The one way a parameter's place is written in messages, botocore's: `a.b[0].c`,
//! `a (key: k)` for a map key, and `input` for the top level. Used by the validator,
//! the conversion to SDK types and the response walker alike.

/// The text of a path for messages: the top level is `input`, as in botocore.
pub fn shown(path: &str) -> &str {
    if path.is_empty() {
        "input"
    } else {
        path
    }
}

/// `path.member` (just `member` at the top level).
pub fn member(path: &str, member: &str) -> String {
    if path.is_empty() {
        member.to_owned()
    } else {
        format!("{path}.{member}")
    }
}

/// `path[index]`.
pub fn index(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// `path (key: key)`: where botocore reports a problem with a map key.
pub fn key(path: &str, key: &str) -> String {
    format!("{path} (key: {key})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn botocore_forms() {
        assert_eq!(shown(""), "input");
        assert_eq!(member("", "jobName"), "jobName");
        assert_eq!(member(&index(&member("a", "b"), 0), "c"), "a.b[0].c");
        assert_eq!(
            key("hyperParameters", "epochs"),
            "hyperParameters (key: epochs)"
        );
    }
}
