//! Receipts from the device store: the order as committed, the shop's receipt settings,
//! and a print queue in the store so a sale never waits on the printer.

use chrono::Utc;
use konter_domain::catalogue::Category;
use konter_domain::order::OrderStatus;
use konter_domain::target::{InputSchema, Target};
use konter_receipt::{
    CashPayment, PaperWidth, PrintCopy, PrinterAddress, Receipt, ReceiptOrder, RenderedReceipt,
    SendTimeouts, ShopProfile, ShopZone, Wanted,
};
use rusqlite::params;
use serde::Serialize;

use crate::db::{self, now_ms};
use crate::error::{EngineError, EngineResult};
use crate::orders::LocalOrder;
use crate::{Engine, catalog};
use konter_domain::codes;

/// Failed print attempts before a job is left for the cashier to retry by hand: a printer
/// that failed this often needs a person (paper, power, cable).
pub const MAX_PRINT_ATTEMPTS: i64 = 5;

/// What a print job did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrintJob {
    pub id: i64,
    pub order_id: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// The receipt's footer when the owner wrote none.
pub const DEFAULT_FOOTER: &str = "Terima kasih atas kunjungan Anda";

/// The short number on the receipt and in complaints: the shop's date and the last eight
/// hex digits of the order id (its random part), `KNT-261128-3f9a2c1b`.
pub fn reference(order: &LocalOrder, zone_hours: i32) -> String {
    let local = order.created_at + chrono::TimeDelta::hours(i64::from(zone_hours));
    let hex = order.id.as_uuid().simple().to_string();
    format!("KNT-{}-{}", local.format("%y%m%d"), &hex[hex.len() - 8..])
}

/// The receipt's product line: what was sold, in capitals, named by its kind as counters
/// print it — `PULSA TELKOMSEL 10.000`, `TOKEN LISTRIK PLN 50.000` — so a pulsa and a data
/// package of one operator never read alike.
pub fn product_line(category: Option<Category>, name: &str) -> String {
    let name = name.trim().to_uppercase();
    let (kind, drop) = match category {
        Some(Category::Pulsa) => ("PULSA", None),
        Some(Category::Data) if name.contains("DATA") => ("PAKET", None),
        Some(Category::Data) => ("PAKET DATA", None),
        Some(Category::Pln) => ("TOKEN LISTRIK", Some("TOKEN ")),
        Some(Category::Game | Category::Emoney) => ("TOP UP", None),
        Some(Category::Bill) | None => return name,
    };
    let name = drop
        .and_then(|d| name.strip_prefix(d))
        .unwrap_or(&name)
        .to_owned();
    if name.starts_with(kind) {
        name
    } else {
        format!("{kind} {name}")
    }
}

fn zone(hours: i32) -> ShopZone {
    match hours {
        8 => ShopZone::Wita,
        9 => ShopZone::Wit,
        _ => ShopZone::Wib,
    }
}

fn paper_width(columns: u16) -> EngineResult<PaperWidth> {
    match columns {
        32 => Ok(PaperWidth::Cols32),
        42 => Ok(PaperWidth::Cols42),
        48 => Ok(PaperWidth::Cols48),
        _ => Err(EngineError::input(
            codes::WIDTH,
            "lebar kertas 32, 42 atau 48 kolom",
            "the paper width is 32, 42 or 48 columns",
            "width",
        )),
    }
}

fn printer_address(text: &str) -> EngineResult<PrinterAddress> {
    text.parse().map_err(|e: konter_receipt::AddressError| {
        EngineError::input(codes::PRINTER, &e.message_id(), &e.to_string(), "printer")
    })
}

/// Sends a job off the async threads: printer I/O blocks (device files, TCP writes).
async fn send(address: PrinterAddress, bytes: Vec<u8>) -> EngineResult<()> {
    tokio::task::spawn_blocking(move || {
        konter_receipt::send(&address, &bytes, &SendTimeouts::default())
    })
    .await
    .map_err(|e| EngineError::Io(e.to_string()))?
    .map_err(|e| EngineError::Io(e.to_string()))
}

