//! Running on Databricks: which platform this is (`platform`), facts about
//! the machine (`machine`), the settings that follow from both (`settings`),
//! Unity Catalog volume paths (`volumes`), and all of it gathered for
//! `env-info` (`environment`). On a laptop the same code
//! finds "local" and pyforge's plain defaults.

pub mod environment;
pub mod machine;
pub mod platform;
pub mod settings;
pub mod volumes;
