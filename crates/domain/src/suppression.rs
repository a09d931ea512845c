//! What holds pages back while events stay visible: silences, maintenance windows, inhibition and flapping.
//!
//! Suppression never drops anything: events are stored, alerts and incidents
//! open as usual, and the incident says why nobody was paged.

use std::fmt;
use std::time::Duration;

use crate::oncall::Restriction;
use crate::{LabelSet, ServiceId, SilenceId, TenantId, Timestamp};

/// How a matcher compares a label's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchOp {
    /// `=`
    Equal,
    /// `!=`
    NotEqual,
    /// `=~`: the whole value matches the regular expression.
    Regex,
    /// `!~`
    NotRegex,
}

impl MatchOp {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equal => "=",
            Self::NotEqual => "!=",
            Self::Regex => "=~",
            Self::NotRegex => "!~",
        }
    }
}

/// A problem with a matcher as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatcherError {
    #[error("`{0}` is not a matcher: expected NAME=VALUE, NAME!=VALUE, NAME=~REGEX or NAME!~REGEX")]
    Shape(String),
    #[error("matcher `{text}`: label name must be letters, digits and underscores")]
    Name { text: String },
    #[error("matcher `{text}`: invalid regular expression: {message}")]
    Regex { text: String, message: String },
}

/// One label condition, as in Alertmanager: `site="fra"`, `alertname=~"Vpn.*"`.
///
/// A label the alert does not have reads as the empty string, so `team!=db`
/// matches alerts without a `team` label, and `team=""` matches only those.
/// Besides its labels, an alert answers to `service` and `severity` when it
/// has no label of that name.
#[derive(Debug, Clone)]
pub struct Matcher {
    pub name: String,
    pub op: MatchOp,
    pub value: String,
    /// Anchored (`^(?:value)$`), for `=~` and `!~`.
    regex: Option<regex::Regex>,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        (&self.name, self.op, &self.value) == (&other.name, other.op, &other.value)
    }
}

impl Eq for Matcher {}

impl Matcher {
    pub fn new(name: &str, op: MatchOp, value: &str) -> Result<Self, MatcherError> {
        let text = format!("{name}{}{value}", op.as_str());
        let valid_name = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        if !valid_name {
            return Err(MatcherError::Name { text });
        }
        let regex = match op {
            MatchOp::Regex | MatchOp::NotRegex => Some(
                regex::RegexBuilder::new(&format!("^(?:{value})$"))
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|error| MatcherError::Regex { text, message: error.to_string() })?,
            ),
            MatchOp::Equal | MatchOp::NotEqual => None,
        };
        Ok(Self { name: name.to_owned(), op, value: value.to_owned(), regex })
    }

    /// `site=fra`, `site!=fra`, `alertname=~Vpn.*`, `team!~db|dba`; the value
    /// may be double-quoted (`summary="disk full"`).
    pub fn parse(text: &str) -> Result<Self, MatcherError> {
        let shape = || MatcherError::Shape(text.to_owned());
        let position = text.find(['=', '!']).ok_or_else(shape)?;
        let (name, rest) = text.split_at(position);
        let (op, value) = if let Some(value) = rest.strip_prefix("=~") {
            (MatchOp::Regex, value)
        } else if let Some(value) = rest.strip_prefix("!~") {
            (MatchOp::NotRegex, value)
        } else if let Some(value) = rest.strip_prefix("!=") {
            (MatchOp::NotEqual, value)
        } else if let Some(value) = rest.strip_prefix('=') {
            (MatchOp::Equal, value)
        } else {
            return Err(shape());
        };
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .map_or(value, |unquoted| unquoted);
        Self::new(name.trim(), op, value)
    }

    /// Whether a value (empty when the label is absent) satisfies the matcher.
    pub fn matches_value(&self, value: &str) -> bool {
        match (self.op, &self.regex) {
            (MatchOp::Equal, _) => value == self.value,
            (MatchOp::NotEqual, _) => value != self.value,
            (MatchOp::Regex, Some(regex)) => regex.is_match(value),
            (MatchOp::NotRegex, Some(regex)) => !regex.is_match(value),
            // `new` always compiles the regex of a regex matcher.
            (MatchOp::Regex | MatchOp::NotRegex, None) => false,
        }
    }

    /// Matches the labels of an alert of `service` with `severity`.
    pub fn matches(&self, labels: &impl LabelSet, service: &ServiceId, severity: &str) -> bool {
        let value = match (labels.label(&self.name), self.name.as_str()) {
            (Some(value), _) => value,
            (None, "service") => service.as_str(),
            (None, "severity") => severity,
            (None, _) => "",
        };
        self.matches_value(value)
    }
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{:?}", self.name, self.op.as_str(), self.value)
    }
}

