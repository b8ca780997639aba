//! Wire types of the device <-> server API. Both sides compile against these, so a field
//! renamed on one side is a compile error on the other.

pub mod v1;
