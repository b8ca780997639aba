//! `konter-server catalog import`: a catalogue file from a supplier's price list.
//!
//! Each line of the list becomes, or joins, one product per denomination. A line is matched
//! to a product first by the offer already in the file (this supplier, this supplier SKU),
//! then by what it sells: its Konter category, its operator or brand (aliases such as `BY.U`
//! / `byu`, `Three` / `Tri` read alike) and its face value (pulsa, PLN, e-money) or the
//! amounts in its name (a data package's `5GB` and `30 Hari`, a game's `86 Diamonds`). So a
//! Digiflazz import followed by an IAK one gives products with both suppliers' SKUs. What the
//! operator wrote in the file stays: names, SKUs, priorities, cut-offs, tier rules, products
//! this list does not have. Only the offer's cost and availability follow the list.
//! Lines that cannot be placed are reported, never guessed (see docs/operations.md).

use std::collections::{BTreeMap, BTreeSet};

use konter_domain::catalogue::{Category, Product, Sku};
use konter_domain::game::Game;
use konter_domain::money::Rupiah;
use konter_domain::phone::Operator;
use konter_domain::target::InputSchema;

use crate::catalogue_file::{CatalogueFile, CutOffText, OfferEntry, ProductEntry};
use crate::suppliers::Listed;

/// Which lines to take.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub category: Option<Category>,
    /// An operator or brand, in any spelling the suppliers use (`telkomsel`, `BY.U`, `DANA`).
    pub brand: Option<String>,
}

/// What an import did, for the operator to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Lines read (after the filter).
    pub read: usize,
    /// SKUs of products the import added.
    pub added: Vec<String>,
    /// SKUs of products that got or kept this supplier's offer.
    pub matched: Vec<String>,
    /// `(supplier SKU, why)` for lines that were not placed.
    pub unmatched: Vec<(String, String)>,
    /// Products in the file (within the filter) this supplier's list has no line for.
    pub not_listed: Vec<String>,
}

/// What a line or a product sells, in words both suppliers' lists reduce to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Key {
    category: Category,
    brand: String,
    measure: Measure,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Measure {
    /// The face value in rupiah.
    Face(i64),
    /// The amounts with their units (`30hari 5gb`).
    Amounts(String),
}

/// The operator a brand names, in any of the suppliers' spellings.
fn operator_of(brand: &str) -> Option<Operator> {
    let b = squash(brand);
    Some(match b.as_str() {
        "telkomsel" | "tsel" | "simpati" | "kartuas" | "loop" => Operator::Telkomsel,
        "byu" => Operator::Byu,
        "indosat" | "isat" | "im3" | "mentari" | "indosatooredoo" => Operator::Indosat,
        "xl" | "xlaxiata" => Operator::Xl,
        "axis" => Operator::Axis,
        "tri" | "three" | "3" => Operator::Tri,
        "smartfren" | "smart" => Operator::Smartfren,
        _ => return None,
    })
}

fn game_of(brand: &str) -> Option<Game> {
    let b = squash(brand);
    Some(match b.as_str() {
        "mobilelegends" | "mobilelegend" | "mlbb" => Game::MobileLegends,
        "freefire" | "garenafreefire" => Game::FreeFire,
        "genshinimpact" | "genshin" => Game::GenshinImpact,
        _ => return None,
    })
}

