//! Walks the YAML tree into `domain::Config`, collecting every problem as a `Diagnostic`.
//!
//! Two passes: the first reads each section into drafts (reporting unknown
//! keys, wrong types, bad words, ids, durations and URLs); the second checks
//! what spans sections (duplicates and references). Only when nothing was
//! reported are the drafts turned into the domain model. The on-call
//! sections are read in [`oncall`], the priority matrix in [`priority`].

mod integrations;
mod oncall;
mod paging;
mod priority;
mod rules;
mod suppression;

use std::collections::HashMap;
use std::time::Duration;

use domain::{
    Channel, ChannelId, ChannelKind, Config, Criticality, DeliverySettings, Environment,
    EscalationPolicyId, Grouping, IdError, Integration, IntegrationKey, IntegrationKind,
    PriorityMatrix, ScheduleId, Service, ServiceId, Severity, Tenant, TenantId, Tier, UserId,
};

use crate::Diagnostic;
use crate::duration::parse_duration;
use crate::env::expand_env;
use crate::suggest;
use crate::yaml::{Kind, Mark, Node};

/// `public_url` when the file does not set one.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";
/// Bounds of `delivery.max_attempts`.
pub const MAX_ATTEMPTS_RANGE: std::ops::RangeInclusive<u32> = 1..=50;
pub use oncall::REPEAT_RANGE;
pub use priority::{LEVEL_RANGE, STEP_RANGE};

const TOP_LEVEL_KEYS: &[&str] = &[
    "public_url",
    "grouping",
    "delivery",
    "tenants",
    "services",
    "integrations",
    "notify",
    "users",
    "schedules",
    "escalation_policies",
    "priority",
    "rules",
    "maintenance",
    "inhibit",
    "sla",
    "escalation_by_tier",
];
const GROUPING_KEYS: &[&str] = &[
    "group_by",
    "group_wait",
    "auto_resolve",
    "flapping",
    "acknowledge_timeout",
    "off_hours_paging",
];
const DELIVERY_KEYS: &[&str] = &["max_attempts", "initial_backoff", "max_backoff", "timeout"];
const TENANT_KEYS: &[&str] =
    &["id", "name", "tier", "notify", "escalation_policy", "business_hours", "rule_packs"];
const SERVICE_KEYS: &[&str] = &[
    "id",
    "tenant",
    "name",
    "criticality",
    "environment",
    "notify",
    "group_by",
    "group_wait",
    "auto_resolve",
    "escalation_policy",
    "acknowledge_timeout",
    "off_hours_paging",
];
const INTEGRATION_KEYS: &[&str] = &["key", "tenant", "service", "kind", "sns", "eventbridge"];
const CHANNEL_KEYS: &[&str] = &["id", "kind", "url", "headers"];
const CHANNEL_KINDS: &[&str] = &["webhook", "slack"];

/// The closed sets of words the config accepts, with what to call them in messages.
trait Word: Copy + 'static {
    const WHAT: &'static str;
    fn all() -> &'static [Self];
    fn word(self) -> &'static str;
}

macro_rules! word {
    ($type:ty, $what:literal) => {
        impl Word for $type {
            const WHAT: &'static str = $what;
            fn all() -> &'static [Self] {
                <$type>::ALL
            }
            fn word(self) -> &'static str {
                self.as_str()
            }
        }
    };
}

word!(Tier, "tier");
word!(Criticality, "criticality");
word!(Environment, "environment");
word!(IntegrationKind, "integration kind");

impl Word for Severity {
    const WHAT: &'static str = "severity";
    fn all() -> &'static [Self] {
        &Severity::ALL
    }
    fn word(self) -> &'static str {
        self.as_str()
    }
}

/// A value with where it was written.
#[derive(Debug, Clone)]
struct At<T> {
    value: T,
    mark: Mark,
    path: String,
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

fn index(path: &str, position: usize) -> String {
    format!("{path}[{position}]")
}

/// The mapping entries of one YAML object, after unknown and duplicate keys were reported.
struct Fields<'n> {
    path: String,
    mark: Mark,
    entries: Vec<(&'n str, &'n Node, &'n Node)>,
    /// Known keys that an unknown key was probably meant to be: their
    /// absence is already explained by the "did you mean" diagnostic.
    misspelt: Vec<&'static str>,
}

impl<'n> Fields<'n> {
    /// The value of `name`, unless it is absent or null.
    fn get(&self, name: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(key, _, value)| *key == name && !value.is_null())
            .map(|(_, _, value)| *value)
    }

    fn key_mark(&self, name: &str) -> Option<Mark> {
        self.entries.iter().find(|(key, _, _)| *key == name).map(|(_, key, _)| key.mark)
    }

    fn path(&self, name: &str) -> String {
        child(&self.path, name)
    }
}

pub(crate) struct Checker<'a> {
    file: &'a str,
    env: &'a dyn Fn(&str) -> Option<String>,
    diagnostics: Vec<Diagnostic>,
    /// Paths of known fields that a misspelt key was probably meant to be
    /// (`schedules[0].time_zone` for `timezone`): their absence is explained.
    misspelt_paths: Vec<String>,
    /// The directory of the configuration file, when known: relative paths
    /// in it (pinned certificates) are relative to it, and those files are checked.
    base_dir: Option<std::path::PathBuf>,
}

#[derive(Default)]
struct TenantDraft {
    id: Option<At<TenantId>>,
    name: Option<String>,
    tier: Option<Tier>,
    notify: Vec<At<ChannelId>>,
    escalation_policy: Option<At<EscalationPolicyId>>,
    business_hours: Option<domain::BusinessHours>,
    rule_packs: Vec<At<String>>,
}

