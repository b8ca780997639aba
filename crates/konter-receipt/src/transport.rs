//! Sending rendered bytes to a printer: raw TCP, or a device or plain file.
//!
//! What is detected, and how:
//!
//! | Problem | TCP (port 9100) | USB `usblp` / serial / RFCOMM device file |
//! |---|---|---|
//! | printer off, unplugged | connect refused or timed out; host unreachable | device file missing (`NotFound`) or `ENODEV`/`ENXIO`/`EIO` |
//! | paper out | `DLE EOT 4` / `DLE EOT 2`, when the printer answers | not detected before printing (reading `usblp`'s status needs an ioctl, so unsafe code); a write that blocks is cut off by the write timeout; `ENOSPC` if the kernel reports it |
//! | cover open, printer error | `DLE EOT 2` | not detected |
//! | permission | — | `EACCES`, with the group to join |
//! | printer stopped reading | write timeout | write timeout |
//!
//! A printer that does not answer `DLE EOT` within the status timeout is assumed ready:
//! many cheap network printers never answer, and refusing to print to them would be worse.
//! Serial line speed is not set here (that needs termios): set it once with
//! `stty -F /dev/ttyUSB0 9600 raw -echo` or a udev rule. Bluetooth RFCOMM ignores it.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::address::PrinterAddress;
use crate::device::send_device;
pub use crate::print_error::{PrintError, Stage};

/// Largest job we send. A receipt is about 1–2 KiB, 14 KiB with the largest logo; a job
/// near a mebibyte is a bug, and would hold the printer for minutes.
pub const MAX_JOB_BYTES: usize = 1024 * 1024;

/// How long each step may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendTimeouts {
    /// TCP connect, or opening a device file. A printer on the shop's LAN answers in
    /// milliseconds; 3 s lets a Wi-Fi printer wake from power saving, and beyond that the
    /// cashier would rather be told the printer is offline.
    pub connect_ms: u64,
    /// Writing the job. A receipt fits the printer's input buffer at once, so 10 s only
    /// trips when the printer has stopped taking data (paper out on USB, a jam).
    pub write_ms: u64,
    /// Waiting for each `DLE EOT` status answer over TCP, or `None` not to ask. A printer
    /// that supports it answers within a few milliseconds; one that does not costs the
    /// cashier at most this long.
    pub status_ms: Option<u64>,
}

impl Default for SendTimeouts {
    fn default() -> Self {
        SendTimeouts {
            connect_ms: 3_000,
            write_ms: 10_000,
            status_ms: Some(500),
        }
    }
}

/// Sends one job. Blocks for at most about `connect_ms + 2 * status_ms + write_ms`.
pub fn send(
    address: &PrinterAddress,
    bytes: &[u8],
    timeouts: &SendTimeouts,
) -> Result<(), PrintError> {
    if bytes.len() > MAX_JOB_BYTES {
        return Err(PrintError::JobTooLarge { bytes: bytes.len() });
    }
    match address {
        PrinterAddress::Tcp { host, port } => {
            send_tcp(&address.describe(), host, *port, bytes, timeouts)
        }
        PrinterAddress::Usb { path } => send_device(address, path, Some("lp"), bytes, timeouts),
        PrinterAddress::Serial { path } => {
            send_device(address, path, Some("dialout"), bytes, timeouts)
        }
        PrinterAddress::File { path } => send_device(address, path, None, bytes, timeouts),
    }
}

pub(crate) fn ms(value: u64) -> Duration {
    // A zero timeout means "block forever" to std's socket options; never ask for that.
    Duration::from_millis(value.max(1))
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

fn send_tcp(
    printer: &str,
    host: &str,
    port: u16,
    bytes: &[u8],
    t: &SendTimeouts,
) -> Result<(), PrintError> {
    // Resolved here, not by the escpos crate's NetworkDriver, which takes only IP literals
    // when given a timeout. A name resolves to several addresses (localhost: ::1 and
    // 127.0.0.1); each is tried in turn. Name lookup itself is the system resolver's and
    // has its own timeout.
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| PrintError::HostNotFound {
            printer: printer.to_owned(),
            host: host.to_owned(),
            detail: e.to_string(),
        })?
        .collect();
    let mut last_error = None;
    let mut stream = None;
    for addr in &addrs {
        match TcpStream::connect_timeout(addr, ms(t.connect_ms)) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last_error = Some(e),
        }
    }
    let Some(mut stream) = stream else {
        return Err(match last_error {
            Some(e) => connect_error(printer, &e, t.connect_ms),
            None => PrintError::HostNotFound {
                printer: printer.to_owned(),
                host: host.to_owned(),
                detail: "no address".to_owned(),
            },
        });
    };
    let write_error = |e: io::Error| write_error(printer, &e, t.write_ms);
    stream
        .set_write_timeout(Some(ms(t.write_ms)))
        .map_err(write_error)?;
    // Small writes go out at once; there is nothing to batch after the job.
    stream.set_nodelay(true).map_err(write_error)?;
    if let Some(status_ms) = t.status_ms {
        check_status(printer, &mut stream, status_ms, t.write_ms)?;
    }
    stream.write_all(bytes).map_err(write_error)?;
    stream.flush().map_err(write_error)?;
    // Half-close so the printer sees the end of the job, then read away anything it sent
    // (a late status answer): closing a socket with unread data makes Linux send a reset,
    // and a reset can make the printer drop the tail of the job it has not printed yet.
    stream.shutdown(Shutdown::Write).map_err(write_error)?;
    drain(&mut stream);
    Ok(())
}

