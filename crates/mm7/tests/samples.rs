//! Every published sample decodes, with the fields a person reads off the file asserted.
//! The samples are copied from `shared/mm7/samples` (each with its `.src.txt`) so the
//! crate's tests do not depend on the shared folder.

use mm7::{AddressKind, Body, DecodeError, Decoded, Limits, RecipientField, decode_http};

fn sample(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/samples/{name}",
        std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn decode(bytes: &[u8]) -> Decoded<'_> {
    decode_http(bytes, &Limits::default()).expect("sample decodes")
}

const REL6_14: &str = "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4";

#[test]
fn sinch_malformed_deliver_req_is_recovered() {
    for name in [
        "deliverreq-sinch.xml",
        "deliverreq-http-multipart-sinch.txt",
    ] {
        let bytes = sample(name);
        let d = decode(&bytes);
        assert_eq!(
            d.envelope.transaction_id.as_deref(),
            Some("1000001"),
            "{name}"
        );
        assert_eq!(d.envelope.mm7_version.as_deref(), Some("6.8.0"));
        assert_eq!(d.envelope.namespace.as_deref(), Some(REL6_14));
        let Body::DeliverReq(m) = &d.envelope.body else {
            panic!("{name}: {:?}", d.envelope.body)
        };
        assert_eq!(m.linked_id.as_deref(), Some("1000001"));
        let sender = m.sender.as_ref().unwrap();
        assert_eq!(
            (sender.kind, sender.value.as_str(), sender.display_only),
            (AddressKind::Number, "1617423433", None)
        );
        assert_eq!(m.recipients.len(), 1);
        assert_eq!(m.recipients[0].field, RecipientField::To);
        assert_eq!(m.recipients[0].address.value, "111122");
        assert_eq!(m.recipients[0].address.display_only, Some(false));
        assert_eq!(m.time_stamp.as_deref(), Some("2014-04-14T16:15:23.414Z"));
        assert_eq!(m.priority.as_deref(), Some("Normal"));
        let content = m.content.as_ref().unwrap();
        assert_eq!(content.content_id(), Some("default.cid"));
        assert_eq!(content.allow_adaptations, Some(true));
    }
    let bytes = sample("deliverreq-http-multipart-sinch.txt");
    let d = decode(&bytes);
    assert_eq!(d.http.as_ref().unwrap().operator_id(), Some("0001890"));
    // multipart/mixed content; headers run into the body with no blank line.
    assert_eq!(d.parts.len(), 2);
    assert_eq!(d.parts[0].content_type, "image/jpeg");
    assert_eq!(d.parts[0].content_id.as_deref(), Some("image_0.jpg"));
    assert_eq!(&*d.parts[0].data, b"<Binary contents>\n");
    assert!(
        matches!(d.parts[0].data, std::borrow::Cow::Borrowed(_)),
        "binary parts are not copied"
    );
    assert_eq!(d.parts[1].content_type, "text/plain");
    assert_eq!(d.parts[1].content_id.as_deref(), Some("text_0.txt"));
    assert_eq!(&*d.parts[1].data, b"Test MO message!\n");
}

#[test]
fn spec_example_with_mismatched_cid_falls_back_to_the_second_part() {
    let bytes = sample("deliverreq-http-3gpp-example-instantcom.txt");
    let d = decode(&bytes);
    assert_eq!(d.envelope.transaction_id.as_deref(), Some("vas00324-dlvr"));
    assert_eq!(d.envelope.mm7_version.as_deref(), Some("6.7.0"));
    let Body::DeliverReq(m) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(m.vasp_id.as_deref(), Some("TNN"));
    assert_eq!(m.vas_id.as_deref(), Some("Reminder"));
    assert_eq!(m.mms_relay_server_id.as_deref(), Some("240.110.75.34"));
    assert_eq!(m.linked_id.as_deref(), Some("wthr8391"));
    let sender = m.sender.as_ref().unwrap();
    assert_eq!(
        (sender.kind, sender.value.as_str()),
        (AddressKind::Email, "97254265781@OMMS.com")
    );
    assert_eq!(m.subject.as_deref(), Some("Weather Forecast"));
    assert_eq!(m.time_stamp.as_deref(), Some("2002-04-15T14:35:21-05:00"));
    assert_eq!(d.parts.len(), 1);
    assert_eq!(d.parts[0].content_type, "text/plain;charset=\"utf-8\"");
    assert_eq!(
        d.parts[0].content_id.as_deref(),
        Some("forecast-location2000102-86453")
    );
    assert_eq!(&*d.parts[0].data, b"Los Angeles, Calif, USA ");
}

