//! The order status machine.
//!
//! ```text
//! queued -> accepted -> processing -> pending -> success | failed
//!                                               success -> refunded
//! ```
//!
//! Status only moves forward. A supplier answer, a webhook or a poll may arrive late or
//! twice; applying it to an order that is already further along changes nothing. A step may
//! skip states (a supplier can answer `Sukses` synchronously, so `accepted -> success`), but
//! never go back, and `failed` and `refunded` are final.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where an order is.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OrderStatus {
    /// Committed on the device, not yet acknowledged by the server.
    Queued,
    /// Stored by the server with a hold on the shop's saldo.
    Accepted,
    /// A fulfilment worker is talking to a supplier.
    Processing,
    /// The supplier took it and will answer later.
    Pending,
    /// Delivered; the hold is posted.
    Success,
    /// Not delivered; the hold is voided and the customer gets the cash back.
    Failed,
    /// Delivered, then reversed by the supplier; the money went back to the saldo.
    Refunded,
}

/// What applying a status to an order did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// The order moved to the new status.
    Moved(OrderStatus),
    /// The order was already there or further along: a late or duplicate message, ignored.
    Ignored,
}

/// A status change that would contradict what already happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("status: an order that is {from} cannot become {to}")]
pub struct StatusConflict {
    pub from: OrderStatus,
    pub to: OrderStatus,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::Queued,
        OrderStatus::Accepted,
        OrderStatus::Processing,
        OrderStatus::Pending,
        OrderStatus::Success,
        OrderStatus::Failed,
        OrderStatus::Refunded,
    ];

    /// Position along the forward path. `success` and `failed` share a rank: they are the
    /// two ends of the same step; `refunded` comes after `success` only.
    pub fn rank(self) -> u8 {
        match self {
            OrderStatus::Queued => 0,
            OrderStatus::Accepted => 1,
            OrderStatus::Processing => 2,
            OrderStatus::Pending => 3,
            OrderStatus::Success | OrderStatus::Failed => 4,
            OrderStatus::Refunded => 5,
        }
    }

    /// No further change will ever happen.
    pub fn is_final(self) -> bool {
        matches!(self, OrderStatus::Failed | OrderStatus::Refunded)
    }

    /// Settled with the supplier one way or the other (a success can still be refunded).
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            OrderStatus::Success | OrderStatus::Failed | OrderStatus::Refunded
        )
    }

    pub fn code(self) -> &'static str {
        match self {
            OrderStatus::Queued => "queued",
            OrderStatus::Accepted => "accepted",
            OrderStatus::Processing => "processing",
            OrderStatus::Pending => "pending",
            OrderStatus::Success => "success",
            OrderStatus::Failed => "failed",
            OrderStatus::Refunded => "refunded",
        }
    }

    /// The word a cashier reads.
    pub fn label_id(self) -> &'static str {
        match self {
            OrderStatus::Queued => "Antre",
            OrderStatus::Accepted => "Diterima",
            OrderStatus::Processing => "Diproses",
            OrderStatus::Pending => "Pending",
            OrderStatus::Success => "Sukses",
            OrderStatus::Failed => "Gagal",
            OrderStatus::Refunded => "Dikembalikan",
        }
    }

    /// Applies a reported status to an order in `self`.
    ///
    /// - forward: `Ok(Moved(to))`;
    /// - the same status, or one the order is already past: `Ok(Ignored)` — this is how
    ///   duplicate and late webhooks become harmless;
    /// - a contradiction (`failed` after `success`, `success` after `failed`, `refunded`
    ///   of anything but a success): `Err(StatusConflict)`, which the caller records for a
    ///   person to look at and does not apply.
    pub fn apply(self, to: OrderStatus) -> Result<Transition, StatusConflict> {
        use OrderStatus::*;
        let conflict = StatusConflict { from: self, to };
        match (self, to) {
            (a, b) if a == b => Ok(Transition::Ignored),
            (Success, Failed) | (Failed, Success) => Err(conflict),
            (Failed, Refunded) => Err(conflict),
            (from, Refunded) if from != Success => Err(conflict),
            (from, to) if to.rank() > from.rank() => Ok(Transition::Moved(to)),
            _ => Ok(Transition::Ignored),
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for OrderStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrderStatus::ALL
            .into_iter()
            .find(|st| st.code() == s)
            .ok_or_else(|| format!("'{s}' is not an order status"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;
    use proptest::prelude::*;

    #[test]
    fn the_happy_paths() {
        let mut s = Queued;
        for next in [Accepted, Processing, Pending, Success, Refunded] {
            assert_eq!(s.apply(next), Ok(Transition::Moved(next)), "{s} -> {next}");
            s = next;
        }
        assert_eq!(Accepted.apply(Success), Ok(Transition::Moved(Success)));
        assert_eq!(Queued.apply(Failed), Ok(Transition::Moved(Failed)));
    }

    #[test]
    fn late_and_duplicate_reports_are_ignored() {
        assert_eq!(Success.apply(Pending), Ok(Transition::Ignored));
        assert_eq!(Success.apply(Success), Ok(Transition::Ignored));
        assert_eq!(Failed.apply(Processing), Ok(Transition::Ignored));
        assert_eq!(Refunded.apply(Success), Ok(Transition::Ignored));
    }

    #[test]
    fn contradictions_are_conflicts() {
        assert!(Success.apply(Failed).is_err());
        assert!(Failed.apply(Success).is_err());
        assert!(Failed.apply(Refunded).is_err());
        assert!(Pending.apply(Refunded).is_err());
        assert_eq!(
            Refunded.apply(Failed),
            Ok(Transition::Ignored),
            "a refund is a late failure"
        );
    }

    fn any_status() -> impl Strategy<Value = OrderStatus> {
        prop::sample::select(OrderStatus::ALL.to_vec())
    }

    proptest! {
        /// Whatever arrives in whatever order, an order's rank never decreases, a final
        /// status never changes, and `success`/`failed` never flip into each other.
        #[test]
        fn no_sequence_of_events_moves_a_status_backwards(events in prop::collection::vec(any_status(), 0..40)) {
            let mut status = Queued;
            for event in events {
                let before = status;
                if let Ok(Transition::Moved(next)) = status.apply(event) {
                    status = next;
                }
                prop_assert!(status.rank() >= before.rank(), "{} -> {}", before, status);
                if before.is_final() {
                    prop_assert_eq!(status, before);
                }
                if before == Success {
                    prop_assert!(status == Success || status == Refunded);
                }
                if status == Refunded {
                    prop_assert!(before == Success || before == Refunded);
                }
            }
        }

        #[test]
        fn applying_twice_equals_applying_once(from in any_status(), to in any_status()) {
            let once = match from.apply(to) { Ok(Transition::Moved(s)) => s, _ => from };
            let twice = match once.apply(to) { Ok(Transition::Moved(s)) => s, _ => once };
            prop_assert_eq!(once, twice);
        }
    }

    #[test]
    fn codes_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(s.code().parse::<OrderStatus>(), Ok(s));
            assert_eq!(
                serde_json::to_string(&s).expect("ser"),
                format!("\"{}\"", s.code())
            );
        }
    }
}
