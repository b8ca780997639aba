-- Bill inquiries the cashier looked up, kept so the payment names exactly the bill shown
-- (and its receipt can itemise it), with the shop's fee as it was then.
CREATE TABLE bill_inquiries (
    id            TEXT PRIMARY KEY,
    sku           TEXT NOT NULL,
    -- The server's answer (konter_domain::api::v1::BillInquiry, JSON).
    body          TEXT NOT NULL,
    shop_fee_idr  INTEGER NOT NULL CHECK (shop_fee_idr >= 0),
    expires_at    INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
);

ALTER TABLE orders ADD COLUMN inquiry_id TEXT REFERENCES bill_inquiries(id);
-- One bill, one payment, on this device too.
CREATE UNIQUE INDEX orders_by_inquiry ON orders (inquiry_id) WHERE inquiry_id IS NOT NULL;
