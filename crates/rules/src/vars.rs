//! The CEL variables rules see, built from domain types without copying strings.
//!
//! Every string handed to CEL borrows from the event, incident or config;
//! the only allocations per evaluation are the map nodes themselves, and
//! event fields no rule mentions are not built at all (see [`FieldSet`]).

use crate::map::SortedMap;
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelNull, CelString, CelTimestamp, CelUInt,
};
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use domain::{
    Config, Criticality, Environment, Event, Incident, Labels, ServiceId, TenantId, Tier, Timestamp,
};

/// Fields of the `event` variable, in [`FieldSet`] bit order.
pub(crate) const EVENT_FIELDS: &[&str] = &[
    "summary",
    "severity",
    "action",
    "source",
    "labels",
    "annotations",
    "dedup_key",
    "kind",
    "resources",
    "occurred_at",
    "ends_at",
    "details",
];
pub(crate) const TENANT_FIELDS: &[&str] = &["id", "name", "tier"];
pub(crate) const SERVICE_FIELDS: &[&str] = &["id", "name", "criticality", "environment"];
pub(crate) const INCIDENT_FIELDS: &[&str] = &[
    "id",
    "title",
    "status",
    "severity",
    "priority",
    "priority_reason",
    "alert_count",
    "active_alert_count",
    "event_count",
    "created_at",
    "group_key",
    "labels",
];

/// What a rule may name: variables, and for map variables their fields
/// (`None`: a scalar such as `now`).
pub(crate) struct Schema {
    pub variables: &'static [(&'static str, Option<&'static [&'static str]>)],
}

pub(crate) const EVENT_SCHEMA: Schema = Schema {
    variables: &[
        ("event", Some(EVENT_FIELDS)),
        ("tenant", Some(TENANT_FIELDS)),
        ("service", Some(SERVICE_FIELDS)),
        ("now", None),
    ],
};

pub(crate) const INCIDENT_SCHEMA: Schema = Schema {
    variables: &[
        ("incident", Some(INCIDENT_FIELDS)),
        ("change", None),
        ("tenant", Some(TENANT_FIELDS)),
        ("service", Some(SERVICE_FIELDS)),
        ("now", None),
    ],
};

impl Schema {
    pub fn variable(&self, name: &str) -> Option<Option<&'static [&'static str]>> {
        self.variables.iter().find(|(n, _)| *n == name).map(|(_, fields)| *fields)
    }

    pub fn names(&self) -> String {
        self.variables.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
    }
}

/// Which `event` fields some rule reads; the others are never built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct FieldSet(u32);

impl FieldSet {
    pub const ALL: Self = Self(u32::MAX);

    pub fn insert(&mut self, field: &str) {
        if let Some(bit) = EVENT_FIELDS.iter().position(|f| *f == field) {
            self.0 |= 1 << bit;
        }
    }

    pub fn union(&mut self, other: Self) {
        self.0 |= other.0;
    }

    fn contains(self, field: &str) -> bool {
        EVENT_FIELDS.iter().position(|f| *f == field).is_some_and(|bit| self.0 & (1 << bit) != 0)
    }
}

/// What changed about an incident when its rules run (the `change` variable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncidentChange {
    Opened,
    AlertAttached,
    SeverityRaised,
    Acknowledged,
    Resolved,
}

impl IncidentChange {
    pub const ALL: [Self; 5] = [
        Self::Opened,
        Self::AlertAttached,
        Self::SeverityRaised,
        Self::Acknowledged,
        Self::Resolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Opened => "opened",
            Self::AlertAttached => "alert_attached",
            Self::SeverityRaised => "severity_raised",
            Self::Acknowledged => "acknowledged",
            Self::Resolved => "resolved",
        }
    }
}

/// The tenant and service an event or incident belongs to, as rules see them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub tenant_id: &'a str,
    pub tenant_name: &'a str,
    pub tier: Tier,
    pub service_id: &'a str,
    pub service_name: &'a str,
    pub criticality: Criticality,
    pub environment: Environment,
}

