//! The active alerts, up to a million at a time. Each is one boxed
//! [`Active`]: its row's fixed fields, the hash of its key, and one
//! allocation holding its dedup key, summary, source and labels. Matching
//! a re-sent event against its alert reads those two places in memory and
//! the table's slot, where a row of owned strings and a map keyed by a
//! copied key read six. Growing the table hashes nothing again: each alert
//! keeps its hash.

use hashbrown::HashTable;

use domain::{
    Alert, AlertId, AlertStatus, IncidentId, LabelSet, Labels, ServiceId, Severity, SourceKind,
    TenantId, Timestamp,
};

use super::AlertKey;

/// Finds an active alert again without a copy of its key: the key's hash
/// and the alert's id (an alert removed, or replaced under the same key by
/// a newer one, is not found).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Handle {
    hash: u64,
    id: AlertId,
}

impl Handle {
    pub(super) fn id(self) -> AlertId {
        self.id
    }
}

/// An alert's strings in one allocation: first where each part ends (a
/// little-endian `u32` each, counted from the end of those), then the
/// parts: dedup key, summary, source (empty when there is none), and each
/// label's name and value, in name order.
#[derive(Debug)]
pub(super) struct AlertText {
    part_count: u32,
    has_source: bool,
    bytes: Box<[u8]>,
}

const KEY: usize = 0;
const SUMMARY: usize = 1;
const SOURCE: usize = 2;
const FIRST_LABEL: usize = 3;

impl AlertText {
    pub(super) fn new(
        dedup_key: &str,
        summary: &str,
        source: Option<&str>,
        labels: &Labels,
    ) -> Self {
        let fixed = [dedup_key, summary, source.unwrap_or_default()];
        let parts =
            || fixed.into_iter().chain(labels.iter().flat_map(|(n, v)| [n.as_str(), v.as_str()]));
        let count = FIRST_LABEL + 2 * labels.len();
        let text_len: usize = parts().map(str::len).sum();
        let mut bytes = Vec::with_capacity(4 * count + text_len);
        let mut end = 0;
        for part in parts() {
            end += part.len();
            // An alert's strings come from a request body of a few MiB at most.
            bytes.extend_from_slice(&u32::try_from(end).unwrap_or(u32::MAX).to_le_bytes());
        }
        for part in parts() {
            bytes.extend_from_slice(part.as_bytes());
        }
        Self {
            part_count: u32::try_from(count).unwrap_or(u32::MAX),
            has_source: source.is_some(),
            bytes: bytes.into_boxed_slice(),
        }
    }

    fn end(&self, index: usize) -> usize {
        let at = 4 * index;
        let bytes = self.bytes.get(at..at + 4).and_then(|b| <[u8; 4]>::try_from(b).ok());
        bytes.map_or(0, |b| u32::from_le_bytes(b) as usize)
    }

    fn part(&self, index: usize) -> &[u8] {
        let header = 4 * self.part_count as usize;
        let start = if index == 0 { 0 } else { self.end(index - 1) };
        self.bytes.get(header + start..header + self.end(index)).unwrap_or_default()
    }

    /// Every part was a `&str` and ends where one ended.
    fn text(&self, index: usize) -> &str {
        std::str::from_utf8(self.part(index)).unwrap_or_default()
    }

    pub(super) fn dedup_key(&self) -> &str {
        self.text(KEY)
    }

    pub(super) fn summary(&self) -> &str {
        self.text(SUMMARY)
    }

    pub(super) fn source(&self) -> Option<&str> {
        self.has_source.then(|| self.text(SOURCE))
    }

    fn label_count(&self) -> usize {
        (self.part_count as usize).saturating_sub(FIRST_LABEL) / 2
    }

    /// Name and value of each label, in name order.
    pub(super) fn labels(&self) -> impl Iterator<Item = (&str, &str)> {
        (0..self.label_count()).map(|i| {
            let at = FIRST_LABEL + 2 * i;
            (self.text(at), self.text(at + 1))
        })
    }

    fn unpack_labels(&self) -> Labels {
        self.labels().map(|(name, value)| (name.to_owned(), value.to_owned())).collect()
    }

    /// Whether an event with these would leave the text as it is (the key
    /// is the alert's own).
    pub(super) fn same_as(&self, summary: &str, source: Option<&str>, labels: &Labels) -> bool {
        self.part(SUMMARY) == summary.as_bytes()
            && self.has_source == source.is_some()
            && self.part(SOURCE) == source.unwrap_or_default().as_bytes()
            && self.label_count() == labels.len()
            && labels.iter().enumerate().all(|(i, (name, value))| {
                let at = FIRST_LABEL + 2 * i;
                self.part(at) == name.as_bytes() && self.part(at + 1) == value.as_bytes()
            })
    }
}

