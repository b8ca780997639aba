//! Game top-up targets: which account the diamonds go to.
//!
//! Each game asks for different fields (Mobile Legends: user id and zone id; Free Fire: a
//! player id; Genshin Impact: a uid and a server). Suppliers want them encoded differently:
//! Digiflazz concatenates the Mobile Legends user and zone ids (`123456781234`), IAK joins
//! fields with `|` (`12345678|1234`); see docs/suppliers.md,
//! "Digiflazz: game customer numbers" and "IAK: game codes and account formats".

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::codes::{self, Code};

/// The games Konter sells top-ups for.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Game {
    MobileLegends,
    FreeFire,
    GenshinImpact,
}

/// The supplier encodings a game target can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupplierFormat {
    Digiflazz,
    Iak,
}

/// One input field a game asks for, so the UI can draw the form from the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct GameField {
    /// `user_id`, `zone_id`, `server`.
    pub name: &'static str,
    pub label_id: &'static str,
    pub label_en: &'static str,
    pub min_digits: usize,
    pub max_digits: usize,
}

const ML_FIELDS: &[GameField] = &[
    GameField {
        name: "user_id",
        label_id: "User ID",
        label_en: "User ID",
        min_digits: 5,
        max_digits: 12,
    },
    GameField {
        name: "zone_id",
        label_id: "Zone ID",
        label_en: "Zone ID",
        min_digits: 4,
        max_digits: 5,
    },
];
const FF_FIELDS: &[GameField] = &[GameField {
    name: "user_id",
    label_id: "Player ID",
    label_en: "Player ID",
    min_digits: 6,
    max_digits: 12,
}];
const GENSHIN_FIELDS: &[GameField] = &[GameField {
    name: "user_id",
    label_id: "UID",
    label_en: "UID",
    min_digits: 9,
    max_digits: 10,
}];

/// Genshin Impact's servers, named as top-up providers name them. The first digit of a uid
/// tells its server (6 America, 7 Europe, 8 Asia, 9 TW/HK/MO), so the cashier only types the
/// uid.
const GENSHIN_SERVERS: [(char, &str); 4] = [
    ('6', "os_usa"),
    ('7', "os_euro"),
    ('8', "os_asia"),
    ('9', "os_cht"),
];

impl Game {
    pub const ALL: [Game; 3] = [Game::MobileLegends, Game::FreeFire, Game::GenshinImpact];

    pub fn code(&self) -> &'static str {
        match self {
            Game::MobileLegends => "mobile_legends",
            Game::FreeFire => "free_fire",
            Game::GenshinImpact => "genshin_impact",
        }
    }

    pub fn display_name(&self) -> &'static str {
        match self {
            Game::MobileLegends => "Mobile Legends",
            Game::FreeFire => "Free Fire",
            Game::GenshinImpact => "Genshin Impact",
        }
    }

    pub fn from_code(code: &str) -> Option<Game> {
        Game::ALL.into_iter().find(|g| g.code() == code)
    }

    /// The fields the cashier types, in order.
    pub fn fields(&self) -> &'static [GameField] {
        match self {
            Game::MobileLegends => ML_FIELDS,
            Game::FreeFire => FF_FIELDS,
            Game::GenshinImpact => GENSHIN_FIELDS,
        }
    }
}

