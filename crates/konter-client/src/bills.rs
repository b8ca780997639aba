//! Postpaid bills at the counter: the bill products with the shop's fee, the inquiry (asked
//! of the server while the customer waits, kept here), and the payment — one local
//! transaction like a sale, whose order names the inquiry so the server pays exactly that
//! bill, once.

use chrono::Utc;
use konter_domain::api::v1::{BillInquiry, BillInquiryRequest, CreateOrder};
use konter_domain::bill::{BillKind, CustomerNo, ShopFees};
use konter_domain::catalogue::Category;
use konter_domain::ids::{InquiryId, OrderId};
use konter_domain::money::Rupiah;
use konter_domain::target::InputSchema;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::Engine;
use crate::catalog;
use crate::db::{self, now_ms};
use crate::error::{EngineError, EngineResult};
pub use crate::orders::LocalBill;
use crate::orders::{LocalOrder, NewLocalOrder, available, commit_order};
use konter_domain::codes::{self, Code};

use crate::shop::FEES_SETTING;

/// A bill product as the counter offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BillProduct {
    pub sku: String,
    pub name: String,
    pub kind: BillKind,
    pub shop_fee_idr: Rupiah,
    pub available: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unavailable_reason: Option<String>,
}

fn fees_of(conn: &rusqlite::Connection) -> EngineResult<ShopFees> {
    match db::setting(conn, FEES_SETTING)? {
        Some(text) => {
            serde_json::from_str(&text).map_err(|e| EngineError::Corrupt(format!("bill fees: {e}")))
        }
        None => Ok(ShopFees::default()),
    }
}

fn kind_of(input: InputSchema) -> Option<BillKind> {
    match input {
        InputSchema::Bill { bill } => Some(bill),
        _ => None,
    }
}

impl Engine {
    /// The shop's fee per bill kind and their cap.
    pub fn bill_fees(&self) -> EngineResult<ShopFees> {
        fees_of(&self.db())
    }

