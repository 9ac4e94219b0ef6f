//! Where the JAR set is downloaded from, as Maven itself would reach Maven
//! Central: `--repo` or `PYFORGE_MAVEN_REPO` when given; else the mirror of
//! `central` and the active proxy in the user's Maven settings
//! (`~/.m2/settings.xml`) or Maven's own (`$MAVEN_HOME/conf/settings.xml`,
//! or the `conf/` of the `mvn` on PATH), the user's first, as Maven merges
//! them; else Maven Central. Read at run time, never stored, so pyforge
//! reaches whatever `mvn` on this machine reaches.

use std::path::{Path, PathBuf};

use quick_xml::events::Event;

use crate::env_vars;
use crate::jvm::jars::MAVEN_CENTRAL;

/// The repository chosen and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryChoice {
    pub url: String,
    /// Where it came from, for `env-info`: `--repo`, `PYFORGE_MAVEN_REPO`,
    /// ``mirror `id` in <file>``, or `default` (Maven Central).
    pub from: String,
    /// The proxy Maven's settings name for it, when one is active.
    pub proxy: Option<HttpProxy>,
}

/// An HTTP proxy from Maven's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpProxy {
    /// `http://host:port`.
    pub url: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Hosts reached directly, comma-separated (Maven writes them with `|`).
    pub no_proxy: String,
    /// The settings file it is in.
    pub file: PathBuf,
}

/// The repository for `given` (`--repo`, empty or absent meaning not given).
pub fn repository(given: Option<&str>) -> RepositoryChoice {
    let proxy = || settings_files().iter().find_map(|f| read(f).proxy);
    if let Some(url) = given.map(str::trim).filter(|u| !u.is_empty()) {
        return RepositoryChoice {
            url: url.to_string(),
            from: "--repo".into(),
            proxy: proxy(),
        };
    }
    if let Ok(url) = std::env::var(env_vars::PYFORGE_MAVEN_REPO) {
        if !url.trim().is_empty() {
            return RepositoryChoice {
                url: url.trim().to_string(),
                from: env_vars::PYFORGE_MAVEN_REPO.into(),
                proxy: proxy(),
            };
        }
    }
    for file in settings_files() {
        if let Some((id, url)) = read(&file).central_mirror {
            return RepositoryChoice {
                url,
                from: format!("mirror `{id}` in {}", file.display()),
                proxy: proxy(),
            };
        }
    }
    RepositoryChoice {
        url: MAVEN_CENTRAL.into(),
        from: "default".into(),
        proxy: proxy(),
    }
}

/// Maven's settings files that exist, the user's first.
fn settings_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        files.push(Path::new(&home).join(".m2/settings.xml"));
    }
    for variable in ["MAVEN_HOME", "M2_HOME"] {
        if let Some(home) = std::env::var_os(variable).filter(|h| !h.is_empty()) {
            files.push(Path::new(&home).join("conf/settings.xml"));
        }
    }
    if let Ok(mvn) = which::which("mvn") {
        if let Ok(real) = std::fs::canonicalize(&mvn) {
            if let Some(home) = real.parent().and_then(Path::parent) {
                files.push(home.join("conf/settings.xml"));
            }
        }
    }
    files.dedup();
    files.retain(|f| f.is_file());
    files
}

/// What one settings file says about reaching Maven Central.
#[derive(Debug, Default, PartialEq, Eq)]
struct Settings {
    /// The first mirror whose `mirrorOf` covers `central`: id and URL.
    central_mirror: Option<(String, String)>,
    /// The first active http(s) proxy.
    proxy: Option<HttpProxy>,
}

fn read(file: &Path) -> Settings {
    match std::fs::read_to_string(file) {
        Ok(text) => parse(&text, file),
        Err(_) => Settings::default(),
    }
}

/// Reads the mirrors and proxies of a settings document; what cannot be
/// read is left out (Maven would refuse the file; pyforge goes on without).
fn parse(text: &str, file: &Path) -> Settings {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut settings = Settings::default();
    loop {
        match reader.read_event() {
            Ok(Event::Start(start)) => {
                path.push(start.local_name().into_inner().to_string());
                if matches!(
                    path_str(&path).as_str(),
                    "settings/mirrors/mirror" | "settings/proxies/proxy"
                ) {
                    fields.clear();
                }
            }
            Ok(Event::Text(text)) => {
                if path.len() == 4 {
                    let value = text.xml10_content().trim().to_string();
                    fields.push((path[3].clone(), interpolate(&value)));
                }
            }
            Ok(Event::End(_)) => {
                match path_str(&path).as_str() {
                    "settings/mirrors/mirror" if settings.central_mirror.is_none() => {
                        settings.central_mirror = mirror_of_central(&fields);
                    }
                    "settings/proxies/proxy" if settings.proxy.is_none() => {
                        settings.proxy = active_proxy(&fields, file);
                    }
                    _ => {}
                }
                path.pop();
            }
            Ok(Event::Eof) | Err(_) => return settings,
            Ok(_) => {}
        }
    }
}

