//! Reading a rule test file into tests, with every problem as a diagnostic at its file, line and column.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use config::Diagnostic;
use config::yaml::{Kind, Mark, Node};
use domain::{Config, IncidentStatus, NotifyReason, Priority, Severity, Timestamp};
use serde_json::{Map, Value};

use super::{
    DEFAULT_EVAL_AFTER_LAST_EVENT, Expectations, ExpectedRuleError, Fields, RuleTest, RuleTestFile,
    TimelineText,
};
use crate::replay::{self, Recorded};

const FILE_KEYS: &[&str] = &["config", "config_inline", "tests"];
const TEST_KEYS: &[&str] = &["name", "events", "eval_until", "expect"];
const EVENT_KEYS: &[&str] = &["at", "key", "kind", "body"];
const EXPECT_KEYS: &[&str] =
    &["incidents", "notifications", "timeline_contains", "dropped", "rule_errors"];
const TIMELINE_KEYS: &[&str] = &["incident", "text"];
const RULE_ERROR_KEYS: &[&str] = &["rule", "tenant", "message_contains"];

/// What an expected value must look like, checked when the file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ValueKind {
    Text,
    OptionalText,
    Count,
    OptionalCount,
    Time,
    OptionalTime,
    Priority,
    Status,
    Severity,
    Reason,
    Bool,
    /// A list of words compared as a set (`tags`).
    WordSet,
    /// A mapping whose listed keys are compared, or `null`.
    OptionalObject,
}

/// The comparable keys of an incident: exactly the keys of [`crate::http::incident_json`].
pub(super) const INCIDENT_FIELDS: &[(&str, ValueKind)] = &[
    ("id", ValueKind::Count),
    ("tenant", ValueKind::Text),
    ("service", ValueKind::Text),
    ("group_key", ValueKind::Text),
    ("title", ValueKind::Text),
    ("status", ValueKind::Status),
    ("severity", ValueKind::Severity),
    ("priority", ValueKind::Priority),
    ("priority_reason", ValueKind::Text),
    ("alert_count", ValueKind::Count),
    ("active_alert_count", ValueKind::Count),
    ("event_count", ValueKind::Count),
    ("created_at", ValueKind::Time),
    ("updated_at", ValueKind::Time),
    ("acknowledged_at", ValueKind::OptionalTime),
    ("acknowledged_by", ValueKind::OptionalText),
    ("resolved_at", ValueKind::OptionalTime),
    ("resolved_by", ValueKind::OptionalText),
    ("seconds_to_acknowledge", ValueKind::OptionalCount),
    ("seconds_to_resolve", ValueKind::OptionalCount),
    ("tags", ValueKind::WordSet),
    ("held", ValueKind::OptionalText),
    ("flapping", ValueKind::Bool),
    ("priority_rule", ValueKind::OptionalText),
    ("escalation", ValueKind::OptionalObject),
    ("sla_breached", ValueKind::WordSet),
];

/// The comparable keys of a notification: the keys of its line in `watchfloor replay`.
pub(super) const NOTIFICATION_FIELDS: &[(&str, ValueKind)] = &[
    ("incident", ValueKind::Count),
    ("tenant", ValueKind::Text),
    ("channel", ValueKind::Text),
    ("reason", ValueKind::Reason),
    ("at", ValueKind::Time),
    ("page", ValueKind::OptionalObject),
];

/// Reads a test file; every problem found is a diagnostic, sorted by place.
pub(super) fn read(
    source: &str,
    file_name: &str,
    base_dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<RuleTestFile, Vec<Diagnostic>> {
    let mut reader = Reader { file: file_name, diagnostics: Vec::new() };
    let root = match config::yaml::parse(source) {
        Ok(Some(root)) => root,
        Ok(None) => {
            reader.error(
                Mark { line: 1, column: 1 },
                "",
                "the file is empty; expected `config` (or `config_inline`) and `tests`",
            );
            return Err(reader.diagnostics);
        }
        Err(error) => {
            reader.error(error.mark, "", format!("YAML syntax error: {}", error.message));
            return Err(reader.diagnostics);
        }
    };
    let file = reader.test_file(&root, base_dir, env);
    match file {
        Some(file) if reader.diagnostics.is_empty() => Ok(file),
        _ => {
            reader
                .diagnostics
                .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
            Err(reader.diagnostics)
        }
    }
}

/// A mapping's entries by key, after unknown and duplicate keys were reported.
struct Entries<'n> {
    path: String,
    mark: Mark,
    entries: Vec<(&'n str, &'n Node)>,
}

