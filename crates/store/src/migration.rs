//! Embedded, ordered schema migrations.
//!
//! Invariants:
//! - The schema version is SQLite's `user_version`; migration `n` takes it from `n - 1` to `n`.
//! - All pending migrations and the version bump run in one `IMMEDIATE` transaction: a
//!   crash or a failing migration leaves the database exactly as it was.
//! - A database whose version is newer than [`LATEST`] is refused before anything is written,
//!   so an older Groupline never damages data written by a newer one.
//!
//! To add a migration, add `migrations/NNNN_name.sql` and append it to [`MIGRATIONS`];
//! never edit one that has shipped.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::StoreError;

/// One schema step.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The schema version this migration produces (1-based, contiguous).
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// A migration about to run, for a progress screen: upgrading a large store can take a
/// minute (migrations 18 and 19 on a million messages), and the app must say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpgradeStep {
    /// 1-based among the migrations this open runs.
    pub step: u32,
    /// How many this open runs.
    pub of: u32,
    pub version: u32,
    pub name: &'static str,
}

/// Every migration, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "store_meta",
        sql: include_str!("../migrations/0001_store_meta.sql"),
    },
    Migration {
        version: 2,
        name: "accounts",
        sql: include_str!("../migrations/0002_accounts.sql"),
    },
    Migration {
        version: 3,
        name: "contacts",
        sql: include_str!("../migrations/0003_contacts.sql"),
    },
    Migration {
        version: 4,
        name: "threads",
        sql: include_str!("../migrations/0004_threads.sql"),
    },
    Migration {
        version: 5,
        name: "messages",
        sql: include_str!("../migrations/0005_messages.sql"),
    },
    Migration {
        version: 6,
        name: "parts",
        sql: include_str!("../migrations/0006_parts.sql"),
    },
    Migration {
        version: 7,
        name: "delivery_and_outbox",
        sql: include_str!("../migrations/0007_delivery_and_outbox.sql"),
    },
    Migration {
        version: 8,
        name: "consent",
        sql: include_str!("../migrations/0008_consent.sql"),
    },
    Migration {
        version: 9,
        name: "relay_cursors",
        sql: include_str!("../migrations/0009_relay_cursors.sql"),
    },
    Migration {
        version: 10,
        name: "search",
        sql: include_str!("../migrations/0010_search.sql"),
    },
    Migration {
        version: 11,
        name: "fts_written_by_the_store",
        sql: include_str!("../migrations/0011_fts_written_by_the_store.sql"),
    },
    Migration {
        version: 12,
        name: "messages_clustered_by_thread",
        sql: include_str!("../migrations/0012_messages_clustered_by_thread.sql"),
    },
    Migration {
        version: 13,
        name: "deliveries_clustered_by_thread",
        sql: include_str!("../migrations/0013_deliveries_clustered_by_thread.sql"),
    },
    Migration {
        version: 14,
        name: "unconfirmed_submits",
        sql: include_str!("../migrations/0014_unconfirmed_submits.sql"),
    },
    Migration {
        version: 15,
        name: "broadcast_copies",
        sql: include_str!("../migrations/0015_broadcast_copies.sql"),
    },
    Migration {
        version: 16,
        name: "disclosures_and_overrides",
        sql: include_str!("../migrations/0016_disclosures_and_overrides.sql"),
    },
    Migration {
        version: 17,
        name: "number_carriers",
        sql: include_str!("../migrations/0017_number_carriers.sql"),
    },
    Migration {
        version: 18,
        name: "search_index_without_columns",
        sql: include_str!("../migrations/0018_search_index_without_columns.sql"),
    },
    Migration {
        version: 19,
        name: "delivery_recipients_by_number",
        sql: include_str!("../migrations/0019_delivery_recipients_by_number.sql"),
    },
];

/// The schema version this build writes and understands.
pub const LATEST: u32 = MIGRATIONS.len() as u32;

