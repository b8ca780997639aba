//! The HTTP API. `app(state)` builds the router so tests can drive it with `oneshot`
//! without a socket; `serve` runs it on a listener with graceful shutdown.

pub mod error;
pub mod extract;
mod feed;
mod hooks;
mod journal;
pub mod openapi;
mod routes;
pub mod settings;

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{MethodRouter, get, post};
use tower_http::trace::TraceLayer;

use crate::App;
use crate::metrics::Metrics;
use crate::store::Store;
use openapi::{RouteDoc, schema};

/// Largest request body: a full outbox batch (100 orders of ~250 bytes) fits with room to
/// spare; anything bigger is not a Konter device talking.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How long a graceful shutdown waits for requests in flight (long-polls included).
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(35);

/// Every route with its documentation: the router and `/openapi.json` are both built from
/// this table.
fn routes_table<S: Store + Clone + 'static>() -> Vec<(RouteDoc, MethodRouter<App<S>>)> {
    use konter_domain::api::v1 as w;
    let doc = |method, path, summary, device_auth, request, response, success| RouteDoc {
        method,
        path,
        summary,
        device_auth,
        request,
        response,
        success,
        query: &[],
    };
    vec![
        (
            doc("GET", "/healthz", "Liveness", false, None, None, 200),
            get(routes::healthz),
        ),
        (
            doc(
                "GET",
                "/metrics",
                "Prometheus counters",
                false,
                None,
                None,
                200,
            ),
            get(routes::metrics::<S>),
        ),
        (
            doc(
                "GET",
                "/openapi.json",
                "This document",
                false,
                None,
                None,
                200,
            ),
            get(openapi_json::<S>),
        ),
        (
            doc(
                "POST",
                "/v1/devices/pair",
                "Exchange a one-time pairing code for a device token",
                false,
                Some(schema::<w::PairRequest>),
                Some(schema::<w::PairResponse>),
                200,
            ),
            post(routes::pair::<S>),
        ),
        (
            doc(
                "GET",
                "/v1/catalog",
                "The catalogue priced for the shop",
                true,
                None,
                Some(schema::<w::Catalog>),
                200,
            ),
            get(routes::catalog::<S>),
        ),
        (
            doc(
                "POST",
                "/v1/orders",
                "Place an order (idempotent by id; 201 new, 200 retry)",
                true,
                Some(schema::<w::CreateOrder>),
                Some(schema::<w::Order>),
                201,
            ),
            post(routes::create_order::<S>),
        ),
        (
            doc(
                "POST",
                "/v1/orders/batch",
                "Place up to 100 orders in order (an outbox drain)",
                true,
                Some(schema::<w::BatchOrders>),
                Some(schema::<w::BatchOrdersResult>),
                200,
            ),
            post(routes::create_batch::<S>),
        ),
        (
            doc(
                "GET",
                "/v1/orders/{id}",
                "One order of the shop",
                true,
                None,
                Some(schema::<w::Order>),
                200,
            ),
            get(routes::get_order::<S>),
        ),
        (
            doc(
                "GET",
                "/v1/saldo",
                "The shop's saldo",
                true,
                None,
                Some(schema::<w::Saldo>),
                200,
            ),
            get(routes::saldo::<S>),
        ),
        (
            RouteDoc {
                query: &[
                    ("after", "the last seq applied (default 0)"),
                    ("limit", "changes per page, 1 to 500 (default 100)"),
                    (
                        "wait_s",
                        "long-poll up to this many seconds, 0 to 30 (default 0)",
                    ),
                ],
                ..doc(
                    "GET",
                    "/v1/changes",
                    "The shop's change feed, strictly increasing seq",
                    true,
                    None,
                    Some(schema::<w::Changes>),
                    200,
                )
            },
            get(feed::changes::<S>),
        ),
        (
            doc(
                "POST",
                "/v1/deposits",
                "Request a saldo deposit by VA or QRIS (idempotent by id)",
                true,
                Some(schema::<w::CreateDeposit>),
                Some(schema::<w::Deposit>),
                201,
            ),
            post(routes::create_deposit::<S>),
        ),
        (
            doc(
                "GET",
                "/v1/deposits/{id}",
                "One deposit of the shop",
                true,
                None,
                Some(schema::<w::Deposit>),
                200,
            ),
            get(routes::get_deposit::<S>),
        ),
        (
            doc(
                "POST",
                "/v1/bills/inquiry",
                "Look a postpaid bill up (201; a retry with the same id: 200 and the same bill)",
                true,
                Some(schema::<w::BillInquiryRequest>),
                Some(schema::<w::BillInquiry>),
                201,
            ),
            post(routes::bill_inquiry::<S>),
        ),
        (
            doc(
                "POST",
                "/v1/inquiries/pln",
                "PLN customer name and tariff/power for a meter or customer number",
                true,
                Some(schema::<w::PlnInquiryRequest>),
                Some(schema::<w::PlnInquiry>),
                200,
            ),
            post(routes::pln_inquiry::<S>),
        ),
        (
            doc(
                "POST",
                "/v1/inquiries/game",
                "A game account's nickname, where a supplier offers the check",
                true,
                Some(schema::<w::GameInquiryRequest>),
                Some(schema::<w::GameInquiry>),
                200,
            ),
            post(routes::game_inquiry::<S>),
        ),
        (
            doc(
                "POST",
                "/v1/journal",
                "Record sales and shift closes for the owner's figures (each entry idempotent by id)",
                true,
                Some(schema::<konter_domain::journal::Batch>),
                Some(schema::<konter_domain::journal::BatchResult>),
                200,
            ),
            post(journal::record::<S>),
        ),
        (
            RouteDoc {
                query: &[("date", "the shop's day, YYYY-MM-DD")],
                ..doc(
                    "GET",
                    "/v1/report",
                    "The shop's day over every counter (the sales journal), for the counter's report",
                    true,
                    None,
                    None,
                    200,
                )
            },
            get(settings::report::<S>),
        ),
        (
            doc(
                "GET",
                "/v1/settings",
                "The shop-wide settings (price rules, bill fees, receipt texts, zone)",
                true,
                None,
                None,
                200,
            ),
            get(settings::get::<S>),
        ),
        (
            doc(
                "POST",
                "/v1/settings",
                "Save the shop-wide settings made from their version (409 when changed meanwhile)",
                true,
                None,
                None,
                200,
            ),
            post(settings::post::<S>),
        ),
        (
            doc(
                "POST",
                "/hooks/digiflazz",
                "Digiflazz transaction webhook (X-Hub-Signature, HMAC-SHA1)",
                false,
                None,
                None,
                200,
            ),
            post(hooks::digiflazz::<S>),
        ),
        (
            doc(
                "POST",
                "/hooks/iak",
                "IAK top-up callback (md5 sign in the body)",
                false,
                None,
                None,
                200,
            ),
            post(hooks::iak::<S>),
        ),
        (
            doc(
                "POST",
                "/hooks/midtrans",
                "Midtrans payment notification (signed)",
                false,
                None,
                None,
                200,
            ),
            post(routes::midtrans_hook::<S>),
        ),
    ]
}

