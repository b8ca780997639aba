-- Sales and shift closes waiting to reach the server's journal, for the owner's figures
-- (docs/owners.md). A row names what to send; its facts are read from `orders` or `shifts`
-- when it goes, so a sale confirmed again at a new price is sent as it stands. A sale goes
-- only after its order has left the outbox, so the server meets the order first.
CREATE TABLE journal_outbox (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL CHECK (kind IN ('sale', 'shift_close')),
    ref_id        TEXT NOT NULL,
    -- The shop's zone when it happened (hours east of UTC).
    utc_offset_h  INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    -- Set when the server refused the entry for good (kept for support, never resent).
    refused_at    INTEGER,
    UNIQUE (kind, ref_id)
);