#[test]
fn multipart_mixed_with_base64_gif() {
    let bytes = sample("deliverreq-multipart-mixed-base64-instantcom.txt");
    let d = decode(&bytes);
    let Body::DeliverReq(m) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(m.subject.as_deref(), Some("Weather Forecast"));
    assert_eq!(d.parts.len(), 2);
    assert_eq!(d.parts[0].content_type, "text/plain; charset=\"us-ascii\"");
    assert_eq!(d.parts[0].content_id, None);
    assert_eq!(&*d.parts[0].data, b"Science news, new Saturn pictures...\n");
    assert_eq!(d.parts[1].content_id.as_deref(), Some("saturn.gif"));
    assert!(d.parts[1].data.starts_with(b"GIF87a"));
    assert_eq!(d.parts[1].data.len(), 57);
}

#[test]
fn minimal_deliver_req_with_smil_and_base64_jpeg() {
    let bytes = sample("deliverreq-minimal-smil-instantcom.txt");
    let d = decode(&bytes);
    assert_eq!(
        d.envelope.transaction_id.as_deref(),
        Some("0Q296S401H79CPSU13V1K431DRK3G49M")
    );
    let Body::DeliverReq(m) = &d.envelope.body else {
        panic!()
    };
    assert!(m.sender.is_none());
    assert_eq!(
        m.content.as_ref().unwrap().content_id(),
        Some("mm7-content")
    );
    let types: Vec<String> = d.parts.iter().map(|p| p.media_type()).collect();
    assert!(types.contains(&"image/jpeg".to_owned()), "{types:?}");
    assert!(types.contains(&"application/smil".to_owned()), "{types:?}");
    let jpeg = d
        .parts
        .iter()
        .find(|p| p.media_type() == "image/jpeg")
        .unwrap();
    assert!(
        jpeg.data.starts_with(&[0xFF, 0xD8]),
        "decoded JPEG starts with SOI"
    );
    assert!(jpeg.data.len() > 250_000);
}

#[test]
fn delivery_reports_plain_xml_under_a_multipart_header() {
    for name in [
        "deliveryreportreq-sinch.xml",
        "deliveryreportreq-http-sinch.txt",
    ] {
        let bytes = sample(name);
        let d = decode(&bytes);
        assert_eq!(d.envelope.transaction_id.as_deref(), Some("10000001"));
        let Body::DeliveryReportReq(m) = &d.envelope.body else {
            panic!()
        };
        assert_eq!(m.message_id.as_deref(), Some("369500617770864640"));
        assert_eq!(m.recipient.as_ref().unwrap().value, "16175550123");
        assert_eq!(m.sender.as_ref().unwrap().value, "111122");
        assert_eq!(m.date.as_deref(), Some("2015-03-16T14:03:51.749Z"));
        assert_eq!(m.mm_status.as_deref(), Some("Retrieved"));
        assert_eq!(m.status_text.as_deref(), Some("Success"));
        assert_eq!(
            m.ua_capabilities.as_ref().unwrap().ua_prof.as_deref(),
            Some("Samsung Galaxy")
        );
        assert!(d.parts.is_empty());
    }
}

