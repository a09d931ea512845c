//! Watchfloor's YAML configuration: parse, validate, and report every error with file, line and field.
//!
//! [`load`] and [`parse`] turn a YAML file into a validated [`domain::Config`].
//! They never stop at the first problem: a [`ConfigError::Invalid`] carries
//! one [`Diagnostic`] per problem found (syntax, unknown or misspelt keys,
//! wrong types, bad words, ids, durations and URLs, duplicates, and
//! references to things that are not defined), sorted by position.
//!
//! `${NAME}` in `public_url`, `notify[].url` and header values is replaced by
//! the environment variable `NAME` at load time, so secrets such as Slack
//! webhook URLs need not sit in the file.

mod check;
mod duration;
mod env;
pub mod integrations;
pub mod packs;
pub mod suggest;
pub mod yaml;

use std::fmt;
use std::path::Path;

pub use check::{DEFAULT_PUBLIC_URL, LEVEL_RANGE, MAX_ATTEMPTS_RANGE, REPEAT_RANGE, STEP_RANGE};
pub use duration::parse_duration;
pub use env::{ExpandError, expand_env};
pub use integrations::{
    EventBridgeSettings, InsufficientData, IntegrationOptions, IntegrationSettings, SnsSettings,
};

/// A commented example config that passes [`parse`] (used by docs and tests).
pub const EXAMPLE: &str = include_str!("../example.yaml");

/// One problem in a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file name as given to [`load`] or [`parse`].
    pub file: String,
    /// 1-based; 0 if unknown.
    pub line: usize,
    /// 1-based; 0 if unknown.
    pub column: usize,
    /// Where in the document, e.g. `integrations[1].tenant` (indexes are 0-based).
    /// Empty for YAML syntax errors.
    pub field: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    /// `FILE:LINE:COL: FIELD: MESSAGE` (without `FIELD: ` when there is no field).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{} error(s) in configuration", .0.len())]
    Invalid(Vec<Diagnostic>),
}

/// A checked configuration with the settings of its integrations that
/// `domain::Config` does not carry (see [`integrations`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub config: domain::Config,
    pub integrations: IntegrationSettings,
}

/// Reads and checks a config file, expanding `${VAR}` from the process environment.
pub fn load(path: &Path) -> Result<domain::Config, ConfigError> {
    load_all(path).map(|loaded| loaded.config)
}

/// [`load`], also returning the integrations' own settings. Relative paths
/// in the file (pinned SNS certificates) are relative to its directory, and
/// the files they name must exist and hold what they should.
pub fn load_all(path: &Path) -> Result<Loaded, ConfigError> {
    let display = path.display().to_string();
    let source = std::fs::read_to_string(path)
        .map_err(|source| ConfigError::Read { path: display.clone(), source })?;
    let base_dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let root = parse_tree(&source, &display)?;
    let env = |name: &str| std::env::var(name).ok();
    check::Checker::new(&display, &env)
        .with_base_dir(base_dir)
        .check_all(root.as_ref())
        .map(|(config, integrations)| Loaded { config, integrations })
        .map_err(ConfigError::Invalid)
}

/// [`parse`], also returning the integrations' own settings. Relative paths
/// are kept as written (relative to the working directory) and not opened.
pub fn parse_all(source: &str, file_name: &str) -> Result<Loaded, ConfigError> {
    let root = parse_tree(source, file_name)?;
    let env = |name: &str| std::env::var(name).ok();
    check::Checker::new(file_name, &env)
        .check_all(root.as_ref())
        .map(|(config, integrations)| Loaded { config, integrations })
        .map_err(ConfigError::Invalid)
}

fn parse_tree(source: &str, file_name: &str) -> Result<Option<yaml::Node>, ConfigError> {
    yaml::parse(source).map_err(|error| {
        ConfigError::Invalid(vec![Diagnostic {
            file: file_name.to_owned(),
            line: error.mark.line,
            column: error.mark.column,
            field: String::new(),
            message: format!("YAML syntax error: {}", error.message),
        }])
    })
}

/// Checks config text, expanding `${VAR}` from the process environment.
/// `file_name` is only used in diagnostics.
pub fn parse(source: &str, file_name: &str) -> Result<domain::Config, ConfigError> {
    parse_with_env(source, file_name, &|name| std::env::var(name).ok())
}

/// Like [`parse`], with `${VAR}` looked up by `env` instead of the process
/// environment (for tests, or to refuse expansion with `&|_| None`).
pub fn parse_with_env(
    source: &str,
    file_name: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<domain::Config, ConfigError> {
    let root = yaml::parse(source).map_err(|error| {
        ConfigError::Invalid(vec![Diagnostic {
            file: file_name.to_owned(),
            line: error.mark.line,
            column: error.mark.column,
            field: String::new(),
            message: format!("YAML syntax error: {}", error.message),
        }])
    })?;
    check_yaml(root.as_ref(), file_name, env)
}

/// Checks a config that is already a YAML tree, such as one embedded in
/// another file (`config_inline:` of a rule test file): diagnostics carry
/// the lines and columns of that file. `None` is an empty document.
pub fn check_yaml(
    root: Option<&yaml::Node>,
    file_name: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<domain::Config, ConfigError> {
    check::Checker::new(file_name, env).check(root).map_err(ConfigError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_display_file_line_column_field_message() {
        let diagnostic = Diagnostic {
            file: "watchfloor.yaml".to_owned(),
            line: 12,
            column: 5,
            field: "tenants[0].tier".to_owned(),
            message: "invalid tier `diamond`".to_owned(),
        };
        assert_eq!(
            diagnostic.to_string(),
            "watchfloor.yaml:12:5: tenants[0].tier: invalid tier `diamond`"
        );
        let syntax = Diagnostic { field: String::new(), ..diagnostic };
        assert_eq!(syntax.to_string(), "watchfloor.yaml:12:5: invalid tier `diamond`");
    }

    #[test]
    fn invalid_error_counts_diagnostics() {
        let error = ConfigError::Invalid(vec![]);
        assert_eq!(error.to_string(), "0 error(s) in configuration");
    }
}
