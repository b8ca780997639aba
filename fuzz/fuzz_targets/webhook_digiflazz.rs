#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| konter_fuzz::webhook_digiflazz(data));
