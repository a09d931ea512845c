//! Conversions between domain values and columns, the audit hash, and multi-row SQL.

use domain::{
    AlertStatus, ChannelId, IncidentStatus, Labels, NotifyReason, Priority, ServiceId, Severity,
    SourceKind, TenantId, TimelineKind, Timestamp,
};
use sha2::{Digest, Sha256};

use crate::StoreError;

/// One bind parameter. Rows are built as `Vec<Param>` once, then bound by
/// whichever engine runs the statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param<'a> {
    Int(i64),
    OptInt(Option<i64>),
    Text(&'a str),
    OptText(Option<&'a str>),
    Owned(String),
    Bool(bool),
    OptBytes(Option<&'a [u8]>),
}

/// Bodies at least this long are stored compressed on SQLite: below it, lz4
/// saves little and the header costs four bytes.
pub(crate) const COMPRESS_BODIES_FROM: usize = 256;

/// A request body made ready for its row where the request was read, so
/// that the engine loop, which writes every row, does not compress it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredBody {
    /// The text as received.
    Text(String),
    /// An lz4 block, the uncompressed size first (SQLite's `body_lz4`).
    Lz4(Vec<u8>),
}

impl StoredBody {
    /// `body` compressed when `compress` says the store does it (see
    /// [`crate::Store::compresses_bodies`]), it is long enough for lz4 to
    /// help, and the block is smaller; else the text.
    pub fn new(body: &str, compress: bool) -> Self {
        if compress && body.len() >= COMPRESS_BODIES_FROM {
            let block = lz4_flex::compress_prepend_size(body.as_bytes());
            if block.len() < body.len() {
                return StoredBody::Lz4(block);
            }
        }
        StoredBody::Text(body.to_owned())
    }

    /// Its `(body, body_lz4)` columns: the text and no block, or an empty
    /// text and the block.
    pub(crate) fn columns(&self) -> (Param<'_>, Param<'_>) {
        match self {
            StoredBody::Text(text) => (Param::Text(text), Param::OptBytes(None)),
            StoredBody::Lz4(block) => (Param::Text(""), Param::OptBytes(Some(block))),
        }
    }
}

/// The body [`StoredBody`] stored: the text, or the block decompressed.
pub(crate) fn read_body(id: i64, text: String, lz4: Option<Vec<u8>>) -> Result<String, StoreError> {
    let Some(block) = lz4 else { return Ok(text) };
    let bad = |message: String| {
        StoreError::Corrupt(format!("payloads.body_lz4 of payload {id}: {message}"))
    };
    // lz4 grows a block at most about 255-fold: a larger stated size is
    // damage, refused before anything is allocated for it.
    let stated = match block.first_chunk::<4>() {
        Some(size) => u32::from_le_bytes(*size) as usize,
        None => return Err(bad("shorter than its size".to_owned())),
    };
    if stated > (block.len() - 4).saturating_mul(255) + 16 {
        return Err(bad(format!("{stated} bytes stated for a block of {}", block.len())));
    }
    let bytes = lz4_flex::decompress_size_prepended(&block).map_err(|e| bad(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| bad(e.to_string()))
}

/// Timestamps are stored as unix milliseconds; finer precision is truncated.
pub(crate) fn millis(at: Timestamp) -> i64 {
    at.as_millisecond()
}

pub(crate) fn opt_millis(at: Option<Timestamp>) -> Option<i64> {
    at.map(millis)
}

pub(crate) fn timestamp(column: &str, value: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_millisecond(value)
        .map_err(|error| corrupt(column, &value.to_string(), &error.to_string()))
}

pub(crate) fn opt_timestamp(
    column: &str,
    value: Option<i64>,
) -> Result<Option<Timestamp>, StoreError> {
    value.map(|value| timestamp(column, value)).transpose()
}

pub(crate) fn corrupt(column: &str, value: &str, problem: &str) -> StoreError {
    let mut shown: String = value.chars().take(80).collect();
    if shown.len() < value.len() {
        shown.push('…');
    }
    StoreError::Corrupt(format!("{column} = {shown:?}: {problem}"))
}

pub(crate) fn tenant(column: &str, value: &str) -> Result<TenantId, StoreError> {
    TenantId::parse(value).map_err(|error| corrupt(column, value, &error.to_string()))
}

pub(crate) fn service(column: &str, value: &str) -> Result<ServiceId, StoreError> {
    ServiceId::parse(value).map_err(|error| corrupt(column, value, &error.to_string()))
}

pub(crate) fn channel(column: &str, value: &str) -> Result<ChannelId, StoreError> {
    ChannelId::parse(value).map_err(|error| corrupt(column, value, &error.to_string()))
}

pub(crate) fn severity(column: &str, value: &str) -> Result<Severity, StoreError> {
    value.parse().map_err(|_| corrupt(column, value, "unknown severity"))
}

pub(crate) fn alert_status(column: &str, value: &str) -> Result<AlertStatus, StoreError> {
    AlertStatus::parse(value).ok_or_else(|| corrupt(column, value, "unknown alert status"))
}

pub(crate) fn opt_source_kind(
    column: &str,
    value: Option<String>,
) -> Result<Option<SourceKind>, StoreError> {
    value
        .map(|v| SourceKind::parse(&v).ok_or_else(|| corrupt(column, &v, "unknown source kind")))
        .transpose()
}

pub(crate) fn incident_status(column: &str, value: &str) -> Result<IncidentStatus, StoreError> {
    IncidentStatus::parse(value).ok_or_else(|| corrupt(column, value, "unknown incident status"))
}

pub(crate) fn timeline_kind(column: &str, value: &str) -> Result<TimelineKind, StoreError> {
    TimelineKind::parse(value).ok_or_else(|| corrupt(column, value, "unknown timeline kind"))
}

pub(crate) fn notify_reason(column: &str, value: &str) -> Result<NotifyReason, StoreError> {
    NotifyReason::parse(value).ok_or_else(|| corrupt(column, value, "unknown notification reason"))
}

pub(crate) fn delivery_status(
    column: &str,
    value: &str,
) -> Result<crate::DeliveryStatus, StoreError> {
    crate::DeliveryStatus::parse(value)
        .ok_or_else(|| corrupt(column, value, "unknown delivery status"))
}

pub(crate) fn priority(column: &str, value: i64) -> Result<Priority, StoreError> {
    match u8::try_from(value) {
        Ok(level @ 1..=5) => Ok(Priority::new(level)),
        _ => Err(corrupt(column, &value.to_string(), "priority must be 1..=5")),
    }
}

pub(crate) fn labels_json(labels: &Labels) -> Result<String, StoreError> {
    serde_json::to_string(labels)
        .map_err(|error| StoreError::Encode { what: "labels", message: error.to_string() })
}

pub(crate) fn labels(column: &str, value: &str) -> Result<Labels, StoreError> {
    serde_json::from_str(value).map_err(|error| corrupt(column, value, &error.to_string()))
}

pub(crate) fn triage_json(triage: &domain::Triage) -> Result<String, StoreError> {
    serde_json::to_string(triage)
        .map_err(|error| StoreError::Encode { what: "triage", message: error.to_string() })
}

pub(crate) fn triage(column: &str, value: &str) -> Result<domain::Triage, StoreError> {
    serde_json::from_str(value).map_err(|error| corrupt(column, value, &error.to_string()))
}

/// Matchers as `[{"name", "op", "value"}]`.
pub(crate) fn matchers_json(matchers: &[domain::suppression::Matcher]) -> String {
    let list: Vec<serde_json::Value> = matchers
        .iter()
        .map(|m| serde_json::json!({"name": m.name, "op": m.op.as_str(), "value": m.value}))
        .collect();
    serde_json::Value::Array(list).to_string()
}

pub(crate) fn matchers(
    column: &str,
    value: &str,
) -> Result<Vec<domain::suppression::Matcher>, StoreError> {
    use domain::suppression::{MatchOp, Matcher};
    let list: Vec<serde_json::Value> =
        serde_json::from_str(value).map_err(|error| corrupt(column, value, &error.to_string()))?;
    list.iter()
        .map(|item| {
            let field = |name: &str| item.get(name).and_then(serde_json::Value::as_str);
            let op = match field("op") {
                Some("=") => MatchOp::Equal,
                Some("!=") => MatchOp::NotEqual,
                Some("=~") => MatchOp::Regex,
                Some("!~") => MatchOp::NotRegex,
                _ => return Err(corrupt(column, value, "unknown matcher operator")),
            };
            let (Some(name), Some(text)) = (field("name"), field("value")) else {
                return Err(corrupt(column, value, "matcher without name or value"));
            };
            Matcher::new(name, op, text).map_err(|error| corrupt(column, value, &error.to_string()))
        })
        .collect()
}

pub(crate) fn json_text(value: &serde_json::Value) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|error| StoreError::Encode { what: "JSON detail", message: error.to_string() })
}

