use std::path::Path;

use super::*;

fn work_profile() -> ProviderProfile {
    ProviderProfile::new("https://mm7.example.com/mm7/v1", "api-key-1", "12515550100")
}

fn parse(text: &str) -> Result<Config, ConfigError> {
    let c = Config::from_toml_str(text, Path::new("test.toml"))?;
    c.validate()?;
    Ok(c)
}

fn invalid_key(result: Result<Config, ConfigError>) -> String {
    match result {
        Err(ConfigError::Invalid { key, .. }) => key,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn a_missing_file_is_the_demo_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load(&dir.path().join("config.toml")).unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.default_region, "US");
    assert_eq!(config.active().unwrap(), ActiveProvider::Demo);
    assert_eq!(config.relay.mode, RelayMode::default_embedded());
    config.validate().unwrap();
}

#[test]
fn a_minimal_profile_gets_the_briefs_defaults() {
    let c = parse(
        r#"
active_profile = "work"
[profiles.work]
endpoint = "https://mm7.example.com/mm7/v1"
vasp_id = "key"
sender = "12515550100"
"#,
    )
    .unwrap();
    let p = &c.profiles["work"];
    assert_eq!(p.mm7_version, "6.8.0");
    assert_eq!(
        p.namespace,
        "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4"
    );
    assert_eq!(p.mm7_version(), mm7::Version::default());
    assert!(p.tls.verify && p.tls.ca_file.is_none());
    assert!(!p.operator_id_header);
    assert_eq!((p.timeout_secs, p.max_concurrency), (30, 8));
    assert_eq!(p.rate_per_second, 10.0);
    assert!(matches!(
        c.active().unwrap(),
        ActiveProvider::Profile { name: "work", .. }
    ));
}

#[test]
fn save_then_load_round_trips_with_mode_0600() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/config.toml");
    let mut config = Config::default();
    let mut p = work_profile();
    p.vas_id = Some("svc".into());
    p.username = Some("acct".into());
    p.operator_id_header = true;
    p.tls.ca_file = Some("/etc/ssl/provider.pem".into());
    config.add_profile("work", p).unwrap();
    config.use_profile("work").unwrap();
    config.relay.mode = RelayMode::Remote {
        url: "https://relay.example.com".into(),
    };
    config.save(&path).unwrap();
    assert_eq!(Config::load(&path).unwrap(), config);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // Nothing but the file is left behind by the atomic write.
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["config.toml"]);
}

#[test]
fn saving_keeps_comments_formatting_and_unknown_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let original = r#"# My office's setup.
default_region = "US"  # we are in Boston
future_flag = true
quiet_since = 2026-01-01T00:00:00Z

# The production account.
[profiles.work]
endpoint = 'https://mm7.example.com/mm7/v1'
vasp_id = "key"
sender = "12515550100"   # main line
beta_feature = { level = 3 }

[profiles.work.tls]
verify = true
pinning = "later"

[relay]
mode = "embedded"
listen = "127.0.0.1:8787"
colour = "blue"
"#;
    std::fs::write(&path, original).unwrap();
    let mut config = Config::load(&path).unwrap();
    assert_eq!(
        config.unknown_keys(),
        [
            "future_flag",
            "quiet_since",
            "profiles.work.beta_feature",
            "profiles.work.tls.pinning",
            "relay.colour"
        ]
    );
    config.set("profiles.work.sender", "12515550199").unwrap();
    config
        .add_profile(
            "backup",
            ProviderProfile::new("https://b.example.com/mm7", "k2", "12515550101"),
        )
        .unwrap();
    config.save(&path).unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    for kept in [
        "# My office's setup.",
        "default_region = \"US\"  # we are in Boston",
        "future_flag = true",
        "quiet_since = 2026-01-01T00:00:00Z",
        "# The production account.",
        "endpoint = 'https://mm7.example.com/mm7/v1'",
        "sender = \"12515550199\"   # main line",
        "beta_feature = { level = 3 }",
        "pinning = \"later\"",
        "colour = \"blue\"",
        "[profiles.backup]",
    ] {
        assert!(text.contains(kept), "lost {kept:?} in:\n{text}");
    }
    let again = Config::load(&path).unwrap();
    assert_eq!(again, config);
    assert_eq!(again.profiles["work"].sender, "12515550199");

    // Removing a profile removes its table, and only that.
    config.remove_profile("backup").unwrap();
    config.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("backup"), "{text}");
    assert!(text.contains("# The production account."), "{text}");
}

