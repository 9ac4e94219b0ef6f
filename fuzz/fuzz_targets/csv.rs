//! The CSV reader on arbitrary bytes: sniffing, both passes, every batch.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pyforge::fuzzing::csv(data);
});
