//! Encoding: golden bytes with injected ids, decode(encode(x)) == x for every kind and for
//! random messages, and an independent MIME parse with Python's `email` package.

use std::borrow::Cow;
use std::io::Write;
use std::process::{Command, Stdio};

use mm7::message::{
    CancelReq, DeliverReq, DeliverRsp, DeliveryReportReq, ErrorRsp, ReadReplyReq, ReplaceReq,
    ReplyCharging, SenderIdentification, StatusRsp, SubmitReq, SubmitRsp, UaCapabilities,
};
use mm7::{
    Address, Body, ContentRef, Envelope, Limits, Part, Recipient, RecipientField, RequestOptions,
    ResponseOptions, SequentialIds, Status, StatusCode, TransferEncoding, Version, decode_http,
    encode_request, encode_response,
};
use proptest::prelude::*;

fn ids() -> SequentialIds {
    SequentialIds::new("t", "2026-01-02T03:04:05Z")
}

fn submit_req() -> Envelope {
    let req = SubmitReq {
        sender_identification: SenderIdentification {
            vasp_id: Some("API-KEY".into()),
            vas_id: Some("61295".into()),
            sender: Some(Address::number("12025550100")),
        },
        recipients: vec![
            Recipient::to(Address::number("12025550101").with_display_only(false)),
            Recipient::to(Address::number("12025550102").with_display_only(true)),
        ],
        time_stamp: Some("2026-01-02T03:04:05Z".into()),
        delivery_report: Some(true),
        subject: Some("Lunch & <plans>".into()),
        content: Some(ContentRef {
            href: "cid:content-1".into(),
            allow_adaptations: Some(true),
        }),
        ..SubmitReq::default()
    };
    Envelope::new(&Version::default(), "txn-1", Body::SubmitReq(req))
}

fn media() -> Vec<Part<'static>> {
    vec![
        Part::new(
            "text/plain; charset=utf-8",
            b"See you at noon \xF0\x9F\x8D\x95".to_vec(),
        )
        .with_content_id("text-1"),
        Part::new(
            "image/jpeg",
            vec![
                0xFF, 0xD8, 0xFF, 0xE0, 0x00, b'\r', b'\n', b'-', b'-', 0xFF, 0xD9,
            ],
        )
        .with_content_id("image-1")
        .with_content_location("photo.jpg"),
    ]
}

fn check_golden(name: &str, bytes: &[u8]) {
    let path = format!(
        "{}/tests/golden/{name}",
        std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, bytes).unwrap();
    }
    let expected =
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e} (run with UPDATE_GOLDEN=1)"));
    assert!(
        expected == bytes,
        "{name} differs from the golden file:\n{}",
        String::from_utf8_lossy(bytes)
    );
}

#[test]
fn golden_submit_request() {
    let options = RequestOptions {
        path: "/mm7/v1".into(),
        host: Some("mms.example.com".into()),
        basic_auth: Some(("user".into(), "secret".into())),
        operator_id: Some(("x-mblox-operator-id".into(), "31002".into())),
        ..RequestOptions::default()
    };
    let bytes = encode_request(&submit_req(), &media(), &options, &mut ids()).unwrap();
    check_golden("submitreq.http", &bytes);
    let text = String::from_utf8_lossy(&bytes);
    let head_end = text.find("\r\n\r\n").unwrap();
    let declared: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(
        declared,
        bytes.len() - head_end - 4,
        "Content-Length is the body length"
    );
    assert!(text.contains("Authorization: Basic dXNlcjpzZWNyZXQ=\r\n"));
    let lone_lf = |b: &[u8]| b.windows(2).any(|w| w[0] != b'\r' && w[1] == b'\n');
    assert!(!lone_lf(&bytes[..head_end + 4]), "HTTP head uses CRLF only");
}

