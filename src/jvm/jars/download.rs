//! Downloads from a Maven-layout repository over HTTP(S).
//!
//! Each file streams into a hidden temporary file in the set's folder through
//! a SHA-256 hasher; it is kept only when its size and hash match the pin.
//! Network errors and HTTP 5xx / 408 / 429 are retried with exponential
//! backoff ([`crate::jvm::backoff`]); a 404, another 4xx and a checksum mismatch are
//! final. Proxies come from the usual `HTTPS_PROXY` / `NO_PROXY` variables,
//! else from Maven's settings (see `settings::maven`). Servers are trusted
//! by the machine's certificate store as well as the bundled roots, so a
//! TLS-inspecting proxy whose CA the system trusts works as it does for curl.

use std::path::Path;
use std::time::Duration;

use reqwest::blocking::Client;

use super::{copy_hashing, CopyError, JarPin, JarsError, Staged};
use crate::files::TempPath;
use crate::jvm::backoff::{self as retry, Failure};
use crate::progress::Progress;
use crate::settings::maven::HttpProxy;

/// Longest wait for a TCP (and TLS) connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// Longest wait for the response headers, and for each read of the body.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// A Maven repository, by its root URL.
pub(super) struct Repository {
    base: String,
    proxy: Option<HttpProxy>,
}