#[derive(Default)]
struct ServiceDraft {
    id: Option<At<ServiceId>>,
    tenant: Option<At<TenantId>>,
    name: Option<String>,
    criticality: Option<Criticality>,
    environment: Option<Environment>,
    notify: Vec<At<ChannelId>>,
    group_by: Option<Vec<String>>,
    group_wait: Option<Duration>,
    auto_resolve: Option<bool>,
    escalation_policy: Option<At<EscalationPolicyId>>,
    acknowledge_timeout: Option<Duration>,
    off_hours_paging: Option<domain::Priority>,
}

#[derive(Default)]
struct IntegrationDraft {
    key: Option<At<IntegrationKey>>,
    tenant: Option<At<TenantId>>,
    service: Option<At<ServiceId>>,
    kind: Option<IntegrationKind>,
    options: crate::integrations::IntegrationOptions,
}

#[derive(Default)]
struct ChannelDraft {
    id: Option<At<ChannelId>>,
    kind: Option<ChannelKind>,
}

#[derive(Default)]
struct Drafts {
    public_url: Option<String>,
    grouping: Grouping,
    delivery: DeliverySettings,
    tenants: Vec<TenantDraft>,
    services: Vec<ServiceDraft>,
    integrations: Vec<IntegrationDraft>,
    channels: Vec<ChannelDraft>,
    users: Vec<oncall::UserDraft>,
    schedules: Vec<oncall::ScheduleDraft>,
    escalation_policies: Vec<oncall::PolicyDraft>,
    priority: PriorityMatrix,
    rules: rules::RulesDraft,
    maintenance_drafts: Vec<suppression::MaintenanceDraft>,
    inhibit: Vec<domain::suppression::InhibitRule>,
    /// Where each inhibition rule starts, for duplicate-id messages.
    inhibit_marks: Vec<Mark>,
    sla: Vec<domain::SlaTarget>,
    escalation_by_tier: Vec<(Tier, At<EscalationPolicyId>)>,
    /// The configuration has a `rules:` section (read with or without problems).
    rules_section: bool,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(file: &'a str, env: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self { file, env, diagnostics: Vec::new(), misspelt_paths: Vec::new(), base_dir: None }
    }

    /// Resolves relative paths against `dir` and checks that the files they name exist.
    pub(crate) fn with_base_dir(mut self, dir: std::path::PathBuf) -> Self {
        self.base_dir = Some(dir);
        self
    }

    /// Checks a whole document (`None`: an empty file) and returns the config,
    /// or every diagnostic found, sorted by position.
    pub(crate) fn check(self, root: Option<&Node>) -> Result<Config, Vec<Diagnostic>> {
        self.check_all(root).map(|(config, _)| config)
    }

    /// [`Checker::check`], also returning the integrations' own settings.
    pub(crate) fn check_all(
        mut self,
        root: Option<&Node>,
    ) -> Result<(Config, crate::integrations::IntegrationSettings), Vec<Diagnostic>> {
        let mut drafts = Drafts::default();
        if let Some(root) = root {
            self.read_root(root, &mut drafts);
        }
        self.add_rule_packs(&mut drafts);
        self.cross_check(&drafts);
        if self.diagnostics.is_empty() {
            let settings = crate::integrations::IntegrationSettings::new(
                drafts.integrations.iter().map(|draft| draft.options.clone()).collect(),
            );
            if let Some(config) = assemble(drafts) {
                return Ok((config, settings));
            }
            // Every missing piece was reported above; this is a safety net.
            self.error(
                Mark::default(),
                "",
                "internal error: incomplete configuration without a diagnostic",
            );
        }
        let mut diagnostics = self.diagnostics;
        diagnostics.sort_by_key(|d| (d.line, d.column));
        Err(diagnostics)
    }

