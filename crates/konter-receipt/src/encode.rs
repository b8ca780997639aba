//! Layout blocks to ESC/POS bytes, through the `escpos` crate.
//!
//! The crate builds every command it gets right: init (`ESC @`), the code page (`ESC t 0`),
//! bold (`ESC E`), size (`GS !`), justification (`ESC a`, for the logo and QR only), line
//! feeds (`ESC d n`) and the QR code (`GS ( k`, Model 2 asked for explicitly, because the
//! crate's default is Model 1).
//!
//! **Text bytes are ours.** Each line is encoded by [`crate::codepage::encode_line`] and
//! handed to the crate with `custom()`, not `write()`. The crate's text path looks every
//! character up in its CP437 table and, for anything missing — which includes all of ASCII
//! — falls back to UTF-8, one allocation per character. That fallback is a silent trap (the
//! printer reads the UTF-8 bytes as code-page bytes and prints garbage, e.g. for a decomposed
//! `e` + U+0301), and it took about 70% of the render time (perf, 120 µs a receipt). Our
//! encoder fails instead of falling back; the tests check its bytes against python-escpos's
//! CP437 encoding.
//!
//! Three commands are written by hand, each because the crate gets it wrong or lacks it:
//!
//! - **Cut.** The crate's `partial_cut()` sends `GS V 65 1`, which is function B *full* cut
//!   with a one-dot feed, not a partial cut. We send `GS V 66 0`: feed to the cutter, then
//!   partial cut, leaving a hinge so the receipt does not drop on the floor. It is the same
//!   sequence python-escpos sends for `cut(feed=False)` (checked in the tests).
//! - **Cash drawer.** The crate's `cash_drawer()` sends `ESC p 0` without the two pulse
//!   times the command takes, so the printer eats the next two bytes of the job as pulse
//!   times. We send `ESC p 0 50 50` (100 ms on, 100 ms off), as python-escpos does.
//! - **Logo.** The crate prints rasters only behind its `graphics` feature, which pulls in
//!   the `image` crate; the logo is already a 1-bit raster, so `GS v 0` is written directly.

use std::cell::RefCell;

use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::printer_options::PrinterOptions;
use escpos::utils::{
    JustifyMode, PageCode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption,
};

use crate::codepage::encode_line;
use crate::layout::{Block, TextStyle};
use crate::model::Logo;

/// `GS V 66 0` (function B, m = 66): feed to the cutting position, then cut leaving one
/// point uncut. What a printer with only a full cutter, or no cutter, does with it is its
/// own affair; we have had no hardware to check that on.
pub const PARTIAL_CUT: [u8; 4] = [0x1D, b'V', 66, 0];

/// `ESC p 0 50 50`: pulse drawer pin 2 for 100 ms, then rest 100 ms (units of 2 ms). Pin 2
/// is where almost every RJ11 cash drawer is wired.
pub const DRAWER_KICK_PIN2: [u8; 5] = [0x1B, b'p', 0, 50, 50];

/// Lines fed before the cut. Printers with a cutter feed to it by themselves (function B);
/// the 58 mm printers most konter shops use have only a tear bar, a few lines above which
/// the last printed line would otherwise stay.
pub const TEAR_OFF_FEED_LINES: u8 = 3;

/// Dots per QR module. A 15-character order number is a version-1 symbol at level M
/// (21 modules), 126 dots wide: about 16 mm, which phone cameras read from the counter.
pub const QR_MODULE_DOTS: u8 = 6;

/// Why the bytes could not be produced. Every receipt that [`crate::Receipt::for_order`]
/// accepts renders; these are the crate's own checks, kept rather than unwrapped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("escpos: {0}")]
    Escpos(String),
    #[error("text outside the printer's code page: {0:?}")]
    Unprintable(String),
}

impl From<escpos::errors::PrinterError> for RenderError {
    fn from(e: escpos::errors::PrinterError) -> Self {
        RenderError::Escpos(e.to_string())
    }
}

/// A driver that keeps the bytes in memory: rendering never touches a device, so the same
/// bytes can be previewed, stored in the print queue, retried and compared in tests.
#[derive(Default)]
struct CaptureDriver {
    bytes: RefCell<Vec<u8>>,
}

