//! The UI contract (`ui/tests/contract/scenarios.json`) against the real engine over IPC.
//! The same file runs against the UI's stand-in engine in Vitest; where the two disagree,
//! this side is the truth. Format: `ui/tests/contract/README.md`.

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{FixedOffset, Utc};
use serde_json::Value;
use support::{Counter, Orders, StandIn, counter, stand_in_server};

const SCENARIOS: &str = include_str!("../../ui/tests/contract/scenarios.json");
/// How long a `poll` step may wait for the engine and the server.
const POLL: Duration = Duration::from_secs(15);

/// Values kept by `as`, and the server's address.
struct Scope {
    server: String,
    kept: HashMap<String, Value>,
}

impl Scope {
    /// The value of one placeholder's name.
    fn lookup(&self, name: &str) -> Value {
        if name == "server" {
            return Value::String(self.server.clone());
        }
        if let Some(day) = name.strip_prefix("day:") {
            return Value::String(day_at(day));
        }
        let mut parts = name.split('.');
        let head = parts.next().unwrap_or_default();
        let mut value = self
            .kept
            .get(head)
            .unwrap_or_else(|| panic!("no answer kept as {head}"))
            .clone();
        for part in parts {
            value = value[part].clone();
        }
        value
    }

    /// `value` with its placeholders filled in.
    fn fill(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => self.fill_text(s),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.fill(v)).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), self.fill(v))).collect())
            }
            other => other.clone(),
        }
    }

    fn fill_text(&self, s: &str) -> Value {
        // A string that is one placeholder takes the value itself.
        if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}'))
            && !name.contains("${")
        {
            return self.lookup(name);
        }
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find('}').expect("a closed placeholder") + start;
            match self.lookup(&rest[start + 2..end]) {
                Value::String(text) => out.push_str(&text),
                other => out.push_str(&other.to_string()),
            }
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Value::String(out)
    }
}

/// `+9` → today's date at UTC+9; `+9:-1` → the day before.
fn day_at(spec: &str) -> String {
    let (offset, shift) = spec.split_once(':').unwrap_or((spec, "0"));
    let hours: i32 = offset.parse().expect("an offset in hours");
    let days: i64 = shift.parse().expect("a shift in days");
    let zone = FixedOffset::east_opt(hours * 3600).expect("a zone");
    let today = Utc::now().with_timezone(&zone).date_naive();
    (today + chrono::TimeDelta::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// Whether `answer` matches `expected` (README: partial objects, same-length arrays).
fn matches(expected: &Value, answer: &Value) -> bool {
    match (expected, answer) {
        (Value::Object(want), Value::Object(got)) => want.iter().all(|(k, v)| match got.get(k) {
            Some(g) => matches(v, g),
            None => v.is_null(),
        }),
        (Value::Array(want), Value::Array(got)) => {
            want.len() == got.len() && want.iter().zip(got).all(|(w, g)| matches(w, g))
        }
        (w, g) => w == g,
    }
}

/// Why `result` is not what `expect` says, or `None` when it is.
fn mismatch(expect: &Value, result: &Result<Value, Value>) -> Option<String> {
    match (expect.get("ok"), result) {
        (Some(want), Ok(got)) if matches(want, got) => None,
        (Some(want), Ok(got)) => Some(format!("answered {got}\n   expected {want}")),
        (Some(_), Err(e)) => Some(format!("refused {e}")),
        (None, Ok(got)) => Some(format!("answered {got}, expected a refusal")),
        (None, Err(e)) => {
            let code = &expect["error"];
            if &e["code"] != code {
                return Some(format!("refused {e}, expected code {code}"));
            }
            if let Some(field) = expect.get("field") {
                let got = e.get("field").cloned().unwrap_or(Value::Null);
                if &got != field {
                    return Some(format!("refused {e}, expected field {field}"));
                }
            }
            let message = e["message"].as_str().unwrap_or_default();
            if !message.contains(" / ") {
                return Some(format!("message {message:?} is not `Indonesian / English`"));
            }
            None
        }
    }
}

fn orders_mode(value: &Value) -> Orders {
    match value.as_str() {
        Some("refunds") => Orders::Refunds,
        Some("down") | None => Orders::Down,
        Some(other) => panic!("unknown orders mode {other}"),
    }
}

/// Runs one scenario; every wrong step, described.
fn run(file: &Value, scenario: &Value) -> Vec<String> {
    let server = &file["server"];
    let mode = scenario.get("orders").unwrap_or(&server["orders"]);
    let url = stand_in_server(StandIn {
        pairing_code: server["pairing_code"].as_str().expect("code").to_owned(),
        shop_name: server["shop_name"].as_str().expect("shop name").to_owned(),
        saldo_idr: server["saldo_idr"].as_i64().expect("saldo"),
        catalogue: file["catalogue"].clone(),
        orders: orders_mode(mode),
    });
    let c: Counter = counter();
    let mut scope = Scope {
        server: url,
        kept: HashMap::new(),
    };
    let mut wrong = Vec::new();
    let steps = scenario["steps"].as_array().expect("steps");
    for (i, step) in steps.iter().enumerate() {
        let cmd = step["cmd"].as_str().expect("cmd");
        let args = scope.fill(&step["args"]);
        let expect = scope.fill(&step["expect"]);
        let started = Instant::now();
        let result = loop {
            let result = c.call(cmd, args.clone());
            let poll = step["poll"].as_bool().unwrap_or(false);
            if !poll || mismatch(&expect, &result).is_none() || started.elapsed() > POLL {
                break result;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        if let Some(why) = mismatch(&expect, &result) {
            wrong.push(format!("step {} ({cmd} {args}): {why}", i + 1));
            // Later steps build on this one; the first wrong step is the finding.
            break;
        }
        if let (Some(name), Ok(answer)) = (step["as"].as_str(), result) {
            scope.kept.insert(name.to_owned(), answer);
        }
    }
    wrong
}

#[test]
fn the_engine_keeps_the_ui_contract() {
    let file: Value = serde_json::from_str(SCENARIOS).expect("scenarios.json");
    let scenarios = file["scenarios"].as_array().expect("scenarios");
    assert!(!scenarios.is_empty(), "the contract has scenarios");
    let only = std::env::var("CONTRACT_SCENARIO").ok();
    let mut failures = Vec::new();
    for scenario in scenarios {
        let name = scenario["name"].as_str().expect("name");
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        for why in run(&file, scenario) {
            failures.push(format!("{name}\n  {why}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} scenario(s) broken:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_matcher_is_partial_on_objects_and_strict_on_arrays() {
    let answer = serde_json::json!({"a": 1, "b": [1, 2], "c": {"d": "x", "e": null}});
    assert!(matches(&serde_json::json!({"a": 1}), &answer));
    assert!(matches(
        &serde_json::json!({"c": {"d": "x", "f": null}}),
        &answer
    ));
    assert!(!matches(&serde_json::json!({"a": "1"}), &answer));
    assert!(!matches(&serde_json::json!({"b": [1]}), &answer));
    assert!(!matches(&serde_json::json!({"z": 1}), &answer));
}
