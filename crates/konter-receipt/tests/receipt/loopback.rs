//! A "network printer" on 127.0.0.1: a listener that keeps what it receives and, when told
//! to, answers `DLE EOT` status queries the way a real printer does.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use konter_receipt::{PaperWidth, PrintError, PrinterAddress, SendTimeouts, render, send};

use crate::fixtures::cases;
use crate::golden::{all_rendered, golden_bytes};

/// Bound on how long the fake printer waits for anything, so a failing test ends.
const FAKE_PRINTER_TIMEOUT: Duration = Duration::from_secs(10);

fn job() -> Vec<u8> {
    let case = cases().into_iter().next().expect("a case");
    render(&case.receipt, PaperWidth::Cols32)
        .expect("renders")
        .bytes
}

/// Starts a fake printer. `answers` are sent back one per 3-byte status query received;
/// after them it reads everything to the end of the connection and returns it.
fn fake_printer(answers: Vec<u8>) -> (u16, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    let handle = thread::spawn(move || {
        let (mut conn, _) = listener.accept().expect("accept");
        conn.set_read_timeout(Some(FAKE_PRINTER_TIMEOUT))
            .expect("timeout");
        let mut received = Vec::new();
        for answer in answers {
            let mut query = [0u8; 3];
            conn.read_exact(&mut query).expect("a status query");
            assert_eq!(&query[..2], &[0x10, 0x04], "a DLE EOT query comes first");
            received.extend_from_slice(&query);
            conn.write_all(&[answer]).expect("answer");
        }
        // A printer that answers nothing may still be sent queries; keep them too.
        let _ = conn.read_to_end(&mut received);
        received
    });
    (port, handle)
}

fn tcp(host: &str, port: u16) -> PrinterAddress {
    format!("tcp:{host}:{port}").parse().expect("valid address")
}

fn fast(status_ms: Option<u64>) -> SendTimeouts {
    SendTimeouts {
        connect_ms: 2_000,
        write_ms: 2_000,
        status_ms,
    }
}

#[test]
fn printer_receives_exactly_the_golden_bytes() {
    for (name, rendered) in all_rendered() {
        let golden = golden_bytes(&name);
        assert_eq!(
            rendered.bytes, golden,
            "{name}: rendered bytes are the golden ones"
        );
        let (port, printer) = fake_printer(Vec::new());
        send(&tcp("127.0.0.1", port), &rendered.bytes, &fast(None)).expect("sent");
        assert_eq!(
            printer.join().expect("printer thread"),
            golden,
            "{name}: the printer got exactly the golden bytes"
        );
    }
}

#[test]
fn a_host_name_is_resolved_by_us() {
    // `localhost` may resolve to ::1 first, where nothing listens: the next address is tried.
    let bytes = job();
    let (port, printer) = fake_printer(vec![0x12, 0x12]);
    send(&tcp("localhost", port), &bytes, &fast(Some(2_000))).expect("sent");
    let received = printer.join().expect("printer thread");
    assert_eq!(&received[..6], &[0x10, 0x04, 4, 0x10, 0x04, 2]);
    assert_eq!(
        &received[6..],
        &bytes[..],
        "after the two queries, exactly the job"
    );
}

#[test]
fn paper_out_is_reported_and_nothing_is_printed() {
    let (port, printer) = fake_printer(vec![0x12 | 0x60]);
    let err = send(&tcp("127.0.0.1", port), &job(), &fast(Some(2_000))).expect_err("no paper");
    assert!(matches!(err, PrintError::PaperOut { .. }), "{err}");
    assert_eq!(
        err.message_id(),
        format!("tcp:127.0.0.1:{port}: kertas printer habis")
    );
    assert_eq!(printer.join().expect("printer thread"), vec![0x10, 0x04, 4]);
}

#[test]
fn cover_open_is_reported() {
    let (port, printer) = fake_printer(vec![0x12, 0x12 | 0x04]);
    let err = send(&tcp("127.0.0.1", port), &job(), &fast(Some(2_000))).expect_err("cover");
    assert!(matches!(err, PrintError::CoverOpen { .. }), "{err}");
    printer.join().expect("printer thread");
}

#[test]
fn a_printer_that_never_answers_status_still_prints() {
    let bytes = job();
    let (port, printer) = fake_printer(Vec::new());
    send(&tcp("127.0.0.1", port), &bytes, &fast(Some(100))).expect("sent");
    let received = printer.join().expect("printer thread");
    assert_eq!(&received[..3], &[0x10, 0x04, 4], "one unanswered query");
    assert_eq!(&received[3..], &bytes[..]);
}

#[test]
fn a_closed_port_is_connection_refused() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let err = send(&tcp("127.0.0.1", port), &job(), &fast(None)).expect_err("refused");
    assert!(matches!(err, PrintError::ConnectionRefused { .. }), "{err}");
    assert!(err.message_id().contains("menolak sambungan"));
    assert!(err.is_retryable());
}

#[test]
fn an_unknown_host_is_reported_as_such() {
    let err =
        send(&tcp("no-such-printer.invalid", 9100), &job(), &fast(None)).expect_err("no such host");
    assert!(matches!(err, PrintError::HostNotFound { .. }), "{err}");
}