impl LabelSet for AlertText {
    fn label(&self, name: &str) -> Option<&str> {
        let at = (0..self.label_count())
            .map(|i| FIRST_LABEL + 2 * i)
            .find(|&at| self.part(at) == name.as_bytes())?;
        Some(self.text(at + 1))
    }
}

/// An active alert's row but for its dedup key, summary, source and
/// labels, which are in its [`AlertText`].
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ActiveRow {
    pub(super) id: AlertId,
    pub(super) tenant: TenantId,
    pub(super) service: ServiceId,
    pub(super) incident_id: IncidentId,
    pub(super) status: AlertStatus,
    pub(super) severity: Severity,
    pub(super) first_seen: Timestamp,
    pub(super) last_seen: Timestamp,
    pub(super) resolved_at: Option<Timestamp>,
    pub(super) event_count: i64,
    pub(super) attached_by: Option<SourceKind>,
    pub(super) resolved_by: Option<SourceKind>,
}

/// An active alert as the engine keeps it.
#[derive(Debug)]
pub(super) struct Active {
    pub(super) row: ActiveRow,
    pub(super) text: AlertText,
    hash: u64,
    /// Re-sent unchanged since its row was last taken (see the engine's
    /// `touched_order`).
    touched: bool,
    /// Its row is to go out with the next changes (see the engine's
    /// `dirty_alerts`).
    dirty: bool,
}

impl Active {
    pub(super) fn handle(&self) -> Handle {
        Handle { hash: self.hash, id: self.row.id }
    }

    pub(super) fn key(&self) -> AlertKey {
        (self.row.tenant.clone(), self.text.dedup_key().to_owned())
    }

    /// Replaces the summary, source and labels.
    pub(super) fn set_text(&mut self, summary: &str, source: Option<&str>, labels: &Labels) {
        self.text = AlertText::new(self.text.dedup_key(), summary, source, labels);
    }

    /// Marks it re-sent unchanged; whether it was not already.
    pub(super) fn mark_touched(&mut self) -> bool {
        !std::mem::replace(&mut self.touched, true)
    }

    pub(super) fn is_touched(&self) -> bool {
        self.touched
    }

    /// Whether it was touched; it is not any more.
    pub(super) fn take_touched(&mut self) -> bool {
        std::mem::take(&mut self.touched)
    }

    /// Puts its row among the next changes (once, however often it is asked).
    pub(super) fn mark_dirty(&mut self, dirty: &mut Vec<Handle>) {
        if !self.dirty {
            self.dirty = true;
            dirty.push(self.handle());
        }
    }

    pub(super) fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Whether it was dirty; it is not any more.
    pub(super) fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// The whole row. (Every field of [`Alert`] is named here, so a field
    /// added to it fails to compile until [`ActiveRow`] or the text keeps it.)
    pub(super) fn to_alert(&self) -> Alert {
        let (row, text) = (&self.row, &self.text);
        Alert {
            id: row.id,
            tenant: row.tenant.clone(),
            service: row.service.clone(),
            incident_id: row.incident_id,
            dedup_key: text.dedup_key().to_owned(),
            status: row.status,
            severity: row.severity,
            summary: text.summary().to_owned(),
            source: text.source().map(str::to_owned),
            labels: text.unpack_labels(),
            first_seen: row.first_seen,
            last_seen: row.last_seen,
            resolved_at: row.resolved_at,
            event_count: row.event_count,
            attached_by: row.attached_by,
            resolved_by: row.resolved_by,
        }
    }
}

/// The active alerts by tenant and dedup key.
#[derive(Debug, Default)]
pub(super) struct ActiveAlerts {
    table: HashTable<Box<Active>>,
    /// foldhash, as the engine's other maps: see `FastMap`.
    hasher: foldhash::quality::RandomState,
}

fn has_key(tenant: &TenantId, dedup_key: &str) -> impl Fn(&Box<Active>) -> bool {
    move |active| active.row.tenant == *tenant && active.text.part(KEY) == dedup_key.as_bytes()
}

impl ActiveAlerts {
    fn hash(&self, tenant: &TenantId, dedup_key: &str) -> u64 {
        use std::hash::BuildHasher as _;
        self.hasher.hash_one((tenant.as_str(), dedup_key))
    }

