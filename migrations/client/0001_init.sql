-- Konter device store (SQLite). Money is whole rupiah (INTEGER); times are Unix
-- milliseconds (INTEGER); ids are hyphenated UUID text.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE orders (
    id              TEXT PRIMARY KEY,
    sku             TEXT NOT NULL,
    product_name    TEXT NOT NULL,
    category        TEXT NOT NULL,
    brand           TEXT NOT NULL,
    target          TEXT NOT NULL,
    status          TEXT NOT NULL,
    -- What the walk-in customer pays (the shop's selling price).
    price_idr       INTEGER NOT NULL,
    -- What the shop's saldo pays (the server's price for the shop).
    cost_idr        INTEGER NOT NULL,
    cash_idr        INTEGER NOT NULL,
    change_idr      INTEGER NOT NULL,
    cashier_id      TEXT,
    cashier_name    TEXT NOT NULL,
    shift_id        TEXT,
    sn              TEXT,
    pln_token       TEXT,
    failure_code    TEXT,
    failure_message TEXT,
    day             TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX orders_by_day ON orders (day, status);
CREATE INDEX orders_by_created ON orders (created_at);
CREATE INDEX orders_repeat ON orders (day, target, sku);

CREATE TABLE order_history (
    order_id  TEXT NOT NULL,
    status    TEXT NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX order_history_by_order ON order_history (order_id);

CREATE TABLE ledger_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    order_id    TEXT,
    created_at  INTEGER NOT NULL
);

CREATE TABLE ledger_entries (
    event_id    INTEGER NOT NULL REFERENCES ledger_events(id),
    account     TEXT NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('D', 'C')),
    amount_idr  INTEGER NOT NULL CHECK (amount_idr > 0)
);
CREATE INDEX ledger_entries_by_event ON ledger_entries (event_id);

-- Orders waiting to reach the server, in the order they were sold.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id     TEXT NOT NULL UNIQUE,
    body         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT
);

CREATE TABLE catalog (
    sku         TEXT PRIMARY KEY,
    item        TEXT NOT NULL,
    category    TEXT NOT NULL,
    price_idr   INTEGER NOT NULL,
    active      INTEGER NOT NULL
);

CREATE TABLE price_rules (
    id        TEXT PRIMARY KEY,
    scope     TEXT NOT NULL CHECK (scope IN ('default', 'category', 'brand', 'product')),
    key       TEXT NOT NULL,
    rule      TEXT NOT NULL,
    UNIQUE (scope, key)
);

CREATE TABLE cashiers (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('owner', 'cashier')),
    pin_hash  TEXT NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);

CREATE TABLE shifts (
    id              TEXT PRIMARY KEY,
    cashier_id      TEXT NOT NULL,
    opened_at       INTEGER NOT NULL,
    opening_cash_idr INTEGER NOT NULL,
    closed_at       INTEGER,
    expected_cash_idr INTEGER,
    counted_cash_idr INTEGER
);

CREATE TABLE deposits (
    id          TEXT PRIMARY KEY,
    body        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE print_jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
