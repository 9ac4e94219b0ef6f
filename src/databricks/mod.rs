//! Running on Databricks: which platform this is (`platform`), facts about
//! the machine (`machine`), the default settings that follow from both
//! (`defaults`; `crate::settings` resolves flags and variables over them),
//! Unity Catalog volume paths (`volumes`), and all of it gathered for
//! `env-info` (`environment`). On a laptop the same code
//! finds "local" and pyforge's plain defaults.

pub mod defaults;
pub mod environment;
pub mod machine;
pub mod platform;
pub mod volumes;
