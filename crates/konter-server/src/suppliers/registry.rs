//! The suppliers as the workers and routes see them: what each adapter answers
//! ([`SupplierApi`]), and the configured ones in the config's order ([`Suppliers`]), chosen by
//! name without matching on it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use konter_domain::api::v1::PlnInquiry;
use konter_domain::game::{Game, GameTarget, SupplierFormat};

use super::{
    Asked, BillAnswer, Call, HttpTransport, InquiryError, Listed, Meaning, Outcome, PriceItem,
    Purchase, Transport, digiflazz, failure_outcome, iak,
};
use crate::config::Config;

/// A supplier's answer on its way.
pub type Reply<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An inquiry's answer, with the exchange kept in the audit trail when one was made.
pub type Inquired<T> = (Result<T, InquiryError>, Option<Call>);

/// What the workers and the routes need of a supplier. Each adapter owns its request
/// shapes and its result-code table and answers in [`Outcome`] classes only; adding a
/// supplier is one new adapter and its config.
pub trait SupplierApi: Send + Sync {
    /// The name the catalogue and the attempts use (`digiflazz`, `iak`).
    fn name(&self) -> &'static str;
    /// How it writes a game account's customer number.
    fn format(&self) -> SupplierFormat;
    /// The least time between two calls about one ref_id.
    fn status_interval(&self) -> Duration;
    /// Buys, under a new ref_id (a bill: pays, under its inquiry's ref_id).
    fn topup<'a>(&'a self, p: &'a Purchase) -> Reply<'a, (Outcome, Call)>;
    /// Asks what became of a ref_id; never buys anything new.
    fn status<'a>(&'a self, p: &'a Purchase) -> Reply<'a, (Outcome, Call)>;
    /// The whole prepaid price list.
    fn price_list(&self) -> Reply<'_, Result<Vec<Listed>, String>>;
    /// The deposit left with the supplier, in whole rupiah.
    fn balance(&self) -> Reply<'_, Result<i64, String>>;
    /// Whether it looks bills up and pays them.
    fn pays_bills(&self) -> bool {
        false
    }
    /// Looks a bill up under `ref_id`, which its payment must use again.
    fn bill_inquiry<'a>(
        &'a self,
        _ref_id: &'a str,
        _supplier_sku: &'a str,
        _customer_no: &'a str,
    ) -> Reply<'a, Inquired<BillAnswer>> {
        Box::pin(async { (Err(InquiryError::NotOffered), None) })
    }
    /// A PLN customer's name and tariff.
    fn pln_inquiry<'a>(&'a self, _target: &'a str) -> Reply<'a, Inquired<PlnInquiry>> {
        Box::pin(async { (Err(InquiryError::NotOffered), None) })
    }
    /// A game account's nickname (`customer_no` in this supplier's [`format`](Self::format)).
    fn game_inquiry<'a>(
        &'a self,
        _game: Game,
        _customer_no: &'a str,
    ) -> Reply<'a, Inquired<String>> {
        Box::pin(async { (Err(InquiryError::NotOffered), None) })
    }
}

/// The configured suppliers, in the config's order.
#[derive(Clone, Default)]
pub struct Suppliers {
    all: Vec<Arc<dyn SupplierApi>>,
    /// Digiflazz itself, for its webhooks' secret.
    pub digiflazz: Option<Arc<digiflazz::Digiflazz>>,
    /// IAK itself, for its callbacks' sign.
    pub iak: Option<Arc<iak::Iak>>,
    /// What reaches them, and the payment gateway too.
    pub transport: Option<Arc<dyn Transport>>,
}

impl Suppliers {
    pub fn from_config(config: &Config) -> Result<Suppliers, reqwest::Error> {
        Ok(Suppliers::with_transport(
            config,
            Arc::new(HttpTransport::new()?),
        ))
    }

    /// The configured suppliers, reached through `transport`.
    pub fn with_transport(config: &Config, transport: Arc<dyn Transport>) -> Suppliers {
        let digiflazz = config
            .suppliers
            .digiflazz
            .clone()
            .map(|c| Arc::new(digiflazz::Digiflazz::new(c, transport.clone())));
        let iak = config
            .suppliers
            .iak
            .clone()
            .map(|c| Arc::new(iak::Iak::new(c, transport.clone())));
        let mut all: Vec<Arc<dyn SupplierApi>> = Vec::new();
        if let Some(d) = &digiflazz {
            all.push(d.clone());
        }
        if let Some(i) = &iak {
            all.push(i.clone());
        }
        Suppliers {
            all,
            digiflazz,
            iak,
            transport: Some(transport),
        }
    }

