//! Every read written once: a macro over the concrete sqlx pool type, instantiated by `sqlite.rs` and `postgres.rs`; the statement texts of reads and writes. The write transactions are in `write.rs`.

/// Statement texts shared by both engines, built once.
pub(crate) mod sql {
    use std::sync::LazyLock;

    use crate::codec::upsert_tail;
    use crate::rows::{self, column_list};

    pub(crate) static INCIDENT_SELECT: LazyLock<String> =
        LazyLock::new(|| format!("SELECT {} FROM incidents", column_list(&rows::INCIDENT_COLUMNS)));
    pub(crate) static INCIDENT_INSERT: LazyLock<String> = LazyLock::new(|| {
        format!("INSERT INTO incidents ({})", column_list(&rows::INCIDENT_COLUMNS))
    });
    pub(crate) static INCIDENT_UPSERT_TAIL: LazyLock<String> = LazyLock::new(|| {
        upsert_tail("incidents", &rows::INCIDENT_COLUMNS, &rows::INCIDENT_FIXED, &[])
    });
    /// Open incidents (of the statuses `$1` and `$2`), newest change first:
    /// the partial index on open group keys finds them, and they are sorted
    /// (there are as many as the engine holds in memory). No index by
    /// `updated_at` covers them: every change would move its entry.
    pub(crate) static LIST_OPEN_INCIDENTS: LazyLock<String> =
        LazyLock::new(|| list_incidents("status <> 'resolved' AND status IN ($1, $2)", 3));
    pub(crate) static LIST_OPEN_INCIDENTS_OF_TENANT: LazyLock<String> = LazyLock::new(|| {
        list_incidents("status <> 'resolved' AND status IN ($1, $2) AND tenant = $3", 4)
    });
    /// Resolved incidents, newest change first, read in order from the
    /// partial indexes by `updated_at` (schema version 8).
    pub(crate) static LIST_RESOLVED_INCIDENTS: LazyLock<String> =
        LazyLock::new(|| list_incidents("status = 'resolved'", 1));
    pub(crate) static LIST_RESOLVED_INCIDENTS_OF_TENANT: LazyLock<String> =
        LazyLock::new(|| list_incidents("status = 'resolved' AND tenant = $1", 2));

    /// Incidents matching `filter`, newest change first; the limit is
    /// placeholder `limit`. Each partial index is used only by a query whose
    /// condition names the index's own, literally.
    fn list_incidents(filter: &str, limit: usize) -> String {
        format!(
            "{} WHERE {filter} ORDER BY updated_at DESC, id DESC LIMIT ${limit}",
            *INCIDENT_SELECT
        )
    }
    pub(crate) static OPEN_INCIDENTS: LazyLock<String> =
        LazyLock::new(|| format!("{} WHERE status <> 'resolved' ORDER BY id", *INCIDENT_SELECT));
    pub(crate) static INCIDENT_BY_ID: LazyLock<String> =
        LazyLock::new(|| format!("{} WHERE id = $1", *INCIDENT_SELECT));

    pub(crate) static ALERT_SELECT: LazyLock<String> =
        LazyLock::new(|| format!("SELECT {} FROM alerts", column_list(&rows::ALERT_COLUMNS)));
    pub(crate) static ALERT_INSERT: LazyLock<String> =
        LazyLock::new(|| format!("INSERT INTO alerts ({})", column_list(&rows::ALERT_COLUMNS)));
    pub(crate) static ALERT_UPSERT_TAIL: LazyLock<String> = LazyLock::new(|| {
        upsert_tail("alerts", &rows::ALERT_COLUMNS, &rows::ALERT_FIXED, &rows::ALERT_SET_ONCE)
    });
    pub(crate) static UNRESOLVED_ALERTS: LazyLock<String> = LazyLock::new(|| {
        format!("{} WHERE status <> 'resolved' AND id > $1 ORDER BY id LIMIT $2", *ALERT_SELECT)
    });
    pub(crate) static INCIDENT_ALERTS: LazyLock<String> = LazyLock::new(|| {
        format!("{} WHERE incident_id = $1 ORDER BY first_seen, id", *ALERT_SELECT)
    });

