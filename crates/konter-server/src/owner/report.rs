//! The owner's figures over one or more outlets and a range of days, read from the sales
//! journal (docs/owners.md, "The report"). They count as each device's own report does: a
//! sale counts (omzet, modal, laba) while its order is delivered; pending and failed are
//! counted apart; a refund also shows on the day it happened.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, FixedOffset, NaiveDate, Utc};
use konter_domain::catalogue::Category;
use konter_domain::ids::{DeviceId, ShopId};
use konter_domain::journal::zone;
use konter_domain::money::Rupiah;
pub use konter_domain::report::{Day, Hour, OwnerReport, Problem, Refund, Row, Shift, Totals};

use crate::store::journal::{Grouping, ReportScope, SaleLine, Sum};
use crate::store::{Shop, Store, StoreResult};

/// The longest range one report covers.
pub const MAX_RANGE_DAYS: u64 = 92;
/// Problems (pending and failed sales) listed at most, per outlet.
const MAX_PROBLEMS: i64 = 200;

/// Counts a sum into the totals where its status says.
fn add_to(totals: &mut Totals, sum: &Sum) {
    let plus = |a: Rupiah, b: Rupiah| Rupiah::from_idr(a.idr() + b.idr());
    match sum.status.as_str() {
        "success" => {
            totals.count += sum.count;
            totals.omzet_idr = plus(totals.omzet_idr, sum.price);
            totals.modal_idr = plus(totals.modal_idr, sum.cost);
            totals.laba_idr = Rupiah::from_idr(totals.omzet_idr.idr() - totals.modal_idr.idr());
            totals.fee_idr = plus(totals.fee_idr, sum.fee);
        }
        "failed" => totals.failed_count += sum.count,
        "refunded" => {
            totals.failed_count += sum.count;
            totals.refunded_count += sum.count;
        }
        s if PENDING.contains(&s) => {
            totals.pending_count += sum.count;
            totals.pending_idr = plus(totals.pending_idr, sum.price);
        }
        _ => {}
    }
}

/// A range of days that is not one.
#[derive(Debug, PartialEq, Eq)]
pub struct RangeInvalid;

/// Checks a range: `from` ≤ `to`, at most [`MAX_RANGE_DAYS`] days.
pub fn check_range(from: NaiveDate, to: NaiveDate) -> Result<(), RangeInvalid> {
    let days = to.signed_duration_since(from).num_days();
    if days < 0 || days >= MAX_RANGE_DAYS as i64 {
        return Err(RangeInvalid);
    }
    Ok(())
}

const PENDING: [&str; 4] = ["queued", "accepted", "processing", "pending"];

/// Adds sums up by key: delivered sales into a row, keyed as given.
#[derive(Default)]
struct Fold {
    rows: BTreeMap<String, Row>,
}

impl Fold {
    fn add(&mut self, key: String, label: String, sum: &Sum) {
        if sum.status != "success" {
            return;
        }
        let row = self.rows.entry(key.clone()).or_insert_with(|| Row {
            key,
            label,
            ..Row::default()
        });
        row.count += sum.count;
        row.omzet_idr = Rupiah::from_idr(row.omzet_idr.idr() + sum.price.idr());
        row.modal_idr = Rupiah::from_idr(row.modal_idr.idr() + sum.cost.idr());
        row.laba_idr = Rupiah::from_idr(row.omzet_idr.idr() - row.modal_idr.idr());
    }

    /// The rows, largest omzet first.
    fn rows(self) -> Vec<Row> {
        let mut rows: Vec<Row> = self.rows.into_values().collect();
        rows.sort_by(|a, b| b.omzet_idr.cmp(&a.omzet_idr).then(a.key.cmp(&b.key)));
        rows
    }
}

fn category_label(code: &str) -> String {
    Category::from_code(code).map_or_else(|| code.to_owned(), |c| c.label_id().to_owned())
}

/// The shop's zone, from its shop-wide settings (WIB until they say otherwise).
pub async fn shop_zone<S: Store>(store: &S, shop: ShopId) -> StoreResult<FixedOffset> {
    let hours = store.shop_settings(shop).await?.utc_offset_h;
    Ok(zone(hours).unwrap_or_else(|| FixedOffset::east_opt(7 * 3600).expect("WIB")))
}

/// The start of `day` in the zone, in UTC.
fn start_of(day: NaiveDate, zone: FixedOffset) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(zone).single())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
}

