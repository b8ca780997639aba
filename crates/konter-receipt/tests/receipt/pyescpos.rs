//! Cross-check against python-escpos, an encoder we did not write: the QR code, the code
//! page selection, the feed and cut, the drawer kick and the CP437 text bytes of a real
//! receipt must be byte-identical to what python-escpos produces for the same request.
//!
//! Needs `python3` with `pip install python-escpos`. When the module is missing the test
//! prints a note and passes, unless `KONTER_TEST_REQUIRE_PYESCPOS` is set (as `make test`
//! does), in which case it fails. `KONTER_PYTHON` names another interpreter.

use std::io::Write;
use std::process::{Command, Stdio};

use konter_receipt::commands::{
    DRAWER_KICK_PIN2, PARTIAL_CUT, QR_MODULE_DOTS, TEAR_OFF_FEED_LINES,
};
use konter_receipt::{PaperWidth, PrintCopy, Receipt, Wanted, render};
use serde_json::{Value, json};

use crate::decode::{decode, qr_bytes};
use crate::fixtures::{pulsa_order, shop};

/// python-escpos exits with this when it is not installed (see the script).
const EXIT_MODULE_MISSING: i32 = 3;

fn hex(v: &Value, key: &str) -> Vec<u8> {
    let s = v[key].as_str().unwrap_or_else(|| panic!("{key} missing"));
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex from the script"))
        .collect()
}

fn hex_str(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex from the script"))
        .collect()
}

/// Runs the script; `None` when python-escpos is missing and that is allowed.
fn oracle(request: &Value) -> Option<Value> {
    let python = std::env::var("KONTER_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pyescpos_oracle.py");
    let required = std::env::var_os("KONTER_TEST_REQUIRE_PYESCPOS").is_some();
    let child = Command::new(&python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if !required => {
            eprintln!("note: python-escpos cross-check skipped: cannot run {python}: {e}");
            return None;
        }
        Err(e) => panic!("KONTER_TEST_REQUIRE_PYESCPOS is set but {python} cannot run: {e}"),
    };
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(request.to_string().as_bytes())
        .expect("request written");
    let out = child.wait_with_output().expect("script finished");
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => Some(serde_json::from_slice(&out.stdout).expect("the script prints JSON")),
        Some(EXIT_MODULE_MISSING) if !required => {
            eprintln!("note: python-escpos cross-check skipped: {}", stderr.trim());
            None
        }
        _ => panic!("python-escpos oracle failed ({}): {stderr}", out.status),
    }
}

#[test]
fn qr_codepage_cut_drawer_and_text_match_python_escpos() {
    let mut shop = shop();
    // Names with the accented letters CP437 keeps, so the text check covers the upper half.
    shop.name = "KONTER JOSÉ MÜLLER".into();
    shop.address = Some("Jl. Ñandú 5, Çà ü ÿ ¿¡ «» ½ ¼ £ ¥ ¢".into());
    let receipt = Receipt::for_order(&shop, &pulsa_order(), Wanted::Receipt, PrintCopy::Original)
        .expect("valid")
        .expect("a success receipt");
    let rendered = render(&receipt, PaperWidth::Cols32).expect("renders");
    let lines: Vec<&str> = rendered
        .preview_lines
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    let request = json!({
        "qr_data": rendered.qr_payload,
        "qr_size": QR_MODULE_DOTS,
        "feed_lines": TEAR_OFF_FEED_LINES,
        "lines": lines,
    });
    let Some(py) = oracle(&request) else {
        return;
    };
    eprintln!("python-escpos {}", py["version"]);
    let decoded = decode(&rendered.bytes).expect("decodes");
    let bytes = &rendered.bytes;

    // QR: the five GS ( k commands (model 2, size, level M, store, print), byte for byte.
    assert_eq!(qr_bytes(&decoded), hex(&py, "qr"), "QR Model 2 sequence");

    // Code page: init is followed by exactly python-escpos's CP437 selection.
    let codepage = hex(&py, "codepage");
    assert_eq!(&bytes[2..2 + codepage.len()], &codepage[..], "ESC t 0");

    // Feed and cut: the job ends with python-escpos's print_and_feed(n) + cut(feed=False).
    let tail = [hex(&py, "feed"), hex(&py, "cut")].concat();
    assert!(
        bytes.ends_with(&tail),
        "feed + cut: ours end {:02x?}",
        &bytes[bytes.len() - 8..]
    );
    assert_eq!(hex(&py, "cut"), PARTIAL_CUT);

    // Drawer kick: ESC p with both pulse times.
    assert_eq!(hex(&py, "drawer"), DRAWER_KICK_PIN2);

    // Text: every printed line is the bytes python's CP437 codec gives for it.
    let py_lines = py["lines"].as_array().expect("lines");
    assert_eq!(py_lines.len(), lines.len());
    let ours: Vec<u8> = decoded.text_bytes.clone();
    let theirs: Vec<u8> = py_lines
        .iter()
        .flat_map(|l| hex_str(l.as_str().expect("hex")))
        .collect();
    assert_eq!(ours, theirs, "CP437 text bytes");
    assert!(
        ours.iter().any(|&b| b >= 0x80),
        "the check must cover upper-half characters"
    );
}