    /// Saves the shop's fees; a fee above the cap is refused naming its field, and nothing
    /// changes.
    pub fn set_bill_fees(&self, fees: &ShopFees) -> EngineResult<()> {
        fees.check().map_err(|e| EngineError::from_field(&e))?;
        let text = serde_json::to_string(fees).map_err(|e| EngineError::Corrupt(e.to_string()))?;
        let mut conn = self.db();
        let tx = conn.transaction()?;
        db::set_setting(&tx, FEES_SETTING, &text)?;
        crate::shop::edited(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Every bill product of the catalogue, with the shop's fee for its kind.
    pub fn bill_products(&self) -> EngineResult<Vec<BillProduct>> {
        let conn = self.db();
        let fees = fees_of(&conn)?;
        Ok(catalog::load_items(&conn)?
            .into_iter()
            .filter(|i| i.product.category == Category::Bill)
            .filter_map(|i| {
                let kind = kind_of(i.product.input)?;
                Some(BillProduct {
                    sku: i.product.sku.to_string(),
                    name: i.product.name.clone(),
                    kind,
                    shop_fee_idr: fees.fee(kind),
                    available: i.product.active,
                    unavailable_reason: (!i.product.active)
                        .then(|| "sedang tidak tersedia / unavailable now".to_owned()),
                })
            })
            .collect())
    }

    /// Looks a bill up at the server (the customer is waiting, so this needs the network
    /// now). The inquiry id is minted here; a lost answer is asked again under the same id,
    /// which the server answers with the same bill.
    pub async fn bill_inquiry(&self, sku: &str, customer_no: &str) -> EngineResult<LocalBill> {
        let (kind, sku) = {
            let conn = self.db();
            let item = catalog::item(&conn, sku)?
                .filter(|i| i.product.category == Category::Bill)
                .ok_or_else(|| {
                    EngineError::input(
                        codes::UNKNOWN_SKU,
                        &format!("'{sku}' bukan produk tagihan"),
                        &format!("'{sku}' is not a bill product"),
                        "sku",
                    )
                })?;
            let kind = kind_of(item.product.input).ok_or_else(|| {
                EngineError::Corrupt("a bill product without a bill input".into())
            })?;
            (kind, item.product.sku)
        };
        let number =
            CustomerNo::parse(kind, customer_no).map_err(|e| EngineError::from_field(&e))?;
        let id = InquiryId::from_uuid(self.new_uuid())
            .map_err(|e| EngineError::Corrupt(format!("new inquiry id: {e}")))?;
        let request = BillInquiryRequest {
            id,
            sku,
            customer_no: number.as_str().to_owned(),
        };
        let inquiry: BillInquiry = match self.post_bill_inquiry(&request).await {
            Err(EngineError::Network(_)) => self.post_bill_inquiry(&request).await?,
            other => other?,
        };
        let conn = self.db();
        let fee = fees_of(&conn)?.fee(inquiry.kind);
        let body =
            serde_json::to_string(&inquiry).map_err(|e| EngineError::Corrupt(e.to_string()))?;
        conn.execute(
            "INSERT INTO bill_inquiries (id, sku, body, shop_fee_idr, expires_at, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING",
            params![
                inquiry.inquiry_id.to_string(),
                inquiry.sku.as_str(),
                body,
                fee.idr(),
                inquiry.expires_at.timestamp_millis(),
                now_ms()
            ],
        )?;
        LocalBill::new(inquiry, fee).map_err(EngineError::Corrupt)
    }

    /// A bill looked up on this device.
    pub fn bill(&self, inquiry_id: &str) -> EngineResult<Option<LocalBill>> {
        let conn = self.db();
        let row: Option<(String, i64)> = conn
            .query_row(
                "SELECT body, shop_fee_idr FROM bill_inquiries WHERE id = ?1",
                [inquiry_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(body, fee)| LocalBill::from_stored(&body, Rupiah::from_idr(fee)))
            .transpose()
            .map_err(EngineError::Corrupt)
    }

    /// Pays a looked-up bill: commits the order (cash taken, the bill's total held on the
    /// saldo, the outbox row naming the inquiry) and returns at once. Refused, changing
    /// nothing, when the bill is unknown here, expired, already paid, the saldo is short or
    /// the cash does not cover the customer total.
    pub fn pay_bill(
        &self,
        inquiry_id: &str,
        cash: Option<Rupiah>,
        cashier_id: Option<&str>,
        cashier_name: Option<&str>,
    ) -> EngineResult<LocalOrder> {
        let field = |code: Code, id: &str, en: &str| EngineError::input(code, id, en, "inquiry_id");
        let bill = self.bill(inquiry_id)?.ok_or_else(|| {
            field(
                codes::UNKNOWN_INQUIRY,
                "tagihan ini belum dicek di kasir ini; cek tagihan dulu",
                "this bill was not looked up on this counter; look it up first",
            )
        })?;
        let now = Utc::now();
        if now >= bill.inquiry.expires_at {
            return Err(field(
                codes::INQUIRY_EXPIRED,
                "cek tagihan sudah lewat hari; cek tagihan lagi sebelum membayar",
                "the inquiry is from an earlier day; look the bill up again before paying",
            ));
        }
        let price = bill.customer_total_idr;
        let cost = bill.inquiry.bill.total_idr;
        let cash = cash.unwrap_or(price);
        if cash < price {
            return Err(EngineError::input(
                codes::CASH_SHORT,
                &format!("uang tunai {cash} kurang dari total {price}"),
                &format!("cash {cash} is less than the total {price}"),
                "cash_idr",
            ));
        }
        let mut conn = self.db();
        let tx = conn.transaction()?;
        let used: Option<String> = tx
            .query_row(
                "SELECT status FROM orders WHERE inquiry_id = ?1",
                [inquiry_id],
                |r| r.get(0),
            )
            .optional()?;
        match used.as_deref() {
            None => {}
            Some("failed" | "refunded") => {
                return Err(field(
                    codes::INQUIRY_USED,
                    "cek tagihan ini sudah dipakai pembayaran yang gagal; cek tagihan lagi",
                    "this inquiry was used by a payment that failed; look the bill up again",
                ));
            }
            Some(_) => {
                return Err(field(
                    codes::BILL_ALREADY_PAID,
                    "tagihan ini sudah dibayar",
                    "this bill was already paid",
                ));
            }
        }
        let day = db::shop_day(&tx, now)?;
        // Another inquiry of the same bill: not while a payment of it is open (the supplier
        // still shows it unpaid then), nor after one succeeded today.
        let same_bill: Option<String> = tx
            .query_row(
                "SELECT id FROM orders WHERE sku = ?1 AND target = ?2 AND inquiry_id IS NOT NULL \
                 AND (status IN ('queued', 'accepted', 'processing', 'pending') OR (status = 'success' AND day = ?3)) LIMIT 1",
                params![bill.inquiry.sku.as_str(), bill.inquiry.customer_no, day],
                |r| r.get(0),
            )
            .optional()?;
        if same_bill.is_some() {
            return Err(field(
                codes::BILL_PAYMENT_OPEN,
                "tagihan nomor ini sudah dibayar atau sedang diproses hari ini",
                "this customer's bill was paid or is being paid today",
            ));
        }
        let (_, spendable) = available(&tx)?;
        if spendable < cost {
            return Err(EngineError::SaldoShort {
                available: spendable,
                needed: cost,
            });
        }
        let inquiry = &bill.inquiry;
        let id = OrderId::from_uuid(self.new_uuid())
            .map_err(|e| EngineError::Corrupt(format!("new order id: {e}")))?;
        let request = CreateOrder {
            id,
            sku: None,
            target: None,
            inquiry_id: Some(inquiry.inquiry_id),
            // Exactly the bill's total: the server refuses anything else.
            max_price_idr: cost,
        };
        let order = commit_order(
            &tx,
            &NewLocalOrder {
                request,
                sku: inquiry.sku.as_str(),
                product_name: &inquiry.product_name,
                category: Category::Bill.code(),
                brand: inquiry.kind.code(),
                target: &inquiry.customer_no,
                price,
                cost,
                cash,
                cashier_id,
                cashier_name,
                day: &day,
                at: now,
                inquiry_id: Some(inquiry_id),
            },
        )?;
        tx.commit()?;
        drop(conn);
        self.order_queued(true);
        Ok(order)
    }
}
