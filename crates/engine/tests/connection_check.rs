//! "Test connection" against the simulator over loopback: right credentials, wrong ones, a
//! wrong path, nothing listening, TLS to a plain-HTTP port, and a server that is not MM7.
//! Whatever the case, the simulator never sees a SubmitReq (nothing billable goes out).

use std::time::Duration;

use engine::connection_check::{Verdict, test_connection};
use engine::provider::ProviderEndpoint;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const USER: &str = "agent";
const PASSWORD: &str = "s3cret";

async fn sim() -> mmsc_sim::SimHandle {
    mmsc_sim::Simulator::start(mmsc_sim::SimConfig {
        account: mmsc_sim::SinchAccount {
            basic: Some((USER.into(), PASSWORD.into())),
            ..Default::default()
        },
        ..Default::default()
    })
    .await
    .unwrap()
}

fn profile(url: String, password: &str) -> ProviderEndpoint {
    let mut p = ProviderEndpoint::new("test", url, "groupline-demo", "+12025550100");
    p.basic_auth = Some((USER.into(), password.into()));
    p.timeout = Duration::from_secs(3);
    p
}

fn no_submits(sim: &mmsc_sim::SimHandle) {
    let submits: Vec<_> = sim
        .log()
        .into_iter()
        .filter(|e| e.kind.as_deref() == Some("SubmitReq"))
        .collect();
    assert!(submits.is_empty(), "a SubmitReq went out: {submits:?}");
}

#[tokio::test]
async fn right_credentials_get_an_mm7_answer_and_nothing_is_sent() {
    let sim = sim().await;
    let report = test_connection(&profile(sim.submit_url(), PASSWORD)).await;
    match &report.verdict {
        // The simulator answers as Sinch does: only SubmitReq is supported.
        Verdict::Mm7 { status_code, .. } => assert_eq!(*status_code, 2512, "{report:?}"),
        other => panic!("expected an MM7 answer, got {other:?}"),
    }
    assert!(report.verdict.is_ok());
    assert!(
        report.summary.contains("Nothing was sent"),
        "{}",
        report.summary
    );
    no_submits(&sim);
    sim.shutdown().await;
}

#[tokio::test]
async fn wrong_credentials_are_called_credentials() {
    let sim = sim().await;
    let report = test_connection(&profile(sim.submit_url(), "wrong")).await;
    assert!(
        matches!(report.verdict, Verdict::Credentials { .. }),
        "{report:?}"
    );
    assert!(!report.verdict.is_ok());
    no_submits(&sim);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_wrong_path_is_not_mm7() {
    let sim = sim().await;
    let url = format!("http://{}/not-mm7", sim.addr);
    let report = test_connection(&profile(url, PASSWORD)).await;
    assert!(
        matches!(
            report.verdict,
            Verdict::NotMm7 {
                http_status: 404,
                ..
            }
        ),
        "{report:?}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn nothing_listening_is_unreachable() {
    // Bind and drop to find a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let report = test_connection(&profile(format!("http://127.0.0.1:{port}/mm7"), "x")).await;
    assert!(
        matches!(report.verdict, Verdict::Unreachable { .. }),
        "{report:?}"
    );
}

#[tokio::test]
async fn https_to_a_plain_http_port_is_a_tls_failure() {
    let sim = sim().await;
    let url = format!("https://{}/mm7", sim.addr);
    let report = test_connection(&profile(url, PASSWORD)).await;
    assert!(matches!(report.verdict, Verdict::Tls { .. }), "{report:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_web_page_is_not_mm7_and_silence_is_a_timeout() {
    // A server that answers every request with a web page.
    let page = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let page_addr = page.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = page.accept().await {
            let mut buf = vec![0u8; 16384];
            let _ = s.read(&mut buf).await;
            let body = "<html><body>Welcome to our portal</body></html>";
            let _ = s
                .write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                )
                .await;
        }
    });
    let report = test_connection(&profile(format!("http://{page_addr}/mm7"), "x")).await;
    assert!(
        matches!(
            report.verdict,
            Verdict::NotMm7 {
                http_status: 200,
                ..
            }
        ),
        "{report:?}"
    );

    // A server that accepts and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            held.push(s);
        }
    });
    let mut p = profile(format!("http://{silent_addr}/mm7"), "x");
    p.timeout = Duration::from_millis(500);
    let report = test_connection(&p).await;
    assert_eq!(report.verdict, Verdict::Timeout, "{report:?}");
}