#[test]
fn responses() {
    for (name, text) in [
        ("deliverrsp-sinch.xml", "Successfully received MMS"),
        ("deliverrsp-http-sinch.txt", "Successfully received MMS"),
    ] {
        let bytes = sample(name);
        let d = decode(&bytes);
        let Body::DeliverRsp(r) = &d.envelope.body else {
            panic!()
        };
        assert_eq!(r.status.code.0, 1000);
        assert_eq!(r.status.text.as_deref(), Some(text));
        assert_eq!(d.envelope.transaction_id.as_deref(), Some("1000001"));
    }
    for name in [
        "deliveryreportrsp-sinch.xml",
        "deliveryreportrsp-http-sinch.txt",
    ] {
        let bytes = sample(name);
        let d = decode(&bytes);
        let Body::DeliveryReportRsp(r) = &d.envelope.body else {
            panic!()
        };
        assert_eq!(r.status.code.0, 1000);
        assert_eq!(r.status.text.as_deref(), Some("Successfully Received MMS."));
    }
    for name in ["submitrsp-sinch.xml", "submitrsp-http-sinch.txt"] {
        let bytes = sample(name);
        let d = decode(&bytes);
        let Body::SubmitRsp(r) = &d.envelope.body else {
            panic!()
        };
        assert!(r.status.code.is_success());
        assert_eq!(
            r.status.text.as_deref(),
            Some("Successfully parsed and validated request")
        );
        assert_eq!(r.message_id.as_deref(), Some("369500617770864640"));
        assert_eq!(d.envelope.namespace.as_deref(), Some(REL6_14));
    }
    let bytes = sample("submitrsp-instantcom.xml");
    let d = decode(&bytes);
    assert_eq!(d.envelope.transaction_id.as_deref(), Some("vas00001-sub"));
    assert!(
        d.envelope
            .namespace
            .as_deref()
            .unwrap()
            .ends_with("REL-6-MM7-6-7")
    );
    let Body::SubmitRsp(r) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(r.message_id.as_deref(), Some("041502073667"));
    assert_eq!(
        r.applic_id.as_deref(),
        Some("ifx.com.neon.downloadedPackage.MAFIA")
    );
    assert_eq!(r.aux_applic_info.as_deref(), Some("session.ABC.DEF"));
}

#[test]
fn faults() {
    let bytes = sample("rserrorrsp-fault-sinch.xml");
    let d = decode(&bytes);
    let Body::RSErrorRsp(e) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(e.status.code.0, 2007);
    assert!(e.status.code.is_client_error() && e.status.code.is_permanent());
    assert_eq!(e.status.text.as_deref(), Some("Unable to parse request"));
    assert_eq!(e.status.details.as_deref(), Some("Message format corrupt"));
    assert_eq!(e.fault_code.as_deref(), Some("soap-env:Client"));
    assert_eq!(e.fault_string.as_deref(), Some("Client error"));

    // The HTTP status does not matter: SOAP 1.1 says 500, some providers send 200.
    for status in ["HTTP/1.1 500 Internal Server Error", "HTTP/1.1 200 OK"] {
        let mut raw = format!("{status}\r\nContent-Type: text/xml\r\n\r\n").into_bytes();
        raw.extend_from_slice(&bytes);
        let d = decode(&raw);
        assert!(matches!(&d.envelope.body, Body::RSErrorRsp(e) if e.status.code.0 == 2007));
        assert!(d.http.is_some());
    }

    let bytes = sample("rserrorrsp-fault-rel6-instantcom.xml");
    let d = decode(&bytes);
    assert_eq!(d.envelope.transaction_id.as_deref(), Some("123456"));
    let Body::RSErrorRsp(e) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(e.status.code.0, 4002);
    assert_eq!(e.status.text.as_deref(), Some("Unsupported version"));
    assert_eq!(e.fault_code.as_deref(), Some("Client"));
}

#[test]
fn submit_requests() {
    let bytes = sample("submitreq-sinch.xml");
    let d = decode(&bytes);
    let Body::SubmitReq(m) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(
        m.sender_identification.vasp_id.as_deref(),
        Some("skfdjslkjfdslkfj434das")
    );
    assert_eq!(m.sender_identification.vas_id.as_deref(), Some("126273"));
    let sender = m.sender_identification.sender.as_ref().unwrap();
    assert_eq!(
        (sender.kind, sender.value.as_str()),
        (AddressKind::ShortCode, "111122")
    );
    assert_eq!(m.recipients[0].address.value, "16172383232");
    assert_eq!(m.subject.as_deref(), Some("My first MM7 Message"));
    assert_eq!(m.content.as_ref().unwrap().allow_adaptations, Some(false));

    // No namespace on SubmitReq, elements out of order, nested multipart/related with SMIL.
    let bytes = sample("submitreq-http-multipart-sinch.txt");
    let d = decode(&bytes);
    assert_eq!(d.envelope.transaction_id.as_deref(), Some("555e29f8879be"));
    assert_eq!(
        d.envelope.namespace.as_deref(),
        Some(REL6_14),
        "taken from the TransactionID"
    );
    let Body::SubmitReq(m) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(m.delivery_report, Some(true));
    assert_eq!(m.sender_identification.vas_id.as_deref(), Some("61295"));
    assert_eq!(m.recipients[0].address.value, "16179593069");
    assert_eq!(m.expiry_date.as_deref(), Some("2015-05-24T18:54:48+00:00"));
    assert_eq!(d.parts.len(), 2);
    assert_eq!(&*d.parts[0].data, b"MM7 Test Text");
    assert_eq!(d.parts[0].content_id.as_deref(), Some("132c4ca56a209475"));
    assert!(d.parts[1].is_smil());
    assert_eq!(
        d.http.as_ref().unwrap().header("Authorization"),
        Some("Basic dW5pdmyc2FsLXZhcj2YWwtdmFzcC1wd2Q=")
    );
}

