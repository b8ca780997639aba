-- The shop-wide settings (docs/owners.md, "Shop-wide settings"): one row per shop, the
-- whole set as JSON with its version; every change is also a change-feed entry, so each
-- counter receives it.
CREATE TABLE shop_settings (
    shop_id     TEXT PRIMARY KEY REFERENCES shops(id),
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