/// Matchers that must all match.
pub fn all_match(
    matchers: &[Matcher],
    labels: &impl LabelSet,
    service: &ServiceId,
    severity: &str,
) -> bool {
    matchers.iter().all(|m| m.matches(labels, service, severity))
}

/// An operator's silence: alerts of the tenant matching every matcher do not
/// page from `starts_at` until `ends_at` (or until expired by hand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Silence {
    pub id: SilenceId,
    pub tenant: TenantId,
    pub matchers: Vec<Matcher>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub created_by: String,
    pub comment: String,
    pub created_at: Timestamp,
    /// Set when expired by hand before `ends_at`.
    pub expired_at: Option<Timestamp>,
    pub expired_by: Option<String>,
}

impl Silence {
    /// The moment the silence stops applying.
    pub fn end(&self) -> Timestamp {
        self.expired_at.map_or(self.ends_at, |at| at.min(self.ends_at))
    }

    pub fn is_active(&self, now: Timestamp) -> bool {
        self.starts_at <= now && now < self.end()
    }

    /// `active`, `pending` (starts later) or `expired`.
    pub fn state(&self, now: Timestamp) -> &'static str {
        if now >= self.end() {
            "expired"
        } else if now < self.starts_at {
            "pending"
        } else {
            "active"
        }
    }
}

/// A recurring maintenance window of a tenant, or of some of its services:
/// alerts open incidents as usual, but nobody is paged while it is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceWindow {
    pub id: String,
    pub tenant: TenantId,
    /// Empty: every service of the tenant.
    pub services: Vec<ServiceId>,
    /// IANA name; the windows are in its local time.
    pub time_zone: String,
    pub windows: Vec<Restriction>,
}

impl MaintenanceWindow {
    pub fn covers(&self, tenant: &TenantId, service: &ServiceId) -> bool {
        &self.tenant == tenant && (self.services.is_empty() || self.services.contains(service))
    }
}

/// While an alert matching `source` fires, alerts of the same tenant matching
/// `target` whose `equal` labels have the same values do not page: the site
/// VPN being down explains its tunnels being down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InhibitRule {
    pub id: String,
    pub source: Vec<Matcher>,
    pub target: Vec<Matcher>,
    pub equal: Vec<String>,
}

/// More than `changes` state changes (firing ↔ resolved) of one alert within
/// `window` mark it flapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flapping {
    pub changes: u32,
    pub window: Duration,
}

impl Default for Flapping {
    fn default() -> Self {
        Self { changes: 6, window: Duration::from_secs(30 * 60) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Labels;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn matchers_parse_and_match_like_alertmanager() {
        let service = ServiceId::parse("acme-vpn").expect("a valid id");
        let alert = labels(&[("alertname", "VpnTunnelDown"), ("site", "fra")]);
        let m = |text: &str| {
            Matcher::parse(text).expect("a valid matcher").matches(&alert, &service, "critical")
        };
        assert!(m("site=fra"));
        assert!(m("site=\"fra\""));
        assert!(!m("site!=fra"));
        assert!(m("alertname=~Vpn.*"));
        assert!(!m("alertname=~Tunnel"), "regexes are anchored");
        assert!(m("alertname!~Disk.*"));
        assert!(m("team!=db"), "a missing label is empty");
        assert!(m("team="));
        assert!(m("service=acme-vpn"));
        assert!(m("severity=~critical|error"));
        assert!(matches!(Matcher::parse("site"), Err(MatcherError::Shape(_))));
        assert!(matches!(Matcher::parse("=x"), Err(MatcherError::Name { .. })));
        assert!(matches!(Matcher::parse("a=~("), Err(MatcherError::Regex { .. })));
    }
}
