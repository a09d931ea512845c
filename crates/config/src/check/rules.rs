//! The `rules` section: CEL event and incident rules, their actions, and their compilation.
//!
//! Words, ids and references are checked here; the CEL itself (syntax,
//! variables, regular expressions, duplicate ids) by `rules::compile`, whose
//! diagnostics come back with the file position of the expression.

use std::collections::BTreeMap;

use domain::rules::{
    CelSource, EventAction, EventRuleSpec, IncidentAction, IncidentRuleSpec, LabelValue, Position,
    RuleSet, RuleSpec,
};
use domain::{ChannelId, Priority, ServiceId, Severity};

use super::{At, Checker, Fields, index};
use crate::yaml::{Kind, Mark, Node};

const RULES_KEYS: &[&str] = &["events", "incidents"];
const EVENT_RULE_KEYS: &[&str] = &[
    "id",
    "when",
    "drop",
    "severity",
    "severity_from_label",
    "labels",
    "remove_labels",
    "route",
    "summary",
    "stop",
];
const INCIDENT_RULE_KEYS: &[&str] =
    &["id", "when", "priority", "reason", "notify", "note", "tags", "stop"];
const SEVERITY_MAP_KEYS: &[&str] = &["label", "map"];
const CEL_VALUE_KEYS: &[&str] = &["cel"];

/// What the rules section refers to, checked once every section is read.
#[derive(Default)]
pub(super) struct RulesDraft {
    pub rules: RuleSet,
    pub routes: Vec<At<ServiceId>>,
    pub channels: Vec<At<ChannelId>>,
    /// The whole section was read without a problem, so it is worth compiling.
    pub complete: bool,
}

