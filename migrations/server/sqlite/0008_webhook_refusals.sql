-- Webhooks and notifications refused for a bad signature, per source (digiflazz, iak,
-- midtrans): counted here as well as in the refusing process, so `konter-server status`
-- shows them whichever server process refused them (docs/operations.md, "Alarms").
CREATE TABLE webhook_refusals (
    source   TEXT PRIMARY KEY,
    count    INTEGER NOT NULL,
    last_at  INTEGER NOT NULL
);
