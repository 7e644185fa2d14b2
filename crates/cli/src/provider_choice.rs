//! The CLI's engine commands start the pipelines through [`engine::launch_with`], the
//! same code the desktop app uses: the configured provider profile, or the embedded demo.

use std::sync::Arc;

use engine::demo::DemoOptions;
use engine::{DataDir, EngineError, LaunchOptions, Launched, Session, SystemClock};

use crate::config_cmd::Location;

/// Opens the data directory and builds the engine (loops not started).
pub async fn start(
    location: &Location,
    demo: &DemoOptions,
    force_demo: bool,
) -> Result<Launched, EngineError> {
    let data = DataDir::from_env(location.common.data_dir.clone())?;
    let session = Arc::new(Session::open(data, crate::now_unix_ms())?);
    let options = LaunchOptions {
        config_file: location.config.clone(),
        demo: demo.clone(),
        force_demo,
    };
    engine::launch_with(session, &options, Arc::new(SystemClock), engine::run_seed()).await
}
