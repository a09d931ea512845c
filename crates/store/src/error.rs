//! The store's one error type, with the few distinctions callers act on.

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// An error of the SQLite writer connection.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Another process holds the claim of [`crate::Store::claim_engine`].
    #[error(
        "another watchfloor server is running on this database ({0}); \
         stop it first, or give this one another database"
    )]
    Claimed(String),
    /// The claim of [`crate::Store::claim_engine`] could not be taken.
    #[error("cannot claim the database for this server: {0}")]
    Claim(String),
    /// The thread that copies SQLite's WAL could not be started.
    #[error("cannot start the SQLite checkpoint thread: {0}")]
    Thread(std::io::Error),
    /// The store was closed.
    #[error("the store is closed")]
    Closed,
    /// A row that the schema allowed but the domain cannot represent.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("migration {version} failed: {source}")]
    Migration { version: i64, source: sqlx::Error },
    /// The SQL of an applied migration differs from the one compiled in.
    #[error(
        "migration {version} ({name}) was changed after it was applied; restore the original file and add a new migration instead"
    )]
    MigrationChanged { version: i64, name: String },
    /// The database was migrated by a newer Watchfloor than this one.
    #[error(
        "the database schema is at version {found}, newer than this build knows ({known}); upgrade Watchfloor"
    )]
    SchemaTooNew { found: i64, known: i64 },
    /// A value could not be encoded for storage.
    #[error("cannot encode {what}: {message}")]
    Encode { what: &'static str, message: String },
    /// An upsert named an existing row of another tenant; rows never change tenant.
    #[error("{table} row {id} belongs to another tenant")]
    TenantMismatch { table: &'static str, id: i64 },
    /// Rows of a commit named incidents or alerts that do not exist in their tenant.
    #[error("{count} of the rows written refer to {table} that do not exist in their tenant")]
    DanglingReference { table: &'static str, count: i64 },
    /// `record_delivery` for a row that is not pending (or not of that incident).
    #[error("no pending delivery {id} for incident {incident_id} of tenant {tenant}")]
    DeliveryNotPending { id: i64, incident_id: i64, tenant: String },
}

impl StoreError {
    /// A uniqueness invariant refused the write, e.g. a second open incident
    /// for one group key. The whole commit was rolled back.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            Self::Database(sqlx::Error::Database(error)) => error.is_unique_violation(),
            Self::Sqlite(rusqlite::Error::SqliteFailure(error, _)) => matches!(
                error.extended_code,
                rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            ),
            _ => false,
        }
    }

    /// The database could not be reached, is busy, full or shutting down, or
    /// the pool is exhausted: retrying later may help. Anything else (a
    /// damaged row, a statement the database refuses) will fail again.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Sqlite(rusqlite::Error::SqliteFailure(error, _)) => matches!(
                error.code,
                rusqlite::ErrorCode::DatabaseBusy
                    | rusqlite::ErrorCode::DatabaseLocked
                    | rusqlite::ErrorCode::CannotOpen
                    | rusqlite::ErrorCode::SystemIoFailure
                    | rusqlite::ErrorCode::DiskFull
            ),
            Self::Database(sqlx::Error::Database(error)) => {
                let postgres =
                    error.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some();
                error.code().is_some_and(|code| transient_code(&code, postgres))
            }
            _ => matches!(
                self,
                Self::Closed
                    | Self::Database(
                        sqlx::Error::Io(_)
                            | sqlx::Error::PoolTimedOut
                            | sqlx::Error::PoolClosed
                            | sqlx::Error::WorkerCrashed
                    )
            ),
        }
    }
}

/// Whether a database's error code says "later": SQLite's result codes
/// (extended ones carry the primary in their low byte) for busy, locked,
/// I/O, full and cannot-open; PostgreSQL's SQLSTATE classes 08 (the
/// connection), 53 (resources: disk full, too many connections) and 57P
/// (shutting down, starting up), and serialization failures and deadlocks.
fn transient_code(code: &str, postgres: bool) -> bool {
    if postgres {
        return code.starts_with("08")
            || code.starts_with("53")
            || code.starts_with("57P")
            || code == "40001"
            || code == "40P01";
    }
    code.parse::<i32>().is_ok_and(|number| matches!(number & 0xff, 5 | 6 | 10 | 13 | 14))
}

#[cfg(test)]
mod tests {
    use super::transient_code;

    #[test]
    fn transient_codes_are_told_from_lasting_ones() {
        for code in ["5", "517", "6", "10", "266", "13", "14"] {
            assert!(transient_code(code, false), "SQLite {code}");
        }
        for code in ["1", "11", "19", "2067", "787"] {
            assert!(!transient_code(code, false), "SQLite {code}");
        }
        for code in ["08006", "53100", "53300", "57P01", "40001", "40P01"] {
            assert!(transient_code(code, true), "PostgreSQL {code}");
        }
        for code in ["23505", "42P01", "22P05", "XX000", "P0001"] {
            assert!(!transient_code(code, true), "PostgreSQL {code}");
        }
    }
}
