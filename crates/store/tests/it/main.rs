//! The storage conformance suite: every test in `suite.rs` runs on SQLite and on PostgreSQL.
//!
//! PostgreSQL needs `WATCHFLOOR_TEST_POSTGRES_URL`, the URL of a role that may
//! create databases on a throwaway server; each test creates its own database
//! and drops it afterwards. Without the variable the PostgreSQL tests fail.

mod fixtures;
mod suite;

use std::future::Future;

use sqlx::{Connection as _, Executor as _, PgConnection};
use watchfloor_store::Store;

const POSTGRES_URL_VAR: &str = "WATCHFLOOR_TEST_POSTGRES_URL";

/// A fresh, empty, migrated database and what it takes to throw it away.
struct TestDatabase {
    store: Store,
    target: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { admin_url: String, database: String },
}

async fn sqlite() -> TestDatabase {
    sqlite_at(i64::MAX).await
}

/// A fresh SQLite database migrated no further than `version`.
async fn sqlite_at(version: i64) -> TestDatabase {
    let dir = tempfile::tempdir().expect("creating a temporary directory");
    let target = dir.path().join("watchfloor.sqlite").to_string_lossy().into_owned();
    let store =
        Store::open_at_version(&target, version).await.expect("opening a fresh SQLite database");
    assert_eq!(store.engine_name(), "sqlite");
    TestDatabase { store, target, cleanup: Cleanup::Sqlite { _dir: dir } }
}

async fn postgres() -> TestDatabase {
    postgres_at(i64::MAX).await
}

/// A fresh PostgreSQL database migrated no further than `version`.
async fn postgres_at(version: i64) -> TestDatabase {
    let admin_url = std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
        panic!(
            "{POSTGRES_URL_VAR} is not set. The PostgreSQL half of the storage conformance \
             suite needs the URL of a role that may create databases on a throwaway server, \
             e.g. {POSTGRES_URL_VAR}=postgres://postgres@127.0.0.1:55432/postgres \
             (.ci/run shows how CI starts one). These tests are never skipped."
        )
    });
    let database = format!("wf_test_{:016x}", rand::random::<u64>());
    let mut admin = PgConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("connecting to {POSTGRES_URL_VAR} ({admin_url}): {e}"));
    admin
        .execute(format!("CREATE DATABASE {database}").as_str())
        .await
        .unwrap_or_else(|e| panic!("creating database {database}: {e}"));
    let _ = admin.close().await;
    let target = with_database(&admin_url, &database);
    let store = Store::open_at_version(&target, version)
        .await
        .expect("opening a fresh PostgreSQL database");
    assert_eq!(store.engine_name(), "postgres");
    TestDatabase { store, target, cleanup: Cleanup::Postgres { admin_url, database } }
}

/// `url` with its database (the path) replaced.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let authority_end =
        base[authority_start..].find('/').map_or(base.len(), |i| authority_start + i);
    let mut result = format!("{}/{database}", &base[..authority_end]);
    if let Some(query) = query {
        result.push('?');
        result.push_str(query);
    }
    result
}

impl TestDatabase {
    /// Runs `test` on the store, throws the database away whatever happened,
    /// then reports the test's panic if it had one.
    async fn run<F, Fut>(self, test: F)
    where
        F: FnOnce(Store, String) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let outcome = tokio::spawn(test(self.store.clone(), self.target.clone())).await;
        self.store.close().await;
        if let Cleanup::Postgres { admin_url, database } = &self.cleanup {
            // Best effort: a leftover database is only litter on a throwaway server.
            if let Ok(mut admin) = PgConnection::connect(admin_url).await {
                let _ = admin
                    .execute(format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)").as_str())
                    .await;
                let _ = admin.close().await;
            }
        }
        drop(self.cleanup);
        if let Err(error) = outcome {
            match error.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(error) => panic!("test task failed: {error}"),
            }
        }
    }
}

/// Instantiates each suite function once per engine.
macro_rules! conformance {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $test() {
                    crate::sqlite()
                        .await
                        .run(|store, _target| async move { crate::suite::$test(&store).await })
                        .await;
                }
            )*

            #[tokio::test]
            async fn reopening_migrates_nothing_and_keeps_data() {
                crate::sqlite().await.run(crate::suite::reopening_migrates_nothing_and_keeps_data).await;
            }

            #[tokio::test]
            async fn upgrading_to_version_6_keeps_every_row() {
                crate::sqlite_at(5).await.run(crate::suite::upgrading_to_version_6_keeps_every_row).await;
            }
        }

        mod postgres {
            $(
                #[tokio::test]
                async fn $test() {
                    crate::postgres()
                        .await
                        .run(|store, _target| async move { crate::suite::$test(&store).await })
                        .await;
                }
            )*

            #[tokio::test]
            async fn reopening_migrates_nothing_and_keeps_data() {
                crate::postgres().await.run(crate::suite::reopening_migrates_nothing_and_keeps_data).await;
            }

            #[tokio::test]
            async fn upgrading_to_version_6_keeps_every_row() {
                crate::postgres_at(5).await.run(crate::suite::upgrading_to_version_6_keeps_every_row).await;
            }

            #[tokio::test]
            async fn payload_bodies_are_compressed_with_lz4() {
                crate::postgres().await.run(crate::suite::payload_bodies_are_compressed_with_lz4).await;
            }
        }
    };
}

conformance!(
    migrating_twice_is_a_no_op,
    commit_round_trips_every_field,
    alert_lines_are_read_from_alert_rows,
    load_state_returns_only_unresolved_rows,
    second_open_incident_for_a_group_key_rolls_back_the_whole_commit,
    a_key_fires_again_in_the_commit_that_resolves_it,
    resolved_incident_frees_its_group_key,
    rows_never_change_tenant,
    upserts_keep_what_rows_are_born_with,
    rows_refer_only_within_their_tenant,
    many_payloads_keep_their_events,
    bodies_read_back_as_received_whether_compressed_or_not,
    outbox_retries_then_sends,
    outbox_dead_letters_visibly,
    record_delivery_needs_a_pending_row_of_that_incident,
    deliveries_recorded_in_a_batch_skip_what_is_not_pending,
    audit_chain_verifies_and_refuses_changes,
    audit_verification_finds_tampering,
    concurrent_commits_do_not_fork_the_audit_chain,
    list_incidents_filters_by_status_and_tenant,
    silences_round_trip_and_only_live_ones_load,
    every_notify_reason_fits_the_outbox,
    importing_twice_adds_each_external_id_once,
    imported_events_wait_for_the_engine_once,
);

#[test]
fn with_database_replaces_only_the_path() {
    assert_eq!(
        with_database("postgres://u:p@127.0.0.1:5432/postgres?sslmode=disable", "x"),
        "postgres://u:p@127.0.0.1:5432/x?sslmode=disable"
    );
    assert_eq!(with_database("postgresql://localhost", "x"), "postgresql://localhost/x");
}
