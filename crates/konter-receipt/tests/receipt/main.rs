//! Integration tests of konter-receipt: golden bytes, the preview against the printed text,
//! the code-page property, the transports, and the python-escpos cross-check.

mod decode;
mod devices;
mod fixtures;
mod golden;
mod loopback;
mod properties;
mod pyescpos;
