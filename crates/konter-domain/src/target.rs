//! Order targets: the thing a product is delivered to (a phone, a PLN meter, a game account,
//! an e-money wallet), checked by the product's input schema, and the "smart input" that
//! guesses what a cashier typed.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::bill::{BillError, BillKind, CustomerNo};
use crate::codes::{self, Code};
use crate::game::{Game, GameError, GameTarget, SupplierFormat};
use crate::phone::{LocalDigits, Operator, PhoneError, PhoneNumber};
use crate::pln::{PlnError, PlnNumber};

/// What a product needs typed in before it can be sold.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InputSchema {
    /// A mobile number of a known operator (pulsa, data).
    Phone,
    /// A PLN meter number or customer id.
    PlnNumber,
    /// A game account of this game.
    Game { game: Game },
    /// The mobile number an e-money wallet is registered to.
    EMoneyAccount,
    /// A postpaid bill's customer number of this kind.
    Bill { bill: BillKind },
}

/// An e-money wallet (DANA, OVO, GoPay, ShopeePay) is addressed by the phone number it was
/// registered with. Any well-formed mobile number is accepted: wallets outlive SIM cards, so
/// the operator does not matter here.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct EMoneyAccount(LocalDigits);

impl EMoneyAccount {
    pub fn parse(input: &str) -> Result<EMoneyAccount, PhoneError> {
        LocalDigits::parse(input).map(EMoneyAccount)
    }

    /// The local form, `08…`.
    pub fn local(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for EMoneyAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EMoneyAccount({})", self.local())
    }
}

/// A checked target, ready to be sent to a supplier.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Phone(PhoneNumber),
    Pln(PlnNumber),
    Game(GameTarget),
    EMoney(EMoneyAccount),
    Bill(CustomerNo),
}

/// Why a target does not fit the product's schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error(transparent)]
    Phone(#[from] PhoneError),
    #[error(transparent)]
    Pln(#[from] PlnError),
    #[error(transparent)]
    Game(#[from] GameError),
    #[error(transparent)]
    Bill(#[from] BillError),
    #[error("target: {product_operator} product cannot be sent to a {number_operator} number")]
    OperatorMismatch {
        product_operator: Operator,
        number_operator: Operator,
    },
}

impl FieldError for TargetError {
    fn field(&self) -> &'static str {
        match self {
            TargetError::Phone(e) => e.field(),
            TargetError::Pln(e) => e.field(),
            TargetError::Game(e) => e.field(),
            TargetError::Bill(e) => e.field(),
            TargetError::OperatorMismatch { .. } => "target",
        }
    }
    fn code(&self) -> Code {
        match self {
            TargetError::Phone(e) => e.code(),
            TargetError::Pln(e) => e.code(),
            TargetError::Game(e) => e.code(),
            TargetError::Bill(e) => e.code(),
            TargetError::OperatorMismatch { .. } => codes::TARGET_OPERATOR_MISMATCH,
        }
    }
    fn message_id(&self) -> String {
        match self {
            TargetError::Phone(e) => e.message_id(),
            TargetError::Pln(e) => e.message_id(),
            TargetError::Game(e) => e.message_id(),
            TargetError::Bill(e) => e.message_id(),
            TargetError::OperatorMismatch {
                product_operator,
                number_operator,
            } => format!("produk {product_operator} tidak bisa dikirim ke nomor {number_operator}"),
        }
    }
}

impl Target {
    /// Checks typed input against a product's schema. For phone products of one operator,
    /// pass that operator: selling Telkomsel pulsa to an XL number is refused here.
    pub fn parse(
        schema: InputSchema,
        input: &str,
        operator: Option<Operator>,
    ) -> Result<Target, TargetError> {
        match schema {
            InputSchema::Phone => {
                let phone = PhoneNumber::parse(input)?;
                if let Some(expected) = operator {
                    // by.U numbers are inside Telkomsel's range and take Telkomsel products
                    // too; the reverse is not true.
                    let compatible = phone.operator() == expected
                        || (phone.operator() == Operator::Byu && expected == Operator::Telkomsel);
                    if !compatible {
                        return Err(TargetError::OperatorMismatch {
                            product_operator: expected,
                            number_operator: phone.operator(),
                        });
                    }
                }
                Ok(Target::Phone(phone))
            }
            InputSchema::PlnNumber => Ok(Target::Pln(PlnNumber::parse(input)?)),
            InputSchema::Game { game } => Ok(Target::Game(GameTarget::parse(game, input)?)),
            InputSchema::EMoneyAccount => Ok(Target::EMoney(EMoneyAccount::parse(input)?)),
            InputSchema::Bill { bill } => Ok(Target::Bill(CustomerNo::parse(bill, input)?)),
        }
    }

    /// The `customer_no` / `customer_id` string a supplier gets.
    pub fn customer_no(&self, format: SupplierFormat) -> String {
        match self {
            Target::Phone(p) => p.local().to_owned(),
            Target::Pln(n) => n.as_str().to_owned(),
            Target::Game(g) => g.customer_no(format),
            Target::EMoney(e) => e.local().to_owned(),
            Target::Bill(c) => c.as_str().to_owned(),
        }
    }
}

/// Canonical text form: what is stored and what the API carries as `target`.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Phone(p) => f.write_str(p.local()),
            Target::Pln(n) => f.write_str(n.as_str()),
            Target::Game(g) => g.fmt(f),
            Target::EMoney(e) => f.write_str(e.local()),
            Target::Bill(c) => f.write_str(c.as_str()),
        }
    }
}