/// Lower case, letters and digits only: `BY.U` → `byu`, `Shopee Pay` → `shopeepay`.
fn squash(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A supplier's category name as Konter's.
fn category_of(supplier_category: &str) -> Option<Category> {
    Some(match squash(supplier_category).as_str() {
        "pulsa" => Category::Pulsa,
        "data" | "paketdata" | "paketinternet" => Category::Data,
        "games" | "game" | "vouchergame" => Category::Game,
        "emoney" | "etoll" | "ewallet" => Category::Emoney,
        "pln" | "tokenpln" => Category::Pln,
        _ => return None,
    })
}

/// Whether a product is known by its face value (one product per denomination).
fn by_face_value(category: Category) -> bool {
    matches!(category, Category::Pulsa | Category::Pln | Category::Emoney)
}

/// The last number in a name, read with `.` or `,` as thousands separators:
/// `Telkomsel 10.000` → 10000, `PLN 1.000.000` → 1000000.
fn face_value(name: &str) -> Option<i64> {
    name.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .filter_map(|t| {
            let digits: String = t.chars().filter(char::is_ascii_digit).collect();
            digits.parse::<i64>().ok()
        })
        .next_back()
        .filter(|n| *n > 0)
}

/// The amounts in a name with their units, in order of the units: `Telkomsel Data 5GB 30
/// Hari` → `30hari 5gb`; `Mobile Legends 86 Diamonds` → `86diamond`. Empty when the name
/// has no number.
fn amounts(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')' || c == '/')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut found = BTreeSet::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let digits: String = w.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            let mut unit: String = w[digits.len()..]
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            if unit.is_empty()
                && let Some(next) = words.get(i + 1)
                && next.chars().all(|c| c.is_ascii_alphabetic())
            {
                unit = next.clone();
                i += 1;
            }
            let unit = unit.strip_suffix('s').map_or(unit.clone(), str::to_owned);
            found.insert(format!("{}{unit}", digits.trim_start_matches('0')));
        }
        i += 1;
    }
    found.into_iter().collect::<Vec<_>>().join(" ")
}

/// The brand part of a key: the operator for phone products, the game for games, else the
/// squashed brand.
fn brand_key(category: Category, brand: &str) -> Result<String, String> {
    match category {
        Category::Pulsa | Category::Data => operator_of(brand)
            .map(|o| o.code().to_owned())
            .ok_or_else(|| format!("operator '{brand}' is not one Konter knows")),
        Category::Game => game_of(brand)
            .map(|g| g.code().to_owned())
            .ok_or_else(|| format!("game '{brand}' has no account format in Konter")),
        _ => Ok(squash(brand)),
    }
}

fn line_key(line: &Listed) -> Result<Key, String> {
    let category = category_of(&line.category)
        .ok_or_else(|| format!("category '{}' is not sold by Konter", line.category))?;
    let brand = brand_key(category, &line.brand)?;
    let measure = if by_face_value(category) {
        line.nominal
            .or_else(|| face_value(&line.name))
            .map(Measure::Face)
            .ok_or_else(|| format!("no face value in '{}'", line.name))?
    } else {
        let m = amounts(&line.name);
        if m.is_empty() {
            return Err(format!("no amount (GB, days, diamonds) in '{}'", line.name));
        }
        Measure::Amounts(m)
    };
    Ok(Key {
        category,
        brand,
        measure,
    })
}

fn product_key(p: &Product) -> Option<Key> {
    let brand = match (&p.operator, &p.input) {
        (Some(op), _) => op.code().to_owned(),
        (None, InputSchema::Game { game }) => game.code().to_owned(),
        _ => brand_key(p.category, &p.brand).ok()?,
    };
    let measure = if by_face_value(p.category) {
        Measure::Face(
            p.nominal_idr
                .map(|n| n.idr())
                .or_else(|| face_value(&p.name))?,
        )
    } else {
        Measure::Amounts(amounts(&p.name))
    };
    Some(Key {
        category: p.category,
        brand,
        measure,
    })
}

fn wanted(filter: &Filter, key: &Key, line_brand: &str) -> bool {
    filter.category.is_none_or(|c| c == key.category)
        && filter.brand.as_deref().is_none_or(|b| {
            let b = squash(b);
            b == squash(line_brand)
                || b == squash(&key.brand)
                || operator_of(&b).is_some_and(|o| o.code() == key.brand)
                || game_of(&b).is_some_and(|g| g.code() == key.brand)
        })
}