impl Driver for CaptureDriver {
    fn name(&self) -> String {
        "konter-receipt capture".to_owned()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.bytes.try_borrow_mut()?.extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// `GS v 0`: the logo as a raster bit image, `bytes_per_row` by `height_px`.
fn raster(logo: &Logo) -> Result<Vec<u8>, RenderError> {
    let too_big = || RenderError::Escpos("logo too large for GS v 0".into());
    let [xl, xh] = u16::try_from(logo.bytes_per_row())
        .map_err(|_| too_big())?
        .to_le_bytes();
    let [yl, yh] = logo.height_px.to_le_bytes();
    let mut cmd = Vec::with_capacity(8 + logo.bits.len());
    // GS v 0 m xL xH yL yH: print raster bit image, normal density (m = 0).
    cmd.extend_from_slice(&[0x1D, b'v', b'0', 0, xl, xh, yl, yh]);
    cmd.extend_from_slice(&logo.bits);
    Ok(cmd)
}

/// The bytes of one receipt, from init to cut.
pub(crate) fn encode(
    blocks: &[Block<'_>],
    columns: usize,
    kick_drawer: bool,
) -> Result<Vec<u8>, RenderError> {
    let chars_per_line = u8::try_from(columns).map_err(|_| RenderError::Escpos("width".into()))?;
    let options = PrinterOptions::new(Some(PageCode::PC437), None, chars_per_line);
    let mut printer = Printer::new(CaptureDriver::default(), Protocol::default(), Some(options));
    // Init resets the printer (styles, justification, code page) and then selects CP437.
    printer.init()?;
    if kick_drawer {
        // First, so the drawer opens while the receipt is still printing.
        printer.custom(&DRAWER_KICK_PIN2)?;
    }
    let mut style = TextStyle::NORMAL;
    let mut text = Vec::with_capacity(64);
    for block in blocks {
        match block {
            Block::Line(line) => {
                text.clear();
                // The layout only holds printable text; checked here again because this
                // is the last point before the bytes leave the crate.
                encode_line(&line.text, &mut text)
                    .ok_or_else(|| RenderError::Unprintable(line.text.clone()))?;
                set_style(&mut printer, &mut style, line.style)?;
                if !text.is_empty() {
                    printer.custom(&text)?;
                }
                printer.feed()?;
            }
            Block::Logo(logo) => {
                printer.justify(JustifyMode::CENTER)?;
                printer.custom(&raster(logo)?)?;
                printer.justify(JustifyMode::LEFT)?;
            }
            Block::Qr(data) => {
                printer.justify(JustifyMode::CENTER)?;
                printer.qrcode_option(
                    data,
                    QRCodeOption::new(
                        QRCodeModel::Model2,
                        QR_MODULE_DOTS,
                        QRCodeCorrectionLevel::M,
                    ),
                )?;
                printer.justify(JustifyMode::LEFT)?;
            }
        }
    }
    set_style(&mut printer, &mut style, TextStyle::NORMAL)?;
    printer.feeds(TEAR_OFF_FEED_LINES)?;
    printer.custom(&PARTIAL_CUT)?;
    printer.print()?;
    Ok(printer.driver().bytes.into_inner())
}

/// Sends only the style commands that change something, so the bytes stay short and the
/// golden files readable.
fn set_style(
    printer: &mut Printer<CaptureDriver>,
    current: &mut TextStyle,
    wanted: TextStyle,
) -> Result<(), RenderError> {
    if current.bold != wanted.bold {
        printer.bold(wanted.bold)?;
    }
    if (current.double_width, current.double_height) != (wanted.double_width, wanted.double_height)
    {
        let w = if wanted.double_width { 2 } else { 1 };
        let h = if wanted.double_height { 2 } else { 1 };
        printer.size(w, h)?;
    }
    *current = wanted;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codepage::{decode_byte, is_kept_high_byte};

    /// Our text bytes are the ones the crate's own CP437 table gives, for every character
    /// we print: bypassing its text path changes speed and failure mode, not output.
    #[test]
    fn our_text_bytes_equal_the_crates_table() {
        let mut all: String = (0x20u8..=0x7E).map(char::from).collect();
        all.extend(
            (0x80u8..=0xFF)
                .filter(|&b| is_kept_high_byte(b))
                .filter_map(decode_byte),
        );
        let options = PrinterOptions::new(Some(PageCode::PC437), None, 42);
        let mut printer =
            Printer::new(CaptureDriver::default(), Protocol::default(), Some(options));
        printer.write(&all).expect("the crate encodes text");
        printer.print().expect("captured");
        let theirs = printer.driver().bytes.into_inner();
        let mut ours = Vec::new();
        encode_line(&all, &mut ours).expect("all printable");
        assert_eq!(ours, theirs);
    }

    #[test]
    fn unprintable_text_is_refused_not_sent() {
        let line = crate::layout::PreviewLine {
            text: "caf\u{e9}\u{301}".into(),
            style: TextStyle::NORMAL,
        };
        let blocks = [Block::Line(line)];
        assert!(matches!(
            encode(&blocks, 32, false),
            Err(RenderError::Unprintable(_))
        ));
    }
}
