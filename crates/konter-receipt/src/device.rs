//! Device and file printers: `usblp` (`/dev/usb/lp0`), serial and Bluetooth RFCOMM
//! (`/dev/ttyUSB0`, `/dev/rfcomm0`) as plain device files, and plain files.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;

use crate::address::PrinterAddress;
use crate::print_error::{PrintError, Stage};
use crate::transport::{SendTimeouts, ms};

/// Most device writer threads alive at once. A write that timed out leaves its thread
/// blocked in the kernel (a blocked `open` or `write` cannot be cancelled without unsafe
/// code) until the device answers or goes away; past this many, further device jobs are
/// refused with [`PrintError::Stuck`], so a stuck printer cannot pile up threads. A healthy
/// printer holds a slot for milliseconds, and the print queue sends one job at a time.
pub const MAX_STUCK_DEVICE_WRITERS: usize = 4;

/// Linux errno values (the same on every Linux architecture), for errors `std` has no
/// `ErrorKind` for that a printer device returns.
const EIO: i32 = 5;
const ENXIO: i32 = 6;
const EBUSY: i32 = 16;
const ENODEV: i32 = 19;
const ENOSPC: i32 = 28;

/// Maps an error from opening or writing a device or file. `group` is who may write it.
pub(crate) fn device_error(
    printer: &str,
    path: &Path,
    group: Option<&'static str>,
    e: &io::Error,
) -> PrintError {
    let printer = printer.to_owned();
    match (e.kind(), e.raw_os_error()) {
        (io::ErrorKind::PermissionDenied, _) => PrintError::PermissionDenied {
            printer,
            path: path.to_owned(),
            group,
        },
        (io::ErrorKind::NotFound, _) => PrintError::DeviceNotFound {
            printer,
            path: path.to_owned(),
        },
        (_, Some(ENOSPC)) if group.is_some() => PrintError::PaperOut { printer },
        (_, Some(EBUSY)) => PrintError::Busy { printer },
        (_, Some(EIO | ENXIO | ENODEV)) => PrintError::Offline {
            printer,
            detail: e.to_string(),
        },
        _ => PrintError::Io {
            printer,
            detail: e.to_string(),
        },
    }
}

/// Device writers currently running (see [`MAX_STUCK_DEVICE_WRITERS`]).
static DEVICE_WRITERS: AtomicUsize = AtomicUsize::new(0);

/// Decrements [`DEVICE_WRITERS`] when the writer thread ends, however it ends.
struct WriterSlot;

impl Drop for WriterSlot {
    fn drop(&mut self) {
        DEVICE_WRITERS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Opens and writes a device or file in a worker thread, and waits at most
/// `connect_ms + write_ms`: opening a tty or FIFO can block until the other side is there,
/// and a `usblp` write blocks for as long as the printer is out of paper.
pub(crate) fn send_device(
    address: &PrinterAddress,
    path: &Path,
    group: Option<&'static str>,
    bytes: &[u8],
    t: &SendTimeouts,
) -> Result<(), PrintError> {
    let printer = address.describe();
    let running = DEVICE_WRITERS.fetch_add(1, Ordering::SeqCst);
    let slot = WriterSlot;
    if running >= MAX_STUCK_DEVICE_WRITERS {
        drop(slot);
        return Err(PrintError::Stuck { printer });
    }
    let is_plain_file = matches!(address, PrinterAddress::File { .. });
    let (tx, rx) = mpsc::channel();
    let job = bytes.to_vec();
    let owned_path = path.to_owned();
    let thread_printer = printer.clone();
    thread::Builder::new()
        .name("konter-receipt-device".to_owned())
        .spawn(move || {
            let _slot = slot;
            let result = write_device(&thread_printer, &owned_path, group, &job, is_plain_file);
            // The receiver is gone if the caller already timed out; nothing to tell then.
            let _ = tx.send(result);
        })
        .map_err(|e| PrintError::Io {
            printer: printer.clone(),
            detail: e.to_string(),
        })?;
    let wait_ms = t.connect_ms.saturating_add(t.write_ms);
    match rx.recv_timeout(ms(wait_ms)) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(PrintError::Timeout {
            printer,
            stage: Stage::Write,
            after_ms: wait_ms,
        }),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(PrintError::Io {
            printer,
            detail: "the device writer stopped without a result".to_owned(),
        }),
    }
}

fn write_device(
    printer: &str,
    path: &Path,
    group: Option<&'static str>,
    bytes: &[u8],
    is_plain_file: bool,
) -> Result<(), PrintError> {
    let mut options = OpenOptions::new();
    options.write(true);
    if is_plain_file {
        options.create(true).truncate(true);
    }
    // A device is never created: a missing /dev/usb/lp0 means the printer is unplugged, and
    // creating a regular file there would swallow every later job silently.
    let mut file = options
        .open(path)
        .map_err(|e| device_error(printer, path, group, &e))?;
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(|e| device_error(printer, path, group, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_errors_name_the_group_to_join() {
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        let usb = device_error(
            "usb:/dev/usb/lp0",
            Path::new("/dev/usb/lp0"),
            Some("lp"),
            &denied,
        );
        assert!(usb.to_string().contains("usermod -aG lp"), "{usb}");
        assert!(
            usb.message_id().contains("grup 'lp'"),
            "{}",
            usb.message_id()
        );
        let serial = device_error(
            "serial:/dev/ttyUSB0",
            Path::new("/dev/ttyUSB0"),
            Some("dialout"),
            &denied,
        );
        assert!(
            serial.to_string().contains("usermod -aG dialout"),
            "{serial}"
        );
        assert!(!serial.is_retryable());
    }

    #[test]
    fn device_errnos_map_to_what_happened() {
        let p = Path::new("/dev/usb/lp0");
        let err = |code| device_error("usb", p, Some("lp"), &io::Error::from_raw_os_error(code));
        assert_eq!(err(ENOSPC).code(), "printer_paper_out");
        assert_eq!(err(ENODEV).code(), "printer_offline");
        assert_eq!(err(EBUSY).code(), "printer_busy");
        assert_eq!(err(2).code(), "printer_device_not_found");
    }
}