impl fmt::Display for Game {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// Why a game account could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GameError {
    #[error("{field}: {game} needs this field")]
    Missing { game: Game, field: &'static str },
    #[error("{field}: must be digits only")]
    NotDigits { field: &'static str },
    #[error("{field}: must have {min} to {max} digits, not {got}")]
    WrongLength {
        field: &'static str,
        min: usize,
        max: usize,
        got: usize,
    },
    #[error("user_id: a Genshin uid starts with 6, 7, 8 or 9 (its server)")]
    UnknownServer,
    #[error("target: {game} takes {expected} field(s)")]
    TooManyFields { game: Game, expected: usize },
}

impl FieldError for GameError {
    fn field(&self) -> &'static str {
        match self {
            GameError::Missing { field, .. }
            | GameError::NotDigits { field }
            | GameError::WrongLength { field, .. } => field,
            GameError::UnknownServer => "user_id",
            GameError::TooManyFields { .. } => "target",
        }
    }
    fn code(&self) -> Code {
        match self {
            GameError::Missing { .. } => codes::GAME_FIELD_MISSING,
            GameError::NotDigits { .. } => codes::GAME_FIELD_NOT_DIGITS,
            GameError::WrongLength { .. } => codes::GAME_FIELD_LENGTH,
            GameError::UnknownServer => codes::GAME_UNKNOWN_SERVER,
            GameError::TooManyFields { .. } => codes::GAME_TOO_MANY_FIELDS,
        }
    }
    fn message_id(&self) -> String {
        match self {
            GameError::Missing { game, field } => format!("{game} memerlukan {field}"),
            GameError::NotDigits { field } => format!("{field} hanya boleh berisi angka"),
            GameError::WrongLength {
                field,
                min,
                max,
                got,
            } => format!("{field} harus {min} sampai {max} digit, bukan {got}"),
            GameError::UnknownServer => {
                "UID Genshin harus diawali 6, 7, 8 atau 9 (kode server)".into()
            }
            GameError::TooManyFields { game, expected } => {
                format!("{game} hanya memerlukan {expected} isian")
            }
        }
    }
}

/// A checked game account: the ids a game needs, all digits, of the right lengths.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GameTarget {
    pub game: Game,
    pub user_id: String,
    /// Mobile Legends' zone id; the server code for Genshin; `None` for Free Fire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
}

fn check_digits(field: &GameField, value: &str) -> Result<String, GameError> {
    let v = value.trim();
    if !v.chars().all(|c| c.is_ascii_digit()) {
        return Err(GameError::NotDigits { field: field.name });
    }
    let got = v.len();
    if got < field.min_digits || got > field.max_digits {
        return Err(GameError::WrongLength {
            field: field.name,
            min: field.min_digits,
            max: field.max_digits,
            got,
        });
    }
    Ok(v.to_owned())
}

impl GameTarget {
    /// Checks the fields of one game.
    pub fn new(game: Game, user_id: &str, zone_id: Option<&str>) -> Result<GameTarget, GameError> {
        let fields = game.fields();
        if user_id.trim().is_empty() {
            return Err(GameError::Missing {
                game,
                field: fields[0].name,
            });
        }
        let user_id = check_digits(&fields[0], user_id)?;
        let zone_id = match (game, zone_id.map(str::trim).filter(|z| !z.is_empty())) {
            (Game::MobileLegends, None) => {
                return Err(GameError::Missing {
                    game,
                    field: "zone_id",
                });
            }
            (Game::MobileLegends, Some(z)) => Some(check_digits(&fields[1], z)?),
            (Game::FreeFire, None) => None,
            (Game::FreeFire, Some(_)) => {
                return Err(GameError::TooManyFields { game, expected: 1 });
            }
            (Game::GenshinImpact, given) => {
                let server = genshin_server(&user_id)?;
                if given.is_some_and(|g| g != server) {
                    return Err(GameError::UnknownServer);
                }
                Some(server.to_owned())
            }
        };
        Ok(GameTarget {
            game,
            user_id,
            zone_id,
        })
    }

    /// Reads one typed line: `12345678 (1234)`, `12345678(1234)`, `12345678 1234` or
    /// `12345678|1234` for Mobile Legends; the id alone for the others.
    pub fn parse(game: Game, input: &str) -> Result<GameTarget, GameError> {
        let cleaned: String = input
            .chars()
            .map(|c| if matches!(c, '(' | ')' | '|') { ' ' } else { c })
            .collect();
        let mut parts = cleaned.split_whitespace();
        let user = parts.next().unwrap_or_default();
        let zone = parts.next();
        if parts.next().is_some() {
            return Err(GameError::TooManyFields {
                game,
                expected: game.fields().len(),
            });
        }
        GameTarget::new(game, user, zone)
    }

