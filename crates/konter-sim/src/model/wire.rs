//! The suppliers' answers and webhook bodies as the models write them, in the shapes
//! docs/suppliers.md gives for Digiflazz and IAK.

use serde_json::{Value, json};

use super::{Fate, Supplier, Txn, TxnState};

pub(super) fn fail_rc(supplier: Supplier, fate: Fate) -> &'static str {
    match (supplier, fate) {
        (Supplier::Digiflazz, Fate::Down) => "55",
        (Supplier::Digiflazz, _) => "02",
        (Supplier::Iak, Fate::Down) => "106",
        (Supplier::Iak, _) => "07",
    }
}

pub(super) fn status_word(supplier: Supplier, state: &str) -> Value {
    match (supplier, state) {
        (Supplier::Digiflazz, "success") => json!("Sukses"),
        (Supplier::Digiflazz, "pending") => json!("Pending"),
        (Supplier::Digiflazz, _) => json!("Gagal"),
        (Supplier::Iak, "success") => json!(1),
        (Supplier::Iak, "pending") => json!(0),
        (Supplier::Iak, _) => json!(2),
    }
}

pub(super) fn is_success(d: &Value) -> bool {
    d["status"] == json!("Sukses") || d["status"] == json!(1)
}

pub(super) fn refusal(supplier: Supplier, rc: &str, ref_id: &str) -> String {
    json!({"data": {"ref_id": ref_id, "status": status_word(supplier, "failed"), "rc": rc,
        "message": "ditolak (simulasi)", "price": 0}})
    .to_string()
}

/// A transaction as an answer (or, `as_hook`, as its webhook body, IAK's with string values).
pub(super) fn answer_body(txn: &Txn, as_hook: bool) -> Value {
    let (state, rc, sn) = match &txn.state {
        TxnState::Pending { .. } => (
            "pending",
            if txn.supplier == Supplier::Iak {
                "39"
            } else {
                "03"
            },
            String::new(),
        ),
        TxnState::Success { sn } => ("success", "00", sn.clone()),
        TxnState::Failed { rc } => ("failed", *rc, String::new()),
        TxnState::Refunded => ("failed", "74", String::new()),
    };
    let mut d = json!({
        "ref_id": txn.ref_id,
        "status": status_word(txn.supplier, state),
        "rc": rc,
        "message": state,
        "sn": sn,
        "price": txn.price,
    });
    if txn.supplier == Supplier::Digiflazz {
        d["customer_no"] = json!(txn.customer_no);
    } else {
        d["customer_id"] = json!(txn.customer_no);
        if as_hook {
            for k in ["status", "price"] {
                d[k] = json!(d[k].to_string().trim_matches('"'));
            }
        }
    }
    json!({ "data": d })
}
