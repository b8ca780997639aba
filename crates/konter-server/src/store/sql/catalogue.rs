//! The catalogue: products, each supplier's offer of them, tier markups, and the price
//! lists suppliers publish.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveTime, Utc};
use konter_domain::catalogue::{Category, PriceRule, Product, Sku, Tier};
use konter_domain::money::Rupiah;
use konter_domain::phone::Operator;

use super::dialect::{Dialect, query};
use super::{SqlStore, corrupt, ms, parse_time, time_text};
use crate::store::{CatalogueEntry, StoreError, StoreResult, SupplierProduct};

pub(super) async fn upsert_product<D: Dialect>(
    store: &SqlStore<D>,
    p: &Product,
    cut_off: Option<(NaiveTime, NaiveTime)>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let input = serde_json::to_string(&p.input)
        .map_err(|e| StoreError::Corrupt(format!("input schema: {e}")))?;
    query(
        "INSERT INTO products (sku, name, category, brand, operator, nominal_idr, input, active, cut_off_start, cut_off_end, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (sku) DO UPDATE SET name = excluded.name, category = excluded.category, \
           brand = excluded.brand, operator = excluded.operator, nominal_idr = excluded.nominal_idr, \
           input = excluded.input, active = excluded.active, cut_off_start = excluded.cut_off_start, \
           cut_off_end = excluded.cut_off_end, updated_at = excluded.updated_at",
    )
    .bind(p.sku.as_str())
    .bind(&p.name)
    .bind(p.category.code())
    .bind(&p.brand)
    .bind(p.operator.map(|o| o.code()))
    .bind(p.nominal_idr.map(Rupiah::idr))
    .bind(input)
    .bind(p.active)
    .bind(time_text(cut_off.map(|c| c.0)))
    .bind(time_text(cut_off.map(|c| c.1)))
    .bind(ms(now))
    .execute(&mut store.writer().await?)
    .await?;
    Ok(())
}

pub(super) async fn upsert_supplier_product<D: Dialect>(
    store: &SqlStore<D>,
    o: &SupplierProduct,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    query(
        "INSERT INTO supplier_products (sku, supplier, supplier_sku, cost_idr, priority, active, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (sku, supplier) DO UPDATE SET supplier_sku = excluded.supplier_sku, \
           cost_idr = excluded.cost_idr, priority = excluded.priority, active = excluded.active, \
           updated_at = excluded.updated_at",
    )
    .bind(&o.sku)
    .bind(&o.supplier)
    .bind(&o.supplier_sku)
    .bind(o.cost.idr())
    .bind(o.priority)
    .bind(o.active)
    .bind(ms(now))
    .execute(&mut store.writer().await?)
    .await?;
    Ok(())
}

pub(super) async fn set_tier_rule<D: Dialect>(
    store: &SqlStore<D>,
    tier: Tier,
    rule: &PriceRule,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let text =
        serde_json::to_string(rule).map_err(|e| StoreError::Corrupt(format!("price rule: {e}")))?;
    query(
        "INSERT INTO tier_markups (tier, rule, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (tier) DO UPDATE SET rule = excluded.rule, updated_at = excluded.updated_at",
    )
    .bind(tier.code())
    .bind(text)
    .bind(ms(now))
    .execute(&mut store.writer().await?)
    .await?;
    Ok(())
}

