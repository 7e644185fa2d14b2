//! What the shell holds for its commands: the engine session, or why it could not open.
//!
//! A store that fails to open (a database from a newer Groupline, an unwritable data dir)
//! must not crash the window: the UI still comes up and shows the reason.

use std::sync::Arc;

use engine::{DataDir, Session};

use crate::IpcError;

pub struct Backend {
    session: Result<Arc<Session>, IpcError>,
}

impl Backend {
    /// Opens the data directory named by `GROUPLINE_DATA_DIR`, else the platform default.
    pub fn open_from_env(now_unix_ms: i64) -> Self {
        Self::open(DataDir::from_env(None), now_unix_ms)
    }

    pub fn open(data_dir: Result<DataDir, engine::EngineError>, now_unix_ms: i64) -> Self {
        let session = data_dir
            .and_then(|d| Session::open(d, now_unix_ms))
            .map(Arc::new)
            .map_err(IpcError::from);
        Backend { session }
    }

    pub fn session(&self) -> Result<Arc<Session>, IpcError> {
        self.session.clone()
    }
}