fn path_str(path: &[String]) -> String {
    path.join("/")
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// The mirror's id and URL when its `mirrorOf` covers `central` (`*`,
/// `external:*` and `central` do; `!central` excludes it; `external:http:*`
/// covers only plain-http repositories, which Central is not).
fn mirror_of_central(fields: &[(String, String)]) -> Option<(String, String)> {
    let url = field(fields, "url")?;
    let patterns = field(fields, "mirrorOf")?;
    let mut covered = false;
    for pattern in patterns.split(',').map(str::trim) {
        match pattern {
            "!central" => return None,
            "*" | "external:*" | "central" | "external:https:*" => covered = true,
            _ => {}
        }
    }
    covered.then(|| {
        (
            field(fields, "id").unwrap_or("(no id)").to_string(),
            url.to_string(),
        )
    })
}

/// The proxy when it is active (the default) and speaks http(s).
fn active_proxy(fields: &[(String, String)], file: &Path) -> Option<HttpProxy> {
    if field(fields, "active").is_some_and(|a| a.eq_ignore_ascii_case("false")) {
        return None;
    }
    let protocol = field(fields, "protocol").unwrap_or("http");
    if !matches!(protocol, "http" | "https") {
        return None;
    }
    let host = field(fields, "host")?;
    let port = field(fields, "port").unwrap_or("8080");
    Some(HttpProxy {
        url: format!("{protocol}://{host}:{port}"),
        username: field(fields, "username").map(str::to_string),
        password: field(fields, "password").map(str::to_string),
        no_proxy: field(fields, "nonProxyHosts")
            .unwrap_or("")
            .replace('|', ","),
        file: file.to_path_buf(),
    })
}

/// `${env.NAME}` replaced by the variable's value, as Maven does.
fn interpolate(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find("${env.") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "${env.".len()..];
        match after.find('}') {
            Some(end) => {
                out.push_str(&std::env::var(&after[..end]).unwrap_or_default());
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[at..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTINGS: &str = r#"<?xml version="1.0"?>
<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
  <proxies>
    <proxy><id>off</id><active>false</active><protocol>http</protocol><host>unused</host><port>1</port></proxy>
    <proxy>
      <id>corp</id><protocol>http</protocol><host>proxy.example</host><port>3128</port>
      <username>u</username><password>p</password><nonProxyHosts>localhost|*.example</nonProxyHosts>
    </proxy>
  </proxies>
  <mirrors>
    <!-- not for central -->
    <mirror><id>blocker</id><mirrorOf>external:http:*</mirrorOf><url>http://0.0.0.0/</url></mirror>
    <mirror><id>corp-central</id><mirrorOf>*,!snapshots</mirrorOf><url>https://repo.example/maven2</url></mirror>
  </mirrors>
</settings>"#;

    #[test]
    fn the_mirror_of_central_and_the_active_proxy_are_read() {
        let settings = parse(SETTINGS, Path::new("settings.xml"));
        assert_eq!(
            settings.central_mirror,
            Some(("corp-central".into(), "https://repo.example/maven2".into()))
        );
        let proxy = settings.proxy.unwrap();
        assert_eq!(proxy.url, "http://proxy.example:3128");
        assert_eq!(proxy.username.as_deref(), Some("u"));
        assert_eq!(proxy.no_proxy, "localhost,*.example");
    }

    #[test]
    fn mirror_patterns_follow_maven() {
        let of = |pattern: &str| {
            let fields = vec![
                ("id".to_string(), "m".to_string()),
                ("url".to_string(), "https://m".to_string()),
                ("mirrorOf".to_string(), pattern.to_string()),
            ];
            mirror_of_central(&fields).is_some()
        };
        assert!(of("*"));
        assert!(of("central"));
        assert!(of("external:*"));
        assert!(!of("external:http:*"));
        assert!(!of("*,!central"));
        assert!(!of("snapshots"));
    }

    #[test]
    fn maven_own_settings_name_no_mirror_of_central() {
        // Maven 3.8's conf/settings.xml: only the http blocker.
        let text = r#"<settings><mirrors><mirror><id>maven-default-http-blocker</id>
            <mirrorOf>external:http:*</mirrorOf><url>http://0.0.0.0/</url><blocked>true</blocked>
            </mirror></mirrors></settings>"#;
        assert_eq!(parse(text, Path::new("s")), Settings::default());
    }

    #[test]
    fn env_references_are_interpolated() {
        std::env::set_var("PYFORGE_TEST_MIRROR_HOST", "mirror.example");
        assert_eq!(
            interpolate("https://${env.PYFORGE_TEST_MIRROR_HOST}/m2"),
            "https://mirror.example/m2"
        );
    }
}
