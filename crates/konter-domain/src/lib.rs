//! Konter's domain: the types and rules that the server, the device engine, the receipts and
//! the UI all agree on — money in whole rupiah, UUIDv7 ids, Indonesian phone numbers and
//! their operators, PLN meter numbers and tokens, game account ids, the catalogue and its
//! tier prices, the order status machine, and the wire types of the device <-> server API.
//!
//! This crate must never do I/O: no files, no network, no clock reads outside the id
//! constructors, no logging. Everything here is a pure function of its input so that both
//! sides of the sync compute the same answer.

pub mod api;
pub mod bill;
pub mod catalogue;
pub mod codes;
pub mod error;
pub mod game;
pub mod ids;
pub mod journal;
pub mod money;
pub mod order;
pub mod phone;
pub mod pln;
pub mod report;
pub mod shop;
pub mod target;

pub use error::FieldError;
pub use ids::{CashierId, DepositId, DeviceId, InquiryId, OrderId, ShiftId, ShopId};
pub use money::Rupiah;
pub use order::OrderStatus;
