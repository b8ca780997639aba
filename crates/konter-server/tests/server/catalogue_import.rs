//! `konter-server catalog import`: the sandbox's Digiflazz and IAK price lists become one
//! product per denomination with both suppliers' SKUs and costs, merged into a file an
//! operator wrote without losing what it says (comments included), and the result loads.

use std::collections::BTreeMap;
use std::process::Command;

use konter_sandbox::catalogue::PRODUCTS;
use konter_server::catalogue_file::CatalogueFile;

const BIN: &str = env!("CARGO_BIN_EXE_konter-server");

/// Runs `konter-server` with the sandbox as both suppliers: (ok, stdout, stderr).
fn run(sandbox: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .env(
            "KONTER_SUPPLIERS__DIGIFLAZZ__BASE_URL",
            format!("{sandbox}/digiflazz/v1"),
        )
        .env(
            "KONTER_SUPPLIERS__DIGIFLAZZ__USERNAME",
            konter_sandbox::digiflazz::DEFAULT_USERNAME,
        )
        .env(
            "KONTER_SUPPLIERS__DIGIFLAZZ__API_KEY",
            konter_sandbox::digiflazz::DEFAULT_PROD_KEY,
        )
        .env("KONTER_SUPPLIERS__IAK__BASE_URL", format!("{sandbox}/iak"))
        .env(
            "KONTER_SUPPLIERS__IAK__USERNAME",
            konter_sandbox::iak::DEFAULT_USERNAME,
        )
        .env(
            "KONTER_SUPPLIERS__IAK__API_KEY",
            konter_sandbox::iak::DEFAULT_PROD_KEY,
        )
        .output()
        .expect("run konter-server");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A product's offers: supplier → (supplier SKU, cost).
type Offers = BTreeMap<String, (String, i64)>;

/// Each product's offers by its SKU.
fn offers(file: &CatalogueFile) -> BTreeMap<String, Offers> {
    file.products
        .iter()
        .map(|p| {
            let by_supplier = p
                .suppliers
                .iter()
                .map(|o| {
                    (
                        o.supplier.clone(),
                        (o.supplier_sku.clone(), o.cost_idr.idr()),
                    )
                })
                .collect();
            (p.product.sku.to_string(), by_supplier)
        })
        .collect()
}

/// The product offering `supplier_sku` from Digiflazz.
fn by_digiflazz<'a>(
    offers: &'a BTreeMap<String, Offers>,
    code: &str,
) -> Option<(&'a String, &'a Offers)> {
    offers
        .iter()
        .find(|(_, o)| o.get("digiflazz").is_some_and(|(s, _)| s == code))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_price_lists_make_one_product_per_denomination_and_merge_into_an_edited_file() {
    let sandbox = konter_tests::spawn_sandbox(konter_sandbox::Settings {
        pricelist_interval_ms: 0,
        ..konter_sandbox::Settings::default()
    })
    .await;
    let dir = tempfile::tempdir().expect("dir");
    let fresh = dir.path().join("fresh.toml");
    let out = fresh.to_str().expect("path");
    let (ok, _, err) = run(&sandbox, &["catalog", "import", "digiflazz", "--out", out]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&sandbox, &["catalog", "import", "iak", "--out", out]);
    assert!(ok, "{err}");
    assert!(
        err.contains("0 products added"),
        "IAK matched Digiflazz's: {err}"
    );
    let file = CatalogueFile::read(&fresh).expect("a catalogue file");
    let made = offers(&file);
    let sold = PRODUCTS
        .iter()
        .filter(|p| p.iak_code.is_some() && p.digiflazz_category() != "Pascabayar");
    let mut count = 0;
    for p in sold {
        count += 1;
        let (sku, o) = by_digiflazz(&made, p.digiflazz_code)
            .unwrap_or_else(|| panic!("{} not imported", p.name));
        assert_eq!(
            o.get("digiflazz"),
            Some(&(p.digiflazz_code.to_owned(), p.digiflazz_price_idr)),
            "{sku}"
        );
        assert_eq!(
            o.get("iak"),
            Some(&(p.iak_code.expect("iak").to_owned(), p.iak_price_idr)),
            "{sku} ({}) has IAK's SKU for the same denomination",
            p.name
        );
    }
    assert_eq!(made.len(), count, "one product per denomination: {made:?}");

    // It loads, and the result passes the audit.
    let db = format!("sqlite://{}", dir.path().join("s.db").display());
    let (ok, _, err) = run(&sandbox, &["--db", &db, "catalog", "load", out]);
    assert!(
        ok && err.contains(&format!("loaded {count} products")),
        "{err}"
    );

    // Merged into the demo catalogue, edited by hand: nothing it says is lost.
    let demo_text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../demo/catalogue.toml"
    ))
    .expect("demo catalogue")
    .replace(
        "name = \"Telkomsel 10.000\"",
        "name = \"Tsel 10rb (laris)\"",
    );
    let edited = dir.path().join("edited.toml");
    std::fs::write(&edited, &demo_text).expect("write");
    let before = CatalogueFile::parse(&demo_text).expect("demo parses");
    let out = edited.to_str().expect("path");
    for supplier in ["digiflazz", "iak"] {
        let (ok, _, err) = run(&sandbox, &["catalog", "import", supplier, "--out", out]);
        assert!(ok, "{err}");
        assert!(err.contains("0 products added"), "{supplier}: {err}");
    }
    let after = CatalogueFile::read(&edited).expect("merged file");
    assert_eq!(after.tiers.len(), before.tiers.len(), "tier rules kept");
    let merged_text = std::fs::read_to_string(&edited).expect("merged text");
    let comments: Vec<_> = demo_text
        .lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .collect();
    assert!(!comments.is_empty());
    for comment in comments {
        assert!(merged_text.contains(comment), "comment lost: {comment}");
    }
    let names = |f: &CatalogueFile| -> Vec<(String, String)> {
        f.products
            .iter()
            .map(|p| (p.product.sku.to_string(), p.product.name.clone()))
            .collect()
    };
    assert_eq!(names(&after), names(&before), "SKUs, names and order kept");
    assert!(names(&after).contains(&("tsel10".into(), "Tsel 10rb (laris)".into())));
    let merged = offers(&after);
    for p in PRODUCTS.iter().filter(|p| p.iak_code.is_some()) {
        if let Some((sku, o)) = by_digiflazz(&merged, p.digiflazz_code) {
            assert_eq!(
                o.get("iak").map(|(s, _)| s.as_str()),
                p.iak_code,
                "{sku} got IAK's SKU"
            );
        }
    }

    // Printed when there is no --out; a filter takes only what it names.
    let (ok, text, err) = run(
        &sandbox,
        &[
            "catalog",
            "import",
            "iak",
            "--category",
            "pulsa",
            "--brand",
            "Telkomsel",
        ],
    );
    assert!(ok, "{err}");
    let printed = CatalogueFile::parse(&text).expect("printed TOML");
    let skus: Vec<String> = printed
        .products
        .iter()
        .map(|p| p.product.sku.to_string())
        .collect();
    assert_eq!(
        skus,
        ["tsel5", "tsel10", "tsel20", "tsel25", "tsel50", "tsel100"]
    );
    let (ok, _, err) = run(
        &sandbox,
        &["catalog", "import", "iak", "--category", "pulsa2"],
    );
    assert!(!ok && err.contains("--category"), "{err}");
}
