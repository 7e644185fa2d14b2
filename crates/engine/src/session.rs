//! A session: one data directory and its open store, shared by every caller in a process.

use std::sync::Mutex;

use serde::Serialize;
use store::Store;

use crate::{DataDir, EngineError};

/// What the app reports about itself (the desktop status bar, `groupline status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppStatus {
    pub version: String,
    pub data_dir: String,
    pub schema_version: u32,
}

/// An open data directory.
#[derive(Debug)]
pub struct Session {
    data_dir: DataDir,
    // rusqlite connections are not `Sync`; one writer connection behind a lock until the
    // store grows a reader pool (issue 4).
    store: Mutex<Store>,
}

impl Session {
    /// Opens the store in `data_dir`, creating and migrating it as needed.
    pub fn open(data_dir: DataDir, now_unix_ms: i64) -> Result<Self, EngineError> {
        let store = Store::open_in(data_dir.path(), now_unix_ms)?;
        Ok(Session {
            data_dir,
            store: Mutex::new(store),
        })
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    /// The version, data directory and schema version, read from the open store.
    pub fn status(&self) -> Result<AppStatus, EngineError> {
        let store = self.store.lock().map_err(|_| EngineError::Poisoned)?;
        Ok(AppStatus {
            version: crate::VERSION.to_owned(),
            data_dir: self.data_dir.path().display().to_string(),
            schema_version: store.schema_version()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_reports_the_open_store() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::resolve(Some(dir.path().join("d")), None).unwrap();
        let session = Session::open(data, 0).unwrap();
        let status = session.status().unwrap();
        assert_eq!(status.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(status.schema_version, store::migration::LATEST);
        assert_eq!(status.data_dir, dir.path().join("d").display().to_string());
        assert!(
            dir.path()
                .join("d")
                .join(store::DATABASE_FILE_NAME)
                .exists()
        );
    }

    #[test]
    fn newer_store_maps_to_its_own_code() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(store::DATABASE_FILE_NAME);
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch("PRAGMA user_version = 999;")
            .unwrap();
        let data = DataDir::resolve(Some(dir.path().to_path_buf()), None).unwrap();
        let err = Session::open(data, 0).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::StoreNewerSchema);
        assert!(!err.is_transient());
    }
}