#[test]
fn a_fresh_file_says_what_it_is() {
    let text = Config::default().to_toml_string(None).unwrap();
    assert!(text.starts_with("# Groupline configuration."), "{text}");
    assert!(text.contains("default_region = \"US\""), "{text}");
    assert!(text.contains("mode = \"embedded\""), "{text}");
    assert!(!text.contains("active_profile"), "{text}");
}

#[test]
fn bad_values_are_named_by_their_key() {
    let profile = |extra: &str| {
        format!(
            "[profiles.work]\nendpoint = \"https://mm7.example.com/mm7\"\nvasp_id = \"k\"\nsender = \"12515550100\"\n{extra}"
        )
    };
    let bad_endpoint = profile("").replace("https://mm7.example.com/mm7", "mm7.example.com");
    assert_eq!(invalid_key(parse(&bad_endpoint)), "profiles.work.endpoint");
    let ftp = profile("").replace("https://", "ftp://");
    assert_eq!(invalid_key(parse(&ftp)), "profiles.work.endpoint");
    for sender in ["", "+1 251 555", "phone", "1234567890123456"] {
        let text = profile("").replace("12515550100", sender);
        assert_eq!(
            invalid_key(parse(&text)),
            "profiles.work.sender",
            "{sender}"
        );
    }
    for ok in ["+12515550100", "12515550100", "55555"] {
        parse(&profile("").replace("12515550100", ok)).unwrap();
    }
    assert_eq!(
        invalid_key(parse(&profile("mm7_version = \"6.9\""))),
        "profiles.work.mm7_version"
    );
    parse(&profile("mm7_version = \"5.3.0\"")).unwrap();
    assert_eq!(
        invalid_key(parse(&profile("namespace = \"urn:mm7\""))),
        "profiles.work.namespace"
    );
    assert_eq!(
        invalid_key(parse(&profile("timeout_secs = 0"))),
        "profiles.work.timeout_secs"
    );
    assert_eq!(
        invalid_key(parse(&profile("rate_per_second = -1.0"))),
        "profiles.work.rate_per_second"
    );
    assert_eq!(
        invalid_key(parse(&profile("max_concurrency = 0"))),
        "profiles.work.max_concurrency"
    );
    assert_eq!(
        invalid_key(parse(&format!(
            "active_profile = \"nope\"\n{}",
            profile("")
        ))),
        "active_profile"
    );
    assert_eq!(
        invalid_key(parse("default_region = \"USA\"")),
        "default_region"
    );
    assert_eq!(
        invalid_key(parse("[relay]\nmode = \"remote\"\nurl = \"relay\"")),
        "relay.url"
    );
    assert_eq!(
        invalid_key(parse("[relay]\nlisten = \"localhost\"")),
        "relay.listen"
    );
    let message = parse(&profile("").replace("12515550100", "phone"))
        .unwrap_err()
        .to_string();
    assert!(message.starts_with("profiles.work.sender:"), "{message}");
    assert!(message.contains("international format"), "{message}");
}

