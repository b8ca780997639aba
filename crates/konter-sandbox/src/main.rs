//! `konter-sandbox`: runs the simulators on one port.

use clap::Parser;
use konter_sandbox::{MAX_PENDING_DELAY_MS, Sandbox, Settings, digiflazz, iak, midtrans, router};

const ABOUT: &str = "Simulators of Midtrans, Digiflazz and IAK for tests and the demo";

const LONG_ABOUT: &str = "Simulators of the outside parties Konter talks to, following \
docs/suppliers.md. All on one port; webhooks go to --webhook-base.

MIDTRANS (under /midtrans): POST /v2/charge (bank_transfer with bank bca|bni|bri|permata, or \
qris), GET /v2/{order_id}/status; Basic auth with the server key. A charge stays pending until \
POST /_sandbox/midtrans/{order_id}/pay (settlement) or /expire; each sends a notification \
signed sha512(order_id+status_code+gross_amount+server_key) to {webhook-base}/hooks/midtrans. \
POST /_sandbox/midtrans/{order_id}/notify sends it again. A reused order_id answers 406.

DIGIFLAZZ (under /digiflazz/v1, so the base URL is http://HOST/digiflazz/v1): POST cek-saldo \
(sign suffix \"depo\"), price-list (\"pricelist\"), deposit (\"deposit\"), transaction (the \
ref_id; re-posting the same body is the status check) and inquiry-pln (the customer_no). \
sign = md5(username + key + suffix). rc 40-49 answer HTTP 400, the rest 200. The development \
key needs \"testing\": true and sells only xld10 (anything else: rc 41); the production key \
must not send testing. Each key has its own balance (dev 1,000,000; prod 10,000,000) and \
books. A reused ref_id with another sku or customer_no answers rc 49. Webhooks: POST \
{cb_url or webhook-base/hooks/digiflazz}, headers X-Digiflazz-Event: update, User-Agent: \
Digiflazz-Hookshot, X-Hub-Signature: sha1=hex(hmac-sha1(raw body, webhook secret)).

IAK (under /iak/api, so the base URL is http://HOST/iak): POST check-balance (\"bl\"), \
pricelist[/TYPE[/OPERATOR]] (\"pl\"), top-up and check-status (the ref_id), inquiry-pln (the \
customer_id), inquiry-game (the game_code: 103 Mobile Legends user|zone, 135 Free Fire user, \
172 Genshin uid|server). A top-up always answers PROCESS (status 0, rc 39); the callback goes \
to {webhook-base}/hooks/iak with string values and sign = md5(username + key + ref_id) in the \
body. The development key acts as IAK's sandbox: top-ups wait for POST \
/_sandbox/iak/{ref_id}/success or /failed; inquiry-pln succeeds only for 12345678901, \
inquiry-game only for 103 + 156378300|8483. The production key follows the rules below.

OUTCOMES (production keys; Digiflazz testing mode with xld10 too). The last digit of the \
customer number decides:
  0, 1, 8, 9  success at once (IAK: PROCESS, then the success callback ~200 ms later)
  2           failed at once            (Digiflazz rc 02, IAK rc 07)
  3           pending, then success     after --pending-delay-ms, with the webhook
  4           pending, then failed      (rc 02 / 07) after the delay, with the webhook
  5           pending as rc 99 \"DF Router Issue\" (IAK status rc 201), then success
  6           wrong number: Digiflazz rc 54, IAK rc 14 (games: IAK 142); inquiries fail too
  7           product disrupted: Digiflazz rc 55, IAK rc 106
Digiflazz's magic numbers are instances: xld10 + 087800001230 success (sn 1234567890), \
...1232 failed, ...1233 pending then success, ...1234 pending then failed. Checked before \
the digit: phone products need 08..., 10-13 digits (Digiflazz rc 54/57, IAK 14/203) and, for \
pulsa and data, the operator's prefix (rc 52, IAK 16); PLN needs 11 or 12 digits (rc 57, IAK \
14); Digiflazz games take digits only (Mobile Legends user_id+zone_id), IAK games user|zone \
(rc 54, IAK 141/142). A purchase is debited when accepted and credited back when it fails or \
is refunded; too little balance is rc 44 (IAK 17). Successful PLN sn: \
TOKEN/NAME/TARIFF/POWERVA/KWHKWH at Digiflazz, TOKEN/NAME/TARIFF /000POWER/KWH at IAK.

FAULTS: POST /_sandbox/faults with any of {\"delay_ms\": N, \"drop_after_commit\": true, \
\"http_500\": true, \"malformed_json\": true, \"duplicate_webhooks\": true, \
\"out_of_order_webhooks\": true, \"bad_webhook_signature\": true} plus optional \"api\": \
\"digiflazz\"|\"iak\" and \"count\": N (next N uses); GET lists the rules, DELETE clears \
them. delay, drop and malformed JSON commit the purchase first (the client must re-query \
the same ref_id); 500 commits nothing. Out of order: Digiflazz follows each webhook with a \
stale one for the state before it (the Pending, as event create, after the Sukses; the Sukses \
after a refund); IAK delivers the callback before the top-up's PROCESS answer, and the stale \
success after a refund.

ADMIN: POST /_sandbox/{digiflazz|iak}/{ref_id}/refund (a late refund: rc 74 and a webhook \
after a success), /{ref_id}/notify (send the webhook again), /_sandbox/iak/{ref_id}/success \
and /failed, POST /_sandbox/{digiflazz|iak}/balance {\"key\":\"prod\",\"balance_idr\":N}, \
POST /_sandbox/digiflazz/deposits/{notes}/pay (the deposit transfer arrives). Add ?key=dev \
when a ref_id exists under both keys. GET|DELETE /_sandbox/requests is the request log, \
GET|DELETE /_sandbox/webhooks the log of webhooks sent.";

#[derive(Parser)]
#[command(name = "konter-sandbox", version, about = ABOUT, long_about = LONG_ABOUT)]
struct Cli {
    #[arg(long, default_value = "127.0.0.1:8090")]
    listen: String,
    /// The Konter server's base URL, where webhooks go (e.g. http://127.0.0.1:8080).
    #[arg(long)]
    webhook_base: Option<String>,
    /// How long pending purchases stay pending before they settle and notify (ms).
    #[arg(long, default_value_t = konter_sandbox::DEFAULT_PENDING_DELAY_MS,
          value_parser = clap::value_parser!(u64).range(0..=MAX_PENDING_DELAY_MS))]
    pending_delay_ms: u64,
    /// The Midtrans server key the sandbox accepts and signs with.
    #[arg(long, default_value = midtrans::DEFAULT_SERVER_KEY)]
    midtrans_server_key: String,
    #[arg(long, default_value = digiflazz::DEFAULT_USERNAME)]
    digiflazz_username: String,
    #[arg(long, default_value = digiflazz::DEFAULT_DEV_KEY)]
    digiflazz_dev_key: String,
    #[arg(long, default_value = digiflazz::DEFAULT_PROD_KEY)]
    digiflazz_prod_key: String,
    /// Signs Digiflazz webhooks; an empty value sends them unsigned.
    #[arg(long, default_value = digiflazz::DEFAULT_WEBHOOK_SECRET)]
    digiflazz_webhook_secret: String,
    /// Least time between two full Digiflazz price lists per key (rc 83 otherwise); 0 is no
    /// limit, 300000 is Digiflazz's own.
    #[arg(long, default_value_t = 0)]
    pricelist_interval_ms: u64,
    /// The IAK username (a phone number).
    #[arg(long, default_value = iak::DEFAULT_USERNAME)]
    iak_username: String,
    #[arg(long, default_value = iak::DEFAULT_DEV_KEY)]
    iak_dev_key: String,
    #[arg(long, default_value = iak::DEFAULT_PROD_KEY)]
    iak_prod_key: String,
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
        pending_delay_ms: cli.pending_delay_ms,
        digiflazz_username: cli.digiflazz_username,
        digiflazz_dev_key: cli.digiflazz_dev_key,
        digiflazz_prod_key: cli.digiflazz_prod_key,
        digiflazz_webhook_secret: cli.digiflazz_webhook_secret,
        pricelist_interval_ms: cli.pricelist_interval_ms,
        iak_username: cli.iak_username,
        iak_dev_key: cli.iak_dev_key,
        iak_prod_key: cli.iak_prod_key,
    });
    let listener = tokio::net::TcpListener::bind(&cli.listen).await?;
    eprintln!(
        "konter-sandbox listening on http://{}",
        listener.local_addr()?
    );
    axum::serve(listener, router(sandbox)).await?;
    Ok(())
}
