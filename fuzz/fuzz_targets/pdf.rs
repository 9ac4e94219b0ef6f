//! The PDF reader (pdf_oxide, as the PDF worker drives it) on arbitrary
//! bytes: open, password, facts, every page's text and images.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pyforge::fuzzing::pdf(data);
});