impl Checker<'_> {
    pub(super) fn read_rules(&mut self, node: &Node) -> RulesDraft {
        let mut draft = RulesDraft::default();
        let before = self.diagnostics.len();
        let Some(fields) = self.fields(node, "rules", "the rules", RULES_KEYS) else {
            return draft;
        };
        if let Some(node) = fields.get("events")
            && let Some(items) = self.list(node, "rules.events", "event rules")
        {
            for (position, item) in items.iter().enumerate() {
                let path = index("rules.events", position);
                if let Some(rule) = self.event_rule(item, &path, &mut draft) {
                    draft.rules.events.push(rule);
                }
            }
        }
        if let Some(node) = fields.get("incidents")
            && let Some(items) = self.list(node, "rules.incidents", "incident rules")
        {
            for (position, item) in items.iter().enumerate() {
                let path = index("rules.incidents", position);
                if let Some(rule) = self.incident_rule(item, &path, &mut draft) {
                    draft.rules.incidents.push(rule);
                }
            }
        }
        draft.complete = self.diagnostics.len() == before;
        draft
    }

    /// Compiles the rules, reporting CEL problems at their place in the file.
    pub(super) fn compile_rules(&mut self, rules: &RuleSet) {
        if let Err(diagnostics) = rules::compile(&rules.events, &rules.incidents) {
            for diagnostic in diagnostics {
                let mark = Mark { line: diagnostic.line, column: diagnostic.column };
                let message = format!("rule `{}`: {}", diagnostic.rule_id, diagnostic.message);
                self.error(mark, &diagnostic.path(), message);
            }
        }
    }

    /// The `id`, `when` and `stop` every rule has, and the rule's fields.
    fn rule_head<'n, A>(
        &mut self,
        node: &'n Node,
        path: &str,
        what: &str,
        keys: &[&'static str],
    ) -> Option<(Fields<'n>, RuleSpec<A>)> {
        let fields = self.fields(node, path, what, keys)?;
        let id = self.required(&fields, "id").and_then(|n| self.string(n, &fields.path("id")));
        let when = self.required(&fields, "when").and_then(|n| self.cel(n, &fields.path("when")));
        let stop = match fields.get("stop") {
            Some(node) => self.boolean(node, &fields.path("stop")),
            None => Some(false),
        };
        let spec = RuleSpec {
            id: id?,
            when: when?,
            actions: Vec::new(),
            stop: stop?,
            line: fields.mark.line,
        };
        Some((fields, spec))
    }

    fn cel(&mut self, node: &Node, path: &str) -> Option<CelSource> {
        let text = self.non_empty_string(node, path)?;
        Some(CelSource::new(text, Position::new(node.content.line, node.content.column)))
    }

    fn event_rule(
        &mut self,
        node: &Node,
        path: &str,
        draft: &mut RulesDraft,
    ) -> Option<EventRuleSpec> {
        let before = self.diagnostics.len();
        let (fields, mut spec) = self.rule_head(node, path, "an event rule", EVENT_RULE_KEYS)?;
        if let Some(node) = fields.get("drop")
            && self.boolean(node, &fields.path("drop")) == Some(true)
        {
            spec.actions.push(EventAction::Drop);
        }
        if let Some(node) = fields.get("severity")
            && let Some(severity) = self.word::<Severity>(node, &fields.path("severity"))
        {
            spec.actions.push(EventAction::SetSeverity(severity));
        }
        if let Some(node) = fields.get("severity_from_label") {
            let path = fields.path("severity_from_label");
            if let Some(action) = self.severity_from_label(node, &path) {
                spec.actions.push(action);
            }
        }
        if let Some(node) = fields.get("labels") {
            self.label_actions(node, &fields.path("labels"), &mut spec.actions);
        }
        if let Some(node) = fields.get("remove_labels") {
            let path = fields.path("remove_labels");
            if let Some(names) = self.labels(node, &path) {
                spec.actions.extend(names.into_iter().map(EventAction::RemoveLabel));
            }
        }
        if let Some(node) = fields.get("route")
            && let Some(service) =
                self.id(node, &fields.path("route"), "service id", ServiceId::parse)
        {
            spec.actions.push(EventAction::Route(service.value.clone()));
            draft.routes.push(service);
        }
        if let Some(node) = fields.get("summary") {
            let path = fields.path("summary");
            if let Some(value) = self.text_or_cel(node, &path) {
                spec.actions.push(EventAction::SetSummary(value));
            }
        }
        if spec.actions.is_empty() && self.diagnostics.len() == before {
            self.error(
                fields.mark,
                path,
                "an event rule needs an action: drop, severity, severity_from_label, labels, \
                 remove_labels, route or summary",
            );
        }
        (self.diagnostics.len() == before).then_some(spec)
    }

    fn severity_from_label(&mut self, node: &Node, path: &str) -> Option<EventAction> {
        let fields = self.fields(node, path, "a severity mapping", SEVERITY_MAP_KEYS)?;
        let label = self.required(&fields, "label").and_then(|n| {
            let path = fields.path("label");
            self.non_empty_string(n, &path)
        });
        let map_node = self.required(&fields, "map")?;
        let map_path = fields.path("map");
        let Kind::Mapping(pairs) = &map_node.kind else {
            let found = map_node.describe();
            self.error(
                map_node.mark,
                &map_path,
                format!("expected label values mapped to severities (a mapping), found {found}"),
            );
            return None;
        };
        let mut map = BTreeMap::new();
        for (key, value) in pairs {
            let Some(from) = self.string(key, &map_path) else { continue };
            let entry_path = format!("{map_path}.{from}");
            if let Some(severity) = self.word::<Severity>(value, &entry_path) {
                map.insert(from, severity);
            }
        }
        Some(EventAction::MapSeverity { label: label?, map })
    }

    fn label_actions(&mut self, node: &Node, path: &str, actions: &mut Vec<EventAction>) {
        let Kind::Mapping(pairs) = &node.kind else {
            self.error(
                node.mark,
                path,
                format!("expected labels to set (a mapping), found {}", node.describe()),
            );
            return;
        };
        for (key, value) in pairs {
            let Some(name) = self.non_empty_string(key, path) else { continue };
            let entry_path = format!("{path}.{name}");
            let Some(value) = self.text_or_cel(value, &entry_path) else { continue };
            actions.push(EventAction::SetLabel { name, value });
        }
    }

    /// A literal string, or `{cel: EXPRESSION}` giving one.
    fn text_or_cel(&mut self, node: &Node, path: &str) -> Option<LabelValue> {
        match &node.kind {
            Kind::Mapping(_) => {
                let fields = self.fields(node, path, "a CEL value", CEL_VALUE_KEYS)?;
                let cel_node = self.required(&fields, "cel")?;
                let cel = self.cel(cel_node, &fields.path("cel"))?;
                Some(LabelValue::Cel(cel))
            }
            _ => self.string(node, path).map(LabelValue::Literal),
        }
    }

    fn incident_rule(
        &mut self,
        node: &Node,
        path: &str,
        draft: &mut RulesDraft,
    ) -> Option<IncidentRuleSpec> {
        let before = self.diagnostics.len();
        let (fields, mut spec) =
            self.rule_head(node, path, "an incident rule", INCIDENT_RULE_KEYS)?;
        let reason = fields.get("reason").and_then(|n| {
            let path = fields.path("reason");
            self.non_empty_string(n, &path)
        });
        match (fields.get("priority"), reason) {
            (Some(node), reason) => {
                let priority_path = fields.path("priority");
                let priority = self.string(node, &priority_path).and_then(|text| {
                    let parsed = Priority::parse(&text);
                    if parsed.is_none() {
                        self.error(
                            node.mark,
                            &priority_path,
                            format!("invalid priority `{text}`; expected P1, P2, P3, P4 or P5"),
                        );
                    }
                    parsed
                });
                match (priority, reason) {
                    (Some(priority), Some(reason)) => {
                        spec.actions.push(IncidentAction::SetPriority { priority, reason });
                    }
                    (Some(_), None) if fields.key_mark("reason").is_none() => self.error(
                        fields.mark,
                        &fields.path("reason"),
                        "a rule that sets the priority must say why: add `reason`",
                    ),
                    _ => {}
                }
            }
            (None, Some(_)) => self.error(
                fields.mark,
                &fields.path("reason"),
                "`reason` explains a `priority`, and this rule sets none",
            ),
            (None, None) => {}
        }
        for channel in self.id_list(
            fields.get("notify"),
            &fields.path("notify"),
            "channel id",
            ChannelId::parse,
        ) {
            spec.actions.push(IncidentAction::Notify(channel.value.clone()));
            draft.channels.push(channel);
        }
        if let Some(node) = fields.get("note")
            && let Some(note) = self.non_empty_string(node, &fields.path("note"))
        {
            spec.actions.push(IncidentAction::Note(note));
        }
        if let Some(node) = fields.get("tags") {
            let path = fields.path("tags");
            if let Some(tags) = self.labels(node, &path) {
                spec.actions.extend(tags.into_iter().map(IncidentAction::Tag));
            }
        }
        if spec.actions.is_empty() && self.diagnostics.len() == before {
            self.error(
                fields.mark,
                path,
                "an incident rule needs an action: priority, notify, note or tags",
            );
        }
        (self.diagnostics.len() == before).then_some(spec)
    }
}