/// What a typed line could be. The counter screen offers the products of every candidate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Detected {
    /// A mobile number (pulsa, data, and e-money for the same number).
    Phone { number: String, operator: Operator },
    /// A PLN meter number or customer id.
    Pln { number: String },
    /// A number shaped like a postpaid bill's customer number of this kind.
    Bill { number: String, bill: BillKind },
}

/// Guesses what the cashier typed. A mobile number with a known prefix wins; 11 or 12 bare
/// digits that are not a mobile number are a PLN number; a 12-digit one may also be a PLN
/// pascabayar bill, and 13 or 16 digits a BPJS bill. Game ids overlap with everything, so
/// games are picked explicitly, never guessed. An empty result means "keep typing".
pub fn detect(input: &str) -> Vec<Detected> {
    let mut out = Vec::new();
    if let Ok(phone) = PhoneNumber::parse(input) {
        out.push(Detected::Phone {
            number: phone.local().to_owned(),
            operator: phone.operator(),
        });
    }
    let looks_mobile = matches!(out.first(), Some(Detected::Phone { .. }));
    if let Ok(pln) = PlnNumber::parse(input) {
        // A 12-digit "62812…" is a mobile number in E.164 and a possible customer id; offer
        // both, mobile first. An `08…` number is never a PLN number in practice.
        if !pln.as_str().starts_with("08") || !looks_mobile {
            out.push(Detected::Pln {
                number: pln.as_str().to_owned(),
            });
        }
    }
    if !looks_mobile {
        for bill in crate::bill::detect(input) {
            if let Ok(number) = CustomerNo::parse(bill, input) {
                out.push(Detected::Bill {
                    number: number.as_str().to_owned(),
                    bill,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_checks_and_operator_match() {
        let t = Target::parse(
            InputSchema::Phone,
            "0812-3456-7890",
            Some(Operator::Telkomsel),
        )
        .expect("telkomsel number for telkomsel product");
        assert_eq!(t.to_string(), "081234567890");
        let err = Target::parse(
            InputSchema::Phone,
            "081712345678",
            Some(Operator::Telkomsel),
        )
        .expect_err("XL number, Telkomsel product");
        assert_eq!(err.code(), "target_operator_mismatch");
        assert_eq!(err.field(), "target");
        assert!(
            Target::parse(
                InputSchema::Phone,
                "085154123456",
                Some(Operator::Telkomsel)
            )
            .is_ok(),
            "by.U takes Telkomsel products"
        );
        assert!(Target::parse(InputSchema::Phone, "081234567890", Some(Operator::Byu)).is_err());
    }

    #[test]
    fn emoney_takes_any_mobile_number() {
        // 0810 is no operator's, but a wallet registered to it is still a wallet.
        let t = Target::parse(InputSchema::EMoneyAccount, "+62 810 1234 5678", None)
            .expect("wallet number");
        assert_eq!(t.customer_no(SupplierFormat::Digiflazz), "081012345678");
        assert!(Target::parse(InputSchema::EMoneyAccount, "0212345678", None).is_err());
    }

    #[test]
    fn pln_and_game_targets() {
        let t = Target::parse(InputSchema::PlnNumber, "14234567890", None).expect("meter");
        assert_eq!(t.customer_no(SupplierFormat::Iak), "14234567890");
        let g = Target::parse(
            InputSchema::Game {
                game: Game::MobileLegends,
            },
            "12345678 (1234)",
            None,
        )
        .expect("ml");
        assert_eq!(g.customer_no(SupplierFormat::Digiflazz), "123456781234");
        let err = Target::parse(InputSchema::PlnNumber, "123", None).expect_err("short");
        assert_eq!(err.field(), "target");
    }

    #[test]
    fn detection_of_typed_input() {
        assert_eq!(
            detect("0812 3456 7890"),
            vec![Detected::Phone {
                number: "081234567890".into(),
                operator: Operator::Telkomsel
            }]
        );
        assert_eq!(
            detect("5300 0000 0001"),
            vec![
                Detected::Pln {
                    number: "530000000001".into()
                },
                Detected::Bill {
                    number: "530000000001".into(),
                    bill: BillKind::PlnPasca
                }
            ],
            "a 12-digit IDPEL may be prepaid or postpaid"
        );
        assert_eq!(
            detect("14234567890"),
            vec![Detected::Pln {
                number: "14234567890".into()
            }]
        );
        let both = detect("628123456789");
        assert_eq!(both.len(), 2, "E.164 mobile and a 12-digit IDPEL: {both:?}");
        assert!(matches!(both[0], Detected::Phone { .. }));
        assert!(detect("08123").is_empty());
        assert!(detect("hello").is_empty());
    }
}