    fn error(&mut self, mark: Mark, path: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            file: self.file.to_owned(),
            line: mark.line,
            column: mark.column,
            field: path.to_owned(),
            message: message.into(),
        });
    }

    // ----- shapes -------------------------------------------------------

    /// Reads a mapping, reporting unknown keys (with a hint) and duplicate keys.
    fn fields<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        what: &str,
        allowed: &[&'static str],
    ) -> Option<Fields<'n>> {
        let Kind::Mapping(entries) = &node.kind else {
            self.error(
                node.mark,
                path,
                format!("expected {what} (a mapping), found {}", node.describe()),
            );
            return None;
        };
        let mut kept: Vec<(&'n str, &'n Node, &'n Node)> = Vec::new();
        let mut misspelt = Vec::new();
        for (key, value) in entries {
            let Kind::Scalar { value: name, .. } = &key.kind else {
                self.error(key.mark, path, format!("keys must be words, found {}", key.describe()));
                continue;
            };
            let field = child(path, name);
            if !allowed.contains(&name.as_str()) {
                if let Some(meant) = suggest::closest(name, allowed.iter().copied()) {
                    misspelt.push(meant);
                    self.misspelt_paths.push(child(path, meant));
                }
                let hint = suggest::hint(name, allowed.iter().copied());
                let expected = allowed.join(", ");
                self.error(
                    key.mark,
                    &field,
                    format!("unknown field `{name}`{hint}; expected one of: {expected}"),
                );
                continue;
            }
            if let Some((_, first, _)) = kept.iter().find(|(seen, _, _)| *seen == name) {
                let first_line = first.mark.line;
                self.error(
                    key.mark,
                    &field,
                    format!("duplicate field `{name}` (first at line {first_line})"),
                );
                continue;
            }
            kept.push((name.as_str(), key, value));
        }
        Some(Fields { path: path.to_owned(), mark: node.mark, entries: kept, misspelt })
    }

    /// A required field's value; reports it missing (at the object) or empty (at the key).
    fn required<'n>(&mut self, fields: &Fields<'n>, name: &str) -> Option<&'n Node> {
        if let Some(value) = fields.get(name) {
            return Some(value);
        }
        if fields.misspelt.contains(&name) {
            return None;
        }
        let path = fields.path(name);
        match fields.key_mark(name) {
            Some(mark) => self.error(mark, &path, format!("`{name}` needs a value")),
            None => self.error(fields.mark, &path, format!("missing required field `{name}`")),
        }
        None
    }

    fn list<'n>(&mut self, node: &'n Node, path: &str, what: &str) -> Option<&'n [Node]> {
        match &node.kind {
            Kind::Sequence(items) => Some(items),
            _ => {
                self.error(
                    node.mark,
                    path,
                    format!("expected a list of {what}, found {}", node.describe()),
                );
                None
            }
        }
    }

    // ----- leaves -------------------------------------------------------

    fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.kind {
            Kind::Scalar { value, .. } if !node.is_null() => Some(value.clone()),
            _ => {
                self.error(
                    node.mark,
                    path,
                    format!("expected a string, found {}", node.describe()),
                );
                None
            }
        }
    }

    fn non_empty_string(&mut self, node: &Node, path: &str) -> Option<String> {
        let value = self.string(node, path)?;
        if value.trim().is_empty() {
            self.error(node.mark, path, "must not be empty");
            return None;
        }
        Some(value)
    }

    fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        if let Kind::Scalar { value, plain: true } = &node.kind {
            match value.as_str() {
                "true" | "True" | "TRUE" => return Some(true),
                "false" | "False" | "FALSE" => return Some(false),
                _ => {}
            }
        }
        self.error(node.mark, path, format!("expected true or false, found {}", node.describe()));
        None
    }

    fn integer(
        &mut self,
        node: &Node,
        path: &str,
        range: std::ops::RangeInclusive<u32>,
    ) -> Option<u32> {
        let parsed = match &node.kind {
            Kind::Scalar { value, plain: true } => value.parse::<u32>().ok(),
            _ => None,
        };
        let (start, end) = (range.start(), range.end());
        match parsed {
            Some(number) if range.contains(&number) => Some(number),
            Some(number) => {
                self.error(
                    node.mark,
                    path,
                    format!("must be between {start} and {end}, got {number}"),
                );
                None
            }
            None => {
                self.error(
                    node.mark,
                    path,
                    format!(
                        "expected a whole number from {start} to {end}, found {}",
                        node.describe()
                    ),
                );
                None
            }
        }
    }

    fn duration(&mut self, node: &Node, path: &str) -> Option<Duration> {
        let text = self.string(node, path)?;
        match parse_duration(&text) {
            Ok(duration) => Some(duration),
            Err(message) => {
                self.error(node.mark, path, message);
                None
            }
        }
    }

    fn word<T: Word>(&mut self, node: &Node, path: &str) -> Option<T> {
        let text = self.string(node, path)?;
        if let Some(found) = T::all().iter().copied().find(|w| w.word() == text) {
            return Some(found);
        }
        let words = || T::all().iter().map(|w| w.word());
        let hint = suggest::hint(&text, words());
        let expected = words().collect::<Vec<_>>().join(", ");
        self.error(
            node.mark,
            path,
            format!("invalid {} `{text}`{hint}; expected one of: {expected}", T::WHAT),
        );
        None
    }

    fn id<T>(
        &mut self,
        node: &Node,
        path: &str,
        what: &str,
        parse: fn(&str) -> Result<T, IdError>,
    ) -> Option<At<T>> {
        let text = self.string(node, path)?;
        match parse(&text) {
            Ok(value) => Some(At { value, mark: node.mark, path: path.to_owned() }),
            Err(error) => {
                self.error(node.mark, path, format!("invalid {what} `{text}`: {error}"));
                None
            }
        }
    }

    fn id_list<T>(
        &mut self,
        node: Option<&Node>,
        path: &str,
        what: &str,
        parse: fn(&str) -> Result<T, IdError>,
    ) -> Vec<At<T>> {
        let Some(node) = node else { return Vec::new() };
        let Some(items) = self.list(node, path, what) else { return Vec::new() };
        items
            .iter()
            .enumerate()
            .filter_map(|(position, item)| self.id(item, &index(path, position), what, parse))
            .collect()
    }

    /// Group-by label names: non-empty, no whitespace, no repeats.
    fn labels(&mut self, node: &Node, path: &str) -> Option<Vec<String>> {
        let items = self.list(node, path, "label names")?;
        let errors_before = self.diagnostics.len();
        let mut labels: Vec<String> = Vec::new();
        for (position, item) in items.iter().enumerate() {
            let item_path = index(path, position);
            let Some(label) = self.string(item, &item_path) else { continue };
            if label.is_empty() {
                self.error(item.mark, &item_path, "label name must not be empty");
            } else if label.chars().any(char::is_whitespace) {
                self.error(
                    item.mark,
                    &item_path,
                    format!("label name `{label}` must not contain spaces"),
                );
            } else if labels.contains(&label) {
                self.error(item.mark, &item_path, format!("label `{label}` is listed twice"));
            } else {
                labels.push(label);
            }
        }
        (self.diagnostics.len() == errors_before).then_some(labels)
    }

    /// A URL, after `${VAR}` expansion. Messages never repeat the URL: it may carry a secret.
    fn url(&mut self, node: &Node, path: &str) -> Option<String> {
        let raw = self.string(node, path)?;
        let url = self.expand(&raw, node.mark, path)?;
        match check_url(&url) {
            Ok(()) => Some(url),
            Err(reason) => {
                self.error(node.mark, path, reason);
                None
            }
        }
    }

    fn expand(&mut self, text: &str, mark: Mark, path: &str) -> Option<String> {
        match expand_env(text, self.env) {
            Ok(expanded) => Some(expanded),
            Err(error) => {
                self.error(mark, path, error.to_string());
                None
            }
        }
    }

    // ----- sections -----------------------------------------------------

    fn read_root(&mut self, root: &Node, drafts: &mut Drafts) {
        let Some(fields) = self.fields(root, "", "the configuration", TOP_LEVEL_KEYS) else {
            return;
        };
        if let Some(node) = fields.get("public_url") {
            drafts.public_url =
                self.url(node, "public_url").map(|url| url.trim_end_matches('/').to_owned());
        }
        if let Some(node) = fields.get("grouping") {
            self.read_grouping(node, &mut drafts.grouping);
        }
        if let Some(node) = fields.get("delivery") {
            self.read_delivery(node, &mut drafts.delivery);
        }
        if let Some(node) = fields.get("tenants")
            && let Some(items) = self.list(node, "tenants", "tenants")
        {
            for (position, item) in items.iter().enumerate() {
                drafts.tenants.push(self.read_tenant(item, &index("tenants", position)));
            }
        }
        if let Some(node) = fields.get("services")
            && let Some(items) = self.list(node, "services", "services")
        {
            for (position, item) in items.iter().enumerate() {
                drafts.services.push(self.read_service(item, &index("services", position)));
            }
        }
        if let Some(node) = fields.get("integrations")
            && let Some(items) = self.list(node, "integrations", "integrations")
        {
            for (position, item) in items.iter().enumerate() {
                drafts
                    .integrations
                    .push(self.read_integration(item, &index("integrations", position)));
            }
        }
        if let Some(node) = fields.get("notify")
            && let Some(items) = self.list(node, "notify", "notification channels")
        {
            for (position, item) in items.iter().enumerate() {
                drafts.channels.push(self.read_channel(item, &index("notify", position)));
            }
        }
        self.read_oncall_sections(&fields, drafts);
        if let Some(node) = fields.get("priority") {
            self.read_priority(node, &mut drafts.priority);
        }
        if let Some(node) = fields.get("rules") {
            drafts.rules_section = true;
            drafts.rules = self.read_rules(node);
        }
        if let Some(node) = fields.get("maintenance")
            && let Some(items) = self.list(node, "maintenance", "maintenance windows")
        {
            for (position, item) in items.iter().enumerate() {
                let draft = self.read_maintenance(item, &index("maintenance", position));
                drafts.maintenance_drafts.push(draft);
            }
        }
        if let Some(node) = fields.get("sla") {
            drafts.sla = self.read_sla(node);
        }
        if let Some(node) = fields.get("escalation_by_tier") {
            drafts.escalation_by_tier = self.read_escalation_by_tier(node);
        }
        if let Some(node) = fields.get("inhibit")
            && let Some(items) = self.list(node, "inhibit", "inhibition rules")
        {
            for (position, item) in items.iter().enumerate() {
                if let Some(rule) = self.read_inhibit_rule(item, &index("inhibit", position)) {
                    drafts.inhibit.push(rule);
                    drafts.inhibit_marks.push(item.mark);
                }
            }
        }
    }

    fn read_grouping(&mut self, node: &Node, grouping: &mut Grouping) {
        let Some(fields) = self.fields(node, "grouping", "grouping settings", GROUPING_KEYS) else {
            return;
        };
        if let Some(node) = fields.get("group_by")
            && let Some(labels) = self.labels(node, &fields.path("group_by"))
        {
            grouping.group_by = labels;
        }
        if let Some(node) = fields.get("group_wait")
            && let Some(wait) = self.duration(node, &fields.path("group_wait"))
        {
            grouping.group_wait = wait;
        }
        if let Some(node) = fields.get("auto_resolve")
            && let Some(auto_resolve) = self.boolean(node, &fields.path("auto_resolve"))
        {
            grouping.auto_resolve = auto_resolve;
        }
        if let Some(node) = fields.get("flapping") {
            self.read_flapping(node, &fields.path("flapping"), &mut grouping.flapping);
        }
        if let Some(node) = fields.get("acknowledge_timeout") {
            let path = fields.path("acknowledge_timeout");
            grouping.acknowledge_timeout = self.positive_duration(node, &path);
        }
        if let Some(node) = fields.get("off_hours_paging")
            && let Some(priority) = self.priority_word(node, &fields.path("off_hours_paging"))
        {
            grouping.off_hours_paging = priority;
        }
    }

    fn read_delivery(&mut self, node: &Node, delivery: &mut DeliverySettings) {
        let Some(fields) = self.fields(node, "delivery", "delivery settings", DELIVERY_KEYS) else {
            return;
        };
        if let Some(node) = fields.get("max_attempts")
            && let Some(attempts) =
                self.integer(node, &fields.path("max_attempts"), MAX_ATTEMPTS_RANGE)
        {
            delivery.max_attempts = attempts;
        }
        let initial = fields.get("initial_backoff");
        let maximum = fields.get("max_backoff");
        let mut backoffs_ok = true;
        if let Some(node) = initial {
            match self.duration(node, &fields.path("initial_backoff")) {
                Some(value) => delivery.initial_backoff = value,
                None => backoffs_ok = false,
            }
        }
        if let Some(node) = maximum {
            match self.duration(node, &fields.path("max_backoff")) {
                Some(value) => delivery.max_backoff = value,
                None => backoffs_ok = false,
            }
        }
        if backoffs_ok && delivery.max_backoff < delivery.initial_backoff {
            let (mark, path) = match (maximum, initial) {
                (Some(node), _) => (node.mark, fields.path("max_backoff")),
                (None, Some(node)) => (node.mark, fields.path("initial_backoff")),
                (None, None) => (fields.mark, fields.path("max_backoff")),
            };
            let message = format!(
                "max_backoff ({:?}) must not be shorter than initial_backoff ({:?})",
                delivery.max_backoff, delivery.initial_backoff
            );
            self.error(mark, &path, message);
        }
        if let Some(node) = fields.get("timeout") {
            let path = fields.path("timeout");
            if let Some(timeout) = self.duration(node, &path) {
                if timeout.is_zero() {
                    self.error(node.mark, &path, "timeout must be longer than zero");
                } else {
                    delivery.timeout = timeout;
                }
            }
        }
    }

    fn read_tenant(&mut self, node: &Node, path: &str) -> TenantDraft {
        let mut draft = TenantDraft::default();
        let Some(fields) = self.fields(node, path, "a tenant", TENANT_KEYS) else { return draft };
        if let Some(node) = self.required(&fields, "id") {
            draft.id = self.id(node, &fields.path("id"), "tenant id", TenantId::parse);
        }
        if let Some(node) = fields.get("name") {
            draft.name = self.non_empty_string(node, &fields.path("name"));
        }
        if let Some(node) = self.required(&fields, "tier") {
            draft.tier = self.word(node, &fields.path("tier"));
        }
        draft.notify = self.id_list(
            fields.get("notify"),
            &fields.path("notify"),
            "channel id",
            ChannelId::parse,
        );
        draft.escalation_policy = self.escalation_policy_reference(&fields);
        if let Some(node) = fields.get("business_hours") {
            draft.business_hours = self.read_business_hours(node, &fields.path("business_hours"));
        }
        if let Some(node) = fields.get("rule_packs") {
            draft.rule_packs = self.rule_packs(node, &fields.path("rule_packs"));
        }
        draft
    }

    /// The optional `escalation_policy` of a tenant or service.
    fn escalation_policy_reference(
        &mut self,
        fields: &Fields<'_>,
    ) -> Option<At<EscalationPolicyId>> {
        let node = fields.get("escalation_policy")?;
        let path = fields.path("escalation_policy");
        self.id(node, &path, "escalation policy id", EscalationPolicyId::parse)
    }

    fn read_service(&mut self, node: &Node, path: &str) -> ServiceDraft {
        let mut draft = ServiceDraft::default();
        let Some(fields) = self.fields(node, path, "a service", SERVICE_KEYS) else { return draft };
        if let Some(node) = self.required(&fields, "id") {
            draft.id = self.id(node, &fields.path("id"), "service id", ServiceId::parse);
        }
        if let Some(node) = self.required(&fields, "tenant") {
            draft.tenant = self.id(node, &fields.path("tenant"), "tenant id", TenantId::parse);
        }
        if let Some(node) = fields.get("name") {
            draft.name = self.non_empty_string(node, &fields.path("name"));
        }
        if let Some(node) = fields.get("criticality") {
            draft.criticality = self.word(node, &fields.path("criticality"));
        }
        if let Some(node) = fields.get("environment") {
            draft.environment = self.word(node, &fields.path("environment"));
        }
        draft.notify = self.id_list(
            fields.get("notify"),
            &fields.path("notify"),
            "channel id",
            ChannelId::parse,
        );
        if let Some(node) = fields.get("group_by") {
            draft.group_by = self.labels(node, &fields.path("group_by"));
        }
        if let Some(node) = fields.get("group_wait") {
            draft.group_wait = self.duration(node, &fields.path("group_wait"));
        }
        if let Some(node) = fields.get("auto_resolve") {
            draft.auto_resolve = self.boolean(node, &fields.path("auto_resolve"));
        }
        draft.escalation_policy = self.escalation_policy_reference(&fields);
        if let Some(node) = fields.get("acknowledge_timeout") {
            let path = fields.path("acknowledge_timeout");
            draft.acknowledge_timeout = self.positive_duration(node, &path);
        }
        if let Some(node) = fields.get("off_hours_paging") {
            draft.off_hours_paging = self.priority_word(node, &fields.path("off_hours_paging"));
        }
        draft
    }

    fn read_integration(&mut self, node: &Node, path: &str) -> IntegrationDraft {
        let mut draft = IntegrationDraft::default();
        let Some(fields) = self.fields(node, path, "an integration", INTEGRATION_KEYS) else {
            return draft;
        };
        if let Some(node) = self.required(&fields, "key") {
            draft.key = self.integration_key(node, &fields.path("key"));
        }
        if let Some(node) = self.required(&fields, "tenant") {
            draft.tenant = self.id(node, &fields.path("tenant"), "tenant id", TenantId::parse);
        }
        if let Some(node) = self.required(&fields, "service") {
            draft.service = self.id(node, &fields.path("service"), "service id", ServiceId::parse);
        }
        if let Some(node) = self.required(&fields, "kind") {
            draft.kind = self.word(node, &fields.path("kind"));
        }
        draft.options = self.read_integration_options(&fields, draft.kind);
        draft
    }

    /// Integration keys are secrets: messages never repeat them.
    fn integration_key(&mut self, node: &Node, path: &str) -> Option<At<IntegrationKey>> {
        let text = self.string(node, path)?;
        let min = IntegrationKey::MIN_LEN;
        if text.len() < min {
            self.error(
                node.mark,
                path,
                format!("integration key must be at least {min} characters, got {}", text.len()),
            );
            return None;
        }
        match IntegrationKey::parse(&text) {
            Ok(value) => Some(At { value, mark: node.mark, path: path.to_owned() }),
            Err(IdError::BadCharacter { found }) => {
                let message = format!(
                    "integration key may contain only letters, digits, '-', '_' and '.', found {found:?}"
                );
                self.error(node.mark, path, message);
                None
            }
            Err(error) => {
                self.error(node.mark, path, format!("invalid integration key: {error}"));
                None
            }
        }
    }

    fn read_channel(&mut self, node: &Node, path: &str) -> ChannelDraft {
        let mut draft = ChannelDraft::default();
        let Some(fields) = self.fields(node, path, "a notification channel", CHANNEL_KEYS) else {
            return draft;
        };
        if let Some(node) = self.required(&fields, "id") {
            draft.id = self.id(node, &fields.path("id"), "channel id", ChannelId::parse);
        }
        let kind = self.required(&fields, "kind").and_then(|node| {
            let path = fields.path("kind");
            let text = self.string(node, &path)?;
            if CHANNEL_KINDS.contains(&text.as_str()) {
                return Some(text);
            }
            let hint = suggest::hint(&text, CHANNEL_KINDS.iter().copied());
            let expected = CHANNEL_KINDS.join(", ");
            self.error(
                node.mark,
                &path,
                format!("invalid channel kind `{text}`{hint}; expected one of: {expected}"),
            );
            None
        });
        let url =
            self.required(&fields, "url").and_then(|node| self.url(node, &fields.path("url")));
        let headers = match fields.get("headers") {
            Some(node) if kind.as_deref() == Some("webhook") => {
                self.headers(node, &fields.path("headers"))
            }
            Some(node) if kind.is_some() => {
                let mark = fields.key_mark("headers").unwrap_or(node.mark);
                self.error(
                    mark,
                    &fields.path("headers"),
                    "`headers` is only supported by webhook channels",
                );
                None
            }
            _ => Some(Vec::new()),
        };
        draft.kind = match (kind.as_deref(), url, headers) {
            (Some("webhook"), Some(url), Some(headers)) => {
                Some(ChannelKind::Webhook { url, headers })
            }
            (Some("slack"), Some(url), _) => Some(ChannelKind::Slack { url }),
            _ => None,
        };
        draft
    }

    /// HTTP header names and values; values may use `${VAR}`.
    fn headers(&mut self, node: &Node, path: &str) -> Option<Vec<(String, String)>> {
        let Kind::Mapping(entries) = &node.kind else {
            self.error(
                node.mark,
                path,
                format!("expected a mapping of header names to values, found {}", node.describe()),
            );
            return None;
        };
        let errors_before = self.diagnostics.len();
        let mut headers: Vec<(String, String, usize)> = Vec::new();
        for (key, value) in entries {
            let Some(name) = self.string(key, path) else { continue };
            let header_path = child(path, &name);
            if !is_header_name(&name) {
                self.error(
                    key.mark,
                    &header_path,
                    format!("`{name}` is not a valid HTTP header name"),
                );
                continue;
            }
            if let Some((_, _, first_line)) =
                headers.iter().find(|(seen, _, _)| seen.eq_ignore_ascii_case(&name))
            {
                let first_line = *first_line;
                self.error(
                    key.mark,
                    &header_path,
                    format!("duplicate header `{name}` (first at line {first_line})"),
                );
                continue;
            }
            let mark = if value.is_null() { key.mark } else { value.mark };
            let Some(raw) = self.string(value, &header_path) else { continue };
            let Some(expanded) = self.expand(&raw, mark, &header_path) else { continue };
            if expanded.chars().any(|c| c == '\r' || c == '\n' || c == '\0') {
                self.error(mark, &header_path, "header value must not contain line breaks");
                continue;
            }
            headers.push((name, expanded, key.mark.line));
        }
        (self.diagnostics.len() == errors_before)
            .then(|| headers.into_iter().map(|(name, value, _)| (name, value)).collect())
    }

    // ----- across sections ----------------------------------------------

    fn cross_check(&mut self, drafts: &Drafts) {
        let tenants = self.unique(drafts.tenants.iter().filter_map(|t| t.id.as_ref()), "tenant id");
        let services =
            self.unique(drafts.services.iter().filter_map(|s| s.id.as_ref()), "service id");
        let channels =
            self.unique(drafts.channels.iter().filter_map(|c| c.id.as_ref()), "channel id");
        self.unique_keys(drafts.integrations.iter().filter_map(|i| i.key.as_ref()));
        let users = self.unique(drafts.users.iter().filter_map(|u| u.id.as_ref()), "user id");
        let schedules =
            self.unique(drafts.schedules.iter().filter_map(|s| s.id.as_ref()), "schedule id");
        let policies = self.unique(
            drafts.escalation_policies.iter().filter_map(|p| p.id.as_ref()),
            "escalation policy id",
        );

        // Sorted, so that "did you mean" picks the same word on every run.
        let tenant_ids = sorted_ids(tenants.keys().map(TenantId::as_str).collect());
        let service_ids = sorted_ids(services.keys().map(ServiceId::as_str).collect());
        let channel_ids = sorted_ids(channels.keys().map(ChannelId::as_str).collect());
        let user_ids = sorted_ids(users.keys().map(UserId::as_str).collect());
        let schedule_ids = sorted_ids(schedules.keys().map(ScheduleId::as_str).collect());
        let policy_ids = sorted_ids(policies.keys().map(EscalationPolicyId::as_str).collect());
        // The tenant of each service (first definition wins), for the integration check.
        let mut service_tenants: HashMap<&ServiceId, Option<&TenantId>> = HashMap::new();
        for service in &drafts.services {
            if let Some(id) = &service.id {
                service_tenants
                    .entry(&id.value)
                    .or_insert(service.tenant.as_ref().map(|t| &t.value));
            }
        }

        for tenant in &drafts.tenants {
            for channel in &tenant.notify {
                self.reference(
                    channel,
                    channels.contains_key(&channel.value),
                    "channel",
                    &channel_ids,
                );
            }
            if let Some(policy) = &tenant.escalation_policy {
                let known = policies.contains_key(&policy.value);
                self.reference(policy, known, "escalation policy", &policy_ids);
            }
        }
        for (_, policy) in &drafts.escalation_by_tier {
            let known = policies.contains_key(&policy.value);
            self.reference(policy, known, "escalation policy", &policy_ids);
        }
        for service in &drafts.services {
            if let Some(tenant) = &service.tenant {
                self.reference(tenant, tenants.contains_key(&tenant.value), "tenant", &tenant_ids);
            }
            for channel in &service.notify {
                self.reference(
                    channel,
                    channels.contains_key(&channel.value),
                    "channel",
                    &channel_ids,
                );
            }
            if let Some(policy) = &service.escalation_policy {
                let known = policies.contains_key(&policy.value);
                self.reference(policy, known, "escalation policy", &policy_ids);
            }
        }
        for user in &drafts.users {
            for channel in &user.channels {
                let known = channels.contains_key(&channel.value);
                self.reference(channel, known, "channel", &channel_ids);
            }
        }
        for schedule in &drafts.schedules {
            for user in &schedule.users {
                self.reference(user, users.contains_key(&user.value), "user", &user_ids);
            }
        }
        for policy in &drafts.escalation_policies {
            for user in &policy.users {
                self.reference(user, users.contains_key(&user.value), "user", &user_ids);
            }
            for schedule in &policy.schedules {
                let known = schedules.contains_key(&schedule.value);
                self.reference(schedule, known, "schedule", &schedule_ids);
            }
            for channel in &policy.channels {
                let known = channels.contains_key(&channel.value);
                self.reference(channel, known, "channel", &channel_ids);
            }
        }
        for integration in &drafts.integrations {
            if let Some(tenant) = &integration.tenant {
                self.reference(tenant, tenants.contains_key(&tenant.value), "tenant", &tenant_ids);
            }
            let Some(service) = &integration.service else { continue };
            match service_tenants.get(&service.value) {
                None => self.reference(service, false, "service", &service_ids),
                // An owner that is not a tenant was reported with its service.
                Some(Some(owner)) if tenants.contains_key(*owner) => {
                    if let Some(tenant) = &integration.tenant
                        && *owner != &tenant.value
                    {
                        self.error(
                            service.mark,
                            &service.path,
                            format!(
                                "service `{}` belongs to tenant `{owner}`, not `{}`",
                                service.value, tenant.value
                            ),
                        );
                    }
                }
                Some(_) => {}
            }
        }
        for route in &drafts.rules.routes {
            let known = services.contains_key(&route.value);
            self.reference(route, known, "service", &service_ids);
        }
        for channel in &drafts.rules.channels {
            let known = channels.contains_key(&channel.value);
            self.reference(channel, known, "channel", &channel_ids);
        }
        if drafts.rules.complete {
            self.compile_rules(&drafts.rules.rules);
        }
        let mut window_ids: HashMap<&str, usize> = HashMap::new();
        for window in &drafts.maintenance_drafts {
            if let Some(id) = &window.id
                && let Some(line) = window_ids.insert(&id.value, id.mark.line)
            {
                let message = format!(
                    "duplicate maintenance window id `{}` (first defined at line {line})",
                    id.value
                );
                self.error(id.mark, &id.path, message);
            }
            if let Some(tenant) = &window.tenant {
                self.reference(tenant, tenants.contains_key(&tenant.value), "tenant", &tenant_ids);
            }
            for service in &window.services {
                match (service_tenants.get(&service.value), &window.tenant) {
                    (None, _) => self.reference(service, false, "service", &service_ids),
                    (Some(Some(owner)), Some(tenant)) if *owner != &tenant.value => {
                        let message = format!(
                            "service `{}` belongs to tenant `{owner}`, not `{}`",
                            service.value, tenant.value
                        );
                        self.error(service.mark, &service.path, message);
                    }
                    _ => {}
                }
            }
        }
        let mut inhibit_ids: HashMap<&str, usize> = HashMap::new();
        for (position, rule) in drafts.inhibit.iter().enumerate() {
            if let Some(first) = inhibit_ids.insert(&rule.id, position) {
                let message = format!(
                    "duplicate inhibition rule id `{}` (first is inhibit[{first}])",
                    rule.id
                );
                let mark = drafts.inhibit_marks.get(position).copied().unwrap_or_default();
                self.error(mark, &format!("inhibit[{position}].id"), message);
            }
        }
    }

    /// Reports repeated ids; returns each id with the line of its first definition.
    fn unique<'d, T>(
        &mut self,
        ids: impl Iterator<Item = &'d At<T>>,
        what: &str,
    ) -> HashMap<T, usize>
    where
        T: Clone + Eq + std::hash::Hash + std::fmt::Display + 'd,
    {
        let mut first: HashMap<T, usize> = HashMap::new();
        for id in ids {
            if let Some(line) = first.get(&id.value) {
                let message =
                    format!("duplicate {what} `{}` (first defined at line {line})", id.value);
                self.error(id.mark, &id.path, message);
            } else {
                first.insert(id.value.clone(), id.mark.line);
            }
        }
        first
    }

    fn unique_keys<'d>(&mut self, keys: impl Iterator<Item = &'d At<IntegrationKey>>) {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for key in keys {
            if let Some(line) = first.get(key.value.expose()) {
                let message = format!("duplicate integration key (first defined at line {line})");
                self.error(key.mark, &key.path, message);
            } else {
                first.insert(key.value.expose(), key.mark.line);
            }
        }
    }

    fn reference<T: std::fmt::Display>(
        &mut self,
        id: &At<T>,
        known: bool,
        what: &str,
        defined: &[&str],
    ) {
        if known {
            return;
        }
        let name = id.value.to_string();
        let hint = suggest::hint(&name, defined.iter().copied());
        let section = match what {
            "tenant" => "tenants",
            "service" => "services",
            "user" => "users",
            "schedule" => "schedules",
            "escalation policy" => "escalation_policies",
            _ => "notify",
        };
        self.error(
            id.mark,
            &id.path,
            format!("unknown {what} `{name}`{hint}; it is not defined under `{section}:`"),
        );
    }
}

