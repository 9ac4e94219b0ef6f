//! Where a value came from, and the rule that picks it: the flag, else its
//! `PYFORGE_*` variable (an empty one counts as unset), else the default.

use serde::Serialize;

/// Where a setting's value came from (as `env-info` reports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// pyforge's built-in default (local machines).
    Default,
    /// The default for the detected Databricks environment.
    Environment,
    /// A `PYFORGE_*` variable.
    Variable,
    /// A command-line flag.
    Flag,
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// The flag, else the variable `name` read through `var` and parsed with
/// `parse`, else `default`. A variable that does not parse is an error
/// naming it (`PYFORGE_TIMEOUT: ...`).
pub fn pick<T>(
    flag: Option<T>,
    var: &dyn Fn(&str) -> Option<String>,
    name: &str,
    parse: impl Fn(&str) -> Result<T, String>,
    default: T,
    default_source: Source,
) -> Result<Setting<T>, String> {
    if let Some(value) = flag {
        return Ok(Setting {
            value,
            source: Source::Flag,
        });
    }
    match var(name).filter(|v| !v.trim().is_empty()) {
        Some(text) => Ok(Setting {
            value: parse(&text).map_err(|e| format!("{name}: {e}"))?,
            source: Source::Variable,
        }),
        None => Ok(Setting {
            value: default,
            source: default_source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> Result<u32, String> {
        text.parse().map_err(|_| "no".to_string())
    }

    #[test]
    fn the_flag_wins_then_the_variable_then_the_default() {
        let set = |_: &str| Some("7".to_string());
        let unset = |_: &str| None;
        let empty = |_: &str| Some(" ".to_string());
        let got = |flag, var: &dyn Fn(&str) -> Option<String>| {
            pick(flag, var, "PYFORGE_X", number, 3, Source::Default).unwrap()
        };
        assert_eq!(got(Some(1), &set).source, Source::Flag);
        assert_eq!(
            got(None, &set),
            Setting {
                value: 7,
                source: Source::Variable
            }
        );
        assert_eq!(
            got(None, &unset),
            Setting {
                value: 3,
                source: Source::Default
            }
        );
        assert_eq!(got(None, &empty).source, Source::Default);
        let bad = |_: &str| Some("x".to_string());
        assert_eq!(
            pick(None, &bad, "PYFORGE_X", number, 3, Source::Default),
            Err("PYFORGE_X: no".to_string())
        );
    }
}
