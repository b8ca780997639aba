//! Golden files: the exact bytes (as hex, one printed line per row) and the preview text of
//! every receipt kind at every width. `KONTER_BLESS=1 cargo test -p konter-receipt` rewrites
//! them; review the diff of the `.txt` files before committing.

use std::path::PathBuf;

use konter_receipt::commands::{DRAWER_KICK_PIN2, PARTIAL_CUT, TEAR_OFF_FEED_LINES};
use konter_receipt::layout::{COPY_MARK, PENDING_TITLE, REFUND_TITLE};
use konter_receipt::{PaperWidth, ReceiptKind, RenderedReceipt, render};

use crate::decode::{Command, decode};
use crate::fixtures::cases;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn blessing() -> bool {
    std::env::var_os("KONTER_BLESS").is_some_and(|v| v == "1")
}

/// Hex, one row per printed line: a row ends after each `ESC d n`.
fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        out.push_str(&format!("{b:02x}"));
        let ends_feed = i >= 2 && bytes[i - 2] == 0x1B && bytes[i - 1] == b'd';
        out.push(if ends_feed { '\n' } else { ' ' });
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn from_hex(text: &str) -> Vec<u8> {
    text.split_whitespace()
        .map(|pair| u8::from_str_radix(pair, 16).expect("golden files hold hex pairs"))
        .collect()
}

