-- Final refusals of order ids. A counter gives the customer the cash back when the server
-- refuses an order, so every copy of that order id must be refused the same way: a copy still
-- on its way into the intake meets this row and is refused too, and a refusal that finds the
-- order stored answers with the order instead (docs/exactly-once.md).

CREATE TABLE order_refusals (
    id            TEXT PRIMARY KEY,
    shop_id       TEXT NOT NULL REFERENCES shops(id),
    request_hash  TEXT NOT NULL,
    -- The HTTP status and the error body (JSON) the first copy was answered with.
    status        INTEGER NOT NULL,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
