-- Konter server schema, SQLite flavour. Money is whole rupiah (INTEGER); times are Unix
-- milliseconds (INTEGER); ids are hyphenated UUID text.

CREATE TABLE shops (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    tier        TEXT NOT NULL,
    -- The next change-feed sequence number; bumped inside every transaction that writes a
    -- change, so sequence order is commit order (see ARCHITECTURE.md).
    next_seq    INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL
);

CREATE TABLE pairing_codes (
    code_hash   TEXT PRIMARY KEY,
    shop_id     TEXT NOT NULL REFERENCES shops(id),
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    created_at  INTEGER NOT NULL
);

CREATE TABLE devices (
    id          TEXT PRIMARY KEY,
    shop_id     TEXT NOT NULL REFERENCES shops(id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    revoked_at  INTEGER,
    created_at  INTEGER NOT NULL,
    last_seen_at INTEGER
);

CREATE TABLE products (
    sku         TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    category    TEXT NOT NULL,
    brand       TEXT NOT NULL,
    operator    TEXT,
    nominal_idr INTEGER,
    input       TEXT NOT NULL,
    active      INTEGER NOT NULL,
    cut_off_start TEXT,
    cut_off_end TEXT,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE supplier_products (
    sku          TEXT NOT NULL REFERENCES products(sku),
    supplier     TEXT NOT NULL,
    supplier_sku TEXT NOT NULL,
    cost_idr     INTEGER NOT NULL,
    priority     INTEGER NOT NULL,
    active       INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (sku, supplier)
);

CREATE TABLE tier_markups (
    tier        TEXT PRIMARY KEY,
    rule        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE orders (
    id             TEXT PRIMARY KEY,
    shop_id        TEXT NOT NULL REFERENCES shops(id),
    device_id      TEXT NOT NULL,
    request_hash   TEXT NOT NULL,
    sku            TEXT NOT NULL,
    target         TEXT NOT NULL,
    status         TEXT NOT NULL,
    price_idr      INTEGER NOT NULL,
    cost_idr       INTEGER NOT NULL,
    max_price_idr  INTEGER NOT NULL,
    sn             TEXT,
    pln_token      TEXT,
    failure_code   TEXT,
    failure_message TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX orders_by_shop ON orders (shop_id, created_at);
CREATE INDEX orders_by_status ON orders (status, updated_at);

CREATE TABLE accounts (
    key               TEXT PRIMARY KEY,
    shop_id           TEXT,
    debits_idr        INTEGER NOT NULL DEFAULT 0,
    credits_idr       INTEGER NOT NULL DEFAULT 0,
    -- A shop's spendable saldo never goes below zero, whatever the code above does.
    CHECK (key NOT LIKE 'shop_saldo:%' OR credits_idr >= debits_idr)
);

CREATE TABLE ledger_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    shop_id     TEXT,
    order_id    TEXT,
    deposit_id  TEXT,
    reference   TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX ledger_events_by_shop ON ledger_events (shop_id, id);

CREATE TABLE ledger_entries (
    event_id    INTEGER NOT NULL REFERENCES ledger_events(id),
    account     TEXT NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('D', 'C')),
    amount_idr  INTEGER NOT NULL CHECK (amount_idr > 0)
);
CREATE INDEX ledger_entries_by_event ON ledger_entries (event_id);

CREATE TABLE holds (
    order_id    TEXT PRIMARY KEY,
    shop_id     TEXT NOT NULL,
    amount_idr  INTEGER NOT NULL CHECK (amount_idr > 0),
    state       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    settled_at  INTEGER
);

CREATE TABLE changes (
    shop_id     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    payload     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (shop_id, seq)
);

CREATE TABLE deposits (
    id            TEXT PRIMARY KEY,
    shop_id       TEXT NOT NULL REFERENCES shops(id),
    request_hash  TEXT NOT NULL,
    amount_idr    INTEGER NOT NULL CHECK (amount_idr > 0),
    method        TEXT NOT NULL,
    bank          TEXT,
    status        TEXT NOT NULL,
    gateway_order_id TEXT NOT NULL UNIQUE,
    va_number     TEXT,
    qr_string     TEXT,
    expires_at    INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX deposits_by_shop ON deposits (shop_id, created_at);

-- Manual credits are idempotent by their reference text.
CREATE TABLE manual_credits (
    shop_id     TEXT NOT NULL,
    reference   TEXT NOT NULL,
    amount_idr  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (shop_id, reference)
);
