//! `groupline mm7 decode|encode`, run as a real process over every published sample
//! (copied into crates/mm7/tests/samples so the build does not need ../shared).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn groupline() -> Command {
    Command::new(env!("CARGO_BIN_EXE_groupline"))
}

fn samples() -> PathBuf {
    std::path::PathBuf::from(
        std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../mm7/tests/samples")
}

fn run(args: &[&str], file: &Path) -> Output {
    let data_dir = tempfile::tempdir().unwrap();
    groupline()
        .args(args)
        .arg(file)
        .arg("--data-dir")
        .arg(data_dir.path())
        .output()
        .unwrap()
}

fn decode(file: &Path) -> Value {
    let out = run(&["mm7", "decode"], file);
    assert!(
        out.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// decode(encode(x)) == x, through the binary.
fn assert_round_trips(json: &Value) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.json");
    std::fs::write(&input, serde_json::to_vec(json).unwrap()).unwrap();
    let out = run(&["mm7", "encode"], &input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let http = dir.path().join("x.http");
    std::fs::write(&http, &out.stdout).unwrap();
    assert_eq!(
        &decode(&http),
        json,
        "decode(encode(x)) == x for {}",
        json["kind"]
    );
}

fn check(name: &str, expected: Value) -> Value {
    let json = decode(&samples().join(name));
    for (key, want) in expected.as_object().unwrap() {
        assert_eq!(&json[key], want, "{name}: {key}");
    }
    for key in [
        "kind",
        "transaction_id",
        "mm7_version",
        "namespace",
        "sender",
        "recipients",
        "message_id",
        "linked_id",
        "subject",
        "mm_status",
        "status",
        "parts",
    ] {
        assert!(json.get(key).is_some(), "{name}: key {key} always present");
    }
    assert_round_trips(&json);
    json
}

const NS: &str = "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4";

fn number(value: &str, field: Option<&str>, display_only: Option<bool>) -> Value {
    json!({"field": field, "kind": "number", "value": value, "display_only": display_only, "address_coding": null, "id": null})
}

#[test]
fn sinch_deliver_requests() {
    for name in [
        "deliverreq-sinch.xml",
        "deliverreq-http-multipart-sinch.txt",
    ] {
        check(
            name,
            json!({
                "kind": "DeliverReq", "transaction_id": "1000001", "mm7_version": "6.8.0", "namespace": NS,
                "sender": {"kind": "number", "value": "1617423433", "display_only": null, "address_coding": null, "id": null},
                "recipients": [number("111122", Some("to"), Some(false))],
                "linked_id": "1000001", "subject": null, "message_id": null, "status": null,
                "time_stamp": "2014-04-14T16:15:23.414Z", "priority": "Normal",
            }),
        );
    }
    let json = decode(&samples().join("deliverreq-http-multipart-sinch.txt"));
    let parts = json["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0]["content_type"], "image/jpeg");
    assert_eq!(parts[0]["content_id"], "image_0.jpg");
    assert_eq!(parts[0]["size"], 18);
    assert!(parts[0].get("text").is_none());
    assert_eq!(parts[1]["content_type"], "text/plain");
    assert_eq!(parts[1]["text"], "Test MO message!\n");
    assert_eq!(parts[1]["size"], 17);
    assert_eq!(parts[1]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn instantcom_deliver_requests() {
    let json = check(
        "deliverreq-http-3gpp-example-instantcom.txt",
        json!({
            "kind": "DeliverReq", "transaction_id": "vas00324-dlvr", "mm7_version": "6.7.0", "namespace": NS,
            "sender": {"kind": "email", "value": "97254265781@OMMS.com", "display_only": null, "address_coding": null, "id": null},
            "recipients": [], "linked_id": "wthr8391", "subject": "Weather Forecast",
            "vasp_id": "TNN", "vas_id": "Reminder", "mms_relay_server_id": "240.110.75.34",
        }),
    );
    assert_eq!(json["parts"][0]["text"], "Los Angeles, Calif, USA ");
    assert_eq!(
        json["parts"][0]["content_id"],
        "forecast-location2000102-86453"
    );

    let json = check(
        "deliverreq-multipart-mixed-base64-instantcom.txt",
        json!({"kind": "DeliverReq", "transaction_id": "vas00324-dlvr", "subject": "Weather Forecast"}),
    );
    assert_eq!(
        json["parts"][0]["text"],
        "Science news, new Saturn pictures...\n"
    );
    assert_eq!(json["parts"][1]["content_type"], "image/gif;");
    assert_eq!(json["parts"][1]["size"], 57);

    let json = check(
        "deliverreq-minimal-smil-instantcom.txt",
        json!({"kind": "DeliverReq", "transaction_id": "0Q296S401H79CPSU13V1K431DRK3G49M", "mm7_version": "6.8.0", "sender": null}),
    );
    let types: Vec<&str> = json["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["content_type"].as_str().unwrap())
        .collect();
    assert!(
        types.iter().any(|t| t.starts_with("image/jpeg")),
        "{types:?}"
    );
    assert!(
        types.iter().any(|t| t.starts_with("application/smil")),
        "{types:?}"
    );
}

#[test]
fn delivery_reports_and_responses() {
    for name in [
        "deliveryreportreq-sinch.xml",
        "deliveryreportreq-http-sinch.txt",
    ] {
        check(
            name,
            json!({
                "kind": "DeliveryReportReq", "transaction_id": "10000001", "message_id": "369500617770864640",
                "mm_status": "Retrieved", "status_text": "Success", "date": "2015-03-16T14:03:51.749Z",
                "recipients": [number("16175550123", None, None)],
                "sender": {"kind": "number", "value": "111122", "display_only": null, "address_coding": null, "id": null},
                "parts": [],
            }),
        );
    }
    for name in [
        "deliveryreportrsp-sinch.xml",
        "deliveryreportrsp-http-sinch.txt",
    ] {
        check(
            name,
            json!({"kind": "DeliveryReportRsp", "transaction_id": "1000001", "status": {"code": 1000, "text": "Successfully Received MMS.", "details": null}}),
        );
    }
    for name in ["deliverrsp-sinch.xml", "deliverrsp-http-sinch.txt"] {
        check(
            name,
            json!({"kind": "DeliverRsp", "transaction_id": "1000001", "mm7_version": "6.8.0", "status": {"code": 1000, "text": "Successfully received MMS", "details": null}}),
        );
    }
    for name in ["submitrsp-sinch.xml", "submitrsp-http-sinch.txt"] {
        check(
            name,
            json!({"kind": "SubmitRsp", "message_id": "369500617770864640", "status": {"code": 1000, "text": "Successfully parsed and validated request", "details": null}}),
        );
    }
    check(
        "submitrsp-instantcom.xml",
        json!({
            "kind": "SubmitRsp", "transaction_id": "vas00001-sub", "mm7_version": "6.7.0", "message_id": "041502073667",
            "namespace": "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-6-7",
        }),
    );
}

#[test]
fn faults() {
    check(
        "rserrorrsp-fault-sinch.xml",
        json!({
            "kind": "RSErrorRsp", "transaction_id": "1000001",
            "status": {"code": 2007, "text": "Unable to parse request", "details": "Message format corrupt"},
            "fault_code": "soap-env:Client", "fault_string": "Client error",
        }),
    );
    check(
        "rserrorrsp-fault-rel6-instantcom.xml",
        json!({"kind": "RSErrorRsp", "transaction_id": "123456", "mm7_version": "6.8.0", "status": {"code": 4002, "text": "Unsupported version", "details": null}, "fault_code": "Client"}),
    );
}

#[test]
fn submit_requests() {
    check(
        "submitreq-sinch.xml",
        json!({
            "kind": "SubmitReq", "transaction_id": "1000001", "vasp_id": "skfdjslkjfdslkfj434das", "vas_id": "126273",
            "sender": {"kind": "short_code", "value": "111122", "display_only": null, "address_coding": null, "id": null},
            "recipients": [number("16172383232", Some("to"), None)], "subject": "My first MM7 Message",
            "content": {"href": "cid:generic", "allow_adaptations": false},
        }),
    );
    let json = check(
        "submitreq-http-multipart-sinch.txt",
        json!({
            "kind": "SubmitReq", "transaction_id": "555e29f8879be", "namespace": NS, "delivery_report": true,
            "recipients": [number("16179593069", Some("to"), None)], "subject": "My first MM7 Message",
            "expiry_date": "2015-05-24T18:54:48+00:00", "time_stamp": "2015-05-21T18:54:48+00:00",
        }),
    );
    assert_eq!(json["parts"][0]["text"], "MM7 Test Text");
    assert_eq!(
        json["parts"][1]["content_type"],
        "application/smil; charset=utf-8"
    );
    check(
        "synthetic/submitreq-group-synthetic.xml",
        json!({
            "kind": "SubmitReq", "transaction_id": "grp-0001-b",
            "recipients": [
                number("12025550101", Some("to"), Some(true)),
                number("12025550102", Some("to"), Some(false)),
                number("12025550103", Some("to"), Some(true)),
            ],
        }),
    );
    check(
        "synthetic/deliverreq-group-synthetic.xml",
        json!({
            "kind": "DeliverReq", "transaction_id": "1000002",
            "sender": {"kind": "number", "value": "12025550102", "display_only": null, "address_coding": null, "id": null},
            "recipients": [
                number("12025550100", Some("to"), Some(false)),
                number("12025550101", Some("to"), Some(true)),
                number("12025550103", Some("to"), Some(true)),
            ],
        }),
    );
}

#[test]
fn body_alone_takes_its_type_from_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let raw = std::fs::read(samples().join("deliverreq-http-multipart-sinch.txt")).unwrap();
    let body_at = raw.windows(2).position(|w| w == b"\n\n").unwrap() + 2;
    let file = dir.path().join("body");
    std::fs::write(&file, &raw[body_at..]).unwrap();
    let ct = "multipart/related; start=\"soap-start\"; type=\"text/xml\"; boundary=\"----=_Part_139078_1411587550.1397492135426\"";
    let data_dir = tempfile::tempdir().unwrap();
    let out = groupline()
        .args(["mm7", "decode", "--content-type", ct])
        .arg(&file)
        .arg("--data-dir")
        .arg(data_dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["kind"], "DeliverReq");
    assert_eq!(json["parts"].as_array().unwrap().len(), 2);
}

#[test]
fn undecodable_input_exits_1_with_one_line() {
    for file in [
        samples().join("smil-sample-instantcom.xml"),
        PathBuf::from("/nonexistent/x"),
    ] {
        let out = run(&["mm7", "decode"], &file);
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn encode_writes_a_request_a_person_can_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("m.json");
    std::fs::write(
        &input,
        json!({
            "kind": "SubmitReq", "transaction_id": "t1", "mm7_version": "6.8.0", "namespace": NS,
            "vasp_id": "KEY", "sender": {"kind": "number", "value": "12025550100"},
            "recipients": [{"field": "to", "kind": "number", "value": "12025550101", "display_only": false}],
            "subject": "Hi", "parts": [{"content_type": "text/plain", "text": "hello"}],
            "http": {"path": "/mm7/v1", "operator_id_header": "x-mblox-operator-id", "operator_id": "31002"},
        })
        .to_string(),
    )
    .unwrap();
    let out = run(&["mm7", "encode"], &input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("POST /mm7/v1 HTTP/1.1\r\n"), "{text}");
    assert!(text.contains(&format!("SOAPAction: \"{NS}\"\r\n")));
    assert!(text.contains("x-mblox-operator-id: 31002\r\n"));
    assert!(text.contains("<Number displayOnly=\"false\">12025550101</Number>"));
    assert!(
        text.contains("Content-Type: application/smil"),
        "SMIL generated for SubmitReq"
    );
}
