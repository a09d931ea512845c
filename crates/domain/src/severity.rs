//! Severity as sources report it, normalised to the four PagerDuty levels.

use std::fmt;
use std::str::FromStr;

/// Ordered from most to least severe, so `Critical < Info` in sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Critical,
    Error,
    Warning,
    Info,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Self::Critical, Self::Error, Self::Warning, Self::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }

    /// Lenient mapping of the words monitoring tools use in labels
    /// (`severity="page"`, `"high"`, `"sev1"` …). Unknown words give `None`.
    pub fn from_label(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "critical" | "crit" | "page" | "fatal" | "emergency" | "alert" | "disaster" | "p1"
            | "sev0" | "sev1" => Some(Self::Critical),
            "error" | "err" | "high" | "major" | "p2" | "sev2" => Some(Self::Error),
            "warning" | "warn" | "medium" | "minor" | "average" | "p3" | "sev3" => {
                Some(Self::Warning)
            }
            "info" | "information" | "informational" | "low" | "notice" | "none" | "ok"
            | "debug" | "p4" | "p5" | "sev4" => Some(Self::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity {0:?}: expected critical, error, warning or info")]
pub struct UnknownSeverity(pub String);

/// Strict parsing, for formats where severity is an enum (PagerDuty, native).
impl FromStr for Severity {
    type Err = UnknownSeverity;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| UnknownSeverity(value.to_owned()))
    }
}
