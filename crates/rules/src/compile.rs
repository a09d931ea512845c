//! Compiling rule specs once: parse CEL, check it, report every problem with a position.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use cel::{Context, Env, Program};
use domain::{ServiceId, Severity};

use crate::check;
use crate::functions::{self, Patterns};
use crate::vars::{EVENT_SCHEMA, FieldSet, INCIDENT_SCHEMA, Schema};
use domain::rules::{
    CelSource, EventAction, EventRuleSpec, IncidentAction, IncidentRuleSpec, LabelValue, Position,
    RuleSpec,
};

/// Rule ids are at most this long (they end up in metrics labels).
pub const MAX_RULE_ID_LEN: usize = 64;
/// Expressions longer than this are refused: rules are conditions, not programs.
pub const MAX_EXPRESSION_LEN: usize = 4096;

/// Which list a rule is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleKind {
    /// `rules.events`
    Event,
    /// `rules.incidents`
    Incident,
}

impl RuleKind {
    /// The config key of the list: `events` or `incidents`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Event => "events",
            Self::Incident => "incidents",
        }
    }
}

/// One problem with a rule, found at compile time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// As written (possibly invalid or empty).
    pub rule_id: String,
    pub kind: RuleKind,
    /// Index of the rule in its list, 0-based.
    pub index: usize,
    /// The rule's key the problem is in: `id`, `when`, `labels.site`, `actions`, …
    pub field: String,
    /// 1-based file line; inside a CEL expression, the line of the error.
    pub line: usize,
    /// 1-based column; 0 if unknown.
    pub column: usize,
    pub message: String,
}

impl Diagnostic {
    /// Where in the config, e.g. `rules.events[2].when`.
    pub fn path(&self) -> String {
        format!("rules.{}[{}].{}", self.kind.as_str(), self.index, self.field)
    }
}

impl fmt::Display for Diagnostic {
    /// `LINE:COLUMN: rules.events[0].when: rule `id`: MESSAGE`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: rule `{}`: {}",
            self.line,
            self.column,
            self.path(),
            self.rule_id,
            self.message
        )
    }
}

/// Event and incident rules, parsed and checked once, ready to evaluate.
pub struct CompiledRules {
    /// The standard library, the strings extension and `matches()`; each
    /// evaluation runs in a child scope of it that holds the variables.
    pub(crate) root: Context<'static, 'static>,
    pub(crate) event_rules: Vec<CompiledEventRule>,
    pub(crate) incident_rules: Vec<CompiledIncidentRule>,
    /// The `event` fields some event rule reads.
    pub(crate) event_fields: FieldSet,
}