    /// The `customer_no` a supplier expects for this account.
    pub fn customer_no(&self, format: SupplierFormat) -> String {
        match (self.game, format, &self.zone_id) {
            // Digiflazz: user id immediately followed by zone id
            // (docs/suppliers.md, "Digiflazz: game customer numbers").
            (Game::MobileLegends, SupplierFormat::Digiflazz, Some(zone)) => {
                format!("{}{zone}", self.user_id)
            }
            // Servers are `uid|server` at Digiflazz sellers too, and IAK joins every extra
            // field with `|` (docs/suppliers.md,
            // "Digiflazz: game customer numbers" and "IAK: game codes and account formats").
            (_, _, Some(extra)) => format!("{}|{extra}", self.user_id),
            (_, _, None) => self.user_id.clone(),
        }
    }
}

/// Shown to cashiers and on receipts: `12345678 (1234)`.
impl fmt::Display for GameTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.zone_id {
            Some(zone) => write!(f, "{} ({zone})", self.user_id),
            None => f.write_str(&self.user_id),
        }
    }
}

fn genshin_server(uid: &str) -> Result<&'static str, GameError> {
    let first = uid.chars().next().ok_or(GameError::UnknownServer)?;
    GENSHIN_SERVERS
        .iter()
        .find(|(digit, _)| *digit == first)
        .map(|(_, server)| *server)
        .ok_or(GameError::UnknownServer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_legends_needs_user_and_zone_and_encodes_per_supplier() {
        for typed in [
            "12345678 (1234)",
            "12345678(1234)",
            "12345678 1234",
            "12345678|1234",
        ] {
            let t = GameTarget::parse(Game::MobileLegends, typed).expect(typed);
            assert_eq!(t.customer_no(SupplierFormat::Digiflazz), "123456781234");
            assert_eq!(t.customer_no(SupplierFormat::Iak), "12345678|1234");
            assert_eq!(t.to_string(), "12345678 (1234)");
        }
        assert_eq!(
            GameTarget::parse(Game::MobileLegends, "12345678"),
            Err(GameError::Missing {
                game: Game::MobileLegends,
                field: "zone_id"
            })
        );
        let err = GameTarget::parse(Game::MobileLegends, "12345678 12").expect_err("short zone");
        assert_eq!(err.field(), "zone_id");
        let err = GameTarget::parse(Game::MobileLegends, "1234abc (1234)").expect_err("letters");
        assert_eq!(err, GameError::NotDigits { field: "user_id" });
    }

    #[test]
    fn free_fire_is_one_id() {
        let t = GameTarget::parse(Game::FreeFire, " 123456789 ").expect("valid");
        assert_eq!(t.customer_no(SupplierFormat::Digiflazz), "123456789");
        assert_eq!(t.customer_no(SupplierFormat::Iak), "123456789");
        assert!(matches!(
            GameTarget::parse(Game::FreeFire, "123456789 1"),
            Err(GameError::TooManyFields { .. })
        ));
        assert!(matches!(
            GameTarget::parse(Game::FreeFire, ""),
            Err(GameError::Missing { .. })
        ));
    }

    #[test]
    fn genshin_server_comes_from_the_uid() {
        let t = GameTarget::parse(Game::GenshinImpact, "812345678").expect("asia uid");
        assert_eq!(t.zone_id.as_deref(), Some("os_asia"));
        assert_eq!(t.customer_no(SupplierFormat::Iak), "812345678|os_asia");
        assert_eq!(
            GameTarget::parse(Game::GenshinImpact, "112345678"),
            Err(GameError::UnknownServer)
        );
        assert!(GameTarget::new(Game::GenshinImpact, "812345678", Some("os_usa")).is_err());
        assert!(GameTarget::new(Game::GenshinImpact, "612345678", Some("os_usa")).is_ok());
    }

    #[test]
    fn codes_round_trip() {
        for g in Game::ALL {
            assert_eq!(Game::from_code(g.code()), Some(g));
            assert!(!g.fields().is_empty());
        }
    }
}
