//! What the simulated suppliers sell: every operator's pulsa, some data packages, PLN tokens,
//! three games and four e-wallets. One row per product holds both suppliers' codes, which is
//! the documented mapping between them: Digiflazz codes are the buyer's own SKUs and match
//! Konter's demo catalogue one for one; IAK codes follow IAK's naming (`htelkomsel10000`,
//! `xld25000`, `pln20000`), with `[ours]` names where IAK's real code is unknown.
//! Prices are what each supplier charges the buyer (the demo catalogue's `cost_idr`).

/// The mobile operators, as listed by prefix
/// (docs/suppliers.md, "Indonesian mobile numbers and operator prefixes").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    Telkomsel,
    ByU,
    Indosat,
    Xl,
    Axis,
    Tri,
    Smartfren,
}

/// The games sold, each with its own customer-number shape (docs/suppliers.md,
/// "Digiflazz: game customer numbers" and "IAK: game codes and account formats").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Game {
    MobileLegends,
    FreeFire,
    Genshin,
}

impl Game {
    /// IAK's `game_code` for inquiry-game
    /// (docs/suppliers.md, "IAK: game codes and account formats").
    pub fn iak_game_code(self) -> &'static str {
        match self {
            Game::MobileLegends => "103",
            Game::FreeFire => "135",
            Game::Genshin => "172",
        }
    }

    pub fn from_iak_game_code(code: &str) -> Option<Game> {
        [Game::MobileLegends, Game::FreeFire, Game::Genshin]
            .into_iter()
            .find(|g| g.iak_game_code() == code)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Pulsa(Operator),
    Data(Operator),
    Pln,
    Game(Game),
    EMoney,
    /// A postpaid bill (Digiflazz `inq-pasca` / `pay-pasca`); see `digiflazz::pasca`.
    Bill,
}

#[derive(Clone, Copy, Debug)]
pub struct Product {
    pub digiflazz_code: &'static str,
    /// `None` when IAK does not sell it (the Digiflazz test SKU).
    pub iak_code: Option<&'static str>,
    pub name: &'static str,
    pub kind: Kind,
    pub brand: &'static str,
    /// Face value for pulsa, tokens and e-money; the package label's price for the rest.
    pub nominal_idr: i64,
    /// What a data package holds, shown in price lists.
    pub detail: &'static str,
    pub digiflazz_price_idr: i64,
    pub iak_price_idr: i64,
}

impl Product {
    pub fn digiflazz_category(&self) -> &'static str {
        match self.kind {
            Kind::Pulsa(_) => "Pulsa",
            Kind::Data(_) => "Data",
            Kind::Pln => "PLN",
            Kind::Game(_) => "Games",
            Kind::EMoney => "E-Money",
            Kind::Bill => "Pascabayar",
        }
    }

    /// IAK's `product_type` (docs/prepaid/product-type.md).
    pub fn iak_type(&self) -> &'static str {
        match self.kind {
            Kind::Pulsa(_) => "pulsa",
            Kind::Data(_) => "data",
            Kind::Pln => "pln",
            Kind::Game(_) => "game",
            Kind::EMoney => "etoll",
            Kind::Bill => "bill",
        }
    }

    /// IAK's operator slug within the type (docs/prepaid/product-type.md; `byu` is ours).
    pub fn iak_operator(&self) -> &'static str {
        use Operator::*;
        match self.kind {
            Kind::Pulsa(Telkomsel) => "telkomsel",
            Kind::Pulsa(ByU) => "byu",
            Kind::Pulsa(Indosat) => "indosat",
            Kind::Pulsa(Xl) => "xl",
            Kind::Pulsa(Axis) => "axis",
            Kind::Pulsa(Tri) => "three",
            Kind::Pulsa(Smartfren) => "smart",
            Kind::Data(Telkomsel | ByU) => "telkomsel_paket_internet",
            Kind::Data(Indosat) => "indosat_paket_internet",
            Kind::Data(Xl) => "xl_paket_internet",
            Kind::Data(Axis) => "axis_paket_internet",
            Kind::Data(Tri) => "tri_paket_internet",
            Kind::Data(Smartfren) => "smartfren_paket_internet",
            Kind::Pln => "pln",
            Kind::Game(Game::MobileLegends) => "mobile_legend",
            Kind::Game(Game::FreeFire) => "free_fire",
            Kind::Game(Game::Genshin) => "genshin_impact",
            Kind::EMoney => match self.brand {
                "DANA" => "dana",
                "OVO" => "ovo",
                "GOPAY" => "gopay_e-money",
                _ => "shopee_pay",
            },
            // IAK postpaid is a separate API the sandbox does not serve.
            Kind::Bill => "bill",
        }
    }

    /// The `desc` Digiflazz shows, which for games states the customer_no format
    /// (docs/suppliers.md, "Digiflazz: price list").
    pub fn digiflazz_desc(&self) -> &'static str {
        match self.kind {
            Kind::Pulsa(_) => "Pulsa reguler, masa aktif mengikuti operator",
            Kind::Data(_) => self.detail,
            Kind::Pln => {
                "Token PLN prabayar. customer_no = nomor meter (11 digit) atau ID pelanggan (12 digit)"
            }
            Kind::Game(Game::MobileLegends) => "customer_no = user_id + zone_id",
            Kind::Game(Game::FreeFire) => "customer_no = player id",
            Kind::Game(Game::Genshin) => "customer_no = uid (9-10 digit)",
            Kind::EMoney => "Isi saldo, customer_no = nomor HP terdaftar",
            Kind::Bill => "Tagihan pascabayar: inq-pasca lalu pay-pasca dengan ref_id yang sama",
        }
    }
}