/// A new product for a line: its SKU (`tsel10`, `pln20`, `dana50`, `ml86`,
/// `tsel-5gb-30hari`), name, category, brand, operator, face value and input.
fn new_product(key: &Key, line: &Listed, taken: &BTreeSet<String>) -> Option<Product> {
    let operator = Operator::from_code(&key.brand)
        .filter(|_| matches!(key.category, Category::Pulsa | Category::Data));
    let game = Game::from_code(&key.brand).filter(|_| key.category == Category::Game);
    let stem = match (operator, game) {
        (Some(op), _) => match op {
            Operator::Telkomsel => "tsel",
            Operator::Indosat => "isat",
            Operator::Smartfren => "sf",
            other => other.code(),
        }
        .to_owned(),
        (_, Some(Game::MobileLegends)) => "ml".to_owned(),
        (_, Some(Game::FreeFire)) => "ff".to_owned(),
        (_, Some(Game::GenshinImpact)) => "gi".to_owned(),
        _ => key.brand.clone(),
    };
    let base = match &key.measure {
        Measure::Face(n) if n % 1000 == 0 => format!("{stem}{}", n / 1000),
        Measure::Face(n) => format!("{stem}{n}"),
        // A game by its first amount (`ml86`), a data package by all of them.
        Measure::Amounts(m) if game.is_some() => {
            format!(
                "{stem}{}",
                m.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            )
        }
        Measure::Amounts(m) => format!("{stem}-{}", m.replace(' ', "-")),
    };
    let mut sku = base.clone();
    let mut n = 2;
    while taken.contains(&sku) {
        sku = format!("{base}-{n}");
        n += 1;
    }
    let input = match (key.category, game) {
        (Category::Pln, _) => InputSchema::PlnNumber,
        (Category::Emoney, _) => InputSchema::EMoneyAccount,
        (Category::Game, Some(game)) => InputSchema::Game { game },
        _ => InputSchema::Phone,
    };
    Some(Product {
        sku: Sku::parse(&sku).ok()?,
        name: line.name.clone(),
        category: key.category,
        brand: line.brand.to_uppercase(),
        operator,
        nominal_idr: match key.measure {
            Measure::Face(n) => Some(Rupiah::from_idr(n)),
            Measure::Amounts(_) => None,
        },
        input,
        active: true,
    })
}

/// Merges `supplier`'s price list into `file` (an empty file for a new catalogue).
pub fn import(
    mut file: CatalogueFile,
    supplier: &str,
    lines: &[Listed],
    filter: &Filter,
) -> (CatalogueFile, Report) {
    let mut report = Report::default();
    // Each line's key; the lines kept per key (the cheapest active one first, but one this
    // file already names first of all).
    let mut by_key: BTreeMap<Key, Vec<&Listed>> = BTreeMap::new();
    for line in lines {
        match line_key(line) {
            Ok(key) if wanted(filter, &key, &line.brand) => {
                report.read += 1;
                by_key.entry(key).or_default().push(line);
            }
            Ok(_) => {}
            Err(why) => {
                if filter.category.is_none() && filter.brand.is_none() {
                    report.read += 1;
                    report.unmatched.push((line.item.supplier_sku.clone(), why));
                }
            }
        }
    }
    let in_file = |file: &CatalogueFile, sku: &str| {
        file.products.iter().position(|p| {
            p.suppliers
                .iter()
                .any(|o| o.supplier == supplier && o.supplier_sku == sku)
        })
    };
    let mut placed = BTreeSet::new();
    for (key, mut candidates) in by_key {
        candidates.sort_by_key(|l| {
            (
                in_file(&file, &l.item.supplier_sku).is_none(),
                !l.item.active,
                l.item.cost,
            )
        });
        let line = candidates[0];
        let index = in_file(&file, &line.item.supplier_sku).or_else(|| {
            file.products
                .iter()
                .position(|p| product_key(&p.product).as_ref() == Some(&key))
        });
        let index = match index {
            Some(i) => i,
            None => {
                let taken = file
                    .products
                    .iter()
                    .map(|p| p.product.sku.to_string())
                    .collect();
                let Some(product) = new_product(&key, line, &taken) else {
                    report.unmatched.push((
                        line.item.supplier_sku.clone(),
                        "no SKU can be made for it".into(),
                    ));
                    continue;
                };
                report.added.push(product.sku.to_string());
                file.products.push(ProductEntry {
                    product,
                    cut_off: line.cut_off.map(|(start, end)| CutOffText { start, end }),
                    suppliers: Vec::new(),
                });
                file.products.len() - 1
            }
        };
        let entry = &mut file.products[index];
        let sku = entry.product.sku.to_string();
        for other in &candidates[1..] {
            report.unmatched.push((
                other.item.supplier_sku.clone(),
                format!(
                    "the same product as {sku}, which takes {} from this supplier",
                    line.item.supplier_sku
                ),
            ));
        }
        let next_priority = entry
            .suppliers
            .iter()
            .map(|o| o.priority)
            .max()
            .unwrap_or(0)
            + 1;
        match entry.suppliers.iter_mut().find(|o| o.supplier == supplier) {
            Some(offer) => {
                offer.supplier_sku = line.item.supplier_sku.clone();
                offer.cost_idr = line.item.cost;
                offer.active = line.item.active;
            }
            None => entry.suppliers.push(OfferEntry {
                supplier: supplier.to_owned(),
                supplier_sku: line.item.supplier_sku.clone(),
                cost_idr: line.item.cost,
                priority: next_priority,
                active: line.item.active,
            }),
        }
        if !report.added.contains(&sku) {
            report.matched.push(sku.clone());
        }
        placed.insert(sku);
    }
    for p in &file.products {
        let sku = p.product.sku.to_string();
        let within = product_key(&p.product).is_some_and(|k| wanted(filter, &k, &p.product.brand));
        if within && p.product.category != Category::Bill && !placed.contains(&sku) {
            report.not_listed.push(sku);
        }
    }
    (file, report)
}