/// The report over `shops` (each owned by the one asking) for the days `from` to `to`.
pub async fn build<S: Store>(
    store: &S,
    shops: &[Shop],
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<OwnerReport> {
    let many = shops.len() > 1;
    let mut totals = Totals::default();
    let (mut by_shop, mut by_device, mut by_cashier) =
        (Fold::default(), Fold::default(), Fold::default());
    let (mut by_category, mut by_product) = (Fold::default(), Fold::default());
    let mut hourly: BTreeMap<u32, (i64, i64)> = BTreeMap::new();
    let mut daily: BTreeMap<NaiveDate, (i64, i64, i64)> = BTreeMap::new();
    let (mut problems, mut refunds, mut shifts) = (Vec::new(), Vec::new(), Vec::new());
    for shop in shops {
        let scope = ReportScope {
            shop: shop.id,
            from,
            to,
        };
        // Refunds count on the day they happened, in the shop's zone.
        let shop_zone = shop_zone(store, shop.id).await?;
        let (range_start, range_end) = (
            start_of(from, shop_zone),
            start_of(to.checked_add_days(Days::new(1)).unwrap_or(to), shop_zone),
        );
        let (sellers, products, times) = tokio::try_join!(
            store.journal_sums(&scope, Grouping::Seller),
            store.journal_sums(&scope, Grouping::Product),
            store.journal_sums(&scope, Grouping::Time),
        )?;
        let (names, shop_problems, shop_refunds, shop_shifts) = tokio::try_join!(
            store.device_names(shop.id),
            store.journal_problems(&scope, MAX_PROBLEMS),
            store.journal_refunds(shop.id, range_start, range_end),
            store.journal_shifts(&scope),
        )?;
        let names: BTreeMap<DeviceId, String> = names.into_iter().collect();
        let device_name = |id: &DeviceId| names.get(id).cloned().unwrap_or_else(|| id.to_string());
        let device_label = |key: &str| {
            key.parse::<DeviceId>()
                .map_or_else(|_| key.to_owned(), |id| device_name(&id))
        };
        let outlet = |label: String| {
            if many {
                format!("{label} ({})", shop.name)
            } else {
                label
            }
        };
        for sum in &sellers {
            let (device, cashier) = &sum.keys;
            by_shop.add(shop.id.to_string(), shop.name.clone(), sum);
            by_device.add(device.clone(), outlet(device_label(device)), sum);
            by_cashier.add(
                format!("{}:{cashier}", shop.id),
                outlet(cashier.clone()),
                sum,
            );
            add_to(&mut totals, sum);
        }
        for sum in &products {
            let (sku, category) = &sum.keys;
            let label = sum.label.clone().unwrap_or_else(|| sku.clone());
            by_product.add(sku.clone(), label, sum);
            by_category.add(category.clone(), category_label(category), sum);
        }
        for sum in times.iter().filter(|s| s.status == "success") {
            if let Ok(day) = sum.keys.0.parse::<NaiveDate>() {
                let d = daily.entry(day).or_default();
                d.0 += sum.count;
                d.1 += sum.price.idr();
                d.2 += sum.price.idr() - sum.cost.idr();
            }
            if let Ok(hour) = sum.keys.1.parse::<u32>() {
                let h = hourly.entry(hour).or_default();
                h.0 += sum.count;
                h.1 += sum.price.idr();
            }
        }
        problems.extend(shop_problems.into_iter().map(|l| Problem {
            device: device_name(&l.device_id),
            shop: shop.name.clone(),
            cashier: l.cashier_name,
            product: l.product_name,
            target: l.target,
            price_idr: l.price,
            reason: l.reason,
            sold_at: l.sold_at,
            order_id: l.order_id,
            status: l.status,
        }));
        refunds.extend(shop_refunds.into_iter().map(|l: SaleLine| Refund {
            order_id: l.order_id,
            shop: shop.name.clone(),
            product: l.product_name,
            price_idr: l.price,
            cost_idr: l.cost,
            refunded_at: l.status_at,
        }));
        shifts.extend(shop_shifts.into_iter().map(|s| Shift {
            id: s.close.shift_id.to_string(),
            shop: shop.name.clone(),
            device: device_name(&s.device_id),
            cashier: s.close.cashier_name,
            opened_at: s.close.opened_at,
            closed_at: s.close.closed_at,
            opening_cash_idr: s.close.opening_cash_idr,
            expected_cash_idr: s.close.expected_cash_idr,
            counted_cash_idr: s.close.counted_cash_idr,
            difference_idr: s.close.difference_idr,
            closed_by: s.close.closed_by,
        }));
    }
    problems.sort_by_key(|p| std::cmp::Reverse(p.sold_at));
    refunds.sort_by_key(|r| std::cmp::Reverse(r.refunded_at));
    shifts.sort_by_key(|s| std::cmp::Reverse(s.closed_at));
    let by_category = by_category.rows();
    let bills = by_category
        .iter()
        .find(|r| r.key == Category::Bill.code())
        .cloned()
        .unwrap_or_else(|| Row {
            key: Category::Bill.code().into(),
            label: Category::Bill.label_id().into(),
            ..Row::default()
        });
    let days: Vec<Day> = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|day| {
            let (count, omzet, laba) = daily.get(&day).copied().unwrap_or_default();
            Day {
                day,
                count,
                omzet_idr: Rupiah::from_idr(omzet),
                laba_idr: Rupiah::from_idr(laba),
            }
        })
        .collect();
    Ok(OwnerReport {
        from,
        to,
        generated_at: now,
        totals,
        by_shop: by_shop.rows(),
        by_device: by_device.rows(),
        by_cashier: by_cashier.rows(),
        by_category,
        by_product: by_product.rows(),
        bills,
        hourly: (0..24)
            .map(|hour| {
                let (count, omzet) = hourly.get(&hour).copied().unwrap_or_default();
                Hour {
                    hour,
                    count,
                    omzet_idr: Rupiah::from_idr(omzet),
                }
            })
            .collect(),
        daily: days,
        problems,
        refunds,
        shifts,
    })
}