impl Engine {
    fn shop_profile(&self) -> EngineResult<(ShopProfile, i32)> {
        let conn = self.db();
        let hours = db::shop_offset(&conn)?.local_minus_utc() / 3600;
        let get = |k: &str| db::setting(&conn, k);
        let footer = get("receipt_footer")?
            .unwrap_or_else(|| DEFAULT_FOOTER.into())
            .lines()
            .map(str::to_owned)
            .collect();
        Ok((
            ShopProfile {
                // The owner's own header, else the shop's name from the server.
                name: get("receipt_header")?
                    .filter(|h| !h.trim().is_empty())
                    .or(get("shop_name")?)
                    .unwrap_or_else(|| "KONTER".into()),
                address: get("shop_address")?,
                phone: get("shop_phone")?,
                logo: None,
                zone: zone(hours),
                footer,
                show_cash_block: get("receipt_cash_block")?.as_deref() != Some("false"),
                kick_drawer: get("kick_drawer")?.as_deref() == Some("true"),
            },
            hours,
        ))
    }

    /// The receipt an order may get now, rendered for a paper width; `None` when nothing
    /// may be printed (a failed order without a refund slip asked for).
    pub fn receipt(
        &self,
        order_id: &str,
        columns: u16,
        copy: bool,
        refund_slip: bool,
    ) -> EngineResult<Option<RenderedReceipt>> {
        let order = self.order(order_id)?.ok_or_else(|| {
            EngineError::input(
                codes::UNKNOWN_ORDER,
                "pesanan tidak ditemukan",
                "no such order",
                "order_id",
            )
        })?;
        let (shop, hours) = self.shop_profile()?;
        // A bill knows its kind; a product gone from the catalogue still prints as a phone
        // number, the commonest target.
        let item = catalog::item(&self.db(), &order.sku)?;
        let (schema, category) = match &order.bill {
            Some(b) => (
                InputSchema::Bill {
                    bill: b.inquiry.kind,
                },
                Some(Category::Bill),
            ),
            None => item.as_ref().map_or((InputSchema::Phone, None), |i| {
                (i.product.input, Some(i.product.category))
            }),
        };
        let target =
            Target::parse(schema, &order.target, None).map_err(|e| EngineError::from_field(&e))?;
        let receipt_order = ReceiptOrder {
            reference: reference(&order, hours),
            status: order.status,
            product_name: product_line(category, &order.product_name),
            target,
            sn: order.sn.clone(),
            price: order.price_idr,
            cash: Some(CashPayment {
                received: order.cash_idr,
                change: order.change_idr,
            }),
            cashier: order.cashier_name.clone(),
            ordered_at: order.created_at,
            bill: order.bill.as_ref().map(|b| konter_receipt::ReceiptBill {
                bill: b.inquiry.bill.clone(),
                shop_fee: b.shop_fee_idr,
            }),
        };
        let wanted = if refund_slip {
            Wanted::RefundSlip
        } else {
            Wanted::Receipt
        };
        let copy = if copy {
            PrintCopy::Reprint {
                printed_at: Utc::now(),
            }
        } else {
            PrintCopy::Original
        };
        let receipt = Receipt::for_order(&shop, &receipt_order, wanted, copy).map_err(|e| {
            EngineError::input(codes::RECEIPT, &e.to_string(), &e.to_string(), "order_id")
        })?;
        receipt
            .map(|r| {
                konter_receipt::render(&r, paper_width(columns)?)
                    .map_err(|e| EngineError::Io(e.to_string()))
            })
            .transpose()
    }

    /// Prints at once to `printer` (`tcp:HOST:PORT`, `file:PATH`, `usb:/dev/usb/lp0`,
    /// `serial:/dev/ttyUSB0`). Runs the blocking send off the async threads.
    pub async fn print_now(
        &self,
        order_id: &str,
        printer: &str,
        columns: u16,
        copy: bool,
    ) -> EngineResult<RenderedReceipt> {
        let address = printer_address(printer)?;
        let rendered = self
            .receipt(order_id, columns, copy, false)?
            .ok_or_else(|| {
                EngineError::input(
                    codes::NOTHING_TO_PRINT,
                    "pesanan gagal tidak mendapat struk; cetak slip pengembalian bila perlu",
                    "a failed order gets no receipt; print a refund slip if needed",
                    "order_id",
                )
            })?;
        send(address, rendered.bytes.clone()).await?;
        Ok(rendered)
    }

