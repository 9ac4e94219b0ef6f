//! Exponential backoff: a synchronous retry loop (JAR downloads) and a
//! sequence of delays (the async helper supervisor).
//!
//! The only place that uses the `backoff` crate. RustSec marks it
//! unmaintained (RUSTSEC-2025-0012); keeping it behind this one function means
//! `backon` (or twenty lines of our own) can replace it without touching the
//! callers.

use std::time::Duration;

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    /// Wait before the first retry; doubles after each one.
    pub initial: Duration,
    /// Longest wait between two attempts.
    pub max_interval: Duration,
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// No retry starts after this much time since the first attempt.
    pub max_elapsed: Duration,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            initial: Duration::from_millis(250),
            max_interval: Duration::from_secs(8),
            max_attempts: 5,
            max_elapsed: Duration::from_secs(120),
        }
    }
}

/// What one attempt's failure means.
pub(crate) enum Failure<E> {
    /// Worth another attempt (a network error, HTTP 5xx).
    Transient(E),
    /// Retrying cannot help (a checksum mismatch, HTTP 404).
    Final(E),
}

/// Runs `attempt` (given the attempt number, from 1) until it succeeds, fails
/// finally, or the policy gives up; then returns the last error. Before each
/// retry `on_retry` hears the error, the wait, and the number of the attempt
/// that failed.
pub(crate) fn retry<T, E>(
    policy: &Policy,
    mut attempt: impl FnMut(u32) -> Result<T, Failure<E>>,
    mut on_retry: impl FnMut(&E, Duration, u32),
) -> Result<T, E> {
    let backoff = backoff::ExponentialBackoff {
        current_interval: policy.initial,
        initial_interval: policy.initial,
        randomization_factor: 0.25,
        multiplier: 2.0,
        max_interval: policy.max_interval,
        max_elapsed_time: Some(policy.max_elapsed),
        ..backoff::ExponentialBackoff::default()
    };
    // Read by the closure that runs attempts and by the one that reports.
    let number = std::cell::Cell::new(0u32);
    let result = backoff::retry_notify(
        backoff,
        || {
            number.set(number.get() + 1);
            match attempt(number.get()) {
                Ok(value) => Ok(value),
                Err(Failure::Final(e)) => Err(backoff::Error::permanent(e)),
                Err(Failure::Transient(e)) if number.get() >= policy.max_attempts => {
                    Err(backoff::Error::permanent(e))
                }
                Err(Failure::Transient(e)) => Err(backoff::Error::transient(e)),
            }
        },
        |e: E, wait: Duration| on_retry(&e, wait, number.get()),
    );
    result.map_err(|e| match e {
        backoff::Error::Permanent(e) => e,
        backoff::Error::Transient { err, .. } => err,
    })
}

/// Waits between attempts that the caller makes itself (async code):
/// exponential from `initial` up to `max_interval`, with jitter.
pub(crate) struct Delays {
    inner: backoff::ExponentialBackoff,
}

impl Delays {
    pub(crate) fn new(initial: Duration, max_interval: Duration) -> Delays {
        Delays {
            inner: backoff::ExponentialBackoff {
                current_interval: initial,
                initial_interval: initial,
                randomization_factor: 0.2,
                multiplier: 2.0,
                max_interval,
                max_elapsed_time: None,
                ..backoff::ExponentialBackoff::default()
            },
        }
    }

    /// The wait before the next attempt.
    pub(crate) fn next_delay(&mut self) -> Duration {
        use backoff::backoff::Backoff as _;
        self.inner.next_backoff().unwrap_or(self.inner.max_interval)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick(max_attempts: u32) -> Policy {
        Policy {
            initial: Duration::from_millis(1),
            max_interval: Duration::from_millis(2),
            max_attempts,
            max_elapsed: Duration::from_secs(5),
        }
    }

    #[test]
    fn transient_failures_are_retried_until_success() {
        let mut retries = Vec::new();
        let result = retry(
            &quick(5),
            |n| {
                if n < 3 {
                    Err(Failure::Transient(n))
                } else {
                    Ok(n)
                }
            },
            |e, _, n| retries.push((*e, n)),
        );
        assert_eq!(result, Ok(3));
        assert_eq!(retries, [(1, 1), (2, 2)]);
    }

    #[test]
    fn final_failures_are_not_retried() {
        let mut calls = 0;
        let result: Result<(), &str> = retry(
            &quick(5),
            |_| {
                calls += 1;
                Err(Failure::Final("mismatch"))
            },
            |_, _, _| panic!("no retry expected"),
        );
        assert_eq!(result, Err("mismatch"));
        assert_eq!(calls, 1);
    }

    #[test]
    fn attempts_are_bounded() {
        let mut calls = 0;
        let result: Result<(), u32> = retry(
            &quick(3),
            |n| {
                calls += 1;
                Err(Failure::Transient(n))
            },
            |_, _, _| {},
        );
        assert_eq!(result, Err(3));
        assert_eq!(calls, 3);
    }
}
