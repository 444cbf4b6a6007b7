//! The server's logs over a full journey name no party. A test binary of its own, because the
//! log capture must be the process-wide subscriber.

use std::io::Write;
use std::sync::{Arc, Mutex};

#[path = "api/harness.rs"]
#[allow(dead_code)]
mod harness;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_logs_of_a_full_journey_name_no_party() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();
    let app = harness::TestApp::new().await;
    harness::drive_over_http(&app).await;
    let token = app
        .user(
            "reader",
            probity_domain::access::StaffRole::DecisionMaker,
            None,
        )
        .await;
    app.get("/api/v1/subjects/gloucestershire/GL9911/history", &token)
        .await;
    app.get("/no/such/page/GL9912", &token).await;
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("/api/v1/cases"),
        "the journey was logged: {} bytes",
        logs.len()
    );
    assert!(
        logs.contains("/api/v1/subjects/{force}/{service_number}/history"),
        "routes are logged by their pattern"
    );
    for identifier in ["GL9911", "GL9912", "2020/134541", "2020%2F134541"] {
        assert!(
            !logs.contains(identifier),
            "{identifier} appears in the logs"
        );
    }
    for name in [
        "Rowan Ashby",
        "Daniel Morrow",
        "Ellis Tanner",
        "Casey Fenwick",
        "Jordan Pike",
        "Rowan",
        "Ashby",
        "Morrow",
    ] {
        assert!(!logs.contains(name), "{name} appears in the logs");
    }
}
