//! No text, however strange, puts a byte outside the code page on the paper.

use konter_domain::order::OrderStatus;
use konter_receipt::codepage::is_kept_high_byte;
use konter_receipt::commands::TEAR_OFF_FEED_LINES;
use konter_receipt::{PaperWidth, PrintCopy, Receipt, Wanted, render};
use proptest::prelude::*;

use crate::decode::decode;
use crate::fixtures::{at, pln_order, pulsa_order, shop};

/// Characters that have broken receipt printers somewhere: escapes, NUL, combining marks,
/// the em dash, typographic quotes, NBSP, zero-width and direction marks, emoji, CJK,
/// Arabic, box drawing and the CP437 bytes that are also UTF-8 lead bytes.
const NASTY: &[char] = &[
    '\u{1B}',
    '\u{1D}',
    '\u{10}',
    '\u{0}',
    '\n',
    '\r',
    '\t',
    '\u{7F}',
    '\u{85}',
    '\u{301}',
    '\u{308}',
    '—',
    '“',
    '’',
    '\u{A0}',
    '\u{200B}',
    '\u{200D}',
    '\u{202E}',
    '\u{FEFF}',
    '😀',
    '北',
    'ع',
    '─',
    'ß',
    '±',
    '°',
    'é',
    'Ñ',
    '€',
    '\u{FFFD}',
    '\u{10FFFF}',
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => any::<char>(),
            2 => prop::sample::select(NASTY),
            2 => prop::char::range('a', 'z'),
            1 => Just(' '),
        ],
        0..40,
    )
    .prop_map(String::from_iter)
}

fn status() -> impl Strategy<Value = OrderStatus> {
    prop::sample::select(OrderStatus::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_text_yields_a_byte_outside_cp437(
        name in text(), address in text(), footer in text(), product in text(),
        cashier in text(), sn in text(), phone in text(), pln in any::<bool>(),
        status in status(), refund in any::<bool>(), reprint in any::<bool>(),
    ) {
        let mut shop = shop();
        shop.name = format!("T{name}");
        shop.address = Some(address);
        shop.phone = Some(phone);
        shop.footer = vec![footer];
        let mut order = if pln { pln_order() } else { pulsa_order() };
        order.status = status;
        order.product_name = format!("P{product}");
        order.cashier = cashier;
        order.sn = Some(sn);
        let wanted = if refund { Wanted::RefundSlip } else { Wanted::Receipt };
        let copy = if reprint {
            PrintCopy::Reprint { printed_at: at("2026-11-28T08:10:00Z") }
        } else {
            PrintCopy::Original
        };
        let Some(receipt) = Receipt::for_order(&shop, &order, wanted, copy)
            .expect("every field is under the length limit")
        else {
            return Ok(());
        };
        for width in PaperWidth::ALL {
            let rendered = render(&receipt, width).expect("renders");
            // The strict decoder fails on any byte that is neither a known command nor a
            // code-page character, so decoding at all is most of the property.
            let decoded = decode(&rendered.bytes).map_err(TestCaseError::fail)?;
            for &b in &decoded.text_bytes {
                prop_assert!(
                    (0x20..=0x7E).contains(&b) || is_kept_high_byte(b),
                    "text byte {:#04x} is outside the kept table", b
                );
                // Kept bytes are all below 0xB0, so none can start a UTF-8 sequence.
                prop_assert!(b < 0xC0, "text byte {:#04x} could lead a UTF-8 sequence", b);
            }
            let tear_off = "\n".repeat(usize::from(TEAR_OFF_FEED_LINES));
            prop_assert_eq!(&decoded.text, &format!("{}{tear_off}", rendered.preview_text));
            for line in &rendered.preview_lines {
                let columns = if line.style.double_width { width.columns() / 2 } else { width.columns() };
                prop_assert!(line.text.chars().count() <= columns, "line too wide: {:?}", line.text);
            }
        }
    }
}
