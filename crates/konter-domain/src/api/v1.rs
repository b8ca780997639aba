//! Version 1 of the device <-> server API (`/v1/...`). Every amount is whole rupiah as a
//! JSON integer (`*_idr`); every time is RFC 3339 UTC.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::bill::{Bill, BillKind};
use crate::catalogue::{CutOff, Product, Sku};
use crate::game::Game;
use crate::ids::{DepositId, DeviceId, InquiryId, OrderId, ShopId};
use crate::money::Rupiah;
use crate::order::OrderStatus;

/// Most orders one `POST /v1/orders/batch` may carry. A device's outbox drains in pages of
/// this size: big enough that a day offline (a few hundred sales) drains in a few requests,
/// small enough that one request stays well under the body limit and one transaction.
pub const MAX_BATCH_ORDERS: usize = 100;

/// Most changes one `GET /v1/changes` returns.
pub const MAX_CHANGES_LIMIT: u32 = 500;

/// Longest long-poll a device may ask for. Kept under common proxy idle timeouts (60 s).
pub const MAX_WAIT_S: u32 = 30;

/// An error answer: `{"code": "...", "message": "...", "field": "..."}` with a 4xx or 5xx
/// status. `message` is Bahasa Indonesia first, then English after ` / `.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    /// An error about a field, built from a domain error.
    pub fn from_field_error(e: &dyn crate::FieldError) -> ApiError {
        ApiError {
            code: e.code().into(),
            message: format!("{} / {}", e.message_id(), e.message_en()),
            field: Some(e.field().to_owned()),
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairRequest {
    pub pairing_code: String,
    pub device_name: String,
}

/// The token is shown exactly once, here; the server keeps only its hash.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairResponse {
    pub device_id: DeviceId,
    pub shop_id: ShopId,
    pub shop_name: String,
    pub token: String,
}

impl std::fmt::Debug for PairResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PairResponse")
            .field("device_id", &self.device_id)
            .field("shop_id", &self.shop_id)
            .field("shop_name", &self.shop_name)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// One product with the price this shop pays for it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogItem {
    #[serde(flatten)]
    pub product: Product,
    /// What the shop's saldo is charged.
    pub price_idr: Rupiah,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut_off: Option<CutOff>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub items: Vec<CatalogItem>,
    /// When these prices were read; the device shows "harga per …".
    pub as_of: DateTime<Utc>,
}

/// `POST /v1/orders`. A prepaid order names `sku` and `target`; a bill payment names the
/// `inquiry_id` it pays.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateOrder {
    /// Minted by the device (UUIDv7) before the first send: the idempotency key.
    pub id: OrderId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<Sku>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inquiry_id: Option<InquiryId>,
    /// The most the shop agreed to pay; a higher current price is refused, not charged.
    pub max_price_idr: Rupiah,
}

/// Why an order failed, in words for the cashier.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Failure {
    pub code: String,
    pub message: String,
}

/// An order as the server knows it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    pub sku: Sku,
    pub target: String,
    pub status: OrderStatus,
    pub price_idr: Rupiah,
    /// The supplier's serial number, once delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sn: Option<String>,
    /// For PLN tokens: the token in 4-digit groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pln_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchOrders {
    pub orders: Vec<CreateOrder>,
}

/// One order's outcome in a batch: exactly one of `order` and `error`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResult {
    pub id: OrderId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Order>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ApiError>,
    /// The HTTP status this order alone would have had.
    pub status: u16,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchOrdersResult {
    pub results: Vec<BatchResult>,
}

/// The shop's deposit balance.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saldo {
    /// Posted balance.
    pub balance_idr: Rupiah,
    /// Held for orders in flight.
    pub held_idr: Rupiah,
    /// What new orders can use: balance − held.
    pub available_idr: Rupiah,
}

/// Why a saldo moved.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SaldoReason {
    /// An order's price was held.
    Hold,
    /// A hold was charged (the order succeeded).
    Charge,
    /// A hold was released (the order failed).
    Release,
    /// A delivered order was refunded by the supplier.
    Refund,
    /// A deposit was credited (gateway or manual).
    Deposit,
    /// A correction by the operator.
    Adjustment,
}

/// One saldo movement, with the balance after it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaldoMovement {
    pub reason: SaldoReason,
    /// Signed change of the available saldo.
    pub amount_idr: Rupiah,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<OrderId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_id: Option<DepositId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub saldo: Saldo,
}

