-- Konter server schema, PostgreSQL flavour. Money is whole rupiah (BIGINT); times are Unix
-- milliseconds (BIGINT); ids are hyphenated UUID text.

CREATE TABLE shops (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    tier        TEXT NOT NULL,
    -- The next change-feed sequence number; bumped inside every transaction that writes a
    -- change, so sequence order is commit order (see ARCHITECTURE.md).
    next_seq    BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL
);

CREATE TABLE pairing_codes (
    code_hash   TEXT PRIMARY KEY,
    shop_id     TEXT NOT NULL REFERENCES shops(id),
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    created_at  BIGINT NOT NULL
);

CREATE TABLE devices (
    id          TEXT PRIMARY KEY,
    shop_id     TEXT NOT NULL REFERENCES shops(id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    revoked_at  BIGINT,
    created_at  BIGINT NOT NULL,
    last_seen_at BIGINT
);

CREATE TABLE products (
    sku         TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    category    TEXT NOT NULL,
    brand       TEXT NOT NULL,
    operator    TEXT,
    nominal_idr BIGINT,
    input       TEXT NOT NULL,
    active      BOOLEAN NOT NULL,
    cut_off_start TEXT,
    cut_off_end TEXT,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE supplier_products (
    sku          TEXT NOT NULL REFERENCES products(sku),
    supplier     TEXT NOT NULL,
    supplier_sku TEXT NOT NULL,
    cost_idr     BIGINT NOT NULL,
    priority     BIGINT NOT NULL,
    active       BOOLEAN NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (sku, supplier)
);

CREATE TABLE tier_markups (
    tier        TEXT PRIMARY KEY,
    rule        TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE orders (
    id             TEXT PRIMARY KEY,
    shop_id        TEXT NOT NULL REFERENCES shops(id),
    device_id      TEXT NOT NULL,
    request_hash   TEXT NOT NULL,
    sku            TEXT NOT NULL,
    target         TEXT NOT NULL,
    status         TEXT NOT NULL,
    price_idr      BIGINT NOT NULL,
    cost_idr       BIGINT NOT NULL,
    max_price_idr  BIGINT NOT NULL,
    sn             TEXT,
    pln_token      TEXT,
    failure_code   TEXT,
    failure_message TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX orders_by_shop ON orders (shop_id, created_at);
CREATE INDEX orders_by_status ON orders (status, updated_at);

CREATE TABLE accounts (
    key               TEXT PRIMARY KEY,
    shop_id           TEXT,
    debits_idr        BIGINT NOT NULL DEFAULT 0,
    credits_idr       BIGINT NOT NULL DEFAULT 0,
    -- A shop's spendable saldo never goes below zero, whatever the code above does.
    CHECK (key NOT LIKE 'shop_saldo:%' OR credits_idr >= debits_idr)
);

CREATE TABLE ledger_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL,
    shop_id     TEXT,
    order_id    TEXT,
    deposit_id  TEXT,
    reference   TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX ledger_events_by_shop ON ledger_events (shop_id, id);

CREATE TABLE ledger_entries (
    event_id    BIGINT NOT NULL REFERENCES ledger_events(id),
    account     TEXT NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('D', 'C')),
    amount_idr  BIGINT NOT NULL CHECK (amount_idr > 0)
);
CREATE INDEX ledger_entries_by_event ON ledger_entries (event_id);

CREATE TABLE holds (
    order_id    TEXT PRIMARY KEY,
    shop_id     TEXT NOT NULL,
    amount_idr  BIGINT NOT NULL CHECK (amount_idr > 0),
    state       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    settled_at  BIGINT
);

CREATE TABLE changes (
    shop_id     TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (shop_id, seq)
);

CREATE TABLE deposits (
    id            TEXT PRIMARY KEY,
    shop_id       TEXT NOT NULL REFERENCES shops(id),
    request_hash  TEXT NOT NULL,
    amount_idr    BIGINT NOT NULL CHECK (amount_idr > 0),
    method        TEXT NOT NULL,
    bank          TEXT,
    status        TEXT NOT NULL,
    gateway_order_id TEXT NOT NULL UNIQUE,
    va_number     TEXT,
    qr_string     TEXT,
    expires_at    BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX deposits_by_shop ON deposits (shop_id, created_at);

-- Manual credits are idempotent by their reference text.
CREATE TABLE manual_credits (
    shop_id     TEXT NOT NULL,
    reference   TEXT NOT NULL,
    amount_idr  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (shop_id, reference)
);
