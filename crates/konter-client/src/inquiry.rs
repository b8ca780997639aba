//! Questions the counter asks the server on the spot, outside the outbox: who a PLN number
//! belongs to, whose game account an id is, and a deposit to top up the shop's saldo. Each
//! needs the network at that moment and changes nothing in the local store, so a failure
//! only means "ask again".
//!
//! A server that does not offer an endpoint yet (404 on the route, 405, 501) gets a clear
//! "not available" error naming the field, never a generic failure.

use konter_domain::api::v1::{
    ApiError, BillInquiry, BillInquiryRequest, CreateDeposit, Deposit, DepositMethod, GameInquiry,
    GameInquiryRequest, PlnInquiry, PlnInquiryRequest,
};
use konter_domain::game::{Game, GameTarget};
use konter_domain::ids::DepositId;
use konter_domain::money::Rupiah;
use konter_domain::pln::PlnNumber;
use reqwest::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Engine;
use crate::error::{EngineError, EngineResult};
use crate::link::{self, Call, Method};
use konter_domain::codes;

/// The gateway's limits for one deposit (Midtrans VA and QRIS both take these).
pub const MIN_DEPOSIT_IDR: i64 = 10_000;
pub const MAX_DEPOSIT_IDR: i64 = 50_000_000;

/// What a "not offered" answer is about, for its message.
struct Endpoint {
    path: &'static str,
    field: &'static str,
    name_id: &'static str,
    name_en: &'static str,
}

const PLN: Endpoint = Endpoint {
    path: "/v1/inquiries/pln",
    field: "target",
    name_id: "cek nama pelanggan PLN",
    name_en: "the PLN customer check",
};

const GAME: Endpoint = Endpoint {
    path: "/v1/inquiries/game",
    field: "user_id",
    name_id: "cek nickname game",
    name_en: "the game nickname check",
};

const BILL: Endpoint = Endpoint {
    path: "/v1/bills/inquiry",
    field: "customer_no",
    name_id: "cek tagihan",
    name_en: "bill inquiries",
};

const DEPOSIT: Endpoint = Endpoint {
    path: "/v1/deposits",
    field: "method",
    name_id: "deposit dari aplikasi",
    name_en: "deposits from the app",
};

fn unavailable(endpoint: &Endpoint) -> EngineError {
    EngineError::input(
        codes::NOT_AVAILABLE,
        &format!("{} belum tersedia di server", endpoint.name_id),
        &format!("{} is not available on the server yet", endpoint.name_en),
        endpoint.field,
    )
}

impl Engine {
    /// Who a PLN meter number or customer id belongs to, before a token is sold to it.
    pub async fn pln_inquiry(&self, target: &str) -> EngineResult<PlnInquiry> {
        let number = PlnNumber::parse(target).map_err(|e| EngineError::from_field(&e))?;
        let request = PlnInquiryRequest {
            target: number.as_str().to_owned(),
        };
        self.ask(&PLN, &request).await
    }

    /// The nickname of a game account, when a supplier offers the check for that game.
    pub async fn game_inquiry(&self, game: Game, target: &str) -> EngineResult<GameInquiry> {
        let parsed = GameTarget::parse(game, target).map_err(|e| EngineError::from_field(&e))?;
        let request = GameInquiryRequest {
            game,
            target: parsed.to_string(),
        };
        self.ask(&GAME, &request).await
    }

    /// Asks the server for a deposit (a virtual account number or a QRIS code). The id is
    /// minted here, so asking twice after a lost answer returns the same deposit.
    pub async fn request_deposit(
        &self,
        id: DepositId,
        amount: Rupiah,
        method: DepositMethod,
        bank: Option<&str>,
    ) -> EngineResult<Deposit> {
        if !(MIN_DEPOSIT_IDR..=MAX_DEPOSIT_IDR).contains(&amount.idr()) {
            return Err(EngineError::input(
                codes::AMOUNT_OUT_OF_RANGE,
                "nominal deposit Rp10.000 sampai Rp50.000.000",
                "a deposit is Rp10.000 to Rp50.000.000",
                "amount_idr",
            ));
        }
        let bank = bank.map(str::trim).filter(|b| !b.is_empty());
        if method == DepositMethod::Va && bank.is_none() {
            return Err(EngineError::input(
                codes::BANK_MISSING,
                "pilih bank untuk virtual account",
                "choose a bank for the virtual account",
                "bank",
            ));
        }
        let request = CreateDeposit {
            id,
            amount_idr: amount,
            method,
            bank: bank.map(str::to_lowercase),
        };
        self.ask(&DEPOSIT, &request).await
    }