#[test]
fn golden_deliver_response_and_fault() {
    let request = mm7::decode_http(
        include_bytes!("samples/deliverreq-sinch.xml"),
        &Limits::default(),
    )
    .unwrap();
    let ack = request
        .envelope
        .acknowledge(Status::success("Successfully received MMS"))
        .unwrap();
    assert_eq!(ack.transaction_id.as_deref(), Some("1000001"));
    assert_eq!(ack.mm7_version.as_deref(), Some("6.8.0"));
    let bytes = encode_response(&ack, &[], &ResponseOptions::default(), &mut ids()).unwrap();
    check_golden("deliverrsp.http", &bytes);
    assert!(bytes.starts_with(b"HTTP/1.1 200 OK\r\n"));

    let fault = Envelope::new(
        &Version::default(),
        "txn-9",
        Body::RSErrorRsp(ErrorRsp {
            status: Status {
                code: StatusCode(2572),
                text: Some("More than one deliverable recipient".into()),
                details: None,
            },
            fault_code: None,
            fault_string: None,
        }),
    );
    let bytes = encode_response(&fault, &[], &ResponseOptions::default(), &mut ids()).unwrap();
    check_golden("rserrorrsp.http", &bytes);
    assert!(bytes.starts_with(b"HTTP/1.1 500 Internal Server Error\r\n"));
}

fn round_trip(envelope: &Envelope, parts: &[Part<'_>], encoding: TransferEncoding) {
    let bytes = if envelope.kind().is_request() {
        let options = RequestOptions {
            transfer_encoding: encoding,
            ..RequestOptions::default()
        };
        encode_request(envelope, parts, &options, &mut ids()).unwrap()
    } else {
        let options = ResponseOptions {
            transfer_encoding: encoding,
            ..ResponseOptions::default()
        };
        encode_response(envelope, parts, &options, &mut ids()).unwrap()
    };
    let decoded = decode_http(&bytes, &Limits::default())
        .unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&bytes)));
    assert_eq!(&decoded.envelope, envelope);
    assert_eq!(decoded.parts, parts);
}

fn status() -> Status {
    Status {
        code: StatusCode(1000),
        text: Some("OK".into()),
        details: Some("all good".into()),
    }
}

fn every_kind() -> Vec<Body> {
    let si = SenderIdentification {
        vasp_id: Some("v".into()),
        vas_id: None,
        sender: Some(Address::short_code("111122")),
    };
    vec![
        Body::SubmitReq(SubmitReq {
            reply_charging: Some(ReplyCharging {
                size: Some("100".into()),
                deadline: None,
            }),
            delivery_condition: vec!["1".into(), "2".into()],
            drm_content: Some(false),
            ..match submit_req().body {
                Body::SubmitReq(r) => r,
                _ => unreachable!(),
            }
        }),
        Body::SubmitRsp(SubmitRsp {
            status: status(),
            message_id: Some("369500617770864640".into()),
            ..SubmitRsp::default()
        }),
        Body::DeliverReq(DeliverReq {
            linked_id: Some("L1".into()),
            sender: Some(Address::number("12025550102")),
            recipients: vec![
                Recipient::to(Address::number("12025550100").with_display_only(false)),
                Recipient {
                    field: RecipientField::Cc,
                    address: Address::email("a@b.c").with_display_only(true),
                },
                Recipient {
                    field: RecipientField::Bcc,
                    address: Address {
                        id: Some("x".into()),
                        address_coding: Some("obfuscated".into()),
                        ..Address::short_code("5")
                    },
                },
            ],
            previously_sent_by: vec![Address::number("1")],
            previously_sent_date_and_time: vec!["2026-01-01T00:00:00Z".into()],
            ua_capabilities: Some(UaCapabilities {
                ua_prof: Some("p".into()),
                time_stamp: None,
            }),
            content: Some(ContentRef::cid("c")),
            ..DeliverReq::default()
        }),
        Body::DeliverRsp(DeliverRsp {
            status: status(),
            service_code: Some("s".into()),
        }),
        Body::DeliveryReportReq(DeliveryReportReq {
            message_id: Some("m".into()),
            recipient: Some(Address::number("1")),
            sender: Some(Address::short_code("2")),
            mm_status: Some("Retrieved".into()),
            ..DeliveryReportReq::default()
        }),
        Body::DeliveryReportRsp(StatusRsp { status: status() }),
        Body::ReadReplyReq(ReadReplyReq {
            message_id: Some("m".into()),
            mm_status: Some("Read".into()),
            ..ReadReplyReq::default()
        }),
        Body::ReadReplyRsp(StatusRsp { status: status() }),
        Body::CancelReq(CancelReq {
            sender_identification: si.clone(),
            message_id: Some("m".into()),
        }),
        Body::CancelRsp(StatusRsp { status: status() }),
        Body::ReplaceReq(ReplaceReq {
            sender_identification: si,
            message_id: Some("m".into()),
            read_reply: Some(true),
            content: Some(ContentRef::cid("r")),
            ..ReplaceReq::default()
        }),
        Body::ReplaceRsp(StatusRsp { status: status() }),
        Body::RSErrorRsp(ErrorRsp {
            status: Status {
                code: StatusCode(3510),
                text: None,
                details: None,
            },
            fault_code: Some("soap-env:Server".into()),
            fault_string: Some("Server error".into()),
        }),
        Body::VASPErrorRsp(ErrorRsp {
            status: Status {
                code: StatusCode(2007),
                text: Some("bad".into()),
                details: None,
            },
            fault_code: Some("Client".into()),
            fault_string: Some("x".into()),
        }),
    ]
}

