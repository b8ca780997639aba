//! Device and file printers: a plain file, /dev/null as a device that takes anything, a
//! missing device, and a FIFO nobody reads (standing in for a device that blocks).

use std::process::Command;
use std::time::{Duration, Instant};

use konter_receipt::transport::MAX_JOB_BYTES;
use konter_receipt::{PaperWidth, PrintError, PrinterAddress, SendTimeouts, render, send};

use crate::fixtures::cases;

fn job() -> Vec<u8> {
    let case = cases().into_iter().nth(1).expect("a case");
    render(&case.receipt, PaperWidth::Cols48)
        .expect("renders")
        .bytes
}

fn address(s: &str) -> PrinterAddress {
    s.parse().expect("valid address")
}

#[test]
fn a_file_printer_gets_the_exact_bytes_and_is_truncated_per_job() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("receipt.bin");
    let printer = address(&format!("file:{}", path.display()));
    send(&printer, b"an older, longer job", &SendTimeouts::default()).expect("first job");
    let bytes = job();
    send(&printer, &bytes, &SendTimeouts::default()).expect("sent");
    assert_eq!(std::fs::read(&path).expect("read back"), bytes);
}

#[test]
fn a_device_path_that_exists_is_written_without_creating_anything() {
    send(&address("usb:/dev/null"), &job(), &SendTimeouts::default()).expect("written");
}

#[test]
fn a_missing_device_says_the_printer_is_not_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("lp0");
    let err = send(
        &address(&format!("usb:{}", missing.display())),
        &job(),
        &SendTimeouts::default(),
    )
    .expect_err("no device");
    assert!(matches!(err, PrintError::DeviceNotFound { .. }), "{err}");
    assert!(!missing.exists(), "a device path must never be created");
    assert!(err.message_id().contains("tidak ada printer"));
}

#[test]
fn a_device_that_blocks_times_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("rfcomm0");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo");
    let timeouts = SendTimeouts {
        connect_ms: 100,
        write_ms: 100,
        status_ms: None,
    };
    let started = Instant::now();
    let err = send(
        &address(&format!("serial:{}", fifo.display())),
        &job(),
        &timeouts,
    )
    .expect_err("nobody reads the FIFO");
    assert!(matches!(err, PrintError::Timeout { .. }), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "gave up in time"
    );
    // Release the writer thread, which is still waiting in open(): open the reading end.
    let mut reader = std::fs::File::open(&fifo).expect("open the reading end");
    let mut sink = Vec::new();
    std::io::Read::read_to_end(&mut reader, &mut sink).expect("drain");
}

#[test]
fn an_oversized_job_is_refused_before_anything_is_opened() {
    let err = send(
        &address("usb:/dev/null"),
        &vec![b'x'; MAX_JOB_BYTES + 1],
        &SendTimeouts::default(),
    )
    .expect_err("too large");
    assert!(matches!(err, PrintError::JobTooLarge { .. }), "{err}");
}
