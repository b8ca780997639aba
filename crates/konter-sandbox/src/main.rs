//! `konter-sandbox`: runs the simulators on one port.

use clap::Parser;
use konter_sandbox::{Sandbox, Settings, router};

#[derive(Parser)]
#[command(
    name = "konter-sandbox",
    version,
    about = "Simulators of Midtrans (and, next, Digiflazz and IAK) for tests and the demo",
    long_about = "Simulators of the outside parties Konter talks to, following \
shared/reference/suppliers.md.\n\nMidtrans (under /midtrans): POST /v2/charge (bank_transfer with \
bank bca|bni|bri|permata, or qris), GET /v2/{order_id}/status; Basic auth with the server key. \
A charge stays pending until POST /_sandbox/midtrans/{order_id}/pay (settlement) or /expire; \
each sends a notification signed sha512(order_id+status_code+gross_amount+server_key) to \
{webhook-base}/hooks/midtrans. POST /_sandbox/midtrans/{order_id}/notify sends it again (a \
duplicate). A second charge with a used order_id answers 406.\n\nGET /_sandbox/requests lists \
every request received."
)]
struct Cli {
    #[arg(long, default_value = "127.0.0.1:8090")]
    listen: String,
    /// The Konter server's base URL, where webhooks go (e.g. http://127.0.0.1:8080).
    #[arg(long)]
    webhook_base: Option<String>,
    /// The Midtrans server key the sandbox accepts and signs with.
    #[arg(long, default_value = konter_sandbox::midtrans::DEFAULT_SERVER_KEY)]
    midtrans_server_key: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let sandbox = Sandbox::new(Settings {
        webhook_base: cli.webhook_base.map(|b| b.trim_end_matches('/').to_owned()),
        midtrans_server_key: cli.midtrans_server_key,
    });
    let listener = tokio::net::TcpListener::bind(&cli.listen).await?;
    eprintln!(
        "konter-sandbox listening on http://{}",
        listener.local_addr()?
    );
    axum::serve(listener, router(sandbox)).await?;
    Ok(())
}