/// The test SKU of Digiflazz's development mode, the only one `testing: true` accepts
/// (docs/suppliers.md, "Digiflazz: development mode and test numbers").
pub const DIGIFLAZZ_TEST_SKU: &str = "xld10";

#[expect(
    clippy::too_many_arguments,
    reason = "one call per catalogue row keeps the table readable"
)]
const fn pulsa(
    df: &'static str,
    iak: &'static str,
    name: &'static str,
    op: Operator,
    brand: &'static str,
    nominal_idr: i64,
    df_price: i64,
    iak_price: i64,
) -> Product {
    other(
        df,
        iak,
        name,
        Kind::Pulsa(op),
        brand,
        nominal_idr,
        "",
        df_price,
        iak_price,
    )
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call per catalogue row keeps the table readable"
)]
const fn other(
    df: &'static str,
    iak: &'static str,
    name: &'static str,
    kind: Kind,
    brand: &'static str,
    nominal_idr: i64,
    detail: &'static str,
    df_price: i64,
    iak_price: i64,
) -> Product {
    Product {
        digiflazz_code: df,
        iak_code: Some(iak),
        name,
        kind,
        brand,
        nominal_idr,
        detail,
        digiflazz_price_idr: df_price,
        iak_price_idr: iak_price,
    }
}

use Operator::*;

