//! What a supplier sends on its own: a webhook whose body can be trusted once its signature
//! is checked (Digiflazz), and a callback that only wakes the order up so that the supplier's
//! status answer decides (IAK). Both end in the same [`apply`] as the workers' answers.

use super::*;

/// The attempt a supplier's webhook or callback names, as it stands now, with its order; the
/// webhook is kept in the audit trail either way. `None` when the ref_id is not one of our
/// attempts at this supplier.
async fn hooked<S: Store + Clone + 'static>(
    app: &App<S>,
    supplier: &str,
    ref_id: &str,
    said: &str,
    call: &Call,
) -> StoreResult<Option<(StoredOrder, Attempt)>> {
    let now = app.clock.now();
    let attempt = app
        .store
        .attempt_by_ref(ref_id)
        .await?
        .filter(|a| a.supplier == supplier);
    let order_id = attempt.as_ref().map(|a| a.order_id);
    log_call(
        &app.store,
        &audit_row(order_id, Some(ref_id), supplier, call, said, now),
    )
    .await;
    let Some(attempt) = attempt else {
        return Ok(None);
    };
    let Some((stored, attempts)) = app.store.fulfilment(attempt.order_id).await? else {
        return Ok(None);
    };
    let current = attempts
        .into_iter()
        .find(|a| a.n == attempt.n)
        .unwrap_or(attempt);
    Ok(Some((stored, current)))
}

fn is_pln(catalogue: &crate::pricing::Snapshot, stored: &StoredOrder) -> bool {
    catalogue
        .entry(stored.order.sku.as_str())
        .is_some_and(|e| e.product.category == Category::Pln)
}

/// Runs a webhook's outcome for `ref_id`; `false` when the ref_id is not ours.
pub async fn webhook<S: Store + Clone + 'static>(
    app: &App<S>,
    supplier: &str,
    ref_id: &str,
    outcome: &Outcome,
    call: &Call,
) -> StoreResult<bool> {
    let Some((stored, current)) = hooked(app, supplier, ref_id, outcome.class(), call).await?
    else {
        return Ok(false);
    };
    let late_failure =
        current.state == AttemptState::Success && !matches!(outcome, Outcome::Refunded { .. });
    if late_failure || (!current.state.is_open() && current.state != AttemptState::Success) {
        tracing::info!(
            ref_id,
            outcome = outcome.class(),
            "a late or repeated webhook changes nothing"
        );
        return Ok(true);
    }
    let catalogue = app.catalogue.get(&app.store).await?;
    let now = app.clock.now();
    let pln = is_pln(&catalogue, &stored);
    let changed = apply(app, &stored, &current, outcome, pln, now).await?;
    tracing::info!(order_id = %current.order_id, ref_id, outcome = outcome.class(), applied = changed.is_some(), "webhook");
    Ok(true)
}

/// The least time between a callback's status question and the last call about the same
/// ref_id: a captured callback replayed in a loop makes at most one question per this.
pub const WAKE_UP_GAP: chrono::Duration = chrono::Duration::seconds(2);

/// A callback that cannot be trusted for its content (IAK's sign covers only the ref_id, so
/// a captured one can be replayed with another status): it wakes the order up, and the
/// supplier's status answer is what counts. `false` when the ref_id is not ours.
pub async fn wake_up<S: Store + Clone + 'static>(
    app: &App<S>,
    supplier: &str,
    ref_id: &str,
    said: &str,
    call: &Call,
) -> StoreResult<bool> {
    let Some((stored, current)) = hooked(app, supplier, ref_id, said, call).await? else {
        return Ok(false);
    };
    let now = app.clock.now();
    if !current.state.is_open() || stored.order.status.is_settled() {
        tracing::info!(ref_id, "a callback for a closed attempt changes nothing");
        return Ok(true);
    }
    if now - current.last_call_at < WAKE_UP_GAP {
        tracing::info!(
            ref_id,
            "a callback right after the last call: not asked again yet"
        );
        return Ok(true);
    }
    let catalogue = app.catalogue.get(&app.store).await?;
    let Some(entry) = catalogue.entry(stored.order.sku.as_str()) else {
        return Ok(true);
    };
    let Some(customer_no) = customer_no(
        &stored.order,
        entry.product.input,
        app.suppliers.format(supplier),
    ) else {
        return Ok(true);
    };
    let purchase = purchase(&stored, &current, customer_no);
    let (outcome, asked) = app.suppliers.status(supplier, &purchase).await;
    let at = app.clock.now();
    log_call(
        &app.store,
        &audit_row(
            Some(current.order_id),
            Some(ref_id),
            supplier,
            &asked,
            outcome.class(),
            at,
        ),
    )
    .await;
    let pln = is_pln(&catalogue, &stored);
    let changed = apply(app, &stored, &current, &outcome, pln, at).await?;
    tracing::info!(order_id = %current.order_id, ref_id, said, outcome = outcome.class(),
        applied = changed.is_some(), "callback: asked the supplier");
    Ok(true)
}