impl Report {
    /// The report as lines for a person.
    pub fn describe(&self, supplier: &str) -> String {
        let mut out = format!(
            "{supplier}: {} lines read: {} products added, {} matched, {} not matched\n",
            self.read,
            self.added.len(),
            self.matched.len(),
            self.unmatched.len()
        );
        if !self.unmatched.is_empty() {
            out.push_str("not matched (add them by hand if they are wanted):\n");
            for (sku, why) in &self.unmatched {
                out.push_str(&format!("  {sku:<20} {why}\n"));
            }
        }
        if !self.not_listed.is_empty() {
            out.push_str(&format!(
                "in the file but not in {supplier}'s list (left as they are): {}\n",
                self.not_listed.join(", ")
            ));
        }
        out
    }
}

/// The file as TOML, the way `catalog load` reads it.
pub fn to_toml(file: &CatalogueFile) -> anyhow::Result<String> {
    Ok(format!(
        "# Konter catalogue: products, their supplier offers and tier markups.\n\
         # Written by `konter-server catalog import`; edit freely, import again to refresh\n\
         # costs, then `konter-server catalog load FILE`.\n\n{}",
        toml::to_string(file)?
    ))
}

/// `merged` written over `original`, the file it was read from, keeping the operator's text:
/// every comment, blank line, order and spelling of `original` stays, and only what an
/// import changes is written: an offer's `supplier_sku`, `cost_idr` and `active` (each
/// value keeping its trailing comment), offers new to a product (after its others), and new
/// products (at the end).
pub fn merge_toml(original: &str, merged: &CatalogueFile) -> anyhow::Result<String> {
    use toml_edit::{DocumentMut, Item};
    let mut doc: DocumentMut = original.parse()?;
    let fresh: DocumentMut = toml::to_string(merged)?.parse()?;
    let Some(fresh_products) = fresh.get("products").and_then(Item::as_array_of_tables) else {
        return Ok(doc.to_string());
    };
    let mut end = last_position(doc.as_table());
    let products = tables_mut(doc.as_table_mut(), "products")?;
    for fresh_product in fresh_products {
        let sku = fresh_product.get("sku").and_then(Item::as_str);
        let same = |t: &toml_edit::Table| t.get("sku").and_then(Item::as_str) == sku;
        let found = products.iter().position(same);
        match found.and_then(|i| products.get_mut(i)) {
            Some(product) => merge_offers(product, fresh_product)?,
            None => {
                let mut product = fresh_product.clone();
                end += 1;
                place(&mut product, end);
                products.push(product);
            }
        }
    }
    Ok(doc.to_string())
}

