//! `GET /openapi.json`, generated from the same route table the router is built from
//! (`super::routes_table`) and from the wire types' JSON Schemas, so the document cannot
//! drift from the code.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

/// Produces a type's schema (a `$ref` into the components) in a generator.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

pub fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// What the document says about one route.
pub struct RouteDoc {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// Needs `Authorization: Bearer <device token>`.
    pub device_auth: bool,
    pub request: Option<SchemaFn>,
    pub response: Option<SchemaFn>,
    pub success: u16,
    /// Query parameters: (name, description).
    pub query: &'static [(&'static str, &'static str)],
}

pub fn document(routes: &[RouteDoc]) -> Value {
    let mut g = SchemaSettings::openapi3().into_generator();
    let error = g.subschema_for::<konter_domain::api::v1::ApiError>();
    let mut paths = Map::new();
    for r in routes {
        let mut op = json!({
            "summary": r.summary,
            "responses": {
                r.success.to_string(): {"description": "success"},
                "4XX": {"description": "refused; nothing changed", "content": {"application/json": {"schema": error}}},
            },
        });
        if let Some(f) = r.response {
            op["responses"][r.success.to_string()]["content"] =
                json!({"application/json": {"schema": f(&mut g)}});
        }
        if let Some(f) = r.request {
            op["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": f(&mut g)}}});
        }
        if r.device_auth {
            op["security"] = json!([{"device": []}]);
        }
        let mut params: Vec<Value> = r
            .query
            .iter()
            .map(|(name, description)| json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": "integer"}}))
            .collect();
        if r.path.contains("{id}") {
            params.push(json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}));
        }
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        let entry = paths.entry(r.path.to_owned()).or_insert_with(|| json!({}));
        entry[r.method.to_lowercase()] = op;
    }
    let schemas: Map<String, Value> = g.take_definitions(true);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Konter sync server",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Device <-> server API. Amounts are whole rupiah (`*_idr`). Errors are {code, message, field} with a 4xx status; messages are Bahasa Indonesia / English.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"device": {"type": "http", "scheme": "bearer"}},
        },
    })
}
