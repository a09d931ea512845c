//! Rules as the config hands them over: ids, CEL text with its position, and typed actions. Compiling and evaluating them is the `rules` crate's job.

use std::collections::BTreeMap;
use std::fmt;

use crate::{ChannelId, Priority, ServiceId, Severity};

/// A place in the config file, 1-based. Zero means unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub const fn new(line: usize, column: usize) -> Self {
        Self { line, column }
    }
}

/// A CEL expression as written in the config.
///
/// `at` is where the expression's first character sits in the file. For a
/// plain scalar that is the scalar's position; for a quoted one, one column
/// after the quote; for a block scalar (`|`), the first character of its
/// first content line. A position inside the expression (line `l`, column
/// `c`, both 1-based) is reported at file line `at.line + l - 1` and column
/// `at.column + c - 1`: exact for single-line expressions and for block
/// scalars, whose lines share one indentation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CelSource {
    pub text: String,
    pub at: Position,
}

impl CelSource {
    pub fn new(text: impl Into<String>, at: Position) -> Self {
        Self { text: text.into(), at }
    }
}

impl From<&str> for CelSource {
    /// An expression without a known position (tests, `watchfloor test rules`).
    fn from(text: &str) -> Self {
        Self { text: text.to_owned(), at: Position::default() }
    }
}

/// One rule as written: unvalidated id and CEL text, actions already typed
/// by the config crate (severity words, priorities, service and channel ids
/// are its job, as are references to services and channels that exist).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSpec<A> {
    /// Shown on the timeline and in metrics: `rule vpn-noise dropped 14 events`.
    pub id: String,
    /// A CEL expression that must evaluate to a bool.
    pub when: CelSource,
    /// Applied in order when `when` is true.
    pub actions: Vec<A>,
    /// When the rule matched, no later rule of its kind runs.
    pub stop: bool,
    /// The line the rule starts on (its `- id:`); 0 if unknown.
    pub line: usize,
}

pub type EventRuleSpec = RuleSpec<EventAction>;
pub type IncidentRuleSpec = RuleSpec<IncidentAction>;

impl<A> RuleSpec<A> {
    /// A rule without positions, for tests and programmatic use.
    pub fn new(id: impl Into<String>, when: impl Into<String>, actions: Vec<A>) -> Self {
        Self {
            id: id.into(),
            when: CelSource { text: when.into(), at: Position::default() },
            actions,
            stop: false,
            line: 0,
        }
    }

    /// The same rule with `stop: true`.
    #[must_use]
    pub fn stopping(mut self) -> Self {
        self.stop = true;
        self
    }
}

/// What an event rule can do to an event before it is deduplicated.
#[derive(Debug, Clone, PartialEq)]
pub enum EventAction {
    /// Discard the event: it never becomes an alert. Implies `stop`.
    Drop,
    SetSeverity(Severity),
    /// Severity from the value of a label, e.g. Zabbix's `disaster` → critical.
    /// A missing label or an unmapped value leaves the severity unchanged.
    MapSeverity {
        label: String,
        map: BTreeMap<String, Severity>,
    },
    /// Add or overwrite a label.
    SetLabel {
        name: String,
        value: LabelValue,
    },
    RemoveLabel(String),
    /// Hand the event to another service of the same tenant.
    Route(ServiceId),
    /// Rewrite the summary, which becomes the alert's and a new incident's title.
    SetSummary(LabelValue),
}

/// The value a label is set to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelValue {
    Literal(String),
    /// A CEL expression over the same variables as `when`; it must give a string.
    Cel(CelSource),
}

/// What an incident rule can do when an incident opens or changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentAction {
    /// Override the computed priority; the reason is shown with it.
    SetPriority {
        priority: Priority,
        reason: String,
    },
    /// Also notify this channel (in addition to the service's and tenant's).
    Notify(ChannelId),
    /// Add a note to the timeline.
    Note(String),
    Tag(String),
}

impl fmt::Display for IncidentAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SetPriority { priority, reason } => {
                write!(f, "set priority {priority}: {reason}")
            }
            Self::Notify(channel) => write!(f, "notify channel {channel}"),
            Self::Note(note) => write!(f, "note: {note}"),
            Self::Tag(tag) => write!(f, "tag {tag}"),
        }
    }
}

/// The `rules:` section: event rules, then incident rules, each in the order written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleSet {
    pub events: Vec<EventRuleSpec>,
    pub incidents: Vec<IncidentRuleSpec>,
}

impl RuleSet {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.incidents.is_empty()
    }
}