/// Reads whatever is already waiting, without blocking.
fn drain(stream: &mut TcpStream) {
    /// Enough for any number of status bytes a printer could have queued.
    const MAX_DRAIN_BYTES: usize = 4096;
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    let mut buf = [0u8; 256];
    let mut total = 0usize;
    while total < MAX_DRAIN_BYTES {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

/// `DLE EOT n` real-time status. Bits 0 and 7 of an answer are 0 and bits 1 and 4 are 1;
/// anything else is not a status byte.
const STATUS_MASK: u8 = 0b1001_0011;
const STATUS_PATTERN: u8 = 0b0001_0010;

fn is_status_byte(b: u8) -> bool {
    b & STATUS_MASK == STATUS_PATTERN
}
/// `DLE EOT 4`, roll paper sensor: bits 5 and 6 set = paper end.
const QUERY_PAPER: [u8; 3] = [0x10, 0x04, 4];
const PAPER_END_BITS: u8 = 0b0110_0000;
/// `DLE EOT 2`, offline cause: bit 2 cover open, bit 5 stopped at paper end, bit 6 error.
const QUERY_OFFLINE_CAUSE: [u8; 3] = [0x10, 0x04, 2];
const COVER_OPEN_BIT: u8 = 0b0000_0100;
const STOPPED_PAPER_END_BIT: u8 = 0b0010_0000;
const ERROR_BIT: u8 = 0b0100_0000;

/// Asks the printer whether it can print. Returns `Ok` when it can or does not answer.
fn check_status(
    printer: &str,
    stream: &mut TcpStream,
    status_ms: u64,
    write_ms: u64,
) -> Result<(), PrintError> {
    let write_error = |e: io::Error| write_error(printer, &e, write_ms);
    stream
        .set_read_timeout(Some(ms(status_ms)))
        .map_err(write_error)?;
    let Some(paper) = query(printer, stream, &QUERY_PAPER, write_ms)? else {
        return Ok(());
    };
    if paper & PAPER_END_BITS == PAPER_END_BITS {
        return Err(PrintError::PaperOut {
            printer: printer.to_owned(),
        });
    }
    if let Some(cause) = query(printer, stream, &QUERY_OFFLINE_CAUSE, write_ms)? {
        if cause & COVER_OPEN_BIT != 0 {
            return Err(PrintError::CoverOpen {
                printer: printer.to_owned(),
            });
        }
        if cause & STOPPED_PAPER_END_BIT != 0 {
            return Err(PrintError::PaperOut {
                printer: printer.to_owned(),
            });
        }
        if cause & ERROR_BIT != 0 {
            return Err(PrintError::PrinterFault {
                printer: printer.to_owned(),
            });
        }
    }
    Ok(())
}

/// One status byte, or `None` when the printer does not answer in time or answers
/// something that is not a status byte.
fn query(
    printer: &str,
    stream: &mut TcpStream,
    request: &[u8],
    write_ms: u64,
) -> Result<Option<u8>, PrintError> {
    stream
        .write_all(request)
        .map_err(|e| write_error(printer, &e, write_ms))?;
    let mut answer = [0u8; 1];
    match stream.read(&mut answer) {
        Ok(1) if is_status_byte(answer[0]) => Ok(Some(answer[0])),
        Ok(0) => Err(PrintError::Offline {
            printer: printer.to_owned(),
            detail: "the printer closed the connection".to_owned(),
        }),
        Ok(_) => Ok(None),
        Err(e) if is_timeout(&e) => Ok(None),
        Err(e) => Err(write_error(printer, &e, write_ms)),
    }
}

fn connect_error(printer: &str, e: &io::Error, connect_ms: u64) -> PrintError {
    let printer = printer.to_owned();
    match e.kind() {
        io::ErrorKind::ConnectionRefused => PrintError::ConnectionRefused { printer },
        _ if is_timeout(e) => PrintError::Timeout {
            printer,
            stage: Stage::Connect,
            after_ms: connect_ms,
        },
        io::ErrorKind::HostUnreachable
        | io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::AddrNotAvailable => PrintError::Offline {
            printer,
            detail: e.to_string(),
        },
        _ => PrintError::Io {
            printer,
            detail: e.to_string(),
        },
    }
}

fn write_error(printer: &str, e: &io::Error, write_ms: u64) -> PrintError {
    let printer = printer.to_owned();
    match e.kind() {
        _ if is_timeout(e) => PrintError::Timeout {
            printer,
            stage: Stage::Write,
            after_ms: write_ms,
        },
        io::ErrorKind::BrokenPipe
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::NotConnected => PrintError::Offline {
            printer,
            detail: e.to_string(),
        },
        _ => PrintError::Io {
            printer,
            detail: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_bytes_are_checked_for_their_fixed_bits() {
        assert!(is_status_byte(0x12));
        assert!(is_status_byte(
            0x12 | PAPER_END_BITS | COVER_OPEN_BIT | ERROR_BIT
        ));
        for not_status in [0x00, 0xFF, 0x10, 0x02, 0x13, 0x92, b'A'] {
            assert!(!is_status_byte(not_status), "{not_status:#04x}");
        }
    }
}