impl<'a> Scope<'a> {
    /// Looks the tenant and service up in the config. Ones the config does
    /// not know get the engine's defaults for priority (bronze, medium,
    /// production), so rules and priority agree.
    pub fn lookup(config: &'a Config, tenant: &'a TenantId, service: &'a ServiceId) -> Self {
        let tenant_config = config.tenant(tenant);
        let service_config = config.service(service);
        Self {
            tenant_id: tenant.as_str(),
            tenant_name: tenant_config.map_or(tenant.as_str(), |t| t.name.as_str()),
            tier: tenant_config.map_or(Tier::Bronze, |t| t.tier),
            service_id: service.as_str(),
            service_name: service_config.map_or(service.as_str(), |s| s.name.as_str()),
            criticality: service_config.map_or(Criticality::Medium, |s| s.criticality),
            environment: service_config.map_or(Environment::Production, |s| s.environment),
        }
    }
}

type Entries<'v> = Vec<(CelString<'v>, Box<dyn Val + 'v>)>;
/// A map of mixed values: `event`, `incident`, objects in `event.details`.
type ObjectMap<'v> = SortedMap<'v, Box<dyn Val + 'v>>;
/// `labels`, `annotations`, `tenant`, `service`: strings only, no boxes.
type StringMap<'v> = SortedMap<'v, CelString<'v>>;

fn put<'v>(entries: &mut Entries<'v>, name: &'v str, value: impl Val + 'v) {
    entries.push((CelString::from(name), Box::new(value)));
}

fn string_map(map: &Labels) -> StringMap<'_> {
    SortedMap::new(
        map.iter()
            .map(|(name, value)| (CelString::from(name.as_str()), CelString::from(value.as_str())))
            .collect(),
    )
}

fn strings<'v>(entries: &[(&'v str, &'v str)]) -> StringMap<'v> {
    SortedMap::new(
        entries.iter().map(|(k, v)| (CelString::from(*k), CelString::from(*v))).collect(),
    )
}

pub(crate) fn timestamp(at: Timestamp) -> CelTimestamp {
    let nanos = at.as_nanosecond();
    let seconds = i64::try_from(nanos.div_euclid(1_000_000_000)).unwrap_or_default();
    let subsec = u32::try_from(nanos.rem_euclid(1_000_000_000)).unwrap_or_default();
    let utc = chrono::DateTime::from_timestamp(seconds, subsec).unwrap_or_default();
    CelTimestamp::from(utc.fixed_offset())
}

/// Bounds how deep `event.details` is converted; deeper values become null.
const MAX_DETAILS_DEPTH: usize = 32;

fn json(value: &serde_json::Value, depth: usize) -> Box<dyn Val + '_> {
    use serde_json::Value as J;
    if depth > MAX_DETAILS_DEPTH {
        return Box::new(CelNull);
    }
    match value {
        J::Null => Box::new(CelNull),
        J::Bool(b) => Box::new(CelBool::from(*b)),
        J::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Box::new(CelInt::from(i)),
            (None, Some(u)) => Box::new(CelUInt::from(u)),
            (None, None) => Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN))),
        },
        J::String(s) => Box::new(CelString::from(s.as_str())),
        J::Array(items) => Box::new(CelList::from(
            items.iter().map(|item| json(item, depth + 1)).collect::<Vec<_>>(),
        )),
        J::Object(fields) => {
            let entries: Entries<'_> = fields
                .iter()
                .map(|(name, item)| (CelString::from(name.as_str()), json(item, depth + 1)))
                .collect();
            Box::new(ObjectMap::new(entries))
        }
    }
}

fn tenant_map<'v>(scope: &Scope<'v>) -> StringMap<'v> {
    strings(&[("id", scope.tenant_id), ("name", scope.tenant_name), ("tier", scope.tier.as_str())])
}

fn service_map<'v>(scope: &Scope<'v>) -> StringMap<'v> {
    strings(&[
        ("id", scope.service_id),
        ("name", scope.service_name),
        ("criticality", scope.criticality.as_str()),
        ("environment", scope.environment.as_str()),
    ])
}

/// The variables of event rules: `event`, `tenant`, `service`, `now`.
pub(crate) struct EventVars<'v> {
    event: ObjectMap<'v>,
    tenant: StringMap<'v>,
    service: StringMap<'v>,
    now: CelTimestamp,
}