pub(crate) fn json(column: &str, value: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(value).map_err(|error| corrupt(column, value, &error.to_string()))
}

/// The key a receiver uses to drop duplicate deliveries of one notification.
pub(crate) fn idempotency_key(delivery_id: i64) -> String {
    format!("watchfloor-notification-{delivery_id}")
}

/// `prev_hash` of the first audit record.
pub(crate) const GENESIS_HASH: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// The stored fields of one audit record that its hash covers.
pub(crate) struct AuditFields<'a> {
    pub seq: i64,
    pub at_millis: i64,
    pub actor: &'a str,
    pub action: &'a str,
    pub tenant: Option<&'a str>,
    pub target: &'a str,
    /// The detail exactly as stored (JSON text), so the hash never depends on
    /// how a JSON library orders or formats a re-serialised value.
    pub detail_json: &'a str,
}

/// `hex(sha256(prev_hash ‖ "watchfloor-audit-v1" ‖ fields))`, each field
/// written as its 8-byte big-endian length then its UTF-8 bytes (an absent
/// tenant as the length `u64::MAX` and no bytes), integers in decimal.
pub(crate) fn audit_hash(prev_hash: &str, fields: &AuditFields<'_>) -> String {
    fn field(hasher: &mut Sha256, value: Option<&str>) {
        match value {
            Some(value) => {
                hasher.update((value.len() as u64).to_be_bytes());
                hasher.update(value.as_bytes());
            }
            None => hasher.update(u64::MAX.to_be_bytes()),
        }
    }
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    field(&mut hasher, Some("watchfloor-audit-v1"));
    field(&mut hasher, Some(&fields.seq.to_string()));
    field(&mut hasher, Some(&fields.at_millis.to_string()));
    field(&mut hasher, Some(fields.actor));
    field(&mut hasher, Some(fields.action));
    field(&mut hasher, fields.tenant);
    field(&mut hasher, Some(fields.target));
    field(&mut hasher, Some(fields.detail_json));
    hex::encode(hasher.finalize())
}

