//! Supplier adapters. Each maps its supplier's answers to one [`Outcome`] class, so the
//! fulfilment workers decide by class, never by a supplier's raw codes.

pub mod digiflazz;

/// What a purchase attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered; `sn` is the serial number or token.
    Success { sn: String, cost_idr: Option<i64> },
    /// Not delivered and never will be under this ref_id; the customer's number or the
    /// product is at fault, so trying another supplier would not help.
    FailedFinal { code: String, message: String },
    /// Not delivered; another supplier may deliver it (product down, cut-off, stock).
    FailedTryElsewhere { code: String, message: String },
    /// The supplier took it and will answer later (webhook or a status query).
    Pending,
    /// We do not know: timeout, dropped connection, 5xx, an answer we cannot read. Ask the
    /// supplier about the same ref_id; never buy again under a new one.
    Unknown { reason: String },
    /// Our side is wrong (keys, signature, IP, balance): no purchase was made, and an
    /// operator must act before any other order is sent to this supplier.
    RejectedConfig { code: String, message: String },
}
