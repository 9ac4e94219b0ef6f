//! The `convert` job: plan the outputs, run the conversions, report.
//!
//! `plan` turns paths into jobs; `run` executes them (several at once with
//! `--jobs`), each through its format's reader into the `write` layer's
//! table sink (one file, or a directory of tables), with `staging` routing
//! volume inputs and outputs through local disk; `commit`
//! puts each finished output in place with its `manifest` (for
//! `--skip-existing`), replacing only what `ownership` allows; the
//! reports it returns are rendered by the CLI layer (text or `--json`).

pub mod commit;
pub mod manifest;
pub mod ownership;
pub mod plan;
pub mod run;
pub mod staging;
pub mod write;

pub use plan::{plan, Job, Plan, PlanRequest};
pub use run::{run, InputReport, JobSettings, Outcome, ProgressFactory};
pub use write::WriteSettings;
