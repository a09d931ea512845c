//! The migrations compiled into the binary, one list per engine, and deciding which to apply.

use sha2::{Digest, Sha256};

use crate::StoreError;

/// One schema change. Applied migrations must never be edited: add a new one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../migrations/sqlite/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "triage",
        sql: include_str!("../migrations/sqlite/0002_triage.sql"),
    },
    Migration {
        version: 3,
        name: "import",
        sql: include_str!("../migrations/sqlite/0003_import.sql"),
    },
    Migration {
        version: 4,
        name: "import_engine",
        sql: include_str!("../migrations/sqlite/0004_import_engine.sql"),
    },
    Migration {
        version: 5,
        name: "events_unindexed_by_alert",
        sql: include_str!("../migrations/sqlite/0005_events_unindexed_by_alert.sql"),
    },
    Migration {
        version: 6,
        name: "no_foreign_keys",
        sql: include_str!("../migrations/sqlite/0006_no_foreign_keys.sql"),
    },
    Migration {
        version: 7,
        name: "tenant_in_primary_keys",
        sql: include_str!("../migrations/sqlite/0007_tenant_in_primary_keys.sql"),
    },
    Migration {
        version: 8,
        name: "fewer_indexes_per_commit",
        sql: include_str!("../migrations/sqlite/0008_fewer_indexes_per_commit.sql"),
    },
    Migration {
        version: 9,
        name: "payload_bodies_in_lz4",
        sql: include_str!("../migrations/sqlite/0009_payload_bodies_in_lz4.sql"),
    },
    Migration {
        version: 10,
        name: "alert_timeline_from_alert_rows",
        sql: include_str!("../migrations/sqlite/0010_alert_timeline_from_alert_rows.sql"),
    },
    Migration {
        version: 11,
        name: "payload_bodies_compressed_on_sqlite",
        sql: include_str!("../migrations/sqlite/0011_payload_bodies_compressed_on_sqlite.sql"),
    },
];

pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../migrations/postgres/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "triage",
        sql: include_str!("../migrations/postgres/0002_triage.sql"),
    },
    Migration {
        version: 3,
        name: "import",
        sql: include_str!("../migrations/postgres/0003_import.sql"),
    },
    Migration {
        version: 4,
        name: "import_engine",
        sql: include_str!("../migrations/postgres/0004_import_engine.sql"),
    },
    Migration {
        version: 5,
        name: "events_unindexed_by_alert",
        sql: include_str!("../migrations/postgres/0005_events_unindexed_by_alert.sql"),
    },
    Migration {
        version: 6,
        name: "no_foreign_keys",
        sql: include_str!("../migrations/postgres/0006_no_foreign_keys.sql"),
    },
    Migration {
        version: 7,
        name: "tenant_in_primary_keys",
        sql: include_str!("../migrations/postgres/0007_tenant_in_primary_keys.sql"),
    },
    Migration {
        version: 8,
        name: "fewer_indexes_per_commit",
        sql: include_str!("../migrations/postgres/0008_fewer_indexes_per_commit.sql"),
    },
    Migration {
        version: 9,
        name: "payload_bodies_in_lz4",
        sql: include_str!("../migrations/postgres/0009_payload_bodies_in_lz4.sql"),
    },
    Migration {
        version: 10,
        name: "alert_timeline_from_alert_rows",
        sql: include_str!("../migrations/postgres/0010_alert_timeline_from_alert_rows.sql"),
    },
    Migration {
        version: 11,
        name: "payload_bodies_compressed_on_sqlite",
        sql: include_str!("../migrations/postgres/0011_payload_bodies_compressed_on_sqlite.sql"),
    },
];

/// Runs before anything else, in the same transaction as the migrations.
pub(crate) const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT PRIMARY KEY,
    name       TEXT   NOT NULL,
    checksum   TEXT   NOT NULL,
    applied_at BIGINT NOT NULL
)";

/// SHA-256 of the SQL text, ignoring carriage returns so a checkout with
/// CRLF line endings does not look like an edited migration.
pub(crate) fn checksum(sql: &str) -> String {
    let mut hasher = Sha256::new();
    for piece in sql.split('\r') {
        hasher.update(piece.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The migrations still to apply, in order, given the `(version, checksum)`
/// rows already in `schema_migrations`.
pub(crate) fn pending<'m>(
    known: &'m [Migration],
    applied: &[(i64, String)],
) -> Result<Vec<&'m Migration>, StoreError> {
    let newest_known = known.iter().map(|m| m.version).max().unwrap_or(0);
    if let Some(found) = applied.iter().map(|(version, _)| *version).max()
        && found > newest_known
    {
        return Err(StoreError::SchemaTooNew { found, known: newest_known });
    }
    let mut todo = Vec::new();
    for migration in known {
        match applied.iter().find(|(version, _)| *version == migration.version) {
            Some((_, stored)) if *stored != checksum(migration.sql) => {
                return Err(StoreError::MigrationChanged {
                    version: migration.version,
                    name: migration.name.to_owned(),
                });
            }
            Some(_) => {}
            None => todo.push(migration),
        }
    }
    Ok(todo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_engines_have_the_same_migrations() {
        let versions = |list: &[Migration]| -> Vec<(i64, &str)> {
            list.iter().map(|m| (m.version, m.name)).collect()
        };
        assert_eq!(versions(SQLITE), versions(POSTGRES));
        for list in [SQLITE, POSTGRES] {
            assert!(list.windows(2).all(|w| w[0].version < w[1].version), "versions ascend");
            assert_eq!(list.first().map(|m| m.version), Some(1));
        }
    }

    #[test]
    fn pending_skips_applied_and_refuses_edits_and_newer_schemas() {
        let all = pending(SQLITE, &[]).expect("fresh database");
        assert_eq!(all.len(), SQLITE.len());
        let applied: Vec<(i64, String)> =
            SQLITE.iter().map(|m| (m.version, checksum(m.sql))).collect();
        assert!(pending(SQLITE, &applied).expect("up to date").is_empty());
        let edited = vec![(1, "0".repeat(64))];
        assert!(matches!(
            pending(SQLITE, &edited),
            Err(StoreError::MigrationChanged { version: 1, .. })
        ));
        let newer = vec![(999, "x".to_owned())];
        assert!(matches!(
            pending(SQLITE, &newer),
            Err(StoreError::SchemaTooNew { found: 999, .. })
        ));
    }

    #[test]
    fn checksum_ignores_carriage_returns() {
        assert_eq!(checksum("a\r\nb\r\n"), checksum("a\nb\n"));
        assert_ne!(checksum("a\nb\n"), checksum("a\nc\n"));
    }
}