/// Row counts per multi-row statement. A batch is cut greedily into these
/// sizes, so each table needs at most this many distinct prepared statements.
const CHUNK_ROWS: [usize; 4] = [64, 16, 4, 1];

/// The sizes to cut `total` rows into, largest first.
pub(crate) fn chunk_sizes(mut total: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    for size in CHUNK_ROWS {
        while total >= size {
            sizes.push(size);
            total -= size;
        }
    }
    sizes
}

/// `{head} VALUES (?, ?), (?, ?){tail}` for `rows` rows of `columns`
/// columns, for SQLite. Its parameters are anonymous: SQLite looks a
/// numbered one up by a linear scan, so binding `$N` costs O(N) each and a
/// many-row insert O(N²) in all; anonymous ones bind in order at O(1).
pub(crate) fn values_sql(head: &str, columns: usize, rows: usize, tail: &str) -> String {
    let mut sql = String::with_capacity(head.len() + tail.len() + 16 + rows * columns * 6);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push('?');
        }
        sql.push(')');
    }
    sql.push_str(tail);
    sql
}

/// ` ON CONFLICT (id) DO UPDATE SET c = excluded.c, …` for every column but
/// `id`, `tenant` and the `fixed` ones, and `c = COALESCE(table.c,
/// excluded.c)` for the `set_once` ones (the first value given stays),
/// refusing (by updating nothing) a row of another tenant. A column that
/// never changes once written is left out of the `SET` list: SQLite rewrites
/// every index whose columns the list names, changed or not, and each such
/// entry is a random page of the WAL.
pub(crate) fn upsert_tail(
    table: &str,
    columns: &[&str],
    fixed: &[&str],
    set_once: &[&str],
) -> String {
    let set: Vec<String> = columns
        .iter()
        .filter(|c| !matches!(**c, "id" | "tenant") && !fixed.contains(c))
        .map(|c| match set_once.contains(c) {
            true => format!("{c} = COALESCE({table}.{c}, excluded.{c})"),
            false => format!("{c} = excluded.{c}"),
        })
        .collect();
    format!(
        " ON CONFLICT (id) DO UPDATE SET {} WHERE {table}.tenant = excluded.tenant",
        set.join(", ")
    )
}