async fn openapi_json<S: Store + Clone + 'static>() -> axum::Json<serde_json::Value> {
    let docs: Vec<RouteDoc> = routes_table::<S>().into_iter().map(|(d, _)| d).collect();
    axum::Json(openapi::document(&docs))
}

pub fn app<S: Store + Clone + 'static>(state: App<S>) -> Router {
    let mut router = Router::new();
    for (doc, handler) in routes_table::<S>() {
        router = router.route(doc.path, handler);
    }
    router = router.merge(crate::owner::routes::<S>());
    if state.config.testing.allow_manual_settle {
        router = router.route("/_test/orders/{id}/settle", post(routes::settle::<S>));
    }
    router
        .fallback(routes::no_route)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests::<S>,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn count_requests<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    req: Request,
    next: Next,
) -> Response {
    Metrics::inc(&app.metrics.http_requests);
    next.run(req).await
}

/// Serves until Ctrl-C or SIGTERM, then lets requests in flight finish.
pub async fn serve<S: Store + Clone + 'static>(
    listener: tokio::net::TcpListener,
    state: App<S>,
) -> std::io::Result<()> {
    serve_until(listener, state, shutdown_signal()).await
}

/// Serves until `shutdown` completes, then closes idle connections and lets requests in
/// flight finish. With a supplier configured, the fulfilment workers run alongside and
/// stop after the last request; without one, orders wait in the queue.
pub async fn serve_until<S: Store + Clone + 'static>(
    listener: tokio::net::TcpListener,
    state: App<S>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = state.suppliers.any().then(|| {
        (
            tokio::spawn(crate::fulfil::Fulfiller::new(state.clone()).run(stopped.clone())),
            tokio::spawn(crate::prices::run(state.clone(), stopped)),
        )
    });
    if workers.is_none() {
        tracing::warn!("no supplier is configured: orders wait until one is");
    }
    let alarms = tokio::spawn(crate::alarms::run(state.clone(), stop.subscribe()));
    let tls = match &state.config.tls {
        Some(settings) => Some(crate::tls::load(settings, stop.subscribe()).map_err(|e| {
            let _ = stop.send(true);
            std::io::Error::other(format!("{e:#}"))
        })?),
        None => None,
    };
    let router = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = match tls {
        None => {
            axum::serve(listener, router)
                .with_graceful_shutdown(shutdown)
                .await
        }
        Some((config, reload)) => {
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                shutdown.await;
                stopper.graceful_shutdown(Some(SHUTDOWN_GRACE));
            });
            let served = axum_server::from_tcp_rustls(listener.into_std()?, config)?
                .handle(handle)
                .serve(router)
                .await;
            let _ = stop.send(true);
            let _ = reload.await;
            served
        }
    };
    let _ = stop.send(true);
    let _ = alarms.await;
    if let Some((fulfil, prices)) = workers {
        let _ = fulfil.await;
        let _ = prices.await;
    }
    served
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down; finishing requests in flight");
}
