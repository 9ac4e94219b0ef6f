//! The dBase table and memo readers on arbitrary bytes: header, code page,
//! memo blocks, every record of every field type, `info` too.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pyforge::fuzzing::dbase(data);
});