#[test]
fn synthetic_group_messages() {
    let bytes = sample("synthetic/submitreq-group-synthetic.xml");
    let d = decode(&bytes);
    let Body::SubmitReq(m) = &d.envelope.body else {
        panic!()
    };
    let flags: Vec<_> = m
        .recipients
        .iter()
        .map(|r| r.address.display_only)
        .collect();
    assert_eq!(flags, vec![Some(true), Some(false), Some(true)]);
    assert_eq!(mm7::group::validate_submit(m), Ok(()));

    let bytes = sample("synthetic/deliverreq-group-synthetic.xml");
    let d = decode(&bytes);
    let Body::DeliverReq(m) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(m.sender.as_ref().unwrap().display_only, None);
    let passive: Vec<_> = m
        .recipients
        .iter()
        .filter(|r| r.address.display_only == Some(true))
        .map(|r| r.address.value.as_str())
        .collect();
    assert_eq!(passive, vec!["12025550101", "12025550103"]);
}

#[test]
fn smil_document_is_not_an_mm7_message() {
    let bytes = sample("smil-sample-instantcom.xml");
    assert_eq!(
        decode_http(&bytes, &Limits::default()),
        Err(DecodeError::NoEnvelope)
    );
}

#[test]
fn quirks_line_endings_and_prefixes() {
    // CRLF conversion of an LF sample decodes identically.
    let lf = sample("deliverreq-http-multipart-sinch.txt");
    let crlf = String::from_utf8(lf.clone())
        .unwrap()
        .replace('\n', "\r\n")
        .into_bytes();
    let a = decode(&lf);
    let b = decode(&crlf);
    assert_eq!(a.envelope, b.envelope);
    assert_eq!(b.parts[1].data.as_ref(), b"Test MO message!\r\n");

    // cid with spaces, namespaced href, utf-16 declaration over UTF-8 bytes, True/False,
    // /TYPE=PLMN, SOAP part without Content-ID, Start/Type in mixed case.
    let body = "--b\r\nContent-Type: text/xml; charset=utf-8\r\n\r\n<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n\
<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Header><m:TransactionID xmlns:m=\"urn:x\"> t-1 \r\n</m:TransactionID></e:Header>\
<e:Body><m:DeliverReq xmlns:m=\"urn:x\"><m:MM7Version>5.3.0</m:MM7Version><m:Sender><m:Number>+12025550100/TYPE=PLMN</m:Number></m:Sender>\
<m:Recipients><m:Cc><m:Number displayOnly=\"True\">111</m:Number></m:Cc></m:Recipients><m:Subject>caf\u{e9}</m:Subject>\
<m:Content m:href=\"cid: c1\" allowAdaptations=\"False\"/></m:DeliverReq></e:Body></e:Envelope>\r\n\
--b\r\nContent-Type: text/plain\r\nContent-ID: c1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nh=C3=A9llo\r\n--b--\r\n";
    let d = mm7::decode_body(
        body.as_bytes(),
        Some("Multipart/Related; Boundary=b; Type=\"text/xml\""),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(d.envelope.transaction_id.as_deref(), Some("t-1"));
    assert_eq!(d.envelope.namespace.as_deref(), Some("urn:x"));
    let Body::DeliverReq(m) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(m.sender.as_ref().unwrap().value, "12025550100");
    assert_eq!(m.recipients[0].field, RecipientField::Cc);
    assert_eq!(m.recipients[0].address.display_only, Some(true));
    assert_eq!(m.subject.as_deref(), Some("café"));
    assert_eq!(m.content.as_ref().unwrap().allow_adaptations, Some(false));
    assert_eq!(d.parts.len(), 1);
    assert_eq!(&*d.parts[0].data, "héllo".as_bytes());
}

#[test]
fn flat_layout_without_content_element_and_start_naming_a_later_part() {
    // No <Content href>: every non-root part is content. `start` names the SOAP part even
    // though it is not first; base64 written as BASE64 with LF line ends.
    let body = "--x\nContent-Type: image/png\nContent-Transfer-Encoding: BASE64\nContent-Location: a.png\n\niVBORw0K\nGgo=\n\
--x\nContent-Type: text/xml\nContent-ID: <soap>\n\n<Envelope><Body><DeliverReq><MM7Version>6.8.0</MM7Version></DeliverReq></Body></Envelope>\n\
--x\nContent-Type: text/plain\n\nhi\n--x--\n";
    let d = mm7::decode_body(
        body.as_bytes(),
        Some("multipart/related; type=\"text/xml\"; start=\"<soap>\"; boundary=x"),
        &Limits::default(),
    )
    .unwrap();
    assert!(matches!(d.envelope.body, Body::DeliverReq(_)));
    assert_eq!(d.parts.len(), 2);
    assert_eq!(&*d.parts[0].data, b"\x89PNG\r\n\x1a\n");
    assert_eq!(d.parts[0].content_location.as_deref(), Some("a.png"));
    assert_eq!(&*d.parts[1].data, b"hi");
}

#[test]
fn soap_part_after_the_content_without_start() {
    let body = "--x\r\nContent-Type: text/plain\r\n\r\nfirst\r\n\
--x\r\nContent-Type: text/xml\r\n\r\n<Envelope><Body><DeliverReq><MM7Version>6.8.0</MM7Version></DeliverReq></Body></Envelope>\r\n--x--";
    let d = mm7::decode_body(
        body.as_bytes(),
        Some("multipart/related; boundary=x"),
        &Limits::default(),
    )
    .unwrap();
    assert!(matches!(d.envelope.body, Body::DeliverReq(_)));
    assert_eq!(d.parts.len(), 1);
    assert_eq!(&*d.parts[0].data, b"first");
}

#[test]
fn content_found_by_content_location() {
    let body = "--x\r\nContent-Type: text/xml\r\n\r\n<Envelope><Body><DeliverReq><Content href=\"pic.jpg\"/></DeliverReq></Body></Envelope>\r\n\
--x\r\nContent-Type: text/plain\r\n\r\nnot me\r\n--x\r\nContent-Type: image/jpeg\r\nContent-Location: pic.jpg\r\n\r\nJPEG\r\n--x--";
    let d = mm7::decode_body(body.as_bytes(), None, &Limits::default()).unwrap();
    assert_eq!(d.parts.len(), 1);
    assert_eq!(&*d.parts[0].data, b"JPEG");
}

#[test]
fn chunked_http_bodies_are_refused_not_misread() {
    let raw = b"POST /mm7 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<a/>\n\r\n0\r\n\r\n";
    assert!(matches!(
        decode_http(raw, &Limits::default()),
        Err(DecodeError::MalformedHttp(_))
    ));
}

#[test]
fn limits_are_typed_errors() {
    let bytes = sample("deliverreq-minimal-smil-instantcom.txt");
    let small = Limits {
        max_body_bytes: 1000,
        ..Limits::default()
    };
    assert!(matches!(
        decode_http(&bytes, &small),
        Err(DecodeError::BodyTooLarge { limit: 1000, .. })
    ));
    let few = Limits {
        max_parts: 2,
        ..Limits::default()
    };
    assert_eq!(
        decode_http(&bytes, &few),
        Err(DecodeError::TooManyParts { limit: 2 })
    );
    let shallow = Limits {
        max_mime_depth: 1,
        ..Limits::default()
    };
    assert_eq!(
        decode_http(&bytes, &shallow),
        Err(DecodeError::NestingTooDeep { limit: 1 })
    );
    let flat = Limits {
        max_xml_depth: 3,
        ..Limits::default()
    };
    assert_eq!(
        decode_http(&bytes, &flat),
        Err(DecodeError::NestingTooDeep { limit: 3 })
    );
}
