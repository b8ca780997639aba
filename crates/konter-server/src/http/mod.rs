//! The HTTP API. `app(state)` builds the router so tests can drive it with `oneshot`
//! without a socket; `serve` runs it on a listener with graceful shutdown.

pub mod error;
pub mod extract;
mod feed;
mod routes;

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

use crate::App;
use crate::metrics::Metrics;
use crate::store::Store;

/// Largest request body: a full outbox batch (100 orders of ~250 bytes) fits with room to
/// spare; anything bigger is not a Konter device talking.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How long a graceful shutdown waits for requests in flight (long-polls included).
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(35);

pub fn app<S: Store + Clone + 'static>(state: App<S>) -> Router {
    let mut router = Router::new()
        .route("/healthz", get(routes::healthz))
        .route("/metrics", get(routes::metrics::<S>))
        .route("/v1/devices/pair", post(routes::pair::<S>))
        .route("/v1/catalog", get(routes::catalog::<S>))
        .route("/v1/orders", post(routes::create_order::<S>))
        .route("/v1/orders/batch", post(routes::create_batch::<S>))
        .route("/v1/orders/{id}", get(routes::get_order::<S>))
        .route("/v1/saldo", get(routes::saldo::<S>))
        .route("/v1/deposits", post(routes::create_deposit::<S>))
        .route("/v1/deposits/{id}", get(routes::get_deposit::<S>))
        .route("/hooks/midtrans", post(routes::midtrans_hook::<S>))
        .route("/v1/changes", get(feed::changes::<S>));
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
    let router = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
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