fn sorted_ids(mut ids: Vec<&str>) -> Vec<&str> {
    ids.sort_unstable();
    ids
}

/// An `http://` or `https://` URL with a host (and, if any, a numeric port).
pub(crate) fn check_url(url: &str) -> Result<(), String> {
    let Some(rest) = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")) else {
        return Err("URL must start with http:// or https://".to_owned());
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("URL must not contain spaces or control characters".to_owned());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_and_port = authority.rsplit_once('@').map_or(authority, |(_, after)| after);
    let (host, port) = if let Some(bracketed) = host_and_port.strip_prefix('[') {
        let Some((address, after)) = bracketed.split_once(']') else {
            return Err("URL has an unclosed `[` in its host".to_owned());
        };
        if address.is_empty()
            || !address.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err("URL has an invalid IPv6 address".to_owned());
        }
        match after.strip_prefix(':') {
            Some(port) => ("ipv6", Some(port)),
            None if after.is_empty() => ("ipv6", None),
            None => return Err("URL has unexpected text after its IPv6 address".to_owned()),
        }
    } else {
        match host_and_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_and_port, None),
        }
    };
    if host.is_empty() {
        return Err("URL has no host".to_owned());
    }
    if !host.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_')) {
        return Err("URL host may contain only letters, digits, '-', '.' and '_'".to_owned());
    }
    if let Some(port) = port
        && (port.is_empty()
            || !port.bytes().all(|b| b.is_ascii_digit())
            || port.parse::<u16>().is_err())
    {
        return Err("URL port must be a number from 0 to 65535".to_owned());
    }
    Ok(())
}

