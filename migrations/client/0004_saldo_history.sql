-- The shop's saldo movements as the server's change feed reported them, keyed by the
-- feed's sequence number (so a page applied twice adds nothing). The server's ledger stays
-- the truth; this is what the counter can show without asking.
CREATE TABLE saldo_movements (
    seq            INTEGER PRIMARY KEY,
    at             INTEGER NOT NULL,
    reason         TEXT NOT NULL,
    -- Signed change of the available saldo, and the available saldo after it.
    amount_idr     INTEGER NOT NULL,
    available_idr  INTEGER NOT NULL,
    order_id       TEXT,
    deposit_id     TEXT,
    reference      TEXT
);
CREATE INDEX saldo_movements_by_time ON saldo_movements (at);
