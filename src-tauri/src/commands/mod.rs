//! One `#[tauri::command]` per command of the UI's `ipc.ts`, each a few lines over the
//! engine. Names are the UI's (snake_case); Tauri maps the UI's camelCase argument keys
//! onto the snake_case parameters.

pub mod admin;
pub mod books;
pub mod printing;
pub mod selling;
pub mod session;

use std::sync::Arc;

use crate::state::Konter;

/// The state every command gets.
pub type Shared<'a> = tauri::State<'a, Arc<Konter>>;
