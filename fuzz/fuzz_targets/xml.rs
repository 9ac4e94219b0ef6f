//! The XML flattener on arbitrary bytes: encodings, entities, limits,
//! record detection, every flatten strategy and array handling.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pyforge::fuzzing::xml(data);
});