    fn get(&self, name: &str) -> Option<&dyn SupplierApi> {
        self.all
            .iter()
            .find(|s| s.name() == name)
            .map(AsRef::as_ref)
    }

    /// Whether any supplier is configured.
    pub fn any(&self) -> bool {
        !self.all.is_empty()
    }

    /// Whether `name` is configured here.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The names of the configured suppliers.
    pub fn names(&self) -> Vec<&'static str> {
        self.all.iter().map(|s| s.name()).collect()
    }

    /// How `name` writes a game account's number (Digiflazz's way for one not configured
    /// here: only a status question is still asked of it, and that is refused anyway).
    pub fn format(&self, name: &str) -> SupplierFormat {
        self.get(name)
            .map_or(SupplierFormat::Digiflazz, SupplierApi::format)
    }

    /// The least time between two calls about one ref_id for this supplier.
    pub fn status_interval(&self, name: &str) -> Duration {
        self.get(name)
            .map_or(Duration::from_secs(60), SupplierApi::status_interval)
    }

    /// Buys, under a new ref_id (a bill: pays, under its inquiry's ref_id).
    pub async fn topup(&self, name: &str, p: &Purchase) -> (Outcome, Call) {
        match self.get(name) {
            Some(s) => s.topup(p).await,
            None => not_configured(name, Asked::Buy),
        }
    }

    /// Asks what became of a ref_id; never buys anything new. A supplier no longer configured
    /// here is a refused question: the purchase may stand at a supplier we cannot ask.
    pub async fn status(&self, name: &str, p: &Purchase) -> (Outcome, Call) {
        match self.get(name) {
            Some(s) => s.status(p).await,
            None => not_configured(name, Asked::Status),
        }
    }

    /// Whether `name` is configured here and can look bills up and pay them.
    pub fn pays_bills(&self, name: &str) -> bool {
        self.get(name).is_some_and(SupplierApi::pays_bills)
    }

    /// Looks a bill up at `name` under `ref_id`, which its payment must use again.
    pub async fn bill_inquiry(
        &self,
        name: &str,
        ref_id: &str,
        supplier_sku: &str,
        customer_no: &str,
    ) -> Inquired<BillAnswer> {
        match self.get(name) {
            Some(s) => s.bill_inquiry(ref_id, supplier_sku, customer_no).await,
            None => (Err(InquiryError::NotOffered), None),
        }
    }

    /// The supplier's whole prepaid price list: costs and availability.
    pub async fn price_list(&self, name: &str) -> Result<Vec<PriceItem>, String> {
        let listed = self.listed(name).await?;
        Ok(listed.into_iter().map(|l| l.item).collect())
    }

    /// The supplier's whole prepaid price list with names, categories and brands.
    pub async fn listed(&self, name: &str) -> Result<Vec<Listed>, String> {
        match self.get(name) {
            Some(s) => s.price_list().await,
            None => Err(format!("supplier '{name}' is not configured")),
        }
    }

    /// The deposit left with the supplier, in whole rupiah.
    pub async fn balance(&self, name: &str) -> Result<i64, String> {
        match self.get(name) {
            Some(s) => s.balance().await,
            None => Err(format!("supplier '{name}' is not configured")),
        }
    }

    /// A PLN customer's name and tariff, from the first supplier that offers the inquiry.
    pub async fn pln_inquiry(&self, target: &str) -> Inquired<PlnInquiry> {
        for s in &self.all {
            let answer = s.pln_inquiry(target).await;
            if !matches!(answer.0, Err(InquiryError::NotOffered)) {
                return answer;
            }
        }
        (Err(InquiryError::NotOffered), None)
    }

    /// A game account's nickname, from the first supplier that offers the check.
    pub async fn game_inquiry(&self, game: Game, target: &GameTarget) -> Inquired<String> {
        for s in &self.all {
            let answer = s.game_inquiry(game, &target.customer_no(s.format())).await;
            if !matches!(answer.0, Err(InquiryError::NotOffered)) {
                return answer;
            }
        }
        (Err(InquiryError::NotOffered), None)
    }
}

/// The answer to a request for a supplier that is not configured here (or does not offer
/// what was asked): a refusal of our side, which for a status question keeps the attempt
/// open.
pub(crate) fn not_configured(name: &str, asked: Asked) -> (Outcome, Call) {
    (
        failure_outcome(
            asked,
            Some(Meaning::OurSide),
            "not_configured",
            &format!("supplier '{name}' is not configured on this server"),
        ),
        Call {
            operation: "none",
            ..Call::default()
        },
    )
}