/// The bytes a golden file holds, for the transport tests to send.
pub fn golden_bytes(name: &str) -> Vec<u8> {
    let path = golden_dir().join(format!("{name}.hex"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with KONTER_BLESS=1)", path.display()));
    from_hex(&text)
}

pub fn all_rendered() -> Vec<(String, RenderedReceipt)> {
    let mut out = Vec::new();
    for case in cases() {
        for width in PaperWidth::ALL {
            let rendered = render(&case.receipt, width).expect("fixtures render");
            out.push((format!("{}_{}", case.name, width.columns()), rendered));
        }
    }
    out
}

#[test]
fn bytes_and_previews_match_the_golden_files() {
    let dir = golden_dir();
    let mut failures = Vec::new();
    for (name, rendered) in all_rendered() {
        let hex_path = dir.join(format!("{name}.hex"));
        let txt_path = dir.join(format!("{name}.txt"));
        if blessing() {
            std::fs::create_dir_all(&dir).expect("golden dir");
            std::fs::write(&hex_path, to_hex(&rendered.bytes)).expect("write golden");
            std::fs::write(&txt_path, &rendered.preview_text).expect("write golden");
            continue;
        }
        match std::fs::read_to_string(&hex_path) {
            Ok(hex) if from_hex(&hex) == rendered.bytes => {}
            Ok(_) => failures.push(format!("{name}.hex: bytes differ")),
            Err(e) => failures.push(format!("{name}.hex: {e}")),
        }
        match std::fs::read_to_string(&txt_path) {
            Ok(text) if text == rendered.preview_text => {}
            Ok(_) => failures.push(format!("{name}.txt: preview differs")),
            Err(e) => failures.push(format!("{name}.txt: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "golden files out of date (rerun with KONTER_BLESS=1 if the change is intended):\n{}",
        failures.join("\n")
    );
}

/// The preview is what the UI shows as "this is what will print": it must be exactly the
/// text in the bytes, control sequences removed and CP437 mapped back.
#[test]
fn preview_is_the_printed_text() {
    for (name, rendered) in all_rendered() {
        let decoded = decode(&rendered.bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let tear_off = "\n".repeat(usize::from(TEAR_OFF_FEED_LINES));
        assert_eq!(
            decoded.text,
            format!("{}{tear_off}", rendered.preview_text),
            "{name}: printed text and preview differ"
        );
        let joined: String = rendered
            .preview_lines
            .iter()
            .map(|l| format!("{}\n", l.text))
            .collect();
        assert_eq!(joined, rendered.preview_text, "{name}: styled lines differ");
    }
}

#[test]
fn every_job_has_the_right_frame_and_fits_the_paper() {
    for width in PaperWidth::ALL {
        for case in cases() {
            let rendered = render(&case.receipt, width).expect("renders");
            let name = format!("{} at {}", case.name, width.columns());
            let bytes = &rendered.bytes;
            assert!(
                bytes.starts_with(&[0x1B, b'@', 0x1B, b't', 0]),
                "{name}: init, then CP437"
            );
            assert!(bytes.ends_with(&PARTIAL_CUT), "{name}: ends with the cut");
            let decoded = decode(bytes).expect("decodes");
            let kicks = decoded
                .commands
                .iter()
                .filter(|c| matches!(c, Command::Drawer { .. }))
                .count();
            let reprint = case.receipt.is_reprint();
            assert_eq!(
                kicks,
                usize::from(!reprint),
                "{name}: a reprint never opens the drawer"
            );
            if !reprint {
                assert!(bytes.windows(5).any(|w| w == DRAWER_KICK_PIN2));
            }
            for line in &rendered.preview_lines {
                let columns = if line.style.double_width {
                    width.columns() / 2
                } else {
                    width.columns()
                };
                assert!(
                    line.text.chars().count() <= columns,
                    "{name}: line too wide: {:?}",
                    line.text
                );
            }
        }
    }
}

#[test]
fn each_kind_says_what_it_is() {
    for case in cases() {
        let text = render(&case.receipt, PaperWidth::Cols32)
            .expect("renders")
            .preview_text;
        let name = case.name;
        match case.receipt.kind() {
            ReceiptKind::Success => {
                assert!(text.contains("SUKSES"), "{name}");
                assert!(!text.contains(PENDING_TITLE), "{name}");
            }
            ReceiptKind::PendingSlip => {
                assert!(text.contains(PENDING_TITLE), "{name}");
                // At 32 columns `MENUNGGU (pending)` wraps under the value column.
                assert!(
                    text.contains("MENUNGGU") && text.contains("(pending)"),
                    "{name}"
                );
                for success_only in ["SUKSES", "SN ", "Kembali", "pulsa sudah masuk"] {
                    assert!(
                        !text.contains(success_only),
                        "{name} must not say {success_only:?}"
                    );
                }
            }
            ReceiptKind::RefundSlip => {
                assert!(text.contains(REFUND_TITLE), "{name}");
                assert!(text.contains("GAGAL"), "{name}");
                assert!(!text.contains("SUKSES"), "{name}");
            }
        }
        assert_eq!(
            text.contains(COPY_MARK),
            case.receipt.is_reprint(),
            "{name}: SALINAN exactly on reprints"
        );
    }
}

#[test]
fn pln_token_is_grouped_and_large() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "success_pln")
        .expect("pln case");
    for width in PaperWidth::ALL {
        let rendered = render(&case.receipt, width).expect("renders");
        let token = rendered
            .preview_lines
            .iter()
            .find(|l| l.text.trim() == "5721-7714-3897-2629-3021")
            .expect("the token is on a line of its own");
        assert!(token.style.bold && token.style.double_height);
        assert_eq!(token.style.double_width, width == PaperWidth::Cols48);
        for field in ["BUDI SANTOSO", "R1M / 900 VA", "32,5", "12345678901"] {
            assert!(
                rendered.preview_text.contains(field),
                "{field} at {width:?}"
            );
        }
    }
}

#[test]
fn a_bill_receipt_shows_every_line_and_must_add_up() {
    use konter_receipt::{PrintCopy, Receipt, ReceiptError, Wanted};

    use crate::fixtures::{bill_order, shop};
    let receipt = Receipt::for_order(&shop(), &bill_order(), Wanted::Receipt, PrintCopy::Original)
        .expect("valid")
        .expect("printable");
    let text = render(&receipt, PaperWidth::Cols32)
        .expect("renders")
        .preview_text;
    for want in [
        "ID Pelanggan : 530000000002",
        "Nama         : ANDI PRATAMA",
        "Tarif/Daya   : R1 / 2200 VA",
        "Periode      : 202610, 202611",
        "Stand Meter  : 00029867 -",
        "No. Ref      :",
        "004212C9245F1BA43A77CEBD5CD5DA39",
        "Tagihan                Rp477.000",
        "Denda                    Rp5.000",
        "Admin                    Rp5.000",
        "Biaya loket              Rp2.500",
        "Total bayar            Rp489.500",
        "Kembali                 Rp10.500",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let mut off = bill_order();
    off.price = konter_domain::money::Rupiah::from_idr(489_000);
    off.cash = None;
    assert!(matches!(
        Receipt::for_order(&shop(), &off, Wanted::Receipt, PrintCopy::Original),
        Err(ReceiptError::BillMismatch { .. })
    ));
}
