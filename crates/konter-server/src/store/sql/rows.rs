//! Stored rows back into domain values; a row that does not read is `Corrupt`, naming
//! what did not.

use konter_domain::api::v1::{BillInquiry, Deposit, Failure, Order};
use konter_domain::catalogue::Sku;
use konter_domain::money::Rupiah;

use super::dialect::Row;
use super::{corrupt, from_ms, parse_id};
use crate::store::{
    Attempt, AttemptState, Refusal, Shop, StoreError, StoreResult, StoredDeposit, StoredInquiry,
    StoredOrder,
};

pub(super) fn shop(row: &Row) -> StoreResult<Shop> {
    let tier: String = row.try_get("tier")?;
    Ok(Shop {
        id: parse_id("shop id", &row.try_get::<String, _>("id")?)?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        tier: tier.parse().map_err(|_| corrupt("tier", &tier))?,
    })
}

pub(super) fn order(row: &Row) -> StoreResult<StoredOrder> {
    let status: String = row.try_get("status")?;
    let failure = match (
        row.try_get::<Option<String>, _>("failure_code")?,
        row.try_get::<Option<String>, _>("failure_message")?,
    ) {
        (Some(code), Some(message)) => Some(Failure { code, message }),
        _ => None,
    };
    let sku: String = row.try_get("sku")?;
    let inquiry_id = row
        .try_get::<Option<String>, _>("inquiry_id")?
        .map(|id| parse_id("inquiry id", &id))
        .transpose()?;
    Ok(StoredOrder {
        shop_id: parse_id("shop id", &row.try_get::<String, _>("shop_id")?)?,
        request_hash: row.try_get("request_hash")?,
        cost: Rupiah::from_idr(row.try_get("cost_idr")?),
        inquiry_id,
        order: Order {
            id: parse_id("order id", &row.try_get::<String, _>("id")?)?,
            sku: Sku::parse(&sku).map_err(|_| corrupt("sku", &sku))?,
            target: row.try_get("target")?,
            status: status.parse().map_err(|_| corrupt("status", &status))?,
            price_idr: Rupiah::from_idr(row.try_get("price_idr")?),
            sn: row.try_get("sn")?,
            pln_token: row.try_get("pln_token")?,
            failure,
            created_at: from_ms(row.try_get("created_at")?)?,
            updated_at: from_ms(row.try_get("updated_at")?)?,
        },
    })
}

pub(super) fn inquiry(row: &Row) -> StoreResult<StoredInquiry> {
    let json: String = row.try_get("bill")?;
    let mut inquiry: BillInquiry = serde_json::from_str(&json)
        .map_err(|e| StoreError::Corrupt(format!("bill inquiry: {e}")))?;
    // The columns are the truth for what decides a payment.
    inquiry.expires_at = from_ms(row.try_get("expires_at")?)?;
    inquiry.order_id = row
        .try_get::<Option<String>, _>("order_id")?
        .map(|id| parse_id("order id", &id))
        .transpose()?;
    Ok(StoredInquiry {
        shop_id: parse_id("shop id", &row.try_get::<String, _>("shop_id")?)?,
        device_id: parse_id("device id", &row.try_get::<String, _>("device_id")?)?,
        request_hash: row.try_get("request_hash")?,
        supplier: row.try_get("supplier")?,
        supplier_sku: row.try_get("supplier_sku")?,
        ref_id: row.try_get("ref_id")?,
        cost: Rupiah::from_idr(row.try_get("cost_idr")?),
        inquiry,
    })
}

pub(super) fn deposit(row: &Row) -> StoreResult<StoredDeposit> {
    let method: String = row.try_get("method")?;
    let status: String = row.try_get("status")?;
    Ok(StoredDeposit {
        shop_id: parse_id("shop id", &row.try_get::<String, _>("shop_id")?)?,
        request_hash: row.try_get("request_hash")?,
        gateway_order_id: row.try_get("gateway_order_id")?,
        deposit: Deposit {
            id: parse_id("deposit id", &row.try_get::<String, _>("id")?)?,
            amount_idr: Rupiah::from_idr(row.try_get("amount_idr")?),
            method: serde_json::from_value(serde_json::Value::String(method.clone()))
                .map_err(|_| corrupt("deposit method", &method))?,
            status: serde_json::from_value(serde_json::Value::String(status.clone()))
                .map_err(|_| corrupt("deposit status", &status))?,
            bank: row.try_get("bank")?,
            va_number: row.try_get("va_number")?,
            qr_string: row.try_get("qr_string")?,
            expires_at: row
                .try_get::<Option<i64>, _>("expires_at")?
                .map(from_ms)
                .transpose()?,
            created_at: from_ms(row.try_get("created_at")?)?,
        },
    })
}

pub(super) fn refusal(row: &Row) -> StoreResult<Refusal> {
    let status: i64 = row.try_get("status")?;
    Ok(Refusal {
        id: parse_id("order id", &row.try_get::<String, _>("id")?)?,
        shop_id: parse_id("shop id", &row.try_get::<String, _>("shop_id")?)?,
        request_hash: row.try_get("request_hash")?,
        status: u16::try_from(status).map_err(|_| corrupt("refusal status", status))?,
        body: row.try_get("body")?,
        at: from_ms(row.try_get("created_at")?)?,
    })
}

pub(super) fn attempt(row: &Row) -> StoreResult<Attempt> {
    let state: String = row.try_get("state")?;
    Ok(Attempt {
        order_id: parse_id("order id", &row.try_get::<String, _>("order_id")?)?,
        n: row.try_get("n")?,
        supplier: row.try_get("supplier")?,
        supplier_sku: row.try_get("supplier_sku")?,
        ref_id: row.try_get("ref_id")?,
        state: AttemptState::parse(&state).ok_or_else(|| corrupt("attempt state", &state))?,
        cost: Rupiah::from_idr(row.try_get("cost_idr")?),
        code: row.try_get("code")?,
        message: row.try_get("message")?,
        sn: row.try_get("sn")?,
        last_call_at: from_ms(row.try_get("last_call_at")?)?,
        created_at: from_ms(row.try_get("created_at")?)?,
    })
}