/// The rows of an upsert batch in the order to write them: one per id (the
/// last given wins), closed ones first, so that closing an old row and opening
/// a new one with the same key in one batch never trips a uniqueness invariant.
pub(crate) fn upsert_order<T>(
    items: &[T],
    id: impl Fn(&T) -> i64,
    closed: impl Fn(&T) -> bool,
) -> Vec<&T> {
    let mut last = std::collections::HashMap::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        last.insert(id(item), index);
    }
    let mut chosen: Vec<&T> = items
        .iter()
        .enumerate()
        .filter(|(index, item)| last.get(&id(item)) == Some(index))
        .map(|(_, item)| item)
        .collect();
    chosen.sort_by_key(|item| !closed(item));
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upsert_order_keeps_the_last_version_and_puts_closed_rows_first() {
        // (id, closed, version)
        let items = [(1, false, 'a'), (2, false, 'a'), (1, true, 'b'), (3, false, 'a')];
        let ordered = upsert_order(&items, |i| i.0, |i| i.1);
        assert_eq!(ordered, vec![&(1, true, 'b'), &(2, false, 'a'), &(3, false, 'a')]);
    }

    #[test]
    fn chunks_cover_every_row_with_few_sizes() {
        for total in 0..300 {
            let sizes = chunk_sizes(total);
            assert_eq!(sizes.iter().sum::<usize>(), total);
            assert!(sizes.windows(2).all(|w| w[0] >= w[1]));
        }
        assert_eq!(chunk_sizes(70), vec![64, 4, 1, 1]);
    }

    #[test]
    fn values_sql_lists_every_row_between_head_and_tail() {
        assert_eq!(
            values_sql("INSERT INTO t (a, b)", 2, 2, " RETURNING a"),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?) RETURNING a"
        );
        assert_eq!(values_sql("INSERT INTO t (a)", 1, 1, ""), "INSERT INTO t (a) VALUES (?)");
    }

    #[test]
    fn bodies_are_compressed_only_when_long_and_smaller() {
        let short = "x".repeat(COMPRESS_BODIES_FROM - 1);
        assert_eq!(StoredBody::new(&short, true), StoredBody::Text(short.clone()));
        let long = "{\"alertname\":\"DiskFull\"},".repeat(40);
        assert_eq!(StoredBody::new(&long, false), StoredBody::Text(long.clone()), "not asked to");
        let stored = StoredBody::new(&long, true);
        let (Param::Text(""), Param::OptBytes(Some(block))) = stored.columns() else {
            panic!("a long repetitive body is compressed")
        };
        assert!(block.len() < long.len() / 4, "{} of {}", block.len(), long.len());
        assert_eq!(read_body(1, String::new(), Some(block.to_vec())).expect("decompresses"), long);
        assert_eq!(read_body(2, "as is".into(), None).expect("text"), "as is");
    }

    #[test]
    fn a_damaged_block_is_an_error_naming_its_payload() {
        let mut block = lz4_flex::compress_prepend_size("{\"a\":1}".repeat(50).as_bytes());
        block.truncate(block.len() / 2);
        let error = read_body(7, String::new(), Some(block)).expect_err("damaged");
        assert!(error.to_string().contains("payload 7"), "{error}");
        // A size that claims more than the block holds, and bytes that are not UTF-8.
        let lying = [0xff, 0xff, 0xff, 0x7f, 0x00];
        assert!(read_body(8, String::new(), Some(lying.to_vec())).is_err());
        let latin1 = lz4_flex::compress_prepend_size(&[0xe9; 300]);
        assert!(read_body(9, String::new(), Some(latin1)).is_err());
    }

    #[test]
    fn upsert_never_rewrites_id_tenant_or_fixed_columns() {
        let tail = upsert_tail(
            "alerts",
            &["id", "tenant", "incident_id", "status", "first"],
            &["incident_id"],
            &["first"],
        );
        assert_eq!(
            tail,
            " ON CONFLICT (id) DO UPDATE SET status = excluded.status, \
             first = COALESCE(alerts.first, excluded.first) WHERE alerts.tenant = excluded.tenant"
        );
    }

    #[test]
    fn audit_hash_covers_every_field() {
        let base = AuditFields {
            seq: 1,
            at_millis: 1_700_000_000_000,
            actor: "user:admin",
            action: "incident.resolve",
            tenant: Some("acme"),
            target: "incident:1",
            detail_json: "null",
        };
        let hash = audit_hash(GENESIS_HASH, &base);
        assert_eq!(hash.len(), 64);
        assert_eq!(hash, audit_hash(GENESIS_HASH, &base));
        let variants = [
            AuditFields { seq: 2, ..base },
            AuditFields { at_millis: 1, ..base },
            AuditFields { actor: "user:other", ..base },
            AuditFields { action: "incident.note", ..base },
            AuditFields { tenant: None, ..base },
            AuditFields { tenant: Some(""), ..base },
            AuditFields { target: "incident:2", ..base },
            AuditFields { detail_json: "{}", ..base },
        ];
        for variant in &variants {
            assert_ne!(hash, audit_hash(GENESIS_HASH, variant));
        }
        assert_ne!(hash, audit_hash(&hash, &base));
    }

    #[test]
    fn timestamps_round_trip_at_millisecond_precision() {
        let at: Timestamp = "2026-03-01T12:34:56.789Z".parse().expect("valid");
        assert_eq!(timestamp("t", millis(at)).expect("in range"), at);
        assert!(timestamp("t", i64::MAX).is_err());
    }

    #[test]
    fn priority_outside_one_to_five_is_corrupt() {
        assert_eq!(priority("p", 3).expect("valid"), Priority::new(3));
        assert!(priority("p", 0).is_err());
        assert!(priority("p", 6).is_err());
        assert!(priority("p", 256 + 3).is_err());
    }
}
