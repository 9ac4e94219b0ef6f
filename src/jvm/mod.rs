//! Everything Access files need from Java: the pinned JAR set and, next to
//! it, the helper process that reads the databases. One module per job.

// The supervisor's request API and its retries are called by the tests and
// `env-info` today; the Access converter (issue 4) is their real caller.
#[allow(dead_code)]
pub mod backoff;
#[allow(dead_code)]
pub mod helper;
pub mod helper_jar;
pub mod jars;
pub mod java;
#[allow(dead_code)]
pub mod process;
pub mod protocol;
#[allow(dead_code)]
pub mod retry;
pub mod rows;
pub mod setup;
