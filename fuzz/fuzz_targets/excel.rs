//! The workbook reader on arbitrary bytes: kind sniffing, every sheet's two
//! passes, merged areas, every batch.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pyforge::fuzzing::excel(data);
});
