-- Postpaid bills, SQLite flavour. An inquiry is kept with the ref_id the supplier saw, so
-- the payment goes out under the same ref_id (suppliers.md §1.2); `order_id` is the one
-- order that pays it, set in that order's transaction, so a bill is never paid twice.

CREATE TABLE bill_inquiries (
    id            TEXT PRIMARY KEY,
    shop_id       TEXT NOT NULL REFERENCES shops(id),
    device_id     TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    sku           TEXT NOT NULL,
    customer_no   TEXT NOT NULL,
    supplier      TEXT NOT NULL,
    supplier_sku  TEXT NOT NULL,
    ref_id        TEXT NOT NULL UNIQUE,
    -- The bill as the device shows it (konter_domain::bill::Bill, JSON).
    bill          TEXT NOT NULL,
    -- What the shop pays (the bill's total) and what the supplier charges us.
    total_idr     INTEGER NOT NULL CHECK (total_idr > 0),
    cost_idr      INTEGER NOT NULL CHECK (cost_idr > 0),
    expires_at    INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    order_id      TEXT UNIQUE
);
CREATE INDEX bill_inquiries_by_shop ON bill_inquiries (shop_id, created_at);

ALTER TABLE orders ADD COLUMN inquiry_id TEXT;