/// An RFC 9110 token.
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Drafts into the model. `None` only if something unreported is missing.
fn assemble(drafts: Drafts) -> Option<Config> {
    let tenants = drafts
        .tenants
        .into_iter()
        .map(|draft| {
            let id = draft.id?.value;
            Some(Tenant {
                name: draft.name.unwrap_or_else(|| id.to_string()),
                id,
                tier: draft.tier?,
                notify: draft.notify.into_iter().map(|at| at.value).collect(),
                escalation_policy: draft.escalation_policy.map(|at| at.value),
                business_hours: draft.business_hours,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let services = drafts
        .services
        .into_iter()
        .map(|draft| {
            let id = draft.id?.value;
            Some(Service {
                name: draft.name.unwrap_or_else(|| id.to_string()),
                id,
                tenant: draft.tenant?.value,
                criticality: draft.criticality.unwrap_or(Criticality::Medium),
                environment: draft.environment.unwrap_or(Environment::Production),
                notify: draft.notify.into_iter().map(|at| at.value).collect(),
                group_by: draft.group_by,
                group_wait: draft.group_wait,
                auto_resolve: draft.auto_resolve,
                escalation_policy: draft.escalation_policy.map(|at| at.value),
                acknowledge_timeout: draft.acknowledge_timeout,
                off_hours_paging: draft.off_hours_paging,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let integrations = drafts
        .integrations
        .into_iter()
        .map(|draft| {
            Some(Integration {
                key: draft.key?.value,
                tenant: draft.tenant?.value,
                service: draft.service?.value,
                kind: draft.kind?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let channels = drafts
        .channels
        .into_iter()
        .map(|draft| Some(Channel { id: draft.id?.value, kind: draft.kind? }))
        .collect::<Option<Vec<_>>>()?;
    let users = drafts.users.into_iter().map(|draft| draft.user).collect::<Option<Vec<_>>>()?;
    let schedules =
        drafts.schedules.into_iter().map(|draft| draft.schedule).collect::<Option<Vec<_>>>()?;
    let escalation_policies = drafts
        .escalation_policies
        .into_iter()
        .map(|draft| draft.policy)
        .collect::<Option<Vec<_>>>()?;
    Some(Config {
        tenants,
        services,
        integrations,
        channels,
        grouping: drafts.grouping,
        delivery: drafts.delivery,
        public_url: drafts.public_url.unwrap_or_else(|| DEFAULT_PUBLIC_URL.to_owned()),
        users,
        schedules,
        escalation_policies,
        priority: drafts.priority,
        rules: drafts.rules.rules,
        maintenance: drafts
            .maintenance_drafts
            .into_iter()
            .map(|draft| draft.window)
            .collect::<Option<Vec<_>>>()?,
        inhibit: drafts.inhibit,
        sla: drafts.sla,
        escalation_by_tier: drafts
            .escalation_by_tier
            .into_iter()
            .map(|(tier, policy)| (tier, policy.value))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for good in [
            "http://127.0.0.1:8080",
            "https://hooks.slack.com/services/T000/B000/XXX",
            "http://localhost/hook?x=1#y",
            "https://user:pass@example.com:443/path",
            "http://[::1]:9000/hook",
            "http://noc_host/",
        ] {
            assert_eq!(check_url(good), Ok(()), "{good}");
        }
        for bad in [
            "ftp://example.com",
            "example.com",
            "http://",
            "http:///path",
            "http://host:port/",
            "http://host:99999/",
            "http://host:/",
            "http://exa mple.com",
            "http://[::1/",
            "HTTP://example.com",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn header_names() {
        assert!(is_header_name("X-Token"));
        assert!(is_header_name("Authorization"));
        assert!(!is_header_name(""));
        assert!(!is_header_name("X Token"));
        assert!(!is_header_name("X:Token"));
    }
}