#[test]
fn every_kind_round_trips() {
    for body in every_kind() {
        let envelope = Envelope::new(
            &Version::new(mm7::Release::Rel5Mm7_1_2, "5.5.0"),
            "T 1",
            body,
        );
        let parts: Vec<Part<'_>> = if envelope.body.content().is_some() {
            let mut p = media();
            if envelope.kind() == mm7::Kind::SubmitReq {
                p.insert(
                    0,
                    Part::new("application/smil", b"<smil/>".to_vec()).with_content_id("s"),
                );
            }
            p
        } else {
            Vec::new()
        };
        for encoding in [TransferEncoding::Binary, TransferEncoding::Base64] {
            round_trip(&envelope, &parts, encoding);
        }
    }
}

#[test]
fn submit_without_smil_gets_one() {
    let bytes = encode_request(
        &submit_req(),
        &media(),
        &RequestOptions::default(),
        &mut ids(),
    )
    .unwrap();
    let decoded = decode_http(&bytes, &Limits::default()).unwrap();
    assert_eq!(decoded.parts.len(), 3);
    assert!(decoded.parts[0].is_smil());
    let smil = std::str::from_utf8(&decoded.parts[0].data).unwrap();
    assert!(
        smil.contains("src=\"cid:text-1\"") && smil.contains("src=\"cid:image-1\""),
        "{smil}"
    );
    assert_eq!(&decoded.parts[1..], &media()[..]);
}

#[test]
fn python_email_package_sees_the_same_parts() {
    let bytes = encode_request(
        &submit_req(),
        &media(),
        &RequestOptions::default(),
        &mut ids(),
    )
    .unwrap();
    let decoded = decode_http(&bytes, &Limits::default()).unwrap();
    let head_end = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let content_type = String::from_utf8_lossy(&bytes)
        .lines()
        .find_map(|l| l.strip_prefix("Content-Type: ").map(str::to_owned))
        .unwrap();
    // Python gets a MIME document: our Content-Type header and our body, untouched.
    let mut document =
        format!("Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n").into_bytes();
    document.extend_from_slice(&bytes[head_end..]);
    let script = r#"
import sys, email, email.policy, hashlib
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.compat32)
assert msg.is_multipart(), "outer is multipart"
assert msg.get_param("type") == "text/xml", msg.get_param("type")
root, content = msg.get_payload()
assert "<" + root["Content-ID"].strip("<>") + ">" == msg.get_param("start")
assert b"SubmitReq" in root.get_payload(decode=True)
for part in content.walk():
    if part.is_multipart():
        continue
    data = part.get_payload(decode=True)
    print(part.get_content_type(), (part["Content-ID"] or "").strip("<>"), len(data), hashlib.sha256(data).hexdigest())
