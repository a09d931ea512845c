//! `${NAME}` expansion in config values, so secrets need not sit in the file.

/// Why a value could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpandError {
    /// `${NAME}` names a variable the lookup does not know.
    Unset(String),
    /// `${` without a closing `}`, or a name that is not `[A-Za-z_][A-Za-z0-9_]*`.
    Malformed(String),
}

impl std::fmt::Display for ExpandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unset(name) => write!(f, "environment variable `{name}` is not set"),
            Self::Malformed(reason) => f.write_str(reason),
        }
    }
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Replaces every `${NAME}` in `text` with `lookup(NAME)`. `$${` stands for a
/// literal `${`; any other `$` is kept as it is.
pub fn expand_env(
    text: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<String, ExpandError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar..];
        if let Some(escaped) = after.strip_prefix("$${") {
            out.push_str("${");
            rest = escaped;
        } else if let Some(open) = after.strip_prefix("${") {
            let Some(close) = open.find('}') else {
                return Err(ExpandError::Malformed(
                    "`${` without a closing `}` (write `$${` for a literal `${`)".to_owned(),
                ));
            };
            let name = &open[..close];
            if !is_variable_name(name) {
                return Err(ExpandError::Malformed(format!(
                    "`${{{name}}}` is not a valid environment variable reference: \
                     names are letters, digits and `_`, not starting with a digit"
                )));
            }
            let value = lookup(name).ok_or_else(|| ExpandError::Unset(name.to_owned()))?;
            out.push_str(&value);
            rest = &open[close + 1..];
        } else {
            out.push('$');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str) -> Option<String> {
        match name {
            "SLACK_URL" => Some("https://hooks.slack.com/services/T/B/X".to_owned()),
            "TOKEN" => Some("s3cr$t".to_owned()),
            _ => None,
        }
    }

    #[test]
    fn expands_known_variables() {
        assert_eq!(
            expand_env("${SLACK_URL}", lookup).as_deref(),
            Ok("https://hooks.slack.com/services/T/B/X")
        );
        assert_eq!(expand_env("Bearer ${TOKEN}!", lookup).as_deref(), Ok("Bearer s3cr$t!"));
        assert_eq!(expand_env("${TOKEN}${TOKEN}", lookup).as_deref(), Ok("s3cr$ts3cr$t"));
    }

    #[test]
    fn leaves_other_dollars_alone() {
        assert_eq!(expand_env("no variables", lookup).as_deref(), Ok("no variables"));
        assert_eq!(expand_env("cost $5 $", lookup).as_deref(), Ok("cost $5 $"));
        assert_eq!(expand_env("$${TOKEN}", lookup).as_deref(), Ok("${TOKEN}"));
        assert_eq!(expand_env("$HOME", lookup).as_deref(), Ok("$HOME"));
    }

    #[test]
    fn reports_unset_and_malformed_references() {
        assert_eq!(
            expand_env("x ${MISSING} y", lookup),
            Err(ExpandError::Unset("MISSING".to_owned()))
        );
        assert!(matches!(expand_env("${TOKEN", lookup), Err(ExpandError::Malformed(_))));
        assert!(matches!(expand_env("${}", lookup), Err(ExpandError::Malformed(_))));
        assert!(matches!(expand_env("${1X}", lookup), Err(ExpandError::Malformed(_))));
        assert!(matches!(expand_env("${A-B}", lookup), Err(ExpandError::Malformed(_))));
        assert_eq!(
            expand_env("${NOPE}", lookup).map_err(|e| e.to_string()),
            Err("environment variable `NOPE` is not set".to_owned())
        );
    }
}