#[test]
fn type_errors_and_bad_relay_modes_are_parse_errors_with_a_position() {
    for text in [
        "default_region = 3",
        "[relay]\nmode = \"cloud\"",
        "[relay]\nmode = \"remote\"",
        "[profiles.work]\nendpoint = \"https://x\"",
    ] {
        match Config::from_toml_str(text, Path::new("c.toml")) {
            Err(ConfigError::Parse { path, message }) => {
                assert_eq!(path, Path::new("c.toml"));
                assert!(message.contains("line"), "{message}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn relay_modes_read_and_write_flat_tables() {
    let c = parse(
        "[relay]\nmode = \"embedded\"\nlisten = \"0.0.0.0:8787\"\nprovider_username = \"sinch\"\nsecret_path = \"/mm7/4f9c\"",
    )
    .unwrap();
    assert_eq!(
        c.relay.mode,
        RelayMode::Embedded {
            listen: "0.0.0.0:8787".into(),
            provider_username: Some("sinch".into()),
            provider_path: "/mm7/4f9c".into(),
        }
    );
    let c =
        parse("[relay]\nmode = \"remote\"\nurl = \"https://relay.office.example\"\nlisten = \"x\"")
            .unwrap();
    assert_eq!(
        c.relay.mode,
        RelayMode::Remote {
            url: "https://relay.office.example".into()
        }
    );
    // The other mode's key is kept (as unknown), not dropped.
    assert_eq!(c.unknown_keys(), ["relay.listen"]);
    let text = c.to_toml_string(None).unwrap();
    assert!(text.contains("listen = \"x\""), "{text}");
    assert_eq!(Config::from_toml_str(&text, Path::new("t")).unwrap(), c);
}

#[test]
fn profiles_are_added_used_and_removed() {
    let mut c = Config::default();
    c.add_profile("work", work_profile()).unwrap();
    assert!(matches!(
        c.add_profile("work", work_profile()),
        Err(ConfigError::ProfileExists { .. })
    ));
    for reserved in ["demo", "relay", "", "has space", "a.b"] {
        assert!(
            matches!(
                c.add_profile(reserved, work_profile()),
                Err(ConfigError::Invalid { .. })
            ),
            "{reserved:?}"
        );
    }
    assert!(matches!(
        c.use_profile("nope"),
        Err(ConfigError::UnknownProfile { .. })
    ));
    c.use_profile("work").unwrap();
    assert_eq!(c.active_profile.as_deref(), Some("work"));
    c.use_profile(DEMO_PROFILE).unwrap();
    assert_eq!(c.active().unwrap(), ActiveProvider::Demo);
    c.use_profile("work").unwrap();
    c.remove_profile("work").unwrap();
    assert_eq!(
        c.active_profile, None,
        "removing the active profile falls back to the demo"
    );
    assert!(matches!(
        c.remove_profile("work"),
        Err(ConfigError::UnknownProfile { .. })
    ));
}

#[test]
fn set_changes_scalars_and_refuses_bad_ones_without_changing_anything() {
    let mut c = Config::default();
    c.add_profile("work", work_profile()).unwrap();
    c.set("default_region", "ca").unwrap();
    assert_eq!(c.default_region, "CA");
    c.set("profiles.work.timeout_secs", "45").unwrap();
    c.set("profiles.work.operator_id_header", "true").unwrap();
    c.set("profiles.work.tls.verify", "false").unwrap();
    c.set("profiles.work.username", "acct").unwrap();
    c.set("profiles.work.rate_per_second", "2.5").unwrap();
    c.set("active_profile", "work").unwrap();
    let p = &c.profiles["work"];
    assert_eq!(p.timeout_secs, 45);
    assert!(p.operator_id_header && !p.tls.verify);
    assert_eq!(p.username.as_deref(), Some("acct"));
    assert_eq!(p.rate_per_second, 2.5);
    c.set("profiles.work.username", "").unwrap();
    assert_eq!(c.profiles["work"].username, None);

    let before = c.clone();
    assert!(matches!(
        c.set("profiles.work.timeout_secs", "soon"),
        Err(ConfigError::Invalid { .. })
    ));
    assert!(matches!(
        c.set("profiles.work.endpoint", "nowhere"),
        Err(ConfigError::Invalid { .. })
    ));
    assert!(matches!(
        c.set("profiles.work.colour", "x"),
        Err(ConfigError::UnknownKey { .. })
    ));
    assert!(matches!(
        c.set("profiles", "x"),
        Err(ConfigError::UnknownKey { .. })
    ));
    assert!(matches!(
        c.set("profiles.other.sender", "1"),
        Err(ConfigError::UnknownProfile { .. })
    ));
    // relay.url needs remote mode; relay.listen needs embedded mode.
    assert!(matches!(
        c.set("relay.url", "https://r.example"),
        Err(ConfigError::Invalid { .. })
    ));
    assert_eq!(c, before);
    c.set("relay.listen", "127.0.0.1:9000").unwrap();
    c.relay.mode = RelayMode::Remote {
        url: "https://r.example".into(),
    };
    c.set("relay.url", "https://r2.example").unwrap();
    assert!(c.set("relay.listen", "127.0.0.1:1").is_err());
}

#[test]
fn errors_map_to_stable_codes() {
    use crate::{EngineError, ErrorCode};
    let code = |e: ConfigError| EngineError::from(e).code();
    assert_eq!(
        code(ConfigError::invalid("k", "p")),
        ErrorCode::ConfigInvalid
    );
    assert_eq!(
        code(ConfigError::UnknownProfile { name: "x".into() }),
        ErrorCode::NotFound
    );
    assert_eq!(
        code(ConfigError::InsecureSecretsFile {
            path: "s".into(),
            mode: 0o644
        }),
        ErrorCode::SecretsFileInsecure
    );
    assert_eq!(
        code(ConfigError::SecretStoreUnavailable {
            backend: "keyring",
            reason: "r".into()
        }),
        ErrorCode::SecretStoreUnavailable
    );
    assert_eq!(
        serde_json_code(ErrorCode::SecretStoreUnavailable),
        "\"secret_store_unavailable\""
    );
}

fn serde_json_code(code: crate::ErrorCode) -> String {
    // The engine has no serde_json; TOML's value serializer shows the same snake_case name.
    let mut t = toml::Table::new();
    t.insert("c".into(), toml::Value::try_from(code).unwrap());
    toml::to_string(&t)
        .unwrap()
        .trim()
        .trim_start_matches("c = ")
        .to_string()
}

mod secret_store {
    use std::sync::Arc;

    use super::*;

    fn exercise(store: &dyn SecretStore) {
        assert_eq!(store.get("work", SECRET_PASSWORD).unwrap(), None);
        store
            .set("work", SECRET_PASSWORD, &Secret::new("hunter2"))
            .unwrap();
        store
            .set(RELAY_SCOPE, SECRET_RELAY_CLIENT_TOKEN, &Secret::new("tok"))
            .unwrap();
        assert_eq!(
            store
                .get("work", SECRET_PASSWORD)
                .unwrap()
                .unwrap()
                .expose(),
            "hunter2"
        );
        store
            .set("work", SECRET_PASSWORD, &Secret::new("changed"))
            .unwrap();
        assert_eq!(
            store.get("work", SECRET_PASSWORD).unwrap(),
            Some(Secret::new("changed"))
        );
        assert!(store.delete("work", SECRET_PASSWORD).unwrap());
        assert!(!store.delete("work", SECRET_PASSWORD).unwrap());
        assert_eq!(store.get("work", SECRET_PASSWORD).unwrap(), None);
        assert_eq!(
            store
                .get(RELAY_SCOPE, SECRET_RELAY_CLIENT_TOKEN)
                .unwrap()
                .unwrap()
                .expose(),
            "tok"
        );
    }

    #[test]
    fn the_memory_store_gets_sets_and_deletes() {
        let store = MemorySecretStore::new();
        exercise(&store);
        assert_eq!(store.backend(), SecretBackend::Memory);
    }

    #[test]
    fn the_file_store_gets_sets_and_deletes_in_a_0600_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.toml");
        let store = FileSecretStore::new(&path);
        exercise(&store);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        // Another handle (another process) sees what this one wrote.
        let other = FileSecretStore::new(&path);
        assert_eq!(
            other.get(RELAY_SCOPE, SECRET_RELAY_CLIENT_TOKEN).unwrap(),
            Some(Secret::new("tok"))
        );
        assert!(
            !format!("{store:?}{other:?}").contains("tok"),
            "Debug never shows values"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_secrets_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.toml");
        std::fs::write(&path, "[work]\npassword = \"hunter2\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let store = FileSecretStore::new(&path);
        match store.get("work", SECRET_PASSWORD) {
            Err(ConfigError::InsecureSecretsFile { mode, .. }) => assert_eq!(mode, 0o644),
            other => panic!("{other:?}"),
        }
        let message = store.get("work", SECRET_PASSWORD).unwrap_err().to_string();
        assert!(message.contains("chmod 600"), "{message}");
        assert!(!message.contains("hunter2"));
        // Writing is refused too: it would have to read the file first.
        assert!(store.set("work", "password", &Secret::new("x")).is_err());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            store.get("work", SECRET_PASSWORD).unwrap(),
            Some(Secret::new("hunter2"))
        );
    }

    #[test]
    fn debug_redacts_secrets() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        let store = MemorySecretStore::new();
        store.set("work", "password", &s).unwrap();
        assert!(!format!("{store:?}").contains("hunter2"));
    }

    #[test]
    fn secrets_read_from_stdin_lose_only_the_line_ending() {
        let s = Secret::read_line(&b"  pass word \r\nmore"[..]).unwrap();
        assert_eq!(s.expose(), "  pass word ");
        assert!(Secret::read_line(&b"\n"[..]).is_err());
        assert!(Secret::read_line(&b""[..]).is_err());
    }

    #[test]
    fn secret_names_are_checked_per_scope() {
        secrets::check_secret_name("work", SECRET_PASSWORD).unwrap();
        secrets::check_secret_name(RELAY_SCOPE, SECRET_RELAY_CLIENT_TOKEN).unwrap();
        secrets::check_secret_name(RELAY_SCOPE, SECRET_RELAY_PROVIDER_PASSWORD).unwrap();
        assert!(matches!(
            secrets::check_secret_name("work", "passwrd"),
            Err(ConfigError::UnknownSecret { .. })
        ));
        assert!(secrets::check_secret_name(RELAY_SCOPE, SECRET_PASSWORD).is_err());
    }

    fn select(
        forced: Option<&str>,
        file: &Path,
        probe: Result<(), String>,
    ) -> Result<OpenedSecretStore, ConfigError> {
        select_secret_store(
            forced.map(Into::into),
            file.to_path_buf(),
            KeyringSecretStore::new("groupline-test-never-used"),
            || probe,
        )
    }

    #[test]
    fn the_backend_is_chosen_by_env_then_existing_file_then_probe() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secrets.toml");
        let down = || Err("no D-Bus session".to_string());

        let forced = select(Some("file"), &file, Ok(())).unwrap();
        assert_eq!(forced.store.backend(), SecretBackend::File);
        assert!(!forced.fell_back);

        let forced = select(Some("KEYRING"), &file, Ok(())).unwrap();
        assert_eq!(forced.store.backend(), SecretBackend::Keyring);
        assert!(matches!(
            select(Some("keyring"), &file, down()),
            Err(ConfigError::SecretStoreUnavailable { .. })
        ));
        assert!(matches!(
            select(Some("vault"), &file, Ok(())),
            Err(ConfigError::SecretStoreUnavailable { .. })
        ));

        let auto = select(None, &file, Ok(())).unwrap();
        assert_eq!(auto.store.backend(), SecretBackend::Keyring);

        let fallback = select(Some(""), &file, down()).unwrap();
        assert_eq!(fallback.store.backend(), SecretBackend::File);
        assert!(fallback.fell_back);
        assert!(fallback.reason.contains("no D-Bus session"));
        assert!(fallback.reason.contains(&file.display().to_string()));
        assert!(fallback.store.describe().contains("secrets.toml"));

        // Once the file holds secrets it stays in use, keyring or not.
        fallback
            .store
            .set("work", SECRET_PASSWORD, &Secret::new("x"))
            .unwrap();
        let sticky = select(None, &file, Ok(())).unwrap();
        assert_eq!(sticky.store.backend(), SecretBackend::File);
        assert!(!sticky.fell_back);
        let store: Arc<dyn SecretStore> = sticky.store;
        assert!(store.get("work", SECRET_PASSWORD).unwrap().is_some());
    }

    #[test]
    fn the_summary_shows_whether_secrets_are_set_never_their_values() {
        let dir = tempfile::tempdir().unwrap();
        let location = ConfigLocation::at(dir.path().join("config.toml"), ConfigSource::Flag);
        let mut config = Config::default();
        config.add_profile("work", work_profile()).unwrap();
        config.add_profile("spare", work_profile()).unwrap();
        let opened = OpenedSecretStore {
            store: Arc::new(MemorySecretStore::new()),
            reason: "test".into(),
            fell_back: false,
        };
        opened
            .store
            .set("work", SECRET_PASSWORD, &Secret::new("hunter2"))
            .unwrap();
        let summary = ConfigSummary::new(&location, &config, &opened);
        assert_eq!(summary.profiles["work"].password, SecretStatus::Set);
        assert_eq!(summary.profiles["spare"].password, SecretStatus::NotSet);
        assert_eq!(summary.active, "demo");
        assert!(!summary.exists);
        assert!(matches!(
            summary.relay,
            RelaySummary::Embedded {
                provider_password: SecretStatus::NotSet,
                ..
            }
        ));
        assert!(!format!("{summary:?}").contains("hunter2"));
    }
}

mod resolved {
    use super::*;

    #[test]
    fn the_demo_needs_no_secrets() {
        let secrets = MemorySecretStore::new();
        let c = Config::default();
        assert_eq!(Provider::resolve(&c, &secrets).unwrap(), Provider::Demo);
        match Relay::resolve(&c, &secrets).unwrap() {
            Relay::Embedded {
                listen,
                provider_path,
                provider_auth,
            } => {
                assert_eq!(listen, "127.0.0.1:0".parse().unwrap());
                assert_eq!(provider_path, "/mm7");
                assert_eq!(provider_auth, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_profile_with_a_user_needs_its_password() {
        let secrets = MemorySecretStore::new();
        let mut c = Config::default();
        let mut p = work_profile();
        p.username = Some("acct".into());
        c.add_profile("work", p).unwrap();
        c.use_profile("work").unwrap();
        let err = Provider::resolve(&c, &secrets).unwrap_err();
        assert!(matches!(err, ConfigError::MissingSecret { .. }), "{err:?}");
        assert!(
            err.to_string()
                .contains("groupline config secret set work password"),
            "{err}"
        );
        secrets
            .set("work", SECRET_PASSWORD, &Secret::new("pw"))
            .unwrap();
        let Provider::Mm7(p) = Provider::resolve(&c, &secrets).unwrap() else {
            panic!("expected the work profile");
        };
        assert_eq!(p.name, "work");
        assert_eq!(p.endpoint.as_str(), "https://mm7.example.com/mm7/v1");
        assert_eq!(p.basic_auth, Some(("acct".into(), Secret::new("pw"))));

        // No user, no Basic auth, no secret needed.
        c.set("profiles.work.username", "").unwrap();
        let Provider::Mm7(p) = Provider::resolve(&c, &MemorySecretStore::new()).unwrap() else {
            panic!("expected the work profile");
        };
        assert_eq!(p.basic_auth, None);
    }

    #[test]
    fn relays_need_their_secrets() {
        let secrets = MemorySecretStore::new();
        let mut c = Config::default();
        c.relay.mode = RelayMode::Remote {
            url: "https://relay.example.com/base".into(),
        };
        assert!(matches!(
            Relay::resolve(&c, &secrets),
            Err(ConfigError::MissingSecret { .. })
        ));
        secrets
            .set(RELAY_SCOPE, SECRET_RELAY_CLIENT_TOKEN, &Secret::new("t"))
            .unwrap();
        assert_eq!(
            Relay::resolve(&c, &secrets).unwrap(),
            Relay::Remote {
                url: "https://relay.example.com/base".parse().unwrap(),
                client_token: Secret::new("t"),
            }
        );
        c.relay.mode = RelayMode::Embedded {
            listen: "0.0.0.0:8787".into(),
            provider_username: Some("sinch".into()),
            provider_path: "/mm7/x".into(),
        };
        assert!(matches!(
            Relay::resolve(&c, &secrets),
            Err(ConfigError::MissingSecret { .. })
        ));
        secrets
            .set(
                RELAY_SCOPE,
                SECRET_RELAY_PROVIDER_PASSWORD,
                &Secret::new("p"),
            )
            .unwrap();
        assert!(matches!(
            Relay::resolve(&c, &secrets).unwrap(),
            Relay::Embedded {
                provider_auth: Some(_),
                ..
            }
        ));
    }

    #[test]
    fn loaded_config_finds_the_file_in_an_explicit_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = crate::DataDir::resolve(Some(dir.path().into()), None).unwrap();
        let c = Config {
            default_region: "GB".into(),
            ..Config::default()
        };
        c.save(&dir.path().join("config.toml")).unwrap();
        // `explicit` wins over $GROUPLINE_CONFIG, so the test does not depend on it.
        let loaded = LoadedConfig::open(Some(dir.path().join("config.toml")), &data_dir).unwrap();
        assert_eq!(loaded.config.default_region, "GB");
        assert_eq!(loaded.provider().unwrap(), Provider::Demo);
    }
}

/// Against a real Secret Service; touches the user's keyring, so it runs only on request:
///
/// ```sh
/// dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --daemonize \
///   --components=secrets >/dev/null; cargo test -p engine -- --ignored keyring'
/// ```
#[test]
#[ignore = "needs an unlocked OS keyring"]
fn keyring_round_trip() {
    let store = KeyringSecretStore::new(format!("groupline-test-{}", std::process::id()));
    store.probe().expect("an OS keyring service answers");
    let _ = store.delete("work", SECRET_PASSWORD);
    assert_eq!(store.get("work", SECRET_PASSWORD).unwrap(), None);
    store
        .set("work", SECRET_PASSWORD, &Secret::new("hunter2"))
        .unwrap();
    assert_eq!(
        store.get("work", SECRET_PASSWORD).unwrap(),
        Some(Secret::new("hunter2"))
    );
    assert!(store.delete("work", SECRET_PASSWORD).unwrap());
    assert!(!store.delete("work", SECRET_PASSWORD).unwrap());
    assert_eq!(store.backend(), SecretBackend::Keyring);
}

#[test]
fn unknown_tables_and_datetimes_survive_a_fresh_write() {
    let text = r#"
zeta = 1
when = 1979-05-27T07:32:00Z

[future]
x = [1, 2]
[future.deeper]
y = "z"

[profiles.work]
endpoint = "https://mm7.example.com/mm7"
vasp_id = "k"
sender = "12515550100"
[profiles.work.extras]
a = 1
"#;
    let c = parse(text).unwrap();
    let written = c.to_toml_string(None).unwrap();
    let again = Config::from_toml_str(&written, Path::new("t")).unwrap();
    assert_eq!(again, c, "{written}");
    assert!(written.contains("when = 1979-05-27T07:32:00Z"), "{written}");
    assert_eq!(
        c.unknown_keys(),
        ["future", "when", "zeta", "profiles.work.extras"]
    );
}

#[test]
fn compliance_wording_is_written_only_once_changed_and_reads_back() {
    let mut c = Config::default();
    let fresh = c.to_toml_string(None).unwrap();
    assert!(!fresh.contains("[compliance]"), "{fresh}");
    c.set("compliance.opt_in_policy", "refuse").unwrap();
    c.set("compliance.business_name", "Harbor Insurance")
        .unwrap();
    c.set("compliance.extra_opt_out_keywords", "ARRET, BAJA")
        .unwrap();
    let text = c.to_toml_string(None).unwrap();
    assert!(text.contains("[compliance]"), "{text}");
    let back = parse(&text).unwrap();
    assert_eq!(back, c);
    assert_eq!(back.compliance.opt_in_policy, OptInPolicy::Refuse);
    assert_eq!(back.compliance.extra_opt_out_keywords, ["ARRET", "BAJA"]);
    // Wording that breaks the rules is refused, naming the key; nothing changes.
    let e = c.set("compliance.help_reply", "Call us.").unwrap_err();
    assert!(e.to_string().starts_with("compliance.help_reply"), "{e}");
    assert_eq!(c.compliance.help_reply, back.compliance.help_reply);
    assert!(parse("[compliance]\nopt_out_confirmation = \"\"\n").is_err());
}
