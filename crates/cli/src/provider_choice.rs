//! The CLI's engine commands start the pipelines through [`engine::launch`], the same
//! code the desktop app uses: the configured provider, or the embedded demo.

use std::sync::Arc;

use engine::demo::DemoOptions;
use engine::{DataDir, EngineError, Launched, Session, SystemClock};

/// Opens the data directory and builds the engine (loops not started).
pub async fn start(
    data_dir: Option<std::path::PathBuf>,
    options: &DemoOptions,
) -> Result<Launched, EngineError> {
    let data = DataDir::from_env(data_dir)?;
    let session = Arc::new(Session::open(data, crate::now_unix_ms())?);
    engine::launch(session, options, Arc::new(SystemClock), engine::run_seed()).await
}
