//! End to end: the device engine against a real konter-server on a socket, fulfilling
//! through konter-sandbox — selling online, selling offline and draining exactly once,
//! crashes in the middle of a sync (the `konter` CLI killed mid-send), bills, receipts,
//! cashiers and the server's refusals.

mod bills;
mod cashiers;
mod cli;
mod harness;
mod journal;
mod outbox;
mod receipts;
mod sales;
mod tls;
