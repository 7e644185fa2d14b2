//! `groupline config …` as a real process in a temporary data directory, with the file
//! secret store (`GROUPLINE_SECRETS=file`) so no test touches a real keyring.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn groupline(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_groupline"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("GROUPLINE_DATA_DIR")
        .env_remove("GROUPLINE_CONFIG")
        .env("GROUPLINE_SECRETS", "file")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn fails(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).unwrap()
}

#[test]
fn add_use_show_and_remove_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // Nothing written yet: the file lives in the data directory, and the demo applies.
    let path = json(&groupline(d, &["config", "path", "--json"], None));
    assert_eq!(path["source"], "data_dir");
    assert_eq!(path["exists"], false);
    assert_eq!(
        Path::new(path["path"].as_str().unwrap()),
        d.join("config.toml")
    );
    assert!(path["secrets"].as_str().unwrap().contains("secrets.toml"));
    let show = json(&groupline(d, &["config", "show", "--json"], None));
    assert_eq!(show["active"], "demo");
    assert_eq!(show["default_region"], "US");
    assert_eq!(show["relay"]["mode"], "embedded");

    ok(&groupline(
        d,
        &[
            "config",
            "profile",
            "add",
            "work",
            "--endpoint",
            "https://mm7.example.com/mm7/v1",
            "--vasp-id",
            "api-key-1",
            "--vas-id",
            "svc",
            "--sender",
            "12515550100",
            "--username",
            "acct",
            "--password-stdin",
            "--version",
            "5.3.0",
            "--operator-id-header",
            "--timeout",
            "45",
        ],
        Some("hunter2\n"),
    ));
    ok(&groupline(d, &["config", "use", "work"], None));
    ok(&groupline(
        d,
        &["config", "set", "default_region", "CA"],
        None,
    ));

    let out = groupline(d, &["config", "show", "--json"], None);
    let text = ok(&out);
    assert!(!text.contains("hunter2"), "a secret was printed: {text}");
    let show: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(show["active"], "work");
    assert_eq!(show["default_region"], "CA");
    assert_eq!(show["secret_backend"], "file");
    let work = &show["profiles"]["work"];
    assert_eq!(work["endpoint"], "https://mm7.example.com/mm7/v1");
    assert_eq!(work["vasp_id"], "api-key-1");
    assert_eq!(work["vas_id"], "svc");
    assert_eq!(work["username"], "acct");
    assert_eq!(work["password"], "set");
    assert_eq!(work["mm7_version"], "5.3.0");
    assert_eq!(work["operator_id_header"], true);
    assert_eq!(work["timeout_secs"], 45);
    assert_eq!(work["max_concurrency"], 8);

    let plain = ok(&groupline(d, &["config", "show"], None));
    assert!(plain.contains("profiles.work.password\tset"), "{plain}");
    assert!(!plain.contains("hunter2"), "{plain}");

    // The file and the secrets file are private, and the password is not in the config.
    let config_text = std::fs::read_to_string(d.join("config.toml")).unwrap();
    assert!(config_text.contains("[profiles.work]"), "{config_text}");
    assert!(!config_text.contains("hunter2"), "{config_text}");
    #[cfg(unix)]
    for file in ["config.toml", "secrets.toml"] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join(file))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{file}");
    }

    // Mistakes are refused with the key named, and change nothing.
    let err = fails(&groupline(
        d,
        &["config", "set", "profiles.work.sender", "not-a-number"],
        None,
    ));
    assert!(err.contains("profiles.work.sender"), "{err}");
    let err = fails(&groupline(d, &["config", "use", "nope"], None));
    assert!(err.contains("nope"), "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("config.toml")).unwrap(),
        config_text
    );

    // The relay: remote with a token from stdin, then back to embedded.
    ok(&groupline(
        d,
        &[
            "config",
            "relay",
            "remote",
            "--url",
            "https://relay.office.example",
            "--token-stdin",
        ],
        Some("tok-123\n"),
    ));
    let show = json(&groupline(d, &["config", "show", "--json"], None));
    assert_eq!(show["relay"]["mode"], "remote");
    assert_eq!(show["relay"]["url"], "https://relay.office.example");
    assert_eq!(show["relay"]["client_token"], "set");
    ok(&groupline(
        d,
        &[
            "config",
            "set",
            "relay.url",
            "https://relay2.office.example",
        ],
        None,
    ));
    ok(&groupline(d, &["config", "relay", "embedded"], None));
    let show = json(&groupline(d, &["config", "show", "--json"], None));
    assert_eq!(show["relay"]["mode"], "embedded");
    assert_eq!(show["relay"]["listen"], "127.0.0.1:0");

    // Removing the active profile falls back to the demo and drops its password.
    ok(&groupline(
        d,
        &["config", "profile", "remove", "work"],
        None,
    ));
    let show = json(&groupline(d, &["config", "show", "--json"], None));
    assert_eq!(show["active"], "demo");
    assert_eq!(show["profiles"], serde_json::json!({}));
    let secrets = std::fs::read_to_string(d.join("secrets.toml")).unwrap();
    assert!(!secrets.contains("hunter2"), "{secrets}");
    assert!(
        secrets.contains("tok-123"),
        "the relay token stays: {secrets}"
    );
    fails(&groupline(
        d,
        &["config", "profile", "remove", "work"],
        None,
    ));
}