    /// The payload columns and `body_lz4` ([`crate::StoredBody::columns`]).
    pub(crate) static PAYLOAD_INSERT: LazyLock<String> = LazyLock::new(|| {
        format!("INSERT INTO payloads ({}, body_lz4)", column_list(&rows::PAYLOAD_COLUMNS))
    });
    pub(crate) static EVENT_INSERT: LazyLock<String> =
        LazyLock::new(|| format!("INSERT INTO events ({})", column_list(&rows::EVENT_COLUMNS)));
    /// Imported events: the usual columns and the external id; a known id is skipped.
    pub(crate) static IMPORT_EVENT_INSERT: LazyLock<String> = LazyLock::new(|| {
        format!(
            "INSERT INTO events ({}, external_id, engine_pending)",
            column_list(&rows::EVENT_COLUMNS)
        )
    });
    pub(crate) const IMPORT_EVENT_TAIL: &str =
        " ON CONFLICT (tenant, external_id) WHERE external_id IS NOT NULL DO NOTHING";
    /// Imported events marked for the engine, oldest first, with their file's service and kind.
    pub(crate) const ENGINE_PENDING: &str = "SELECT e.id, e.tenant, \
         p.integration_service, p.source_kind, p.received_at, e.details \
         FROM events e JOIN payloads p ON p.tenant = e.tenant AND p.id = e.payload_id \
         WHERE e.engine_pending ORDER BY e.id LIMIT $1";
    /// Clears one event's engine mark and links it to its alert, which must
    /// be of the event's tenant; touches no row that is not marked.
    pub(crate) const ENGINE_HANDLED: &str = "UPDATE events SET engine_pending = FALSE, alert_id = $2 \
         WHERE id = $1 AND engine_pending AND ($2 IS NULL OR EXISTS \
         (SELECT 1 FROM alerts a WHERE a.id = $2 AND a.tenant = events.tenant))";
    pub(crate) static TIMELINE_INSERT: LazyLock<String> = LazyLock::new(|| {
        format!("INSERT INTO timeline ({})", column_list(&rows::TIMELINE_COLUMNS))
    });
    /// An incident's lines: its timeline rows (`line` 0) and the lines read
    /// from its alerts' rows, "attached" (1) and "resolved" (2), whose
    /// `message` is the summary and `actor` the event's kind
    /// ([`rows::timeline_line_from_row`]). One statement, so one snapshot.
    /// Lines of the same millisecond (one engine turn, usually) go opened
    /// first, then the alerts' by alert (each one's "attached" before its
    /// "resolved"), then the rest in the order written.
    pub(crate) const INCIDENT_TIMELINE: &str = "\
         SELECT CAST(0 AS BIGINT) AS line, seq, tenant, incident_id, at, kind, message, actor, \
                CASE WHEN kind = 'opened' THEN 0 ELSE 2 END AS rank \
           FROM timeline WHERE incident_id = $1 \
         UNION ALL \
         SELECT 1, id, tenant, incident_id, first_seen, NULL, \
                COALESCE(attached_summary, summary), attached_by, 1 \
           FROM alerts WHERE incident_id = $1 AND attached_by IS NOT NULL \
         UNION ALL \
         SELECT 2, id, tenant, incident_id, resolved_at, NULL, summary, resolved_by, 1 \
           FROM alerts WHERE incident_id = $1 AND resolved_by IS NOT NULL \
         ORDER BY at, rank, seq, line";
    pub(crate) static OUTBOX_INSERT: LazyLock<String> = LazyLock::new(|| {
        format!("INSERT INTO outbox ({})", column_list(&rows::OUTBOX_INSERT_COLUMNS))
    });
    pub(crate) static DUE_DELIVERIES: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {} FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at, id LIMIT $2",
            rows::OUTBOX_COLUMNS
        )
    });
    pub(crate) static LIST_DELIVERIES: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {} FROM outbox WHERE ($1 IS NULL OR status = $1) ORDER BY id DESC LIMIT $2",
            rows::OUTBOX_COLUMNS
        )
    });
    pub(crate) const RECORD_DELIVERY: &str = "UPDATE outbox SET status = $2, \
         attempts = attempts + 1, next_attempt_at = COALESCE($3, next_attempt_at), \
         last_error = COALESCE($4, last_error), updated_at = $5 \
         WHERE id = $1 AND status = 'pending' AND tenant = $6 AND incident_id = $7";

    pub(crate) static AUDIT_INSERT: LazyLock<String> =
        LazyLock::new(|| format!("INSERT INTO audit_log ({})", column_list(&rows::AUDIT_COLUMNS)));
    pub(crate) static AUDIT_NEWEST: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {} FROM audit_log ORDER BY seq DESC LIMIT $1",
            column_list(&rows::AUDIT_COLUMNS)
        )
    });
    pub(crate) static AUDIT_PAGE: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            column_list(&rows::AUDIT_COLUMNS)
        )
    });
    pub(crate) const AUDIT_LAST: &str = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";

    pub(crate) const MAX_IDS: &str = "SELECT \
         (SELECT COALESCE(MAX(id), 0) FROM alerts) AS max_alert_id, \
         (SELECT COALESCE(MAX(id), 0) FROM incidents) AS max_incident_id, \
         (SELECT COALESCE(MAX(id), 0) FROM silences) AS max_silence_id";
    pub(crate) static SILENCE_SELECT: LazyLock<String> =
        LazyLock::new(|| format!("SELECT {} FROM silences", column_list(&rows::SILENCE_COLUMNS)));
    pub(crate) static SILENCE_INSERT: LazyLock<String> =
        LazyLock::new(|| format!("INSERT INTO silences ({})", column_list(&rows::SILENCE_COLUMNS)));
    pub(crate) static SILENCE_UPSERT_TAIL: LazyLock<String> =
        LazyLock::new(|| upsert_tail("silences", &rows::SILENCE_COLUMNS, &[], &[]));
    pub(crate) static LIVE_SILENCES: LazyLock<String> =
        LazyLock::new(|| format!("{} WHERE expired_at IS NULL ORDER BY id", *SILENCE_SELECT));
    pub(crate) static LIST_SILENCES: LazyLock<String> =
        LazyLock::new(|| format!("{} ORDER BY id DESC LIMIT $1", *SILENCE_SELECT));
    pub(crate) static SILENCE_BY_ID: LazyLock<String> =
        LazyLock::new(|| format!("{} WHERE id = $1", *SILENCE_SELECT));
    pub(crate) const COUNTS: &str = "SELECT \
         (SELECT COUNT(*) FROM payloads) AS payloads, \
         (SELECT COUNT(*) FROM events) AS events, \
         (SELECT COUNT(*) FROM alerts) AS alerts, \
         (SELECT COUNT(*) FROM incidents) AS incidents, \
         (SELECT COUNT(*) FROM incidents WHERE status <> 'resolved') AS open_incidents, \
         (SELECT COUNT(*) FROM timeline) \
           + (SELECT COUNT(attached_by) + COUNT(resolved_by) FROM alerts) AS timeline, \
         (SELECT COUNT(*) FROM outbox) AS outbox, \
         (SELECT COUNT(*) FROM audit_log) AS audit";
    pub(crate) const TENANT_OF_INCIDENT: &str = "SELECT tenant FROM incidents WHERE id = $1";
    pub(crate) const TENANT_OF_ALERT: &str = "SELECT tenant FROM alerts WHERE id = $1";
    pub(crate) const SCHEMA_VERSION: &str =
        "SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations";
}

