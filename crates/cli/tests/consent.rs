//! `groupline consent import|list|export` on a real store: an import is recorded whole or
//! not at all, the ledger reads back in order, and the export is CSV a spreadsheet cannot
//! turn into a formula.

use std::process::Command;

fn groupline(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_groupline"))
        .env_remove("GROUPLINE_DATA_DIR")
        .env_remove("GROUPLINE_CONFIG")
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .unwrap()
}

#[test]
fn prior_consents_import_whole_list_in_order_and_export_safely() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "number,event\n(202) 555-0111,opt_in\n2025550122,maybe\n",
    )
    .unwrap();
    let out = groupline(&data, &["consent", "import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 3"),
        "{out:?}"
    );
    let listed = groupline(&data, &["consent", "list", "--json"]);
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout).trim(),
        "[]",
        "nothing of a bad file is recorded"
    );

    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "Number,Event,Source,Evidence,Agent,At\n\
         (202) 555-0111,opt_in,web_form,\"=HYPERLINK(\"\"http://x\"\")\",Ana,2026-01-02T03:04:05Z\n\
         tel:+12025550122,opt-out,paper,scan 14,,1767323045000\n",
    )
    .unwrap();
    let out = groupline(
        &data,
        &[
            "consent",
            "import",
            good.to_str().unwrap(),
            "--agent",
            "Lee",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let listed = groupline(&data, &["consent", "list", "--json"]);
    let events: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["number"], "+12025550111");
    assert_eq!(events[0]["kind"], "opt_in");
    assert_eq!(events[0]["agent"], "Ana");
    assert_eq!(events[1]["kind"], "opt_out");
    assert_eq!(
        events[1]["agent"], "Lee",
        "the importer is the agent where a row names none"
    );
    assert_eq!(events[1]["at"], 1_767_323_045_000i64);

    let csv = dir.path().join("ledger.csv");
    assert!(
        groupline(&data, &["consent", "export", csv.to_str().unwrap()])
            .status
            .success()
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("id,number,event,source,evidence_kind,evidence,agent,at\n"));
    assert!(text.contains("+12025550111,opt_in,web_form"), "{text}");
    assert!(text.contains("'=HYPERLINK"), "formulas are defused: {text}");
}

#[test]
fn an_agent_records_a_paper_form_with_its_scan_and_verbal_consent_with_their_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let scan = dir.path().join("signed-form.pdf");
    std::fs::write(&scan, b"%PDF-1.4 signed by Dana").unwrap();
    let out = groupline(
        &data,
        &[
            "consent",
            "opt-in",
            "(202) 555-0111",
            "--scan",
            scan.to_str().unwrap(),
            "--agent",
            "Ana",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let out = groupline(
        &data,
        &[
            "consent",
            "opt-in",
            "2025550122",
            "--verbal",
            "on the phone",
        ],
    );
    assert!(!out.status.success(), "verbal consent needs the agent");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("agent"),
        "{out:?}"
    );
    let out = groupline(&data, &["consent", "opt-in", "2025550122"]);
    assert!(!out.status.success(), "how it was collected is required");

    let listed = groupline(&data, &["consent", "list", "--json"]);
    let events: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["source"], "paper_form: signed-form.pdf");
    assert_eq!(events[0]["evidence"]["kind"], "file");
    let sha = events[0]["evidence"]["value"].as_str().unwrap();
    let kept = data.join("media").join(&sha[..2]).join(sha);
    assert_eq!(std::fs::read(kept).unwrap(), b"%PDF-1.4 signed by Dana");
}