#[test]
fn secrets_come_from_stdin_and_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&groupline(
        d,
        &[
            "config",
            "profile",
            "add",
            "work",
            "--endpoint",
            "https://mm7.example.com/mm7",
            "--vasp-id",
            "k",
            "--sender",
            "+12515550100",
        ],
        None,
    ));
    let show = json(&groupline(d, &["config", "show", "--json"], None));
    assert_eq!(show["profiles"]["work"]["password"], "not set");

    ok(&groupline(
        d,
        &["config", "secret", "set", "work", "password"],
        Some("s3cret\n"),
    ));
    let show = json(&groupline(d, &["config", "show", "--json"], None));
    assert_eq!(show["profiles"]["work"]["password"], "set");

    // Empty input, unknown names and unknown profiles are refused.
    fails(&groupline(
        d,
        &["config", "secret", "set", "work", "password"],
        Some(""),
    ));
    let err = fails(&groupline(
        d,
        &["config", "secret", "set", "work", "passwrd"],
        Some("x\n"),
    ));
    assert!(err.contains("passwrd"), "{err}");
    fails(&groupline(
        d,
        &["config", "secret", "set", "other", "password"],
        Some("x\n"),
    ));
    ok(&groupline(
        d,
        &["config", "secret", "set", "relay", "provider_password"],
        Some("push\n"),
    ));

    // A secrets file others can read is refused, with the fix in the message.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file = d.join("secrets.toml");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = fails(&groupline(
            d,
            &["config", "secret", "set", "work", "password"],
            Some("x\n"),
        ));
        assert!(err.contains("chmod 600"), "{err}");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }

    ok(&groupline(
        d,
        &["config", "secret", "delete", "work", "password"],
        None,
    ));
    let show = json(&groupline(d, &["config", "show", "--json"], None));
    assert_eq!(show["profiles"]["work"]["password"], "not set");
    assert_eq!(show["relay"]["provider_password"], "set");
}

#[test]
fn an_explicit_config_file_wins_over_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = d.join("elsewhere/office.toml");
    let file_arg = file.to_str().unwrap();
    ok(&groupline(
        d,
        &[
            "config",
            "set",
            "default_region",
            "GB",
            "--config",
            file_arg,
        ],
        None,
    ));
    assert!(file.exists());
    assert!(!d.join("config.toml").exists());
    let path = json(&groupline(
        d,
        &["config", "path", "--json", "--config", file_arg],
        None,
    ));
    assert_eq!(path["source"], "flag");
    assert!(
        path["secrets"]
            .as_str()
            .unwrap()
            .contains("elsewhere/secrets.toml")
    );
    let show = json(&groupline(
        d,
        &["config", "show", "--json", "--config", file_arg],
        None,
    ));
    assert_eq!(show["default_region"], "GB");
}