    /// A test page from the settings screen: the shop header and a sample line at the
    /// configured width, through the same path as a receipt. It is marked as a test so it
    /// cannot pass for a sale.
    pub async fn test_print(&self, printer: &str, columns: u16) -> EngineResult<RenderedReceipt> {
        let address = printer_address(printer)?;
        let (shop, _) = self.shop_profile()?;
        let order = ReceiptOrder {
            reference: "TES-PRINTER".into(),
            status: OrderStatus::Pending,
            product_name: "TES PRINTER - BUKAN TRANSAKSI".into(),
            target: Target::Phone(
                "081200000000"
                    .parse()
                    .map_err(|e| EngineError::from_field(&e))?,
            ),
            sn: None,
            price: konter_domain::money::Rupiah::ZERO,
            cash: None,
            cashier: "-".into(),
            ordered_at: Utc::now(),
            bill: None,
        };
        // A pending slip: the one kind that never claims anything was delivered.
        let receipt = Receipt::for_order(&shop, &order, Wanted::Receipt, PrintCopy::Original)
            .map_err(|e| EngineError::Io(e.to_string()))?
            .ok_or_else(|| EngineError::Corrupt("a pending slip is always printable".into()))?;
        let rendered = konter_receipt::render(&receipt, paper_width(columns)?)
            .map_err(|e| EngineError::Io(e.to_string()))?;
        send(address, rendered.bytes.clone()).await?;
        Ok(rendered)
    }

    /// Queues a receipt; the queue prints it when the printer answers. Never blocks a sale.
    pub fn enqueue_print(&self, order_id: &str) -> EngineResult<i64> {
        let conn = self.db();
        conn.execute(
            "INSERT INTO print_jobs (order_id, kind, status, created_at, updated_at) VALUES (?1, 'receipt', 'queued', ?2, ?2)",
            params![order_id, now_ms()],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Prints every queued job to the configured printer; failures stay queued (up to
    /// [`MAX_PRINT_ATTEMPTS`]). Returns the jobs it touched.
    pub async fn run_print_queue(&self) -> EngineResult<Vec<PrintJob>> {
        let (printer, width) = {
            let conn = self.db();
            (
                db::setting(&conn, "printer")?,
                db::setting(&conn, "printer_width")?
                    .and_then(|w| w.parse().ok())
                    .unwrap_or(32u16),
            )
        };
        let Some(printer) = printer else {
            return Ok(Vec::new());
        };
        let jobs: Vec<(i64, String)> = {
            let conn = self.db();
            let mut stmt = conn.prepare("SELECT id, order_id FROM print_jobs WHERE status = 'queued' AND attempts < ?1 ORDER BY id")?;
            let rows = stmt.query_map([MAX_PRINT_ATTEMPTS], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut done = Vec::new();
        for (id, order_id) in jobs {
            let result = self.print_now(&order_id, &printer, width, false).await;
            let conn = self.db();
            let (status, error) = match &result {
                Ok(_) => ("done", None),
                Err(e) => ("queued", Some(e.to_string())),
            };
            conn.execute(
                "UPDATE print_jobs SET status = ?2, attempts = attempts + 1, last_error = ?3, updated_at = ?4 WHERE id = ?1",
                params![id, status, error, now_ms()],
            )?;
            let attempts: i64 =
                conn.query_row("SELECT attempts FROM print_jobs WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
            let job = PrintJob {
                id,
                order_id,
                status: status.into(),
                attempts,
                last_error: error,
            };
            // Nobody listening (the CLI) is fine.
            let _ = self.print_sender().send(job.clone());
            done.push(job);
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_product_line_names_the_kind_of_sale() {
        let cases = [
            (
                Some(Category::Pulsa),
                "Telkomsel 10.000",
                "PULSA TELKOMSEL 10.000",
            ),
            (
                Some(Category::Pln),
                "Token PLN 50.000",
                "TOKEN LISTRIK PLN 50.000",
            ),
            (
                Some(Category::Pln),
                "PLN 20.000",
                "TOKEN LISTRIK PLN 20.000",
            ),
            (
                Some(Category::Data),
                "Indosat Data 10GB 30 Hari",
                "PAKET INDOSAT DATA 10GB 30 HARI",
            ),
            (
                Some(Category::Data),
                "XL Combo 6GB",
                "PAKET DATA XL COMBO 6GB",
            ),
            (Some(Category::Emoney), "DANA 50.000", "TOP UP DANA 50.000"),
            (
                Some(Category::Game),
                "Top Up ML 86 Diamond",
                "TOP UP ML 86 DIAMOND",
            ),
            (Some(Category::Bill), "PLN Pascabayar", "PLN PASCABAYAR"),
            (None, "Telkomsel 10.000", "TELKOMSEL 10.000"),
        ];
        for (category, name, line) in cases {
            assert_eq!(product_line(category, name), line, "{name}");
        }
    }
}