/// What changed.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChangeKind {
    Order {
        order: Order,
    },
    Saldo {
        movement: SaldoMovement,
    },
    Catalog {
        item: CatalogItem,
    },
    Deposit {
        deposit: Deposit,
    },
    /// The shop-wide settings changed (docs/owners.md): every counter applies them whole.
    Settings {
        #[cfg_attr(
            feature = "schema",
            schemars(schema_with = "crate::shop::settings_schema")
        )]
        settings: crate::shop::ShopSettings,
    },
}

/// One entry of a shop's change feed. `seq` is strictly increasing per shop, in commit
/// order, so a reader that stores the last `seq` it applied never skips a change.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub seq: i64,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub kind: ChangeKind,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    pub changes: Vec<Change>,
    /// The cursor to send as `after` next time (the last `seq` here, or the `after` asked
    /// for when nothing changed).
    pub last_seq: i64,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepositMethod {
    /// A bank virtual account number to transfer to.
    Va,
    /// A QRIS code to scan with any bank or wallet app.
    Qris,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DepositStatus {
    Pending,
    Paid,
    Expired,
    Cancelled,
    Failed,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateDeposit {
    pub id: DepositId,
    pub amount_idr: Rupiah,
    pub method: DepositMethod,
    /// For `va`: `bca`, `bni`, `bri`, `permata`, … (the gateway's bank codes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank: Option<String>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deposit {
    pub id: DepositId,
    pub amount_idr: Rupiah,
    pub method: DepositMethod,
    pub status: DepositStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub va_number: Option<String>,
    /// The QRIS payload to draw as a QR code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_string: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlnInquiryRequest {
    pub target: String,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlnInquiry {
    pub target: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub meter_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub subscriber_id: Option<String>,
    /// Tariff and power as the supplier writes it: `R1 /000001300`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub segment_power: Option<String>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GameInquiryRequest {
    pub game: Game,
    pub target: String,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameInquiry {
    pub game: Game,
    pub target: String,
    /// `None` when no supplier offers a nickname check for this game.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    pub available: bool,
}

/// `POST /v1/bills/inquiry`: look a bill up. `id` is minted by the device (UUIDv7) and makes
/// the inquiry safe to retry; the order that pays it names it as `inquiry_id`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillInquiryRequest {
    pub id: InquiryId,
    pub sku: Sku,
    pub customer_no: String,
}

/// A bill looked up at the supplier. Paying it costs the shop exactly `bill.total_idr`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BillInquiry {
    pub inquiry_id: InquiryId,
    pub sku: Sku,
    pub kind: BillKind,
    pub product_name: String,
    pub customer_no: String,
    #[serde(flatten)]
    pub bill: Bill,
    /// The bill can be paid until then (the end of the supplier's day).
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// The order that paid it, once one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub order_id: Option<OrderId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_order_refuses_unknown_fields_and_keeps_amounts_integer() {
        let id = OrderId::new();
        let json = format!(
            r#"{{"id":"{id}","sku":"tsel10","target":"081234567890","max_price_idr":10500}}"#
        );
        let order: CreateOrder = serde_json::from_str(&json).expect("valid order");
        assert_eq!(order.max_price_idr, Rupiah::from_idr(10_500));
        assert_eq!(serde_json::to_string(&order).expect("ser"), json);
        let extra = json.replace("}", r#","price_idr":1}"#);
        assert!(serde_json::from_str::<CreateOrder>(&extra).is_err());
        let float = json.replace("10500", "10500.5");
        assert!(serde_json::from_str::<CreateOrder>(&float).is_err());
    }

    #[test]
    fn changes_are_tagged_by_type() {
        let change = Change {
            seq: 7,
            at: DateTime::from_timestamp(1_700_000_000, 0).expect("ts"),
            kind: ChangeKind::Saldo {
                movement: SaldoMovement {
                    reason: SaldoReason::Deposit,
                    amount_idr: Rupiah::from_idr(50_000),
                    order_id: None,
                    deposit_id: None,
                    reference: Some("cash".into()),
                    saldo: Saldo {
                        balance_idr: Rupiah::from_idr(50_000),
                        held_idr: Rupiah::ZERO,
                        available_idr: Rupiah::from_idr(50_000),
                    },
                },
            },
        };
        let json = serde_json::to_value(&change).expect("ser");
        assert_eq!(json["type"], "saldo");
        assert_eq!(json["seq"], 7);
        assert_eq!(json["movement"]["amount_idr"], 50_000);
        let back: Change = serde_json::from_value(json).expect("de");
        assert_eq!(back, change);
    }

    #[test]
    fn pair_response_debug_hides_the_token() {
        let r = PairResponse {
            device_id: DeviceId::new(),
            shop_id: ShopId::new(),
            shop_name: "Konter Maju".into(),
            token: "secret-token-value".into(),
        };
        assert!(!format!("{r:?}").contains("secret-token-value"));
    }
}
