//! konter-server's integration tests: one binary, a module per concern.
//! The store conformance script runs against SQLite always and against PostgreSQL when the
//! test command has started one (`KONTER_TEST_PG_URL`).

mod alarms;
mod api;
mod bills;
mod catalogue_import;
mod cli;
mod conformance;
mod crash;
mod deposits;
mod feed;
mod fulfil;
mod owner;
mod suppliers;
