-- Fulfilment, PostgreSQL flavour: the durable queue, one row per purchase attempt, and the
-- audit trail of every supplier call. See ARCHITECTURE.md "Supplier ref_ids" and
-- "Fulfilment is bounded".

-- One job per accepted order, written in the order's own transaction. A worker leases a
-- due job (`next_at` passed, lease free or expired), does one step, and either closes the
-- job or sets when to look again.
CREATE TABLE fulfil_jobs (
    order_id     TEXT PRIMARY KEY REFERENCES orders(id),
    -- open: work to do at next_at; done: the order is final; review: an operator must look
    -- (the supplier can no longer be asked).
    state        TEXT NOT NULL,
    next_at      BIGINT NOT NULL,
    lease_owner  TEXT,
    lease_until  BIGINT,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX fulfil_jobs_due ON fulfil_jobs (state, next_at);

-- One row per purchase sent (or about to be sent) to a supplier, committed before the call.
-- `ref_id` is derived from the order id and `n`, so a restarted worker recomputes it.
CREATE TABLE attempts (
    order_id      TEXT NOT NULL REFERENCES orders(id),
    n             BIGINT NOT NULL,
    supplier      TEXT NOT NULL,
    supplier_sku  TEXT NOT NULL,
    ref_id        TEXT NOT NULL UNIQUE,
    -- sent: the outcome is unknown until the supplier answers; pending: the supplier took it;
    -- success / failed: final (a success may still be refunded).
    state         TEXT NOT NULL,
    cost_idr      BIGINT NOT NULL,
    code          TEXT,
    message       TEXT,
    sn            TEXT,
    -- The last time we asked the supplier about this ref_id (the purchase itself counts),
    -- for the suppliers' status-check limits.
    last_call_at  BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (order_id, n)
);

-- Every request to a supplier and every webhook from one, with secrets removed.
CREATE TABLE supplier_calls (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     TEXT,
    ref_id       TEXT,
    supplier     TEXT NOT NULL,
    operation    TEXT NOT NULL,
    request      TEXT NOT NULL,
    response     TEXT NOT NULL,
    http_status  BIGINT,
    latency_ms   BIGINT NOT NULL,
    outcome      TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX supplier_calls_by_order ON supplier_calls (order_id, id);

-- Orders accepted before this migration wait in the queue like new ones.
INSERT INTO fulfil_jobs (order_id, state, next_at, updated_at)
SELECT id, 'open', updated_at, updated_at FROM orders
WHERE status IN ('accepted', 'processing', 'pending');
