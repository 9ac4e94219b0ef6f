//! The `convert` job: plan the outputs, run the conversions, report.
//!
//! `plan` turns paths into jobs; `run` executes them (several at once with
//! `--jobs`), each through its format's reader into the Parquet sink, with
//! `staging` routing volume inputs and outputs through local disk and a
//! `manifest` written beside each complete output for `--skip-existing`; the
//! reports it returns are rendered by the CLI layer (text or `--json`).

pub mod manifest;
pub mod plan;
pub mod run;
pub mod staging;

pub use plan::{plan, Job, Plan, PlanRequest};
pub use run::{run, InputReport, JobSettings, Outcome, ProgressFactory};
