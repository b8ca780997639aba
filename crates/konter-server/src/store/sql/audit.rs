//! The books' self-check: every event balances, every account's stored totals equal its
//! entries, no saldo below zero, holds equal the pending holds.

use std::collections::BTreeMap;

use konter_domain::money::Rupiah;
use konter_ledger::{Account, Balances, Side};

use super::dialect::{Dialect, query};
use super::{SqlStore, corrupt, shops};
use crate::store::{AuditReport, StoreResult};

pub(super) async fn audit<D: Dialect>(store: &SqlStore<D>) -> StoreResult<AuditReport> {
    let mut report = AuditReport::default();
    let entries =
        query("SELECT event_id, account, side, amount_idr FROM ledger_entries ORDER BY event_id")
            .fetch_all(&mut store.read().await?)
            .await?;
    let mut balances = Balances::new();
    let mut per_event: BTreeMap<i64, i64> = BTreeMap::new();
    for r in &entries {
        let event: i64 = r.try_get(0)?;
        let key: String = r.try_get(1)?;
        let side_code: String = r.try_get(2)?;
        let amount: i64 = r.try_get(3)?;
        let account = Account::parse(&key).ok_or_else(|| corrupt("account", &key))?;
        let side = Side::from_code(&side_code).ok_or_else(|| corrupt("side", &side_code))?;
        balances.apply_entry(account, side, Rupiah::from_idr(amount));
        *per_event.entry(event).or_default() += match side {
            Side::Debit => amount,
            Side::Credit => -amount,
        };
    }
    report.events_checked = per_event.len();
    for (event, sum) in per_event {
        if sum != 0 {
            report.problems.push(format!(
                "event {event} does not balance: debits - credits = {sum}"
            ));
        }
    }
    let accounts = query("SELECT key, debits_idr, credits_idr FROM accounts ORDER BY key")
        .fetch_all(&mut store.read().await?)
        .await?;
    report.accounts_checked = accounts.len();
    for r in &accounts {
        let key: String = r.try_get(0)?;
        let stored = (r.try_get::<i64, _>(1)?, r.try_get::<i64, _>(2)?);
        let account = Account::parse(&key).ok_or_else(|| corrupt("account", &key))?;
        let derived = balances.totals(&account);
        if stored != derived {
            report.problems.push(format!(
                "account {key}: stored debits/credits {stored:?} but entries give {derived:?}"
            ));
        }
        if matches!(account, Account::ShopSaldo(_)) && stored.1 < stored.0 {
            report.problems.push(format!("account {key} is below zero"));
        }
    }
    for (account, totals) in balances.accounts() {
        if !accounts
            .iter()
            .any(|r| r.try_get::<String, _>(0).ok().as_deref() == Some(account.key().as_str()))
        {
            report.problems.push(format!(
                "entries post to {account} ({totals:?}) which has no account row"
            ));
        }
    }
    // Every shop's holds account equals the sum of its pending holds.
    let pending = query(
        "SELECT shop_id, CAST(SUM(amount_idr) AS BIGINT) FROM holds WHERE state = 'pending' GROUP BY shop_id",
    )
    .fetch_all(&mut store.read().await?)
    .await?;
    let mut pending_by_shop: BTreeMap<String, i64> = BTreeMap::new();
    for r in &pending {
        pending_by_shop.insert(r.try_get(0)?, r.try_get::<Option<i64>, _>(1)?.unwrap_or(0));
    }
    for shop in shops::shops(store).await? {
        let held = balances.balance(&Account::ShopHolds(shop.id)).idr();
        let expected = pending_by_shop
            .get(&shop.id.to_string())
            .copied()
            .unwrap_or(0);
        if held != expected {
            report.problems.push(format!(
                "shop {}: holds account {held} but pending holds sum to {expected}",
                shop.code
            ));
        }
    }
    if balances.trial_balance() != 0 {
        report.problems.push(format!(
            "trial balance is {} instead of 0",
            balances.trial_balance()
        ));
    }
    Ok(report)
}