impl<'n> Entries<'n> {
    fn get(&self, name: &str) -> Option<&'n Node> {
        self.entries.iter().find(|(key, _)| *key == name).map(|(_, node)| *node)
    }

    fn path(&self, name: &str) -> String {
        child(&self.path, name)
    }
}

fn child(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") }
}

fn index(path: &str, position: usize) -> String {
    format!("{path}[{position}]")
}

struct Reader<'a> {
    file: &'a str,
    diagnostics: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&mut self, mark: Mark, field: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            file: self.file.to_owned(),
            line: mark.line,
            column: mark.column,
            field: field.to_owned(),
            message: message.into(),
        });
    }

    fn entries<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        what: &str,
        allowed: &[&str],
    ) -> Option<Entries<'n>> {
        let Kind::Mapping(pairs) = &node.kind else {
            self.error(
                node.mark,
                path,
                format!("expected {what} (a mapping), found {}", node.describe()),
            );
            return None;
        };
        let mut entries: Vec<(&'n str, &'n Node)> = Vec::new();
        let mut marks: Vec<(&'n str, Mark)> = Vec::new();
        for (key, value) in pairs {
            let Kind::Scalar { value: name, .. } = &key.kind else {
                self.error(key.mark, path, format!("keys must be words, found {}", key.describe()));
                continue;
            };
            let field = child(path, name);
            if !allowed.contains(&name.as_str()) {
                let hint = config::suggest::hint(name, allowed.iter().copied());
                self.error(
                    key.mark,
                    &field,
                    format!(
                        "unknown field `{name}`{hint}; expected one of: {}",
                        allowed.join(", ")
                    ),
                );
                continue;
            }
            if let Some((_, first)) = marks.iter().find(|(seen, _)| *seen == name) {
                let first_line = first.line;
                self.error(
                    key.mark,
                    &field,
                    format!("duplicate field `{name}` (first at line {first_line})"),
                );
                continue;
            }
            marks.push((name.as_str(), key.mark));
            entries.push((name.as_str(), value));
        }
        Some(Entries { path: path.to_owned(), mark: node.mark, entries })
    }

    fn required<'n>(&mut self, entries: &Entries<'n>, name: &str) -> Option<&'n Node> {
        let value = entries.get(name);
        if value.is_none() {
            self.error(
                entries.mark,
                &entries.path(name),
                format!("missing required field `{name}`"),
            );
        }
        value
    }

    fn list<'n>(&mut self, node: &'n Node, path: &str, what: &str) -> Option<&'n [Node]> {
        match &node.kind {
            Kind::Sequence(items) => Some(items),
            _ => {
                self.error(
                    node.mark,
                    path,
                    format!("expected {what} (a list), found {}", node.describe()),
                );
                None
            }
        }
    }

    fn text(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.kind {
            Kind::Scalar { value, .. } if !node.is_null() && !value.is_empty() => {
                Some(value.clone())
            }
            _ => {
                self.error(node.mark, path, format!("expected text, found {}", node.describe()));
                None
            }
        }
    }

    fn count(&mut self, node: &Node, path: &str) -> Option<i64> {
        let number = match &node.kind {
            Kind::Scalar { value, plain: true } => value.parse::<i64>().ok().filter(|n| *n >= 0),
            _ => None,
        };
        if number.is_none() {
            self.error(
                node.mark,
                path,
                format!("expected a whole number, found {}", node.describe()),
            );
        }
        number
    }

    fn timestamp(&mut self, node: &Node, path: &str) -> Option<Timestamp> {
        let text = self.text(node, path)?;
        match text.parse::<Timestamp>() {
            Ok(at) => Some(at),
            Err(error) => {
                self.error(
                    node.mark,
                    path,
                    format!("expected an RFC 3339 time such as \"2026-06-01T10:00:00Z\": {error}"),
                );
                None
            }
        }
    }

    fn test_file(
        &mut self,
        root: &Node,
        base_dir: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Option<RuleTestFile> {
        let entries = self.entries(root, "", "a rule test file", FILE_KEYS)?;
        let config = match (entries.get("config"), entries.get("config_inline")) {
            (Some(path), None) => self.config_file(path, base_dir, env),
            (None, Some(inline)) => self.config_inline(inline, env),
            (Some(_), Some(inline)) => {
                self.error(
                    inline.mark,
                    "config_inline",
                    "give either `config` or `config_inline`, not both",
                );
                None
            }
            (None, None) => {
                self.error(
                    entries.mark,
                    "config",
                    "missing required field `config` (a path) or `config_inline` (the configuration itself)",
                );
                None
            }
        };
        let tests_node = self.required(&entries, "tests")?;
        let items = self.list(tests_node, "tests", "tests")?;
        if items.is_empty() {
            self.error(tests_node.mark, "tests", "no tests: add at least one");
        }
        let mut tests = Vec::new();
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for (position, item) in items.iter().enumerate() {
            let path = index("tests", position);
            if let Some(test) = self.test(item, &path, config.as_deref()) {
                if let Some(first) = names.get(&test.name) {
                    let message =
                        format!("duplicate test name `{}` (first at line {first})", test.name);
                    self.error(item.mark, &child(&path, "name"), message);
                }
                names.entry(test.name.clone()).or_insert(test.line);
                tests.push(test);
            }
        }
        Some(RuleTestFile { tests, config: config? })
    }

    fn config_file(
        &mut self,
        node: &Node,
        base_dir: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Option<Arc<Config>> {
        let relative = self.text(node, "config")?;
        let path = base_dir.join(&relative);
        let display = path.display().to_string();
        let source = match std::fs::read_to_string(&path) {
            Ok(source) => source,
            Err(error) => {
                self.error(node.mark, "config", format!("cannot read {display}: {error}"));
                return None;
            }
        };
        match config::parse_with_env(&source, &display, env) {
            Ok(config) => Some(Arc::new(config)),
            Err(config::ConfigError::Invalid(diagnostics)) => {
                self.diagnostics.extend(diagnostics);
                None
            }
            Err(error) => {
                self.error(node.mark, "config", error.to_string());
                None
            }
        }
    }

    fn config_inline(
        &mut self,
        node: &Node,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Option<Arc<Config>> {
        if !matches!(node.kind, Kind::Mapping(_)) {
            let found = node.describe();
            self.error(
                node.mark,
                "config_inline",
                format!("expected the configuration (a mapping), found {found}"),
            );
            return None;
        }
        match config::check_yaml(Some(node), self.file, env) {
            Ok(config) => Some(Arc::new(config)),
            Err(config::ConfigError::Invalid(diagnostics)) => {
                self.diagnostics.extend(diagnostics.into_iter().map(|mut diagnostic| {
                    if !diagnostic.field.is_empty() {
                        diagnostic.field = child("config_inline", &diagnostic.field);
                    }
                    diagnostic
                }));
                None
            }
            Err(error) => {
                self.error(node.mark, "config_inline", error.to_string());
                None
            }
        }
    }

    fn test(&mut self, node: &Node, path: &str, config: Option<&Config>) -> Option<RuleTest> {
        let before = self.diagnostics.len();
        let entries = self.entries(node, path, "a test", TEST_KEYS)?;
        let name =
            self.required(&entries, "name").and_then(|n| self.text(n, &entries.path("name")));
        let (requests, last) = match self.required(&entries, "events") {
            Some(node) => self.events(node, &entries.path("events"), config),
            None => (None, None),
        };
        let expect = self
            .required(&entries, "expect")
            .and_then(|n| self.expectations(n, &entries.path("expect")));
        let eval_until = match entries.get("eval_until") {
            Some(node) => {
                let path = entries.path("eval_until");
                let until = self.timestamp(node, &path);
                if let (Some(until), Some(last)) = (until, last)
                    && until < last
                {
                    self.error(
                        node.mark,
                        &path,
                        format!("{until} is before the last event ({last})"),
                    );
                }
                until
            }
            None => last.and_then(|last| last.checked_add(DEFAULT_EVAL_AFTER_LAST_EVENT).ok()),
        };
        if self.diagnostics.len() != before {
            return None;
        }
        Some(RuleTest {
            name: name?,
            line: entries.mark.line,
            requests: requests?,
            eval_until: eval_until?,
            expect: expect?,
        })
    }

    /// The events as replay requests (parsed against `config` when it is
    /// valid), and the time of the last one.
    fn events(
        &mut self,
        node: &Node,
        path: &str,
        config: Option<&Config>,
    ) -> (Option<Vec<Recorded>>, Option<Timestamp>) {
        let Some(items) = self.list(node, path, "events") else { return (None, None) };
        if items.is_empty() {
            self.error(node.mark, path, "no events: a test needs at least one");
            return (None, None);
        }
        let before = self.diagnostics.len();
        let mut requests = Vec::new();
        let mut previous: Option<Timestamp> = None;
        for (position, item) in items.iter().enumerate() {
            let path = index(path, position);
            let Some(entries) = self.entries(item, &path, "an event", EVENT_KEYS) else { continue };
            let mut line = Map::new();
            for name in EVENT_KEYS {
                let Some(value) = self.required(&entries, name) else { continue };
                let field = entries.path(name);
                let json = match *name {
                    "body" => self.json(value, &field),
                    "at" => {
                        let at = self.timestamp(value, &field);
                        if let (Some(at), Some(previous)) = (at, previous)
                            && at < previous
                        {
                            let message = format!(
                                "events must be in time order: {at} is before the event above ({previous})"
                            );
                            self.error(value.mark, &field, message);
                        }
                        previous = at.or(previous);
                        at.map(|at| Value::String(at.to_string()))
                    }
                    _ => self.text(value, &field).map(Value::String),
                };
                if let Some(json) = json {
                    line.insert((*name).to_owned(), json);
                }
            }
            let Some(config) = config.filter(|_| line.len() == EVENT_KEYS.len()) else { continue };
            match replay::parse_recorded(config, item.mark.line, &Value::Object(line)) {
                Ok(recorded) => requests.push(recorded),
                Err(error) => {
                    let at_fault = error.field.and_then(|name| Some((name, entries.get(name)?)));
                    let (field, mark, message) = match at_fault {
                        Some((name, node)) => (entries.path(name), node.mark, error.message),
                        None => (
                            entries.path("body"),
                            entries.get("body").map_or(item.mark, |n| n.mark),
                            format!("the payload is refused: {}", error.message),
                        ),
                    };
                    self.error(mark, &field, message);
                }
            }
        }
        let complete = self.diagnostics.len() == before && config.is_some();
        (complete.then_some(requests), previous)
    }

    /// A YAML value as JSON: quoted and block scalars are strings; plain
    /// ones are null, booleans or numbers when they read as such (YAML 1.2).
    fn json(&mut self, node: &Node, path: &str) -> Option<Value> {
        match &node.kind {
            Kind::Scalar { value, plain: false } => Some(Value::String(value.clone())),
            Kind::Scalar { value, plain: true } => Some(plain_scalar(value)),
            Kind::Sequence(items) => {
                let mut values = Vec::with_capacity(items.len());
                for (position, item) in items.iter().enumerate() {
                    values.push(self.json(item, &index(path, position))?);
                }
                Some(Value::Array(values))
            }
            Kind::Mapping(pairs) => {
                let mut object = Map::new();
                for (key, value) in pairs {
                    let Kind::Scalar { value: name, .. } = &key.kind else {
                        self.error(
                            key.mark,
                            path,
                            format!("JSON keys must be text, found {}", key.describe()),
                        );
                        return None;
                    };
                    let field = child(path, name);
                    if object.contains_key(name) {
                        self.error(key.mark, &field, format!("duplicate key `{name}`"));
                        return None;
                    }
                    let value = self.json(value, &field)?;
                    object.insert(name.clone(), value);
                }
                Some(Value::Object(object))
            }
        }
    }

    fn expectations(&mut self, node: &Node, path: &str) -> Option<Expectations> {
        let before = self.diagnostics.len();
        let entries = self.entries(node, path, "expectations", EXPECT_KEYS)?;
        let mut expect = Expectations::default();
        if let Some(node) = entries.get("incidents") {
            expect.incidents =
                self.field_list(node, &entries.path("incidents"), "an incident", INCIDENT_FIELDS);
        }
        if let Some(node) = entries.get("notifications") {
            let path = entries.path("notifications");
            expect.notifications =
                self.field_list(node, &path, "a notification", NOTIFICATION_FIELDS);
        }
        if let Some(node) = entries.get("timeline_contains") {
            let path = entries.path("timeline_contains");
            for (position, item) in
                self.list(node, &path, "timeline texts").unwrap_or_default().iter().enumerate()
            {
                let path = index(&path, position);
                let Some(fields) = self.entries(item, &path, "a timeline text", TIMELINE_KEYS)
                else {
                    continue;
                };
                let incident =
                    fields.get("incident").and_then(|n| self.count(n, &fields.path("incident")));
                let text =
                    self.required(&fields, "text").and_then(|n| self.text(n, &fields.path("text")));
                if let Some(text) = text {
                    expect.timeline_contains.push(TimelineText { incident, text });
                }
            }
        }
        if let Some(node) = entries.get("dropped") {
            expect.dropped = self.dropped(node, &entries.path("dropped"));
        }
        if let Some(node) = entries.get("rule_errors") {
            let path = entries.path("rule_errors");
            let mut errors = Vec::new();
            for (position, item) in
                self.list(node, &path, "rule errors").unwrap_or_default().iter().enumerate()
            {
                let path = index(&path, position);
                let Some(fields) = self.entries(item, &path, "a rule error", RULE_ERROR_KEYS)
                else {
                    continue;
                };
                let rule =
                    self.required(&fields, "rule").and_then(|n| self.text(n, &fields.path("rule")));
                let tenant =
                    fields.get("tenant").and_then(|n| self.text(n, &fields.path("tenant")));
                let message_contains = fields
                    .get("message_contains")
                    .and_then(|n| self.text(n, &fields.path("message_contains")));
                if let Some(rule) = rule {
                    errors.push(ExpectedRuleError { rule, tenant, message_contains });
                }
            }
            expect.rule_errors = Some(errors);
        }
        (self.diagnostics.len() == before).then_some(expect)
    }

    fn dropped(&mut self, node: &Node, path: &str) -> Option<BTreeMap<String, u64>> {
        let Kind::Mapping(pairs) = &node.kind else {
            let found = node.describe();
            self.error(
                node.mark,
                path,
                format!("expected event rule ids mapped to counts (a mapping), found {found}"),
            );
            return None;
        };
        let mut counts = BTreeMap::new();
        for (key, value) in pairs {
            let Some(rule) = self.text(key, path) else { continue };
            let field = child(path, &rule);
            if counts.contains_key(&rule) {
                self.error(key.mark, &field, format!("duplicate rule `{rule}`"));
                continue;
            }
            if let Some(count) = self.count(value, &field) {
                counts.insert(rule, count.unsigned_abs());
            }
        }
        Some(counts)
    }

    fn field_list(
        &mut self,
        node: &Node,
        path: &str,
        what: &str,
        allowed: &[(&str, ValueKind)],
    ) -> Option<Vec<Fields>> {
        let items = self.list(node, path, what)?;
        let keys: Vec<&str> = allowed.iter().map(|(key, _)| *key).collect();
        let mut list = Vec::with_capacity(items.len());
        for (position, item) in items.iter().enumerate() {
            let path = index(path, position);
            let Some(entries) = self.entries(item, &path, what, &keys) else { continue };
            let mut fields = Fields::default();
            for (name, value) in &entries.entries {
                let Some((_, kind)) = allowed.iter().find(|(key, _)| key == name) else { continue };
                if let Some(value) = self.expected_value(value, &entries.path(name), *kind) {
                    fields.0.push(((*name).to_owned(), value));
                }
            }
            list.push(fields);
        }
        Some(list)
    }

    /// An expected value, checked and written the way the actual one is.
    fn expected_value(&mut self, node: &Node, path: &str, kind: ValueKind) -> Option<Value> {
        let nullable = matches!(
            kind,
            ValueKind::OptionalText
                | ValueKind::OptionalCount
                | ValueKind::OptionalTime
                | ValueKind::OptionalObject
        );
        if node.is_null() && nullable {
            return Some(Value::Null);
        }
        let word = |reader: &mut Self, expected: &str, parse: &dyn Fn(&str) -> Option<String>| {
            let text = reader.text(node, path)?;
            let parsed = parse(&text);
            if parsed.is_none() {
                reader.error(
                    node.mark,
                    path,
                    format!("invalid value `{text}`; expected {expected}"),
                );
            }
            parsed
        };
        match kind {
            ValueKind::Text | ValueKind::OptionalText => self.text(node, path).map(Value::String),
            ValueKind::Count | ValueKind::OptionalCount => self.count(node, path).map(Value::from),
            ValueKind::Time | ValueKind::OptionalTime => {
                self.timestamp(node, path).map(|at| Value::String(at.to_string()))
            }
            ValueKind::Priority => {
                word(self, "P1, P2, P3, P4 or P5", &|t| Priority::parse(t).map(|p| p.to_string()))
                    .map(Value::String)
            }
            ValueKind::Status => word(self, "triggered, acknowledged or resolved", &|t| {
                IncidentStatus::parse(t).map(|s| s.as_str().to_owned())
            })
            .map(Value::String),
            ValueKind::Severity => word(self, "critical, error, warning or info", &|t| {
                t.parse::<Severity>().ok().map(|s| s.as_str().to_owned())
            })
            .map(Value::String),
            ValueKind::Reason => {
                let reasons: Vec<&str> = NotifyReason::ALL.iter().map(|r| r.as_str()).collect();
                let expected = format!("one of: {}", reasons.join(", "));
                word(self, &expected, &|t| NotifyReason::parse(t).map(|r| r.as_str().to_owned()))
                    .map(Value::String)
            }
            ValueKind::Bool => match &node.kind {
                Kind::Scalar { value, plain: true }
                    if matches!(value.as_str(), "true" | "false") =>
                {
                    Some(Value::Bool(value == "true"))
                }
                _ => {
                    self.error(
                        node.mark,
                        path,
                        format!("expected true or false, found {}", node.describe()),
                    );
                    None
                }
            },
            ValueKind::OptionalObject => match &node.kind {
                Kind::Mapping(_) => self.json(node, path),
                _ => {
                    let found = node.describe();
                    self.error(
                        node.mark,
                        path,
                        format!("expected a mapping or null, found {found}"),
                    );
                    None
                }
            },
            ValueKind::WordSet => {
                let items = self.list(node, path, "words")?;
                let mut tags = Vec::with_capacity(items.len());
                for (position, item) in items.iter().enumerate() {
                    tags.push(self.text(item, &index(path, position))?);
                }
                tags.sort();
                tags.dedup();
                Some(Value::from(tags))
            }
        }
    }
}

/// A plain YAML scalar as JSON, by the YAML 1.2 core schema: `null`, `~`
/// and nothing are null, `true`/`false` booleans, numerals numbers;
/// anything else (`2026-06-01T10:00:00Z`, `yes`, `P1`) stays text.
fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let numeral = text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    if numeral {
        if let Ok(number) = text.parse::<i64>() {
            return Value::from(number);
        }
        if let Ok(number) = text.parse::<u64>() {
            return Value::from(number);
        }
        if let Some(number) = text.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
            return Value::Number(number);
        }
    }
    Value::String(text.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn plain_scalars_follow_the_yaml_core_schema() {
        assert_eq!(plain_scalar("4"), json!(4));
        assert_eq!(plain_scalar("-2"), json!(-2));
        assert_eq!(plain_scalar("0.04"), json!(0.04));
        assert_eq!(plain_scalar("true"), json!(true));
        assert_eq!(plain_scalar("~"), Value::Null);
        assert_eq!(plain_scalar("2026-06-01T10:00:00Z"), json!("2026-06-01T10:00:00Z"));
        assert_eq!(plain_scalar("yes"), json!("yes"));
        assert_eq!(plain_scalar("1.2.3"), json!("1.2.3"));
        assert_eq!(plain_scalar("inf"), json!("inf"));
    }
}
