-- The owners' side of the server (docs/owners.md): each shop's sales journal, sent by
-- its devices, and the owners' accounts and sessions for the back office at /owner/.

-- One row per sale, keyed by the order's id within the shop: a copy sent again is the same
-- row. `status` and `status_at` follow the order's state on the server (set when the sale
-- arrives, moved with every status change of the order), so a report reads one table.
CREATE TABLE journal_sales (
    shop_id       TEXT NOT NULL REFERENCES shops(id),
    order_id      TEXT NOT NULL,
    device_id     TEXT NOT NULL REFERENCES devices(id),
    cashier_id    TEXT,
    cashier_name  TEXT NOT NULL,
    sku           TEXT NOT NULL,
    product_name  TEXT NOT NULL,
    category      TEXT NOT NULL,
    price_idr     BIGINT NOT NULL,
    cost_idr      BIGINT NOT NULL,
    fee_idr       BIGINT NOT NULL,
    cash_idr      BIGINT NOT NULL,
    change_idr    BIGINT NOT NULL,
    sold_at       BIGINT NOT NULL,
    -- The shop's calendar day and hour of the sale, in its zone (utc_offset_h).
    day           TEXT NOT NULL,
    hour          BIGINT NOT NULL,
    utc_offset_h  BIGINT NOT NULL,
    status        TEXT NOT NULL,
    status_at     BIGINT NOT NULL,
    received_at   BIGINT NOT NULL,
    PRIMARY KEY (shop_id, order_id)
);
-- Reports read a shop's days; the index holds every column they sum or group by, so a
-- month of a busy shop is read from the index alone.
CREATE INDEX journal_sales_report ON journal_sales
    (shop_id, day, status, device_id, cashier_name, category, sku, product_name, hour, price_idr, cost_idr, fee_idr);
-- Refunds count on the day they happened.
CREATE INDEX journal_sales_refunds ON journal_sales (shop_id, status_at) WHERE status = 'refunded';

CREATE TABLE journal_shifts (
    shop_id           TEXT NOT NULL REFERENCES shops(id),
    shift_id          TEXT NOT NULL,
    device_id         TEXT NOT NULL REFERENCES devices(id),
    cashier_id        TEXT NOT NULL,
    cashier_name      TEXT NOT NULL,
    opened_at         BIGINT NOT NULL,
    closed_at         BIGINT NOT NULL,
    opening_cash_idr  BIGINT NOT NULL,
    expected_cash_idr BIGINT NOT NULL,
    counted_cash_idr  BIGINT NOT NULL,
    difference_idr    BIGINT NOT NULL,
    closed_by         TEXT NOT NULL,
    day               TEXT NOT NULL,
    utc_offset_h      BIGINT NOT NULL,
    received_at       BIGINT NOT NULL,
    PRIMARY KEY (shop_id, shift_id)
);
CREATE INDEX journal_shifts_by_day ON journal_shifts (shop_id, day);

-- An owner signs in with a phone number and a password (an Argon2id PHC string; NULL until
-- the one-time setup code is used). Only hashes of setup codes and session tokens are kept.
CREATE TABLE owners (
    id                TEXT PRIMARY KEY,
    phone             TEXT NOT NULL UNIQUE,
    password_hash     TEXT,
    setup_hash        TEXT,
    setup_expires_at  BIGINT,
    created_at        BIGINT NOT NULL
);

-- Which shops (outlets) an owner sees; a shop may have several owners.
CREATE TABLE owner_shops (
    owner_id    TEXT NOT NULL REFERENCES owners(id),
    shop_id     TEXT NOT NULL REFERENCES shops(id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (owner_id, shop_id)
);

CREATE TABLE owner_sessions (
    token_hash  TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL REFERENCES owners(id),
    csrf_token  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX owner_sessions_by_owner ON owner_sessions (owner_id);