/// The offers of `fresh` (one product as an import left it) written into `product`.
fn merge_offers(product: &mut toml_edit::Table, fresh: &toml_edit::Table) -> anyhow::Result<()> {
    use toml_edit::Item;
    let Some(fresh_offers) = fresh.get("suppliers").and_then(Item::as_array_of_tables) else {
        return Ok(());
    };
    // New offers go right after this product's last table.
    let after = last_position(product);
    let offers = tables_mut(product, "suppliers")?;
    for fresh_offer in fresh_offers {
        let supplier = fresh_offer.get("supplier").and_then(Item::as_str);
        let found = offers
            .iter()
            .position(|o| o.get("supplier").and_then(Item::as_str) == supplier);
        match found.and_then(|i| offers.get_mut(i)) {
            Some(offer) => {
                for key in ["supplier_sku", "cost_idr", "active"] {
                    set_value(offer, key, fresh_offer.get(key).and_then(Item::as_value));
                }
            }
            None => {
                let mut offer = fresh_offer.clone();
                place(&mut offer, after);
                offers.push(offer);
            }
        }
    }
    Ok(())
}

/// The list of tables `[[…key]]` in `table`, made empty when the file has none.
fn tables_mut<'t>(
    table: &'t mut toml_edit::Table,
    key: &str,
) -> anyhow::Result<&'t mut toml_edit::ArrayOfTables> {
    table
        .entry(key)
        .or_insert_with(|| toml_edit::Item::ArrayOfTables(toml_edit::ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| anyhow::anyhow!("{key}: not a list of [[{key}]] tables"))
}

/// Sets `key` to `new` in `table` unless it already says so; a value replaced keeps the
/// comments around it, and an `active = true` the file leaves out (the default) stays out.
fn set_value(table: &mut toml_edit::Table, key: &str, new: Option<&toml_edit::Value>) {
    let Some(new) = new else { return };
    let same = |old: &toml_edit::Value| match (old, new) {
        (toml_edit::Value::String(a), toml_edit::Value::String(b)) => a.value() == b.value(),
        (toml_edit::Value::Integer(a), toml_edit::Value::Integer(b)) => a.value() == b.value(),
        (toml_edit::Value::Boolean(a), toml_edit::Value::Boolean(b)) => a.value() == b.value(),
        _ => false,
    };
    match table.get_mut(key).and_then(toml_edit::Item::as_value_mut) {
        Some(old) if same(old) => {}
        Some(old) => {
            let decor = old.decor().clone();
            *old = new.clone();
            *old.decor_mut() = decor;
        }
        None if key == "active" && new.as_bool() == Some(true) => {}
        None => {
            table.insert(key, toml_edit::value(new.clone()));
        }
    }
}

/// The position of the last table header in `table` and the tables under it (0 for none).
fn last_position(table: &toml_edit::Table) -> usize {
    let mut last = table.position().unwrap_or(0);
    for (_, item) in table.iter() {
        match item {
            toml_edit::Item::Table(t) => last = last.max(last_position(t)),
            toml_edit::Item::ArrayOfTables(a) => {
                for t in a.iter() {
                    last = last.max(last_position(t));
                }
            }
            _ => {}
        }
    }
    last
}