pub(super) async fn apply_price_list<D: Dialect>(
    store: &SqlStore<D>,
    supplier: &str,
    items: &[crate::suppliers::PriceItem],
    now: DateTime<Utc>,
) -> StoreResult<Vec<String>> {
    let listed: BTreeMap<&str, &crate::suppliers::PriceItem> =
        items.iter().map(|i| (i.supplier_sku.as_str(), i)).collect();
    let mut tx = store.write(None).await?;
    // Bills are priced per inquiry; the prepaid list says nothing about them.
    let rows = query(
        "SELECT sku, supplier_sku, cost_idr, active FROM supplier_products WHERE supplier = $1 \
         AND sku NOT IN (SELECT sku FROM products WHERE category = 'bill')",
    )
    .bind(supplier)
    .fetch_all(&mut tx)
    .await?;
    let mut changed = Vec::new();
    for row in rows {
        let sku: String = row.try_get("sku")?;
        let supplier_sku: String = row.try_get("supplier_sku")?;
        let cost: i64 = row.try_get("cost_idr")?;
        let active: bool = row.try_get("active")?;
        let (new_cost, new_active) = match listed.get(supplier_sku.as_str()) {
            Some(item) => (item.cost.idr(), item.active),
            None => (cost, false),
        };
        if (new_cost, new_active) == (cost, active) {
            continue;
        }
        query("UPDATE supplier_products SET cost_idr = $3, active = $4, updated_at = $5 WHERE sku = $1 AND supplier = $2")
            .bind(&sku)
            .bind(supplier)
            .bind(new_cost)
            .bind(new_active)
            .bind(ms(now))
            .execute(&mut tx)
            .await?;
        changed.push(sku);
    }
    tx.commit().await?;
    Ok(changed)
}

pub(super) async fn tier_rules<D: Dialect>(
    store: &SqlStore<D>,
) -> StoreResult<Vec<(Tier, PriceRule)>> {
    let rows = query("SELECT tier, rule FROM tier_markups")
        .fetch_all(&mut store.read().await?)
        .await?;
    rows.iter()
        .map(|r| {
            let tier: String = r.try_get(0)?;
            let rule: String = r.try_get(1)?;
            Ok((
                tier.parse().map_err(|_| corrupt("tier", &tier))?,
                serde_json::from_str(&rule).map_err(|_| corrupt("price rule", &rule))?,
            ))
        })
        .collect()
}

pub(super) async fn catalogue<D: Dialect>(store: &SqlStore<D>) -> StoreResult<Vec<CatalogueEntry>> {
    let offers = query(
        "SELECT sku, supplier, supplier_sku, cost_idr, priority, active FROM supplier_products \
         ORDER BY sku, priority, supplier",
    )
    .fetch_all(&mut store.read().await?)
    .await?;
    let mut by_sku: BTreeMap<String, Vec<SupplierProduct>> = BTreeMap::new();
    for r in offers {
        let offer = SupplierProduct {
            sku: r.try_get(0)?,
            supplier: r.try_get(1)?,
            supplier_sku: r.try_get(2)?,
            cost: Rupiah::from_idr(r.try_get(3)?),
            priority: r.try_get(4)?,
            active: r.try_get(5)?,
        };
        by_sku.entry(offer.sku.clone()).or_default().push(offer);
    }
    let rows = query(
        "SELECT sku, name, category, brand, operator, nominal_idr, input, active, cut_off_start, cut_off_end \
         FROM products ORDER BY category, brand, nominal_idr, sku",
    )
    .fetch_all(&mut store.read().await?)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let sku: String = r.try_get(0)?;
        let category: String = r.try_get(2)?;
        let operator: Option<String> = r.try_get(4)?;
        let input: String = r.try_get(6)?;
        let start = parse_time(r.try_get(8)?)?;
        let end = parse_time(r.try_get(9)?)?;
        let product = Product {
            sku: Sku::parse(&sku).map_err(|_| corrupt("sku", &sku))?,
            name: r.try_get(1)?,
            category: Category::from_code(&category)
                .ok_or_else(|| corrupt("category", &category))?,
            brand: r.try_get(3)?,
            operator: operator
                .map(|o| Operator::from_code(&o).ok_or_else(|| corrupt("operator", &o)))
                .transpose()?,
            nominal_idr: r.try_get::<Option<i64>, _>(5)?.map(Rupiah::from_idr),
            input: serde_json::from_str(&input).map_err(|_| corrupt("input schema", &input))?,
            active: r.try_get(7)?,
        };
        out.push(CatalogueEntry {
            suppliers: by_sku.remove(&sku).unwrap_or_default(),
            product,
            cut_off: start.zip(end),
        });
    }
    Ok(out)
}
