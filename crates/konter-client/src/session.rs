//! Who is at the counter and what they may do: one rule for the desktop app and the `konter`
//! command line. Selling, the order list and printing need someone logged in; the report,
//! settings and adding people need the owner once there is one (before that the device is
//! in setup, and its first owner is added without a login).
//!
//! The app keeps who is logged in for as long as it runs; the command line keeps it in the
//! device store (the cashier's id, never the PIN) until `konter logout`.

use crate::Engine;
use crate::cashiers::{Cashier, LoginGuard, Role};
use crate::db;
use crate::error::{EngineError, EngineResult};
use konter_domain::codes;

/// What an action needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Anyone logged in.
    Cashier,
    /// The owner.
    Owner,
}

/// The setting that keeps the command line's session.
const SESSION: &str = "session_cashier_id";

fn not_logged_in() -> EngineError {
    EngineError::input(
        codes::NOT_LOGGED_IN,
        "masuk dulu dengan PIN",
        "log in with your PIN first",
        "pin",
    )
}

fn owner_only() -> EngineError {
    EngineError::input(
        codes::OWNER_ONLY,
        "hanya pemilik yang boleh",
        "only the owner may do this",
        "pin",
    )
}

impl Engine {
    /// Whether an active owner is set up.
    pub fn has_owner(&self) -> EngineResult<bool> {
        Ok(self
            .cashiers()?
            .iter()
            .any(|c| c.active && c.role == Role::Owner))
    }

    /// Whether `who` may do what `gate` needs; `who` is returned when they may. The owner's
    /// gate is open while no owner is set up (the device's setup).
    pub fn allow(&self, who: Option<Cashier>, gate: Gate) -> EngineResult<Option<Cashier>> {
        if gate == Gate::Owner && !self.has_owner()? {
            return Ok(who);
        }
        let Some(c) = who else {
            return Err(not_logged_in());
        };
        if gate == Gate::Owner && c.role != Role::Owner {
            return Err(owner_only());
        }
        Ok(Some(c))
    }

    /// Logs `name` in with `pin` and keeps the session in the device store until
    /// [`Engine::end_session`].
    pub fn start_session(
        &self,
        guard: &LoginGuard,
        name: &str,
        pin: &str,
    ) -> EngineResult<Cashier> {
        let c = self.login(guard, pin)?;
        if !c.name.eq_ignore_ascii_case(name.trim()) {
            return Err(EngineError::input(
                codes::PIN_WRONG,
                "nama atau PIN salah",
                "wrong name or PIN",
                "pin",
            ));
        }
        db::set_setting(&self.db(), SESSION, &c.id)?;
        Ok(c)
    }

    /// The person whose session the device store keeps, while they are still active.
    pub fn session(&self) -> EngineResult<Option<Cashier>> {
        let Some(id) = db::setting(&self.db(), SESSION)? else {
            return Ok(None);
        };
        Ok(self
            .cashiers()?
            .into_iter()
            .find(|c| c.id == id && c.active))
    }

    /// Ends the kept session.
    pub fn end_session(&self) -> EngineResult<()> {
        self.db()
            .execute("DELETE FROM settings WHERE key = ?1", [SESSION])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::MemoryStore;

    fn engine() -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().expect("dir");
        let engine = Engine::open(dir.path(), Box::new(MemoryStore::default())).expect("engine");
        (dir, engine)
    }

    #[test]
    fn selling_needs_a_login_and_the_owner_gate_opens_only_in_setup() {
        let (_dir, e) = engine();
        assert!(e.allow(None, Gate::Owner).is_ok(), "no owner yet: setup");
        assert!(
            e.allow(None, Gate::Cashier).is_err(),
            "selling needs someone"
        );
        let owner = e
            .create_cashier("Bu Sari", Role::Owner, "123456")
            .expect("owner");
        let sri = e
            .create_cashier("Sri", Role::Cashier, "5678")
            .expect("cashier");
        let err = e.allow(None, Gate::Owner).expect_err("log in first");
        assert!(err.to_string().contains("log in"), "{err}");
        assert!(e.allow(Some(sri.clone()), Gate::Cashier).is_ok());
        let err = e
            .allow(Some(sri), Gate::Owner)
            .expect_err("a cashier is not the owner");
        assert!(err.to_string().contains("owner"), "{err}");
        assert!(e.allow(Some(owner), Gate::Owner).is_ok());
    }

    #[test]
    fn a_kept_session_needs_the_right_name_and_pin_and_ends_on_logout() {
        let (_dir, e) = engine();
        e.create_cashier("Bu Sari", Role::Owner, "123456")
            .expect("owner");
        e.create_cashier("Sri", Role::Cashier, "5678")
            .expect("cashier");
        let guard = LoginGuard::default();
        assert!(
            e.start_session(&guard, "Bu Sari", "5678").is_err(),
            "Sri's PIN"
        );
        assert_eq!(
            e.session().expect("read"),
            None,
            "nothing kept on a failure"
        );
        let sri = e.start_session(&guard, "sri", "5678").expect("login");
        assert_eq!(e.session().expect("read").map(|c| c.id), Some(sri.id));
        e.end_session().expect("logout");
        assert_eq!(e.session().expect("read"), None);
    }
}
