//! Identifiers: UUIDv7 newtypes, one per kind of thing, so an `OrderId` can never be passed
//! where a `ShopId` is meant. UUIDv7 sorts by creation time, which keeps the device's and the
//! server's indexes append-mostly and lets the device mint order ids offline.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldError;
use crate::codes::{self, Code};

/// A text that is not an id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: '{input}' is not a valid UUIDv7 id")]
pub struct IdError {
    pub field: &'static str,
    pub input: String,
}

impl FieldError for IdError {
    fn field(&self) -> &'static str {
        self.field
    }
    fn code(&self) -> Code {
        codes::ID_INVALID
    }
    fn message_id(&self) -> String {
        format!("'{}' bukan id UUIDv7 yang sah", self.input)
    }
}

macro_rules! uuid7_id {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "Uuid", into = "Uuid")]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
        pub struct $name(Uuid);

        impl $name {
            /// The API field this kind of id usually arrives in; errors name it.
            pub const FIELD: &'static str = $field;

            /// A fresh id with the current time in its top bits.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// Wraps a UUID, accepting only version 7: a device that sends another version
            /// has a bug we want to hear about, not an order stored under a random key.
            pub fn from_uuid(uuid: Uuid) -> Result<Self, IdError> {
                if uuid.get_version_num() == 7 {
                    Ok(Self(uuid))
                } else {
                    Err(IdError { field: $field, input: uuid.to_string() })
                }
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// Milliseconds since the Unix epoch at which the id was made.
            pub fn unix_ms(&self) -> u64 {
                let (secs, nanos) = self
                    .0
                    .get_timestamp()
                    .map(|ts| ts.to_unix())
                    .unwrap_or((0, 0));
                secs * 1000 + u64::from(nanos) / 1_000_000
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let uuid = Uuid::parse_str(s.trim())
                    .map_err(|_| IdError { field: $field, input: s.to_owned() })?;
                Self::from_uuid(uuid)
            }
        }

        impl TryFrom<Uuid> for $name {
            type Error = IdError;
            fn try_from(uuid: Uuid) -> Result<Self, Self::Error> {
                Self::from_uuid(uuid)
            }
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({"type": "string", "format": "uuid", "description": "UUIDv7"})
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    };
}

uuid7_id!(
    /// An order, minted by the device before its first send; the idempotency key.
    OrderId, "id"
);
uuid7_id!(
    /// A shop (one konter, one saldo), minted by the server.
    ShopId, "shop_id"
);
uuid7_id!(
    /// A paired device (one counter PC), minted by the server at pairing.
    DeviceId, "device_id"
);
uuid7_id!(
    /// A cashier or owner account on a device.
    CashierId, "cashier_id"
);
uuid7_id!(
    /// A cashier's shift at one counter, minted by the device when it opens.
    ShiftId, "shift_id"
);
uuid7_id!(
    /// A shop owner's account for the back office, minted by the server.
    OwnerId, "owner_id"
);
uuid7_id!(
    /// A saldo deposit request, minted by the device or the owner's tool.
    DepositId, "id"
);
uuid7_id!(
    /// A postpaid bill inquiry kept by the server until it is paid or expires.
    InquiryId, "inquiry_id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_v7_and_round_trip_as_text_and_json() {
        let id = OrderId::new();
        assert_eq!(id.as_uuid().get_version_num(), 7);
        let text = id.to_string();
        assert_eq!(text.parse::<OrderId>(), Ok(id));
        let json = serde_json::to_string(&id).expect("serialise");
        assert_eq!(json, format!("\"{text}\""));
        assert_eq!(serde_json::from_str::<OrderId>(&json).expect("parse"), id);
    }

    #[test]
    fn other_uuid_versions_are_refused() {
        let v4 = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        let err = v4.parse::<OrderId>().expect_err("v4 is not an order id");
        assert_eq!(err.field(), "id");
        assert!(serde_json::from_str::<ShopId>(&format!("\"{v4}\"")).is_err());
        assert!("not-a-uuid".parse::<DeviceId>().is_err());
    }

    #[test]
    fn ids_sort_by_creation_time() {
        let a = OrderId::new();
        let b = OrderId::new();
        assert!(a < b, "UUIDv7 ids made later must sort later");
        assert!(a.unix_ms() > 1_700_000_000_000);
    }
}
