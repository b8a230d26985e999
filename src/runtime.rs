//! The one tokio runtime every client shares, and the bridge that runs a future
//! from a synchronous Python call with the GIL released.

use std::future::Future;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use tokio::runtime::Runtime;

use crate::fork_slot::{ForkSlot, Inherited};

/// The runtime, for the process it was made in: a forked child gets a fresh one,
/// since the parent's worker threads do not exist in the child. The inherited one
/// is leaked on purpose: dropping it would try to join them.
static RUNTIME: Mutex<ForkSlot<Arc<Runtime>>> = Mutex::new(ForkSlot::new(Inherited::Leak));

/// Counts the shared runtimes started and stopped in this process (and its
/// parent's): what was built against one (a client's connection pool, whose
/// connections it drives) is rebuilt when this moves on (`ClientInner::sdk`).
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The current value of `GENERATION`.
pub fn generation() -> u64 {
    GENERATION.load(std::sync::atomic::Ordering::Acquire)
}

fn next_generation() {
    GENERATION.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
}

/// How often a waiting sync call looks for Ctrl-C.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

pub fn runtime() -> PyResult<Arc<Runtime>> {
    let mut slot = RUNTIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut started = false;
    let rt = slot
        .get_or_try_init((), || {
            started = true;
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(worker_threads())
                .thread_name("bedrock-customization")
                .on_thread_stop(thread_state::drop_kept)
                .enable_all()
                .build()
                .map(Arc::new)
                .map_err(|e| {
                    PyRuntimeError::new_err(format!("cannot start the tokio runtime: {e}"))
                })
        })?
        .clone();
    if started {
        next_generation();
    }
    Ok(rt)
}

/// Rust work per call is small next to Python's: half the cores (at least one,
/// at most four) run the runtime, and Python keeps the rest. On two cores one
/// worker also spares every request a hop between workers (measured: sync calls
/// 330 -> 260 CPU µs each).
fn worker_threads() -> usize {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    (cores / 2).clamp(1, 4)
}

