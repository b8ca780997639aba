-- What a sale and the day's report read, so both stay fast with a million orders stored.

-- The local holds: only queued orders, a handful at any time.
CREATE INDEX orders_queued ON orders (status, cost_idr) WHERE status = 'queued';

-- The report reads every column it groups and sums from the index alone.
CREATE INDEX orders_report ON orders (day, status, category, sku, cashier_name, price_idr, cost_idr, created_at);