/// Gives `table` and the tables under it the position `at`: toml_edit writes tables in
/// position order, and tables of one position in the order they are reached, so a table
/// placed at another's position is written right after it.
fn place(table: &mut toml_edit::Table, at: usize) {
    table.set_position(at);
    for (_, item) in table.iter_mut() {
        match item {
            toml_edit::Item::Table(t) => place(t, at),
            toml_edit::Item::ArrayOfTables(a) => {
                for t in a.iter_mut() {
                    place(t, at);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suppliers::PriceItem;

    fn line(sku: &str, name: &str, category: &str, brand: &str, cost: i64) -> Listed {
        Listed {
            item: PriceItem {
                supplier_sku: sku.into(),
                cost: Rupiah::from_idr(cost),
                active: true,
            },
            name: name.into(),
            category: category.into(),
            brand: brand.into(),
            nominal: None,
            detail: String::new(),
            cut_off: None,
        }
    }

    fn empty() -> CatalogueFile {
        CatalogueFile::parse("").expect("empty")
    }

    #[test]
    fn names_read_as_face_values_and_amounts() {
        assert_eq!(face_value("Telkomsel 10.000"), Some(10_000));
        assert_eq!(face_value("Token PLN 1.000.000"), Some(1_000_000));
        assert_eq!(face_value("DANA 20000"), Some(20_000));
        assert_eq!(face_value("Telkomsel"), None);
        assert_eq!(amounts("Telkomsel Data 5GB 30 Hari"), "30hari 5gb");
        assert_eq!(amounts("Kuota 5 GB, 30 hari"), "30hari 5gb");
        assert_eq!(amounts("Mobile Legends 86 Diamonds"), "86diamond");
        assert_eq!(amounts("MLBB 86 Diamond"), "86diamond");
        assert_eq!(amounts("Paket Combo"), "");
    }

    #[test]
    fn two_suppliers_lists_become_one_product_per_denomination() {
        let digiflazz = [
            line("tsel10", "Telkomsel 10.000", "Pulsa", "TELKOMSEL", 10_300),
            line("byu5", "by.U 5.000", "Pulsa", "BY.U", 5_200),
            line(
                "ml86",
                "Mobile Legends 86 Diamonds",
                "Games",
                "MOBILE LEGENDS",
                19_800,
            ),
            line(
                "tseld5",
                "Telkomsel Data 5GB 30 Hari",
                "Data",
                "TELKOMSEL",
                30_500,
            ),
        ];
        let (file, first) = import(empty(), "digiflazz", &digiflazz, &Filter::default());
        assert_eq!(first.added, ["byu5", "tsel10", "tsel-30hari-5gb", "ml86"]);
        let mut iak = vec![
            line(
                "htelkomsel10000",
                "Telkomsel 10000",
                "pulsa",
                "Telkomsel",
                10_350,
            ),
            line("hbyu5000", "5000", "pulsa", "byU", 5_250),
            line(
                "mobilelegend86",
                "MLBB 86 Diamond",
                "game",
                "Mobile Legend",
                19_850,
            ),
            line(
                "tseldata5gb",
                "Data 5 GB 30 Hari",
                "data",
                "Telkomsel",
                30_550,
            ),
            // A denomination Digiflazz does not sell, and a line that is not Konter's.
            line(
                "htelkomsel15000",
                "Telkomsel 15.000",
                "pulsa",
                "TELKOMSEL",
                15_200,
            ),
            line("voc1", "Voucher Fisik", "voucher", "TELKOMSEL", 9_000),
        ];
        iak[1].nominal = Some(5000);
        let (file, second) = import(file, "iak", &iak, &Filter::default());
        assert_eq!(second.added, ["tsel15"]);
        assert_eq!(second.matched.len(), 4, "{second:?}");
        assert_eq!(
            second.unmatched,
            [(
                "voc1".to_owned(),
                "category 'voucher' is not sold by Konter".to_owned()
            )]
        );
        let tsel10 = file
            .products
            .iter()
            .find(|p| p.product.sku.as_str() == "tsel10")
            .expect("tsel10");
        let offers: Vec<(&str, &str, i64, i64)> = tsel10
            .suppliers
            .iter()
            .map(|o| {
                (
                    o.supplier.as_str(),
                    o.supplier_sku.as_str(),
                    o.cost_idr.idr(),
                    o.priority,
                )
            })
            .collect();
        assert_eq!(
            offers,
            [
                ("digiflazz", "tsel10", 10_300, 1),
                ("iak", "htelkomsel10000", 10_350, 2)
            ]
        );
        assert_eq!(tsel10.product.operator, Some(Operator::Telkomsel));
        assert_eq!(tsel10.product.nominal_idr, Some(Rupiah::from_idr(10_000)));
    }

    #[test]
    fn the_written_file_loads_back_the_same() {
        let mut lines = vec![
            line("tsel10", "Telkomsel 10.000", "Pulsa", "TELKOMSEL", 10_300),
            line(
                "ml86",
                "Mobile Legends 86 Diamonds",
                "Games",
                "MOBILE LEGENDS",
                19_800,
            ),
            line("pln20", "Token PLN 20.000", "PLN", "PLN", 20_300),
        ];
        let t = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).expect("time");
        lines[2].cut_off = Some((t(23), t(1)));
        let base = CatalogueFile::parse(
            "[tiers.gold]\nmarkup = { kind = \"fixed\", idr = 500 }\nround_to = 100\n",
        )
        .expect("tiers");
        let (file, _) = import(base, "digiflazz", &lines, &Filter::default());
        let text = to_toml(&file).expect("toml");
        let back = CatalogueFile::parse(&text).expect(&text);
        assert_eq!(back.tiers.len(), 1);
        assert_eq!(to_toml(&back).expect("toml"), text);
        let pln = back
            .products
            .iter()
            .find(|p| p.product.sku.as_str() == "pln20");
        let cut = pln.and_then(|p| p.cut_off.as_ref()).expect("cut-off kept");
        assert_eq!((cut.start, cut.end), (t(23), t(1)));
        let ml = &back.products[1].product;
        assert_eq!(
            ml.input,
            InputSchema::Game {
                game: Game::MobileLegends
            }
        );
    }

    #[test]
    fn a_second_import_changes_costs_only_and_reports_what_left_the_list() {
        let lines = [
            line("tsel10", "Telkomsel 10.000", "Pulsa", "TELKOMSEL", 10_300),
            line("tsel20", "Telkomsel 20.000", "Pulsa", "TELKOMSEL", 20_450),
        ];
        let (mut file, _) = import(empty(), "digiflazz", &lines, &Filter::default());
        // The operator renames a product and changes its SKU; the offer still finds it.
        file.products[0].product.name = "Tsel 10rb".into();
        file.products[0].product.sku = Sku::parse("t10").expect("sku");
        file.products[0].suppliers[0].priority = 7;
        let mut later = vec![lines[0].clone()];
        later[0].item.cost = Rupiah::from_idr(10_250);
        later[0].item.active = false;
        let (file, report) = import(file, "digiflazz", &later, &Filter::default());
        assert_eq!(report.added, Vec::<String>::new());
        assert_eq!(report.matched, ["t10"]);
        assert_eq!(report.not_listed, ["tsel20"]);
        let p = &file.products[0];
        assert_eq!(p.product.name, "Tsel 10rb");
        let o = &p.suppliers[0];
        assert_eq!((o.cost_idr.idr(), o.active, o.priority), (10_250, false, 7));
    }

    #[test]
    fn importing_into_an_edited_file_keeps_its_comments_and_writes_only_the_changes() {
        let original = "\
# Katalog Konter Maju: edited by hand.

[tiers.gold]
markup = { kind = \"fixed\", idr = 500 }  # our price for gold shops
round_to = 100

# Telkomsel: the best seller.
[[products]]
sku = \"tsel10\"
name = \"Tsel 10rb\"
category = \"pulsa\"
brand = \"TELKOMSEL\"
operator = \"telkomsel\"
nominal_idr = 10000
input = { kind = \"phone\" }
active = true
[[products.suppliers]]
supplier = \"digiflazz\"
supplier_sku = \"tsel10\"
cost_idr = 10300  # agreed with the supplier in November
priority = 1

# Indosat: slow on Sundays.
[[products]]
sku = \"isat10\"
name = \"Indosat 10.000\"
category = \"pulsa\"
brand = \"INDOSAT\"
operator = \"indosat\"
nominal_idr = 10000
input = { kind = \"phone\" }
active = true
[[products.suppliers]]
supplier = \"digiflazz\"
supplier_sku = \"isat10\"
cost_idr = 10150
priority = 1
";
        let lines = [
            line(
                "htelkomsel10000",
                "Telkomsel 10.000",
                "Pulsa",
                "TELKOMSEL",
                10_350,
            ),
            line(
                "hindosat10000",
                "Indosat 10.000",
                "Pulsa",
                "INDOSAT",
                10_150,
            ),
            line("xld25000", "XL 25.000", "Pulsa", "XL", 24_900),
        ];
        let (file, _) = import(
            CatalogueFile::parse(original).expect("the edited file"),
            "iak",
            &lines,
            &Filter::default(),
        );
        let written = merge_toml(original, &file).expect("merged");
        // Every line of the original is still there, in its order.
        let mut rest = written.lines();
        for want in original.lines() {
            assert!(
                rest.any(|l| l == want),
                "lost or moved: {want:?}\n---\n{written}"
            );
        }
        // What the import decided is what the file now says, each offer under its product.
        let back = CatalogueFile::parse(&written).expect("loads");
        assert_eq!(
            toml::to_string(&back).expect("toml"),
            toml::to_string(&file).expect("toml")
        );
        let tsel = written.find("sku = \"tsel10\"").expect("tsel10");
        let iak_offer = written.find("htelkomsel10000").expect("the new offer");
        let isat = written.find("sku = \"isat10\"").expect("isat10");
        assert!(tsel < iak_offer && iak_offer < isat, "{written}");
        assert!(written.find("xld25000").expect("the new product") > isat);

        // A second import that changes a cost changes that value alone.
        let mut later = lines.clone();
        later[1].item.cost = Rupiah::from_idr(10_175);
        let (again, _) = import(
            CatalogueFile::parse(&written).expect("loads"),
            "iak",
            &later,
            &Filter::default(),
        );
        let rewritten = merge_toml(&written, &again).expect("merged");
        let changed: Vec<_> = written
            .lines()
            .zip(rewritten.lines())
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(
            changed,
            [("cost_idr = 10150", "cost_idr = 10175")],
            "{rewritten}"
        );
        assert_eq!(written.lines().count(), rewritten.lines().count());
    }

    #[test]
    fn two_lines_for_one_denomination_keep_the_one_in_the_file_or_the_cheapest() {
        let lines = [
            line("xl10", "XL 10.000", "Pulsa", "XL", 10_150),
            line("xld10", "Xl 10.000 (uji)", "Pulsa", "XL", 10_000),
        ];
        let (file, report) = import(empty(), "digiflazz", &lines, &Filter::default());
        assert_eq!(file.products.len(), 1);
        assert_eq!(file.products[0].suppliers[0].supplier_sku, "xld10");
        assert_eq!(report.unmatched.len(), 1, "{report:?}");
        assert_eq!(report.unmatched[0].0, "xl10");
        // Once the file names xl10 for it, xl10 stays, whatever is cheaper.
        let mut file = file;
        file.products[0].suppliers[0].supplier_sku = "xl10".into();
        let (file, _) = import(file, "digiflazz", &lines, &Filter::default());
        assert_eq!(file.products[0].suppliers[0].supplier_sku, "xl10");
    }

    #[test]
    fn filters_and_lines_that_cannot_be_placed() {
        let lines = [
            line("tsel10", "Telkomsel 10.000", "Pulsa", "TELKOMSEL", 10_300),
            line("isat10", "Indosat 10.000", "Pulsa", "INDOSAT", 10_150),
            line("pln20", "Token PLN 20.000", "PLN", "PLN", 20_300),
            line("xx10", "Kartu X 10.000", "Pulsa", "KARTU X", 10_000),
            line("pubg60", "PUBG 60 UC", "Games", "PUBG MOBILE", 14_000),
            line("tselx", "Telkomsel Combo", "Data", "TELKOMSEL", 50_000),
        ];
        let only = Filter {
            category: Some(Category::Pulsa),
            brand: Some("tsel".into()),
        };
        let (file, report) = import(empty(), "digiflazz", &lines, &only);
        assert_eq!(report.added, ["tsel10"]);
        assert!(report.unmatched.is_empty(), "{report:?}");
        assert_eq!(file.products.len(), 1);
        let (_, report) = import(empty(), "digiflazz", &lines, &Filter::default());
        let why: Vec<&str> = report.unmatched.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(why, ["xx10", "pubg60", "tselx"]);
        assert_eq!(report.added, ["isat10", "tsel10", "pln20"]);
    }
}
