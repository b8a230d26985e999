//! DEBUG records through Python's `logging`, under the `bedrock_customization`
//! logger, so they are configured as boto3's are. Requests, retries and timings
//! only: never headers, bodies or credentials (boto3 logs the session token at
//! DEBUG; nothing here can).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::capture::{Failure, Outcome};

const DEBUG: i32 = 10;

static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn logger(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    LOGGER
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("logging")?
                    .call_method1("getLogger", ("bedrock_customization",))?
                    .unbind(),
            )
        })
        .map(|l| l.bind(py))
}

fn enabled(py: Python<'_>) -> Option<&Bound<'_, PyAny>> {
    // `logging` that nobody imported was never configured, so no record could be
    // emitted: it is not imported (~5 ms) just to find that out.
    static MODULES: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    static IS_ENABLED_FOR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    if LOGGER.get(py).is_none() {
        let modules = MODULES
            .get_or_try_init(py, || {
                Ok::<_, PyErr>(py.import("sys")?.getattr("modules")?.unbind())
            })
            .ok()?
            .bind(py);
        if !modules.contains("logging").ok()? {
            return None;
        }
    }
    let log = logger(py).ok()?;
    // The bound method, looked up once: asking it is then one Python call
    // (logging caches the answer per level until a level changes).
    IS_ENABLED_FOR
        .get_or_try_init(py, || log.getattr("isEnabledFor").map(Bound::unbind))
        .ok()?
        .bind(py)
        .call1((DEBUG,))
        .ok()?
        .is_truthy()
        .ok()?
        .then_some(log)
}

/// One record per retried attempt, then one for the call.
pub fn call(py: Python<'_>, operation: &str, outcome: &Outcome) {
    let Some(log) = enabled(py) else { return };
    let url = outcome.url.as_deref().unwrap_or("?");
    let last = outcome.history.len().saturating_sub(1);
    for (i, (status, took)) in outcome.history.iter().enumerate().take(last) {
        let got = status.map_or("no response".to_string(), |s| format!("HTTP {s}"));
        let msg = format!(
            "{operation} attempt {} of {url}: {got} after {:.1} ms; retrying",
            i + 1,
            took.as_secs_f64() * 1000.0
        );
        let _ = log.call_method1("debug", (msg,));
    }
    let result = match &outcome.result {
        Ok(raw) => format!("HTTP {}", raw.status),
        Err(Failure::Service(raw)) => format!("HTTP {} (error)", raw.status),
        Err(Failure::Transport { kind, .. }) => format!("failed ({kind})"),
    };
    let msg = format!(
        "{operation} {url}: {result} in {:.1} ms, {} attempt(s)",
        outcome.elapsed.as_secs_f64() * 1000.0,
        outcome.attempts
    );
    let _ = log.call_method1("debug", (msg,));
}