    /// One bill inquiry at the server; the caller keeps the id for a retry.
    pub(crate) async fn post_bill_inquiry(
        &self,
        request: &BillInquiryRequest,
    ) -> EngineResult<BillInquiry> {
        self.ask(&BILL, request).await
    }

    /// POSTs `body` with the device token and reads the answer.
    async fn ask<B: Serialize, T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        body: &B,
    ) -> EngineResult<T> {
        let (base, token) = link::credentials(self)?;
        let body = serde_json::to_value(body)
            .map_err(|e| EngineError::Corrupt(format!("request: {e}")))?;
        let call = Call {
            method: Method::Post,
            path: endpoint.path.into(),
            token: Some(token),
            body: Some(body),
        };
        let answer = self.send(&base, call).await?;
        if answer.is_success() {
            return answer.json();
        }
        let error: Option<ApiError> = serde_json::from_slice(&answer.body).ok();
        let status = StatusCode::from_u16(answer.status)
            .map_err(|_| EngineError::Network(format!("HTTP {}", answer.status)))?;
        Err(refusal(endpoint, status, error))
    }
}

/// The engine error for a refused request. A 404 that names something (an unknown meter
/// number) is the server's answer; a 404 for the route itself means the endpoint is missing.
fn refusal(endpoint: &Endpoint, status: StatusCode, error: Option<ApiError>) -> EngineError {
    let missing_route = match &error {
        None => true,
        Some(e) => {
            e.code == "not_found" && e.field.is_none()
                || e.code == "not_available"
                || e.code == "not_implemented"
        }
    };
    if status == StatusCode::NOT_IMPLEMENTED
        || status == StatusCode::METHOD_NOT_ALLOWED
        || (status == StatusCode::NOT_FOUND && missing_route)
    {
        return unavailable(endpoint);
    }
    match error {
        // The supplier behind the server did not answer: said next to the field, so the
        // cashier reads "try again", not "the server is down".
        Some(e) if status.is_client_error() || e.code == "inquiry_unavailable" => {
            EngineError::Input {
                field: e.field.unwrap_or_else(|| endpoint.field.to_owned()),
                code: e.code,
                message: e.message,
            }
        }
        Some(e) => EngineError::Network(format!("{} ({})", e.message, e.code)),
        _ => EngineError::Network(status.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str, field: Option<&str>) -> Option<ApiError> {
        Some(ApiError {
            code: code.into(),
            message: "pesan / message".into(),
            field: field.map(str::to_owned),
        })
    }

    #[test]
    fn a_missing_endpoint_is_not_available_and_names_the_field() {
        for (status, error) in [
            (StatusCode::NOT_FOUND, None),
            (StatusCode::NOT_FOUND, api("not_found", None)),
            (StatusCode::NOT_IMPLEMENTED, api("not_implemented", None)),
            (StatusCode::METHOD_NOT_ALLOWED, None),
        ] {
            let ui = refusal(&PLN, status, error).to_ui();
            assert_eq!(ui.code, "not_available", "{status}");
            assert_eq!(ui.field.as_deref(), Some("target"), "{status}");
        }
    }

    #[test]
    fn a_refusal_about_the_input_keeps_the_servers_code_and_field() {
        let ui = refusal(
            &GAME,
            StatusCode::NOT_FOUND,
            api("game_account_not_found", Some("zone_id")),
        )
        .to_ui();
        assert_eq!(ui.code, "game_account_not_found");
        assert_eq!(ui.field.as_deref(), Some("zone_id"));
        let ui = refusal(
            &PLN,
            StatusCode::UNPROCESSABLE_ENTITY,
            api("pln_invalid", None),
        )
        .to_ui();
        assert_eq!(
            ui.field.as_deref(),
            Some("target"),
            "a field-less refusal is shown next to the endpoint's own field"
        );
    }

    #[test]
    fn a_server_failure_is_a_network_error() {
        let e = refusal(&DEPOSIT, StatusCode::BAD_GATEWAY, None);
        assert!(matches!(e, EngineError::Network(_)), "{e:?}");
    }
}