impl fmt::Debug for CompiledRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompiledRules")
            .field("event_rules", &self.event_rule_ids().collect::<Vec<_>>())
            .field("incident_rules", &self.incident_rule_ids().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Default for CompiledRules {
    fn default() -> Self {
        Self::empty()
    }
}

pub(crate) struct CompiledEventRule {
    pub id: Arc<str>,
    pub when: Program,
    pub actions: Vec<CompiledEventAction>,
    pub stop: bool,
}

pub(crate) enum CompiledEventAction {
    Drop,
    SetSeverity(Severity),
    MapSeverity { label: String, map: HashMap<String, Severity> },
    SetLabel { name: String, value: CompiledLabelValue },
    RemoveLabel(String),
    Route(ServiceId),
    SetSummary(CompiledLabelValue),
}

pub(crate) enum CompiledLabelValue {
    Literal(String),
    Cel(Program),
}

pub(crate) struct CompiledIncidentRule {
    pub id: Arc<str>,
    pub when: Program,
    pub actions: Vec<IncidentAction>,
    pub stop: bool,
}

impl CompiledRules {
    /// No rules: every event passes unchanged, at no cost.
    pub fn empty() -> Self {
        Self {
            root: Context::with_env(Arc::new(environment())),
            event_rules: Vec::new(),
            incident_rules: Vec::new(),
            event_fields: FieldSet::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.event_rules.is_empty() && self.incident_rules.is_empty()
    }

    /// Event rule ids, in evaluation order.
    pub fn event_rule_ids(&self) -> impl Iterator<Item = &str> {
        self.event_rules.iter().map(|r| &*r.id)
    }

    /// Incident rule ids, in evaluation order.
    pub fn incident_rule_ids(&self) -> impl Iterator<Item = &str> {
        self.incident_rules.iter().map(|r| &*r.id)
    }
}

/// CEL's standard library plus the strings extension (`lowerAscii`, `split`,
/// `replace`, `substring`, `trim`, …). `matches()` is added per rule set.
fn environment() -> Env {
    let mut env = Env::stdlib();
    // Only fails if an overload is declared twice, which a fresh stdlib never does.
    let _ = env.add_extension(cel::extensions::strings);
    env
}

/// Compiles all rules, or reports every problem found, sorted by position.
pub fn compile(
    event_rules: &[EventRuleSpec],
    incident_rules: &[IncidentRuleSpec],
) -> Result<CompiledRules, Vec<Diagnostic>> {
    let env = environment();
    let mut compiler = Compiler {
        env: &env,
        diagnostics: Vec::new(),
        ids: HashSet::new(),
        patterns: HashMap::new(),
        event_fields: FieldSet::default(),
    };
    let mut compiled_events = Vec::with_capacity(event_rules.len());
    for (index, spec) in event_rules.iter().enumerate() {
        if let Some(rule) = compiler.event_rule(index, spec) {
            compiled_events.push(rule);
        }
    }
    let mut compiled_incidents = Vec::with_capacity(incident_rules.len());
    for (index, spec) in incident_rules.iter().enumerate() {
        if let Some(rule) = compiler.incident_rule(index, spec) {
            compiled_incidents.push(rule);
        }
    }
    if !compiler.diagnostics.is_empty() {
        let mut diagnostics = compiler.diagnostics;
        diagnostics.sort_by_key(|d| (d.line, d.column, d.kind.as_str(), d.index));
        return Err(diagnostics);
    }
    let patterns: Patterns = Arc::new(compiler.patterns);
    let event_fields = compiler.event_fields;
    let mut root = Context::with_env(Arc::new(env));
    // Fails only if the env declares `matches`, which it does not: cel's
    // `regex` feature, which would, is off.
    let _ = root.add_function("matches", functions::matches(patterns));
    Ok(CompiledRules {
        root,
        event_rules: compiled_events,
        incident_rules: compiled_incidents,
        event_fields,
    })
}

struct Compiler<'e> {
    env: &'e Env,
    diagnostics: Vec<Diagnostic>,
    ids: HashSet<String>,
    patterns: HashMap<String, regex::Regex>,
    event_fields: FieldSet,
}

/// The rule being compiled, for diagnostics.
struct At<'s> {
    kind: RuleKind,
    index: usize,
    id: &'s str,
    line: usize,
}

