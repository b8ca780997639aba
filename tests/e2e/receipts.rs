//! Receipts printed to a file printer, and printed by themselves on success.

use konter_client::sell::Sale;
use serde_json::json;

use crate::cli::*;
use crate::harness::*;

/// Every line of the preview is in the printed bytes, in order, and no byte outside the
/// printer's code page is there: the receipt decodes back to the text the UI showed.
fn assert_decodes_to(bytes: &[u8], preview: &str) {
    assert!(
        bytes.iter().all(|b| *b < 0xB0),
        "no UTF-8 or box-drawing byte reaches the printer"
    );
    let mut from = 0;
    for line in preview.lines().filter(|l| !l.trim().is_empty()) {
        let needle = line.trim().as_bytes();
        let found = bytes[from..]
            .windows(needle.len())
            .position(|w| w == needle);
        let at = found.unwrap_or_else(|| panic!("line {line:?} is not in the printed bytes"));
        from += at + needle.len();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_print_to_a_file_printer_and_auto_print_on_success() {
    let server = Server::start().await;
    let (dir, engine) = paired(&server).await;
    let order = engine
        .place_order(&Sale {
            cash: Some(rp(15_000)),
            ..sale("081234567890")
        })
        .expect("sell");
    let id = order.id.to_string();
    let file = dir.path().join("slip.bin");
    let printer = format!("file:{}", file.display());

    // Not finished yet: only the "not finished" slip may print.
    let slip = engine
        .print_now(&id, &printer, 32, false)
        .await
        .expect("slip");
    assert!(
        slip.preview_text.contains("BELUM SELESAI"),
        "{}",
        slip.preview_text
    );
    assert!(!slip.preview_text.contains("41002315042959"));

    engine
        .set_setting(
            "printer",
            &format!("file:{}", dir.path().join("auto.bin").display()),
        )
        .expect("printer");
    engine
        .set_setting("auto_print", "true")
        .expect("auto print");
    assert!(
        engine.set_setting("printer_width", "40").is_err(),
        "40 columns is no printer"
    );
    engine.sync_once(0).await.expect("sync");
    server
        .settle(
            &token(dir.path()),
            &id,
            json!({"outcome": "success", "sn": "41002315042959"}),
        )
        .await;
    engine.sync_once(0).await.expect("sync");
    let mut heard = engine.print_events();
    let jobs = engine.run_print_queue().await.expect("queue");
    assert_eq!(
        jobs.iter().map(|j| j.status.as_str()).collect::<Vec<_>>(),
        vec!["done"],
        "{jobs:?}"
    );
    let event = heard.try_recv().expect("the background job is announced");
    assert_eq!(
        (event.order_id.as_str(), event.status.as_str()),
        (id.as_str(), "done")
    );
    let auto = std::fs::read(dir.path().join("auto.bin")).expect("auto-printed");
    assert!(
        auto.windows(14).any(|w| w == b"41002315042959"),
        "the SN is on the receipt"
    );

    // The CLI over the same store, by a cashier logged in: a reprint says SALINAN and
    // decodes back to its preview.
    konter_cli(
        dir.path(),
        &["cashier", "Bu Sari", "--role", "owner", "--pin", "123456"],
    );
    konter_cli(dir.path(), &["login", "Bu Sari", "--pin", "123456"]);
    let preview = konter_cli(
        dir.path(),
        &[
            "print",
            &id,
            "--printer",
            &printer,
            "--width",
            "32",
            "--copy",
            "--preview",
        ],
    );
    assert!(
        preview.contains("SALINAN")
            && preview.contains("0812-3456-7890")
            && preview.contains("PULSA "),
        "{preview}"
    );
    assert_decodes_to(&std::fs::read(&file).expect("printed"), &preview);

    let test_page = dir.path().join("test.bin");
    let page = engine
        .test_print(&format!("file:{}", test_page.display()), 48)
        .await
        .expect("test print");
    assert!(
        page.preview_text.contains("TES PRINTER") && page.preview_text.contains("BELUM SELESAI"),
        "{}",
        page.preview_text
    );
    assert_decodes_to(
        &std::fs::read(&test_page).expect("printed"),
        &page.preview_text,
    );
    assert!(
        engine.test_print("lpt1", 32).await.is_err(),
        "an address that is no printer is refused"
    );
}
