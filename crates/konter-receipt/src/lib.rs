//! Receipts (struk) for Konter: decides which receipt an order may get, lays it out for 32,
//! 42 or 48 columns, renders ESC/POS bytes and the plain-text preview the UI shows from the
//! same layout, and sends the bytes to a network, USB, serial/Bluetooth or file printer.
//!
//! It must never print a success receipt for an order that has not succeeded (a queued or
//! pending order gets `BUKTI PESANAN - BELUM SELESAI`, a failed one nothing but a refund
//! slip on request), never let a byte outside the printer's code page (CP437) reach the
//! printer — no UTF-8, no control character from typed text — and never compute money:
//! every amount is the engine's committed figure, only checked and formatted here. It does
//! no I/O except in [`send`], and knows nothing of the UI, the server or the print queue.
//!
//! ```text
//! ReceiptOrder + ShopProfile --Receipt::for_order--> Receipt --render(width)--> RenderedReceipt
//!                                                                  { bytes, preview_text }
//! "tcp:192.168.1.50:9100".parse::<PrinterAddress>() --send(addr, bytes, timeouts)--> printer
//! ```

pub mod address;
pub mod codepage;
mod device;
mod encode;
pub mod layout;
pub mod model;
mod print_error;
pub mod transport;

pub use address::{AddressError, PrinterAddress};
pub use device::MAX_STUCK_DEVICE_WRITERS;
pub use encode::RenderError;
pub use layout::{PaperWidth, PreviewLine, TextStyle};
pub use model::{
    CashPayment, Logo, PrintCopy, Receipt, ReceiptBill, ReceiptError, ReceiptKind, ReceiptOrder,
    ShopProfile, ShopZone, Wanted, receipt_kind,
};
pub use transport::{MAX_JOB_BYTES, PrintError, SendTimeouts, Stage, send};

/// Byte sequences written by hand because the `escpos` crate lacks or mis-encodes them
/// (see the `encode` module): exposed so tests and the device engine can recognise them.
pub mod commands {
    pub use crate::encode::{DRAWER_KICK_PIN2, PARTIAL_CUT, QR_MODULE_DOTS, TEAR_OFF_FEED_LINES};
}

/// A receipt ready to print and to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedReceipt {
    /// The complete ESC/POS job, init to cut.
    pub bytes: Vec<u8>,
    /// Exactly the text the printer prints, one line per printed line, `\n`-terminated.
    /// The logo and the QR code are not text and do not appear; see `qr_payload`.
    pub preview_text: String,
    /// The same lines with their style (bold, double size), for a richer preview.
    pub preview_lines: Vec<PreviewLine>,
    /// What the QR code under the footer encodes (the order reference), for the UI to draw.
    pub qr_payload: String,
    pub kind: ReceiptKind,
}

/// Lays out and renders one receipt for one paper width.
pub fn render(receipt: &Receipt, width: PaperWidth) -> Result<RenderedReceipt, RenderError> {
    let blocks = layout::lay_out(receipt, width);
    let bytes = encode::encode(&blocks, width.columns(), receipt.kick_drawer)?;
    let preview_lines: Vec<PreviewLine> = blocks
        .into_iter()
        .filter_map(|block| match block {
            layout::Block::Line(line) => Some(line),
            layout::Block::Logo(_) | layout::Block::Qr(_) => None,
        })
        .collect();
    let mut preview_text =
        String::with_capacity(preview_lines.iter().map(|l| l.text.len() + 1).sum());
    for line in &preview_lines {
        preview_text.push_str(&line.text);
        preview_text.push('\n');
    }
    Ok(RenderedReceipt {
        bytes,
        preview_text,
        preview_lines,
        qr_payload: receipt.reference().to_owned(),
        kind: receipt.kind(),
    })
}