/// Every sale of the shops in the range as CSV (RFC 4180 line ends): one line a sale, local
/// times, amounts as plain integers. Laba is the sale's only while it is delivered, so the
/// column adds up to the report's laba.
pub async fn sales_csv<S: Store>(
    store: &S,
    shops: &[Shop],
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<String> {
    let mut out = String::from(
        "waktu,hari,outlet,perangkat,kasir,produk,kategori,tujuan,status,harga_idr,modal_idr,laba_idr,biaya_tagihan_idr,tunai_idr,kembalian_idr,alasan,order_id\r\n",
    );
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    for shop in shops {
        let scope = ReportScope {
            shop: shop.id,
            from,
            to,
        };
        let names: BTreeMap<DeviceId, String> =
            store.device_names(shop.id).await?.into_iter().collect();
        for l in store.journal_sales(&scope).await? {
            let local = zone(l.utc_offset_h).map_or_else(
                || l.sold_at.to_rfc3339(),
                |z| l.sold_at.with_timezone(&z).to_rfc3339(),
            );
            let device = names.get(&l.device_id).cloned().unwrap_or_default();
            out.push_str(&format!(
                "{local},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\r\n",
                l.day,
                quote(&shop.name),
                quote(&device),
                quote(&l.cashier_name),
                quote(&l.product_name),
                l.category,
                quote(l.target.as_deref().unwrap_or_default()),
                l.status,
                l.price.idr(),
                l.cost.idr(),
                if l.status == "success" {
                    l.price.idr() - l.cost.idr()
                } else {
                    0
                },
                l.fee.idr(),
                l.cash.idr(),
                l.change.idr(),
                quote(l.reason.as_deref().unwrap_or_default()),
                l.order_id,
            ));
        }
    }
    Ok(out)
}

/// The shops of `owned` a request asks for: one (by id) or all of them; `None` when the id
/// is not one of the owner's (which answers as if it did not exist).
pub fn pick(owned: Vec<Shop>, asked: Option<&str>) -> Option<Vec<Shop>> {
    match asked.filter(|a| !a.is_empty()) {
        None => Some(owned),
        Some(id) => {
            let id: ShopId = id.parse().ok()?;
            let one: Vec<Shop> = owned.into_iter().filter(|s| s.id == id).collect();
            (!one.is_empty()).then_some(one)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("day")
    }

    #[test]
    fn ranges_run_forward_and_at_most_92_days() {
        assert_eq!(check_range(day("2026-12-01"), day("2026-12-01")), Ok(()));
        assert_eq!(check_range(day("2026-09-03"), day("2026-12-03")), Ok(()));
        assert_eq!(
            check_range(day("2026-09-02"), day("2026-12-03")),
            Err(RangeInvalid)
        );
        assert_eq!(
            check_range(day("2026-12-03"), day("2026-12-02")),
            Err(RangeInvalid)
        );
    }

    #[test]
    fn a_fold_counts_delivered_sales_only() {
        let sum = |status: &str, count, price, cost| Sum {
            keys: ("tsel10".into(), "pulsa".into()),
            label: Some("Telkomsel 10.000".into()),
            status: status.into(),
            count,
            price: Rupiah::from_idr(price),
            cost: Rupiah::from_idr(cost),
            fee: Rupiah::ZERO,
        };
        let mut f = Fold::default();
        f.add("a".into(), "A".into(), &sum("success", 2, 23_000, 21_400));
        f.add("a".into(), "A".into(), &sum("pending", 1, 11_500, 10_700));
        f.add("b".into(), "B".into(), &sum("success", 1, 30_000, 29_000));
        let rows = f.rows();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].key.as_str(), rows[0].count), ("b", 1));
        assert_eq!(
            (rows[1].omzet_idr.idr(), rows[1].laba_idr.idr()),
            (23_000, 1_600)
        );
    }

    #[test]
    fn an_owner_picks_only_their_own_shops() {
        let shop = |code: &str| Shop {
            id: ShopId::new(),
            code: code.into(),
            name: code.into(),
            tier: konter_domain::catalogue::Tier::Basic,
        };
        let (a, b) = (shop("A"), shop("B"));
        let owned = vec![a.clone(), b.clone()];
        assert_eq!(pick(owned.clone(), None).map(|v| v.len()), Some(2));
        assert_eq!(
            pick(owned.clone(), Some(&a.id.to_string())),
            Some(vec![a.clone()])
        );
        assert_eq!(pick(owned.clone(), Some(&ShopId::new().to_string())), None);
        assert_eq!(pick(owned, Some("not-an-id")), None);
    }
}