/// How many audit rows `verify_audit_chain` reads per query.
pub(crate) const AUDIT_PAGE_ROWS: i64 = 1000;

/// Expands to a store struct over `sqlx::Pool<$db>` with every query method.
/// The caller's module must implement `RowReader` for the engine's row type.
macro_rules! store_impl {
    (
        $(#[$meta:meta])*
        pub struct $name:ident(sqlx::Pool<$db:ty>);
        engine: $engine:literal,
        // Starts a transaction that will write; must take the write lock up
        // front where the engine would otherwise fail a deferred upgrade.
        begin_write: $begin_write:literal,
        // Starts a read-only transaction that sees one snapshot.
        begin_read: $begin_read:literal,
        // Run first in the migration transaction.
        migration_lock: $migration_lock:expr,
        // Fields beyond the pool (built by the caller's constructor).
        fields: { $($field:ident: $field_ty:ty),* $(,)? },
        migrations: $migrations:expr $(,)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name {
            pool: sqlx::Pool<$db>,
            $($field: $field_ty,)*
        }

        impl $name {
            /// The connection pool, for what this crate does not offer (tests, diagnostics).
            pub fn pool(&self) -> &sqlx::Pool<$db> {
                &self.pool
            }

            pub fn engine_name(&self) -> &'static str {
                $engine
            }

            /// Applies the migrations not yet applied, all in one transaction.
            pub async fn migrate(&self) -> Result<(), $crate::StoreError> {
                self.migrate_through(i64::MAX).await
            }

            /// Applies the migrations not yet applied up to `version`.
            pub(crate) async fn migrate_through(
                &self,
                version: i64,
            ) -> Result<(), $crate::StoreError> {
                use $crate::rows::RowReader as _;
                let mut tx = self.pool.begin_with($begin_write).await?;
                for statement in $migration_lock {
                    sqlx::query(statement).execute(&mut *tx).await?;
                }
                sqlx::Executor::execute(&mut *tx, $crate::migrate::CREATE_TABLE).await?;
                let applied = sqlx::query("SELECT version, checksum FROM schema_migrations")
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(|row| Ok((row.int("version")?, row.text("checksum")?)))
                    .collect::<Result<Vec<_>, $crate::StoreError>>()?;
                let pending = $crate::migrate::pending($migrations, &applied)?;
                for migration in pending.into_iter().filter(|m| m.version <= version) {
                    sqlx::Executor::execute(&mut *tx, migration.sql).await.map_err(|source| {
                        $crate::StoreError::Migration { version: migration.version, source }
                    })?;
                    sqlx::query(
                        "INSERT INTO schema_migrations (version, name, checksum, applied_at) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(migration.version)
                    .bind(migration.name)
                    .bind($crate::migrate::checksum(migration.sql))
                    .bind(jiff::Timestamp::now().as_millisecond())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            /// The newest applied migration.
            pub async fn schema_version(&self) -> Result<i64, $crate::StoreError> {
                use $crate::rows::RowReader as _;
                let row = sqlx::query($crate::backend::sql::SCHEMA_VERSION)
                    .fetch_one(&self.pool)
                    .await?;
                row.int("version")
            }

            /// A cheap round trip, for readiness probes.
            pub async fn ping(&self) -> Result<(), $crate::StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            pub async fn load_state(&self) -> Result<$crate::LoadedState, $crate::StoreError> {
                use $crate::backend::sql;
                use $crate::rows::{self, RowReader as _};
                let mut tx = self.pool.begin_with($begin_read).await?;
                let incidents = sqlx::query(&sql::OPEN_INCIDENTS)
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(rows::incident_from_row)
                    .collect::<Result<Vec<_>, _>>()?;
                let silences = sqlx::query(&sql::LIVE_SILENCES)
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(rows::silence_from_row)
                    .collect::<Result<Vec<_>, _>>()?;
                let ids = sqlx::query(sql::MAX_IDS).fetch_one(&mut *tx).await?;
                let state = $crate::LoadedState {
                    incidents,
                    max_alert_id: ids.int("max_alert_id")?,
                    max_incident_id: ids.int("max_incident_id")?,
                    silences,
                    max_silence_id: ids.int("max_silence_id")?,
                };
                tx.commit().await?;
                Ok(state)
            }

            /// See [`crate::Store::unresolved_alerts`].
            pub async fn unresolved_alerts(
                &self,
                after_id: i64,
                limit: i64,
            ) -> Result<Vec<domain::Alert>, $crate::StoreError> {
                sqlx::query(&$crate::backend::sql::UNRESOLVED_ALERTS)
                    .bind(after_id)
                    .bind(limit.max(0))
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map($crate::rows::alert_from_row)
                    .collect()
            }

            /// See [`crate::Store::engine_pending`].
            pub async fn engine_pending(
                &self,
                limit: i64,
            ) -> Result<Vec<$crate::PendingImport>, $crate::StoreError> {
                use $crate::codec;
                use $crate::rows::RowReader as _;
                sqlx::query($crate::backend::sql::ENGINE_PENDING)
                    .bind(limit.max(0))
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|row| {
                        Ok($crate::PendingImport {
                            event_id: row.int("id")?,
                            tenant: codec::tenant("events.tenant", &row.text("tenant")?)?,
                            service: codec::service(
                                "payloads.integration_service",
                                &row.text("integration_service")?,
                            )?,
                            source_kind: row.text("source_kind")?,
                            imported_at: codec::timestamp(
                                "payloads.received_at",
                                row.int("received_at")?,
                            )?,
                            // A record that no longer reads as JSON must not
                            // hold up the ones behind it: the feed keeps it as
                            // history and clears its mark.
                            details: serde_json::from_str(&row.text("details")?)
                                .unwrap_or(serde_json::Value::Null),
                        })
                    })
                    .collect()
            }

            /// Silences, newest first, expired ones included.
            pub async fn list_silences(
                &self,
                limit: i64,
            ) -> Result<Vec<domain::suppression::Silence>, $crate::StoreError> {
                sqlx::query(&$crate::backend::sql::LIST_SILENCES)
                    .bind(limit.max(0))
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map($crate::rows::silence_from_row)
                    .collect()
            }

            pub async fn silence(
                &self,
                id: domain::SilenceId,
            ) -> Result<Option<domain::suppression::Silence>, $crate::StoreError> {
                sqlx::query(&$crate::backend::sql::SILENCE_BY_ID)
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?
                    .as_ref()
                    .map($crate::rows::silence_from_row)
                    .transpose()
            }

            pub async fn list_incidents(
                &self,
                filter: &$crate::IncidentFilter,
            ) -> Result<Vec<domain::Incident>, $crate::StoreError> {
                use domain::IncidentStatus;
                use $crate::backend::sql;
                let any = filter.statuses.is_empty();
                let open: Vec<&str> = [IncidentStatus::Triggered, IncidentStatus::Acknowledged]
                    .into_iter()
                    .filter(|status| any || filter.statuses.contains(status))
                    .map(|status| status.as_str())
                    .collect();
                let resolved = any || filter.statuses.contains(&IncidentStatus::Resolved);
                let tenant = filter.tenant.as_ref().map(|t| t.as_str());
                let limit = filter.limit.max(0);
                let mut rows = Vec::new();
                if let Some(&first) = open.first() {
                    let second = open.get(1).copied().unwrap_or(first);
                    let query = match tenant {
                        Some(tenant) => sqlx::query(&sql::LIST_OPEN_INCIDENTS_OF_TENANT)
                            .bind(first)
                            .bind(second)
                            .bind(tenant),
                        None => sqlx::query(&sql::LIST_OPEN_INCIDENTS).bind(first).bind(second),
                    };
                    rows.extend(query.bind(limit).fetch_all(&self.pool).await?);
                }
                if resolved {
                    let query = match tenant {
                        Some(tenant) => {
                            sqlx::query(&sql::LIST_RESOLVED_INCIDENTS_OF_TENANT).bind(tenant)
                        }
                        None => sqlx::query(&sql::LIST_RESOLVED_INCIDENTS),
                    };
                    rows.extend(query.bind(limit).fetch_all(&self.pool).await?);
                }
                let mut incidents = rows
                    .iter()
                    .map($crate::rows::incident_from_row)
                    .collect::<Result<Vec<domain::Incident>, _>>()?;
                incidents.sort_by(|a, b| (b.updated_at, b.id).cmp(&(a.updated_at, a.id)));
                incidents.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
                Ok(incidents)
            }

            pub async fn incident(
                &self,
                id: domain::IncidentId,
            ) -> Result<Option<domain::Incident>, $crate::StoreError> {
                sqlx::query(&$crate::backend::sql::INCIDENT_BY_ID)
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?
                    .as_ref()
                    .map($crate::rows::incident_from_row)
                    .transpose()
            }

            /// Every alert ever attached, oldest first.
            pub async fn incident_alerts(
                &self,
                id: domain::IncidentId,
            ) -> Result<Vec<domain::Alert>, $crate::StoreError> {
                sqlx::query(&$crate::backend::sql::INCIDENT_ALERTS)
                    .bind(id.0)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map($crate::rows::alert_from_row)
                    .collect()
            }

            pub async fn incident_timeline(
                &self,
                id: domain::IncidentId,
            ) -> Result<Vec<domain::TimelineEntry>, $crate::StoreError> {
                sqlx::query($crate::backend::sql::INCIDENT_TIMELINE)
                    .bind(id.0)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map($crate::rows::timeline_line_from_row)
                    .collect()
            }

            pub async fn due_deliveries(
                &self,
                now: domain::Timestamp,
                limit: i64,
            ) -> Result<Vec<$crate::Delivery>, $crate::StoreError> {
                sqlx::query(&$crate::backend::sql::DUE_DELIVERIES)
                    .bind($crate::codec::millis(now))
                    .bind(limit.max(0))
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map($crate::rows::delivery_from_row)
                    .collect()
            }

            /// Newest first.
            pub async fn list_deliveries(
                &self,
                status: Option<$crate::DeliveryStatus>,
                limit: i64,
            ) -> Result<Vec<$crate::Delivery>, $crate::StoreError> {
                sqlx::query(&$crate::backend::sql::LIST_DELIVERIES)
                    .bind(status.map($crate::DeliveryStatus::as_str))
                    .bind(limit.max(0))
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map($crate::rows::delivery_from_row)
                    .collect()
            }

            /// Payloads with an id above `after_id`, oldest first.
            pub async fn payloads_after(
                &self,
                after_id: i64,
                limit: i64,
            ) -> Result<Vec<$crate::StoredPayload>, $crate::StoreError> {
                use $crate::rows::RowReader as _;
                sqlx::query(
                    "SELECT id, tenant, integration_service, source_kind, received_at, body, \
                     body_lz4 FROM payloads WHERE id > $1 ORDER BY id LIMIT $2",
                )
                .bind(after_id)
                .bind(limit.max(0))
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| {
                    let id = row.int("id")?;
                    Ok($crate::StoredPayload {
                        id,
                        tenant: $crate::codec::tenant("tenant", &row.text("tenant")?)?,
                        integration_service: $crate::codec::service(
                            "integration_service",
                            &row.text("integration_service")?,
                        )?,
                        source_kind: row.text("source_kind")?,
                        received_at: $crate::codec::timestamp("received_at", row.int("received_at")?)?,
                        body: $crate::codec::read_body(
                            id,
                            row.text("body")?,
                            row.opt_bytes("body_lz4")?,
                        )?,
                    })
                })
                .collect()
            }

            pub async fn counts(&self) -> Result<$crate::Counts, $crate::StoreError> {
                use $crate::rows::RowReader as _;
                let row = sqlx::query($crate::backend::sql::COUNTS).fetch_one(&self.pool).await?;
                Ok($crate::Counts {
                    payloads: row.int("payloads")?,
                    events: row.int("events")?,
                    alerts: row.int("alerts")?,
                    incidents: row.int("incidents")?,
                    open_incidents: row.int("open_incidents")?,
                    timeline: row.int("timeline")?,
                    outbox: row.int("outbox")?,
                    audit: row.int("audit")?,
                })
            }

            /// Newest first.
            pub async fn audit_log(
                &self,
                limit: i64,
            ) -> Result<Vec<$crate::AuditRecord>, $crate::StoreError> {
                use $crate::rows::StoredAudit;
                sqlx::query(&$crate::backend::sql::AUDIT_NEWEST)
                    .bind(limit.max(0))
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|row| StoredAudit::from_row(row)?.into_record())
                    .collect()
            }

            /// Recomputes the chain from the first record; returns the seq of
            /// the first record that does not follow from its predecessor.
            pub async fn verify_audit_chain(&self) -> Result<Option<i64>, $crate::StoreError> {
                use $crate::codec;
                use $crate::rows::StoredAudit;
                let mut expected_seq = 1;
                let mut prev_hash = codec::GENESIS_HASH.to_owned();
                loop {
                    let page = sqlx::query(&$crate::backend::sql::AUDIT_PAGE)
                        .bind(expected_seq - 1)
                        .bind($crate::backend::AUDIT_PAGE_ROWS)
                        .fetch_all(&self.pool)
                        .await?;
                    if page.is_empty() {
                        return Ok(None);
                    }
                    for row in &page {
                        let record = StoredAudit::from_row(row)?;
                        if record.seq != expected_seq
                            || record.prev_hash != prev_hash
                            || codec::audit_hash(&record.prev_hash, &record.fields()) != record.hash
                        {
                            return Ok(Some(record.seq));
                        }
                        expected_seq += 1;
                        prev_hash = record.hash;
                    }
                }
            }
        }
    };
}

pub(crate) use store_impl;
