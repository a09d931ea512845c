//! The `maintenance` and `inhibit` sections and `grouping.flapping`: what holds pages back.

use domain::suppression::{Flapping, InhibitRule, MaintenanceWindow, Matcher};
use domain::{ServiceId, TenantId};

use super::{At, Checker, index};
use crate::yaml::Node;

const MAINTENANCE_KEYS: &[&str] = &["id", "tenant", "services", "time_zone", "windows"];
const INHIBIT_KEYS: &[&str] = &["id", "source", "target", "equal"];
const FLAPPING_KEYS: &[&str] = &["changes", "window"];
/// Bounds of `grouping.flapping.changes`.
pub const FLAPPING_CHANGES_RANGE: std::ops::RangeInclusive<u32> = 2..=1000;

/// A maintenance window and the references it makes, checked later.
pub(super) struct MaintenanceDraft {
    pub window: Option<MaintenanceWindow>,
    pub id: Option<At<String>>,
    pub tenant: Option<At<TenantId>>,
    pub services: Vec<At<ServiceId>>,
}

impl Checker<'_> {
    pub(super) fn read_maintenance(&mut self, node: &Node, path: &str) -> MaintenanceDraft {
        let mut draft = MaintenanceDraft { window: None, id: None, tenant: None, services: vec![] };
        let Some(fields) = self.fields(node, path, "a maintenance window", MAINTENANCE_KEYS) else {
            return draft;
        };
        let id = self.required(&fields, "id").and_then(|n| {
            let path = fields.path("id");
            let text = self.non_empty_string(n, &path)?;
            Some(At { value: text, mark: n.mark, path })
        });
        draft.tenant = self
            .required(&fields, "tenant")
            .and_then(|n| self.id(n, &fields.path("tenant"), "tenant id", TenantId::parse));
        draft.services = self.id_list(
            fields.get("services"),
            &fields.path("services"),
            "service id",
            ServiceId::parse,
        );
        let (time_zone, windows) = self.zoned_windows(&fields, "a maintenance window");
        if let (Some(id), Some(tenant), Some(time_zone), Some(windows)) =
            (&id, &draft.tenant, time_zone, windows)
        {
            draft.window = Some(MaintenanceWindow {
                id: id.value.clone(),
                tenant: tenant.value.clone(),
                services: draft.services.iter().map(|s| s.value.clone()).collect(),
                time_zone,
                windows,
            });
        }
        draft.id = id;
        draft
    }

    pub(super) fn read_inhibit_rule(&mut self, node: &Node, path: &str) -> Option<InhibitRule> {
        let fields = self.fields(node, path, "an inhibition rule", INHIBIT_KEYS)?;
        let id = self.required(&fields, "id").and_then(|n| {
            let path = fields.path("id");
            self.non_empty_string(n, &path)
        });
        let source = self.required(&fields, "source").and_then(|n| {
            let path = fields.path("source");
            self.matchers(n, &path)
        });
        let target = self.required(&fields, "target").and_then(|n| {
            let path = fields.path("target");
            self.matchers(n, &path)
        });
        let equal = match fields.get("equal") {
            Some(n) => self.labels(n, &fields.path("equal")),
            None => Some(Vec::new()),
        };
        Some(InhibitRule { id: id?, source: source?, target: target?, equal: equal? })
    }

    /// A non-empty list of matchers such as `alertname=~"Vpn.*"`.
    fn matchers(&mut self, node: &Node, path: &str) -> Option<Vec<Matcher>> {
        let items = self.list(node, path, "matchers")?;
        if items.is_empty() {
            self.error(node.mark, path, "needs at least one matcher, or it would match everything");
            return None;
        }
        let before = self.diagnostics.len();
        let mut matchers = Vec::new();
        for (position, item) in items.iter().enumerate() {
            let item_path = index(path, position);
            let Some(text) = self.string(item, &item_path) else { continue };
            match Matcher::parse(&text) {
                Ok(matcher) => matchers.push(matcher),
                Err(error) => self.error(item.mark, &item_path, error.to_string()),
            }
        }
        (self.diagnostics.len() == before).then_some(matchers)
    }

    pub(super) fn read_flapping(&mut self, node: &Node, path: &str, flapping: &mut Flapping) {
        let Some(fields) = self.fields(node, path, "flapping detection", FLAPPING_KEYS) else {
            return;
        };
        if let Some(n) = fields.get("changes")
            && let Some(changes) = self.integer(n, &fields.path("changes"), FLAPPING_CHANGES_RANGE)
        {
            flapping.changes = changes;
        }
        if let Some(n) = fields.get("window") {
            let path = fields.path("window");
            if let Some(window) = self.duration(n, &path) {
                if window.is_zero() {
                    self.error(n.mark, &path, "the flapping window must be longer than zero");
                } else {
                    flapping.window = window;
                }
            }
        }
    }
}
