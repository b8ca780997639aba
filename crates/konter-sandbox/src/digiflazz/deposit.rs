//! Digiflazz deposit tickets (docs/suppliers.md, "Digiflazz: balance and deposit tickets"):
//! `POST /deposit` opens one (the amount to transfer, with unique digits added, and the
//! remark), and `POST /_sandbox/digiflazz/deposits/{notes}/pay` is the transfer arriving,
//! which credits the ticket's exact amount once.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{Rejection, authenticate, fields, payload_error, reject, short_rejection, text};
use crate::ledger::{MAX_TICKETS, Ticket};
use crate::lifecycle::{self, Reply};
use crate::{Api, Sandbox, rules};

/// Deposit tickets from 10,000 to a billion rupiah; outside, rc 64 (our bounds).
pub const MIN_DEPOSIT_IDR: i64 = 10_000;
pub const MAX_DEPOSIT_IDR: i64 = 1_000_000_000;
/// The company accounts a ticket may name
/// (docs/suppliers.md, "Digiflazz: balance and deposit tickets"); the account numbers are
/// made up.
const BANKS: [(&str, &str); 4] = [
    ("BCA", "0123 4567 89"),
    ("MANDIRI", "123 00 0456789 0"),
    ("BRI", "0123 01 000456 30 1"),
    ("BNI", "0123456789"),
];

pub(super) async fn deposit(State(s): State<Sandbox>, body: Bytes) -> Response {
    lifecycle::serve(&s, Api::Digiflazz, "/v1/deposit", &body, |f| {
        let run = || -> Result<Reply, Rejection> {
            let f = fields(f)?;
            let amount = f
                .get("amount")
                .and_then(Value::as_i64)
                .ok_or_else(|| payload_error("amount must be an integer"))?;
            // The doc's example writes "Bank" while its table says "bank": take both
            // (docs/suppliers.md, "Digiflazz: endpoints and signing").
            let bank = f
                .get("bank")
                .or_else(|| f.get("Bank"))
                .and_then(Value::as_str)
                .ok_or_else(|| payload_error("bank is required"))?
                .to_uppercase();
            text(f, "owner_name")?;
            let key = authenticate(&s, f, "deposit")?;
            let Some((bank, account_no)) = BANKS.iter().find(|(b, _)| *b == bank) else {
                return Err(payload_error("bank must be BCA, MANDIRI, BRI or BNI"));
            };
            if !(MIN_DEPOSIT_IDR..=MAX_DEPOSIT_IDR).contains(&amount) {
                return Err(reject(
                    "64",
                    "Tiket deposit gagal dibuat, silahkan coba nominal lain",
                ));
            }
            let mut books = s.books(Api::Digiflazz);
            if books.tickets.len() >= MAX_TICKETS {
                return Err(reject("64", "Terlalu banyak tiket deposit terbuka"));
            }
            let serial = i64::try_from(books.tickets.len()).unwrap_or(0);
            // The unique digits that tell transfers apart, 10000000 → 10000001
            // (docs/suppliers.md, "Digiflazz: balance and deposit tickets").
            let amount = amount + serial % 999 + 1;
            let notes: String = rules::digits(rules::seed(&["notes", &serial.to_string()]), 7)
                .bytes()
                .map(|d| char::from(b'A' + (d - b'0') * 2))
                .collect();
            books.tickets.insert(
                notes.clone(),
                Ticket {
                    key,
                    notes: notes.clone(),
                    bank: (*bank).to_owned(),
                    amount_idr: amount,
                    paid: false,
                },
            );
            Ok(Reply::new(
                StatusCode::OK,
                json!({"data": {"rc": "00", "bank": bank, "payment_method": "Bank Transfer",
                    "account_no": account_no, "notes": notes, "amount": amount}}),
            ))
        };
        run().unwrap_or_else(short_rejection)
    })
    .await
}

/// The transfer for a deposit ticket arrived: credit its exact amount once.
pub(super) async fn pay_ticket(
    State(s): State<Sandbox>,
    Path(notes): Path<String>,
) -> (StatusCode, Json<Value>) {
    let mut books = s.books(Api::Digiflazz);
    let Some(ticket) = books.tickets.get(&notes).cloned() else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such ticket"})),
        );
    };
    if ticket.paid {
        return (
            StatusCode::CONFLICT,
            Json(json!({"error": "the ticket is paid already"})),
        );
    }
    match books.credit(ticket.key, ticket.amount_idr) {
        Ok(balance) => {
            if let Some(t) = books.tickets.get_mut(&notes) {
                t.paid = true;
            }
            (
                StatusCode::OK,
                Json(
                    json!({"key": ticket.key, "credited_idr": ticket.amount_idr, "balance_idr": balance}),
                ),
            )
        }
        Err(e) => (StatusCode::CONFLICT, Json(json!({"error": e}))),
    }
}