impl Compiler<'_> {
    fn event_rule(&mut self, index: usize, spec: &EventRuleSpec) -> Option<CompiledEventRule> {
        let at = At { kind: RuleKind::Event, index, id: &spec.id, line: spec.line };
        let before = self.diagnostics.len();
        self.common(&at, spec);
        let when = self.expression(&at, "when", &spec.when, &EVENT_SCHEMA);
        let has_drop = spec.actions.iter().any(|a| matches!(a, EventAction::Drop));
        if has_drop && spec.actions.len() > 1 {
            self.error(
                &at,
                "drop",
                at.line,
                0,
                "`drop` cannot be combined with other actions: the event is discarded",
            );
        }
        let mut actions = Vec::with_capacity(spec.actions.len());
        for action in &spec.actions {
            if let Some(action) = self.event_action(&at, action) {
                actions.push(action);
            }
        }
        if self.diagnostics.len() > before {
            return None;
        }
        Some(CompiledEventRule {
            id: Arc::from(spec.id.as_str()),
            when: when?,
            actions,
            stop: spec.stop,
        })
    }

    fn incident_rule(
        &mut self,
        index: usize,
        spec: &IncidentRuleSpec,
    ) -> Option<CompiledIncidentRule> {
        let at = At { kind: RuleKind::Incident, index, id: &spec.id, line: spec.line };
        let before = self.diagnostics.len();
        self.common(&at, spec);
        let when = self.expression(&at, "when", &spec.when, &INCIDENT_SCHEMA);
        let mut actions = Vec::with_capacity(spec.actions.len());
        for action in &spec.actions {
            match action {
                IncidentAction::Note(text) if text.trim().is_empty() => {
                    self.error(&at, "note", at.line, 0, "a note must not be empty");
                }
                IncidentAction::Tag(tag) if tag.trim().is_empty() => {
                    self.error(&at, "tags", at.line, 0, "a tag must not be empty");
                }
                IncidentAction::SetPriority { priority, reason } if reason.trim().is_empty() => {
                    // A priority always comes with an explanation; the rule
                    // id is added to it when applied.
                    actions.push(IncidentAction::SetPriority {
                        priority: *priority,
                        reason: "no reason given".to_owned(),
                    });
                }
                other => actions.push(other.clone()),
            }
        }
        if self.diagnostics.len() > before {
            return None;
        }
        Some(CompiledIncidentRule {
            id: Arc::from(spec.id.as_str()),
            when: when?,
            actions,
            stop: spec.stop,
        })
    }

    /// Checks what every rule has: a valid, unique id and something to do.
    fn common<A>(&mut self, at: &At<'_>, spec: &RuleSpec<A>) {
        if let Err(message) = validate_id(&spec.id) {
            self.error(at, "id", at.line, 0, message);
        } else if !self.ids.insert(spec.id.clone()) {
            self.error(at, "id", at.line, 0, format!("duplicate rule id `{}`: rule ids name rules on the timeline and must be unique", spec.id));
        }
        if spec.actions.is_empty() && !spec.stop {
            self.error(
                at,
                "actions",
                at.line,
                0,
                "the rule does nothing: give it an action or `stop: true`",
            );
        }
    }

    fn event_action(&mut self, at: &At<'_>, action: &EventAction) -> Option<CompiledEventAction> {
        Some(match action {
            EventAction::Drop => CompiledEventAction::Drop,
            EventAction::SetSeverity(severity) => CompiledEventAction::SetSeverity(*severity),
            EventAction::MapSeverity { label, map } => {
                if label.is_empty() {
                    self.error(
                        at,
                        "severity_from_label.label",
                        at.line,
                        0,
                        "the label name must not be empty",
                    );
                    return None;
                }
                if map.is_empty() {
                    self.error(
                        at,
                        "severity_from_label.map",
                        at.line,
                        0,
                        "the map must name at least one label value",
                    );
                    return None;
                }
                let map = map.iter().map(|(value, severity)| (value.clone(), *severity)).collect();
                CompiledEventAction::MapSeverity { label: label.clone(), map }
            }
            EventAction::SetLabel { name, value } => {
                let field = format!("labels.{name}");
                if name.is_empty() {
                    self.error(at, "labels", at.line, 0, "a label name must not be empty");
                    return None;
                }
                let value = match value {
                    LabelValue::Literal(text) => CompiledLabelValue::Literal(text.clone()),
                    LabelValue::Cel(source) => CompiledLabelValue::Cel(self.expression(
                        at,
                        &field,
                        source,
                        &EVENT_SCHEMA,
                    )?),
                };
                CompiledEventAction::SetLabel { name: name.clone(), value }
            }
            EventAction::RemoveLabel(name) => {
                if name.is_empty() {
                    self.error(at, "remove_labels", at.line, 0, "a label name must not be empty");
                    return None;
                }
                CompiledEventAction::RemoveLabel(name.clone())
            }
            EventAction::Route(service) => CompiledEventAction::Route(service.clone()),
            EventAction::SetSummary(value) => {
                let value = match value {
                    LabelValue::Literal(text) if text.trim().is_empty() => {
                        self.error(at, "summary", at.line, 0, "a summary must not be empty");
                        return None;
                    }
                    LabelValue::Literal(text) => CompiledLabelValue::Literal(text.clone()),
                    LabelValue::Cel(source) => CompiledLabelValue::Cel(self.expression(
                        at,
                        "summary",
                        source,
                        &EVENT_SCHEMA,
                    )?),
                };
                CompiledEventAction::SetSummary(value)
            }
        })
    }

    /// Parses and checks one CEL expression; every problem becomes a diagnostic.
    fn expression(
        &mut self,
        at: &At<'_>,
        field: &str,
        source: &CelSource,
        schema: &Schema,
    ) -> Option<Program> {
        let text = source.text.as_str();
        if text.trim().is_empty() {
            self.error_at(at, field, source, None, "the expression is empty");
            return None;
        }
        if text.len() > MAX_EXPRESSION_LEN {
            self.error_at(
                at,
                field,
                source,
                None,
                format!(
                    "the expression is {} bytes long; at most {MAX_EXPRESSION_LEN} are allowed",
                    text.len()
                ),
            );
            return None;
        }
        // The parser is generated code; should it ever panic on some input,
        // that is a diagnostic, not a crash of `watchfloor check`.
        let parsed = catch_unwind(AssertUnwindSafe(|| self.env.compile(text)));
        let program = match parsed {
            Ok(Ok(program)) => program,
            Ok(Err(errors)) => {
                for error in &errors.errors {
                    let line = usize::try_from(error.pos.0).unwrap_or(0);
                    let column = usize::try_from(error.pos.1).unwrap_or(0);
                    let message = error.msg.strip_prefix("Syntax error: ").unwrap_or(&error.msg);
                    self.error_at(
                        at,
                        field,
                        source,
                        Some((line, column)),
                        format!("CEL syntax error: {message}"),
                    );
                }
                return None;
            }
            Err(_) => {
                self.error_at(at, field, source, None, "the CEL parser failed on this expression");
                return None;
            }
        };
        let walk = check::walk(program.expression(), schema);
        let before = self.diagnostics.len();
        for finding in walk.findings {
            let position = node_position(&program, text, finding.node)
                .map(|(line, column)| (line, column + usize::from(finding.after_dot)));
            self.error_at(at, field, source, position, finding.message);
        }
        for (node, pattern) in walk.patterns {
            if self.patterns.contains_key(&pattern) {
                continue;
            }
            match functions::compile_regex(&pattern) {
                Ok(regex) => {
                    self.patterns.insert(pattern, regex);
                }
                Err(error) => {
                    let position = node_position(&program, text, node);
                    self.error_at(
                        at,
                        field,
                        source,
                        position,
                        format!("invalid regular expression: {error}"),
                    );
                }
            }
        }
        // Only event rules have an `event` variable; for incident rules this adds nothing.
        self.event_fields.union(walk.used);
        (self.diagnostics.len() == before).then_some(program)
    }

    fn error(
        &mut self,
        at: &At<'_>,
        field: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) {
        self.diagnostics.push(Diagnostic {
            rule_id: at.id.to_owned(),
            kind: at.kind,
            index: at.index,
            field: field.to_owned(),
            line,
            column,
            message: message.into(),
        });
    }

    /// An error inside an expression, at `inner` (1-based line and column
    /// within it) if known, translated to a file position.
    fn error_at(
        &mut self,
        at: &At<'_>,
        field: &str,
        source: &CelSource,
        inner: Option<(usize, usize)>,
        message: impl Into<String>,
    ) {
        let Position { line, column } = file_position(at.line, source.at, inner);
        self.error(at, field, line, column, message);
    }
}