impl Checker<'_> {
    /// `rule_packs: [aws-security-baseline]` of a tenant: names of built-in packs.
    pub(super) fn rule_packs(&mut self, node: &Node, path: &str) -> Vec<At<String>> {
        let Some(items) = self.list(node, path, "rule pack names") else { return Vec::new() };
        let known = crate::packs::names();
        let mut packs: Vec<At<String>> = Vec::new();
        for (position, item) in items.iter().enumerate() {
            let item_path = index(path, position);
            let Some(name) = self.string(item, &item_path) else { continue };
            if !known.contains(&name.as_str()) {
                let hint = crate::suggest::hint(&name, known.iter().copied());
                let message = format!(
                    "unknown rule pack `{name}`{hint}; the packs are: {}",
                    known.join(", ")
                );
                self.error(item.mark, &item_path, message);
            } else if packs.iter().any(|pack| pack.value == name) {
                self.error(item.mark, &item_path, format!("rule pack `{name}` is listed twice"));
            } else {
                packs.push(At { value: name, mark: item.mark, path: item_path });
            }
        }
        packs
    }

    /// Puts the rules of every pack a tenant turned on before the
    /// configuration's own, each limited to the tenants that turned it on.
    pub(super) fn add_rule_packs(&mut self, drafts: &mut super::Drafts) {
        let mut events = Vec::new();
        let mut incidents = Vec::new();
        for (name, _) in crate::packs::PACKS {
            let tenants: Vec<String> = drafts
                .tenants
                .iter()
                .filter(|tenant| tenant.rule_packs.iter().any(|pack| pack.value == *name))
                .filter_map(|tenant| {
                    tenant.id.as_ref().map(|id| format!("{:?}", id.value.as_str()))
                })
                .collect();
            if tenants.is_empty() {
                continue;
            }
            let rules = match crate::packs::rules(name) {
                Some(Ok(rules)) => rules,
                Some(Err(diagnostics)) => {
                    for diagnostic in diagnostics {
                        let message = format!("in {}: {}", diagnostic.file, diagnostic.message);
                        self.error(Mark::default(), &diagnostic.field, message);
                    }
                    continue;
                }
                None => continue,
            };
            let scope = format!("tenant.id in [{}]", tenants.join(", "));
            let limit = |when: &mut CelSource| {
                when.text = format!("{scope} && ({})", when.text);
                when.at = Position::default();
            };
            for mut rule in rules.events {
                limit(&mut rule.when);
                events.push(rule);
            }
            for mut rule in rules.incidents {
                limit(&mut rule.when);
                incidents.push(rule);
            }
        }
        if events.is_empty() && incidents.is_empty() {
            return;
        }
        let own = &mut drafts.rules.rules;
        events.append(&mut own.events);
        incidents.append(&mut own.incidents);
        own.events = events;
        own.incidents = incidents;
        if !drafts.rules_section {
            drafts.rules.complete = true;
        }
    }
}