    /// `row` as an active alert, to insert; its labels are taken from
    /// `labels`, whatever `row` holds.
    pub(super) fn make(&self, row: Alert, labels: &Labels) -> Box<Active> {
        let text = AlertText::new(&row.dedup_key, &row.summary, row.source.as_deref(), labels);
        let hash = self.hash(&row.tenant, &row.dedup_key);
        let row = ActiveRow {
            id: row.id,
            tenant: row.tenant,
            service: row.service,
            incident_id: row.incident_id,
            status: row.status,
            severity: row.severity,
            first_seen: row.first_seen,
            last_seen: row.last_seen,
            resolved_at: row.resolved_at,
            event_count: row.event_count,
            attached_by: row.attached_by,
            resolved_by: row.resolved_by,
        };
        Box::new(Active { row, text, hash, touched: false, dirty: false })
    }

    /// Adds an alert made by [`ActiveAlerts::make`] whose key is not taken.
    pub(super) fn insert(&mut self, active: Box<Active>) {
        debug_assert!(self.find(&active.row.tenant, active.text.dedup_key()).is_none());
        self.table.insert_unique(active.hash, active, |active| active.hash);
    }

    pub(super) fn get(&self, (tenant, dedup_key): &AlertKey) -> Option<&Active> {
        self.find(tenant, dedup_key)
    }

    pub(super) fn find(&self, tenant: &TenantId, dedup_key: &str) -> Option<&Active> {
        self.table.find(self.hash(tenant, dedup_key), has_key(tenant, dedup_key)).map(|a| &**a)
    }

    /// Looks up each key and reads what handling its event reads first (the
    /// alert, its text), one key after another with nothing depending on
    /// the last: the processor waits for those reads side by side rather
    /// than in turn, and handling the events next finds them in its cache.
    /// Among a million alerts, each such read is a trip to memory.
    pub(super) fn prefetch<'a>(&self, tenant: &TenantId, keys: impl Iterator<Item = &'a str>) {
        let mut seen = 0_u8;
        for key in keys {
            if let Some(active) = self.find(tenant, key) {
                seen ^= active.text.bytes.first().copied().unwrap_or_default();
            }
        }
        std::hint::black_box(seen);
    }

    pub(super) fn get_mut(&mut self, (tenant, dedup_key): &AlertKey) -> Option<&mut Active> {
        let hash = self.hash(tenant, dedup_key);
        self.table.find_mut(hash, has_key(tenant, dedup_key)).map(|a| &mut **a)
    }

    pub(super) fn contains_key(&self, key: &AlertKey) -> bool {
        self.get(key).is_some()
    }

    pub(super) fn remove(&mut self, (tenant, dedup_key): &AlertKey) -> Option<Box<Active>> {
        let hash = self.hash(tenant, dedup_key);
        let entry = self.table.find_entry(hash, has_key(tenant, dedup_key)).ok()?;
        Some(entry.remove().0)
    }

    pub(super) fn by_handle_mut(&mut self, handle: Handle) -> Option<&mut Active> {
        self.table.find_mut(handle.hash, |a| a.row.id == handle.id).map(|a| &mut **a)
    }

    pub(super) fn len(&self) -> usize {
        self.table.len()
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &Active> {
        self.table.iter().map(|a| &**a)
    }

    pub(super) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Active> {
        self.table.iter_mut().map(|a| &mut **a)
    }
}

#[cfg(test)]
mod tests {
    use domain::{AlertStatus, IncidentId, ServiceId, Severity};

    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_text_keeps_every_part_in_order() {
        let original = labels(&[("job", "node"), ("alertname", "Down"), ("empty", ""), ("é", "ü")]);
        let text = AlertText::new("key-1", "Disk full", Some("db1"), &original);
        assert_eq!(text.dedup_key(), "key-1");
        assert_eq!(text.summary(), "Disk full");
        assert_eq!(text.source(), Some("db1"));
        assert_eq!(text.unpack_labels(), original);
        assert_eq!(
            text.labels().collect::<Vec<_>>(),
            [("alertname", "Down"), ("empty", ""), ("job", "node"), ("é", "ü")]
        );
        assert_eq!(text.label("job"), Some("node"));
        assert_eq!(text.label("empty"), Some(""));
        assert_eq!(text.label("missing"), None);
        assert!(text.same_as("Disk full", Some("db1"), &original));
    }

    #[test]
    fn no_source_is_not_an_empty_source() {
        let none = AlertText::new("k", "s", None, &Labels::new());
        let empty = AlertText::new("k", "s", Some(""), &Labels::new());
        assert_eq!(none.source(), None);
        assert_eq!(empty.source(), Some(""));
        assert!(!none.same_as("s", Some(""), &Labels::new()));
        assert!(!empty.same_as("s", None, &Labels::new()));
        assert!(none.same_as("s", None, &Labels::new()));
        assert_eq!(none.labels().count(), 0);
    }