/// Where in the file a position inside an expression is; see [`CelSource`].
fn file_position(rule_line: usize, start: Position, inner: Option<(usize, usize)>) -> Position {
    if start.line == 0 {
        return Position::new(rule_line, 0);
    }
    match inner {
        Some((line, column)) if line >= 1 => Position::new(
            start.line + line - 1,
            if start.column == 0 || column == 0 { 0 } else { start.column + column - 1 },
        ),
        _ => start,
    }
}

/// The 1-based line and column (in characters, as the parser's own errors
/// and YAML positions count) of a node of a parsed expression. The parser
/// records byte offsets.
fn node_position(program: &Program, text: &str, node: u64) -> Option<(usize, usize)> {
    let (offset, _) = program.source_info().offset_for(node)?;
    let mut offset = usize::try_from(offset).ok()?.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    Some((line, column))
}

fn validate_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("a rule needs an id".to_owned());
    }
    if id.len() > MAX_RULE_ID_LEN {
        return Err(format!(
            "rule ids are at most {MAX_RULE_ID_LEN} characters, this one has {}",
            id.len()
        ));
    }
    if let Some(found) = id
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "rule ids may contain only lowercase letters, digits, '-', '_' and '.', found {found:?}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_inside_expressions_map_to_the_file() {
        // Unknown start: the rule's line, no column.
        assert_eq!(file_position(7, Position::default(), Some((1, 5))), Position::new(7, 0));
        // Single line, the expression starting at column 13 of line 9.
        assert_eq!(file_position(7, Position::new(9, 13), Some((1, 5))), Position::new(9, 17));
        // Second line of a block scalar indented by 8.
        assert_eq!(file_position(7, Position::new(10, 9), Some((2, 3))), Position::new(11, 11));
        // No position from the parser: where the expression starts.
        assert_eq!(file_position(7, Position::new(9, 13), None), Position::new(9, 13));
    }

    #[test]
    fn compiled_rules_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<CompiledRules>();
    }

    #[test]
    fn rule_ids_are_slugs() {
        assert!(validate_id("vpn-noise_1.eu").is_ok());
        assert!(validate_id("").is_err());
        assert!(validate_id("VPN").is_err());
        assert!(validate_id(&"a".repeat(65)).is_err());
    }
}