impl Repository {
    /// Checks that `url` is an http(s) URL; a trailing `/` is dropped.
    pub(super) fn new(url: &str, proxy: Option<HttpProxy>) -> Result<Repository, JarsError> {
        let bad = |reason: &str| JarsError::BadRepo {
            repo: url.to_string(),
            reason: reason.to_string(),
        };
        let parsed = reqwest::Url::parse(url.trim()).map_err(|e| bad(&e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(bad("only http and https are supported"));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(bad("no host"));
        }
        Ok(Repository {
            base: url.trim().trim_end_matches('/').to_string(),
            proxy,
        })
    }

    /// The URL of one file.
    pub(super) fn url_of(&self, pin: &JarPin) -> String {
        format!("{}/{}", self.base, pin.maven_path())
    }

    fn client(&self, connect: Duration, read: Duration) -> Result<Client, JarsError> {
        let mut builder = reqwest::blocking::Client::builder()
            .connect_timeout(connect)
            .timeout(read)
            .user_agent(concat!("pyforge/", env!("CARGO_PKG_VERSION")));
        if let Some(proxy) = self.proxy.as_ref().filter(|_| !proxy_variables_set()) {
            builder = builder.proxy(maven_proxy(proxy)?);
        }
        builder
            .build()
            .map_err(|e| JarsError::Client(error_chain(&e)))
    }

    /// Asks for the `.sha1` beside `pin` once, within `timeout`: whether the
    /// repository answers with the file there. No retries.
    pub(super) fn probe(&self, pin: &JarPin, timeout: Duration) -> Result<(), JarsError> {
        let url = format!("{}.sha1", self.url_of(pin));
        let client = self.client(timeout, timeout)?;
        let response = client.get(&url).send().map_err(|e| JarsError::Network {
            url: url.clone(),
            message: error_chain(&e),
        })?;
        match response.status() {
            status if status.is_success() => Ok(()),
            reqwest::StatusCode::NOT_FOUND => Err(JarsError::NotFound { url }),
            status => Err(JarsError::HttpStatus {
                url,
                status: status.to_string(),
            }),
        }
    }

    /// Downloads and verifies every file of `needed` into temporary files in
    /// `dir`. Nothing is renamed here: the caller does that once all arrived.
    pub(super) fn fetch_all(
        &self,
        needed: &[&JarPin],
        dir: &Path,
        progress: &dyn Progress,
    ) -> Result<Vec<Staged>, JarsError> {
        let client = self.client(CONNECT_TIMEOUT, READ_TIMEOUT)?;
        let policy = retry::Policy::default();
        let total: u64 = needed.iter().map(|p| p.size).sum();
        let mut done = 0u64;
        let mut staged = Vec::with_capacity(needed.len());
        for pin in needed {
            let url = self.url_of(pin);
            let file = retry::retry(
                &policy,
                |attempt| {
                    if attempt > 1 {
                        // Forget the bytes of the failed attempt.
                        progress.start("download", total);
                        progress.advance(done);
                    }
                    fetch_one(&client, &url, pin, dir, progress)
                },
                |error, wait, attempt| {
                    tracing::info!(
                        "{error}; retrying in {:.1}s (attempt {} of {})",
                        wait.as_secs_f64(),
                        attempt + 1,
                        policy.max_attempts
                    )
                },
            )?;
            tracing::info!("downloaded {} ({} bytes) from {url}", pin.file, pin.size);
            done += pin.size;
            staged.push(file);
        }
        Ok(staged)
    }
}

/// Whether the environment names a proxy (which then wins, as for curl).
fn proxy_variables_set() -> bool {
    [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .iter()
    .any(|v| std::env::var_os(v).is_some_and(|value| !value.is_empty()))
}

/// The proxy Maven's settings name, for every request.
fn maven_proxy(proxy: &HttpProxy) -> Result<reqwest::Proxy, JarsError> {
    let mut built = reqwest::Proxy::all(&proxy.url).map_err(|e| {
        JarsError::Client(format!(
            "the proxy {} in {}: {}",
            proxy.url,
            proxy.file.display(),
            error_chain(&e)
        ))
    })?;
    if let (Some(user), Some(password)) = (&proxy.username, &proxy.password) {
        built = built.basic_auth(user, password);
    }
    Ok(built.no_proxy(reqwest::NoProxy::from_string(&proxy.no_proxy)))
}

/// One attempt at one file.
fn fetch_one(
    client: &reqwest::blocking::Client,
    url: &str,
    pin: &JarPin,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<Staged, Failure<JarsError>> {
    let network = |message: String| {
        Failure::Transient(JarsError::Network {
            url: url.to_string(),
            message,
        })
    };
    tracing::debug!("GET {url}");
    let response = client
        .get(url)
        .send()
        // The URL leads the message already.
        .map_err(|e| network(error_chain(&e.without_url())))?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::GONE {
        return Err(Failure::Final(JarsError::NotFound {
            url: url.to_string(),
        }));
    }
    if !status.is_success() {
        let error = JarsError::HttpStatus {
            url: url.to_string(),
            status: status.to_string(),
        };
        let transient = status.is_server_error()
            || status == reqwest::StatusCode::REQUEST_TIMEOUT
            || status == reqwest::StatusCode::TOO_MANY_REQUESTS;
        return Err(if transient {
            Failure::Transient(error)
        } else {
            Failure::Final(error)
        });
    }

    let target = dir.join(&pin.file);
    let (temp, mut file) = TempPath::file(&target).map_err(|source| {
        Failure::Final(JarsError::Io {
            path: dir.to_path_buf(),
            source,
        })
    })?;
    let digest = copy_hashing(response, &mut file, pin.size, progress).map_err(|e| match e {
        CopyError::Read(e) => network(error_chain(&e)),
        CopyError::Write(source) => Failure::Final(JarsError::Io {
            path: dir.to_path_buf(),
            source,
        }),
    })?;
    if !digest.matches(pin) {
        return Err(Failure::Final(digest.mismatch(pin, url.to_string())));
    }
    Ok(Staged { temp })
}

/// An error and its causes on one line (`error sending request: connection
/// refused`), skipping causes whose text the outer message already holds.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        cause = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_urls_are_checked_and_joined() {
        let repo = Repository::new("http://127.0.0.1:9/maven2/", None).unwrap();
        let pin = &super::super::JarSet::ucanaccess().files[0];
        assert_eq!(
            repo.url_of(pin),
            "http://127.0.0.1:9/maven2/net/sf/ucanaccess/ucanaccess/4.0.4/ucanaccess-4.0.4.jar"
        );
        assert!(Repository::new("ftp://example.invalid/repo", None).is_err());
        assert!(Repository::new("not a url", None).is_err());
        assert!(Repository::new("file:///tmp/repo", None).is_err());
    }
}