"#;
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(&document).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let python: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let ours: Vec<String> = decoded
        .parts
        .iter()
        .map(|p| {
            format!(
                "{} {} {} {}",
                p.media_type(),
                p.content_id.as_deref().unwrap_or(""),
                p.data.len(),
                sha256_hex(&p.data)
            )
        })
        .collect();
    assert_eq!(python, ours);
}

fn sha256_hex(data: &[u8]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg("import sys,hashlib;print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(data)?;
            c.wait_with_output()
        })
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn line_breaks_in_header_values_are_refused() {
    let mut parts = media();
    parts[1].content_id = Some("x\r\nX-Injected: 1".into());
    let err = encode_request(
        &submit_req(),
        &parts,
        &RequestOptions::default(),
        &mut ids(),
    )
    .unwrap_err();
    assert!(
        matches!(err, mm7::EncodeError::InvalidField { .. }),
        "{err}"
    );
    let options = RequestOptions {
        operator_id: Some(("x-mblox-operator-id".into(), "1\nEvil: yes".into())),
        ..RequestOptions::default()
    };
    assert!(encode_request(&submit_req(), &media(), &options, &mut ids()).is_err());
}

#[test]
fn a_boundary_found_in_the_content_is_not_used() {
    // The first boundaries the source hands out occur in the payload; the encoder must
    // skip them and still produce a message that decodes to the same parts.
    let payload = b"--=_t_boundary_3 and --=_t_boundary_4 inside".to_vec();
    let parts = vec![Part::new("application/octet-stream", payload).with_content_id("p")];
    let envelope = Envelope::new(
        &Version::default(),
        "t",
        Body::DeliverReq(DeliverReq {
            content: Some(ContentRef::cid("c")),
            ..DeliverReq::default()
        }),
    );
    let bytes = encode_request(&envelope, &parts, &RequestOptions::default(), &mut ids()).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("boundary=\"=_t_boundary_3\""));
    assert_eq!(
        decode_http(&bytes, &Limits::default()).unwrap().parts,
        parts
    );
}

// ---- property tests ----

fn text() -> impl Strategy<Value = String> {
    // Values are trimmed on decode, so generate trimmed ones: markup characters, any
    // printable Unicode (emoji, CJK, right-to-left …).
    prop_oneof![
        "[A-Za-z0-9&<>\"'_.:/@-]([A-Za-z0-9 &<>\"'_.:/@-]{0,20}[A-Za-z0-9&<>\"'_.:/@-])?",
        "\\PC{0,24}".prop_map(|s| s.trim().to_owned()),
    ]
}

fn address() -> impl Strategy<Value = Address> {
    (
        prop_oneof![
            Just(mm7::AddressKind::Number),
            Just(mm7::AddressKind::ShortCode),
            Just(mm7::AddressKind::Email)
        ],
        "[0-9]{1,15}",
        proptest::option::of(any::<bool>()),
        proptest::option::of(prop_oneof![
            Just("encrypted".to_owned()),
            Just("obfuscated".to_owned())
        ]),
        proptest::option::of("[a-z0-9]{1,8}"),
    )
        .prop_map(|(kind, value, display_only, address_coding, id)| Address {
            kind,
            value,
            display_only,
            address_coding,
            id,
        })
}

fn recipients() -> impl Strategy<Value = Vec<Recipient>> {
    proptest::collection::vec(
        (
            prop_oneof![
                Just(RecipientField::To),
                Just(RecipientField::Cc),
                Just(RecipientField::Bcc)
            ],
            address(),
        ),
        1..6,
    )
    .prop_map(|mut v| {
        // The writer groups To, Cc, Bcc (schema order); generate them already grouped.
        v.sort_by_key(|(f, _)| *f);
        v.into_iter()
            .map(|(field, address)| Recipient { field, address })
            .collect()
    })
}

