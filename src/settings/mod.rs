//! Every setting pyforge resolves after parsing the command line, in one
//! place: the value parsers (`parse`), the rule "flag, else `PYFORGE_*`
//! variable, else the default of the platform pyforge runs on" with the
//! source of each value (`sources`), the run settings that rule resolves
//! (`run`), the Java helper's settings built from them (`jvm`), the Maven
//! repository the JAR set comes from (`maven`), the PDF reader's settings
//! and each format's password (`pdf`), and the settings only a variable
//! sets (`variables`).
//!
//! `cli.rs` only defines the flags; `commands/` hands what they said to
//! this module as [`Overrides`] and gets resolved settings back.

pub mod jvm;
pub mod maven;
pub mod parse;
pub mod pdf;
pub mod run;
pub mod sources;
pub mod variables;

pub use jvm::{jvm_settings, jvm_settings_from};
pub use run::{resolve, Overrides, RunSettings};
pub use sources::{Setting, Source};
