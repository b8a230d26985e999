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

/// The shared runtime as a `pyo3-async-runtimes` runtime, so futures started from
/// asyncio run on the same (fork-aware) runtime as sync calls.
pub struct Shared;

tokio::task_local! {
    static TASK_LOCALS: std::cell::OnceCell<pyo3_async_runtimes::TaskLocals>;
}

/// A spawned task, or the report that no runtime could be built to run it.
pub enum SpawnHandle {
    Task(tokio::task::JoinHandle<()>),
    NoRuntime,
}

#[derive(Debug)]
pub enum SpawnError {
    Join(tokio::task::JoinError),
    NoRuntime,
}

impl pyo3_async_runtimes::generic::JoinError for SpawnError {
    fn is_panic(&self) -> bool {
        matches!(self, SpawnError::Join(e) if e.is_panic())
    }

    fn into_panic(self) -> Box<dyn std::any::Any + Send + 'static> {
        match self {
            SpawnError::Join(e) if e.is_panic() => e.into_panic(),
            SpawnError::Join(_) => Box::new("the task was cancelled"),
            SpawnError::NoRuntime => Box::new("the tokio runtime could not be started"),
        }
    }
}

impl Future for SpawnHandle {
    type Output = Result<(), SpawnError>;

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        match self.get_mut() {
            SpawnHandle::Task(handle) => std::pin::Pin::new(handle).poll(cx).map(|r| r.map_err(SpawnError::Join)),
            SpawnHandle::NoRuntime => std::task::Poll::Ready(Err(SpawnError::NoRuntime)),
        }
    }
}

impl pyo3_async_runtimes::generic::Runtime for Shared {
    type JoinError = SpawnError;
    type JoinHandle = SpawnHandle;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        match runtime() {
            Ok(rt) => SpawnHandle::Task(rt.spawn(fut)),
            Err(_) => SpawnHandle::NoRuntime,
        }
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        match runtime() {
            Ok(rt) => SpawnHandle::Task(rt.spawn_blocking(f)),
            Err(_) => SpawnHandle::NoRuntime,
        }
    }
}

impl pyo3_async_runtimes::generic::ContextExt for Shared {
    fn scope<F, R>(
        locals: pyo3_async_runtimes::TaskLocals,
        fut: F,
    ) -> std::pin::Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = std::cell::OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<pyo3_async_runtimes::TaskLocals> {
        TASK_LOCALS
            .try_with(|c| c.get().cloned())
            .unwrap_or_default()
    }
}

/// Hands `fut` to asyncio: the awaitable resolves on the caller's event loop, and
/// cancelling it drops the Rust future (abandoning the request).
pub fn future_into_py<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> pyo3::IntoPyObject<'a> + Send + 'static,
{
    runtime()?;
    pyo3_async_runtimes::generic::future_into_py::<Shared, F, T>(py, fut)
}