/// The schema version recorded in the database.
pub fn current_version(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Returns the recorded version, or [`StoreError::NewerSchema`] when it is above `supported`.
pub fn refuse_newer(conn: &Connection, path: &Path, supported: u32) -> Result<u32, StoreError> {
    let found = current_version(conn)?;
    if found > supported {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported,
        });
    }
    Ok(found)
}

/// Brings the database up to [`LATEST`], or refuses a newer one. Returns the version before.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<u32, StoreError> {
    migrate_with(conn, path, MIGRATIONS, &mut |_| {})
}

/// [`migrate`], calling `progress` before each migration it runs.
pub fn migrate_reporting(
    conn: &mut Connection,
    path: &Path,
    progress: &mut dyn FnMut(UpgradeStep),
) -> Result<u32, StoreError> {
    migrate_with(conn, path, MIGRATIONS, progress)
}

pub(crate) fn migrate_with(
    conn: &mut Connection,
    path: &Path,
    migrations: &[Migration],
    progress: &mut dyn FnMut(UpgradeStep),
) -> Result<u32, StoreError> {
    // Migrations that rebuild a table (create the new one, copy, drop the old, rename) need
    // foreign keys off: dropping the old table would otherwise cascade into its children.
    // The pragma is a no-op inside a transaction, so it is switched around it.
    let foreign_keys: bool = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
    if foreign_keys {
        conn.pragma_update(None, "foreign_keys", false)?;
    }
    let result = migrate_in_transaction(conn, path, migrations, progress);
    if foreign_keys {
        conn.pragma_update(None, "foreign_keys", true)?;
    }
    result
}

fn migrate_in_transaction(
    conn: &mut Connection,
    path: &Path,
    migrations: &[Migration],
    progress: &mut dyn FnMut(UpgradeStep),
) -> Result<u32, StoreError> {
    let supported = migrations.len() as u32;
    // The write lock is taken before the version is read, so two processes opening the same
    // fresh database cannot both apply migration 1.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = refuse_newer(&tx, path, supported)?;
    let of = supported - found;
    for (i, m) in migrations.iter().skip(found as usize).enumerate() {
        progress(UpgradeStep {
            step: i as u32 + 1,
            of,
            version: m.version,
            name: m.name,
        });
        tx.execute_batch(m.sql)
            .map_err(|source| StoreError::Migration {
                version: m.version,
                name: m.name,
                source,
            })?;
        tx.pragma_update(None, "user_version", m.version)?;
    }
    if found < supported {
        // What a rebuild copied must still satisfy every foreign key.
        let broken: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if broken > 0 {
            return Err(StoreError::Migration {
                version: supported,
                name: "foreign key check",
                source: rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                    Some(format!("{broken} rows break a foreign key after migrating")),
                ),
            });
        }
    }
    tx.commit()?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_contiguous_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as u32 + 1, "migration {}", m.name);
        }
    }

    #[test]
    fn failing_migration_leaves_database_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        let steps = [
            Migration {
                version: 1,
                name: "good",
                sql: "CREATE TABLE a (x INTEGER);",
            },
            Migration {
                version: 2,
                name: "bad",
                sql: "CREATE TABLE b (x INTEGER); THIS IS NOT SQL;",
            },
        ];
        let err = migrate_with(&mut conn, Path::new(":memory:"), &steps, &mut |_| {}).unwrap_err();
        assert!(
            matches!(err, StoreError::Migration { version: 2, .. }),
            "{err}"
        );
        assert_eq!(current_version(&conn).unwrap(), 0);
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name IN ('a', 'b')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0, "the good migration must be rolled back too");
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn, Path::new(":memory:")).unwrap(), 0);
        assert_eq!(migrate(&mut conn, Path::new(":memory:")).unwrap(), LATEST);
        assert_eq!(current_version(&conn).unwrap(), LATEST);
    }
}
