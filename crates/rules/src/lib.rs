//! CEL rules over events and incidents: compiled once with positioned diagnostics, evaluated on the ingest path.
//!
//! Rules are written in [CEL](https://github.com/google/cel-spec), the
//! expression language of Kubernetes policies and Google Cloud IAM, and
//! evaluated with the [`cel`] crate (the maintained successor of
//! `cel-interpreter`). No IO, no async, no clock: callers pass `now`.
//!
//! - **Event rules** run on every event before it is deduplicated. They can
//!   drop it, set its severity or map it from a label, add, rewrite or
//!   remove labels, and route it to another service of the same tenant.
//! - **Incident rules** run when an incident opens or changes. They can set
//!   its priority (with a reason), notify more channels, add a note, or tag it.
//!
//! Rules run in the order written. A rule whose `when` is true applies its
//! actions in order, and later rules see the result; `stop: true` ends the
//! evaluation when the rule matches, and `drop` always does. A rule that
//! fails to evaluate (a missing map key, a type mismatch) is skipped as if it
//! had not matched and is reported in the verdict's `errors`, never dropping
//! the event: callers count and log it with the rule id.
//!
//! [`compile`] turns [`RuleSpec`]s into [`CompiledRules`] once, or returns
//! every problem as a [`Diagnostic`] with the rule id and a file position:
//! syntax errors, unknown variables or fields (`event.sumary` — did you mean
//! `summary`?), invalid regular expressions, invalid or duplicate rule ids.
//! [`CompiledRules::apply_event`] and [`CompiledRules::apply_incident`]
//! evaluate them; nothing is parsed per event, event fields no rule reads are
//! never built, and strings are borrowed, not copied.
//!
//! # Variables of event rules
//!
//! | variable | type | meaning |
//! |---|---|---|
//! | `event.summary` | string | one line for humans |
//! | `event.severity` | string | `critical`, `error`, `warning` or `info` |
//! | `event.action` | string | `trigger`, `acknowledge` or `resolve` (a trigger whose `ends_at` has passed is `resolve`) |
//! | `event.source` | string | host, instance or resource; **absent** if the source gave none |
//! | `event.labels` | map(string, string) | identifying labels |
//! | `event.annotations` | map(string, string) | non-identifying text |
//! | `event.dedup_key` | string | the alert this event belongs to |
//! | `event.kind` | string | wire format: `pagerduty`, `alertmanager`, `alertmanager-api`, `generic`, `sns`, `eventbridge`, `azure`, `grafana`, `cloudtrail`, `demo` |
//! | `event.resources` | list(string) | ARNs, Azure resource ids, … |
//! | `event.occurred_at` | timestamp | when the source says it happened; **absent** if unknown |
//! | `event.ends_at` | timestamp | when the source says it ends; **absent** if unknown |
//! | `event.details` | dyn | free-form details as JSON values (maps, lists, strings, ints, doubles, bools, null) |
//! | `tenant.id`, `tenant.name` | string | the tenant of the integration key |
//! | `tenant.tier` | string | `platinum`, `gold`, `silver` or `bronze` |
//! | `service.id`, `service.name` | string | the service (after any earlier `route`) |
//! | `service.criticality` | string | `critical`, `high`, `medium` or `low` |
//! | `service.environment` | string | `production`, `stage`, `devtest` or `dr` |
//! | `now` | timestamp | the engine's clock, e.g. `now.getHours('Europe/Berlin') < 8` |
//!
//! A tenant or service the config does not know reads as tier `bronze`,
//! criticality `medium`, environment `production` (the engine's defaults).
//!
//! # Variables of incident rules
//!
//! | variable | type | meaning |
//! |---|---|---|
//! | `incident.id` | int | |
//! | `incident.title` | string | |
//! | `incident.status` | string | `triggered`, `acknowledged` or `resolved` |
//! | `incident.severity` | string | as for events |
//! | `incident.priority` | string | `P1` … `P5`, as computed from business impact |
//! | `incident.priority_reason` | string | the explanation of that priority |
//! | `incident.alert_count`, `incident.active_alert_count`, `incident.event_count` | int | |
//! | `incident.created_at` | timestamp | |
//! | `incident.group_key` | string | service plus grouping label values |
//! | `incident.labels` | map(string, string) | labels of the alert that opened or just changed it (may be empty) |
//! | `change` | string | why the rules run: `opened`, `alert_attached`, `severity_raised`, `acknowledged`, `resolved` |
//! | `tenant.*`, `service.*`, `now` | | as for event rules |
//!
//! # Missing keys
//!
//! Reading a key a map does not have (`event.labels.team` on an event
//! without a `team` label, `event.source` when there is none) is an
//! evaluation error: the rule is skipped and the error reported. Test first
//! with `has(event.labels.team)` or `'team' in event.labels`; `&&` and `||`
//! short-circuit, so `has(event.labels.team) && event.labels.team == "db"`
//! is safe.
//!
//! # Functions
//!
//! CEL's standard library (`size`, `contains`, `startsWith`, `endsWith`,
//! `in`, `all`, `exists`, `exists_one`, `map`, `filter`, `int`, `string`,
//! `timestamp`, `duration`, the `get…` time accessors with an optional time
//! zone, …), the strings extension (`lowerAscii`, `upperAscii`, `trim`,
//! `replace`, `split`, `substring`, `indexOf`, `charAt`, …) and
//! `matches(re)`, whose literal patterns are compiled once and checked by
//! [`compile`] (syntax of the `regex` crate, close to RE2).
//!
//! # The config shape (parsed by the `config` crate)
//!
//! ```yaml
//! rules:
//!   events:
//!     - id: vpn-noise
//!       when: 'event.labels.alertname == "VpnConfigChanged" && tenant.tier != "platinum"'
//!       drop: true
//!     - id: map-zabbix-severity
//!       when: 'has(event.labels.zabbix_severity)'
//!       severity_from_label:
//!         label: zabbix_severity
//!         map: {disaster: critical, high: error, average: warning, information: info}
//!       stop: true
//!     - id: db-team
//!       when: 'event.summary.matches("(?i)postgres|mysql")'
//!       severity: error                       # set severity
//!       labels:                               # add or overwrite labels
//!         team: databases                     #   a literal
//!         host: {cel: 'event.source.split(".")[0]'}   # or CEL giving a string
//!       remove_labels: [pod, container]
//!       route: acme-databases                 # a service of the same tenant
//!   incidents:
//!     - id: erp-is-p1
//!       when: 'service.id == "globex-erp" && change == "opened"'
//!       priority: P1
//!       reason: "the ERP is the business"
//!       notify: [noc-slack]
//!       note: "ERP runbook: https://wiki.example/erp"
//!       tags: [erp]
//!       stop: true
//! ```
//!
//! Event actions apply in the order `drop`, `severity`,
//! `severity_from_label`, `labels`, `remove_labels`, `route` (one key each,
//! so YAML order cannot be relied on); `drop` excludes the others. The
//! config crate checks words, ids and references and hands over
//! [`RuleSpec`]s with the position of each expression ([`CelSource`]);
//! this crate checks the ids and the CEL.

mod apply;
mod check;
mod compile;
mod functions;
mod map;
mod vars;

pub use apply::{
    EventContext, EventEffect, EventVerdict, IncidentContext, IncidentEffect, IncidentVerdict,
    RuleError, RuleMatch,
};
pub use compile::{
    CompiledRules, Diagnostic, MAX_EXPRESSION_LEN, MAX_RULE_ID_LEN, RuleKind, compile,
};
pub use domain::rules::{
    CelSource, EventAction, EventRuleSpec, IncidentAction, IncidentRuleSpec, LabelValue, Position,
    RuleSpec,
};
pub use vars::IncidentChange;