fn part() -> impl Strategy<Value = Part<'static>> {
    (
        prop_oneof![
            Just("image/jpeg"),
            Just("text/plain; charset=utf-8"),
            Just("video/mp4"),
            Just("audio/amr")
        ],
        proptest::collection::vec(any::<u8>(), 0..2000),
        "[a-z0-9.]{1,12}",
        proptest::option::of("[a-z0-9.]{1,12}"),
    )
        .prop_map(|(ct, data, id, location)| {
            let data = if ct.starts_with("text/") {
                String::from_utf8_lossy(&data).into_owned().into_bytes()
            } else {
                data
            };
            Part {
                content_type: ct.to_owned(),
                content_id: Some(id),
                content_location: location,
                data: Cow::Owned(data),
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_deliver_requests_round_trip(
        transaction in "[A-Za-z0-9-]{1,20}",
        sender in address(),
        recipients in recipients(),
        subject in proptest::option::of(text()),
        linked_id in proptest::option::of(text()),
        priority in proptest::option::of(prop_oneof![Just("High".to_owned()), Just("Normal".to_owned())]),
        parts in proptest::collection::vec(part(), 0..4),
        base64 in any::<bool>(),
    ) {
        let body = Body::DeliverReq(DeliverReq {
            sender: Some(sender),
            recipients,
            subject,
            linked_id,
            priority,
            content: (!parts.is_empty()).then(|| ContentRef::cid("content")),
            ..DeliverReq::default()
        });
        let envelope = Envelope::new(&Version::default(), transaction, body);
        let encoding = if base64 { TransferEncoding::Base64 } else { TransferEncoding::Binary };
        round_trip(&envelope, &parts, encoding);
    }

    #[test]
    fn random_submit_requests_round_trip(
        vasp in proptest::option::of(text()),
        sender in proptest::option::of(address()),
        recipients in recipients(),
        subject in proptest::option::of(text()),
        delivery_report in proptest::option::of(any::<bool>()),
        code in 1000u16..5000,
        parts in proptest::collection::vec(part(), 1..4),
    ) {
        let mut parts = parts;
        parts.insert(0, Part::new("application/smil", b"<smil></smil>".to_vec()).with_content_id("smil"));
        let body = Body::SubmitReq(SubmitReq {
            sender_identification: SenderIdentification { vasp_id: vasp, vas_id: None, sender },
            recipients,
            subject,
            delivery_report,
            content: Some(ContentRef::cid("content")),
            ..SubmitReq::default()
        });
        round_trip(&Envelope::new(&Version::default(), "t", body), &parts, TransferEncoding::Binary);
        let rsp = Body::SubmitRsp(SubmitRsp { status: Status { code: StatusCode(code), text: None, details: None }, ..SubmitRsp::default() });
        round_trip(&Envelope::new(&Version::default(), "t", rsp), &[], TransferEncoding::Binary);
    }

    #[test]
    fn random_reports_and_faults_round_trip(
        message_id in proptest::option::of(text()),
        recipient in proptest::option::of(address()),
        sender in proptest::option::of(address()),
        mm_status in proptest::option::of(prop_oneof![Just("Retrieved".to_owned()), Just("Unrecognized".to_owned()), text()]),
        status_text in proptest::option::of(text()),
        code in 1000u16..5000,
        fault_code in proptest::option::of(text()),
        vasp in any::<bool>(),
    ) {
        let dlr = Body::DeliveryReportReq(DeliveryReportReq {
            message_id,
            recipient,
            sender,
            mm_status,
            status_text: status_text.clone(),
            ..DeliveryReportReq::default()
        });
        round_trip(&Envelope::new(&Version::default(), "t", dlr), &[], TransferEncoding::Binary);
        let error = ErrorRsp {
            status: Status { code: StatusCode(code), text: status_text, details: None },
            fault_code: Some(fault_code.unwrap_or_else(|| "Server".into())),
            fault_string: Some("fault".into()),
        };
        let body = if vasp { Body::VASPErrorRsp(error) } else { Body::RSErrorRsp(error) };
        round_trip(&Envelope::new(&Version::default(), "t", body), &[], TransferEncoding::Binary);
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = decode_http(&bytes, &Limits::default());
        let _ = mm7::decode_body(&bytes, Some("multipart/related; boundary=b"), &Limits::default());
    }
}
