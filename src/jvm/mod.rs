//! Everything Access files need from Java: the pinned JAR set and, next to
//! it, the helper process that reads the databases. One module per job.

pub mod helper_jar;
pub mod jars;
pub mod protocol;
