//! The one tokio runtime every client shares, and the bridge that runs a future
//! from a synchronous Python call with the GIL released.

use std::future::Future;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use tokio::runtime::Runtime;

/// The runtime and the process it was made in: a forked child gets a fresh one,
/// since the parent's worker threads do not exist in the child.
static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// How often a waiting sync call looks for Ctrl-C.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

pub fn runtime() -> PyResult<Arc<Runtime>> {
    let pid = std::process::id();
    let mut slot = RUNTIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((owner, rt)) = slot.as_ref() {
        if *owner == pid {
            return Ok(rt.clone());
        }
    }
    // After fork the inherited runtime's threads are gone: dropping it would try to
    // join them, so it is leaked on purpose.
    if let Some((_, old)) = slot.take() {
        std::mem::forget(old);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("bedrock-customization")
        .enable_all()
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the tokio runtime: {e}")))?;
    let rt = Arc::new(rt);
    *slot = Some((pid, rt.clone()));
    Ok(rt)
}

/// Runs `fut` on the shared runtime and waits for it with the GIL released.
/// Every few milliseconds the waiting thread takes the GIL back just long enough
/// to run Python's signal handlers, so Ctrl-C (KeyboardInterrupt) aborts the call.
pub fn block_on<F, T>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let rt = runtime()?;
    let (tx, rx) = mpsc::sync_channel::<T>(1);
    let task = rt.spawn(async move {
        let out = fut.await;
        let _ = tx.send(out);
    });
    let mut rx = rx;
    loop {
        let (back, received) = py.detach(move || {
            let r = rx.recv_timeout(SIGNAL_POLL);
            (rx, r)
        });
        rx = back;
        match received {
            Ok(out) => return Ok(out),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Err(err) = py.check_signals() {
                    task.abort();
                    return Err(err);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "the request task ended without a result (it panicked or was cancelled)",
                ));
            }
        }
    }
}