    #[test]
    fn any_changed_part_is_not_the_same() {
        let original = labels(&[("alertname", "Down"), ("job", "node")]);
        let text = AlertText::new("k", "Down", Some("n1"), &original);
        assert!(!text.same_as("Down!", Some("n1"), &original));
        assert!(!text.same_as("Down", Some("n2"), &original));
        assert!(!text.same_as(
            "Down",
            Some("n1"),
            &labels(&[("alertname", "Down"), ("job", "api")])
        ));
        assert!(!text.same_as("Down", Some("n1"), &labels(&[("alertname", "Down")])));
        let more = labels(&[("alertname", "Down"), ("job", "node"), ("x", "")]);
        assert!(!text.same_as("Down", Some("n1"), &more));
        // Where the boundary between two parts falls counts too.
        let moved = labels(&[("alertnameD", "own"), ("job", "node")]);
        assert!(!text.same_as("Down", Some("n1"), &moved));
        assert!(!text.same_as("Dow", Some("nn1"), &original));
    }

    /// A row whose every field differs from the others of its type, so
    /// that a field carried into the wrong one shows.
    fn row(id: i64, tenant: &TenantId, dedup_key: &str) -> Alert {
        let at = |second| jiff::Timestamp::from_second(second).expect("in range");
        Alert {
            id: AlertId(id),
            tenant: tenant.clone(),
            service: ServiceId::parse("web").expect("a valid id"),
            incident_id: IncidentId(id + 100),
            dedup_key: dedup_key.to_owned(),
            status: AlertStatus::Acknowledged,
            severity: Severity::Warning,
            summary: format!("summary of {dedup_key}"),
            source: Some(format!("source of {dedup_key}")),
            labels: labels(&[("ignored", "row labels")]),
            first_seen: at(1),
            last_seen: at(2),
            resolved_at: Some(at(3)),
            event_count: 7,
            attached_by: Some(SourceKind::Grafana),
            resolved_by: Some(SourceKind::PagerDuty),
        }
    }

    #[test]
    fn alerts_are_found_by_tenant_and_key_and_by_handle_until_removed() {
        let acme = TenantId::parse("acme").expect("a valid id");
        let globex = TenantId::parse("globex").expect("a valid id");
        let mut alerts = ActiveAlerts::default();
        let real = labels(&[("alertname", "Down")]);
        for (id, tenant) in [(1, &acme), (2, &globex)] {
            alerts.insert(alerts.make(row(id, tenant, "k"), &real));
        }
        let key = (acme.clone(), "k".to_owned());
        let active = alerts.get(&key).expect("inserted");
        assert_eq!(active.row.id, AlertId(1));
        let expected = Alert { labels: real.clone(), ..row(1, &acme, "k") };
        assert_eq!(active.to_alert(), expected);
        let handle = active.handle();
        assert!(alerts.get(&(acme.clone(), "K".to_owned())).is_none());
        assert_eq!(alerts.len(), 2);

        assert_eq!(alerts.remove(&key).map(|a| a.to_alert()), Some(expected));
        assert!(alerts.by_handle_mut(handle).is_none());
        // The same key again is a new alert: the old handle does not find it.
        alerts.insert(alerts.make(row(3, &acme, "k"), &real));
        assert!(alerts.by_handle_mut(handle).is_none());
        let handle = alerts.get(&key).expect("inserted again").handle();
        assert_eq!(alerts.by_handle_mut(handle).map(|a| a.row.id), Some(AlertId(3)));
        assert_eq!(alerts.get(&(globex, "k".to_owned())).map(|a| a.row.id), Some(AlertId(2)));
    }

    #[test]
    fn marks_are_set_once_and_taken_once() {
        let acme = TenantId::parse("acme").expect("a valid id");
        let alerts = ActiveAlerts::default();
        let mut active = alerts.make(row(1, &acme, "k"), &Labels::new());
        let mut dirty = Vec::new();
        active.mark_dirty(&mut dirty);
        active.mark_dirty(&mut dirty);
        assert_eq!(dirty, [active.handle()]);
        assert!(active.take_dirty());
        assert!(!active.is_dirty());
        assert!(active.mark_touched(), "newly touched");
        assert!(!active.mark_touched(), "already touched");
        assert!(active.take_touched());
        assert!(!active.take_touched());
        assert!(!active.is_touched());
    }
}
