//! konter-sandbox driven over real HTTP: the Digiflazz and IAK contracts of
//! docs/suppliers.md, the outcome rules and the fault switches.

mod digiflazz;
mod faults;
mod harness;
mod iak;
mod pasca;
