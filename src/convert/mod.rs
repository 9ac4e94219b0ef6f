//! The `convert` job: plan the outputs, run the conversions, report.
//!
//! `plan` turns paths into jobs; `run` executes them (several at once with
//! `--jobs`), each through its format's reader into the Parquet sink; the
//! reports it returns are rendered by the CLI layer (text or `--json`).

pub mod plan;
pub mod run;

pub use plan::{plan, Job, Plan, PlanRequest};
pub use run::{run, InputReport, JobSettings, Outcome, ProgressFactory};
