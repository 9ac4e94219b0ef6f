//! Integration tests: every test runs the real `pyforge` binary on files it
//! writes (or on the shared fixtures) and reads the Parquet back.
//!
//! One module per topic, ripgrep style; `util` holds the command runner and
//! the Parquet readers.

mod util;

mod access;
mod access_concurrent;
mod access_corpus;
mod access_damage;
mod access_interrupt;
mod access_parallel;
mod bad_input;
mod cli;
mod convert_naming;
mod csv_encodings;
mod csv_fixtures;
mod csv_generated;
mod csv_parallel;
mod databricks;
mod dbase_fixtures;
mod dbase_generated;
mod env_info;
mod excel_fixtures;
mod excel_generated;
mod excel_kinds;
mod interrupt;
mod jars;
mod java_faults;
mod java_helper;
mod output_safety;
mod parquet_output;
mod pdf_fixtures;
mod pdf_options;
mod pdf_worker;
mod spark;
mod xml_fixtures;
mod xml_generated;
