//! Cashiers and shifts. Each person at the counter logs in with a PIN; every order records
//! who sold it; a shift closes by counting the drawer against what the sales say it holds.
//!
//! PINs are stored as Argon2id hashes. A 4–6 digit PIN cannot resist an offline guess
//! whatever the hash, so the hash keeps PINs out of plain sight and the cost is set for a
//! counter PC (a few milliseconds per check), while guessing at the counter is limited by
//! [`MAX_FAILED_LOGINS`].

use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use konter_domain::money::Rupiah;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::Engine;
use crate::db::now_ms;
use crate::error::{EngineError, EngineResult};
use konter_domain::codes;

/// Wrong PINs in a row before logins pause for [`LOGIN_PAUSE`].
pub const MAX_FAILED_LOGINS: u32 = 5;
pub const LOGIN_PAUSE: Duration = Duration::from_secs(60);
/// Argon2 memory in KiB: small enough for an old counter PC, see the module docs.
const ARGON2_MEMORY_KIB: u32 = 4 * 1024;
const ARGON2_ITERATIONS: u32 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Role {
    Owner,
    Cashier,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Cashier => "cashier",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cashier {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShiftSummary {
    pub shift_id: String,
    pub opening_cash_idr: Rupiah,
    pub expected_idr: Rupiah,
    pub counted_idr: Rupiah,
    /// Counted minus expected: negative means cash is missing.
    pub difference_idr: Rupiah,
}

/// Failed logins, kept in memory: a restart of the app is not a way around the pause that
/// a thief at the counter could use unnoticed.
#[derive(Default)]
pub struct LoginGuard(Mutex<(u32, Option<Instant>)>);

fn hasher() -> EngineResult<Argon2<'static>> {
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, 1, None)
        .map_err(|e| EngineError::Corrupt(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn check_pin(pin: &str) -> EngineResult<()> {
    if (4..=6).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(EngineError::input(
            codes::PIN_INVALID,
            "PIN harus 4 sampai 6 angka",
            "the PIN must be 4 to 6 digits",
            "pin",
        ))
    }
}

impl Engine {
    pub fn create_cashier(&self, name: &str, role: Role, pin: &str) -> EngineResult<Cashier> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 40 {
            return Err(EngineError::input(
                codes::NAME_INVALID,
                "nama wajib diisi, paling panjang 40 huruf",
                "the name is required, at most 40 characters",
                "name",
            ));
        }
        check_pin(pin)?;
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let hash = hasher()?
            .hash_password(pin.as_bytes(), &salt)
            .map_err(|e| EngineError::Corrupt(e.to_string()))?
            .to_string();
        let conn = self.db();
        // A PIN identifies its person at login, so two active people cannot share one.
        let mut stmt = conn.prepare("SELECT pin_hash FROM cashiers WHERE active = 1")?;
        let hashes: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for h in hashes {
            let parsed = PasswordHash::new(&h).map_err(|e| EngineError::Corrupt(e.to_string()))?;
            if hasher()?.verify_password(pin.as_bytes(), &parsed).is_ok() {
                return Err(EngineError::input(
                    codes::PIN_TAKEN,
                    "PIN ini sudah dipakai orang lain",
                    "another person already uses this PIN",
                    "pin",
                ));
            }
        }
        let id = uuid::Uuid::now_v7().to_string();
        conn.execute(
            "INSERT INTO cashiers (id, name, role, pin_hash, active, created_at) VALUES (?1, ?2, ?3, ?4, 1, ?5)",
            params![id, name, role.code(), hash, now_ms()],
        )?;
        Ok(Cashier {
            id,
            name: name.to_owned(),
            role,
            active: true,
        })
    }

    pub fn cashiers(&self) -> EngineResult<Vec<Cashier>> {
        let conn = self.db();
        let mut stmt =
            conn.prepare("SELECT id, name, role, active FROM cashiers ORDER BY created_at")?;
        let rows = stmt.query_map([], |r| {
            let role: String = r.get(2)?;
            Ok(Cashier {
                id: r.get(0)?,
                name: r.get(1)?,
                role: if role == "owner" {
                    Role::Owner
                } else {
                    Role::Cashier
                },
                active: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn disable_cashier(&self, id: &str) -> EngineResult<bool> {
        Ok(self
            .db()
            .execute("UPDATE cashiers SET active = 0 WHERE id = ?1", [id])?
            == 1)
    }

    /// The active person with this PIN.
    pub fn login(&self, guard: &LoginGuard, pin: &str) -> EngineResult<Cashier> {
        {
            let state = guard.0.lock().unwrap_or_else(|p| p.into_inner());
            if let (failures, Some(since)) = *state
                && failures >= MAX_FAILED_LOGINS
                && since.elapsed() < LOGIN_PAUSE
            {
                return Err(EngineError::input(
                    codes::LOGIN_PAUSED,
                    "terlalu banyak PIN salah; tunggu 1 menit",
                    "too many wrong PINs; wait a minute",
                    "pin",
                ));
            }
        }
        let found = self.cashiers()?.into_iter().filter(|c| c.active).find(|c| {
            let hash: Option<String> = self
                .db()
                .query_row(
                    "SELECT pin_hash FROM cashiers WHERE id = ?1",
                    [&c.id],
                    |r| r.get(0),
                )
                .optional()
                .ok()
                .flatten();
            hash.and_then(|h| {
                PasswordHash::new(&h)
                    .ok()
                    .map(|p| hasher().is_ok_and(|a| a.verify_password(pin.as_bytes(), &p).is_ok()))
            })
            .unwrap_or(false)
        });
        let mut state = guard.0.lock().unwrap_or_else(|p| p.into_inner());
        match found {
            Some(c) => {
                *state = (0, None);
                Ok(c)
            }
            None => {
                *state = (state.0 + 1, Some(Instant::now()));
                Err(EngineError::input(
                    codes::PIN_WRONG,
                    "PIN salah",
                    "wrong PIN",
                    "pin",
                ))
            }
        }
    }

    pub fn open_shift(&self, cashier: &Cashier, opening_cash: Rupiah) -> EngineResult<String> {
        if opening_cash.is_negative() {
            return Err(EngineError::input(
                codes::AMOUNT_INVALID,
                "modal laci tidak boleh negatif",
                "the opening cash cannot be negative",
                "opening_cash_idr",
            ));
        }
        let conn = self.db();
        let open: Option<String> = conn
            .query_row(
                "SELECT id FROM shifts WHERE cashier_id = ?1 AND closed_at IS NULL",
                [&cashier.id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = open {
            return Ok(id);
        }
        let id = uuid::Uuid::now_v7().to_string();
        conn.execute(
            "INSERT INTO shifts (id, cashier_id, opened_at, opening_cash_idr) VALUES (?1, ?2, ?3, ?4)",
            params![id, cashier.id, now_ms(), opening_cash.idr()],
        )?;
        Ok(id)
    }

    /// Closes the cashier's open shift against the counted cash. Expected = the opening
    /// cash plus the price of every sale of the shift that was not given back.
    pub fn close_shift(&self, cashier: &Cashier, counted: Rupiah) -> EngineResult<ShiftSummary> {
        if counted.is_negative() {
            return Err(EngineError::input(
                codes::AMOUNT_INVALID,
                "uang dihitung tidak boleh negatif",
                "the counted cash cannot be negative",
                "counted_cash_idr",
            ));
        }
        let mut conn = self.db();
        let tx = conn.transaction()?;
        let (id, opened_at, opening): (String, i64, i64) = tx
            .query_row(
                "SELECT id, opened_at, opening_cash_idr FROM shifts WHERE cashier_id = ?1 AND closed_at IS NULL",
                [&cashier.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| EngineError::input(codes::NO_SHIFT, "tidak ada shift yang terbuka", "no shift is open", "cashier_id"))?;
        let sales: i64 = tx.query_row(
            "SELECT COALESCE(SUM(price_idr), 0) FROM orders WHERE cashier_id = ?1 AND created_at >= ?2 \
             AND status NOT IN ('failed', 'refunded')",
            params![cashier.id, opened_at],
            |r| r.get(0),
        )?;
        let expected = opening + sales;
        tx.execute(
            "UPDATE shifts SET closed_at = ?2, expected_cash_idr = ?3, counted_cash_idr = ?4 WHERE id = ?1",
            params![id, now_ms(), expected, counted.idr()],
        )?;
        crate::journal::enqueue_close(&tx, &id)?;
        tx.commit()?;
        Ok(ShiftSummary {
            shift_id: id,
            opening_cash_idr: Rupiah::from_idr(opening),
            expected_idr: Rupiah::from_idr(expected),
            counted_idr: counted,
            difference_idr: Rupiah::from_idr(counted.idr() - expected),
        })
    }
}