impl<'v> EventVars<'v> {
    pub fn new(event: &'v Event, scope: &Scope<'v>, now: Timestamp, used: FieldSet) -> Self {
        let mut entries = Entries::with_capacity(EVENT_FIELDS.len());
        let wanted = |field: &str| used.contains(field);
        if wanted("summary") {
            put(&mut entries, "summary", CelString::from(event.summary.as_str()));
        }
        if wanted("severity") {
            put(&mut entries, "severity", CelString::from(event.severity.as_str()));
        }
        if wanted("action") {
            put(&mut entries, "action", CelString::from(event.effective_action(now).as_str()));
        }
        if let (true, Some(source)) = (wanted("source"), &event.source) {
            put(&mut entries, "source", CelString::from(source.as_str()));
        }
        if wanted("labels") {
            put(&mut entries, "labels", string_map(&event.labels));
        }
        if wanted("annotations") {
            put(&mut entries, "annotations", string_map(&event.annotations));
        }
        if wanted("dedup_key") {
            put(&mut entries, "dedup_key", CelString::from(event.dedup_key.as_str()));
        }
        if wanted("kind") {
            put(&mut entries, "kind", CelString::from(event.source_kind.as_str()));
        }
        if wanted("resources") {
            let resources: Vec<Box<dyn Val + 'v>> = event
                .resources
                .iter()
                .map(|r| Box::new(CelString::from(r.as_str())) as Box<dyn Val + 'v>)
                .collect();
            put(&mut entries, "resources", CelList::from(resources));
        }
        if let (true, Some(at)) = (wanted("occurred_at"), event.occurred_at) {
            put(&mut entries, "occurred_at", timestamp(at));
        }
        if let (true, Some(at)) = (wanted("ends_at"), event.ends_at) {
            put(&mut entries, "ends_at", timestamp(at));
        }
        if wanted("details") {
            entries.push((CelString::from("details"), json(&event.details, 0)));
        }
        Self {
            event: SortedMap::new(entries),
            tenant: tenant_map(scope),
            service: service_map(scope),
            now: timestamp(now),
        }
    }
}

impl VariableResolver for EventVars<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        let value: &'b (dyn Val + 'b) = match variable {
            "event" => &self.event,
            "tenant" => &self.tenant,
            "service" => &self.service,
            "now" => &self.now,
            _ => return None,
        };
        Some(CowVal::Borrowed(value))
    }
}

/// The variables of incident rules: `incident`, `change`, `tenant`, `service`, `now`.
pub(crate) struct IncidentVars<'v> {
    incident: ObjectMap<'v>,
    change: CelString<'static>,
    tenant: StringMap<'v>,
    service: StringMap<'v>,
    now: CelTimestamp,
}

impl<'v> IncidentVars<'v> {
    pub fn new(
        incident: &'v Incident,
        labels: Option<&'v Labels>,
        change: IncidentChange,
        scope: &Scope<'v>,
        now: Timestamp,
    ) -> Self {
        let mut entries = Entries::with_capacity(INCIDENT_FIELDS.len());
        put(&mut entries, "id", CelInt::from(incident.id.0));
        put(&mut entries, "title", CelString::from(incident.title.as_str()));
        put(&mut entries, "status", CelString::from(incident.status.as_str()));
        put(&mut entries, "severity", CelString::from(incident.severity.as_str()));
        put(&mut entries, "priority", CelString::from(incident.priority.to_string()));
        put(&mut entries, "priority_reason", CelString::from(incident.priority_reason.as_str()));
        put(&mut entries, "alert_count", CelInt::from(incident.alert_count));
        put(&mut entries, "active_alert_count", CelInt::from(incident.active_alert_count));
        put(&mut entries, "event_count", CelInt::from(incident.event_count));
        put(&mut entries, "created_at", timestamp(incident.created_at));
        put(&mut entries, "group_key", CelString::from(incident.group_key.as_str()));
        let labels = match labels {
            Some(labels) => string_map(labels),
            None => SortedMap::new(Vec::new()),
        };
        put(&mut entries, "labels", labels);
        Self {
            incident: SortedMap::new(entries),
            change: CelString::from(change.as_str()),
            tenant: tenant_map(scope),
            service: service_map(scope),
            now: timestamp(now),
        }
    }
}

impl VariableResolver for IncidentVars<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        let value: &'b (dyn Val + 'b) = match variable {
            "incident" => &self.incident,
            "change" => &self.change,
            "tenant" => &self.tenant,
            "service" => &self.service,
            "now" => &self.now,
            _ => return None,
        };
        Some(CowVal::Borrowed(value))
    }
}