// Laid out as a table on purpose: one product per line.
#[rustfmt::skip]
pub const PRODUCTS: &[Product] = &[
    pulsa("tsel5", "htelkomsel5000", "Telkomsel 5.000", Telkomsel, "TELKOMSEL", 5000, 5220, 5270),
    pulsa("tsel10", "htelkomsel10000", "Telkomsel 10.000", Telkomsel, "TELKOMSEL", 10000, 10300, 10350),
    pulsa("tsel20", "htelkomsel20000", "Telkomsel 20.000", Telkomsel, "TELKOMSEL", 20000, 20450, 20500),
    pulsa("tsel25", "htelkomsel25000", "Telkomsel 25.000", Telkomsel, "TELKOMSEL", 25000, 25520, 25570),
    pulsa("tsel50", "htelkomsel50000", "Telkomsel 50.000", Telkomsel, "TELKOMSEL", 50000, 50900, 50950),
    pulsa("tsel100", "htelkomsel100000", "Telkomsel 100.000", Telkomsel, "TELKOMSEL", 100000, 101650, 101700),
    pulsa("byu5", "hbyu5000", "by.U 5.000", ByU, "BY.U", 5000, 5200, 5250),
    pulsa("byu10", "hbyu10000", "by.U 10.000", ByU, "BY.U", 10000, 10250, 10300),
    pulsa("byu25", "hbyu25000", "by.U 25.000", ByU, "BY.U", 25000, 25400, 25450),
    pulsa("byu50", "hbyu50000", "by.U 50.000", ByU, "BY.U", 50000, 50650, 50700),
    pulsa("isat5", "hindosat5000", "Indosat 5.000", Indosat, "INDOSAT", 5000, 5150, 5200),
    pulsa("isat10", "hindosat10000", "Indosat 10.000", Indosat, "INDOSAT", 10000, 10150, 10200),
    pulsa("isat20", "hindosat20000", "Indosat 20.000", Indosat, "INDOSAT", 20000, 20150, 20200),
    pulsa("isat25", "hindosat25000", "Indosat 25.000", Indosat, "INDOSAT", 25000, 25150, 25200),
    pulsa("isat50", "hindosat50000", "Indosat 50.000", Indosat, "INDOSAT", 50000, 50150, 50200),
    pulsa("isat100", "hindosat100000", "Indosat 100.000", Indosat, "INDOSAT", 100000, 100150, 100200),
    pulsa("xl5", "xld5000", "XL 5.000", Xl, "XL", 5000, 5150, 5200),
    pulsa("xl10", "xld10000", "XL 10.000", Xl, "XL", 10000, 10150, 10200),
    pulsa("xl25", "xld25000", "XL 25.000", Xl, "XL", 25000, 25150, 25200),
    pulsa("xl50", "xld50000", "XL 50.000", Xl, "XL", 50000, 50150, 50200),
    pulsa("xl100", "xld100000", "XL 100.000", Xl, "XL", 100000, 100150, 100200),
    pulsa("axis5", "haxis5000", "Axis 5.000", Axis, "AXIS", 5000, 5120, 5170),
    pulsa("axis10", "haxis10000", "Axis 10.000", Axis, "AXIS", 10000, 10100, 10150),
    pulsa("axis25", "haxis25000", "Axis 25.000", Axis, "AXIS", 25000, 25020, 25070),
    pulsa("axis50", "haxis50000", "Axis 50.000", Axis, "AXIS", 50000, 49900, 49950),
    pulsa("tri5", "hthree5000", "Tri 5.000", Tri, "TRI", 5000, 5150, 5200),
    pulsa("tri10", "hthree10000", "Tri 10.000", Tri, "TRI", 10000, 10150, 10200),
    pulsa("tri20", "hthree20000", "Tri 20.000", Tri, "TRI", 20000, 20150, 20200),
    pulsa("tri50", "hthree50000", "Tri 50.000", Tri, "TRI", 50000, 50150, 50200),
    pulsa("tri100", "hthree100000", "Tri 100.000", Tri, "TRI", 100000, 100150, 100200),
    pulsa("sf5", "hsmart5000", "Smartfren 5.000", Smartfren, "SMARTFREN", 5000, 5100, 5150),
    pulsa("sf10", "hsmart10000", "Smartfren 10.000", Smartfren, "SMARTFREN", 10000, 10050, 10100),
    pulsa("sf20", "hsmart20000", "Smartfren 20.000", Smartfren, "SMARTFREN", 20000, 19950, 20000),
    pulsa("sf50", "hsmart50000", "Smartfren 50.000", Smartfren, "SMARTFREN", 50000, 49650, 49700),
    pulsa("sf100", "hsmart100000", "Smartfren 100.000", Smartfren, "SMARTFREN", 100000, 99150, 99200),
    other("tseld5", "tseldata5gb", "Telkomsel Data 5GB 30 Hari", Kind::Data(Telkomsel), "TELKOMSEL", 30000, "Kuota 5GB, 30 hari", 30500, 30550),
    other("isatd10", "isatdata10gb", "Indosat Data 10GB 30 Hari", Kind::Data(Indosat), "INDOSAT", 44000, "Kuota 10GB, 30 hari", 44000, 44050),
    other("xld6", "xldata6gb", "XL Data 6GB 30 Hari", Kind::Data(Xl), "XL", 35000, "Kuota 6GB, 30 hari", 35000, 35050),
    other("trid8", "threedata8gb", "Tri Data 8GB 30 Hari", Kind::Data(Tri), "TRI", 32000, "Kuota 8GB, 30 hari", 32000, 32050),
    other("axisd3", "axisdata3gb", "Axis Data 3GB 30 Hari", Kind::Data(Axis), "AXIS", 19500, "Kuota 3GB, 30 hari", 19500, 19550),
    other("pln20", "pln20000", "Token PLN 20.000", Kind::Pln, "PLN", 20000, "", 20300, 20350),
    other("pln50", "pln50000", "Token PLN 50.000", Kind::Pln, "PLN", 50000, "", 50300, 50350),
    other("pln100", "pln100000", "Token PLN 100.000", Kind::Pln, "PLN", 100000, "", 100300, 100350),
    other("pln200", "pln200000", "Token PLN 200.000", Kind::Pln, "PLN", 200000, "", 200300, 200350),
    other("pln500", "pln500000", "Token PLN 500.000", Kind::Pln, "PLN", 500000, "", 500300, 500350),
    other("pln1000", "pln1000000", "Token PLN 1.000.000", Kind::Pln, "PLN", 1000000, "", 1000300, 1000350),
    other("ml86", "mobilelegend86", "Mobile Legends 86 Diamonds", Kind::Game(Game::MobileLegends), "MOBILE LEGENDS", 20000, "86 Diamonds", 19800, 19850),
    other("ml172", "mobilelegend172", "Mobile Legends 172 Diamonds", Kind::Game(Game::MobileLegends), "MOBILE LEGENDS", 40000, "172 Diamonds", 39500, 39550),
    other("ml257", "mobilelegend257", "Mobile Legends 257 Diamonds", Kind::Game(Game::MobileLegends), "MOBILE LEGENDS", 60000, "257 Diamonds", 58900, 58950),
    other("ff70", "freefire70", "Free Fire 70 Diamonds", Kind::Game(Game::FreeFire), "FREE FIRE", 10000, "70 Diamonds", 9400, 9450),
    other("ff140", "freefire140", "Free Fire 140 Diamonds", Kind::Game(Game::FreeFire), "FREE FIRE", 20000, "140 Diamonds", 18700, 18750),
    other("gi60", "genshin60", "Genshin Impact 60 Genesis Crystals", Kind::Game(Game::Genshin), "GENSHIN IMPACT", 13000, "60 Genesis Crystals", 12900, 12950),
    other("dana20", "hdana20000", "DANA 20.000", Kind::EMoney, "DANA", 20000, "", 20900, 20950),
    other("dana50", "hdana50000", "DANA 50.000", Kind::EMoney, "DANA", 50000, "", 50900, 50950),
    other("dana100", "hdana100000", "DANA 100.000", Kind::EMoney, "DANA", 100000, "", 100900, 100950),
    other("ovo20", "hovo20000", "OVO 20.000", Kind::EMoney, "OVO", 20000, "", 20900, 20950),
    other("ovo50", "hovo50000", "OVO 50.000", Kind::EMoney, "OVO", 50000, "", 50900, 50950),
    other("ovo100", "hovo100000", "OVO 100.000", Kind::EMoney, "OVO", 100000, "", 100900, 100950),
    other("gopay20", "hgopay20000", "GoPay 20.000", Kind::EMoney, "GOPAY", 20000, "", 20900, 20950),
    other("gopay50", "hgopay50000", "GoPay 50.000", Kind::EMoney, "GOPAY", 50000, "", 50900, 50950),
    other("gopay100", "hgopay100000", "GoPay 100.000", Kind::EMoney, "GOPAY", 100000, "", 100900, 100950),
    other("shopee20", "hshopeepay20000", "ShopeePay 20.000", Kind::EMoney, "SHOPEEPAY", 20000, "", 20900, 20950),
    other("shopee50", "hshopeepay50000", "ShopeePay 50.000", Kind::EMoney, "SHOPEEPAY", 50000, "", 50900, 50950),
    other("shopee100", "hshopeepay100000", "ShopeePay 100.000", Kind::EMoney, "SHOPEEPAY", 100000, "", 100900, 100950),
    // Digiflazz's development-mode SKU
    // (docs/suppliers.md, "Digiflazz: development mode and test numbers"): price 10000 so
    // the doc's example (buyer_last_saldo 990000 from a 1,000,000 development balance) comes
    // out exactly.
    Product {
        digiflazz_code: DIGIFLAZZ_TEST_SKU,
        iak_code: None,
        name: "Xl 10.000 (uji)",
        kind: Kind::Pulsa(Xl),
        brand: "XL",
        nominal_idr: 10000,
        detail: "",
        digiflazz_price_idr: 10000,
        iak_price_idr: 0,
    },
];

pub fn by_digiflazz_code(code: &str) -> Option<&'static Product> {
    PRODUCTS.iter().find(|p| p.digiflazz_code == code)
}

pub fn by_iak_code(code: &str) -> Option<&'static Product> {
    PRODUCTS.iter().find(|p| p.iak_code == Some(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_prices_positive() {
        for (i, a) in PRODUCTS.iter().enumerate() {
            assert!(a.digiflazz_price_idr > 0, "{} must cost something", a.name);
            assert!(
                a.iak_code.is_none() || a.iak_price_idr > 0,
                "{} must cost something at IAK",
                a.name
            );
            for b in &PRODUCTS[i + 1..] {
                assert_ne!(
                    a.digiflazz_code, b.digiflazz_code,
                    "a code names one product"
                );
                assert!(
                    a.iak_code.is_none() || a.iak_code != b.iak_code,
                    "an IAK code names one product"
                );
            }
        }
    }
}
