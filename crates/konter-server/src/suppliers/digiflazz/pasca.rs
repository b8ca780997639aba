//! Digiflazz's postpaid answers (docs/suppliers.md, "Digiflazz: postpaid bills"): the bill
//! an `inq-pasca` finds, read from its `desc` and `detail`, with the amounts that may come as
//! numbers or numeric strings.

use konter_domain::bill::{Bill, BillPeriod};
use konter_domain::money::Rupiah;
use serde_json::Value;

use super::super::BillAnswer;

/// A whole number of rupiah that a supplier typed as a number or a numeric string.
fn idr_field(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// An optional amount: absent (or empty) is zero, present but unreadable is an error — a
/// `"2.500"` read as nothing would print a bill that does not add up.
fn idr_or_zero(v: &Value, name: &str) -> Result<i64, String> {
    match v {
        Value::Null => Ok(0),
        Value::String(s) if s.trim().is_empty() => Ok(0),
        other => idr_field(other).ok_or_else(|| format!("{name} is not an amount: {other}")),
    }
}

fn text_field(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads an inquiry answer's bill (docs/suppliers.md, "Digiflazz: postpaid bills"): the
/// `desc.detail` rows (amounts as strings) when present, else one period from the top-level
/// `periode`, `selling_price` and `admin`. The lines must add up to the `selling_price` and
/// cover the `price` we are charged, or the bill is refused: a receipt that does not add up,
/// or a bill paid at a loss, is worse than none.
pub fn parse_bill(d: &Value) -> Result<BillAnswer, String> {
    let desc = &d["desc"];
    let rows = desc["detail"].as_array().cloned().unwrap_or_default();
    // Detail rows that itemise amounts (PLN's do); others (some products list only the
    // months) leave the amounts to the top level.
    let itemised = !rows.is_empty() && rows.iter().all(|r| !r["nilai_tagihan"].is_null());
    let periods = if itemised {
        rows.iter()
            .map(|r| {
                Ok(BillPeriod {
                    period: text_field(&r["periode"]).unwrap_or_default(),
                    amount_idr: Rupiah::from_idr(idr_or_zero(
                        &r["nilai_tagihan"],
                        "nilai_tagihan",
                    )?),
                    admin_idr: Rupiah::from_idr(idr_or_zero(&r["admin"], "admin")?),
                    penalty_idr: Rupiah::from_idr(idr_or_zero(&r["denda"], "denda")?),
                    meter_start: text_field(&r["meter_awal"]),
                    meter_end: text_field(&r["meter_akhir"]),
                })
            })
            .collect::<Result<Vec<_>, String>>()?
    } else {
        let selling =
            idr_field(&d["selling_price"]).ok_or("no selling_price and no itemised detail")?;
        let admin = idr_or_zero(&d["admin"], "admin")?;
        let amount = selling
            .checked_sub(admin)
            .ok_or("selling_price minus admin is out of range")?;
        let months: Vec<String> = rows
            .iter()
            .filter_map(|r| text_field(&r["periode"]))
            .collect();
        vec![BillPeriod {
            period: if months.is_empty() {
                text_field(&d["periode"]).unwrap_or_default()
            } else {
                months.join(", ")
            },
            amount_idr: Rupiah::from_idr(amount),
            admin_idr: Rupiah::from_idr(admin),
            penalty_idr: Rupiah::ZERO,
            meter_start: None,
            meter_end: None,
        }]
    };
    let power = text_field(&desc["daya"]).map(|d| {
        if d.chars().all(|c| c.is_ascii_digit()) {
            format!("{d} VA")
        } else {
            d
        }
    });
    let bill = Bill::from_periods(
        text_field(&d["customer_name"]).unwrap_or_default(),
        text_field(&desc["tarif"]),
        power,
        periods,
    )
    .map_err(|e| e.to_string())?;
    if let Some(selling) = idr_field(&d["selling_price"])
        && selling != bill.total_idr.idr()
    {
        return Err(format!(
            "the bill's lines add up to {} but its selling_price is {selling}",
            bill.total_idr.idr()
        ));
    }
    let cost = idr_field(&d["price"])
        .filter(|p| *p > 0)
        .ok_or("no price")?;
    if cost > bill.total_idr.idr() {
        return Err(format!(
            "the supplier charges {cost} for a bill of {}",
            bill.total_idr.idr()
        ));
    }
    Ok(BillAnswer {
        bill,
        cost: Rupiah::from_idr(cost),
    })
}