/// Takes the GIL on a runtime thread. The thread keeps one Python thread state for
/// the rest of its life, so completing an asyncio future or parsing a response
/// there does not create and destroy a thread state (and its frame stack) each time.
pub fn attach<R>(f: impl FnOnce(Python<'_>) -> R) -> R {
    thread_state::keep();
    Python::attach(f)
}

mod thread_state {
    use pyo3::ffi;
    use std::cell::Cell;

    thread_local! {
        static KEPT: Cell<Option<(ffi::PyGILState_STATE, *mut ffi::PyThreadState)>> = const { Cell::new(None) };
    }

    /// Gives this thread a lasting thread state, once; not on a thread Python
    /// already knows (one it made, or one that holds the GIL now).
    pub fn keep() {
        if KEPT.with(|k| k.get().is_some()) {
            return;
        }
        // SAFETY: the interpreter is initialized (checked), and this thread has no
        // thread state (checked), so it does not hold the GIL: Ensure makes a state
        // and takes the GIL, SaveThread releases the GIL and keeps the state, whose
        // Ensure count stays at one until `drop_kept`.
        unsafe {
            if ffi::Py_IsInitialized() == 0 || !ffi::PyGILState_GetThisThreadState().is_null() {
                return;
            }
            let gstate = ffi::PyGILState_Ensure();
            let tstate = ffi::PyEval_SaveThread();
            KEPT.with(|k| k.set(Some((gstate, tstate))));
        }
    }

    /// When a runtime thread ends (the runtime is shut down by `shutdown_runtime`,
    /// before the interpreter finalizes): its kept state is released.
    pub fn drop_kept() {
        if let Some((gstate, tstate)) = KEPT.with(|k| k.take()) {
            // SAFETY: undoes `keep` on the same thread, while the interpreter lives.
            unsafe {
                if ffi::Py_IsInitialized() == 0 {
                    return;
                }
                ffi::PyEval_RestoreThread(tstate);
                ffi::PyGILState_Release(gstate);
            }
        }
    }
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
    // Called on a runtime thread (Python code run there: a waiter's `on_poll`
    // making a sync call), waiting would hold a worker the task may need: the
    // worker's other duties move to another thread while this one waits.
    let on_runtime_thread = tokio::runtime::Handle::try_current().is_ok();
    let mut rx = rx;
    loop {
        let (back, received) = py.detach(move || {
            let wait = || rx.recv_timeout(SIGNAL_POLL);
            let r = if on_runtime_thread {
                tokio::task::block_in_place(wait)
            } else {
                wait()
            };
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

thread_local! {
    /// This thread's own current-thread runtime, for its sync calls, for the process
    /// it was made in: a forked child makes its own. A parent's runtime shares its
    /// epoll instance with the parent: it is leaked, not dropped.
    static HERE: std::cell::RefCell<ForkSlot<Runtime>> =
        const { std::cell::RefCell::new(ForkSlot::new(Inherited::Leak)) };
}

/// Whether `block_on_here` can run on this thread: not on a runtime thread (a
/// waiter's `on_poll` making a sync call), where a runtime cannot be entered.
pub fn can_block_here() -> bool {
    tokio::runtime::Handle::try_current().is_err()
}

/// Runs `fut` on the calling thread, with the GIL released, on the thread's own
/// current-thread runtime (signing, the SDK's orchestrator, the response); its
/// connection is the client's, driven on the shared runtime (`config::http_client`),
/// which wakes this thread when the response arrives. Every `SIGNAL_POLL` it takes
/// the GIL back just long enough to run Python's signal handlers, so Ctrl-C
/// (KeyboardInterrupt) drops the future, abandoning the request.
pub fn block_on_here<F, T>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = T> + Send,
    T: Send,
{
    let mut fut = Box::pin(fut);
    loop {
        let (back, polled) = py.detach(move || {
            let polled = HERE.with(|here| -> PyResult<Option<T>> {
                let mut here = here.try_borrow_mut().map_err(|_| {
                    PyRuntimeError::new_err(
                        "a sync call was made while this thread was waiting for one",
                    )
                })?;
                let rt = here.get_or_try_init((), || {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| {
                            PyRuntimeError::new_err(format!("cannot start the tokio runtime: {e}"))
                        })
                })?;
                Ok(rt.block_on(async { tokio::time::timeout(SIGNAL_POLL, &mut fut).await.ok() }))
            });
            (fut, polled)
        });
        fut = back;
        match polled? {
            Some(out) => return Ok(out),
            None => py.check_signals()?,
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
    /// Ran inline, to completion.
    Done,
    /// Ran inline and panicked (the payload is handed over once).
    Panicked(Option<Box<dyn std::any::Any + Send + 'static>>),
    NoRuntime,
}

#[derive(Debug)]
pub enum SpawnError {
    Join(tokio::task::JoinError),
    Panic(Box<dyn std::any::Any + Send + 'static>),
    NoRuntime,
}

impl pyo3_async_runtimes::generic::JoinError for SpawnError {
    fn is_panic(&self) -> bool {
        matches!(self, SpawnError::Panic(_)) || matches!(self, SpawnError::Join(e) if e.is_panic())
    }

    fn into_panic(self) -> Box<dyn std::any::Any + Send + 'static> {
        match self {
            SpawnError::Join(e) if e.is_panic() => e.into_panic(),
            SpawnError::Panic(payload) => payload,
            SpawnError::Join(_) => Box::new("the task was cancelled"),
            SpawnError::NoRuntime => Box::new("the tokio runtime could not be started"),
        }
    }
}

impl Future for SpawnHandle {
    type Output = Result<(), SpawnError>;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        match self.get_mut() {
            SpawnHandle::Task(handle) => std::pin::Pin::new(handle)
                .poll(cx)
                .map(|r| r.map_err(SpawnError::Join)),
            SpawnHandle::Done => std::task::Poll::Ready(Ok(())),
            SpawnHandle::Panicked(payload) => std::task::Poll::Ready(match payload.take() {
                Some(p) => Err(SpawnError::Panic(p)),
                None => Ok(()),
            }),
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

    /// The bridge uses this only to hand a finished result to asyncio (a short
    /// `call_soon_threadsafe` under the GIL): it runs right here, on the runtime
    /// thread that finished the future, rather than on a blocking-pool thread
    /// woken for it (two thread hand-offs and a pool thread per call).
    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        thread_state::keep();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            Ok(()) => SpawnHandle::Done,
            Err(panic) => SpawnHandle::Panicked(Some(panic)),
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

/// Stops the shared runtime while the interpreter is still whole (run by `atexit`
/// once the async bridge has been used): the bridge completes futures on the
/// runtime's worker threads (see `spawn_blocking` above), and one of them taking the GIL while the
/// interpreter finalizes aborts the process ("PyGILState_Release: thread state
/// must be current"). Work still in flight is dropped, as at any exit.
#[pyfunction]
pub fn shutdown_runtime(py: Python<'_>) {
    // (A parent's runtime, inherited through fork, is leaked: its threads do not
    // exist here.)
    let taken = RUNTIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take();
    next_generation();
    if let Some(rt) = taken {
        py.detach(move || {
            if let Ok(rt) = Arc::try_unwrap(rt) {
                rt.shutdown_timeout(Duration::from_secs(1));
            }
        });
    }
}

/// Registers `shutdown_runtime` with `atexit`, once per process: for whatever takes the
/// GIL on the runtime's threads (the async bridge; `completions` for a loop woken by
/// calls).
pub fn shutdown_at_exit(py: Python<'_>) -> PyResult<()> {
    static REGISTERED: Mutex<ForkSlot<()>> = Mutex::new(ForkSlot::new(Inherited::Drop));
    let mut registered = REGISTERED.lock().unwrap_or_else(|p| p.into_inner());
    registered.get_or_try_init((), || -> PyResult<()> {
        let hook = wrap_pyfunction!(shutdown_runtime, py)?;
        py.import("atexit")?.call_method1("register", (hook,))?;
        Ok(())
    })?;
    Ok(())
}

/// Hands `fut` to asyncio: the awaitable resolves on the caller's event loop, and
/// cancelling it drops the Rust future (abandoning the request).
pub fn future_into_py<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> pyo3::IntoPyObject<'a> + Send + 'static,
{
    runtime()?;
    shutdown_at_exit(py)?;
    pyo3_async_runtimes::generic::future_into_py::<Shared, F, T>(py, fut)
}
