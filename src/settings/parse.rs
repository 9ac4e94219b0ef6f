//! Value parsers shared by flags (clap's `value_parser`) and `PYFORGE_*`
//! variables, so a value means the same whichever way it came. Each error
//! is a sentence fragment about the value; the caller names the flag or
//! variable.

use std::path::PathBuf;

/// `512m`, `2g`, `1536` (MiB) → MiB: at least the 64m the helper needs and
/// at most this machine's memory.
pub fn memory_mb(text: &str) -> Result<u64, String> {
    let text = text.trim().to_ascii_lowercase();
    let (digits, factor) = match text.strip_suffix(['g', 'm', 'k']) {
        Some(digits) if text.ends_with('g') => (digits, 1024.0),
        Some(digits) if text.ends_with('k') => (digits, 1.0 / 1024.0),
        Some(digits) => (digits, 1.0),
        None => (text.as_str(), 1.0),
    };
    let value: f64 = digits
        .trim_end_matches('b')
        .parse()
        .map_err(|_| format!("`{text}` is not a size like 512m or 2g"))?;
    let mb = value * factor;
    if !mb.is_finite() || mb < 64.0 {
        return Err(format!("`{text}` is less than the 64m the helper needs"));
    }
    if let Some(machine) = crate::databricks::machine::memory_mb() {
        if mb > machine as f64 {
            return Err(format!(
                "`{text}` is more than this machine's memory ({machine} MiB)"
            ));
        }
    }
    Ok(mb.round() as u64)
}

/// A duration in whole seconds, above 0.
pub fn positive_secs(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("`{text}` is not a whole number of seconds above 0")),
    }
}

/// A count: a whole number, 0 included.
pub fn whole_number<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number"))
}

/// Whether a switch variable says "off": `0`, `false` or `never`.
pub fn is_off(text: &str) -> bool {
    matches!(text, "0" | "false" | "never")
}

/// A path where an empty value (an exported but empty variable) means
/// "the default" instead of an error.
pub fn path_or_empty(text: &str) -> Result<PathBuf, std::convert::Infallible> {
    Ok(PathBuf::from(text))
}

/// A CSV field delimiter: one ASCII character, or its name.
pub fn delimiter(text: &str) -> Result<u8, String> {
    let byte = match text {
        "tab" | "\\t" | "\t" => b'\t',
        "comma" => b',',
        "semicolon" => b';',
        "pipe" => b'|',
        "colon" => b':',
        "space" => b' ',
        other if other.len() == 1 && other.is_ascii() => other.as_bytes()[0],
        other => {
            return Err(format!(
            "`{other}` is not one ASCII character (or tab, comma, semicolon, pipe, colon, space)"
        ))
        }
    };
    if matches!(byte, b'"' | b'\n' | b'\r') {
        return Err("the delimiter cannot be a quote or a line break".into());
    }
    Ok(byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sizes() {
        assert_eq!(memory_mb("2g"), Ok(2048));
        assert_eq!(memory_mb("512m"), Ok(512));
        assert_eq!(memory_mb("1.5G"), Ok(1536));
        assert_eq!(memory_mb("4096"), Ok(4096));
        assert!(memory_mb("lots").is_err());
        assert!(memory_mb("1m").is_err());
        assert!(memory_mb("-5g").is_err());
        assert!(memory_mb("nan").is_err());
        let too_much = memory_mb("9999999999999999999999g").unwrap_err();
        assert!(too_much.contains("machine's memory"), "{too_much}");
    }

    #[test]
    fn durations_and_counts() {
        assert_eq!(positive_secs(" 30 "), Ok(30));
        assert!(positive_secs("0").is_err());
        assert_eq!(whole_number::<u32>("0"), Ok(0));
        assert_eq!(
            whole_number::<usize>("-1"),
            Err("`-1` is not a whole number".to_string())
        );
        assert!(is_off("never") && is_off("0") && !is_off("1") && !is_off(""));
    }

    #[test]
    fn delimiter_names_and_characters() {
        assert_eq!(delimiter("tab"), Ok(b'\t'));
        assert_eq!(delimiter(";"), Ok(b';'));
        assert!(delimiter("ab").is_err());
        assert!(delimiter("\"").is_err());
    }
}
