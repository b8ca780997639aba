//! What a supplier's answer does to an order — from a worker's call, a webhook or a
//! callback alike: read for plausibility first, then written once with its books; and the
//! audit-trail row of every exchange.

use super::*;

/// What a cashier reads when an order fails, by why.
pub(super) fn failure_text(outcome: &Outcome) -> (&'static str, String) {
    match outcome {
        Outcome::FailedFinal { code, message } => {
            // The customer's number is wrong: Digiflazz 52/54/57, IAK 14/16/203.
            let wrong_number = matches!(
                code.as_str(),
                "52" | "54" | "57" | "14" | "16" | "203" | "141" | "142"
            );
            if wrong_number {
                (
                    "wrong_number",
                    format!("Nomor tujuan salah / wrong destination number ({message})"),
                )
            } else {
                (
                    "supplier_failed",
                    format!("Transaksi gagal di pemasok / failed at the supplier ({message})"),
                )
            }
        }
        Outcome::Refunded { message, .. } => (
            "refunded",
            format!("Transaksi dibatalkan pemasok / reversed by the supplier ({message})"),
        ),
        _ => (
            "unavailable",
            "Produk sedang gangguan di semua pemasok; saldo dikembalikan / product unavailable at every supplier; saldo returned".into(),
        ),
    }
}

/// The audit-trail row of one exchange; `outcome` is the class read from it.
pub fn audit_row(
    order: Option<OrderId>,
    ref_id: Option<&str>,
    supplier: &str,
    call: &Call,
    outcome: &str,
    at: DateTime<Utc>,
) -> SupplierCall {
    SupplierCall {
        order_id: order,
        ref_id: ref_id.map(str::to_owned),
        supplier: supplier.to_owned(),
        operation: call.operation.to_owned(),
        request: call.request.to_string(),
        response: call.response.clone(),
        http_status: call.http_status.map(i64::from),
        latency_ms: i64::try_from(call.latency.as_millis()).unwrap_or(i64::MAX),
        outcome: outcome.to_owned(),
        at,
    }
}

/// Keeps a supplier exchange in the audit trail; a failure to write it is logged, never
/// allowed to stop the money path.
pub async fn log_call<S: Store>(store: &S, row: &SupplierCall) {
    if let Err(e) = store.log_call(row).await {
        tracing::warn!(error = %e, "the supplier call could not be kept in the audit trail");
    }
}

/// A success that cannot be true is read as unknown (kept open, asked again): a bill
/// reported paid without the supplier's reference may be the inquiry's own answer about a
/// ref_id never paid; a price of zero or less, or above the order's price (the most the
/// supplier was allowed to charge), would book a cost that did not happen. Every answer —
/// polled, webhook, callback — goes through here, via [`apply`].
pub(super) fn believable<S: Store>(
    app: &App<S>,
    stored: &StoredOrder,
    attempt: &Attempt,
    outcome: &Outcome,
) -> Option<Outcome> {
    let Outcome::Success { sn, cost_idr } = outcome else {
        return None;
    };
    if stored.inquiry_id.is_some() && sn.trim().is_empty() {
        return Some(Outcome::Unknown {
            reason: "a bill reported paid without a reference".into(),
        });
    }
    let limit = stored.order.price_idr.idr();
    let c = (*cost_idr).filter(|c| *c <= 0 || *c > limit)?;
    Metrics::inc(&app.metrics.supplier_answers_implausible);
    tracing::error!(order_id = %attempt.order_id, ref_id = %attempt.ref_id,
        supplier = %attempt.supplier, price = c, limit,
        "a supplier reported a success at an impossible price; kept open, asked again: an operator must check it");
    Some(Outcome::Unknown {
        reason: format!("success at an impossible price {c}"),
    })
}

/// Writes what `outcome` means for `attempt` (of `stored`), from a worker's answer or a
/// webhook. `None` when the attempt was already past this (a duplicate or late answer):
/// nothing changed.
pub async fn apply<S: Store + Clone + 'static>(
    app: &App<S>,
    stored: &StoredOrder,
    attempt: &Attempt,
    outcome: &Outcome,
    is_pln: bool,
    now: DateTime<Utc>,
) -> StoreResult<Option<Order>> {
    let doubted = believable(app, stored, attempt, outcome);
    let outcome = doubted.as_ref().unwrap_or(outcome);
    let interval = app.suppliers.status_interval(&attempt.supplier);
    let later = now + chrono::Duration::from_std(interval).unwrap_or(chrono::Duration::seconds(60));
    let mut r = AttemptResult {
        order_id: attempt.order_id,
        n: attempt.n,
        state: attempt.state,
        code: None,
        message: None,
        sn: None,
        cost: None,
        settle: None,
        order_pending: false,
        job: JobNext::At(later),
        now,
    };
    match outcome {
        Outcome::Success { sn, cost_idr } => {
            if attempt.state == AttemptState::Success {
                return Ok(None);
            }
            let cost = cost_idr.map_or(attempt.cost, Rupiah::from_idr);
            let pln_token = is_pln
                .then(|| PlnToken::from_sn(sn).ok().map(|t| t.to_string()))
                .flatten();
            r.state = AttemptState::Success;
            r.code = Some("00".into());
            r.sn = Some(sn.clone());
            r.cost = Some(cost);
            r.settle = Some(Settlement::Success {
                sn: Some(sn.clone()),
                pln_token,
                cost,
            });
            r.job = JobNext::Done;
        }
        Outcome::Pending => {
            r.state = AttemptState::Pending;
            r.order_pending = true;
        }
        Outcome::Unknown { reason } => {
            r.message = Some(reason.clone());
        }
        Outcome::NotFound { code, message } => {
            r.message = Some(format!("not found (rc {code}): {message}"));
        }
        Outcome::Refused {
            code,
            message,
            ours,
        } => {
            Metrics::inc(&app.metrics.supplier_questions_refused);
            let why = if *ours {
                "check our credentials, IP allow-list and deposit there"
            } else {
                "it answers with a product refusal that may not be about this purchase"
            };
            tracing::error!(order_id = %attempt.order_id, ref_id = %attempt.ref_id, supplier = %attempt.supplier,
                code = %code, message = %message,
                "the supplier refused our status question: the purchase stays open and is asked again; {why}");
            r.message = Some(format!("question refused (rc {code}): {message}"));
        }
        Outcome::FailedTryElsewhere { code, message }
        | Outcome::RejectedConfig { code, message } => {
            if let Outcome::RejectedConfig { .. } = outcome {
                tracing::error!(supplier = %attempt.supplier, code = %code, message = %message,
                    "the supplier refused our request: check its credentials, IP allow-list and deposit");
            }
            r.state = AttemptState::Failed;
            r.code = Some(code.clone());
            r.message = Some(message.clone());
            r.job = JobNext::At(now);
        }
        Outcome::FailedFinal { code, message } | Outcome::Refunded { code, message } => {
            let refund = matches!(outcome, Outcome::Refunded { .. })
                && attempt.state == AttemptState::Success;
            let (reason, text) = failure_text(outcome);
            r.state = AttemptState::Failed;
            r.code = Some(code.clone());
            r.message = Some(message.clone());
            r.settle = Some(if refund {
                Settlement::Refunded {
                    code: reason.into(),
                    message: text,
                }
            } else {
                Settlement::Failed {
                    code: reason.into(),
                    message: text,
                }
            });
            r.job = JobNext::Done;
        }
    }
    let order = app.store.record_attempt(&r).await?;
    if order.is_some() {
        app.feed.changed(stored.shop_id);
    }
    Ok(order)
}
